package io.drydock.policy;

import static io.drydock.policy.Scans.ALL;
import static io.drydock.policy.Scans.GLIBC_UNFIXED;
import static io.drydock.policy.Scans.JACKSON_UNFIXED;
import static io.drydock.policy.Scans.LOG4SHELL;
import static io.drydock.policy.Scans.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.policy.Verdict.RuleResult;
import io.drydock.scan.Finding;
import io.drydock.scan.Origin;
import io.drydock.scan.Rating;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each rule passing and failing against hand-built scans, and what the verdict records about it. */
class PolicyEvaluationTest {
    @TempDir
    Path dir;

    private Verdict evaluate(String rules, PolicyInput input) {
        return Scans.policy(dir, rules).evaluate(input, Scans.CLOCK);
    }

    private static RuleResult rule(Verdict v, String name) {
        return v.rules().stream().filter(r -> r.rule().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no result for " + name + " in " + v.rules()));
    }

    @Test
    void theVerdictNamesPolicyImageAndTimes() {
        Policy policy = Scans.policy(dir, "maxSeverity: CRITICAL");
        Verdict v = policy.evaluate(Scans.input(ALL), Scans.CLOCK);
        assertThat(v.passed()).isTrue();
        assertThat(v.policyName()).isEqualTo("production");
        assertThat(v.policyDigest()).isEqualTo(policy.digest());
        assertThat(v.image()).isEqualTo(Scans.IMAGE);
        assertThat(v.imageDigest()).isEqualTo(Scans.DIGEST);
        assertThat(v.scannedAt()).isEqualTo(Scans.SCANNED);
        assertThat(v.evaluatedAt()).isEqualTo(NOW);
        assertThat(v.rules()).extracting(RuleResult::rule).containsExactly("maxSeverity");
    }

    @Test
    void maxSeverityFailsFindingsStrictlyAboveIt() {
        Verdict v = evaluate("maxSeverity: HIGH", Scans.input(ALL));
        assertThat(v.passed()).isFalse();
        RuleResult r = rule(v, "maxSeverity");
        assertThat(r.passed()).isFalse();
        assertThat(r.setting()).isEqualTo("HIGH");
        assertThat(r.explanation()).isEqualTo("1 of 4 findings is above HIGH");
        assertThat(r.items()).containsExactly(new Verdict.Item("CVE-2021-44228", "org.apache.logging.log4j:log4j-core",
                "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "2.14.1", Rating.CRITICAL, Origin.APPLICATION, null));

        RuleResult critical = rule(evaluate("maxSeverity: CRITICAL", Scans.input(ALL)), "maxSeverity");
        assertThat(critical.passed()).isTrue();
        assertThat(critical.explanation()).isEqualTo("none of the 4 findings is above CRITICAL");
        assertThat(critical.items()).isEmpty();

        RuleResult low = rule(evaluate("maxSeverity: LOW", Scans.input(ALL)), "maxSeverity");
        assertThat(low.items()).extracting(Verdict.Item::id).containsExactly("CVE-2021-44228", "CVE-2023-4911", "CVE-2023-35116");
        assertThat(rule(evaluate("maxSeverity: NEGLIGIBLE", Scans.input(List.of(GLIBC_UNFIXED))), "maxSeverity").passed()).isTrue();
    }

    @Test
    void noneLetsNothingThrough() {
        RuleResult r = rule(evaluate("maxSeverity: NONE", Scans.input(List.of(GLIBC_UNFIXED))), "maxSeverity");
        assertThat(r.passed()).isFalse();
        assertThat(r.explanation()).isEqualTo("1 finding fails it, and NONE allows none");
        RuleResult clean = rule(evaluate("maxSeverity: NONE", Scans.input(List.of())), "maxSeverity");
        assertThat(clean.passed()).isTrue();
        assertThat(clean.explanation()).isEqualTo("no findings fail it (NONE allows none)");
    }

    @Test
    void unratedFindingsAreJudgedAsCritical() {
        Finding unrated = Scans.finding("CVE-2026-0001", List.of(), Scans.JACKSON, Rating.UNKNOWN, Origin.APPLICATION, List.of("2.16.0"));
        RuleResult high = rule(evaluate("maxSeverity: HIGH", Scans.input(List.of(unrated))), "maxSeverity");
        assertThat(high.passed()).isFalse();
        assertThat(high.items()).singleElement().satisfies(i -> {
            assertThat(i.severity()).isEqualTo(Rating.UNKNOWN);
            assertThat(i.note()).isEqualTo("unrated: judged as CRITICAL, the worst it could be");
        });
        assertThat(rule(evaluate("maxSeverity: CRITICAL", Scans.input(List.of(unrated))), "maxSeverity").passed()).isTrue();
    }

    @Test
    void baseAndApplicationLimitsTakeOverForTheirFindings() {
        Verdict v = evaluate("maxSeverity: LOW\nmaxSeverityBase: HIGH\nmaxSeverityApp: MEDIUM", Scans.input(ALL));
        assertThat(v.rules()).extracting(RuleResult::rule).containsExactly("maxSeverity", "maxSeverityBase", "maxSeverityApp");
        RuleResult general = rule(v, "maxSeverity");
        assertThat(general.passed()).as("every finding has an origin with its own limit").isTrue();
        assertThat(general.explanation()).isEqualTo("no findings of unknown origin");
        RuleResult base = rule(v, "maxSeverityBase");
        assertThat(base.passed()).isTrue();
        assertThat(base.explanation()).isEqualTo("none of the 2 base-image findings is above HIGH");
        RuleResult app = rule(v, "maxSeverityApp");
        assertThat(app.passed()).isFalse();
        assertThat(app.explanation()).isEqualTo("1 of 2 application findings is above MEDIUM");
        assertThat(app.items()).extracting(Verdict.Item::id).containsExactly("CVE-2021-44228");

        Verdict baseOnly = evaluate("maxSeverity: CRITICAL\nmaxSeverityBase: MEDIUM", Scans.input(ALL));
        assertThat(rule(baseOnly, "maxSeverity").explanation()).isEqualTo("none of the 2 findings outside the base image is above CRITICAL");
        assertThat(rule(baseOnly, "maxSeverityBase").items()).extracting(Verdict.Item::id).containsExactly("CVE-2023-4911");
        assertThat(baseOnly.notes()).isEmpty();
    }

    @Test
    void aGuessedBaseIsNotedWhenBaseOrApplicationLimitsRestOnIt() {
        PolicyInput guessed = new PolicyInput(Scans.report(Scans.GUESSED, ALL), Scans.PACKAGES, Map.of(), "1000", null, null, Scans.DIGEST);
        Verdict v = evaluate("maxSeverityBase: CRITICAL", guessed);
        assertThat(v.notes()).singleElement().asString().startsWith("which findings are the base image's is a guess");
    }

    @Test
    void ignoreUnfixedLeavesFindingsWithoutAFixUncounted() {
        Finding unfixedCritical = Scans.finding("CVE-2026-0002", List.of(), Scans.JACKSON, Rating.CRITICAL, Origin.APPLICATION, List.of());
        List<Finding> findings = List.of(LOG4SHELL, unfixedCritical, JACKSON_UNFIXED);
        RuleResult counted = rule(evaluate("maxSeverity: MEDIUM", Scans.input(findings)), "maxSeverity");
        assertThat(counted.items()).extracting(Verdict.Item::id).containsExactly("CVE-2021-44228", "CVE-2026-0002");
        RuleResult ignoring = rule(evaluate("maxSeverity: MEDIUM\nignoreUnfixed: true", Scans.input(findings)), "maxSeverity");
        assertThat(ignoring.passed()).isFalse();
        assertThat(ignoring.items()).extracting(Verdict.Item::id).containsExactly("CVE-2021-44228");
        assertThat(ignoring.explanation()).isEqualTo("1 of 3 findings is above MEDIUM; 1 more without a fix not counted (ignoreUnfixed)");
        assertThat(rule(evaluate("maxSeverity: MEDIUM\nignoreUnfixed: true", Scans.input(List.of(unfixedCritical))), "maxSeverity")
                .passed()).isTrue();
    }

    @Test
    void theAllowListLetsFindingsThroughByAnyOfTheirIds() {
        Verdict v = evaluate("""
                maxSeverity: MEDIUM
                allow:
                  - id: ghsa-jfh8-c2jp-5v3q
                    reason: JNDI lookups removed from the jar
                    expires: 2026-12-31
                  - id: CVE-2023-4911
                    reason: no setuid binaries in the image
                """, Scans.input(ALL));
        assertThat(v.passed()).isTrue();
        RuleResult r = rule(v, "maxSeverity");
        assertThat(r.explanation()).isEqualTo("none of the 4 findings is above MEDIUM; 2 more allowed by the allow-list");
        assertThat(v.allowed()).extracting(a -> a.finding().id(), Verdict.Allowed::reason, Verdict.Allowed::expires).containsExactly(
                org.assertj.core.groups.Tuple.tuple("CVE-2021-44228", "JNDI lookups removed from the jar", LocalDate.of(2026, 12, 31)),
                org.assertj.core.groups.Tuple.tuple("CVE-2023-4911", "no setuid binaries in the image", null));
        assertThat(v.notes()).isEmpty();
    }

    @Test
    void anExpiredAllowEntryNoLongerAllowsAndTheVerdictSaysSo() {
        LocalDate today = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
        String rules = """
                maxSeverity: HIGH
                allow:
                  - id: CVE-2021-44228
                    reason: JNDI lookups removed from the jar
                    expires: %s
                """;
        Verdict lastDay = evaluate(rules.formatted(today), Scans.input(ALL));
        assertThat(lastDay.passed()).as("an entry allows through its expiry day").isTrue();

        Verdict expired = evaluate(rules.formatted(today.minusDays(1)), Scans.input(ALL));
        assertThat(expired.passed()).isFalse();
        assertThat(expired.allowed()).isEmpty();
        assertThat(rule(expired, "maxSeverity").items()).singleElement().satisfies(i -> {
            assertThat(i.id()).isEqualTo("CVE-2021-44228");
            assertThat(i.note()).isEqualTo("allow-list entry 1 (CVE-2021-44228) expired on " + today.minusDays(1) + " and no longer allows it");
        });
        assertThat(expired.notes()).containsExactly("allow-list entry 1 (CVE-2021-44228) expired on " + today.minusDays(1)
                + " and no longer allows it");
    }

    @Test
    void bannedPackagesMatchPurlGlobsOverEveryInstalledPackage() {
        Verdict v = evaluate("""
                bannedPackages:
                  - pkg:npm/event-stream
                  - pkg:maven/log4j/log4j@1.*
                  - pkg:deb/debian/openssl@3.0.11-1~deb12u2
                """, Scans.input(List.of()));
        RuleResult r = rule(v, "bannedPackages");
        assertThat(r.passed()).isFalse();
        assertThat(r.setting()).isEqualTo("pkg:npm/event-stream, pkg:maven/log4j/log4j@1.*, pkg:deb/debian/openssl@3.0.11-1~deb12u2");
        assertThat(r.items()).extracting(Verdict.Item::pkg, Verdict.Item::origin, Verdict.Item::note).containsExactly(
                org.assertj.core.groups.Tuple.tuple("openssl", Origin.BASE, "banned by pkg:deb/debian/openssl@3.0.11-1~deb12u2"),
                org.assertj.core.groups.Tuple.tuple("log4j:log4j", Origin.APPLICATION, "banned by pkg:maven/log4j/log4j@1.*"),
                org.assertj.core.groups.Tuple.tuple("event-stream", Origin.APPLICATION, "banned by pkg:npm/event-stream"));
        assertThat(r.explanation()).isEqualTo("3 of 6 packages are banned: openssl 3.0.11-1~deb12u2, log4j:log4j 1.2.17, event-stream 3.3.6");

        RuleResult clean = rule(evaluate("bannedPackages: [pkg:maven/log4j/log4j@2.*, pkg:npm/left-pad]", Scans.input(List.of())), "bannedPackages");
        assertThat(clean.passed()).isTrue();
        assertThat(clean.explanation()).isEqualTo("none of the 6 packages matches a banned pattern");
    }

    @Test
    void requiredLabelsMustBeSetAndMatchTheirRegexInFull() {
        PolicyInput input = Scans.input(List.of());
        assertThat(rule(evaluate("requiredLabels: [org.opencontainers.image.source]", input), "requiredLabels").explanation())
                .isEqualTo("the required label is set");
        RuleResult missing = rule(evaluate("requiredLabels: [org.opencontainers.image.source, org.opencontainers.image.revision]", input),
                "requiredLabels");
        assertThat(missing.passed()).isFalse();
        assertThat(missing.explanation()).isEqualTo("1 of 2 required labels are not set as required: missing org.opencontainers.image.revision");

        assertThat(rule(evaluate("requiredLabels: {org.opencontainers.image.source: 'https://github\\.com/example/.+'}", input),
                "requiredLabels").passed()).isTrue();
        RuleResult partial = rule(evaluate("requiredLabels: {org.opencontainers.image.source: 'github\\.com'}", input), "requiredLabels");
        assertThat(partial.passed()).as("the regex must match the whole value").isFalse();
        assertThat(partial.explanation()).isEqualTo("the required label is not set as required: "
                + "org.opencontainers.image.source='https://github.com/example/api' does not match github\\.com");

        PolicyInput blank = new PolicyInput(Scans.report(List.of()), List.of(), Map.of("team", " "), "1000", null, null, Scans.DIGEST);
        assertThat(rule(evaluate("requiredLabels: [team]", blank), "requiredLabels").explanation()).endsWith("empty team");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000", "app", "1000:0", "nobody:nogroup", " 65532 "})
    void nonRootUserPassesForAnyoneButRoot(String user) {
        RuleResult r = rule(evaluate("nonRootUser: true", withUser(user)), "nonRootUser");
        assertThat(r.passed()).as(r.explanation()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "root", "0", "00", "0:0", "root:root", "0:1000", ":1000"})
    void nonRootUserFailsForRootAndForNoUser(String user) {
        RuleResult r = rule(evaluate("nonRootUser: true", withUser(user)), "nonRootUser");
        assertThat(r.passed()).isFalse();
        assertThat(r.explanation()).containsAnyOf("is root", "sets no User", "names only a group");
    }

    @Test
    void nonRootUserFailsWhenTheConfigHasNoUser() {
        assertThat(rule(evaluate("nonRootUser: true", withUser(null)), "nonRootUser").explanation())
                .isEqualTo("the config sets no User, so the container runs as root");
        assertThat(evaluate("nonRootUser: false", withUser(null)).rules()).as("a rule set to false is not judged").isEmpty();
    }

    private static PolicyInput withUser(String user) {
        return new PolicyInput(Scans.report(List.of()), List.of(), Map.of(), user, null, null, Scans.DIGEST);
    }

    @Test
    void maxBaseAgeComparesTheBasesCreationWithTheEvaluationTime() {
        RuleResult recent = rule(evaluate("maxBaseAge: 180d", Scans.input(List.of())), "maxBaseAge");
        assertThat(recent.passed()).isTrue();
        assertThat(recent.explanation()).isEqualTo("the base " + Scans.BASE_NAME + " (" + Scans.BASE_DIGEST + ") was built "
                + NOW.minus(Duration.ofDays(30)) + ", 30 days ago: within 180d");
        RuleResult old = rule(evaluate("maxBaseAge: 4w", Scans.input(List.of())), "maxBaseAge");
        assertThat(old.passed()).isFalse();
        assertThat(old.setting()).isEqualTo("28d");
        assertThat(old.explanation()).endsWith("30 days ago: older than 28d");
    }

    @Test
    void maxBaseAgeFailsWhenTheBaseIsUnknown() {
        PolicyInput unknown = new PolicyInput(Scans.report(Scans.GUESSED, List.of()), List.of(), Map.of(), "1000", null, null, Scans.DIGEST);
        RuleResult r = rule(evaluate("maxBaseAge: 180d", unknown), "maxBaseAge");
        assertThat(r.passed()).isFalse();
        assertThat(r.explanation()).isEqualTo("base image unknown");
        PolicyInput why = new PolicyInput(Scans.report(List.of()), List.of(), Map.of(), "1000", null,
                "cannot read docker.io/library/debian:12: connection refused", Scans.DIGEST);
        assertThat(rule(evaluate("maxBaseAge: 180d", why), "maxBaseAge").explanation())
                .isEqualTo("base image unknown: cannot read docker.io/library/debian:12: connection refused");
        assertThat(evaluate("maxSeverity: CRITICAL", unknown).passed()).as("without maxBaseAge the base's age is not judged").isTrue();
    }

    @Test
    void verificationRequirementsPassAtCheckTimeAndAreRecorded() {
        Verdict v = evaluate("maxScanAge: 24h\nrequireAttestations: [vuln, sbom]", Scans.input(ALL));
        assertThat(v.passed()).isTrue();
        RuleResult scanAge = rule(v, "maxScanAge");
        assertThat(scanAge.passed()).isTrue();
        assertThat(scanAge.explanation()).startsWith("recorded for verification").contains(Scans.SCANNED.toString())
                .endsWith("passes at check time");
        assertThat(rule(v, "requireAttestations").explanation())
                .isEqualTo("recorded for verification, which must find the vuln and sbom attestations attached to the image; passes at check time");
        assertThat(v.requirements()).isEqualTo(new Verdict.Requirements(Duration.ofHours(24), List.of(AttestationKind.VULN, AttestationKind.SBOM)));
        assertThat(evaluate("{}", Scans.input(ALL)).requirements()).isEqualTo(new Verdict.Requirements(null, List.of()));
    }

    @Test
    void aPolicyWithoutRulesPassesAndSaysSo() {
        Verdict v = evaluate("{}", Scans.input(ALL));
        assertThat(v.passed()).isTrue();
        assertThat(v.rules()).isEmpty();
        assertThat(v.notes()).containsExactly("the policy sets no rules, so every image passes it");
    }

    @Test
    void theVerdictFailsWhenAnyRuleFailsAndListsRulesInDocumentedOrder() {
        Verdict v = evaluate("""
                requireAttestations: [verdict]
                maxScanAge: 1h
                maxBaseAge: 1d
                nonRootUser: true
                requiredLabels: [org.opencontainers.image.source]
                bannedPackages: [pkg:npm/left-pad]
                maxSeverityApp: CRITICAL
                maxSeverityBase: CRITICAL
                maxSeverity: CRITICAL
                """, Scans.input(ALL));
        assertThat(v.rules()).extracting(RuleResult::rule).containsExactly("maxSeverity", "maxSeverityBase", "maxSeverityApp",
                "bannedPackages", "requiredLabels", "nonRootUser", "maxBaseAge", "maxScanAge", "requireAttestations");
        assertThat(v.failures()).extracting(RuleResult::rule).containsExactly("maxBaseAge");
        assertThat(v.passed()).isFalse();
    }

    @Test
    void packagesOfAnInventoryAreSplitAtTheBase() {
        var layer0 = new io.drydock.layer.LayerInfo(0, "sha256:" + "a".repeat(64), "sha256:" + "b".repeat(64), "base");
        var layer1 = new io.drydock.layer.LayerInfo(1, "sha256:" + "c".repeat(64), "sha256:" + "d".repeat(64), "COPY app /app");
        var deb = new io.drydock.inventory.InstalledPackage("deb", "debian", "libc6", "2.36", "amd64", "glibc", "2.36", null, null, null, null);
        var jar = new io.drydock.inventory.InstalledPackage("maven", "log4j", "log4j", "1.2.17", null, null, null, null, null, null, null);
        var npm = new io.drydock.inventory.InstalledPackage("npm", "babel", "core", "7.24.0", null, null, null, null, null, null, null);
        var inv = new io.drydock.inventory.Inventory("img", Scans.DIGEST, null, List.of(layer0, layer1), List.of(
                new io.drydock.inventory.Component(deb, "pkg:deb/debian/libc6@2.36?arch=amd64", layer0, null),
                new io.drydock.inventory.Component(jar, "pkg:maven/log4j/log4j@1.2.17", layer1, null),
                new io.drydock.inventory.Component(jar, "pkg:maven/log4j/log4j@1.2.17", layer1, null),
                new io.drydock.inventory.Component(npm, "pkg:npm/%40babel/core@7.24.0", layer1, null)), List.of());
        assertThat(PolicyInput.packagesOf(inv, new io.drydock.scan.BaseImage(1, null, null, io.drydock.scan.BaseImage.How.FLAG, "")))
                .containsExactly(
                        new PolicyInput.Package("pkg:deb/debian/libc6@2.36?arch=amd64", "libc6", "2.36", Origin.BASE),
                        new PolicyInput.Package("pkg:maven/log4j/log4j@1.2.17", "log4j:log4j", "1.2.17", Origin.APPLICATION),
                        new PolicyInput.Package("pkg:npm/%40babel/core@7.24.0", "@babel/core", "7.24.0", Origin.APPLICATION));
    }
}
