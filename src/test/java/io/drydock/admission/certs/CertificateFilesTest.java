package io.drydock.admission.certs;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.drydock.DrydockException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CertificateFilesTest {
    private static final ServiceIdentity IDENTITY = new ServiceIdentity("drydock-admission", "drydock");
    private static final char[] IN_MEMORY = "in-memory keystore".toCharArray();

    @TempDir
    Path dir;

    private final ServingCertificates issued = ServingCertificates.issue(IDENTITY, Duration.ofDays(30), Instant.now());

    @Test
    void writesPemFilesThatReadBackAsTheIssuedCertificatesAndKeys() throws Exception {
        CertificateFiles files = new CertificateFiles(dir);
        assertThat(files.write(issued, false)).containsExactlyInAnyOrder(
                dir.resolve("ca.crt"), dir.resolve("ca.key"), dir.resolve("tls.crt"), dir.resolve("tls.key"));
        assertThat(readCertificate(files.caCertificate())).isEqualTo(issued.caCertificate());
        assertThat(readCertificate(files.servingCertificate())).isEqualTo(issued.servingCertificate());
        assertThat(readKey(files.servingKey())).isEqualTo(issued.servingKeys().getPrivate());
        assertThat(readKey(files.caKey())).isEqualTo(issued.caKeys().getPrivate());
        assertThat(Files.readString(files.servingKey())).startsWith("-----BEGIN PRIVATE KEY-----\n");
        try (var leftovers = Files.list(dir)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).as("no temporary files left").hasSize(4);
        }
    }

    @Test
    void keysAreReadableByTheOwnerOnlyAndCertificatesByAll() throws Exception {
        CertificateFiles files = new CertificateFiles(dir);
        files.write(issued, false);
        assertThat(mode(files.caKey())).isEqualTo("rw-------");
        assertThat(mode(files.servingKey())).isEqualTo("rw-------");
        assertThat(mode(files.servingCertificate())).startsWith("rw-");
        assertThat(mode(files.caCertificate())).startsWith("rw-");
    }

    @Test
    void nothingIsWrittenWhenAnyFileExistsUnlessReplacing() throws Exception {
        CertificateFiles files = new CertificateFiles(dir);
        Files.writeString(files.servingCertificate(), "someone else's certificate");

        assertThatThrownBy(() -> files.write(issued, false)).isInstanceOf(DrydockException.class)
                .hasMessageContaining("tls.crt already exists").hasMessageContaining("--force");
        assertThat(Files.readString(files.servingCertificate())).isEqualTo("someone else's certificate");
        assertThat(files.caCertificate()).doesNotExist();
        assertThat(files.servingKey()).doesNotExist();

        files.write(issued, true);
        assertThat(readCertificate(files.servingCertificate())).isEqualTo(issued.servingCertificate());
        assertThat(mode(files.servingKey())).isEqualTo("rw-------");
    }

    @Test
    void createsAMissingDirectory() throws Exception {
        CertificateFiles files = new CertificateFiles(dir.resolve("a/b"));
        files.write(issued, false);
        assertThat(files.servingKey()).exists();
    }

    /**
     * What the API server does: dial the pod by address, present the Service's name, trust only the caBundle.
     * The client connects to 127.0.0.1 and sends SNI {@code drydock-admission.drydock.svc}; with hostname
     * verification on, the JDK checks the certificate against that SNI name.
     */
    @Test
    void anHttpsServerWithTheFilesIsTrustedForTheServiceNameByAClientTrustingOnlyTheCa() throws Exception {
        CertificateFiles files = new CertificateFiles(dir);
        files.write(issued, false);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(files)));
        server.createContext("/validate", exchange -> {
            byte[] body = "admitted".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/validate");
            X509Certificate ca = readCertificate(files.caCertificate());

            HttpResponse<String> response = get(uri, ca, "drydock-admission.drydock.svc");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("admitted");
            assertThat(get(uri, ca, "drydock-admission.drydock.svc.cluster.local").statusCode()).isEqualTo(200);

            // The same server is refused under a name it was not issued for, and by a client trusting another CA.
            assertThatThrownBy(() -> get(uri, ca, "other.drydock.svc")).hasRootCauseInstanceOf(java.security.cert.CertificateException.class);
            X509Certificate anotherCa = ServingCertificates.issue(IDENTITY, Duration.ofDays(1), Instant.now()).caCertificate();
            assertThatThrownBy(() -> get(uri, anotherCa, "drydock-admission.drydock.svc")).isInstanceOf(SSLHandshakeException.class);
        } finally {
            server.stop(0);
        }
    }

    /** A new SSLContext each time: a resumed TLS session would skip the certificate checks under test. */
    private static HttpResponse<String> get(URI uri, X509Certificate trusted, String serverName) throws Exception {
        SSLContext context = clientContext(trusted);
        SSLParameters parameters = new SSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        try (HttpClient client = HttpClient.newBuilder().sslContext(context).sslParameters(parameters)
                .connectTimeout(Duration.ofSeconds(10)).build()) {
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static SSLContext serverContext(CertificateFiles files) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("tls", readKey(files.servingKey()), IN_MEMORY, new Certificate[]{readCertificate(files.servingCertificate())});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, IN_MEMORY);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    private static SSLContext clientContext(X509Certificate trusted) throws Exception {
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("ca", trusted);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trustStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context;
    }

    static X509Certificate readCertificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static PrivateKey readKey(Path pem) throws Exception {
        String base64 = Files.readString(pem).replaceAll("-----(BEGIN|END) PRIVATE KEY-----|\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }
}
