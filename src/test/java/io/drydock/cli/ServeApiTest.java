package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The REST API of a real server on SQLite, holding a real analysed image: every document validates against the
 * OpenAPI document the server serves, filters and pages say what they do, ETags work, tokens are needed and roles
 * hold, and bad input gets a clear 4xx and changes nothing.
 */
class ServeApiTest {
    static ServeFixture f;
    static JsonNode openApi;

    @BeforeAll
    static void start() throws Exception {
        f = new ServeFixture(Files.createTempDirectory("drydock-serve-api"));
        f.start("leader: store\nworkers: 2\n", null);
        HttpResponse<String> queued = f.post("/api/v1/images", ServeFixture.ADMIN_TOKEN, "{\"reference\": \"" + f.appReference + "\"}");
        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
        f.awaitImage(f.appDigest);
        HttpResponse<String> doc = f.get("/api/openapi.json", null);
        assertThat(doc.statusCode()).isEqualTo(200);
        openApi = ServeFixture.JSON.readTree(doc.body());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    /** Errors found validating {@code document} against a schema of the served OpenAPI document. */
    static Set<ValidationMessage> validate(String schemaName, JsonNode document) {
        ObjectNode schema = ServeFixture.JSON.createObjectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$ref", "#/components/schemas/" + schemaName);
        schema.set("components", openApi.get("components"));
        JsonSchema s = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema);
        return s.validate(document);
    }

    @Test
    void everyDocumentValidatesAgainstTheServedOpenApiDocument() throws Exception {
        String vuln = "CVE-2021-45046";
        Map<String, String> resources = new java.util.LinkedHashMap<>();
        resources.put("/api/v1/overview", "Overview");
        resources.put("/api/v1/images", "ImagePage");
        resources.put("/api/v1/images/" + f.appDigest, "Image");
        resources.put("/api/v1/vulnerabilities", "VulnPage");
        resources.put("/api/v1/workloads", "WorkloadPage");
        resources.put("/api/v1/lineage", "Lineage");
        resources.put("/api/v1/rollouts", "Rollouts");
        resources.put("/api/v1/history?subject=" + f.appDigest, "AuditPage");
        resources.put("/api/v1/admissions", "AdmissionPage");
        resources.put("/api/v1/advisories", "AdvisoryDb");
        resources.put("/api/v1/tokens", "TokenPage");
        for (Map.Entry<String, String> r : resources.entrySet()) {
            JsonNode doc = f.getJson(r.getKey());
            assertThat(validate(r.getValue(), doc)).as(r.getKey() + " against " + r.getValue()).isEmpty();
        }
        JsonNode image = f.getJson("/api/v1/images/" + f.appDigest);
        String someVuln = image.get("findings").get(0).get("id").asText();
        assertThat(validate("Vuln", f.getJson("/api/v1/vulnerabilities/" + someVuln))).isEmpty();
        assertThat(validate("Error", ServeFixture.JSON.readTree(f.get("/api/v1/vulnerabilities/" + vuln + "-NOPE", ServeFixture.ADMIN_TOKEN).body())))
                .isEmpty();
        // a schema that could not fail would prove nothing
        ObjectNode broken = (ObjectNode) f.getJson("/api/v1/overview");
        broken.put("images", "many");
        assertThat(validate("Overview", broken)).isNotEmpty();

        // every GET the document names is served
        for (Iterator<Map.Entry<String, JsonNode>> it = openApi.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            if (p.getValue().has("get") && !p.getKey().contains("{")) {
                String path = p.getKey() + (p.getKey().equals("/api/v1/history") ? "?subject=api" : "");
                assertThat(f.get(path, ServeFixture.ADMIN_TOKEN).statusCode()).as(path).isEqualTo(200);
            }
        }
    }

    @Test
    void theImageShowsFindingsWithLayerOriginFixAndRemediation() throws Exception {
        JsonNode image = f.getJson("/api/v1/images/" + f.appDigest);
        assertThat(image.get("reference").asText()).isEqualTo(f.appReference);
        List<String> ids = ServeFleetTest.ids(image);
        assertThat(ids).contains("CVE-2020-8203");
        JsonNode lodash = ServeFleetTest.finding(image, "CVE-2020-8203");
        assertThat(lodash.get("fixedVersions").toString()).contains("4.17.20");
        assertThat(lodash.get("origin").asText()).isEqualTo("application");
        assertThat(image.get("remediation").get("applicationUpgrades").toString()).contains("lodash");
        assertThat(image.get("remediation").get("summary").asText()).contains("need application changes");
        assertThat(image.get("counts").get("total").asInt()).isEqualTo(image.get("findings").size());
        assertThat(image.get("history").toString()).contains("analysed");
    }

    @Test
    void filtersAndPagesSayWhatTheyDo() throws Exception {
        JsonNode all = f.getJson("/api/v1/vulnerabilities");
        assertThat(all.get("total").asInt()).isPositive();
        for (JsonNode v : f.getJson("/api/v1/vulnerabilities?origin=application").get("items")) {
            assertThat(v.get("inApplication").asInt()).isPositive();
        }
        assertThat(f.getJson("/api/v1/vulnerabilities?origin=base").get("total").asInt()).isZero();
        JsonNode image = f.getJson("/api/v1/images/" + f.appDigest + "?fixable=true");
        for (JsonNode x : image.get("findings")) {
            assertThat(x.get("fixedVersions").size()).isPositive();
        }
        assertThat(f.getJson("/api/v1/images?namespace=nowhere").get("total").asInt()).isZero();
        assertThat(f.getJson("/api/v1/images?repository=team/app").get("total").asInt()).isEqualTo(1);
        JsonNode page = f.getJson("/api/v1/vulnerabilities?limit=1&offset=1");
        assertThat(page.get("items")).hasSize(Math.min(1, Math.max(0, all.get("total").asInt() - 1)));
        assertThat(page.get("total").asInt()).isEqualTo(all.get("total").asInt());

        for (String bad : List.of("?severity=awful", "?fixable=maybe", "?origin=elsewhere", "?limit=0", "?limit=501", "?offset=-1", "?limit=ten")) {
            HttpResponse<String> r = f.get("/api/v1/images" + bad, ServeFixture.ADMIN_TOKEN);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.body()).as(bad).contains(bad.substring(1, bad.indexOf('=')));
        }
        assertThat(f.get("/api/v1/images/sha256:nothex", ServeFixture.ADMIN_TOKEN).statusCode()).isEqualTo(400);
        assertThat(f.get("/api/v1/images/sha256:" + "0".repeat(64), ServeFixture.ADMIN_TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void aDocumentNotChangedSinceItsEtagIsNotSentAgain() throws Exception {
        HttpResponse<String> first = f.get("/api/v1/images/" + f.appDigest, ServeFixture.ADMIN_TOKEN);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = f.http.send(java.net.http.HttpRequest.newBuilder(f.url("/api/v1/images/" + f.appDigest))
                .header("Authorization", "Bearer " + ServeFixture.ADMIN_TOKEN).header("If-None-Match", etag).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        HttpResponse<String> other = f.http.send(java.net.http.HttpRequest.newBuilder(f.url("/api/v1/images/" + f.appDigest))
                .header("Authorization", "Bearer " + ServeFixture.ADMIN_TOKEN).header("If-None-Match", "\"stale\"").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(200);
    }

    @Test
    void tokensAreNeededAndReadTokensOnlyRead() throws Exception {
        HttpResponse<String> none = f.get("/api/v1/overview", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(f.get("/api/v1/overview", "ddk_wrong").statusCode()).isEqualTo(401);
        assertThat(f.get("/api/v1/metadata", null).statusCode()).as("Harbor's API is behind the tokens too").isEqualTo(401);

        HttpResponse<String> created = f.post("/api/v1/tokens", ServeFixture.ADMIN_TOKEN, "{\"name\": \"ci-reader\", \"role\": \"read\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String reader = ServeFixture.JSON.readTree(created.body()).get("token").asText();
        assertThat(f.get("/api/v1/overview", reader).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = f.post("/api/v1/advisories/update", reader, "");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("ci-reader").contains("admin");
        assertThat(f.get("/api/v1/tokens", reader).statusCode()).isEqualTo(403);
        String listed = f.getJson("/api/v1/tokens").toString();
        assertThat(listed).contains("ci-reader").doesNotContain(reader).doesNotContain(ServeFixture.ADMIN_TOKEN);
        assertThat(f.post("/api/v1/tokens", ServeFixture.ADMIN_TOKEN, "{\"name\": \"ci-reader\"}").statusCode()).isEqualTo(409);
        assertThat(f.getJson("/api/v1/history?subject=api").toString()).contains("created the read token ci-reader");

        HttpResponse<String> deleted = f.http.send(java.net.http.HttpRequest.newBuilder(f.url("/api/v1/tokens/ci-reader")).DELETE()
                .header("Authorization", "Bearer " + ServeFixture.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(f.get("/api/v1/overview", reader).statusCode()).isEqualTo(401);
        // nothing in the store can be turned back into a token
        assertThat(Files.readAllBytes(f.dir.resolve("home/drydock.db"))).asString(java.nio.charset.StandardCharsets.ISO_8859_1)
                .doesNotContain(ServeFixture.ADMIN_TOKEN);
    }

    @Test
    void badInputGetsAClear4xxAndChangesNothing() throws Exception {
        String tokensBefore = f.getJson("/api/v1/tokens").get("items").toString();
        int auditBefore = f.getJson("/api/v1/history?subject=api").get("total").asInt();
        String jobsBefore = f.getJson("/api/v1/jobs").toString();

        HttpResponse<String> malformed = f.post("/api/v1/tokens", ServeFixture.ADMIN_TOKEN, "{\"name\": \"x\",");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("not valid JSON").contains("line 1");
        HttpResponse<String> unknown = f.post("/api/v1/tokens", ServeFixture.ADMIN_TOKEN, "{\"name\": \"x\", \"admin\": true}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("unknown field 'admin'");
        assertThat(f.post("/api/v1/tokens", ServeFixture.ADMIN_TOKEN, "[1, 2]").body()).contains("must be a JSON object");
        assertThat(f.post("/api/v1/tokens", ServeFixture.ADMIN_TOKEN, "{\"name\": \"../etc\"}").statusCode()).isEqualTo(400);
        assertThat(f.post("/api/v1/tokens", ServeFixture.ADMIN_TOKEN, "{\"name\": \"x\", \"role\": \"root\"}").body()).contains("role");
        assertThat(f.post("/api/v1/images", ServeFixture.ADMIN_TOKEN, "{\"reference\": \"Not A Reference!\"}").statusCode()).isEqualTo(400);
        assertThat(f.post("/api/v1/images", ServeFixture.ADMIN_TOKEN, "{\"reference\": 7}").body()).contains("reference");
        String huge = "{\"name\": \"" + "x".repeat(3 << 20) + "\"}";
        HttpResponse<String> tooBig = f.post("/api/v1/tokens", ServeFixture.ADMIN_TOKEN, huge);
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(f.post("/api/v1/advisories/update", ServeFixture.ADMIN_TOKEN, "{\"now\": true}").statusCode()).isEqualTo(400);

        assertThat(f.getJson("/api/v1/tokens").get("items").toString()).isEqualTo(tokensBefore);
        assertThat(f.getJson("/api/v1/history?subject=api").get("total").asInt()).isEqualTo(auditBefore);
        assertThat(f.getJson("/api/v1/jobs").toString()).isEqualTo(jobsBefore);
    }

    @Test
    void probesAndMetricsNeedNoToken() throws Exception {
        assertThat(f.get("/healthz", null).statusCode()).isEqualTo(200);
        assertThat(f.get("/readyz", null).body()).isEqualTo("ready\n");
        ServeFixture.await("a scrape after requests", Duration.ofSeconds(5), () -> true);
        String metrics = f.get("/metrics", null).body();
        assertThat(metrics).contains("drydock_http_requests_total").contains("drydock_jobs{kind=\"analyse\",state=\"done\"}")
                .contains("drydock_images 1").contains("drydock_leader 1");
        List<String> lines = new ArrayList<>(metrics.lines().filter(l -> l.startsWith("drydock_http_requests_total{")).toList());
        assertThat(lines).anyMatch(l -> l.contains("route=\"/api/v1/images/{digest}\""));
    }
}
