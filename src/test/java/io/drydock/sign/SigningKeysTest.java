package io.drydock.sign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.testing.HostTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SigningKeysTest {
    private static final String WHERE = "keys/test.key";
    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
    private static final byte[] PAYLOAD = "{\"critical\":{\"type\":\"cosign container image signature\"}}".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();

    static KeyPair pair;
    static String encrypted;

    @BeforeAll
    static void encryptOnce() {
        // scrypt at cosign's cost takes a noticeable moment, so the common key is made once.
        pair = SigningKeys.generate();
        encrypted = SigningKeys.encryptPrivate(pair.getPrivate(), PASSPHRASE.clone());
    }

    @Test
    void generatesP256AndRoundTripsThroughCosignFormat() throws Exception {
        assertThat(pair.getPrivate()).isInstanceOf(ECPrivateKey.class);
        assertThat(((ECPrivateKey) pair.getPrivate()).getParams().getOrder().bitLength()).isEqualTo(256);

        PrivateKey opened = SigningKeys.decryptPrivate(encrypted, PASSPHRASE.clone(), WHERE);
        assertThat(opened.getEncoded()).isEqualTo(pair.getPrivate().getEncoded());

        byte[] signature = sign(opened, PAYLOAD);
        assertThat(verify(pair.getPublic(), PAYLOAD, signature)).isTrue();
        assertThat(verify(pair.getPublic(), "other".getBytes(StandardCharsets.UTF_8), signature)).isFalse();

        // The public key derived from the private one is the generated one, through its PEM.
        PublicKey derived = SigningKeys.publicKeyOf(opened);
        assertThat(derived.getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        assertThat(SigningKeys.readPublic(SigningKeys.publicPem(derived), "cosign.pub").getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        assertThat(SigningKeys.signatureAlgorithm(derived)).isEqualTo("SHA256withECDSA");
    }

    @Test
    void writesTheFormatCosignWrites() throws Exception {
        assertThat(encrypted).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n")
                .endsWith("\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
        assertThat(encrypted.lines().filter(l -> !l.startsWith("-----"))).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(64));
        ObjectNode json = body(encrypted);
        assertThat(json.fieldNames()).toIterable().containsExactly("kdf", "cipher", "ciphertext");
        assertThat(json.path("kdf").path("name").asText()).isEqualTo("scrypt");
        assertThat(json.path("kdf").path("params").toString()).isEqualTo("{\"N\":65536,\"r\":8,\"p\":1}");
        assertThat(Base64.getDecoder().decode(json.path("kdf").path("salt").asText())).hasSize(32);
        assertThat(json.path("cipher").path("name").asText()).isEqualTo("nacl/secretbox");
        assertThat(Base64.getDecoder().decode(json.path("cipher").path("nonce").asText())).hasSize(24);
        // Poly1305 tag (16 bytes) + the PKCS#8 DER.
        assertThat(Base64.getDecoder().decode(json.path("ciphertext").asText())).hasSize(16 + pair.getPrivate().getEncoded().length);
        assertThat(SigningKeys.scryptParamsOf(encrypted, WHERE)).isEqualTo(new SigningKeys.ScryptParams(65536, 8, 1));
    }

    @Test
    void readsTheLegacyCosignLabel() {
        String legacy = encrypted.replace("ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY");
        assertThat(SigningKeys.decryptPrivate(legacy, PASSPHRASE.clone(), WHERE).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    }

    @Test
    void emptyAndNonAsciiPassphrases() {
        KeyPair other = SigningKeys.generate();
        String none = SigningKeys.encryptPrivate(other.getPrivate(), new char[0]);
        assertThat(SigningKeys.decryptPrivate(none, new char[0], WHERE).getEncoded()).isEqualTo(other.getPrivate().getEncoded());
        assertThatThrownBy(() -> SigningKeys.decryptPrivate(none, "x".toCharArray(), WHERE)).hasMessageContaining("wrong passphrase");

        String unicode = SigningKeys.encryptPrivate(other.getPrivate(), "pässwörd 🔑".toCharArray());
        assertThat(SigningKeys.decryptPrivate(unicode, "pässwörd 🔑".toCharArray(), WHERE).getEncoded()).isEqualTo(other.getPrivate().getEncoded());
    }

    @Test
    void wrongPassphraseNamesTheFile() {
        assertThatThrownBy(() -> SigningKeys.decryptPrivate(encrypted, "Correct horse battery staple".toCharArray(), WHERE))
                .isInstanceOf(DrydockException.class)
                .hasMessage("wrong passphrase for keys/test.key (or the key file was altered)");
    }

    @Test
    void tamperedCiphertextIsRefused() throws Exception {
        ObjectNode json = body(encrypted);
        byte[] box = Base64.getDecoder().decode(json.path("ciphertext").asText());
        box[box.length - 1] ^= 1;
        json.put("ciphertext", Base64.getEncoder().encodeToString(box));
        assertThatThrownBy(() -> SigningKeys.decryptPrivate(rewrap(json), PASSPHRASE.clone(), WHERE))
                .isInstanceOf(DrydockException.class).hasMessageContaining("keys/test.key").hasMessageContaining("altered");

        // A changed salt derives another key: indistinguishable from a wrong passphrase, and said so.
        ObjectNode salted = body(encrypted);
        salted.withObject("/kdf").put("salt", Base64.getEncoder().encodeToString(new byte[32]));
        assertThatThrownBy(() -> SigningKeys.decryptPrivate(rewrap(salted), PASSPHRASE.clone(), WHERE)).hasMessageContaining("altered");
    }

    @Test
    void damagedFilesAreReportedAsDamaged() throws Exception {
        ObjectNode shortNonce = body(encrypted);
        shortNonce.withObject("/cipher").put("nonce", Base64.getEncoder().encodeToString(new byte[12]));
        assertThatThrownBy(() -> SigningKeys.decryptPrivate(rewrap(shortNonce), PASSPHRASE.clone(), WHERE))
                .hasMessage("keys/test.key is damaged: the nonce has 12 bytes, not 24");

        ObjectNode otherCipher = body(encrypted);
        otherCipher.withObject("/cipher").put("name", "aes-gcm");
        assertThatThrownBy(() -> SigningKeys.decryptPrivate(rewrap(otherCipher), PASSPHRASE.clone(), WHERE))
                .hasMessageContaining("damaged").hasMessageContaining("aes-gcm");

        // Parameters come from the file: a huge N must be refused before scrypt runs, not after minutes of it.
        ObjectNode expensive = body(encrypted);
        expensive.withObject("/kdf/params").put("N", 1 << 24);
        assertThatThrownBy(() -> SigningKeys.decryptPrivate(rewrap(expensive), PASSPHRASE.clone(), WHERE))
                .hasMessageContaining("unsupported scrypt parameters N=16777216");

        String notJson = pem("ENCRYPTED SIGSTORE PRIVATE KEY", "not json".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> SigningKeys.decryptPrivate(notJson, PASSPHRASE.clone(), WHERE)).hasMessageContaining("keys/test.key is damaged");

        String badBase64 = "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n%%%%\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n";
        assertThatThrownBy(() -> SigningKeys.decryptPrivate(badBase64, PASSPHRASE.clone(), WHERE)).hasMessageContaining("not valid base64");

        assertThatThrownBy(() -> SigningKeys.decryptPrivate("just text", PASSPHRASE.clone(), WHERE))
                .hasMessage("keys/test.key is not a PEM file (no -----BEGIN ...----- block)");
        assertThatThrownBy(() -> SigningKeys.decryptPrivate(SigningKeys.publicPem(pair.getPublic()), PASSPHRASE.clone(), WHERE))
                .hasMessage("keys/test.key holds no private key (found: PUBLIC KEY)");
        assertThatThrownBy(() -> SigningKeys.decryptPrivate(pem("PRIVATE KEY", pair.getPrivate().getEncoded()), PASSPHRASE.clone(), WHERE))
                .hasMessageContaining("not in cosign's encrypted format").hasMessageContaining("drydock key import");
    }

    @Test
    void readsPublicKeysAndRefusesOtherKinds() throws Exception {
        assertThat(SigningKeys.readPublic(SigningKeys.publicPem(pair.getPublic()), "cosign.pub")).isEqualTo(pair.getPublic());

        KeyPair p384 = generate("EC", new ECGenParameterSpec("secp384r1"));
        assertThatThrownBy(() -> SigningKeys.readPublic(SigningKeys.publicPem(p384.getPublic()), "p384.pub"))
                .hasMessageStartingWith("p384.pub holds an ECDSA key on curve secp384r1 (1.3.132.0.34)");

        KeyPair ed = generate("Ed25519", null);
        assertThatThrownBy(() -> SigningKeys.readPublic(SigningKeys.publicPem(ed.getPublic()), "ed.pub"))
                .hasMessage("ed.pub holds an Ed25519 key; Drydock supports ECDSA P-256 and RSA keys");

        // RSA is what cosign signs with when given an RSA key, so verifying with one costs nothing extra.
        KeyPair rsa = rsa(2048);
        PublicKey readRsa = SigningKeys.readPublic(SigningKeys.publicPem(rsa.getPublic()), "rsa.pub");
        assertThat(readRsa).isInstanceOf(RSAPublicKey.class).isEqualTo(rsa.getPublic());
        assertThat(SigningKeys.signatureAlgorithm(readRsa)).isEqualTo("SHA256withRSA");
        KeyPair weak = rsa(1024);
        assertThatThrownBy(() -> SigningKeys.readPublic(SigningKeys.publicPem(weak.getPublic()), "weak.pub"))
                .hasMessage("weak.pub holds a 1024-bit RSA key; at least 2048 bits are required");

        assertThatThrownBy(() -> SigningKeys.readPublic(encrypted, "cosign.key"))
                .hasMessage("cosign.key holds a private key (ENCRYPTED SIGSTORE PRIVATE KEY), not a public key; give the .pub file");
        assertThatThrownBy(() -> SigningKeys.readPublic("hello", "x.pub")).hasMessage("x.pub is not a PEM file (no -----BEGIN ...----- block)");
        assertThatThrownBy(() -> SigningKeys.readPublic(pem("PUBLIC KEY", new byte[]{1, 2, 3}), "x.pub"))
                .hasMessage("x.pub: its PUBLIC KEY block is not a valid PKIX public key");
        assertThatThrownBy(() -> SigningKeys.readPublic(pem("CERTIFICATE", new byte[]{1, 2, 3}), "c.pem")).hasMessageContaining("holds a certificate");
    }

    @Test
    void readsPublicKeyFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cosign.pub");
        Files.writeString(file, SigningKeys.publicPem(pair.getPublic()));
        assertThat(SigningKeys.readPublic(file)).isEqualTo(pair.getPublic());
        assertThatThrownBy(() -> SigningKeys.readPublic(dir.resolve("missing.pub")))
                .isInstanceOf(DrydockException.class).hasMessageContaining("missing.pub");
    }

    @Test
    void decryptsKeyFilesWithThePassphraseSource(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cosign.key");
        Files.writeString(file, encrypted);
        KeyPassphrase fromEnvironment = new KeyPassphrase(Map.of(KeyPassphrase.VARIABLE, new String(PASSPHRASE)), null);
        assertThat(SigningKeys.decryptPrivate(file, fromEnvironment).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());

        // The array handed out by the prompt is cleared once the key is open.
        char[] typed = PASSPHRASE.clone();
        KeyPassphrase fromTerminal = new KeyPassphrase(Map.of(), question -> typed);
        SigningKeys.decryptPrivate(file, fromTerminal);
        assertThat(new String(typed)).isEqualTo("\0".repeat(PASSPHRASE.length));
    }

    @Test
    void readsOpensslPrivateKeys(@TempDir Path dir) throws Exception {
        Path openssl = HostTools.require("openssl", "openssl");
        Path pkcs8 = dir.resolve("pkcs8.pem");
        run(openssl.toString(), "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pkcs8.toString());
        Path sec1 = dir.resolve("sec1.pem");
        run(openssl.toString(), "ec", "-in", pkcs8.toString(), "-out", sec1.toString());
        // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key.
        Path withParams = dir.resolve("params.pem");
        run(openssl.toString(), "ecparam", "-name", "prime256v1", "-genkey", "-out", withParams.toString());
        Path publicPem = dir.resolve("pub.pem");
        run(openssl.toString(), "pkey", "-in", pkcs8.toString(), "-pubout", "-out", publicPem.toString());

        PrivateKey fromPkcs8 = SigningKeys.readUnencryptedPrivate(Files.readString(pkcs8), "pkcs8.pem");
        PrivateKey fromSec1 = SigningKeys.readUnencryptedPrivate(Files.readString(sec1), "sec1.pem");
        assertThat(Files.readString(sec1)).contains("BEGIN EC PRIVATE KEY");
        assertThat(((ECPrivateKey) fromSec1).getS()).isEqualTo(((ECPrivateKey) fromPkcs8).getS());
        assertThat(SigningKeys.publicKeyOf(fromPkcs8)).isEqualTo(SigningKeys.readPublic(publicPem));
        PrivateKey fromParams = SigningKeys.readUnencryptedPrivate(Files.readString(withParams), "params.pem");
        assertThat(verify(SigningKeys.publicKeyOf(fromParams), PAYLOAD, sign(fromParams, PAYLOAD))).isTrue();

        Path p384 = dir.resolve("p384.pem");
        run(openssl.toString(), "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", p384.toString());
        assertThatThrownBy(() -> SigningKeys.readUnencryptedPrivate(Files.readString(p384), "p384.pem"))
                .hasMessageStartingWith("p384.pem holds an ECDSA key on curve secp384r1");
        Path rsa = dir.resolve("rsa.pem");
        run(openssl.toString(), "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsa.toString());
        assertThatThrownBy(() -> SigningKeys.readUnencryptedPrivate(Files.readString(rsa), "rsa.pem"))
                .hasMessage("rsa.pem holds an RSA key; Drydock supports ECDSA P-256 keys");
        Path locked = dir.resolve("locked.pem");
        run(openssl.toString(), "pkey", "-in", pkcs8.toString(), "-aes256", "-passout", "pass:pw", "-out", locked.toString());
        assertThatThrownBy(() -> SigningKeys.readUnencryptedPrivate(Files.readString(locked), "locked.pem"))
                .hasMessageContaining("locked.pem is an encrypted PKCS#8 key");
        Path legacy = dir.resolve("legacy.pem");
        run(openssl.toString(), "ec", "-in", pkcs8.toString(), "-aes256", "-passout", "pass:pw", "-out", legacy.toString());
        assertThatThrownBy(() -> SigningKeys.readUnencryptedPrivate(Files.readString(legacy), "legacy.pem"))
                .hasMessageContaining("legacy.pem is encrypted with openssl's legacy PEM encryption");
        assertThatThrownBy(() -> SigningKeys.readUnencryptedPrivate(encrypted, WHERE)).hasMessage("keys/test.key is already in cosign's encrypted format");
    }

    @Test
    void noMessageOrStringCarriesKeyMaterialOrPassphrase() {
        String passphrase = new String(PASSPHRASE);
        ECPrivateKey key = (ECPrivateKey) pair.getPrivate();
        List<String> secrets = List.of(passphrase, Base64.getEncoder().encodeToString(key.getEncoded()),
                key.getS().toString(16), key.getS().toString(), pemBody(pem("PRIVATE KEY", key.getEncoded())).substring(0, 40));

        List<Supplier<Object>> attempts = List.of(
                () -> SigningKeys.decryptPrivate(encrypted, "wrong".toCharArray(), WHERE),
                () -> SigningKeys.decryptPrivate(pem("PRIVATE KEY", key.getEncoded()), PASSPHRASE.clone(), WHERE),
                () -> SigningKeys.readPublic(pem("PRIVATE KEY", key.getEncoded()), WHERE),
                () -> SigningKeys.readPublic(encrypted, WHERE),
                () -> SigningKeys.readUnencryptedPrivate(encrypted, WHERE),
                () -> SigningKeys.readUnencryptedPrivate(pem("PRIVATE KEY", corrupt(key.getEncoded())), WHERE),
                () -> new KeyPassphrase(Map.of(), question -> question.contains("again") ? "x".toCharArray() : PASSPHRASE.clone()).toWrite(WHERE));
        List<String> texts = new ArrayList<>();
        for (Supplier<Object> attempt : attempts) {
            try {
                attempt.get();
            } catch (RuntimeException e) {
                for (Throwable t = e; t != null; t = t.getCause()) texts.add(String.valueOf(t));
            }
        }
        assertThat(texts).hasSizeGreaterThanOrEqualTo(attempts.size());
        texts.add(new KeyPassphrase(Map.of(KeyPassphrase.VARIABLE, passphrase), null).toString());
        texts.add(new SigningKeys.ScryptParams(65536, 8, 1).toString());
        for (String text : texts) {
            for (String secret : secrets) assertThat(text).doesNotContain(secret);
        }
    }

    /** The passphrase source: which variable wins, what empty means, and what happens without a terminal. */
    @Nested
    class Passphrases {
        @Test
        void drydockVariableThenCosignVariableThenTerminal() {
            Map<String, String> both = Map.of(KeyPassphrase.VARIABLE, "drydock", KeyPassphrase.COSIGN_VARIABLE, "cosign");
            assertThat(new KeyPassphrase(both, null).toRead("k")).containsExactly("drydock".toCharArray());
            assertThat(new KeyPassphrase(Map.of(KeyPassphrase.COSIGN_VARIABLE, "cosign"), null).toWrite("k")).containsExactly("cosign".toCharArray());
            assertThat(new KeyPassphrase(Map.of(), q -> "typed".toCharArray()).toRead("k")).containsExactly("typed".toCharArray());
            assertThat(new KeyPassphrase(Map.of(KeyPassphrase.COSIGN_VARIABLE, "cosign"), null).source()).isEqualTo("COSIGN_PASSWORD");
        }

        @Test
        void emptyOnlyWhenSetDeliberately() {
            // An empty DRYDOCK_KEY_PASSWORD is a choice and hides COSIGN_PASSWORD, as any set value does.
            Map<String, String> env = new HashMap<>(Map.of(KeyPassphrase.VARIABLE, "", KeyPassphrase.COSIGN_VARIABLE, "cosign"));
            assertThat(new KeyPassphrase(env, null).toRead("k")).isEmpty();
            assertThatThrownBy(() -> new KeyPassphrase(Map.of(), q -> new char[0]).toRead("k.key"))
                    .hasMessageStartingWith("empty passphrase for k.key");
        }

        @Test
        void withoutTerminalOrVariableItSaysWhatToSet() {
            assertThatThrownBy(() -> new KeyPassphrase(Map.of("OTHER", "x"), null).toRead("cosign.key"))
                    .isInstanceOf(DrydockException.class)
                    .hasMessage("no passphrase for cosign.key: set DRYDOCK_KEY_PASSWORD (or COSIGN_PASSWORD) to it, or to the empty string"
                            + " for a key without one; there is no terminal to ask on");
            assertThatThrownBy(() -> new KeyPassphrase(Map.of(), q -> null).toRead("cosign.key")).hasMessageContaining("was read from the terminal");
        }

        @Test
        void newKeysAskTwice() {
            List<String> questions = new ArrayList<>();
            char[] answer = new KeyPassphrase(Map.of(), q -> {
                questions.add(q);
                return "same".toCharArray();
            }).toWrite("new.key");
            assertThat(answer).containsExactly("same".toCharArray());
            assertThat(questions).containsExactly("Enter passphrase for new.key: ", "Enter passphrase for new.key again: ");
            assertThatThrownBy(() -> new KeyPassphrase(Map.of(), q -> q.contains("again") ? "b".toCharArray() : "a".toCharArray()).toWrite("new.key"))
                    .hasMessage("the passphrases for new.key do not match; nothing was written");
        }
    }

    /**
     * Real interoperation with the Go stack cosign is built on: golang.org/x/crypto's scrypt and nacl/secretbox (from
     * Debian), Go's encoding/json, encoding/pem and crypto/x509, driven by a small program in the shape of sigstore's
     * key loading and writing. The Debian skopeo here cannot take part: its sigstore signing and verification are
     * compiled out ("Debian-local change: sigstore disabled").
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class GoInterop {
        private Path tool;
        private Path work;

        @BeforeAll
        void buildTool(@TempDir Path dir) throws Exception {
            work = dir;
            tool = GoCosignKeys.build(dir);
        }

        @Test
        void goOpensDrydockKeysAndSignsWithThem() throws Exception {
            String passphrase = "pässphrase for go";
            Path key = work.resolve("drydock.key");
            Files.writeString(key, SigningKeys.encryptPrivate(pair.getPrivate(), passphrase.toCharArray()));
            Path pass = write("pass-go", passphrase);
            Path payload = work.resolve("payload.json");
            Files.write(payload, PAYLOAD);

            String[] out = run(tool.toString(), "open", key.toString(), pass.toString(), payload.toString()).split("\n", 2);
            // Go derived the same public key from the decrypted PKCS#8, and its signature verifies in Java.
            assertThat(out[1]).isEqualTo(SigningKeys.publicPem(pair.getPublic()));
            assertThat(verify(SigningKeys.readPublic(out[1], "go"), PAYLOAD, Base64.getDecoder().decode(out[0].strip()))).isTrue();

            // And a signature made in Java verifies in Go against the .pub Drydock writes.
            Path pub = work.resolve("drydock.pub");
            Files.writeString(pub, SigningKeys.publicPem(pair.getPublic()));
            String signature = Base64.getEncoder().encodeToString(sign(pair.getPrivate(), PAYLOAD));
            assertThat(run(tool.toString(), "verify", pub.toString(), payload.toString(), signature)).isEqualTo("verified\n");

            Path emptyKey = work.resolve("empty.key");
            Files.writeString(emptyKey, SigningKeys.encryptPrivate(pair.getPrivate(), new char[0]));
            assertThat(run(tool.toString(), "open", emptyKey.toString(), write("pass-empty", "").toString(), payload.toString()))
                    .contains(SigningKeys.publicPem(pair.getPublic()));
        }

        @Test
        void drydockOpensGoKeysOfEveryLabelAndCost() throws Exception {
            Path payload = work.resolve("payload-2.json");
            Files.write(payload, PAYLOAD);
            record Variant(String label, int n, String passphrase) {}
            for (Variant v : List.of(new Variant("ENCRYPTED SIGSTORE PRIVATE KEY", 65536, "sigstore pass"),
                    new Variant("ENCRYPTED COSIGN PRIVATE KEY", 32768, "cosign 1.x"),
                    new Variant("ENCRYPTED SIGSTORE PRIVATE KEY", 131072, "owasp"),
                    new Variant("ENCRYPTED SIGSTORE PRIVATE KEY", 65536, ""))) {
                Path prefix = work.resolve("go-" + v.n() + "-" + v.passphrase().length());
                run(tool.toString(), "seal", prefix.toString(), write("pass-" + v.n(), v.passphrase()).toString(), v.label(), String.valueOf(v.n()));
                String keyFile = Files.readString(Path.of(prefix + ".key"));
                assertThat(keyFile).startsWith("-----BEGIN " + v.label() + "-----");

                PrivateKey opened = SigningKeys.decryptPrivate(keyFile, v.passphrase().toCharArray(), prefix + ".key");
                PublicKey goPublic = SigningKeys.readPublic(Path.of(prefix + ".pub"));
                assertThat(SigningKeys.publicKeyOf(opened)).isEqualTo(goPublic);
                assertThat(SigningKeys.publicPem(goPublic)).isEqualTo(Files.readString(Path.of(prefix + ".pub")));
                String signature = Base64.getEncoder().encodeToString(sign(opened, PAYLOAD));
                assertThat(run(tool.toString(), "verify", prefix + ".pub", payload.toString(), signature)).isEqualTo("verified\n");
                assertThatThrownBy(() -> SigningKeys.decryptPrivate(keyFile, "not it".toCharArray(), "go.key")).hasMessageContaining("wrong passphrase for go.key");
            }
        }

        private Path write(String name, String text) throws Exception {
            Path file = work.resolve(name);
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        }
    }

    /** Builds the Go side of the interop tests from Debian's packages: Go itself and golang.org/x/crypto. */
    static final class GoCosignKeys {
        private static final Path GOPATH = Path.of("/usr/share/gocode");
        private static final Path X_CRYPTO = GOPATH.resolve("src/golang.org/x/crypto/nacl/secretbox");

        /**
         * Usage: {@code open KEY PASSFILE PAYLOAD} prints a base64 ECDSA signature of PAYLOAD and the PKIX PEM of the
         * key (sigstore's loading path: PEM label, JSON, scrypt, secretbox.Open, x509.ParsePKCS8PrivateKey);
         * {@code seal PREFIX PASSFILE LABEL N} writes PREFIX.key and PREFIX.pub for a new P-256 key (the writing path,
         * with cosign's field order); {@code verify PUB PAYLOAD SIGNATURE} checks a signature with x509.ParsePKIXPublicKey.
         */
        private static final String SOURCE = """
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/scrypt"
)

type keyFile struct {
	KDF struct {
		Name   string `json:"name"`
		Params struct {
			N int `json:"N"`
			R int `json:"r"`
			P int `json:"p"`
		} `json:"params"`
		Salt []byte `json:"salt"`
	} `json:"kdf"`
	Cipher struct {
		Name  string `json:"name"`
		Nonce []byte `json:"nonce"`
	} `json:"cipher"`
	Ciphertext []byte `json:"ciphertext"`
}

func fail(format string, args ...interface{}) {
	fmt.Fprintln(os.Stderr, fmt.Sprintf(format, args...))
	os.Exit(1)
}

func read(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	return b
}

func main() {
	switch os.Args[1] {
	case "open":
		open(os.Args[2], read(os.Args[3]), read(os.Args[4]))
	case "seal":
		n, _ := strconv.Atoi(os.Args[5])
		seal(os.Args[2], read(os.Args[3]), os.Args[4], n)
	case "verify":
		verify(read(os.Args[2]), read(os.Args[3]), os.Args[4])
	default:
		fail("unknown mode %s", os.Args[1])
	}
}

func open(keyPath string, passphrase, payload []byte) {
	block, _ := pem.Decode(read(keyPath))
	if block == nil || (block.Type != "ENCRYPTED SIGSTORE PRIVATE KEY" && block.Type != "ENCRYPTED COSIGN PRIVATE KEY") {
		fail("not an encrypted sigstore key")
	}
	var f keyFile
	if err := json.Unmarshal(block.Bytes, &f); err != nil {
		fail("json: %v", err)
	}
	if f.KDF.Name != "scrypt" || f.Cipher.Name != "nacl/secretbox" || f.KDF.Params.R != 8 || f.KDF.Params.P != 1 || len(f.Cipher.Nonce) != 24 {
		fail("unexpected parameters %+v", f)
	}
	key, err := scrypt.Key(passphrase, f.KDF.Salt, f.KDF.Params.N, f.KDF.Params.R, f.KDF.Params.P, 32)
	if err != nil {
		fail("scrypt: %v", err)
	}
	var k [32]byte
	var nonce [24]byte
	copy(k[:], key)
	copy(nonce[:], f.Cipher.Nonce)
	der, ok := secretbox.Open(nil, f.Ciphertext, &nonce, &k)
	if !ok {
		fail("secretbox: decryption failed")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		fail("pkcs8: %v", err)
	}
	priv, ok := parsed.(*ecdsa.PrivateKey)
	if !ok || priv.Curve != elliptic.P256() {
		fail("not a P-256 key: %T", parsed)
	}
	digest := sha256.Sum256(payload)
	sig, err := ecdsa.SignASN1(rand.Reader, priv, digest[:])
	if err != nil {
		fail("sign: %v", err)
	}
	pub, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	fmt.Println(base64.StdEncoding.EncodeToString(sig))
	os.Stdout.Write(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
}

func seal(prefix string, passphrase []byte, label string, n int) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		fail("%v", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		fail("%v", err)
	}
	var f keyFile
	f.KDF.Name = "scrypt"
	f.KDF.Params.N, f.KDF.Params.R, f.KDF.Params.P = n, 8, 1
	f.KDF.Salt = make([]byte, 32)
	f.Cipher.Name = "nacl/secretbox"
	f.Cipher.Nonce = make([]byte, 24)
	rand.Read(f.KDF.Salt)
	rand.Read(f.Cipher.Nonce)
	key, err := scrypt.Key(passphrase, f.KDF.Salt, n, 8, 1, 32)
	if err != nil {
		fail("%v", err)
	}
	var k [32]byte
	var nonce [24]byte
	copy(k[:], key)
	copy(nonce[:], f.Cipher.Nonce)
	f.Ciphertext = secretbox.Seal(nil, der, &nonce, &k)
	js, _ := json.Marshal(f)
	pub, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err := os.WriteFile(prefix+".key", pem.EncodeToMemory(&pem.Block{Type: label, Bytes: js}), 0o600); err != nil {
		fail("%v", err)
	}
	if err := os.WriteFile(prefix+".pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644); err != nil {
		fail("%v", err)
	}
}

func verify(pubPEM, payload []byte, sigB64 string) {
	block, _ := pem.Decode(pubPEM)
	if block == nil || block.Type != "PUBLIC KEY" {
		fail("not a PUBLIC KEY PEM")
	}
	parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		fail("pkix: %v", err)
	}
	pub, ok := parsed.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		fail("not a P-256 public key: %T", parsed)
	}
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil {
		fail("%v", err)
	}
	digest := sha256.Sum256(payload)
	if !ecdsa.VerifyASN1(pub, digest[:], sig) {
		fail("signature does not verify")
	}
	fmt.Println("verified")
}""";

        static Path build(Path dir) throws Exception {
            Path go = HostTools.require("go", "golang-go");
            if (!Files.isDirectory(X_CRYPTO)) installXCrypto();
            Path source = dir.resolve("main.go");
            Files.writeString(source, SOURCE);
            Path tool = dir.resolve("gocosignkeys");
            Path cache = Path.of(System.getProperty("java.io.tmpdir"), "drydock-go-build-cache");
            HostTools.Result r = HostTools.run(Duration.ofMinutes(5), List.of(go.toString(), "build", "-o", tool.toString(), source.toString()),
                    Map.of("GO111MODULE", "off", "GOPATH", GOPATH.toString(), "GOCACHE", cache.toString(), "GOFLAGS", ""));
            if (!r.ok()) throw new IllegalStateException("go build of the interop tool failed:\n" + r.tail(30));
            return tool;
        }

        private static void installXCrypto() {
            List<String> install = List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300",
                    "golang-golang-x-crypto-dev");
            Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
            if (!HostTools.run(Duration.ofMinutes(10), install, env).ok()) {
                // A fresh machine may have no package lists yet.
                HostTools.runChecked("apt-get update", Duration.ofMinutes(5), List.of("apt-get", "update", "-qq"));
                HostTools.Result r = HostTools.run(Duration.ofMinutes(10), install, env);
                if (!r.ok()) throw new IllegalStateException("apt-get install golang-golang-x-crypto-dev failed:\n" + r.tail(20));
            }
        }
    }

    // ---- helpers ----

    static byte[] sign(PrivateKey key, byte[] data) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    static boolean verify(PublicKey key, byte[] data, byte[] signature) throws Exception {
        Signature s = Signature.getInstance(SigningKeys.signatureAlgorithm(key));
        s.initVerify(key);
        s.update(data);
        return s.verify(signature);
    }

    private static KeyPair generate(String algorithm, ECGenParameterSpec spec) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (spec != null) g.initialize(spec);
        return g.generateKeyPair();
    }

    private static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }

    private static ObjectNode body(String pem) throws Exception {
        return (ObjectNode) JSON.readTree(Base64.getMimeDecoder().decode(pemBody(pem)));
    }

    private static String pemBody(String pem) {
        return pem.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
    }

    private static String rewrap(ObjectNode json) {
        return pem("ENCRYPTED SIGSTORE PRIVATE KEY", json.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    private static byte[] corrupt(byte[] der) {
        byte[] copy = der.clone();
        copy[copy.length / 2] ^= (byte) 0xff;
        copy[1] ^= 0x7f;
        return copy;
    }

    static String run(String... command) {
        return HostTools.runChecked(String.join(" ", command), Duration.ofMinutes(2), List.of(command)).output();
    }
}
