package io.drydock.admission.server;

import io.drydock.DrydockException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The serving certificate and key from PEM files, swapped into Jetty's SslContextFactory when the files change.
 * Modification times are polled rather than watched: a Kubernetes Secret volume is updated by swapping a symlink,
 * which a WatchService on the file's directory does not reliably report, and a poll every few seconds is cheap.
 * A pair that does not load (half-written, or a key that does not match the certificate) keeps the old one serving.
 */
public final class ReloadingTls implements AutoCloseable {
    private static final char[] STORE_PASSWORD = "in-memory".toCharArray();

    private final Path certFile;
    private final Path keyFile;
    private final SslContextFactory.Server factory = new SslContextFactory.Server();
    private final ScheduledExecutorService poller;
    private final AtomicReference<String> stamp = new AtomicReference<>();
    private final AtomicInteger reloads = new AtomicInteger();
    private final Consumer<String> log;

    public ReloadingTls(Path certFile, Path keyFile, java.time.Duration checkInterval, Consumer<String> log) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.log = log;
        stamp.set(stamp());
        factory.setKeyStore(load(certFile, keyFile));
        factory.setKeyStorePassword(new String(STORE_PASSWORD));
        // the API server speaks TLS 1.2 and 1.3; older versions only widen the attack surface
        factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        poller = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("tls-reload").unstarted(r));
        long every = Math.max(checkInterval.toMillis(), 50);
        poller.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    /** A TLS connector on {@code host:port} (every interface when host is empty) serving this certificate. */
    public org.eclipse.jetty.server.ServerConnector connector(org.eclipse.jetty.server.Server server,
            org.eclipse.jetty.server.HttpConfiguration http, String host, int port) {
        // the API server calls by the Service's DNS name, probes and tests by IP: no SNI host check
        http.addCustomizer(new org.eclipse.jetty.server.SecureRequestCustomizer(false));
        org.eclipse.jetty.server.ServerConnector sc = new org.eclipse.jetty.server.ServerConnector(server, factory,
                new org.eclipse.jetty.server.HttpConnectionFactory(http));
        sc.setHost(host == null || host.isEmpty() ? null : host);
        sc.setPort(port);
        return sc;
    }

    SslContextFactory.Server factory() {
        return factory;
    }

    /** How many times a changed pair was loaded and put in service. */
    int reloads() {
        return reloads.get();
    }

    private String stamp() {
        try {
            // size too: a rewrite within the file system's timestamp granularity changes it more often than not
            return Files.getLastModifiedTime(certFile).toMillis() + "/" + Files.size(certFile) + "|"
                    + Files.getLastModifiedTime(keyFile).toMillis() + "/" + Files.size(keyFile);
        } catch (IOException e) {
            return "unreadable: " + DrydockException.reason(e);
        }
    }

    private void check() {
        String now = stamp();
        if (now.equals(stamp.get())) {
            return;
        }
        try {
            KeyStore store = load(certFile, keyFile);
            factory.reload(f -> f.setKeyStore(store));
            stamp.set(now);
            reloads.incrementAndGet();
            log.accept("reloaded the serving certificate from " + certFile);
        } catch (Exception e) {
            // left unstamped so the next poll tries again, once the writer has finished both files
            log.accept("kept the current serving certificate: " + e.getMessage());
        }
    }

    static KeyStore load(Path certFile, Path keyFile) {
        List<Certificate> chain = new ArrayList<>();
        try (var in = Files.newInputStream(certFile)) {
            chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
        } catch (Exception e) {
            throw new DrydockException("cannot read the certificate " + certFile + ": " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new DrydockException(certFile + " holds no certificate");
        }
        PrivateKey key = readKey(keyFile);
        X509Certificate leaf = (X509Certificate) chain.get(0);
        if (!matches(key, leaf)) {
            throw new DrydockException(keyFile + " is not the key of the certificate in " + certFile);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("serving", key, STORE_PASSWORD, chain.toArray(Certificate[]::new));
            return store;
        } catch (Exception e) {
            throw new DrydockException("cannot build the key store: " + e.getMessage(), e);
        }
    }

    /** PKCS#8, SEC1 ("EC PRIVATE KEY") and PKCS#1 ("RSA PRIVATE KEY"): cert-manager and openssl write all three. */
    private static PrivateKey readKey(Path keyFile) {
        try (Reader r = Files.newBufferedReader(keyFile); PEMParser pem = new PEMParser(r)) {
            Object o = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new DrydockException(keyFile + " holds no unencrypted private key");
        } catch (IOException e) {
            throw new DrydockException("cannot read the key " + keyFile + ": " + DrydockException.reason(e), e);
        }
    }

    private static boolean matches(PrivateKey key, X509Certificate certificate) {
        try {
            String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            byte[] probe = "drydock".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(certificate.getPublicKey());
            v.update(probe);
            return v.verify(sig);
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
