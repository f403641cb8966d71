package io.drydock.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PushNotificationsTest {
    private static final String SOURCE = "10.0.0.5 (POST /api/notifications/distribution)";
    private static final String PREFIX = "notification from " + SOURCE + ": ";
    private static final String DIST_TYPE = "application/vnd.docker.distribution.events.v1+json";
    private static final String JSON = "application/json";

    private static byte[] sample(String name) {
        try (InputStream in = PushNotificationsTest.class.getResourceAsStream("/notifications/" + name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String sampleText(String name) {
        return new String(sample(name), StandardCharsets.UTF_8);
    }

    private static List<PushEvent> parse(String body, String contentType) {
        return PushNotifications.parse(body.getBytes(StandardCharsets.UTF_8), contentType, SOURCE);
    }

    private static DrydockException failure(byte[] body, String contentType) {
        return assertThrowsDrydock(() -> PushNotifications.parse(body, contentType, SOURCE));
    }

    private static DrydockException failure(String body) {
        return failure(body.getBytes(StandardCharsets.UTF_8), JSON);
    }

    // --- Distribution ---

    @Test
    void realDistributionCaptureGivesTheManifestPush() {
        List<PushEvent> events = PushNotifications.parse(sample("distribution-push.json"), DIST_TYPE, SOURCE);

        assertThat(events).containsExactly(new PushEvent("127.0.0.1:5000", "test/app", "1",
                "sha256:feea21fa524722a61d6aafcb7e628ec0ebbbad1213908ab3ffe7d375b36d15a4",
                "application/vnd.oci.image.manifest.v1+json", "distribution"));
        assertThat(events.get(0).reference()).isEqualTo("127.0.0.1:5000/test/app:1");
    }

    @Test
    void distributionIsRecognisedByShapeWhenSentAsPlainJson() {
        assertThat(PushNotifications.parse(sample("distribution-push.json"), "application/json; charset=utf-8", SOURCE))
                .extracting(PushEvent::format).containsExactly("distribution");
        assertThat(PushNotifications.parse(sample("distribution-push.json"), null, SOURCE)).hasSize(1);
    }

    @Test
    void distributionKeepsManifestAndIndexPushesOnlyAndDropsRepeats() {
        List<PushEvent> events = PushNotifications.parse(sample("distribution-mixed.json"),
                DIST_TYPE + "; charset=utf-8", SOURCE);

        // layer and config blob pushes, the pull, the delete and the mount leave nothing; the repeated manifest push counts once
        assertThat(events).containsExactly(
                new PushEvent("registry.internal:5000", "team/app", "2.4.0",
                        "sha256:1c3e5a7b9d0f2e4c6a8b0d2f4e6c8a0b2d4f6e8c0a2b4d6f8e0c2a4b6d8f0e2c",
                        "application/vnd.docker.distribution.manifest.v2+json", "distribution"),
                new PushEvent("mirror.internal", "base/runtime", null,
                        "sha256:7f6e5d4c3b2a19081726354453627180a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4",
                        "application/vnd.oci.image.index.v1+json", "distribution"));
        // no request record: the registry is taken from the target URL, and a digest push is referenced by digest
        assertThat(events.get(1).reference())
                .isEqualTo("mirror.internal/base/runtime@sha256:7f6e5d4c3b2a19081726354453627180a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.oci.image.config.v1+json",
            "application/vnd.docker.image.rootfs.diff.tar.gzip", "application/vnd.docker.container.image.v1+json",
            "application/octet-stream"})
    void distributionBlobPushesAreIgnored(String mediaType) {
        String body = sampleText("distribution-push.json")
                .replace("\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\"", "\"mediaType\": \"" + mediaType + "\"");
        assertThat(body).contains(mediaType);

        assertThat(parse(body, DIST_TYPE)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pull", "delete", "mount"})
    void distributionNonPushActionsAreIgnored(String action) {
        String body = sampleText("distribution-push.json").replace("\"action\": \"push\"", "\"action\": \"" + action + "\"");

        assertThat(parse(body, DIST_TYPE)).isEmpty();
    }

    @Test
    void distributionPushWithoutMediaTypeCountsWhenTheUrlNamesAManifest() {
        String manifest = """
                {"events":[{"action":"push","target":{"repository":"team/app","tag":"x",
                  "digest":"sha256:1c3e5a7b9d0f2e4c6a8b0d2f4e6c8a0b2d4f6e8c0a2b4d6f8e0c2a4b6d8f0e2c",
                  "url":"http://reg.local/v2/team/app/manifests/x"}}]}""";
        String blob = manifest.replace("/manifests/x", "/blobs/sha256:1c3e5a7b9d0f2e4c6a8b0d2f4e6c8a0b2d4f6e8c0a2b4d6f8e0c2a4b6d8f0e2c");

        assertThat(parse(manifest, DIST_TYPE)).containsExactly(new PushEvent("reg.local", "team/app", "x",
                "sha256:1c3e5a7b9d0f2e4c6a8b0d2f4e6c8a0b2d4f6e8c0a2b4d6f8e0c2a4b6d8f0e2c", null, "distribution"));
        assertThat(parse(blob, DIST_TYPE)).isEmpty();
    }

    @Test
    void emptyEventsEnvelopeGivesNoEvents() {
        assertThat(parse("{\"events\":[]}", DIST_TYPE)).isEmpty();
    }

    @Test
    void pushWithoutRepositoryNamesTheEvent() {
        String body = """
                {"events":[
                  {"action":"pull","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","repository":"a/b","tag":"1"}},
                  {"action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","tag":"1",
                   "digest":"sha256:feea21fa524722a61d6aafcb7e628ec0ebbbad1213908ab3ffe7d375b36d15a4"}}]}""";

        assertThatThrownBy(() -> parse(body, DIST_TYPE)).isInstanceOf(DrydockException.class)
                .hasMessage(PREFIX + "event 2 (push) has no target.repository");
    }

    @Test
    void pushWithAnUnsafeRepositoryNameIsRefused() {
        String body = sampleText("distribution-push.json").replace("\"repository\": \"test/app\"", "\"repository\": \"../../admin\"");

        assertThat(failure(body.getBytes(StandardCharsets.UTF_8), DIST_TYPE))
                .hasMessage(PREFIX + "event 1 (push): target.repository '../../admin' is not a valid repository name");
    }

    @Test
    void pushWithANonStringFieldIsRefusedRatherThanSkipped() {
        String body = sampleText("distribution-push.json").replace("\"tag\": \"1\"", "\"tag\": 1");

        assertThat(failure(body.getBytes(StandardCharsets.UTF_8), DIST_TYPE))
                .hasMessage(PREFIX + "event 1 (push): target.tag is a number, not a string");
    }

    @Test
    void distributionContentTypeWithAnotherShapeIsRefused() {
        assertThat(failure(sample("harbor-push.json"), DIST_TYPE)).hasMessageStartingWith(PREFIX)
                .hasMessageContaining("Content-Type is " + DIST_TYPE);
    }

    // --- Harbor ---

    @Test
    void harborPushGivesOneEventPerResource() {
        List<PushEvent> events = PushNotifications.parse(sample("harbor-push.json"), JSON, SOURCE);

        String digest = "sha256:5b0f3c1d2e4a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
        assertThat(events).containsExactly(
                new PushEvent("harbor.example.com", "payments/api", "1.4.2", digest, null, "harbor"),
                new PushEvent("harbor.example.com", "payments/api", "stable", digest, null, "harbor"));
        assertThat(events).extracting(PushEvent::reference)
                .containsExactly("harbor.example.com/payments/api:1.4.2", "harbor.example.com/payments/api:stable");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PULL_ARTIFACT", "DELETE_ARTIFACT", "SCANNING_COMPLETED", "SCANNING_FAILED", "QUOTA_EXCEED"})
    void harborEventsOtherThanPushAreIgnored(String type) {
        String body = sampleText("harbor-push.json").replace("\"PUSH_ARTIFACT\"", "\"" + type + "\"");

        assertThat(parse(body, JSON)).isEmpty();
    }

    @Test
    void harborPullSampleIsIgnored() {
        assertThat(PushNotifications.parse(sample("harbor-pull.json"), JSON, SOURCE)).isEmpty();
    }

    @Test
    void harborRepositoryFallsBackToTheResourceUrl() {
        String body = """
                {"type":"PUSH_ARTIFACT","occur_at":1,"operator":"admin","event_data":{"resources":[
                  {"digest":"sha256:5b0f3c1d2e4a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
                   "resource_url":"harbor.example.com:8443/payments/api@sha256:5b0f3c1d2e4a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"}]}}""";

        assertThat(parse(body, JSON)).containsExactly(new PushEvent("harbor.example.com:8443", "payments/api", null,
                "sha256:5b0f3c1d2e4a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0", null, "harbor"));
    }

    @Test
    void harborPushWithoutResourcesIsRefused() {
        assertThat(failure("{\"type\":\"PUSH_ARTIFACT\",\"event_data\":{\"repository\":{\"repo_full_name\":\"a/b\"}}}"))
                .hasMessage(PREFIX + "Harbor PUSH_ARTIFACT has no event_data.resources");
    }

    // --- ACR ---

    @Test
    void acrPushGivesTheImage() {
        List<PushEvent> events = PushNotifications.parse(sample("acr-push.json"), JSON, SOURCE);

        assertThat(events).containsExactly(new PushEvent("contosoacr.azurecr.io", "shop/frontend", "v3.0.1",
                "sha256:c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00",
                "application/vnd.docker.distribution.manifest.v2+json", "acr"));
        assertThat(events.get(0).reference()).isEqualTo("contosoacr.azurecr.io/shop/frontend:v3.0.1");
    }

    @Test
    void acrChartPushAndDeleteAreIgnored() {
        assertThat(PushNotifications.parse(sample("acr-chart-push.json"), JSON, SOURCE)).isEmpty();
        assertThat(parse(sampleText("acr-push.json").replace("\"action\": \"push\"", "\"action\": \"delete\""), JSON)).isEmpty();
    }

    @Test
    void acrPushWithoutRepositoryIsRefused() {
        assertThat(failure("{\"action\":\"push\",\"target\":{\"tag\":\"1\"},\"request\":{\"host\":\"x.azurecr.io\"}}"))
                .hasMessage(PREFIX + "ACR push has no target.repository");
    }

    // --- Docker Hub ---

    @Test
    void dockerHubPushGivesTheTagWithoutDigest() {
        List<PushEvent> events = PushNotifications.parse(sample("dockerhub-push.json"), JSON, SOURCE);

        assertThat(events).containsExactly(new PushEvent("docker.io", "acme/worker", "2026.03.02", null, null, "dockerhub"));
        assertThat(events.get(0).reference()).isEqualTo("docker.io/acme/worker:2026.03.02");
    }

    @Test
    void dockerHubShortNameIsAnOfficialLibraryRepository() {
        String body = sampleText("dockerhub-push.json").replace("\"repo_name\": \"acme/worker\"", "\"repo_name\": \"debian\"");

        assertThat(parse(body, JSON)).extracting(PushEvent::repository).containsExactly("library/debian");
    }

    @Test
    void dockerHubPushWithoutTagIsRefused() {
        assertThat(failure("{\"push_data\":{\"pusher\":\"x\"},\"repository\":{\"repo_name\":\"acme/worker\"}}"))
                .hasMessage(PREFIX + "Docker Hub push has no push_data.tag");
    }

    // --- bad input ---

    @Test
    void notJsonIsReportedWithTheParserMessage() {
        assertThat(failure("<html>hello</html>")).hasMessageStartingWith(PREFIX + "not JSON: Unexpected character ('<'")
                .hasMessageEndingWith("(line 1, column 1)");
    }

    @Test
    void trailingContentAfterTheDocumentIsNotJson() {
        assertThat(failure("{\"events\":[]} {\"events\":[]}")).hasMessageStartingWith(PREFIX + "not JSON: ");
    }

    @Test
    void emptyBodiesAreRefused() {
        assertThat(failure(new byte[0], DIST_TYPE)).hasMessage(PREFIX + "empty body");
        assertThat(failure(null, DIST_TYPE)).hasMessage(PREFIX + "empty body");
        assertThat(failure(" \n\t ".getBytes(StandardCharsets.UTF_8), DIST_TYPE)).hasMessage(PREFIX + "empty body (only whitespace)");
    }

    @Test
    void bodiesOverOneMebibyteAreRefusedBeforeParsing() {
        byte[] atLimit = padded("{\"events\":[]}", PushNotifications.MAX_BODY_BYTES);
        byte[] overLimit = padded("{\"events\":[]}", PushNotifications.MAX_BODY_BYTES + 1);

        assertThat(PushNotifications.parse(atLimit, DIST_TYPE, SOURCE)).isEmpty();
        assertThat(failure(overLimit, DIST_TYPE))
                .hasMessage(PREFIX + "body is 1048577 bytes, over the 1 MiB limit for a notification");
    }

    private static byte[] padded(String json, int size) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) ' ');
        byte[] start = json.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(start, 0, body, 0, start.length);
        return body;
    }

    @Test
    void unknownShapeIsRefused() {
        assertThat(failure("{\"hello\":\"world\"}")).hasMessage(PREFIX + "not a registry notification Drydock knows "
                + "(expected Distribution's events envelope, Harbor's, ACR's or Docker Hub's webhook)");
    }

    @Test
    void topLevelArrayIsRefused() {
        // Event Grid delivers ACR events as an array; that is a different integration and must not pass as a webhook
        assertThat(failure("[{\"events\":[]}]")).hasMessageStartingWith(PREFIX + "not a registry notification Drydock knows")
                .hasMessageEndingWith("; got a JSON array where an object belongs");
        assertThat(failure("null")).hasMessageEndingWith("; got a JSON null where an object belongs");
    }

    @Test
    void duplicateKeysAreRefusedAsAmbiguous() {
        assertThat(failure("{\"action\":\"pull\",\"action\":\"push\",\"target\":{}}"))
                .hasMessageStartingWith(PREFIX + "ambiguous JSON: Duplicate field 'action'");
    }

    @Test
    void aBodyFittingTwoShapesIsRefused() {
        assertThat(failure("{\"events\":[],\"push_data\":{\"tag\":\"1\"},\"repository\":{\"repo_name\":\"a/b\"}}"))
                .hasMessage(PREFIX + "ambiguous notification: its keys fit more than one webhook shape [distribution, dockerhub]");
    }

    @Test
    void messagesStayOnOneLineWhateverTheSenderSends() {
        String body = sampleText("distribution-push.json").replace("\"repository\": \"test/app\"", "\"repository\": \"a\\nb\"");

        DrydockException e = failure(body.getBytes(StandardCharsets.UTF_8), DIST_TYPE);
        assertThat(e).hasMessage(PREFIX + "event 1 (push): target.repository 'a?b' is not a valid repository name");
        DrydockException unnamed = assertThrowsDrydock(() -> PushNotifications.parse(new byte[0], null, "evil\r\nsender"));
        assertThat(unnamed).hasMessage("notification from evil??sender: empty body");
    }

    private static DrydockException assertThrowsDrydock(Runnable r) {
        try {
            r.run();
        } catch (DrydockException e) {
            return e;
        }
        throw new AssertionError("expected a DrydockException");
    }

    // --- PushEvent ---

    @Test
    void referenceWithoutARegistryIsTheRepositoryAlone() {
        assertThat(new PushEvent(null, "team/app", "1", null, null, "acr").reference()).isEqualTo("team/app:1");
        assertThat(new PushEvent("r.io", "team/app", "1", "sha256:ab", null, "acr").reference()).isEqualTo("r.io/team/app:1");
    }

    @Test
    void pushEventNeedsATagOrDigestAndAKnownFormat() {
        assertThatThrownBy(() -> new PushEvent("r.io", "team/app", null, null, null, "acr"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PushEvent("r.io", "team/app", "1", null, null, "quay"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
