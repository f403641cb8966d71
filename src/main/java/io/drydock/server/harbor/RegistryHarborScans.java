package io.drydock.server.harbor;

import io.drydock.DrydockException;
import io.drydock.image.ImageReference;
import io.drydock.image.ImageResolver;
import io.drydock.image.Platform;
import io.drydock.image.ResolvedImage;
import io.drydock.image.registry.Credential;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.image.registry.RegistrySource;
import io.drydock.inventory.AnalysisCache;
import io.drydock.inventory.DefaultAnalyzers;
import io.drydock.inventory.Inventorier;
import io.drydock.inventory.Inventory;
import io.drydock.layer.LayerReader;
import io.drydock.scan.Finding;
import io.drydock.scan.Matcher;
import io.drydock.vulndb.Advisory;
import io.drydock.vulndb.DbMetadata;
import io.drydock.vulndb.VulnDb;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Scans for Harbor with Drydock's own parts: the registry client pulls the artifact from the registry Harbor names
 * (every manifest and blob verified by digest), the inventorier analyses its layers (cached by diffID under the home,
 * so a layer shared by many images is read once) and the matcher checks the inventory against the advisory DB file.
 *
 * <p>Every scan gets a registry client of its own, holding only the credential of its request: Harbor mints a robot
 * account per scan job, and a client shared between scans would hand one scan's cached registry token to the next
 * (which then would not be refused when its own credential is wrong).
 *
 * <p>The DB file is opened for each scan and closed after it, so a scan always matches against the newest DB that
 * {@code drydock db update} renamed into place (an open DB keeps reading the file it opened), and no shared handle has
 * to be swapped under running scans. Opening costs little next to pulling and reading the image.
 */
public final class RegistryHarborScans implements HarborScans {
    /** How errors name the credential: where it came from, never its value. */
    static final String CREDENTIAL_ORIGIN = "Harbor's scan request (registry.authorization)";

    private final Path advisoryDb;
    private final RegistryClient.Options registryOptions;
    private final Inventorier inventorier;
    private final Platform platform;
    private final Matcher.Priority priority;
    private final Clock clock;
    private volatile DbVersion lastDb;

    /**
     * @param home the Drydock home whose layer analysis cache the scans share ({@code DRYDOCK_HOME})
     * @param advisoryDb the advisory DB file ({@code $DRYDOCK_HOME/db/vulndb.sqlite} where the CLI keeps it)
     * @param registryOptions timeouts, retries, trusted CAs and insecure registries of the server's configuration;
     *     a registry Harbor names with {@code http://} is added to the insecure ones for its own scan only
     */
    public RegistryHarborScans(Path home, Path advisoryDb, RegistryClient.Options registryOptions) {
        this(home, advisoryDb, registryOptions, Platform.LINUX_AMD64, Matcher.Priority.PRECISE, Clock.systemUTC());
    }

    /**
     * @param platform picked when Harbor names an image index (it normally asks for each platform's manifest itself)
     */
    public RegistryHarborScans(Path home, Path advisoryDb, RegistryClient.Options registryOptions, Platform platform,
            Matcher.Priority priority, Clock clock) {
        this.advisoryDb = advisoryDb;
        this.registryOptions = registryOptions;
        this.inventorier = new Inventorier(DefaultAnalyzers.all(), new LayerReader(), AnalysisCache.inHome(home));
        this.platform = platform;
        this.priority = priority;
        this.clock = clock;
    }

    @Override
    public Scanned scan(Target target) {
        ImageReference ref = new ImageReference(target.host(), target.repository(), null, target.digest());
        CredentialStore credentials = CredentialStore.none();
        credential(target).ifPresent(c -> credentials.put(target.host(), c));
        RegistryClient.Options options = registryOptions;
        if (target.plainHttp()) {
            Set<String> insecure = new HashSet<>(options.insecureRegistries());
            insecure.add(target.host());
            options = options.withInsecure(insecure);
        }
        // opened first: without a DB there is no point in pulling the image
        try (VulnDb db = VulnDb.open(advisoryDb)) {
            RegistrySource source = new RegistrySource(new RegistryClient(credentials, options), ref);
            ResolvedImage image = ImageResolver.resolve(source, ref.manifestReference(), platform);
            Inventory inventory = inventorier.inventory(source, image);
            // no base split: Harbor's report has no place for it, and finding the base could reach other registries
            Matcher.Result matched = new Matcher(db, priority).match(inventory, 0);
            Map<String, Advisory> advisories = new HashMap<>();
            for (Finding f : matched.findings()) {
                for (String id : f.advisories()) {
                    if (!advisories.containsKey(id)) {
                        db.advisory(id).ifPresent(a -> advisories.put(id, a));
                    }
                }
            }
            return new Scanned(inventory, matched.findings(), advisories, clock.instant());
        }
    }

    /**
     * The credential in Harbor's {@code Authorization} value. Basic carries a robot account, which the client uses
     * for Basic registries and to fetch its own tokens from a Bearer registry's token service (Harbor's
     * {@code /service/token}), as Harbor's registry expects. Bearer carries a registry token Harbor issued for the
     * artifact's repository (what Harbor sends an adapter registered as wanting Bearer): the client sends it as it
     * is with every request to that registry and fetches no token of its own.
     */
    static Optional<Credential> credential(Target target) {
        String value = target.authorization();
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String[] parts = value.strip().split("\\s+", 2);
        String scheme = parts[0].toLowerCase(Locale.ROOT);
        if (scheme.equals("basic") && parts.length == 2) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new DrydockException("the registry.authorization for " + target.image() + " is not valid Basic authorization (not base64)");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new DrydockException("the registry.authorization for " + target.image() + " is not valid Basic authorization (no user:password)");
            }
            return Optional.of(Credential.basic(decoded.substring(0, colon), decoded.substring(colon + 1), CREDENTIAL_ORIGIN));
        }
        if (scheme.equals("bearer") && parts.length == 2 && !parts[1].isBlank()) {
            return Optional.of(Credential.bearer(parts[1].strip(), CREDENTIAL_ORIGIN));
        }
        throw new DrydockException("the registry.authorization for " + target.image() + " is neither Basic nor Bearer authorization");
    }

    @Override
    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("drydock.platform", platform.toString());
        p.put("drydock.detection-priority", priority.name().toLowerCase(Locale.ROOT));
        try {
            DbMetadata m = dbMetadata();
            p.put(HarborAdapter.PROPERTY_DB_UPDATED_AT, m.builtAt().toString());
            p.put("drydock.advisory-db.advisories", Long.toString(m.advisories()));
            p.put("drydock.advisory-db.packages", Long.toString(m.packages()));
        } catch (DrydockException e) {
            // metadata is what Harbor shows about the scanner: say why scans will fail rather than fail the call
            p.put("drydock.advisory-db", e.getMessage());
        }
        return p;
    }

    /** The DB file as of a modification time and size, and its metadata: read again only when the file was replaced. */
    private record DbVersion(long modified, long size, DbMetadata metadata) {
    }

    private DbMetadata dbMetadata() {
        long modified;
        long size;
        try {
            modified = Files.getLastModifiedTime(advisoryDb).toMillis();
            size = Files.size(advisoryDb);
        } catch (IOException e) {
            throw new DrydockException("no advisory DB at " + advisoryDb + "; run drydock db update");
        }
        DbVersion known = lastDb;
        if (known != null && known.modified() == modified && known.size() == size) {
            return known.metadata();
        }
        try (VulnDb db = VulnDb.open(advisoryDb)) {
            lastDb = new DbVersion(modified, size, db.metadata());
            return db.metadata();
        }
    }
}
