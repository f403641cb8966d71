package io.drydock.server.harbor;

import io.drydock.image.Digest;
import io.drydock.inventory.Inventory;
import io.drydock.scan.Finding;
import io.drydock.vulndb.Advisory;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The scanning behind Harbor's adapter API: pull one artifact from the registry Harbor names, inventory it and match
 * it. {@link RegistryHarborScans} does it for real; tests put a fake behind {@link HarborAdapter} to hold a scan in
 * flight.
 */
public interface HarborScans {
    /**
     * Scans one artifact; called on the adapter's worker threads, several at a time.
     *
     * @throws io.drydock.DrydockException when the artifact cannot be pulled or read; the message names the image
     *     and the cause, and never the credential
     */
    Scanned scan(Target target);

    /**
     * Scanner properties for {@code GET /api/v1/metadata}, such as the advisory DB's build time under
     * {@code harbor.scanner-adapter/vulnerability-database-updated-at}; values must not be empty (Harbor rejects them).
     */
    Map<String, String> properties();

    /**
     * What Harbor asked to be scanned.
     *
     * @param registry the registry's base URL as Harbor sent it ({@code http://127.0.0.1:5000},
     *     {@code https://core.harbor.domain}); plain HTTP only when it says {@code http}
     * @param authorization the {@code Authorization} header value Harbor sent for the registry ({@code Basic …} or
     *     {@code Bearer …}), or null; {@link #toString()} never shows it
     */
    record Target(URI registry, String authorization, String repository, Digest digest) {
        public Target {
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(digest, "digest");
        }

        /** {@code host[:port]} as image references name a registry. */
        public String host() {
            String host = registry.getHost().toLowerCase(java.util.Locale.ROOT);
            return registry.getPort() < 0 ? host : host + ":" + registry.getPort();
        }

        public boolean plainHttp() {
            return "http".equalsIgnoreCase(registry.getScheme());
        }

        /** The image as messages name it: {@code host/repository@digest}. */
        public String image() {
            return host() + "/" + repository + "@" + digest;
        }

        @Override
        public String toString() {
            return "Target[" + image() + ", authorization=" + (authorization == null ? "none" : "<redacted>") + "]";
        }
    }

    /**
     * A finished scan: everything the reports are made from, so that a report can be written after the advisory DB
     * that matched it was closed or replaced.
     *
     * @param findings every finding, nothing gated away: Harbor applies its own policies to the report
     * @param advisories the advisory records behind the findings, by id (descriptions, links, CWE ids, CVSS)
     */
    record Scanned(Inventory inventory, List<Finding> findings, Map<String, Advisory> advisories, Instant finishedAt) {
        public Scanned {
            findings = List.copyOf(findings);
            advisories = Map.copyOf(advisories);
        }
    }
}
