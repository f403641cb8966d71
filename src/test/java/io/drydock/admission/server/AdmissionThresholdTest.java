package io.drydock.admission.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.image.Descriptor;
import io.drydock.sign.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rule that needs 2 of 2 keys: one signer is not enough, and the deny says how many signed and how many are required. */
class AdmissionThresholdTest {
    static KeyPair alice;
    static KeyPair bob;
    static GateFixture gate;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        alice = SigningKeys.generate();
        bob = SigningKeys.generate();
        Files.writeString(dir.resolve("alice.pub"), SigningKeys.publicPem(alice.getPublic()));
        Files.writeString(dir.resolve("bob.pub"), SigningKeys.publicPem(bob.getPublic()));
        gate = new GateFixture(dir, """
                apiVersion: drydock.io/v1
                kind: AdmissionPolicy
                default:
                  keys: [alice.pub, bob.pub]
                  threshold: 2
                  attestations: [vuln]
                  maxAge: 24h
                  requirePassingVerdict: true
                  mode: enforce
                """);
    }

    @AfterAll
    static void stop() {
        if (gate != null) {
            gate.close();
        }
    }

    @Test
    void oneOfTwoRequiredKeysIsDeniedWithAClearReason() throws Exception {
        Descriptor d = gate.push("app", "threshold/one:1");
        gate.signAndAttest("threshold/one", d, alice);
        String img = gate.image("threshold/one:1");

        JsonNode r = gate.validate("u-one-key", img);

        assertThat(r.get("allowed").asBoolean()).as(r.toString()).isFalse();
        assertThat(r.at("/status/code").asInt()).isEqualTo(403);
        assertThat(r.at("/status/message").asText()).as("names the image, the signer count, the signer and the threshold")
                .contains(img)
                .contains("signatures from 1 trusted key(s)")
                .contains("alice.pub")
                .contains("2 required");
    }

    @Test
    void bothKeysMeetTheThreshold() throws Exception {
        // the control: the same rule admits the image once the second key has signed and attested too
        Descriptor d = gate.push("app", "threshold/two:1");
        gate.signAndAttest("threshold/two", d, alice);
        gate.signAndAttest("threshold/two", d, bob);

        JsonNode r = gate.validate("u-two-keys", gate.image("threshold/two:1"));

        assertThat(r.get("allowed").asBoolean()).as(r.toString()).isTrue();
    }

    @Test
    void theSameKeySigningTwiceDoesNotCountTwice() throws Exception {
        Descriptor d = gate.push("base", "threshold/twice:1");
        gate.signAndAttest("threshold/twice", d, alice);
        gate.signAndAttest("threshold/twice", d, alice);

        JsonNode r = gate.validate("u-twice", gate.image("threshold/twice:1"));

        assertThat(r.get("allowed").asBoolean()).as(r.toString()).isFalse();
        assertThat(r.at("/status/message").asText()).contains("signatures from 1 trusted key(s)").contains("2 required");
    }
}
