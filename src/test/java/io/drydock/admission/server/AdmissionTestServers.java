package io.drydock.admission.server;

import io.drydock.admission.ClusterLookups;
import io.drydock.image.registry.CredentialStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Pod reviews for the gate's tests wherever they are, and an {@link AdmissionServer} for code outside this package
 * (the benchmarks), with a no-op route mounted on
 * the same Javalin and the same TLS connector: {@code POST /noop} reads the body and answers a fixed allowed
 * AdmissionReview, so the difference to {@code /validate} is the gate's own work.
 */
public final class AdmissionTestServers {
    public static final String NOOP_PATH = "/noop";
    private static final byte[] NOOP_RESPONSE = """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"noop","allowed":true}}"""
            .getBytes(StandardCharsets.UTF_8);

    private static final ObjectMapper JSON = new ObjectMapper();

    private AdmissionTestServers() {
    }

    /** The Pod review of {@code /admission/pod.json} with this uid and namespace and one container per image. */
    public static byte[] podReview(String uid, String namespace, String... images) throws IOException {
        ObjectNode review;
        try (InputStream in = AdmissionTestServers.class.getResourceAsStream("/admission/pod.json")) {
            review = (ObjectNode) JSON.readTree(in);
        }
        ObjectNode request = (ObjectNode) review.get("request");
        request.put("uid", uid);
        request.put("namespace", namespace);
        ObjectNode spec = (ObjectNode) request.at("/object/spec");
        spec.putArray("initContainers");
        var containers = spec.putArray("containers");
        for (int i = 0; i < images.length; i++) {
            containers.addObject().put("name", "c" + i).put("image", images[i]);
        }
        return JSON.writeValueAsBytes(review);
    }

    public static AdmissionServer withNoopRoute(Path serverConfig, Path lockDirectory, PrintStream decisionLog) {
        return new AdmissionServer(ServerConfig.read(serverConfig), ClusterLookups.NONE, CredentialStore::none, lockDirectory,
                Clock.systemUTC(), decisionLog, routes -> routes.post(NOOP_PATH, ctx -> {
                    ctx.bodyAsBytes();
                    ctx.contentType("application/json").result(NOOP_RESPONSE);
                })).start();
    }
}
