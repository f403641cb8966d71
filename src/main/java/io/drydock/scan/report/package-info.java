/**
 * The formats a scan report is written in: a table for people, Drydock's JSON (documented in
 * {@code docs/scan-report.md}), SARIF for code-scanning dashboards, CycloneDX VEX for SBOM tooling, and cosign's
 * vulnerability attestation predicate for signing. Each is a {@link io.drydock.scan.report.ReportWriter} found by
 * its {@code --format} name; all of them read only the {@link io.drydock.scan.ScanReport}, never the DB or the image.
 */
package io.drydock.scan.report;
