package io.drydock.server.harbor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageReference;
import io.drydock.image.ImageResolver;
import io.drydock.image.ImageSource;
import io.drydock.image.ImageSpec;
import io.drydock.image.Platform;
import io.drydock.image.ResolvedImage;
import io.drydock.image.local.LocalSources;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.inventory.AnalysisCache;
import io.drydock.inventory.DefaultAnalyzers;
import io.drydock.inventory.Inventorier;
import io.drydock.inventory.Inventory;
import io.drydock.layer.LayerReader;
import io.drydock.scan.Finding;
import io.drydock.scan.Gate;
import io.drydock.scan.ImageAccess;
import io.drydock.scan.KnownBases;
import io.drydock.scan.Matcher;
import io.drydock.scan.ScanReport;
import io.drydock.scan.Scanner;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import io.drydock.testing.TokenServer;
import io.drydock.vulndb.EmbeddedAdvisories;
import io.drydock.vulndb.VulnDb;
import io.drydock.vulndb.VulnDbBuilder;
import io.javalin.Javalin;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Harbor's scanner API over real HTTP: the reference application image (debootstrap bookworm, log4j-core 2.14.1,
 * lodash 4.17.15) pushed to real Distribution registries, scanned through the adapter with Drydock's registry client,
 * inventory and the advisories shipped in the jar, and every response body checked against the published API document
 * (see {@link HarborSpec}).
 */
class HarborAdapterTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String VULN_1_1 = "application/vnd.security.vulnerability.report; version=1.1";
    static final String HARBOR_1_0 = "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0";
    static final String SBOM = "application/vnd.security.sbom.report+json; version=1.0";
    static final String ERROR = "application/vnd.scanner.adapter.error+json; version=1.0";
    static final String ROBOT = "robot$drydock-scan";
    static final String ROBOT_SECRET = "Rob0t-Secret-4711";

    @TempDir
    static Path dir;
    static TestRegistry registry;
    static TestRegistry locked;
    static TokenServer tokens;
    static TestRegistry harborLike;
    static String digest;
    static String mediaType;
    static Path dbFile;
    static List<Finding> expected;
    static Inventory expectedInventory;
    static HarborAdapter adapter;
    static Javalin app;
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final HarborSpec SPEC = new HarborSpec();

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.open();
        registry.push(TestImages.ociRef("app"), "team/app:1");
        locked = TestRegistry.basicAuth(ROBOT, ROBOT_SECRET);
        locked.push(TestImages.ociRef("app"), "team/app:1");
        // Harbor's own registry: a Bearer challenge whose token service takes the robot account's Basic credentials
        tokens = TokenServer.start(ROBOT, ROBOT_SECRET);
        harborLike = TestRegistry.tokenAuth(tokens);
        harborLike.push(TestImages.ociRef("app"), "library/app:1");
        Descriptor pushed = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults())
                .head(ImageReference.parse(registry.hostPort() + "/team/app:1")).orElseThrow();
        digest = pushed.digest().toString();
        mediaType = pushed.mediaType();

        Path home = Files.createDirectories(dir.resolve("home"));
        dbFile = home.resolve("db").resolve("vulndb.sqlite");
        Files.createDirectories(dbFile.getParent());
        VulnDbBuilder builder = VulnDbBuilder.to(dbFile);
        EmbeddedAdvisories.sources().forEach(builder::add);
        builder.build();
        drydocksOwnScan();

        RegistryHarborScans scans = new RegistryHarborScans(home, dbFile,
                RegistryClient.Options.defaults().withRetries(2, Duration.ofMillis(50)));
        adapter = new HarborAdapter(scans, new HarborAdapter.Settings(2, 10, 50, Duration.ofHours(1), Duration.ofSeconds(1)),
                Clock.systemUTC(), EVENTS::add);
        app = serve(adapter);
    }

    /** What {@code drydock scan} finds in the same image read from the fixture's OCI layout, with a cache of its own. */
    static void drydocksOwnScan() {
        String ref = TestImages.ociRef("app");
        ResolvedImage img;
        try (ImageSource source = LocalSources.open(ImageSpec.parse(ref))) {
            img = ImageResolver.resolve(source, source.defaultReference(), Platform.LINUX_AMD64);
            expectedInventory = new Inventorier(DefaultAnalyzers.all(), new LayerReader(), AnalysisCache.inHome(dir.resolve("cli-home")))
                    .inventory(source, img);
        }
        ImageAccess none = new ImageAccess() {
            @Override
            public ResolvedImage resolve(String reference) {
                throw new DrydockException("no base lookups in this test: " + reference);
            }

            @Override
            public Inventory inventory(String reference) {
                throw new DrydockException("no base lookups in this test: " + reference);
            }
        };
        try (VulnDb db = VulnDb.open(dbFile)) {
            ScanReport report = new Scanner(db, Matcher.Priority.PRECISE, none, new KnownBases(dir.resolve("known.json")), Clock.systemUTC())
                    .scan(new Scanner.Target(ref, expectedInventory, img.config().diffIds().stream().map(Object::toString).toList(),
                            img.manifest().annotations()), null, Gate.none(LocalDate.now(ZoneOffset.UTC)));
            expected = report.findings();
        }
        assertThat(expected).extracting(Finding::id).contains("CVE-2021-44228");
    }

    static Javalin serve(HarborAdapter a) {
        return Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            a.mount(c.routes);
        }).start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
        if (adapter != null) {
            adapter.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (locked != null) {
            locked.close();
        }
        if (harborLike != null) {
            harborLike.close();
        }
        if (tokens != null) {
            tokens.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ metadata

    @Test
    void metadataDescribesTheScannerItsCapabilitiesAndTheAdvisoryDb() throws Exception {
        HttpResponse<String> r = get(app, "/api/v1/metadata", "application/vnd.scanner.adapter.metadata+json; version=1.1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(contentType(r)).isEqualTo("application/vnd.scanner.adapter.metadata+json; version=1.1");
        JsonNode m = valid("ScannerAdapterMetadata", r);
        assertThat(m.at("/scanner/name").asText()).isEqualTo("Drydock");
        assertThat(m.at("/scanner/version").asText()).isNotBlank();
        assertThat(m.get("capabilities")).hasSize(2);
        JsonNode vuln = m.get("capabilities").get(0);
        assertThat(vuln.get("type").asText()).isEqualTo("vulnerability");
        assertThat(texts(vuln.get("consumes_mime_types"))).containsExactly("application/vnd.oci.image.manifest.v1+json",
                "application/vnd.docker.distribution.manifest.v2+json");
        assertThat(texts(vuln.get("produces_mime_types"))).containsExactly(VULN_1_1, HARBOR_1_0);
        JsonNode sbom = m.get("capabilities").get(1);
        assertThat(sbom.get("type").asText()).isEqualTo("sbom");
        assertThat(texts(sbom.get("produces_mime_types"))).containsExactly(SBOM);
        assertThat(texts(sbom.at("/additional_attributes/sbom_media_types"))).containsExactly("application/spdx+json",
                "application/vnd.cyclonedx+json");
        JsonNode p = m.get("properties");
        assertThat(p.get("harbor.scanner-adapter/scanner-type").asText()).isEqualTo("os-package-vulnerability");
        assertThat(p.get("harbor.scanner-adapter/registry-authorization-type").asText()).isEqualTo("Basic");
        try (VulnDb db = VulnDb.open(dbFile)) {
            assertThat(Instant.parse(p.get("harbor.scanner-adapter/vulnerability-database-updated-at").asText()))
                    .isEqualTo(db.metadata().builtAt());
        }
        // Harbor 2.x asks for version 1.0 of the metadata type; the document is the same
        HttpResponse<String> old = get(app, "/api/v1/metadata", "application/vnd.scanner.adapter.metadata+json; version=1.0");
        assertThat(contentType(old)).isEqualTo("application/vnd.scanner.adapter.metadata+json; version=1.0");
        valid("ScannerAdapterMetadata", old);
    }

    // ------------------------------------------------------------------------------------------------ scans

    @Test
    void everyReportTypeHasWhatDrydocksOwnScanFinds() throws Exception {
        String id = accept(scanRequest(registry.url().toString(), null, "team/app", digest, true));

        HttpResponse<String> r = poll(app, id, VULN_1_1, "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(contentType(r)).isEqualTo(VULN_1_1);
        JsonNode report = valid("HarborVulnerabilityReport", r);
        assertThat(keys(report.get("vulnerabilities"))).isEqualTo(keys(expected));
        assertThat(report.at("/artifact/repository").asText()).isEqualTo("team/app");
        assertThat(report.at("/artifact/digest").asText()).isEqualTo(digest);
        assertThat(report.at("/artifact/tag").asText()).isEqualTo("1");
        assertThat(report.at("/scanner/name").asText()).isEqualTo("Drydock");
        assertThat(report.get("severity").asText()).isEqualTo("Critical");

        JsonNode log4shell = item(report, "CVE-2021-44228", "org.apache.logging.log4j:log4j-core");
        assertThat(log4shell.get("version").asText()).isEqualTo("2.14.1");
        assertThat(log4shell.get("severity").asText()).isEqualTo("Critical");
        assertThat(log4shell.get("fix_version").asText()).contains("2.15.0");
        assertThat(log4shell.get("description").asText()).isNotBlank();
        assertThat(texts(log4shell.get("links"))).isNotEmpty().allMatch(l -> l.startsWith("https://") || l.startsWith("http://"));
        assertThat(log4shell.at("/layer/digest").asText()).isEqualTo(TestImages.layerDigests("app").get(1));
        assertThat(log4shell.at("/layer/diff_id").asText()).isEqualTo(TestImages.diffIds("app").get(1));
        assertThat(log4shell.at("/preferred_cvss/score_v3").asDouble()).isEqualTo(10.0);
        assertThat(log4shell.at("/preferred_cvss/vector_v3").asText()).startsWith("CVSS:3.1/");
        assertThat(texts(log4shell.get("cwe_ids"))).contains("CWE-502");
        assertThat(log4shell.at("/vendor_attributes/CVSS/ghsa/V3Score").asDouble()).isEqualTo(10.0);
        assertThat(log4shell.at("/vendor_attributes/CVSS/ghsa/V3Vector").asText()).startsWith("CVSS:3.1/");
        assertThat(log4shell.at("/vendor_attributes/drydock/purl").asText()).isEqualTo("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
        for (Finding f : expected) {
            JsonNode v = item(report, f.id(), f.pkg().name());
            assertThat(v.get("severity").asText()).as(f.id()).isEqualTo(HarborReports.severity(f.severity()));
            assertThat(v.get("version").asText()).isEqualTo(f.pkg().version());
        }

        HttpResponse<String> original = get(app, reportPath(id, ""), HARBOR_1_0);
        assertThat(original.statusCode()).isEqualTo(200);
        assertThat(contentType(original)).isEqualTo(HARBOR_1_0);
        JsonNode v10 = valid("HarborVulnerabilityReport", original);
        assertThat(keys(v10.get("vulnerabilities"))).isEqualTo(keys(expected));
        // the 1.0 type predates the CVSS fields: Harbor reads them only from the 1.1 type
        assertThat(v10.get("vulnerabilities")).allSatisfy(v -> assertThat(v.has("preferred_cvss") || v.has("vendor_attributes")).isFalse());

        HttpResponse<String> cdx = get(app, reportPath(id, "?sbom_media_type=" + enc("application/vnd.cyclonedx+json")), SBOM);
        assertThat(cdx.statusCode()).as(cdx.body()).isEqualTo(200);
        assertThat(contentType(cdx)).isEqualTo(SBOM);
        JsonNode cdxReport = valid("HarborSbomReport", cdx);
        assertThat(cdxReport.get("media_type").asText()).isEqualTo("application/vnd.cyclonedx+json");
        assertThat(cdxReport.at("/sbom/bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(purls(cdxReport.at("/sbom/components"), "purl")).containsAll(expectedPurls());
        assertThat(cdxReport.at("/artifact/digest").asText()).isEqualTo(digest);

        HttpResponse<String> spdx = get(app, reportPath(id, "?sbom_media_type=" + enc("application/spdx+json")), SBOM);
        assertThat(spdx.statusCode()).as(spdx.body()).isEqualTo(200);
        JsonNode spdxReport = valid("HarborSbomReport", spdx);
        assertThat(spdxReport.get("media_type").asText()).isEqualTo("application/spdx+json");
        assertThat(spdxReport.at("/sbom/spdxVersion").asText()).isEqualTo("SPDX-2.3");
        Set<String> spdxPurls = new HashSet<>();
        for (JsonNode p : spdxReport.at("/sbom/packages")) {
            for (JsonNode ref : p.path("externalRefs")) {
                if (ref.path("referenceType").asText().equals("purl")) {
                    spdxPurls.add(ref.path("referenceLocator").asText());
                }
            }
        }
        assertThat(spdxPurls).containsAll(expectedPurls());

        // the image came from the registry Harbor named, by the digest it named
        assertThat(registry.requests()).anyMatch(q -> q.method().equals("GET") && q.path().equals("/v2/team/app/manifests/" + digest));
        assertThat(EVENTS).anyMatch(e -> e.contains(id) && e.contains("\"finished\""));
    }

    @Test
    void aRobotAccountsBasicCredentialsPullFromAnAuthenticatingRegistry() throws Exception {
        String id = accept(scanRequest(locked.url().toString(), basic(ROBOT, ROBOT_SECRET), "team/app", digest, false));
        HttpResponse<String> r = poll(app, id, VULN_1_1, "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(keys(valid("HarborVulnerabilityReport", r).get("vulnerabilities"))).isEqualTo(keys(expected));
    }

    @Test
    void aRobotAccountsBasicCredentialsGetATokenFromTheRegistrysTokenService() throws Exception {
        String id = accept(scanRequest(harborLike.url().toString(), basic(ROBOT, ROBOT_SECRET), "library/app", digest, false));
        HttpResponse<String> r = poll(app, id, VULN_1_1, "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(keys(valid("HarborVulnerabilityReport", r).get("vulnerabilities"))).isEqualTo(keys(expected));
        assertThat(tokens.requests()).anyMatch(t -> t.account().equals(java.util.Optional.of(ROBOT))
                && t.scopes().contains("repository:library/app:pull") && t.status() == 200);
    }

    @Test
    void withoutAnAdvisoryDbTheMetadataSaysSoAndScansFailNamingIt() throws Exception {
        Path missing = dir.resolve("nowhere").resolve("vulndb.sqlite");
        try (HarborAdapter noDb = new HarborAdapter(new RegistryHarborScans(dir.resolve("home2"), missing, RegistryClient.Options.defaults()),
                HarborAdapter.Settings.defaults(), Clock.systemUTC(), line -> { })) {
            Javalin server = serve(noDb);
            try {
                JsonNode m = valid("ScannerAdapterMetadata", get(server, "/api/v1/metadata", null));
                assertThat(m.at("/properties/drydock.advisory-db").asText()).contains("no advisory DB at " + missing);
                assertThat(m.get("properties").has("harbor.scanner-adapter/vulnerability-database-updated-at")).isFalse();
                String id = acceptAt(server, scanRequest(registry.url().toString(), null, "team/app", digest, false));
                HttpResponse<String> r = poll(server, id, VULN_1_1, "");
                assertThat(r.statusCode()).isEqualTo(500);
                assertThat(valid("ErrorResponse", r).at("/error/message").asText()).contains("team/app@" + digest)
                        .contains("no advisory DB at " + missing);
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void wrongCredentialsFailTheScanNamingTheRegistryButNeverTheCredential() throws Exception {
        String wrong = "Wr0ng-Password-0815";
        String authorization = basic(ROBOT, wrong);
        String id = accept(scanRequest(locked.url().toString(), authorization, "team/app", digest, false));
        HttpResponse<String> r = poll(app, id, VULN_1_1, "");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(contentType(r)).isEqualTo(ERROR);
        String message = valid("ErrorResponse", r).at("/error/message").asText();
        assertThat(message).contains(locked.hostPort() + "/team/app@" + digest).contains("registry " + locked.hostPort())
                .contains("denied").contains("Harbor's scan request");
        assertThat(r.body()).doesNotContain(wrong).doesNotContain(authorization.substring(6));
        assertThat(String.join("\n", EVENTS)).doesNotContain(wrong).doesNotContain(authorization.substring(6));
    }

    @Test
    void anUnreachableRegistryFailsTheScanNamingIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String id = accept(scanRequest("http://127.0.0.1:" + port, null, "team/app", digest, false));
        HttpResponse<String> r = poll(app, id, HARBOR_1_0, "");
        assertThat(r.statusCode()).isEqualTo(500);
        String message = valid("ErrorResponse", r).at("/error/message").asText();
        assertThat(message).startsWith("scan of 127.0.0.1:" + port + "/team/app@" + digest + " failed: ")
                .contains("registry 127.0.0.1:" + port + " is unreachable");
    }

    @Test
    void aBearerTokenHarborIssuedForTheRepositoryPullsWithoutAskingTheTokenService() throws Exception {
        // what Harbor hands an adapter registered for Bearer: a registry token scoped to the repository, pull only
        String token = tokens.issueToken("repository:library/app:pull");
        int tokenRequests = tokens.requests().size();
        String id = accept(scanRequest(harborLike.url().toString(), "Bearer " + token, "library/app", digest, false));
        HttpResponse<String> r = poll(app, id, VULN_1_1, "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(keys(valid("HarborVulnerabilityReport", r).get("vulnerabilities"))).isEqualTo(keys(expected));
        // the token was used as given: the token service (which wants the robot's credentials) was not asked
        assertThat(tokens.requests()).hasSize(tokenRequests);
        assertThat(String.join("\n", EVENTS)).doesNotContain(token);
    }

    @Test
    void aWrongBearerTokenFailsTheScanNamingTheRegistryButNeverTheToken() throws Exception {
        String wrong = "eyJhbGciOiJSUzI1NiJ9.e30.d3JvbmctdG9rZW4";
        String id = accept(scanRequest(harborLike.url().toString(), "Bearer " + wrong, "library/app", digest, false));
        HttpResponse<String> r = poll(app, id, VULN_1_1, "");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(contentType(r)).isEqualTo(ERROR);
        String message = valid("ErrorResponse", r).at("/error/message").asText();
        assertThat(message).contains(harborLike.hostPort() + "/library/app@" + digest)
                .contains("registry " + harborLike.hostPort() + " refused the bearer token from Harbor's scan request")
                .doesNotContain("<redacted>");
        assertThat(r.body()).doesNotContain(wrong);
        assertThat(String.join("\n", EVENTS)).doesNotContain(wrong);
    }

    // ------------------------------------------------------------------------------------------------ bad input

    @Test
    void badScanRequestsAreRefusedNamingTheField() throws Exception {
        String url = registry.url().toString();
        String ok = scanRequest(url, null, "team/app", digest, true);
        record Case(String body, int status, String says) {
        }
        List<Case> cases = List.of(
                new Case("{\"registry\": {\"url\": ", 400, "not valid JSON"),
                new Case("{} {}", 400, "not valid JSON"),
                new Case("", 400, "empty"),
                new Case("[]", 400, "must be a JSON object"),
                new Case("{}", 422, "missing registry"),
                new Case("{\"registry\": \"http://x\"}", 400, "registry must be an object"),
                new Case(replace(ok, "/registry", r -> r.remove("url")), 422, "missing registry.url"),
                new Case(replace(ok, "/registry", r -> r.put("url", "")), 422, "missing registry.url"),
                new Case(replace(ok, "/registry", r -> r.put("url", 5000)), 400, "registry.url must be a string"),
                new Case(replace(ok, "/registry", r -> r.put("url", "ftp://127.0.0.1:5000")), 422, "invalid registry.url"),
                new Case(replace(ok, "/registry", r -> r.put("url", "http://127.0.0.1:5000/v2/")), 422, "without a path"),
                new Case(replace(ok, "/registry", r -> r.put("url", "https://robot:Hunter2-Secret@core.harbor.domain")), 422,
                        "credentials belong in registry.authorization"),
                new Case(replace(ok, "/registry", r -> r.put("authorization", "Token abc")), 422, "invalid registry.authorization"),
                new Case(replace(ok, "/registry", r -> r.put("authorization", "Basic bm9jb2xvbg==")), 422, "not user:password"),
                new Case(replace(ok, "", r -> r.remove("artifact")), 422, "missing artifact"),
                new Case(replace(ok, "/artifact", r -> r.remove("repository")), 422, "missing artifact.repository"),
                new Case(replace(ok, "/artifact", r -> r.put("repository", "Team/App")), 422, "invalid artifact.repository 'Team/App'"),
                new Case(replace(ok, "/artifact", r -> r.remove("digest")), 422, "missing artifact.digest"),
                new Case(replace(ok, "/artifact", r -> r.put("digest", "sha256:abc")), 422, "invalid artifact.digest"),
                new Case(replace(ok, "/artifact", r -> r.put("digest", "md5:" + "0".repeat(32))), 422, "invalid artifact.digest"),
                new Case(replace(ok, "/artifact", r -> r.putArray("digest")), 400, "artifact.digest must be a string"),
                new Case(replace(ok, "/artifact", r -> r.put("mime_type", "application/vnd.cncf.helm.config.v1+json")), 501,
                        "artifact.mime_type"),
                new Case(replace(ok, "", r -> r.put("enabled_capabilities", "sbom")), 400, "enabled_capabilities must be an array"),
                new Case(replace(ok, "/enabled_capabilities/0", c -> c.put("type", "malware")), 501, "enabled_capabilities[0].type 'malware'"),
                new Case(replace(ok, "/enabled_capabilities/0", c -> c.putArray("produces_mime_types")
                        .add("application/vnd.scanner.adapter.vuln.report.raw")), 501, "enabled_capabilities[0].produces_mime_types[0]"),
                new Case(replace(ok, "/enabled_capabilities/1/parameters", p -> p.putArray("sbom_media_types").add("text/spdx")), 422,
                        "enabled_capabilities[1].parameters.sbom_media_types[0] 'text/spdx'"));
        for (Case c : cases) {
            HttpResponse<String> r = post(app, "/api/v1/scan", c.body());
            assertThat(r.statusCode()).as(c.body() + " -> " + r.body()).isEqualTo(c.status());
            assertThat(contentType(r)).isEqualTo(ERROR);
            assertThat(valid("ErrorResponse", r).at("/error/message").asText()).as(c.body()).contains(c.says());
            assertThat(r.body()).doesNotContain("Hunter2-Secret");
        }
        assertThat(String.join("\n", EVENTS)).doesNotContain("Hunter2-Secret");
    }

    @Test
    void reportRequestsThatCannotBeAnsweredSayWhy() throws Exception {
        HttpResponse<String> unknown = get(app, reportPath("4f6e0000-0000-4000-8000-000000000000", ""), VULN_1_1);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(valid("ErrorResponse", unknown).at("/error/message").asText()).contains("no scan request 4f6e0000-0000-4000-8000-000000000000");

        HttpResponse<String> raw = get(app, reportPath("4f6e0000-0000-4000-8000-000000000000", ""), "application/vnd.scanner.adapter.vuln.report.raw");
        assertThat(raw.statusCode()).isEqualTo(501);
        assertThat(valid("ErrorResponse", raw).at("/error/message").asText()).contains("application/vnd.scanner.adapter.vuln.report.raw")
                .contains(VULN_1_1);

        HttpResponse<String> noFormat = get(app, reportPath("4f6e0000-0000-4000-8000-000000000000", ""), SBOM);
        assertThat(noFormat.statusCode()).isEqualTo(400);
        assertThat(valid("ErrorResponse", noFormat).at("/error/message").asText()).contains("sbom_media_type");

        HttpResponse<String> badFormat = get(app, reportPath("4f6e0000-0000-4000-8000-000000000000", "?sbom_media_type=text%2Fxml"), SBOM);
        assertThat(badFormat.statusCode()).isEqualTo(400);
        assertThat(valid("ErrorResponse", badFormat).at("/error/message").asText()).contains("sbom_media_type 'text/xml'");
    }

    // ------------------------------------------------------------------------------------------------ jobs

    /** A scanner that holds every scan until released, so the states between accepting and reporting can be seen. */
    static final class HeldScans implements HarborScans {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch started = new CountDownLatch(1);

        @Override
        public Scanned scan(Target target) {
            started.countDown();
            try {
                if (!release.await(60, TimeUnit.SECONDS)) {
                    throw new DrydockException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DrydockException("interrupted");
            }
            return new Scanned(expectedInventory, expected, Map.of(), Instant.parse("2026-01-01T00:00:00Z"));
        }

        @Override
        public Map<String, String> properties() {
            return Map.of();
        }
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void runningScansAnswer302WithRefreshAfterAFullQueue503AndOldReportsExpire() throws Exception {
        HeldScans held = new HeldScans();
        MovableClock clock = new MovableClock();
        List<String> events = new CopyOnWriteArrayList<>();
        try (HarborAdapter small = new HarborAdapter(held, new HarborAdapter.Settings(1, 1, 3, Duration.ofMinutes(10), Duration.ofSeconds(3)),
                clock, events::add)) {
            Javalin server = serve(small);
            try {
                String request = scanRequest(registry.url().toString(), null, "team/app", digest, false);
                String running = acceptAt(server, request);
                assertThat(held.started.await(30, TimeUnit.SECONDS)).isTrue();
                String queued = acceptAt(server, request);

                HttpResponse<String> full = post(server, "/api/v1/scan", request);
                assertThat(full.statusCode()).isEqualTo(503);
                assertThat(full.headers().firstValue("Retry-After")).contains("3");
                assertThat(valid("ErrorResponse", full).at("/error/message").asText()).contains("queue is full");

                for (String id : List.of(running, queued)) {
                    HttpResponse<String> wait = get(server, reportPath(id, ""), VULN_1_1);
                    assertThat(wait.statusCode()).isEqualTo(302);
                    assertThat(wait.headers().firstValue("Refresh-After")).contains("3");
                    assertThat(wait.body()).isEmpty();
                }

                held.release.countDown();
                HttpResponse<String> done = poll(server, running, VULN_1_1, "");
                assertThat(done.statusCode()).isEqualTo(200);
                assertThat(keys(valid("HarborVulnerabilityReport", done).get("vulnerabilities"))).isEqualTo(keys(expected));
                assertThat(poll(server, queued, VULN_1_1, "").statusCode()).isEqualTo(200);

                // Harbor stores the report at once; Drydock keeps it for the retention only
                clock.now = clock.now.plus(Duration.ofMinutes(11));
                HttpResponse<String> gone = get(server, reportPath(running, ""), VULN_1_1);
                assertThat(gone.statusCode()).isEqualTo(404);
                valid("ErrorResponse", gone);
            } finally {
                server.stop();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ the checks themselves

    @Test
    void theSchemaCheckCatchesAWrongField() throws Exception {
        String id = accept(scanRequest(registry.url().toString(), null, "team/app", digest, false));
        JsonNode good = valid("HarborVulnerabilityReport", poll(app, id, VULN_1_1, ""));

        ObjectNode none = good.deepCopy();
        none.put("severity", "None");
        assertThat(SPEC.publishedErrors("HarborVulnerabilityReport", none)).anyMatch(e -> e.contains("severity"));

        ObjectNode misspelt = good.deepCopy();
        misspelt.set("vulnerabilites", misspelt.remove("vulnerabilities"));
        assertThat(SPEC.publishedErrors("HarborVulnerabilityReport", misspelt)).isEmpty();
        assertThat(SPEC.strictErrors("HarborVulnerabilityReport", misspelt)).anyMatch(e -> e.contains("vulnerabilites"));

        ObjectNode badLink = good.deepCopy();
        ((ObjectNode) badLink.get("vulnerabilities").get(0)).putArray("links").add("not a link");
        assertThat(SPEC.publishedErrors("HarborVulnerabilityReport", badLink)).anyMatch(e -> e.contains("links"));

        ObjectNode stringScore = good.deepCopy();
        ((ObjectNode) stringScore.get("vulnerabilities").get(0)).putObject("preferred_cvss").put("score_v3", "10.0");
        assertThat(SPEC.publishedErrors("HarborVulnerabilityReport", stringScore)).anyMatch(e -> e.contains("score_v3"));

        ObjectNode errorAsString = JSON.createObjectNode().put("error", "oops");
        assertThat(SPEC.publishedErrors("ErrorResponse", errorAsString)).isNotEmpty();

        JsonNode metadata = valid("ScannerAdapterMetadata", get(app, "/api/v1/metadata", null));
        ObjectNode malware = metadata.deepCopy();
        ((ObjectNode) malware.get("capabilities").get(0)).put("type", "malware");
        assertThat(SPEC.publishedErrors("ScannerAdapterMetadata", malware)).anyMatch(e -> e.contains("type"));

        // and the requests the test sends are Harbor's, by the same document
        assertThat(SPEC.publishedErrors("ScanRequest", JSON.readTree(scanRequest(registry.url().toString(),
                basic(ROBOT, ROBOT_SECRET), "team/app", digest, true)))).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** A scan request as Harbor 2.11 sends it; {@code capabilities} adds both capabilities with every type Drydock makes. */
    static String scanRequest(String url, String authorization, String repository, String digest, boolean capabilities) {
        ObjectNode r = JSON.createObjectNode();
        ObjectNode reg = r.putObject("registry");
        reg.put("url", url);
        if (authorization != null) {
            reg.put("authorization", authorization);
        }
        ObjectNode a = r.putObject("artifact");
        a.put("repository", repository);
        a.put("digest", digest);
        a.put("tag", "1");
        a.put("mime_type", mediaType);
        if (capabilities) {
            ArrayNode caps = r.putArray("enabled_capabilities");
            ObjectNode vuln = caps.addObject();
            vuln.put("type", "vulnerability");
            vuln.putArray("produces_mime_types").add(VULN_1_1).add(HARBOR_1_0);
            ObjectNode sbom = caps.addObject();
            sbom.put("type", "sbom");
            sbom.putArray("produces_mime_types").add(SBOM);
            sbom.putObject("parameters").putArray("sbom_media_types").add("application/spdx+json").add("application/vnd.cyclonedx+json");
        }
        return r.toString();
    }

    static String replace(String json, String pointer, Consumer<ObjectNode> change) {
        try {
            JsonNode root = JSON.readTree(json);
            change.accept((ObjectNode) root.at(pointer));
            return root.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String accept(String body) throws Exception {
        return acceptAt(app, body);
    }

    static String acceptAt(Javalin server, String body) throws Exception {
        HttpResponse<String> r = post(server, "/api/v1/scan", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(contentType(r)).isEqualTo("application/vnd.scanner.adapter.scan.response+json; version=1.0");
        String id = valid("ScanResponse", r).get("id").asText();
        assertThat(id).isNotBlank();
        return id;
    }

    /** Polls as Harbor does until the answer is not 302; every 302 carries Refresh-After and no body. */
    static HttpResponse<String> poll(Javalin server, String id, String accept, String query) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            HttpResponse<String> r = get(server, reportPath(id, query), accept);
            if (r.statusCode() != 302) {
                return r;
            }
            assertThat(r.headers().firstValue("Refresh-After")).isPresent();
            assertThat(r.body()).isEmpty();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("scan " + id + " did not finish within 3 minutes");
            }
            Thread.sleep(100);
        }
    }

    static String reportPath(String id, String query) {
        return "/api/v1/scan/" + id + "/report" + query;
    }

    static HttpResponse<String> get(Javalin server, String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET();
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(Javalin server, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/vnd.scanner.adapter.scan.request+json; version=1.1")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String contentType(HttpResponse<String> r) {
        return r.headers().firstValue("Content-Type").orElse("");
    }

    /** The body, after checking it against component {@code schema} of the published document and its strict reading. */
    static JsonNode valid(String schema, HttpResponse<String> r) throws Exception {
        JsonNode body = JSON.readTree(r.body());
        assertThat(SPEC.errors(schema, body)).as("%s body of %s %s: %s", schema, r.request().method(), r.request().uri(),
                r.body().length() > 600 ? r.body().substring(0, 600) + "…" : r.body()).isEmpty();
        return body;
    }

    static JsonNode item(JsonNode report, String id, String pkg) {
        return StreamSupport.stream(report.get("vulnerabilities").spliterator(), false)
                .filter(v -> v.get("id").asText().equals(id) && v.get("package").asText().equals(pkg)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + id + " in " + pkg + " in the report"));
    }

    static Set<String> keys(JsonNode items) {
        Set<String> out = new HashSet<>();
        items.forEach(v -> out.add(v.get("id").asText() + " " + v.get("package").asText() + " " + v.get("version").asText()));
        return out;
    }

    static Set<String> keys(List<Finding> findings) {
        return findings.stream().map(f -> f.id() + " " + f.pkg().name() + " " + f.pkg().version()).collect(Collectors.toSet());
    }

    static Set<String> expectedPurls() {
        return expected.stream().map(f -> f.pkg().purl()).collect(Collectors.toSet());
    }

    static Set<String> purls(JsonNode components, String field) {
        Set<String> out = new HashSet<>();
        components.forEach(c -> out.add(c.path(field).asText()));
        return out;
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
