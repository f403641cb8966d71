/**
 * Drydock's advisory database: OSV (and Alpine secdb) advisories normalised into one SQLite file, and matching
 * of package versions against them.
 *
 * <p>Entry points:
 * <ul>
 *   <li>{@link io.drydock.vulndb.VulnDbBuilder} builds the file from {@link io.drydock.vulndb.osv.AdvisorySource}s
 *       and replaces the old one atomically;</li>
 *   <li>{@link io.drydock.vulndb.VulnDb} opens it: {@code query(ecosystem, release, name, version)} gives the
 *       matching advisories and why, {@code metadata()} and {@code staleness(maxAge)} what {@code db status} and
 *       scans need;</li>
 *   <li>{@link io.drydock.vulndb.Ecosystems} names the supported ecosystems and normalises keys;</li>
 *   <li>{@code version} holds the version schemes, {@code osv} the readers of advisory feeds, {@code cvss} the
 *       scoring of CVSS vectors.</li>
 * </ul>
 */
package io.drydock.vulndb;
