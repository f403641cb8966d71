package io.drydock.admission;

import io.drydock.sign.SigningKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** AdmissionReview bodies from src/test/resources/admission, and policy files with real public keys. */
final class Fixtures {
    private Fixtures() {
    }

    static byte[] body(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/admission/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AdmissionRequest request(String name) {
        return AdmissionRequests.parse(body(name));
    }

    /** Writes team.pub, release.pub and other.pub next to where the policy will be. */
    static void writeKeys(Path dir) throws IOException {
        for (String name : new String[] {"team.pub", "release.pub", "other.pub"}) {
            Files.writeString(dir.resolve(name), SigningKeys.publicPem(SigningKeys.generate().getPublic()));
        }
    }

    static Path writePolicy(Path dir, String yaml) throws IOException {
        writeKeys(dir);
        Path file = dir.resolve("admission-policy.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
