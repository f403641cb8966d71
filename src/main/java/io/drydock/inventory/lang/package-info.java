/**
 * Analyzers for the packages of application ecosystems, one class per kind of evidence: Java archives
 * ({@link io.drydock.inventory.lang.JavaArchiveAnalyzer}), npm ({@link io.drydock.inventory.lang.NpmAnalyzer}),
 * Python ({@link io.drydock.inventory.lang.PythonAnalyzer}), Go and Rust binaries
 * ({@link io.drydock.inventory.lang.GoBinaryAnalyzer}, {@link io.drydock.inventory.lang.RustAuditableAnalyzer}, run
 * together by {@link io.drydock.inventory.lang.ExecutableAnalyzer}), Ruby gems, .NET and Composer.
 * {@link io.drydock.inventory.lang.LanguageAnalyzers#all()} lists them.
 *
 * <p>Every file arrives as a forward-only stream out of the layer. Files parsed whole (JSON, metadata) are read only
 * under a size limit; archives and executables are streamed, never held: a jar's nested jars are read straight out
 * of it, an executable only in the ranges its headers point at. Input comes from images we do not control, so each
 * limit, each malformed file, becomes a warning naming the file (nested archives as {@code outer.jar!/inner.jar})
 * and the analysis goes on with the next file.
 */
package io.drydock.inventory.lang;
