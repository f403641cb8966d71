/**
 * Operating system analyzers: the distribution ({@link io.drydock.inventory.os.OsReleaseAnalyzer}) and the packages
 * of dpkg, apk and rpm databases ({@link io.drydock.inventory.os.DpkgAnalyzer},
 * {@link io.drydock.inventory.os.ApkAnalyzer}, {@link io.drydock.inventory.os.RpmAnalyzer}), all listed by
 * {@link io.drydock.inventory.os.OsAnalyzers#all()}.
 *
 * <p>Every database is parsed here, in Java, from bytes an image supplied: rpm's Berkeley DB, ndb and header
 * formats included, with no native rpm or Berkeley DB library. Whatever is malformed becomes an
 * {@link io.drydock.inventory.AnalysisWarning} naming the file and the stanza or header, and the rest of the file is
 * still read.
 */
package io.drydock.inventory.os;
