package io.drydock.image.registry;

import io.drydock.DrydockException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * TLS trust for registries: the JDK's default CAs plus any the user names (a private registry's
 * CA). Verification stays on; this only widens whom it trusts.
 */
final class TrustedCertificates {
    private TrustedCertificates() {
    }

    static SSLContext context(List<Path> extraCaFiles) {
        try {
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            List<X509TrustManager> managers = new ArrayList<>();
            for (TrustManager tm : defaults.getTrustManagers()) if (tm instanceof X509TrustManager x) managers.add(x);
            if (!extraCaFiles.isEmpty()) {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                int n = 0;
                for (Path file : extraCaFiles) {
                    for (Certificate c : read(file)) ks.setCertificateEntry("drydock-ca-" + (n++), c);
                }
                TrustManagerFactory extra = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                extra.init(ks);
                for (TrustManager tm : extra.getTrustManagers()) if (tm instanceof X509TrustManager x) managers.add(x);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{new AnyOf(managers)}, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new DrydockException("cannot set up TLS trust: " + DrydockException.reason(e), e);
        }
    }

    private static Collection<? extends Certificate> read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) throw new DrydockException("CA file " + file + " holds no certificate");
            return certs;
        } catch (IOException e) {
            throw new DrydockException("cannot read CA file " + file + ": " + DrydockException.reason(e));
        } catch (CertificateException e) {
            throw new DrydockException("CA file " + file + " is not a PEM or DER certificate: " + e.getMessage());
        }
    }

    /** Trusts a chain when any of the managers does. */
    private record AnyOf(List<X509TrustManager> managers) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            CertificateException last = null;
            for (X509TrustManager m : managers) {
                try {
                    m.checkServerTrusted(chain, authType);
                    return;
                } catch (CertificateException e) {
                    last = e;
                }
            }
            throw last != null ? last : new CertificateException("no trusted certificate authority");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return managers.stream().flatMap(m -> java.util.Arrays.stream(m.getAcceptedIssuers())).toArray(X509Certificate[]::new);
        }
    }
}
