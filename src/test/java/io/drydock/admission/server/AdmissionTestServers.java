package io.drydock.admission.server;

import io.drydock.admission.ClusterLookups;
import io.drydock.image.registry.CredentialStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Starts an {@link AdmissionServer} for code outside this package (the benchmarks), with a no-op route mounted on
 * the same Javalin and the same TLS connector: {@code POST /noop} reads the body and answers a fixed allowed
 * AdmissionReview, so the difference to {@code /validate} is the gate's own work.
 */
public final class AdmissionTestServers {
    public static final String NOOP_PATH = "/noop";
    private static final byte[] NOOP_RESPONSE = """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"noop","allowed":true}}"""
            .getBytes(StandardCharsets.UTF_8);

    private AdmissionTestServers() {
    }

    public static AdmissionServer withNoopRoute(Path serverConfig, Path lockDirectory, PrintStream decisionLog) {
        return new AdmissionServer(ServerConfig.read(serverConfig), ClusterLookups.NONE, CredentialStore::none, lockDirectory,
                Clock.systemUTC(), decisionLog, routes -> routes.post(NOOP_PATH, ctx -> {
                    ctx.bodyAsBytes();
                    ctx.contentType("application/json").result(NOOP_RESPONSE);
                })).start();
    }
}
