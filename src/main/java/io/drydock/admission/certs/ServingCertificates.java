package io.drydock.admission.certs;

import io.drydock.DrydockException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

/**
 * A private CA and the webhook's serving certificate signed by it, for clusters without cert-manager.
 * The CA certificate becomes the webhook configurations' {@code caBundle}; the serving pair becomes the
 * Secret the pods mount. Both keys are ECDSA P-256: small handshakes and fast signatures keep admission
 * latency down, and every TLS stack the API server uses accepts it.
 */
public record ServingCertificates(X509Certificate caCertificate, KeyPair caKeys,
                                  X509Certificate servingCertificate, KeyPair servingKeys) {
    /** Pods and the API server rarely agree to the second; a certificate "not yet valid" would fail closed for nothing. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    public ServingCertificates {
        Objects.requireNonNull(caCertificate, "caCertificate");
        Objects.requireNonNull(caKeys, "caKeys");
        Objects.requireNonNull(servingCertificate, "servingCertificate");
        Objects.requireNonNull(servingKeys, "servingKeys");
    }

    public static ServingCertificates issue(ServiceIdentity identity, Duration validity, Instant now) {
        if (validity.isNegative() || validity.isZero()) throw new DrydockException("the validity must be positive, not " + validity);
        Instant notBefore = now.minus(CLOCK_SKEW);
        Instant notAfter = now.plus(validity);
        try {
            KeyPair caKeys = newKeyPair();
            KeyPair servingKeys = newKeyPair();
            // The namespace and service in the CA's name tell apart the CAs of several installations in one trust store.
            X500Name caName = name("drydock admission CA " + identity.service() + "." + identity.namespace());
            X509Certificate ca = caCertificate(caName, caKeys, notBefore, notAfter);
            X509Certificate serving = servingCertificate(identity, servingKeys.getPublic(), ca, caKeys, notBefore, notAfter);
            return new ServingCertificates(ca, caKeys, serving, servingKeys);
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new DrydockException("cannot issue the admission webhook certificates: " + e.getMessage(), e);
        }
    }

    private static X509Certificate caCertificate(X500Name caName, KeyPair caKeys, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caName, serialNumber(),
                Date.from(notBefore), Date.from(notAfter), caName, caKeys.getPublic())
                // Path length 0: this CA may sign the serving certificate and nothing that signs further.
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
        return sign(builder, caKeys);
    }

    private static X509Certificate servingCertificate(ServiceIdentity identity, PublicKey servingKey, X509Certificate ca,
                                                      KeyPair caKeys, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        GeneralName[] sans = identity.dnsNames().stream().map(dns -> new GeneralName(GeneralName.dNSName, dns)).toArray(GeneralName[]::new);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serialNumber(),
                Date.from(notBefore), Date.from(notAfter), name(identity.serviceHost()), servingKey)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                // ECDHE key agreement with ECDSA only ever needs the key to sign the handshake.
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                // Go's TLS (the API server's) ignores the common name: only the SANs count.
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans))
                .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(servingKey))
                .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca));
        return sign(builder, caKeys);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws OperatorCreationException, CertificateException {
        // The JDK's own provider signs and parses: registering BouncyCastle globally would change other code's choices.
        ContentSigner contentSigner = new JcaContentSignerBuilder(SIGNATURE).build(signer.getPrivate());
        X509CertificateHolder holder = builder.build(contentSigner);
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    /** 159 random bits: unpredictable and positive, as RFC 5280 asks, and never reused between runs. */
    private static BigInteger serialNumber() {
        return new BigInteger(159, RANDOM).setBit(0);
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "drydock").addRDN(BCStyle.CN, commonName).build();
    }
}
