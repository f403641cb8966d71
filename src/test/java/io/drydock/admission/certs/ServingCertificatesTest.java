package io.drydock.admission.certs;

import io.drydock.DrydockException;
import org.junit.jupiter.api.Test;

import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServingCertificatesTest {
    private static final ServiceIdentity IDENTITY = new ServiceIdentity("drydock-admission", "drydock");
    private static final Instant NOW = Instant.parse("2026-11-26T00:00:00Z");
    /** Index of keyCertSign in {@link X509Certificate#getKeyUsage()}. */
    private static final int KEY_CERT_SIGN = 5;
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int DNS_NAME = 2;

    private final ServingCertificates issued = ServingCertificates.issue(IDENTITY, Duration.ofDays(30), NOW);

    @Test
    void servingCertificateChainsToTheCaUnderPkixValidation() throws Exception {
        validate(issued.servingCertificate(), issued.caCertificate(), NOW.plus(Duration.ofDays(1)));
    }

    @Test
    void chainIsRejectedByAnotherInstallationsCa() {
        ServingCertificates other = ServingCertificates.issue(IDENTITY, Duration.ofDays(30), NOW);
        assertThatThrownBy(() -> validate(issued.servingCertificate(), other.caCertificate(), NOW.plus(Duration.ofDays(1))))
                .isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void chainIsRejectedOnceExpired() {
        assertThatThrownBy(() -> validate(issued.servingCertificate(), issued.caCertificate(), NOW.plus(Duration.ofDays(31))))
                .isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void caIsASelfSignedCertificateAuthorityThatMaySignCertificates() throws Exception {
        X509Certificate ca = issued.caCertificate();
        assertThat(ca.getSubjectX500Principal()).isEqualTo(ca.getIssuerX500Principal());
        ca.verify(ca.getPublicKey());
        assertThat(ca.getBasicConstraints()).as("CA:true with path length 0").isZero();
        assertThat(ca.getKeyUsage()[KEY_CERT_SIGN]).isTrue();
        assertThat(ca.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
    }

    @Test
    void servingCertificateNamesEveryDnsNameOfTheServiceAndNothingElse() throws Exception {
        X509Certificate serving = issued.servingCertificate();
        List<String> sans = serving.getSubjectAlternativeNames().stream()
                .peek(san -> assertThat(san.get(0)).isEqualTo(DNS_NAME))
                .map(san -> (String) san.get(1)).toList();
        assertThat(sans).containsExactly("drydock-admission", "drydock-admission.drydock", "drydock-admission.drydock.svc",
                "drydock-admission.drydock.svc.cluster.local");
        assertThat(serving.getSubjectX500Principal().getName()).contains("CN=drydock-admission.drydock.svc");
    }

    @Test
    void servingCertificateIsAnEndEntityForServerAuthentication() throws Exception {
        X509Certificate serving = issued.servingCertificate();
        assertThat(serving.getBasicConstraints()).as("CA:false").isEqualTo(-1);
        assertThat(serving.getKeyUsage()[DIGITAL_SIGNATURE]).isTrue();
        assertThat(serving.getKeyUsage()[KEY_CERT_SIGN]).isFalse();
        assertThat(serving.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    }

    @Test
    void bothKeysAreEcdsaP256AndMatchTheirCertificates() {
        for (var pair : List.of(issued.caKeys(), issued.servingKeys())) {
            assertThat(pair.getPublic()).isInstanceOf(ECPublicKey.class);
            assertThat(((ECPublicKey) pair.getPublic()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
            assertThat(pair.getPrivate().getAlgorithm()).isEqualTo("EC");
        }
        assertThat(issued.caCertificate().getPublicKey()).isEqualTo(issued.caKeys().getPublic());
        assertThat(issued.servingCertificate().getPublicKey()).isEqualTo(issued.servingKeys().getPublic());
        assertThat(issued.servingCertificate().getSigAlgName()).isEqualTo("SHA256withECDSA");
    }

    @Test
    void validityStartsSlightlyInThePastAndLastsTheRequestedTime() {
        for (X509Certificate certificate : List.of(issued.caCertificate(), issued.servingCertificate())) {
            assertThat(certificate.getNotBefore().toInstant()).isEqualTo(NOW.minus(ServingCertificates.CLOCK_SKEW));
            assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(30)));
        }
    }

    @Test
    void eachIssueHasFreshKeysAndSerialNumbers() {
        ServingCertificates again = ServingCertificates.issue(IDENTITY, Duration.ofDays(30), NOW);
        assertThat(again.servingKeys().getPublic()).isNotEqualTo(issued.servingKeys().getPublic());
        assertThat(again.servingCertificate().getSerialNumber()).isNotEqualTo(issued.servingCertificate().getSerialNumber());
        assertThat(issued.servingCertificate().getSerialNumber().signum()).isPositive();
    }

    @Test
    void namesThatCannotBeAServiceOrNamespaceAreRefused() {
        assertThatThrownBy(() -> new ServiceIdentity("Drydock", "drydock")).isInstanceOf(DrydockException.class).hasMessageContaining("--service");
        assertThatThrownBy(() -> new ServiceIdentity("1drydock", "drydock")).isInstanceOf(DrydockException.class);
        assertThatThrownBy(() -> new ServiceIdentity("drydock", "dry.dock")).isInstanceOf(DrydockException.class).hasMessageContaining("--namespace");
        assertThatThrownBy(() -> new ServiceIdentity("drydock", "x".repeat(64))).isInstanceOf(DrydockException.class);
        assertThatThrownBy(() -> ServingCertificates.issue(IDENTITY, Duration.ZERO, NOW)).isInstanceOf(DrydockException.class);
    }

    private static void validate(X509Certificate serving, X509Certificate trusted, Instant at) throws Exception {
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(serving));
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(trusted, null)));
        parameters.setRevocationEnabled(false); // a private CA publishes no revocation lists
        parameters.setDate(Date.from(at));
        CertPathValidator.getInstance("PKIX").validate(path, parameters);
    }
}
