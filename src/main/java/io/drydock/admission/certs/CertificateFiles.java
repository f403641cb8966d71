package io.drydock.admission.certs;

import io.drydock.DrydockException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Key;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The PEM files of {@link ServingCertificates} in one directory. The serving pair is named as in a
 * {@code kubernetes.io/tls} Secret ({@code tls.crt}, {@code tls.key}) so the directory becomes one with
 * {@code kubectl create secret tls --cert tls.crt --key tls.key}.
 */
public record CertificateFiles(Path directory) {
    public static final String CA_CERTIFICATE = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String SERVING_CERTIFICATE = "tls.crt";
    public static final String SERVING_KEY = "tls.key";

    private static final Set<PosixFilePermission> KEY_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> CERTIFICATE_MODE = PosixFilePermissions.fromString("rw-r--r--");

    public Path caCertificate() {
        return directory.resolve(CA_CERTIFICATE);
    }

    public Path caKey() {
        return directory.resolve(CA_KEY);
    }

    public Path servingCertificate() {
        return directory.resolve(SERVING_CERTIFICATE);
    }

    public Path servingKey() {
        return directory.resolve(SERVING_KEY);
    }

    public List<Path> all() {
        return List.of(caCertificate(), caKey(), servingCertificate(), servingKey());
    }

    /**
     * Writes every file, or none when one exists and {@code replace} is false: a CA and a serving
     * certificate from different runs would not chain, so a half-written set is worse than none.
     * Each file is written beside its target and renamed into place, so a reader (the server
     * reloading its certificate) never sees a half-written file.
     */
    public List<Path> write(ServingCertificates certificates, boolean replace) {
        if (!replace) requireAbsent();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new DrydockException("cannot create the directory " + directory + ": " + DrydockException.reason(e), e);
        }
        List<Path> written = new ArrayList<>();
        // Keys first: a certificate without its key is useless, and the reverse order would leave one briefly.
        written.add(place(caKey(), privateKeyPem(certificates.caKeys().getPrivate()), KEY_MODE, replace));
        written.add(place(servingKey(), privateKeyPem(certificates.servingKeys().getPrivate()), KEY_MODE, replace));
        written.add(place(caCertificate(), certificatePem(certificates.caCertificate()), CERTIFICATE_MODE, replace));
        written.add(place(servingCertificate(), certificatePem(certificates.servingCertificate()), CERTIFICATE_MODE, replace));
        return List.copyOf(written);
    }

    private void requireAbsent() {
        List<String> existing = all().stream().filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS)).map(Path::toString).toList();
        if (!existing.isEmpty()) {
            throw new DrydockException(String.join(", ", existing) + (existing.size() == 1 ? " already exists" : " already exist")
                    + "; refusing to overwrite (use --force to replace them, or choose another --out)");
        }
    }

    private static Path place(Path target, String pem, Set<PosixFilePermission> mode, boolean replace) {
        Path temporary = null;
        try {
            Path parent = target.toAbsolutePath().getParent();
            temporary = Files.createTempFile(parent, "." + target.getFileName(), ".tmp", permissions(parent, mode));
            Files.writeString(temporary, pem, StandardCharsets.US_ASCII);
            move(temporary, target, replace);
            return target;
        } catch (FileAlreadyExistsException e) {
            // Another process created it after the check: still never overwrite.
            throw new DrydockException(target + " already exists; refusing to overwrite it (use --force to replace it)", e);
        } catch (IOException e) {
            throw new DrydockException("cannot write " + target + ": " + DrydockException.reason(e), e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // a leftover dot-file holds nothing the target does not; the error above, if any, matters more
                }
            }
        }
    }

    private static void move(Path temporary, Path target, boolean replace) throws IOException {
        if (!replace) {
            // A plain rename would replace a file created meanwhile; without REPLACE_EXISTING the JDK refuses instead.
            Files.move(temporary, target);
            return;
        }
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Set at creation, so there is never a moment a key is readable by others; a non-POSIX file system keeps its own rules. */
    private static FileAttribute<?>[] permissions(Path directory, Set<PosixFilePermission> mode) throws IOException {
        boolean posix = Files.getFileStore(directory).supportsFileAttributeView(PosixFileAttributeView.class);
        return posix ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(mode)} : new FileAttribute<?>[0];
    }

    /** PKCS#8, the one private key PEM that Java, Go and openssl all read without conversion. */
    static String privateKeyPem(Key key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    static String certificatePem(X509Certificate certificate) {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new DrydockException("cannot encode the certificate " + certificate.getSubjectX500Principal() + ": " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
