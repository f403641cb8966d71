/**
 * Freshness: how current an image's operating system and runtimes are.
 *
 * <p>{@link io.drydock.freshness.EolData} holds endoflife.date's end-of-life data (the snapshot shipped in the jar,
 * or a directory of newer product files) and answers, for a version, its release line, whether that line is still
 * supported, its end-of-life and extended-support dates, and the newest release of the line, always with the date
 * of the data. {@code productForOs} and {@code productForRuntime} map os-release IDs and runtime names to products.
 */
package io.drydock.freshness;
