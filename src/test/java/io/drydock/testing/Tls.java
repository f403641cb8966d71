package io.drydock.testing;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** HTTPS clients for tests: verification on, trusting only the CA a test issued. */
public final class Tls {
    private Tls() {
    }

    /** An HTTP client that trusts {@code caFile} (PEM) and nothing else. */
    public static HttpClient trusting(Path caFile) throws Exception {
        return HttpClient.newBuilder().sslContext(context(caFile)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A TLS context that trusts {@code caFile} (PEM) and nothing else. */
    public static SSLContext context(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
