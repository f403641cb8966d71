package io.drydock.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import io.drydock.freshness.EolData;
import io.drydock.scan.BaseImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** denyEolOs, denyEolRuntime and allowedBases: pass, fail, the grace period's boundary, unknown lines, alternatives. */
class EolAndBaseRulesTest {
    static final LocalDate DATA = LocalDate.parse("2026-05-01");
    // Scans.NOW is 2026-06-01T12:00Z

    static EolData.Answer answer(String product, String version, String cycle, EolData.Status status, String eol, String ext) {
        return new EolData.Answer(product, version, cycle, status, eol == null ? null : LocalDate.parse(eol),
                ext == null ? null : LocalDate.parse(ext), null, true, DATA, List.of());
    }

    static PolicyInput withOs(EolData.Answer os, PolicyInput.RuntimeEol... runtimes) {
        return Scans.input(List.of()).withEol(new PolicyInput.EolFacts(os, List.of(runtimes)));
    }

    static Verdict.RuleResult rule(Verdict v, String name) {
        return v.rules().stream().filter(r -> r.rule().equals(name)).findFirst().orElseThrow();
    }

    static final EolData.Answer SUPPORTED = answer("debian", "12", "12", EolData.Status.SUPPORTED, "2026-07-11", "2028-06-30");
    // regular support ended 2026-05-02, 30 days before Scans.NOW's day; extended support until 2028
    static final EolData.Answer LTS = answer("debian", "11", "11", EolData.Status.EXTENDED_SUPPORT_ONLY, "2026-05-02", "2028-06-30");
    static final EolData.Answer DEAD = answer("debian", "10", "10", EolData.Status.END_OF_LIFE, "2024-06-30", "2026-05-02");

    @Test
    void denyEolOsPassesASupportedLineAndFailsAnEndedOneNamingReleaseDatesAndDataDate(@TempDir Path dir) {
        Policy p = Scans.policy(dir, "denyEolOs: true");
        Verdict ok = p.evaluate(withOs(SUPPORTED), Scans.CLOCK);
        assertThat(ok.passed()).isTrue();
        assertThat(rule(ok, "denyEolOs").explanation()).contains("debian 12 is supported until 2026-07-11");

        Verdict bad = p.evaluate(withOs(DEAD), Scans.CLOCK);
        assertThat(bad.passed()).isFalse();
        assertThat(rule(bad, "denyEolOs").setting()).isEqualTo("grace 0d");
        assertThat(rule(bad, "denyEolOs").explanation()).contains("debian 10", "2024-06-30", "extended support ended 2026-05-02",
                "end-of-life data of 2026-05-01");
    }

    @Test
    void graceBoundaryFailsOnTheDayGraceRunsOut(@TempDir Path dir) {
        // LTS's regular support ended 2026-05-02; Scans.NOW is 2026-06-01T12:00, 30.5 days later
        assertThat(Scans.policy(dir, "denyEolOs: {grace: 31d}").evaluate(withOs(LTS), Scans.CLOCK).passed()).isTrue();
        Verdict within = Scans.policy(dir, "denyEolOs: {grace: 31d}").evaluate(withOs(LTS), Scans.CLOCK);
        assertThat(rule(within, "denyEolOs").explanation()).contains("within the grace period of 31d");
        Verdict past = Scans.policy(dir, "denyEolOs: {grace: 30d}").evaluate(withOs(LTS), Scans.CLOCK);
        assertThat(past.passed()).isFalse();
        assertThat(rule(past, "denyEolOs").explanation()).contains("regular security support ended 2026-05-02",
                "extended support only until 2028-06-30", "past the grace period of 30d");
        // in hours: 30 days and 12 hours after the end is exactly the deadline, and fails
        assertThat(Scans.policy(dir, "denyEolOs: {grace: 732h}").evaluate(withOs(LTS), Scans.CLOCK).passed()).isFalse();
        assertThat(Scans.policy(dir, "denyEolOs: {grace: 733h}").evaluate(withOs(LTS), Scans.CLOCK).passed()).isTrue();
    }

    @Test
    void extendedSupportCountsOnlyWhenAllowed(@TempDir Path dir) {
        assertThat(Scans.policy(dir, "denyEolOs: true").evaluate(withOs(LTS), Scans.CLOCK).passed()).isFalse();
        Verdict allowed = Scans.policy(dir, "denyEolOs: {allowExtendedSupport: true}").evaluate(withOs(LTS), Scans.CLOCK);
        assertThat(allowed.passed()).isTrue();
        assertThat(rule(allowed, "denyEolOs").explanation()).contains("allowExtendedSupport accepts");
        // extended support over too: judged from its end, 2026-05-02
        assertThat(Scans.policy(dir, "denyEolOs: {allowExtendedSupport: true, grace: 31d}").evaluate(withOs(DEAD), Scans.CLOCK)
                .passed()).isTrue();
        assertThat(Scans.policy(dir, "denyEolOs: {allowExtendedSupport: true, grace: 30d}").evaluate(withOs(DEAD), Scans.CLOCK)
                .passed()).isFalse();
    }

    @Test
    void unknownOsLineIsNotedNotFailed(@TempDir Path dir) {
        EolData.Answer unknown = new EolData.Answer("debian", "99", null, EolData.Status.UNKNOWN_LINE, null, null, null, false, DATA,
                List.of("Debian 99: release line not in the end-of-life data of 2026-05-01; cannot tell whether it is supported"));
        Verdict v = Scans.policy(dir, "denyEolOs: true").evaluate(withOs(unknown), Scans.CLOCK);
        assertThat(v.passed()).isTrue();
        assertThat(v.notes()).anySatisfy(n -> assertThat(n).contains("Debian 99", "release line not in the end-of-life data"));
    }

    @Test
    void denyEolRuntimeListsEachEndedRuntimeAndNotesUnknownLines(@TempDir Path dir) {
        PolicyInput.RuntimeEol java11 = new PolicyInput.RuntimeEol("java", "11.0.2", "/opt/java/release",
                answer("eclipse-temurin", "11.0.2", "11", EolData.Status.END_OF_LIFE, "2026-04-01", null));
        PolicyInput.RuntimeEol node16 = new PolicyInput.RuntimeEol("node", "16.20.0", "/usr/local/bin/node",
                answer("nodejs", "16.20.0", "16", EolData.Status.END_OF_LIFE, "2023-09-11", null));
        PolicyInput.RuntimeEol python = new PolicyInput.RuntimeEol("python", "3.12.1", "/usr/bin/python3",
                answer("python", "3.12.1", "3.12", EolData.Status.SUPPORTED, "2028-10-31", null));
        PolicyInput.RuntimeEol odd = new PolicyInput.RuntimeEol("go", "1.99", "Go build info of /app",
                new EolData.Answer("go", "1.99", null, EolData.Status.UNKNOWN_LINE, null, null, null, false, DATA,
                        List.of("Go 1.99: release line not in the end-of-life data of 2026-05-01")));
        Policy p = Scans.policy(dir, "denyEolRuntime: {grace: 90d}");
        Verdict v = p.evaluate(withOs(SUPPORTED, java11, node16, python, odd), Scans.CLOCK);
        assertThat(v.passed()).isFalse();
        Verdict.RuleResult r = rule(v, "denyEolRuntime");
        // java 11 ended 61 days ago, within 90d; node 16 long ago
        assertThat(r.items()).extracting(Verdict.Item::pkg).containsExactly("node");
        assertThat(r.items().get(0).note()).contains("2023-09-11", "/usr/local/bin/node");
        assertThat(r.explanation()).contains("1 of 4 runtimes", "node 16.20.0", "1 not judged");
        assertThat(v.notes()).anySatisfy(n -> assertThat(n).contains("Go 1.99"));

        Verdict strict = Scans.policy(dir, "denyEolRuntime: true").evaluate(withOs(SUPPORTED, java11, node16, python), Scans.CLOCK);
        assertThat(rule(strict, "denyEolRuntime").items()).extracting(Verdict.Item::pkg).containsExactly("java", "node");

        Verdict none = p.evaluate(withOs(SUPPORTED, python), Scans.CLOCK);
        assertThat(none.passed()).isTrue();
    }

    @Test
    void eolRulesFailWhenNoFactsWereGathered(@TempDir Path dir) {
        Verdict v = Scans.policy(dir, "denyEolOs: true\ndenyEolRuntime: true").evaluate(Scans.input(List.of()), Scans.CLOCK);
        assertThat(v.failures()).extracting(Verdict.RuleResult::rule).containsExactly("denyEolOs", "denyEolRuntime");
    }

    @Test
    void malformedEolRulesAreErrorsNamingTheKey(@TempDir Path dir) {
        assertThatThrownBy(() -> Scans.policy(dir, "denyEolOs: {grace: 30}")).isInstanceOf(DrydockException.class)
                .hasMessageContaining("rules.denyEolOs.grace: 30 has no unit");
        assertThatThrownBy(() -> Scans.policy(dir, "denyEolOs: {grase: 30d}")).hasMessageContaining("unknown key 'grase'");
        assertThatThrownBy(() -> Scans.policy(dir, "denyEolRuntime: yesplease")).hasMessageContaining("rules.denyEolRuntime: must be true");
        assertThat(Scans.policy(dir, "denyEolOs: false").rules().denyEolOs()).isNull();
        assertThat(Scans.policy(dir, "denyEolOs: {grace: 0d}").rules().denyEolOs().grace()).isZero();
    }

    // ------------------------------------------------------------ allowedBases

    static PolicyInput chain(BaseImage base, PolicyInput.Link... links) {
        return new PolicyInput(Scans.report(base, List.of()), Scans.PACKAGES, java.util.Map.of(), "1000", null, null, Scans.DIGEST)
                .withBaseChain(new PolicyInput.BaseChain(List.of(links), List.of()));
    }

    @Test
    void allowedBasesPassesDirectAndTransitiveApprovedBases(@TempDir Path dir) {
        Policy p = Scans.policy(dir, "allowedBases: [debian:12, registry.example.com/golden/alpine:3.20]");
        Verdict direct = p.evaluate(chain(Scans.BASE, new PolicyInput.Link("docker.io/library/debian:12", null, "annotation")), Scans.CLOCK);
        assertThat(direct.passed()).isTrue();
        assertThat(rule(direct, "allowedBases").explanation()).contains("approved base debian:12 (annotation)");

        Verdict transitive = p.evaluate(chain(Scans.BASE,
                new PolicyInput.Link("registry.example.com/team/java:17", null, "annotation"),
                new PolicyInput.Link("registry.example.com/golden/alpine:3.20", null, "lineage of registry.example.com/team/java:17")),
                Scans.CLOCK);
        assertThat(transitive.passed()).isTrue();
        assertThat(rule(transitive, "allowedBases").explanation()).contains("golden/alpine:3.20", "through registry.example.com/team/java:17");
    }

    @Test
    void anImageOnAnUnapprovedBaseFailsNamingTheAlternativesSameOsFirst(@TempDir Path dir) {
        Policy p = Scans.policy(dir, "allowedBases: [registry.example.com/golden/alpine:3.20, registry.example.com/golden/debian:12]");
        Verdict v = p.evaluate(chain(Scans.BASE, new PolicyInput.Link("docker.io/library/ubuntu:22.04", null, "annotation")), Scans.CLOCK);
        assertThat(v.passed()).isFalse();
        assertThat(rule(v, "allowedBases").explanation()).isEqualTo("built on docker.io/library/ubuntu:22.04 (annotation), which is"
                + " not an approved base; approved alternatives: registry.example.com/golden/debian:12, registry.example.com/golden/alpine:3.20");

        Verdict unknown = p.evaluate(chain(Scans.GUESSED), Scans.CLOCK);
        assertThat(unknown.passed()).isFalse();
        assertThat(rule(unknown, "allowedBases").explanation()).contains("no base image is known", "golden/debian:12");

        Verdict notGathered = p.evaluate(Scans.input(List.of()), Scans.CLOCK);
        assertThat(notGathered.passed()).isFalse();
    }

    @Test
    void allowedBasesReadsTheCatalogueNextToThePolicy(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("catalogue.yaml"), """
                apiVersion: drydock.io/v1
                kind: BaseCatalogue
                bases:
                  - image: registry.example.com/golden/debian:12
                    owner: platform-team
                    upstream: debian:12
                    refresh: weekly
                """);
        Policy p = Scans.policy(dir, "allowedBases: {catalogue: catalogue.yaml}");
        assertThat(p.rules().allowedBases().images()).containsExactly("registry.example.com/golden/debian:12");
        assertThat(p.rules().allowedBases().setting()).startsWith("catalogue.yaml (sha256:");
        Verdict v = p.evaluate(chain(Scans.BASE, new PolicyInput.Link("docker.io/library/debian:12", null, "annotation")), Scans.CLOCK);
        assertThat(rule(v, "allowedBases").explanation()).contains("approved alternatives: registry.example.com/golden/debian:12");

        Files.writeString(dir.resolve("broken.yaml"), "apiVersion: drydock.io/v1\nkind: BaseCatalogue\nbases:\n  - image: a:1\n");
        assertThatThrownBy(() -> Scans.policy(dir, "allowedBases: {catalogue: broken.yaml}"))
                .hasMessageContaining("rules.allowedBases.catalogue").hasMessageContaining("broken.yaml")
                .hasMessageContaining("bases entry 1, owner: required");
        assertThatThrownBy(() -> Scans.policy(dir, "allowedBases: {catalogue: missing.yaml}")).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> Scans.policy(dir, "allowedBases: [Not A Ref]")).hasMessageContaining("rules.allowedBases item 1");
    }
}
