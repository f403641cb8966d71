package io.drydock.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import io.drydock.rebuild.RebuildDecision;
import io.drydock.scan.Rating;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch configuration as docs/watch.md describes it: a complete file read into its records, and every kind of
 * mistake refused with a message naming the file and the key.
 */
class WatchConfigTest {
    @TempDir
    Path dir;

    static final String GOOD = """
            apiVersion: drydock.io/v1
            kind: WatchConfig
            store: jdbc:sqlite:/var/lib/drydock/state.db
            poll:
              interval: 2m
              jitter: 0.2
              budgetPerRegistry: 50
              settle: 30s
            notifications:
              listen: 127.0.0.1:8095
              tokenEnv: DRYDOCK_NOTIFY_TOKEN
            rebuild:
              when: any-change
              timeout: 1h
              retryDelay: 10s
              stepLease: 2h
            validation:
              policy: policy.yaml
              key: keys/cosign.key
              passphraseFile: secrets/passphrase
            rollout:
              kubeconfig: kube/config
              namespaces: [shop, web]
              timeout: 5m
              crashLoopRestarts: 5
            bases:
              - registry.example/library/debian:12
              - alpine:3.20
            groups:
              frontend:
                quietHours:
                  - {days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00", zone: Europe/Paris}
                approval:
                  deadline: 24h
                  onTimeout: proceed
            images:
              - image: registry.example/platform/company-base:1
                base: registry.example/library/debian:12
              - image: registry.example/shop/web:1
                base: registry.example/platform/company-base:1
                strategy: buildah
                settings: {context: /src/web, dockerfile: Dockerfile, baseArg: BASE_IMAGE}
                target: registry.example/shop/web:1-rebuilt
                group: frontend
                when: severity>=high
              - image: registry.example/shop/api:2
                base: registry.example/tools/jre:21
                strategy: github-actions
                quietHours:
                  - {days: [friday], from: "22:00", to: "06:00"}
                approval: {deadline: 2h}
            """;

    /** The minimum a file needs besides its images. */
    static final String HEADER = """
            apiVersion: drydock.io/v1
            kind: WatchConfig
            validation:
              policy: policy.yaml
              key: cosign.key
            """;

    Path write(String yaml) throws Exception {
        Path f = dir.resolve("watch.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    /** A file with {@link #HEADER} and one image entry, plus {@code extra} at the top level. */
    Path withImages(String images) throws Exception {
        return write(HEADER + "images:\n" + images.indent(2));
    }

    /** Reading {@code yaml} fails with a message naming the file and, when given, the key path. */
    AbstractThrowableAssert<?, ? extends Throwable> rejects(Path file, String keyPath) {
        var a = assertThatThrownBy(() -> WatchConfig.read(file)).isInstanceOf(DrydockException.class)
                .hasMessageStartingWith("the watch configuration " + file + ": ");
        return keyPath == null ? a : a.hasMessageContaining(": " + keyPath + ": ");
    }

    @Test
    void aCompleteFileIsReadIntoItsRecords() throws Exception {
        Path file = write(GOOD);
        WatchConfig c = WatchConfig.read(file);

        assertThat(c.file()).isEqualTo(file);
        assertThat(c.store()).isEqualTo("jdbc:sqlite:/var/lib/drydock/state.db");
        assertThat(c.poll()).isEqualTo(new WatchConfig.Poll(Duration.ofMinutes(2), 0.2, 50, Duration.ofSeconds(30)));
        assertThat(c.notifications()).isEqualTo(new WatchConfig.Notifications("127.0.0.1:8095", "DRYDOCK_NOTIFY_TOKEN"));
        assertThat(c.rule()).isEqualTo(new RebuildDecision.Rule.AnyChange());
        assertThat(c.rebuildTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(c.retryDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.stepLease()).isEqualTo(Duration.ofHours(2));
        Path base = file.toAbsolutePath().getParent();
        assertThat(c.validation()).as("paths are relative to the configuration file")
                .isEqualTo(new WatchConfig.Validation(base.resolve("policy.yaml"), base.resolve("keys/cosign.key"),
                        base.resolve("secrets/passphrase")));
        assertThat(c.rollout()).isEqualTo(new WatchConfig.Rollout(Duration.ofMinutes(5), 5, List.of("shop", "web"),
                base.resolve("kube/config").toString()));
        assertThat(c.bases()).containsExactly("registry.example/library/debian:12", "docker.io/library/alpine:3.20");

        assertThat(c.images()).hasSize(3);
        WatchConfig.ImageEntry company = c.images().get(0);
        assertThat(company.image()).isEqualTo("registry.example/platform/company-base:1");
        assertThat(company.base()).isEqualTo("registry.example/library/debian:12");
        assertThat(company.strategy()).as("the default strategy").isEqualTo("rebase");
        assertThat(company.settings().isObject()).isTrue();
        assertThat(company.settings().isEmpty()).isTrue();
        assertThat(company.target()).as("by default the rebuilt image replaces the tag").isEqualTo(company.image());
        assertThat(company.group()).isNull();
        assertThat(company.rule()).as("null: the file's rule applies").isNull();
        assertThat(company.schedule().quietHours()).isEmpty();
        assertThat(company.schedule().approvalRequired()).isFalse();

        WatchConfig.ImageEntry web = c.images().get(1);
        assertThat(web.strategy()).isEqualTo("buildah");
        assertThat(web.settings().get("context").asText()).isEqualTo("/src/web");
        assertThat(web.settings().get("baseArg").asText()).isEqualTo("BASE_IMAGE");
        assertThat(web.target()).isEqualTo("registry.example/shop/web:1-rebuilt");
        assertThat(web.group()).isEqualTo("frontend");
        assertThat(web.rule()).isEqualTo(new RebuildDecision.Rule.FixesAtLeast(Rating.HIGH));
        assertThat(web.schedule()).as("the group's schedule").isEqualTo(new Schedule(List.of(new Schedule.QuietHours(
                EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(9, 0), LocalTime.of(17, 0),
                ZoneId.of("Europe/Paris"))), Duration.ofHours(24), true));

        WatchConfig.ImageEntry api = c.images().get(2);
        assertThat(api.strategy()).isEqualTo("github-actions");
        assertThat(api.schedule().quietHours()).containsExactly(new Schedule.QuietHours(EnumSet.of(DayOfWeek.FRIDAY),
                LocalTime.of(22, 0), LocalTime.of(6, 0), ZoneOffset.UTC));
        assertThat(api.schedule().approvalDeadline()).isEqualTo(Duration.ofHours(2));
        assertThat(api.schedule().proceedWithoutApproval()).as("onTimeout defaults to drop").isFalse();

        assertThat(c.trackedBases()).as("listed bases, then the images' bases (company-base is one: web is built on it)")
                .containsExactly("registry.example/library/debian:12", "docker.io/library/alpine:3.20",
                        "registry.example/platform/company-base:1", "registry.example/tools/jre:21");
        assertThat(c.trackedBases()).doesNotContain("registry.example/shop/web:1", "registry.example/shop/api:2");

        String digest = "@sha256:" + "ab".repeat(32);
        assertThat(c.image("registry.example/shop/web:1" + digest)).as("looked up without its digest").contains(web);
        assertThat(c.image("registry.example/shop/web:2")).isEmpty();
    }

    @Test
    void defaultsOfAMinimalFile() throws Exception {
        WatchConfig c = WatchConfig.read(withImages("- image: registry.example/shop/web:1\n"));
        assertThat(c.store()).isNull();
        assertThat(c.poll()).isEqualTo(new WatchConfig.Poll(Duration.ofMinutes(5), 0.1, 1000, Duration.ZERO));
        assertThat(c.notifications().listen()).as("notifications are off").isNull();
        assertThat(c.rule()).isEqualTo(new RebuildDecision.Rule.FixesFindings());
        assertThat(c.rebuildTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.retryDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.validation().passphraseFile()).as("from the environment").isNull();
        assertThat(c.rollout()).isEqualTo(new WatchConfig.Rollout(Duration.ofMinutes(10), 3, List.of(), null));
        assertThat(c.bases()).isEmpty();
        assertThat(c.trackedBases()).as("no base named anywhere").isEmpty();
    }

    @Test
    void anAbsolutePassphraseFileAndInClusterStayAsWritten() throws Exception {
        Path file = write(HEADER.replace("  key: cosign.key\n", "  key: cosign.key\n  passphraseFile: /etc/drydock/pass\n")
                + "rollout:\n  kubeconfig: in-cluster\nimages:\n  - image: registry.example/shop/web:1\n");
        WatchConfig c = WatchConfig.read(file);
        assertThat(c.validation().passphraseFile()).isEqualTo(Path.of("/etc/drydock/pass"));
        assertThat(c.rollout().kubeconfig()).isEqualTo("in-cluster");
    }

    @Test
    void anImageThatIsAnotherImagesBaseIsTracked() throws Exception {
        WatchConfig c = WatchConfig.read(withImages("""
                - image: registry.example/shop/web:1
                  base: registry.example/platform/runtime:3
                - image: registry.example/platform/runtime:3
                  base: registry.example/library/debian:12
                """));
        assertThat(c.trackedBases()).containsExactlyInAnyOrder("registry.example/platform/runtime:3",
                "registry.example/library/debian:12");
    }

    // ---- errors

    @Test
    void notYaml() throws Exception {
        rejects(write("images: [ {image: x"), null).hasMessageContaining("not valid YAML");
        rejects(write("- just\n- a list\n"), null).hasMessageContaining("apiVersion: drydock.io/v1");
        rejects(write(""), null).hasMessageContaining("must be a mapping");
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> WatchConfig.read(missing)).isInstanceOf(DrydockException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void wrongApiVersionOrKind() throws Exception {
        rejects(write(HEADER.replace("drydock.io/v1", "drydock.io/v2") + "images: [{image: a/b:1}]\n"), "apiVersion")
                .hasMessageContaining("must be drydock.io/v1");
        rejects(write(HEADER.replace("kind: WatchConfig", "kind: Policy") + "images: [{image: a/b:1}]\n"), "kind")
                .hasMessageContaining("must be WatchConfig");
        rejects(write(HEADER.replace("kind: WatchConfig\n", "") + "images: [{image: a/b:1}]\n"), "kind");
    }

    @Test
    void unknownKeys() throws Exception {
        rejects(write(HEADER + "image:\n  - image: a/b:1\n"), "image").hasMessageContaining("unknown key")
                .hasMessageContaining("images");
        rejects(write(HEADER + "poll:\n  intervall: 5m\nimages: [{image: a/b:1}]\n"), "poll.intervall")
                .hasMessageContaining("unknown key");
        rejects(withImages("- image: a/b:1\n- image: a/c:1\n  tag: latest\n"), "images entry 2, tag")
                .hasMessageContaining("unknown key");
        rejects(write(HEADER + "groups:\n  frontend:\n    freeze: true\nimages: [{image: a/b:1}]\n"), "groups.frontend.freeze")
                .hasMessageContaining("unknown key");
        rejects(withImages("- image: a/b:1\n  quietHours:\n    - {from: \"09:00\", to: \"17:00\", tz: UTC}\n"),
                "images entry 1, quietHours entry 1, tz").hasMessageContaining("unknown key");
        rejects(withImages("- image: a/b:1\n  approval: {deadline: 1h, escalate: true}\n"), "images entry 1, approval, escalate")
                .hasMessageContaining("unknown key");
    }

    @Test
    void duplicates() throws Exception {
        rejects(withImages("- image: registry.example/shop/web:1\n- image: registry.example/shop/api:1\n"
                + "- image: registry.example/shop/web:1\n  strategy: buildah\n"), "images entry 3")
                .hasMessageContaining("lists registry.example/shop/web:1 again (first in entry 1)");
        rejects(withImages("- image: web:1\n- image: docker.io/library/web:1\n"), "images entry 2")
                .as("the same image however written").hasMessageContaining("again (first in entry 1)");
        rejects(write(HEADER + "poll:\n  interval: 5m\n  interval: 1m\nimages: [{image: a/b:1}]\n"), null)
                .hasMessageContaining("interval").hasMessageContaining("uplicate");
    }

    @Test
    void anImageWithoutATag() throws Exception {
        rejects(withImages("- image: registry.example/shop/web\n"), "images entry 1, image").hasMessageContaining("needs a tag");
        rejects(withImages("- image: registry.example/shop/web@sha256:" + "ab".repeat(32) + "\n"), "images entry 1, image")
                .hasMessageContaining("needs a tag");
        rejects(withImages("- image: registry.example/shop/web:1\n  base: registry.example/library/debian\n"),
                "images entry 1, base").hasMessageContaining("needs a tag");
        rejects(withImages("- image: registry.example/shop/web:1\n  target: registry.example/shop/web\n"),
                "images entry 1, target").hasMessageContaining("needs a tag");
        rejects(withImages("- image: Registry.Example/Shop/Web:1\n"), "images entry 1, image")
                .hasMessageContaining("invalid image reference");
        rejects(withImages("- strategy: rebase\n"), "images entry 1, image").hasMessageContaining("required");
    }

    @Test
    void unknownStrategyAndBadSettings() throws Exception {
        rejects(withImages("- image: a/b:1\n- image: a/c:1\n  strategy: make\n"), "images entry 2, strategy")
                .hasMessageContaining("'make' is not one of").hasMessageContaining("buildah").hasMessageContaining("rebase");
        rejects(withImages("- image: a/b:1\n  strategy: buildah\n  settings: /src/web\n"), "images entry 1, settings")
                .hasMessageContaining("must be a mapping");
    }

    @Test
    void anUndefinedGroup() throws Exception {
        rejects(write(HEADER + "groups:\n  frontend: {approval: {deadline: 1h}}\nimages:\n  - image: a/b:1\n    group: backend\n"),
                "images entry 1, group").hasMessageContaining("'backend' is not defined under groups");
        rejects(withImages("- image: a/b:1\n  group: frontend\n"), "images entry 1, group")
                .hasMessageContaining("not defined");
    }

    @Test
    void aGroupAndAnImagesOwnScheduleAreNotCombined() throws Exception {
        // the image's own quiet hours would silently not apply: the group's schedule is the one used
        rejects(write(HEADER + "groups:\n  frontend: {approval: {deadline: 1h}}\nimages:\n  - image: a/b:1\n    group: frontend\n"
                + "    quietHours:\n      - {from: \"22:00\", to: \"06:00\"}\n"), "images entry 1, quietHours")
                .hasMessageContaining("group");
        rejects(write(HEADER + "groups:\n  frontend: {approval: {deadline: 1h}}\nimages:\n  - image: a/b:1\n    group: frontend\n"
                + "    approval: {deadline: 2h}\n"), "images entry 1, approval").hasMessageContaining("group");
    }

    @Test
    void badDurations() throws Exception {
        rejects(write(HEADER + "poll:\n  interval: 5 minutes\nimages: [{image: a/b:1}]\n"), "poll.interval")
                .hasMessageContaining("'5 minutes' is not a duration");
        rejects(write(HEADER + "rebuild:\n  timeout: 0\nimages: [{image: a/b:1}]\n"), "rebuild.timeout")
                .hasMessageContaining("must be more than 0");
        rejects(write(HEADER + "rebuild:\n  retryDelay: 1y\nimages: [{image: a/b:1}]\n"), "rebuild.retryDelay")
                .hasMessageContaining("not a duration");
        rejects(write(HEADER + "rollout:\n  timeout: [5m]\nimages: [{image: a/b:1}]\n"), "rollout.timeout")
                .hasMessageContaining("must be a single value");
        rejects(withImages("- image: a/b:1\n  approval: {deadline: soon}\n"), "images entry 1, approval, deadline")
                .hasMessageContaining("not a duration");
        rejects(write(HEADER + "groups:\n  g: {approval: {deadline: 3 days}}\nimages: [{image: a/b:1, group: g}]\n"),
                "groups.g.approval.deadline").hasMessageContaining("not a duration");
    }

    @Test
    void numbersOutOfRange() throws Exception {
        rejects(write(HEADER + "poll:\n  jitter: 1.5\nimages: [{image: a/b:1}]\n"), "poll.jitter")
                .hasMessageContaining("from 0 to 1");
        rejects(write(HEADER + "poll:\n  jitter: -0.1\nimages: [{image: a/b:1}]\n"), "poll.jitter");
        rejects(write(HEADER + "poll:\n  jitter: lots\nimages: [{image: a/b:1}]\n"), "poll.jitter");
        rejects(write(HEADER + "poll:\n  budgetPerRegistry: 0\nimages: [{image: a/b:1}]\n"), "poll.budgetPerRegistry");
        rejects(write(HEADER + "rollout:\n  crashLoopRestarts: 0\nimages: [{image: a/b:1}]\n"), "rollout.crashLoopRestarts");
    }

    @Test
    void aBadRebuildRule() throws Exception {
        rejects(withImages("- image: a/b:1\n- image: a/c:1\n  when: sometimes\n"), "images entry 2, when")
                .hasMessageContaining("'sometimes' is not any-change, fixes-findings or severity>=LEVEL");
        rejects(write(HEADER + "rebuild:\n  when: severity>=urgent\nimages: [{image: a/b:1}]\n"), "rebuild.when")
                .hasMessageContaining("severity>=urgent");
    }

    @Test
    void badQuietHours() throws Exception {
        String group = HEADER + "groups:\n  frontend:\n    quietHours:\n      - %s\nimages: [{image: a/b:1, group: frontend}]\n";
        rejects(write(group.formatted("{days: [mon, funday], from: \"09:00\", to: \"17:00\"}")),
                "groups.frontend.quietHours entry 1, days").hasMessageContaining("'funday' is not a day");
        rejects(write(group.formatted("{days: [mo], from: \"09:00\", to: \"17:00\"}")),
                "groups.frontend.quietHours entry 1, days").as("too short to be sure").hasMessageContaining("'mo' is not a day");
        rejects(write(group.formatted("{from: \"25:00\", to: \"17:00\"}")), "groups.frontend.quietHours entry 1, from")
                .hasMessageContaining("'25:00' is not a time of day");
        rejects(write(group.formatted("{from: \"09:00\", to: \"5pm\"}")), "groups.frontend.quietHours entry 1, to")
                .hasMessageContaining("'5pm' is not a time of day");
        rejects(write(group.formatted("{from: \"09:00\"}")), "groups.frontend.quietHours entry 1, to")
                .hasMessageContaining("required");
        rejects(write(group.formatted("{from: \"09:00\", to: \"17:00\", zone: Mars/Olympus_Mons}")),
                "groups.frontend.quietHours entry 1, zone").hasMessageContaining("not a time zone");
        rejects(withImages("- image: a/b:1\n- image: a/c:1\n  quietHours: {from: \"09:00\", to: \"17:00\"}\n"),
                "images entry 2, quietHours").hasMessageContaining("must be a list");
    }

    @Test
    void onTimeoutIsProceedOrDrop() throws Exception {
        rejects(write(HEADER + "groups:\n  g:\n    approval: {deadline: 1h, onTimeout: wait}\nimages: [{image: a/b:1, group: g}]\n"),
                "groups.g.approval.onTimeout").hasMessageContaining("must be proceed or drop");
        rejects(withImages("- image: a/b:1\n  approval: {onTimeout: escalate}\n"), "images entry 1, approval, onTimeout")
                .hasMessageContaining("must be proceed or drop");
        WatchConfig dropped = WatchConfig.read(withImages("- image: a/b:1\n  approval: {onTimeout: drop}\n"));
        assertThat(dropped.images().get(0).schedule()).isEqualTo(new Schedule(List.of(), Duration.ofHours(24), false));
    }

    @Test
    void validationIsRequired() throws Exception {
        rejects(write(HEADER.replace("  policy: policy.yaml\n", "") + "images: [{image: a/b:1}]\n"), "validation.policy")
                .hasMessageContaining("required");
        rejects(write(HEADER.replace("  key: cosign.key\n", "") + "images: [{image: a/b:1}]\n"), "validation.key")
                .hasMessageContaining("required");
        rejects(write("apiVersion: drydock.io/v1\nkind: WatchConfig\nimages: [{image: a/b:1}]\n"), "validation.policy");
        rejects(write(HEADER.replace("validation:\n", "validation: policy.yaml\n").replace("  policy: policy.yaml\n  key: cosign.key\n", "")
                + "images: [{image: a/b:1}]\n"), "validation").hasMessageContaining("must be a mapping");
    }

    @Test
    void imagesMustBeListed() throws Exception {
        rejects(write(HEADER + "images: []\n"), "images").hasMessageContaining("must list the images");
        rejects(write(HEADER), "images").hasMessageContaining("must list the images");
        rejects(write(HEADER + "images: {image: a/b:1}\n"), "images");
        rejects(write(HEADER + "images:\n  - a/b:1\n"), "images entry 1").hasMessageContaining("must be a mapping");
    }

    @Test
    void badBases() throws Exception {
        rejects(write(HEADER + "bases: registry.example/library/debian:12\nimages: [{image: a/b:1}]\n"), "bases")
                .hasMessageContaining("must be a list");
        rejects(write(HEADER + "bases: [registry.example/library/debian]\nimages: [{image: a/b:1}]\n"), "bases")
                .hasMessageContaining("needs a tag");
    }
}
