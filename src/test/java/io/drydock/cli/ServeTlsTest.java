package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.admission.certs.CertificateFiles;
import io.drydock.admission.certs.ServiceIdentity;
import io.drydock.admission.certs.ServingCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over HTTPS, as it runs in a cluster: the API, the probes and the dashboard's cookie (Secure). */
class ServeTlsTest {
    @TempDir
    Path dir;

    @Test
    void theApiAndTheDashboardAreServedOverHttpsOnly() throws Exception {
        CertificateFiles certs = new CertificateFiles(dir.resolve("tls"));
        certs.write(ServingCertificates.issue(new ServiceIdentity("localhost", "drydock"), Duration.ofDays(1), Instant.now()), false);
        try (ServeFixture f = new ServeFixture(dir)) {
            f.start("leader: none\n", null, "{host: 127.0.0.1, port: 0, tls: {cert: %s, key: %s}}".formatted(certs.servingCertificate(),
                    certs.servingKey()));
            int port = f.running.server().port();
            HttpClient https = io.drydock.testing.Tls.trusting(certs.caCertificate());
            HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            HttpResponse<String> overview = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/v1/overview"))
                    .header("Authorization", "Bearer " + ServeFixture.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(overview.statusCode()).isEqualTo(200);
            assertThat(overview.body()).contains("\"images\"");
            HttpResponse<String> login = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/ui/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + ServeFixture.ADMIN_TOKEN)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("HttpOnly")
                    .contains("SameSite=Strict").contains("Secure"));
            // no certificate trusted: the client refuses, TLS verification is on
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/healthz"))
                    .build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            // plain HTTP on the TLS port gets no answer from the API: Jetty refuses it or drops the connection
            try {
                HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/v1/overview")).header("Authorization", "Bearer " + ServeFixture.ADMIN_TOKEN).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(plain.statusCode()).isNotEqualTo(200);
                assertThat(plain.body()).doesNotContain("\"images\"");
            } catch (java.io.IOException expected) {
                // the connection was closed: nothing was served in clear text
            }
        }
    }

}
