package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.store.AdmissionRecord;
import io.drydock.store.AuditEntry;
import io.drydock.store.Job;
import io.drydock.store.JobSpec;
import io.drydock.store.LineageEdge;
import io.drydock.store.RunningContainer;
import io.drydock.store.Store;
import io.drydock.testing.Browser;
import io.drydock.watch.BaseUpdateLoop;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (headless Chromium) against a real server holding a real analysed image, with the
 * lineage, the base-update loop's steps, admission decisions and running containers recorded in its store: signing in
 * works and is needed, and every page shows exactly what the API's document for the same data says, with every value
 * that came from the data escaped. Each page is saved as a screenshot under {@code target/screenshots/}.
 */
class DashboardTest {
    static final String OLD_BASE_DIGEST = "sha256:" + "a".repeat(64);
    static final String NEW_BASE_DIGEST = "sha256:" + "b".repeat(64);
    static final String NODE_DIGEST = "sha256:" + "c".repeat(64);
    static final String REBUILT_DIGEST = "sha256:" + "d".repeat(64);
    static final String OUTDATED_BASE = "registry.example.com/library/debian:12";
    static final String CURRENT_BASE = "registry.example.com/library/node:20";
    static final String OTHER_IMAGE = "registry.example.com/team/worker:2";
    static final String SCRIPT = "<script>alert(1)</script>";
    static final String MARKUP_IN_AUDIT = "<b>signed</b> and passed the policy";

    static ServeFixture f;
    static Browser browser;
    static WebDriver driver;

    @BeforeAll
    static void start() throws Exception {
        // first: without Chromium the class is skipped before a server is started
        browser = Browser.start();
        driver = browser.driver();
        f = new ServeFixture(Files.createTempDirectory("drydock-dashboard"));
        f.addAdvisory(ServeFixture.LOG4J_ADVISORY);
        f.start("leader: store\nworkers: 2\n", null);
        HttpResponse<String> queued = f.post("/api/v1/images", ServeFixture.ADMIN_TOKEN, "{\"reference\": \"" + f.appReference + "\"}");
        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
        f.awaitImage(f.appDigest);
        record(f.running.store(), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        // the first re-match and anything else queued is done: the pages and the API documents compared are of one state
        ServeFixture.await("an idle queue", Duration.ofMinutes(2), () -> {
            try {
                for (Map.Entry<String, JsonNode> e : f.getJson("/api/v1/jobs").properties()) {
                    if ((e.getKey().endsWith("/PENDING") || e.getKey().endsWith("/RUNNING")) && e.getValue().asLong() > 0) {
                        return false;
                    }
                }
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** What a cluster, a registry poller and the base-update loop would have recorded. */
    private static void record(Store store, Instant now) {
        // two workloads run the app image
        store.putPod("shop", "web-5d8f7-x2k9q", List.of(new RunningContainer("shop", "web-5d8f7-x2k9q", "app", "Deployment", "web",
                f.appReference, f.appDigest, now)));
        store.putPod("batch", "report-28391-7xkq2", List.of(new RunningContainer("batch", "report-28391-7xkq2", "main", "CronJob", "report",
                f.appReference, f.appDigest, now)));

        // the app runs on debian:12, whose tag has moved on since; it was built with node:20, which has not
        store.trackBase(OUTDATED_BASE);
        store.recordBaseDigest(OUTDATED_BASE, OLD_BASE_DIGEST, now.minus(10, ChronoUnit.DAYS));
        store.recordBaseDigest(OUTDATED_BASE, NEW_BASE_DIGEST, now.minus(1, ChronoUnit.DAYS));
        store.trackBase(CURRENT_BASE);
        store.recordBaseDigest(CURRENT_BASE, NODE_DIGEST, now.minus(10, ChronoUnit.DAYS));
        store.putEdge(new LineageEdge(f.appReference, OUTDATED_BASE, LineageEdge.Kind.RUNTIME, LineageEdge.Source.LAYERS, f.appDigest,
                OLD_BASE_DIGEST, "12 shared layers", now));
        store.putEdge(new LineageEdge(f.appReference, CURRENT_BASE, LineageEdge.Kind.BUILD, LineageEdge.Source.DOCKERFILE, f.appDigest,
                NODE_DIGEST, "Dockerfile:1", now));
        store.putEdge(new LineageEdge(OTHER_IMAGE, CURRENT_BASE, LineageEdge.Kind.RUNTIME, LineageEdge.Source.MANUAL, null, NODE_DIGEST,
                "declared", now));

        // the loop rebuilt the app on the new debian, validated it and rolled it out
        String owner = "dashboard-test";
        Job rebuild = step(store, owner, BaseUpdateLoop.REBUILD, f.appReference + "|" + NEW_BASE_DIGEST);
        assertThat(store.complete(rebuild.id(), owner, "rebased onto " + NEW_BASE_DIGEST, List.of(), List.of(new AuditEntry(f.appReference,
                now.minus(30, ChronoUnit.MINUTES), "rebased", "rebuilt " + f.appReference + " on " + OUTDATED_BASE + "@" + NEW_BASE_DIGEST, null,
                rebuild.id())))).isTrue();
        store.audit(new AuditEntry(f.appReference, now.minus(20, ChronoUnit.MINUTES), "validated", MARKUP_IN_AUDIT, null, 0));
        Job rollout = step(store, owner, BaseUpdateLoop.ROLLOUT, f.appReference + "|" + REBUILT_DIGEST);
        assertThat(store.complete(rollout.id(), owner, "rolled out to 1 workload", List.of(), List.of(new AuditEntry(f.appReference,
                now.minus(10, ChronoUnit.MINUTES), "rolled-out", "Deployment/shop/web now runs " + REBUILT_DIGEST, null, rollout.id()))))
                .isTrue();

        // the admission gate allowed one Pod and denied two
        store.recordAdmission(new AdmissionRecord(0, now.minus(3, ChronoUnit.MINUTES), "uid-1", "shop", "Pod", "web-5d8f7-x2k9q", true,
                "all images passed the policy", "[]"));
        store.recordAdmission(new AdmissionRecord(0, now.minus(2, ChronoUnit.MINUTES), "uid-2", "shop", "Deployment", "legacy", false,
                "image " + f.appReference + " has CRITICAL CVE-2021-45046 in log4j-core 2.14.1 (fixed in 2.16.0)",
                "[{\"digest\": \"" + f.appDigest + "\", \"allowed\": false}]"));
        store.recordAdmission(new AdmissionRecord(0, now.minus(1, ChronoUnit.MINUTES), "uid-3", "shop", "Pod", "evil\"><img src=x>", false,
                "unsigned image; the annotation said " + SCRIPT, "[]"));
    }

    private static Job step(Store store, String owner, String kind, String key) {
        assertThat(store.enqueue(new JobSpec(kind, key, "{}", null))).isTrue();
        return store.claim(owner, Duration.ofMinutes(5), Instant.now().plusSeconds(1), Set.of(kind)).orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (f != null) {
            f.close();
        }
    }

    // ------------------------------------------------------------------ signing in

    @Test
    void signingInIsNeededAndAWrongTokenIsRefused() throws Exception {
        driver.get(f.url("/ui/login").toString());
        driver.manage().deleteAllCookies();

        driver.get(f.url("/").toString());
        assertThat(path()).as("the overview without signing in").isEqualTo("/ui/login");
        assertThat(driver.findElements(By.id("token"))).hasSize(1);
        driver.get(f.url("/ui/images/" + f.appDigest).toString());
        assertThat(path()).as("an image page without signing in").isEqualTo("/ui/login");
        assertThat(driver.getPageSource()).doesNotContain("CVE-2020-8203");

        driver.findElement(By.id("token")).sendKeys("ddk_wrong-token");
        driver.findElement(By.id("login")).click();
        assertThat(path()).isEqualTo("/ui/login");
        assertThat(driver.findElement(By.id("login-error")).getText()).isEqualTo("That token is not valid.");
        assertThat(driver.findElements(By.id("token"))).hasSize(1);
        assertThat(driver.manage().getCookieNamed("drydock_token")).isNull();
        browser.screenshot("dashboard-login-refused");
        driver.get(f.url("/").toString());
        assertThat(path()).as("still not signed in").isEqualTo("/ui/login");

        driver.findElement(By.id("token")).sendKeys(ServeFixture.ADMIN_TOKEN);
        driver.findElement(By.id("login")).click();
        assertThat(path()).isEqualTo("/");
        assertThat(driver.findElement(By.id("images-count")).getText()).isEqualTo("1");
        Cookie cookie = driver.manage().getCookieNamed("drydock_token");
        assertThat(cookie).isNotNull();
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
    }

    // ------------------------------------------------------------------ pages against the API

    @Test
    void theOverviewShowsTheApisNumbersAndLeadsToTheImage() throws Exception {
        open("/");
        JsonNode o = f.getJson("/api/v1/overview");
        JsonNode c = o.get("findings");
        assertThat(c.get("total").asInt()).isPositive();
        Map<String, String> cards = new java.util.LinkedHashMap<>();
        cards.put("images-count", o.get("images").asText());
        cards.put("workloads-count", o.get("workloads").asText());
        cards.put("findings-total", c.get("total").asText());
        for (String s : List.of("critical", "high", "medium", "low", "other")) {
            cards.put("sev-" + s, c.get(s).asText());
        }
        cards.put("base-count", c.get("base").asText());
        cards.put("app-count", c.get("application").asText());
        cards.put("fixable-count", c.get("fixable").asText());
        cards.put("base-only-count", c.get("baseUpdateOnly").asText());
        for (Map.Entry<String, String> card : cards.entrySet()) {
            assertThat(text(driver.findElement(By.id(card.getKey())))).as(card.getKey()).isEqualTo(card.getValue());
        }
        assertThat(o.get("images").asInt()).isEqualTo(1);
        assertThat(o.get("workloads").asInt()).isEqualTo(2);
        JsonNode db = o.get("advisoryDb");
        assertThat(text(driver.findElement(By.id("db-status"))))
                .isEqualTo("Advisory DB built " + db.get("builtAt").asText() + ", " + db.get("advisories").asText() + " advisories");

        JsonNode images = f.getJson("/api/v1/images?limit=25");
        List<WebElement> rows = driver.findElements(By.cssSelector("#top-images tr[data-digest]"));
        assertThat(rows).hasSize(images.get("items").size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode item = images.get("items").get(i);
            WebElement row = rows.get(i);
            assertThat(row.getDomAttribute("data-digest")).isEqualTo(item.get("digest").asText());
            assertThat(text(row.findElement(By.tagName("a")))).isEqualTo(item.get("reference").asText());
            for (String k : List.of("critical", "high", "medium", "low", "base", "application", "fixable")) {
                assertThat(text(row.findElement(By.cssSelector("td." + k)))).as(k).isEqualTo(item.get("counts").get(k).asText());
            }
        }
        browser.screenshot("dashboard-overview");

        driver.findElement(By.cssSelector("#top-images tr[data-digest='" + f.appDigest + "'] a")).click();
        assertThat(path()).isEqualTo("/ui/images/" + f.appDigest);
        assertThat(text(driver.findElement(By.id("image-digest")))).isEqualTo(f.appDigest);
    }

    @Test
    void theImagePageShowsTheApisFindingsAndRemediationAndLeadsToAVulnerability() throws Exception {
        open("/ui/images/" + f.appDigest);
        JsonNode image = f.getJson("/api/v1/images/" + f.appDigest);
        assertThat(text(driver.findElement(By.id("image-reference")))).isEqualTo(image.get("reference").asText());
        assertThat(text(driver.findElement(By.id("remediation")))).isEqualTo(image.get("remediation").get("summary").asText());

        List<String> expected = new ArrayList<>();
        for (JsonNode x : image.get("findings")) {
            List<String> fixed = new ArrayList<>();
            x.get("fixedVersions").forEach(v -> fixed.add(v.asText()));
            expected.add(String.join(" | ", x.get("id").asText(), x.get("severity").asText(), x.get("package").asText(), x.get("version").asText(),
                    String.join(", ", fixed), x.get("origin").asText(), x.get("layer").get("index").asText(),
                    x.get("layer").path("createdBy").asText("")));
        }
        assertThat(expected).as("the API's findings").isNotEmpty();
        List<String> shown = new ArrayList<>();
        for (WebElement row : driver.findElements(By.cssSelector("#findings tr[data-id]"))) {
            List<WebElement> td = row.findElements(By.tagName("td"));
            assertThat(td).hasSize(8);
            assertThat(row.getDomAttribute("data-id")).isEqualTo(text(td.get(0)));
            assertThat(td.get(1).getDomAttribute("class")).isEqualTo(text(td.get(1)));
            shown.add(String.join(" | ", text(td.get(0)), text(td.get(1)), text(td.get(2)), text(td.get(3)),
                    text(row.findElement(By.cssSelector("td.fixed"))), text(row.findElement(By.cssSelector("td.origin"))), text(td.get(6)),
                    text(row.findElement(By.cssSelector("td.created-by")))));
        }
        assertThat(shown).containsExactlyElementsOf(expected);
        assertThat(String.join("\n", shown)).contains("CVE-2020-8203 | ").contains("lodash").contains("application");

        List<String> upgrades = new ArrayList<>();
        for (JsonNode u : image.get("remediation").get("applicationUpgrades")) {
            upgrades.add(u.get("package").asText() + " " + u.get("version").asText() + " → "
                    + (u.hasNonNull("upgradeTo") ? u.get("upgradeTo").asText() : "no fixed version yet"));
        }
        assertThat(texts("#upgrades li")).containsExactlyElementsOf(upgrades);
        JsonNode sig = image.get("signature");
        List<String> atts = new ArrayList<>();
        sig.get("attestations").forEach(a -> atts.add(a.asText()));
        assertThat(text(driver.findElement(By.id("signature")))).isEqualTo(sig.get("signatures").asInt() + " signature(s); attestations: "
                + (atts.isEmpty() ? "none" : String.join(", ", atts)));
        assertThat(texts("#image-workloads li")).containsExactlyElementsOf(workloads(image.get("workloads")))
                .containsExactlyInAnyOrder("CronJob/batch/report", "Deployment/shop/web");
        List<String> history = new ArrayList<>();
        image.get("history").forEach(a -> history.add(a.get("at").asText() + " " + a.get("action").asText() + ": " + a.get("message").asText()));
        assertThat(texts("#history li")).containsExactlyElementsOf(history);
        browser.screenshot("dashboard-image");

        String id = ServeFleetTest.ids(image).contains("CVE-2021-45046") ? "CVE-2021-45046" : image.get("findings").get(0).get("id").asText();
        driver.findElement(By.cssSelector("#findings tr[data-id='" + id + "'] a")).click();
        assertThat(path()).isEqualTo("/ui/vulnerabilities/" + id);
        assertThat(driver.getTitle()).startsWith(id);
    }

    @Test
    void theVulnerabilitiesListShowsTheApisList() throws Exception {
        open("/ui/vulnerabilities");
        JsonNode page = f.getJson("/api/v1/vulnerabilities?limit=100");
        assertThat(text(driver.findElement(By.id("vulns-total")))).isEqualTo(page.get("total").asText() + " vulnerabilities");
        List<String> expected = new ArrayList<>();
        for (JsonNode v : page.get("items")) {
            expected.add(String.join(" | ", v.get("id").asText(), v.get("severity").asText(), v.get("images").asText(),
                    v.get("fixableImages").asText(), v.get("inBase").asText(), v.get("inApplication").asText()));
        }
        assertThat(expected).isNotEmpty();
        List<String> shown = new ArrayList<>();
        for (WebElement row : driver.findElements(By.cssSelector("#vulns tr[data-id]"))) {
            List<String> cells = row.findElements(By.tagName("td")).stream().map(DashboardTest::text).toList();
            assertThat(row.getDomAttribute("data-id")).isEqualTo(cells.get(0));
            shown.add(String.join(" | ", cells));
        }
        assertThat(shown).containsExactlyElementsOf(expected);
        browser.screenshot("dashboard-vulnerabilities");

        String id = page.get("items").get(0).get("id").asText();
        driver.findElement(By.cssSelector("#vulns tr[data-id='" + id + "'] a")).click();
        assertThat(path()).isEqualTo("/ui/vulnerabilities/" + id);
    }

    @Test
    void aVulnerabilityPageListsExactlyTheApisImagesAndWorkloads() throws Exception {
        JsonNode image = f.getJson("/api/v1/images/" + f.appDigest);
        String id = ServeFleetTest.ids(image).contains("CVE-2021-45046") ? "CVE-2021-45046" : "CVE-2020-8203";
        open("/ui/vulnerabilities/" + id);
        JsonNode v = f.getJson("/api/v1/vulnerabilities/" + id);
        assertThat(text(driver.findElement(By.id("vuln-severity")))).isEqualTo(v.get("severity").asText());
        assertThat(text(driver.findElement(By.id("vuln-summary")))).isEqualTo(v.path("summary").asText(""));
        List<String> expected = new ArrayList<>();
        for (JsonNode i : v.get("images")) {
            expected.add(String.join(" | ", i.get("digest").asText(), i.path("reference").asText(i.get("digest").asText()), i.get("package").asText(),
                    i.get("version").asText(), i.get("origin").asText(), i.get("remedy").asText(), String.join(", ", workloads(i.get("workloads")))));
        }
        assertThat(expected).isNotEmpty();
        List<String> shown = new ArrayList<>();
        for (WebElement row : driver.findElements(By.cssSelector("#vuln-images tr[data-digest]"))) {
            List<String> cells = row.findElements(By.tagName("td")).stream().map(DashboardTest::text).toList();
            assertThat(row.findElement(By.tagName("a")).getDomAttribute("href")).isEqualTo("/ui/images/" + row.getDomAttribute("data-digest"));
            List<String> all = new ArrayList<>();
            all.add(row.getDomAttribute("data-digest"));
            all.addAll(cells);
            shown.add(String.join(" | ", all));
        }
        assertThat(shown).containsExactlyElementsOf(expected);
        assertThat(texts("#vuln-workloads li")).containsExactlyElementsOf(workloads(v.get("workloads")))
                .containsExactlyInAnyOrder("CronJob/batch/report", "Deployment/shop/web");
        browser.screenshot("dashboard-vulnerability");
    }

    @Test
    void theLineageHasANodeForEveryBaseAndImageAndMarksTheOutdatedBase() throws Exception {
        open("/ui/lineage");
        JsonNode g = f.getJson("/api/v1/lineage");
        Set<String> bases = new LinkedHashSet<>();
        Set<String> images = new LinkedHashSet<>();
        Set<String> outdated = new LinkedHashSet<>();
        for (JsonNode e : g.get("edges")) {
            bases.add(e.get("base").asText());
            images.add(e.get("image").asText());
            if (e.get("outdated").asBoolean()) {
                outdated.add(e.get("base").asText());
            }
        }
        g.get("trackedBases").forEach(b -> bases.add(b.get("reference").asText()));
        assertThat(bases).containsExactlyInAnyOrder(OUTDATED_BASE, CURRENT_BASE);
        assertThat(images).containsExactlyInAnyOrder(f.appReference, OTHER_IMAGE);
        assertThat(outdated).containsExactly(OUTDATED_BASE);

        assertThat(driver.findElements(By.cssSelector("svg#lineage"))).hasSize(1);
        assertThat(names("svg#lineage g.node.base")).containsExactlyInAnyOrderElementsOf(bases);
        assertThat(names("svg#lineage g.node.image")).containsExactlyInAnyOrderElementsOf(images);
        assertThat(names("svg#lineage g.node.base.outdated")).containsExactlyInAnyOrderElementsOf(outdated);
        WebElement current = node("base", CURRENT_BASE);
        assertThat(current.getDomAttribute("class").split(" ")).doesNotContain("outdated");
        assertThat(text(current)).doesNotContain("outdated");
        assertThat(text(node("base", OUTDATED_BASE))).endsWith("(outdated)");
        List<String> running = new ArrayList<>();
        g.get("workloads").forEach(w -> running.add(w.get("kind").asText() + "/" + w.get("namespace").asText() + "/" + w.get("name").asText()));
        assertThat(names("svg#lineage g.node.workload")).containsExactlyInAnyOrderElementsOf(new LinkedHashSet<>(running))
                .containsExactlyInAnyOrder("CronJob/batch/report", "Deployment/shop/web");
        // an edge for each (base, image) and (image, workload) pair, build edges dashed
        assertThat(driver.findElements(By.cssSelector("svg#lineage line.edge"))).hasSize(g.get("edges").size() + running.size());
        assertThat(driver.findElements(By.cssSelector("svg#lineage line.edge.build"))).hasSize(1)
                .allSatisfy(l -> assertThat(l.getDomAttribute("stroke-dasharray")).isNotBlank());
        browser.screenshot("dashboard-lineage");
    }

    @Test
    void theRolloutsTimelineListsTheAuditEventsWithTheirMarkupEscaped() throws Exception {
        open("/ui/rollouts");
        JsonNode r = f.getJson("/api/v1/rollouts?limit=100");
        List<String> events = new ArrayList<>();
        r.get("events").forEach(a -> events.add(a.get("at").asText() + " " + a.get("subject").asText() + " " + a.get("action").asText() + ": "
                + a.get("message").asText()));
        assertThat(String.join("\n", events)).contains("rebased: rebuilt " + f.appReference).contains("validated: " + MARKUP_IN_AUDIT)
                .contains("rolled-out: Deployment/shop/web now runs " + REBUILT_DIGEST);
        assertThat(texts("#timeline li")).containsExactlyElementsOf(events);
        List<String> steps = new ArrayList<>();
        r.get("items").forEach(s -> steps.add(String.join(" | ", s.get("updatedAt").asText(), s.get("kind").asText(), s.get("key").asText(),
                s.get("state").asText(), s.path("result").asText(""))));
        assertThat(steps).hasSize(2);
        List<String> shown = new ArrayList<>();
        for (WebElement row : driver.findElements(By.cssSelector("#steps tr.step"))) {
            shown.add(String.join(" | ", row.findElements(By.tagName("td")).stream().map(DashboardTest::text).toList()));
        }
        assertThat(shown).containsExactlyElementsOf(steps);
        assertThat(driver.findElement(By.id("timeline")).getText()).contains(MARKUP_IN_AUDIT);
        assertThat(driver.findElements(By.cssSelector("#timeline b"))).as("markup from the data is text").isEmpty();
        browser.screenshot("dashboard-rollouts");
    }

    @Test
    void theAdmissionLogListsTheDenialsWithTheirReasonsEscaped() throws Exception {
        open("/ui/admissions");
        JsonNode denied = f.getJson("/api/v1/admissions?denied=true");
        List<String> expected = new ArrayList<>();
        for (JsonNode d : denied.get("items")) {
            assertThat(d.get("allowed").asBoolean()).isFalse();
            expected.add(String.join(" | ", d.get("at").asText(), d.path("namespace").asText(""), d.path("kind").asText("") + "/"
                    + d.path("name").asText(""), d.get("message").asText()));
        }
        assertThat(expected).hasSize(2);
        List<String> shown = new ArrayList<>();
        for (WebElement row : driver.findElements(By.xpath("//table[@id='denials']//tr[td]"))) {
            shown.add(String.join(" | ", row.findElements(By.tagName("td")).stream().map(DashboardTest::text).toList()));
        }
        assertThat(shown).containsExactlyElementsOf(expected);
        String page = driver.findElement(By.tagName("main")).getText();
        assertThat(page).contains("unsigned image; the annotation said " + SCRIPT).contains("Pod/evil\"><img src=x>")
                .contains("has CRITICAL CVE-2021-45046").doesNotContain("all images passed the policy");
        assertThat(driver.findElements(By.tagName("script"))).as("no script element injected").isEmpty();
        assertThat(driver.findElements(By.tagName("img"))).as("no img element injected").isEmpty();
        assertThat(driver.getPageSource()).doesNotContain(SCRIPT);
        // the allowed decision is in the API's full log, not in the page of denials
        assertThat(f.getJson("/api/v1/admissions").toString()).contains("all images passed the policy");
        browser.screenshot("dashboard-admissions");
    }

    // ------------------------------------------------------------------ helpers

    /** Opens a page, signing in through the form first when the browser has not. */
    private static void open(String path) {
        driver.get(f.url(path).toString());
        if (path().equals("/ui/login") && !path.equals("/ui/login")) {
            driver.findElement(By.id("token")).sendKeys(ServeFixture.ADMIN_TOKEN);
            driver.findElement(By.id("login")).click();
            // the click starts the form's navigation; it may not have ended when click() returns
            new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> !path().equals("/ui/login"));
            assertThat(path()).isEqualTo("/");
            driver.get(f.url(path).toString());
        }
        assertThat(path()).isEqualTo(URI.create(f.url(path).toString()).getPath());
        assertThat(driver.findElements(By.cssSelector("header a"))).as("the dashboard's navigation").hasSizeGreaterThanOrEqualTo(5);
    }

    private static String path() {
        return URI.create(driver.getCurrentUrl()).getPath();
    }

    /** An element's text exactly as the server wrote it (not as laid out). */
    static String text(WebElement e) {
        return e.getDomProperty("textContent");
    }

    private static List<String> texts(String css) {
        return driver.findElements(By.cssSelector(css)).stream().map(DashboardTest::text).toList();
    }

    private static List<String> names(String css) {
        return driver.findElements(By.cssSelector(css)).stream().map(e -> e.getDomAttribute("data-name")).toList();
    }

    private static WebElement node(String kind, String name) {
        return driver.findElements(By.cssSelector("svg#lineage g.node." + kind)).stream().filter(e -> name.equals(e.getDomAttribute("data-name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " node " + name));
    }

    private static List<String> workloads(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(w -> out.add(w.get("kind").asText() + "/" + w.get("namespace").asText() + "/" + w.get("name").asText()));
        return out;
    }
}
