package io.drydock.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signing keys: ECDSA P-256 pairs, public keys as PKIX PEM, and private keys in cosign's encrypted file format, so
 * a key pair made by {@code cosign generate-key-pair} works with Drydock and one made by Drydock works with cosign.
 *
 * <p>The encrypted format (sigstore's {@code cryptoutils}, built on secure-systems-lab's {@code encrypted} package):
 * a PEM block labelled {@value #ENCRYPTED_LABEL} (older cosign releases wrote {@value #LEGACY_ENCRYPTED_LABEL}) whose bytes
 * are the JSON text
 * {@code {"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":B64},"cipher":{"name":"nacl/secretbox","nonce":B64},"ciphertext":B64}}
 * with standard, padded base64; the ciphertext is NaCl secretbox (XSalsa20-Poly1305, the 16-byte tag first) of the
 * PKCS#8 DER of the private key, under the 32-byte key scrypt(passphrase as UTF-8, salt, N, r, p).
 *
 * <p>No message, {@code toString} or log line here carries key material or a passphrase: errors name the file only.
 */
public final class SigningKeys {
    public static final String ENCRYPTED_LABEL = "ENCRYPTED SIGSTORE PRIVATE KEY";
    public static final String LEGACY_ENCRYPTED_LABEL = "ENCRYPTED COSIGN PRIVATE KEY";
    public static final String PUBLIC_LABEL = "PUBLIC KEY";

    /** What cosign and the encrypted package write today ("standard": about 100 ms of scrypt). */
    static final ScryptParams WRITE_PARAMS = new ScryptParams(65536, 8, 1);
    /**
     * The encrypted package's legacy, standard and OWASP settings, and nothing else: the parameters come from the
     * file, so accepting any would let a crafted file make scrypt take gigabytes or hours.
     */
    private static final Set<ScryptParams> READABLE_PARAMS = Set.of(new ScryptParams(32768, 8, 1), WRITE_PARAMS, new ScryptParams(131072, 8, 1));

    private static final int SALT_BYTES = 32;
    private static final int NONCE_BYTES = 24;
    private static final int BOX_KEY_BYTES = 32;
    private static final int TAG_BYTES = 16;
    private static final String KDF_NAME = "scrypt";
    private static final String CIPHER_NAME = "nacl/secretbox";

    private static final String P256_NAME = "secp256r1";
    private static final ASN1ObjectIdentifier P256_OID = X9ObjectIdentifiers.prime256v1;
    private static final int MIN_RSA_BITS = 2048;
    /** Key types the JDK or BouncyCastle may not name, so a refusal can still say what the key is. */
    private static final Map<String, String> OTHER_KEY_TYPES = Map.of(
            "1.3.101.112", "an Ed25519 key", "1.3.101.113", "an Ed448 key", "1.3.101.110", "an X25519 key", "1.3.101.111", "an X448 key",
            "1.2.840.10040.4.1", "a DSA key");

    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private SigningKeys() {}

    /** scrypt's cost parameters as the key file states them. */
    record ScryptParams(int n, int r, int p) {}

    /** One PEM block: its label, RFC 1421 headers (openssl's legacy encryption uses them) and decoded bytes. */
    private record PemBlock(String label, boolean hasHeaders, byte[] bytes) {
        @Override
        public String toString() {
            return "PemBlock[" + label + ", " + bytes.length + " bytes]";
        }
    }

    // ---- generating and public keys ----

    /** A new ECDSA P-256 key pair, the only kind cosign's specification requires every verifier to support. */
    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(P256_NAME), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate ECDSA P-256 keys", e);
        }
    }

    /** The PKIX ("PUBLIC KEY") PEM of {@code key}, as cosign writes {@code cosign.pub}. */
    public static String publicPem(PublicKey key) {
        return pem(PUBLIC_LABEL, key.getEncoded());
    }

    /** The JCA signature algorithm cosign uses with keys of this kind: SHA256withECDSA or SHA256withRSA (PKCS#1 v1.5). */
    public static String signatureAlgorithm(PublicKey key) {
        if (key instanceof ECPublicKey) return "SHA256withECDSA";
        if (key instanceof RSAPublicKey) return "SHA256withRSA";
        throw new IllegalArgumentException("no signature algorithm for " + key.getAlgorithm() + " keys");
    }

    public static PublicKey readPublic(Path file) {
        return readPublic(readText(file, "public key"), file.toString());
    }

    /**
     * A public key from PEM: PKIX "PUBLIC KEY" (or PKCS#1 "RSA PUBLIC KEY") holding an ECDSA P-256 key or an RSA key
     * of at least 2048 bits, the kinds cosign signs with by default. Anything else is refused, naming what it is;
     * {@code where} (the file) is named in every error.
     */
    public static PublicKey readPublic(String pem, String where) {
        List<PemBlock> blocks = pemBlocks(pem, where);
        for (PemBlock block : blocks) {
            if (block.label().equals(PUBLIC_LABEL)) return publicFromSpki(block.bytes(), where);
            if (block.label().equals("RSA PUBLIC KEY")) {
                try {
                    byte[] spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                            block.bytes()).getEncoded();
                    return publicFromSpki(spki, where);
                } catch (IOException | RuntimeException e) {
                    throw new DrydockException(where + ": the RSA PUBLIC KEY block is not a valid PKCS#1 public key");
                }
            }
        }
        String labels = labels(blocks);
        if (labels.contains("PRIVATE KEY")) {
            throw new DrydockException(where + " holds a private key (" + labels + "), not a public key; give the .pub file");
        }
        if (labels.contains("CERTIFICATE")) {
            throw new DrydockException(where + " holds a certificate, not a public key; extract it with: openssl x509 -pubkey -noout -in " + where);
        }
        throw new DrydockException(where + " holds no PUBLIC KEY PEM block (found: " + labels + ")");
    }

    /** The public half of a P-256 private key: d·G, because a PKCS#8 file need not carry the public point. */
    public static PublicKey publicKeyOf(PrivateKey key) {
        if (!(key instanceof ECPrivateKey ec) || !isP256(ec.getParams())) {
            throw new IllegalArgumentException("not an ECDSA P-256 private key: " + key.getAlgorithm());
        }
        X9ECParameters curve = ECNamedCurveTable.getByOID(P256_OID);
        ECPoint q = new FixedPointCombMultiplier().multiply(curve.getG(), ec.getS()).normalize();
        try {
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                    new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), ec.getParams()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the P-256 public key", e);
        }
    }

    // ---- cosign's encrypted private key ----

    /**
     * {@code key} in cosign's encrypted format under {@code passphrase}; the passphrase array is left to the caller
     * to clear. The empty passphrase is allowed, as cosign allows it.
     */
    public static String encryptPrivate(PrivateKey key, char[] passphrase) {
        requireP256(key);
        byte[] salt = randomBytes(SALT_BYTES);
        byte[] nonce = randomBytes(NONCE_BYTES);
        byte[] der = key.getEncoded();
        byte[] boxKey = deriveKey(passphrase, salt, WRITE_PARAMS);
        try {
            byte[] box = seal(boxKey, nonce, der);
            // Field order and names as the Go encoder writes them, so the files look like cosign's.
            ObjectNode root = JSON.createObjectNode();
            ObjectNode kdf = root.putObject("kdf");
            kdf.put("name", KDF_NAME);
            kdf.putObject("params").put("N", WRITE_PARAMS.n()).put("r", WRITE_PARAMS.r()).put("p", WRITE_PARAMS.p());
            kdf.put("salt", Base64.getEncoder().encodeToString(salt));
            root.putObject("cipher").put("name", CIPHER_NAME).put("nonce", Base64.getEncoder().encodeToString(nonce));
            root.put("ciphertext", Base64.getEncoder().encodeToString(box));
            return pem(ENCRYPTED_LABEL, root.toString().getBytes(StandardCharsets.UTF_8));
        } finally {
            Arrays.fill(boxKey, (byte) 0);
            Arrays.fill(der, (byte) 0);
        }
    }

    /** Reads {@code keyFile} and opens it with the passphrase from {@code passphrases}, which is cleared afterwards. */
    public static PrivateKey decryptPrivate(Path keyFile, KeyPassphrase passphrases) {
        String pem = readText(keyFile, "private key");
        char[] passphrase = passphrases.toRead(keyFile.toString());
        try {
            return decryptPrivate(pem, passphrase, keyFile.toString());
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    /**
     * Opens a cosign encrypted private key. A passphrase that does not open it is "wrong passphrase for {@code where}";
     * a file that is not in the format, or whose contents are broken, is reported as damaged. Secretbox cannot tell a
     * wrong passphrase from an altered ciphertext (both fail the Poly1305 tag), so the message says both.
     */
    public static PrivateKey decryptPrivate(String pem, char[] passphrase, String where) {
        List<PemBlock> blocks = pemBlocks(pem, where);
        PemBlock block = blocks.stream()
                .filter(b -> b.label().equals(ENCRYPTED_LABEL) || b.label().equals(LEGACY_ENCRYPTED_LABEL))
                .findFirst().orElse(null);
        if (block == null) {
            String labels = labels(blocks);
            if (labels.contains("PRIVATE KEY")) {
                throw new DrydockException(where + " is not in cosign's encrypted format (found: " + labels
                        + "); convert it with: drydock key import " + where);
            }
            throw new DrydockException(where + " holds no private key (found: " + labels + ")");
        }
        EncryptedKey encrypted = parseEncrypted(block.bytes(), where);
        byte[] boxKey = deriveKey(passphrase, encrypted.salt(), encrypted.params());
        byte[] der = null;
        try {
            der = open(boxKey, encrypted.nonce(), encrypted.box());
            if (der == null) throw new DrydockException("wrong passphrase for " + where + " (or the key file was altered)");
            return privateFromPkcs8(der, where, "the decrypted key in " + where + " is damaged");
        } finally {
            Arrays.fill(boxKey, (byte) 0);
            if (der != null) Arrays.fill(der, (byte) 0);
        }
    }

    /** The parts of an encrypted key file, checked for shape but not yet opened. */
    private record EncryptedKey(ScryptParams params, byte[] salt, byte[] nonce, byte[] box) {
        @Override
        public String toString() {
            return "EncryptedKey[" + params + "]";
        }
    }

    private static EncryptedKey parseEncrypted(byte[] json, String where) {
        String damaged = where + " is damaged: ";
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new DrydockException(damaged + "its PEM block is not the JSON of cosign's encrypted key format");
        }
        if (root == null || !root.isObject()) throw new DrydockException(damaged + "its PEM block is not a JSON object");
        JsonNode kdf = root.path("kdf");
        JsonNode cipher = root.path("cipher");
        if (!KDF_NAME.equals(kdf.path("name").asText())) {
            throw new DrydockException(damaged + "unknown key derivation \"" + kdf.path("name").asText() + "\" (expected scrypt)");
        }
        if (!CIPHER_NAME.equals(cipher.path("name").asText())) {
            throw new DrydockException(damaged + "unknown cipher \"" + cipher.path("name").asText() + "\" (expected nacl/secretbox)");
        }
        JsonNode p = kdf.path("params");
        ScryptParams params = new ScryptParams(p.path("N").asInt(-1), p.path("r").asInt(-1), p.path("p").asInt(-1));
        if (!READABLE_PARAMS.contains(params)) {
            throw new DrydockException(damaged + "unsupported scrypt parameters N=" + params.n() + " r=" + params.r() + " p=" + params.p()
                    + " (cosign uses N=32768, 65536 or 131072 with r=8, p=1)");
        }
        byte[] salt = base64Field(kdf.path("salt"), "kdf.salt", damaged);
        byte[] nonce = base64Field(cipher.path("nonce"), "cipher.nonce", damaged);
        byte[] box = base64Field(root.path("ciphertext"), "ciphertext", damaged);
        if (nonce.length != NONCE_BYTES) throw new DrydockException(damaged + "the nonce has " + nonce.length + " bytes, not " + NONCE_BYTES);
        if (box.length <= TAG_BYTES) throw new DrydockException(damaged + "the ciphertext is too short");
        return new EncryptedKey(params, salt, nonce, box);
    }

    private static byte[] base64Field(JsonNode node, String name, String damaged) {
        if (!node.isTextual()) throw new DrydockException(damaged + "no " + name);
        try {
            return Base64.getDecoder().decode(node.asText());
        } catch (IllegalArgumentException e) {
            throw new DrydockException(damaged + name + " is not base64");
        }
    }

    /** scrypt of the passphrase's UTF-8 bytes, as Go's {@code []byte(string)} gives them to cosign. */
    private static byte[] deriveKey(char[] passphrase, byte[] salt, ScryptParams params) {
        byte[] secret = utf8(passphrase);
        try {
            return SCrypt.generate(secret, salt, params.n(), params.r(), params.p(), BOX_KEY_BYTES);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private static byte[] utf8(char[] chars) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buffer;
        try {
            buffer = encoder.encode(CharBuffer.wrap(chars));
        } catch (CharacterCodingException e) {
            throw new DrydockException("the passphrase is not valid Unicode text");
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        // The encoder's buffer held the passphrase too.
        if (buffer.hasArray()) Arrays.fill(buffer.array(), (byte) 0);
        return bytes;
    }

    /**
     * NaCl secretbox: the XSalsa20 stream's first 32 bytes key Poly1305, the rest encrypts; output is tag then
     * ciphertext, the layout Go's {@code secretbox.Seal} produces.
     */
    private static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext) {
        XSalsa20Engine stream = new XSalsa20Engine();
        stream.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        byte[] macKey = new byte[32];
        stream.processBytes(new byte[32], 0, 32, macKey, 0);
        byte[] box = new byte[TAG_BYTES + plaintext.length];
        stream.processBytes(plaintext, 0, plaintext.length, box, TAG_BYTES);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        mac.update(box, TAG_BYTES, plaintext.length);
        mac.doFinal(box, 0);
        Arrays.fill(macKey, (byte) 0);
        return box;
    }

    /** The plaintext, or null when the tag does not match (wrong key or altered box); the tag is checked before decrypting. */
    private static byte[] open(byte[] key, byte[] nonce, byte[] box) {
        XSalsa20Engine stream = new XSalsa20Engine();
        stream.init(false, new ParametersWithIV(new KeyParameter(key), nonce));
        byte[] macKey = new byte[32];
        stream.processBytes(new byte[32], 0, 32, macKey, 0);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        mac.update(box, TAG_BYTES, box.length - TAG_BYTES);
        byte[] tag = new byte[TAG_BYTES];
        mac.doFinal(tag, 0);
        Arrays.fill(macKey, (byte) 0);
        if (!MessageDigest.isEqual(tag, Arrays.copyOf(box, TAG_BYTES))) return null;
        byte[] plaintext = new byte[box.length - TAG_BYTES];
        stream.processBytes(box, TAG_BYTES, plaintext.length, plaintext, 0);
        return plaintext;
    }

    // ---- unencrypted private keys (openssl's), for import ----

    /**
     * An unencrypted ECDSA P-256 private key as openssl writes it: PKCS#8 "PRIVATE KEY" or SEC1 "EC PRIVATE KEY"
     * (an "EC PARAMETERS" block before it, as {@code openssl ecparam -genkey} writes, is skipped).
     */
    public static PrivateKey readUnencryptedPrivate(String pem, String where) {
        List<PemBlock> blocks = pemBlocks(pem, where);
        for (PemBlock block : blocks) {
            switch (block.label()) {
                case "PRIVATE KEY" -> {
                    return privateFromPkcs8(block.bytes(), where, where + ": its PRIVATE KEY block is not a valid PKCS#8 key");
                }
                case "EC PRIVATE KEY" -> {
                    if (block.hasHeaders()) {
                        throw new DrydockException(where + " is encrypted with openssl's legacy PEM encryption; decrypt it first: openssl ec -in " + where);
                    }
                    return privateFromPkcs8(sec1ToPkcs8(block.bytes(), where), where, where + ": its EC PRIVATE KEY block is not a valid SEC1 key");
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new DrydockException(where + " is an encrypted PKCS#8 key; decrypt it first: openssl pkcs8 -in "
                        + where + " (Drydock then encrypts it in cosign's format)");
                case ENCRYPTED_LABEL, LEGACY_ENCRYPTED_LABEL -> throw new DrydockException(where + " is already in cosign's encrypted format");
                case "RSA PRIVATE KEY" -> throw new DrydockException(where + " holds an RSA private key; Drydock signs with ECDSA P-256 keys only");
                default -> {
                    // e.g. EC PARAMETERS, a certificate: look further
                }
            }
        }
        throw new DrydockException(where + " holds no private key PEM block (found: " + labels(blocks) + ")");
    }

    /** SEC1 names its curve inside; PKCS#8 names it in the algorithm identifier, where the JDK looks for it. */
    private static byte[] sec1ToPkcs8(byte[] sec1, String where) {
        org.bouncycastle.asn1.sec.ECPrivateKey parsed;
        try {
            parsed = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(sec1);
        } catch (RuntimeException e) {
            throw new DrydockException(where + ": its EC PRIVATE KEY block is not a valid SEC1 key");
        }
        ASN1Encodable curve = parsed.getParametersObject();
        if (curve == null) {
            throw new DrydockException(where + ": its EC PRIVATE KEY does not say which curve it is on; convert it to PKCS#8 with openssl pkcs8 -topk8 -nocrypt");
        }
        try {
            return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), parsed).getEncoded();
        } catch (IOException e) {
            throw new DrydockException(where + ": its EC PRIVATE KEY block is not a valid SEC1 key");
        }
    }

    private static PrivateKey privateFromPkcs8(byte[] der, String where, String invalid) {
        ASN1ObjectIdentifier algorithm;
        ASN1Encodable parameters;
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(der);
            algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
            parameters = info.getPrivateKeyAlgorithm().getParameters();
        } catch (RuntimeException e) {
            throw new DrydockException(invalid);
        }
        requireSupported(algorithm, parameters, where, false);
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new DrydockException(invalid);
        }
    }

    private static PublicKey publicFromSpki(byte[] der, String where) {
        ASN1ObjectIdentifier algorithm;
        ASN1Encodable parameters;
        try {
            AlgorithmIdentifier id = SubjectPublicKeyInfo.getInstance(der).getAlgorithm();
            algorithm = id.getAlgorithm();
            parameters = id.getParameters();
        } catch (RuntimeException e) {
            throw new DrydockException(where + ": its PUBLIC KEY block is not a valid PKIX public key");
        }
        boolean rsa = requireSupported(algorithm, parameters, where, true);
        PublicKey key;
        try {
            key = KeyFactory.getInstance(rsa ? "RSA" : "EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new DrydockException(where + ": its PUBLIC KEY block is not a valid " + (rsa ? "RSA" : "ECDSA P-256") + " public key");
        }
        if (key instanceof RSAPublicKey r && r.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new DrydockException(where + " holds a " + r.getModulus().bitLength() + "-bit RSA key; at least " + MIN_RSA_BITS + " bits are required");
        }
        return key;
    }

    /** Passes ECDSA P-256 (and RSA when {@code rsaAllowed}); returns whether it is RSA; otherwise refuses, saying what the key is. */
    private static boolean requireSupported(ASN1ObjectIdentifier algorithm, ASN1Encodable parameters, String where, boolean rsaAllowed) {
        String supported = rsaAllowed ? "ECDSA P-256 and RSA keys" : "ECDSA P-256 keys";
        if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            if (parameters instanceof ASN1ObjectIdentifier curve) {
                if (curve.equals(P256_OID)) return false;
                String name = ECNamedCurveTable.getName(curve);
                throw new DrydockException(where + " holds an ECDSA key on curve " + (name != null ? name + " (" + curve.getId() + ")" : curve.getId())
                        + "; Drydock supports " + supported + " (P-256 is prime256v1/secp256r1)");
            }
            throw new DrydockException(where + " holds an ECDSA key with explicit curve parameters instead of a named curve; Drydock supports " + supported);
        }
        if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            if (rsaAllowed) return true;
            throw new DrydockException(where + " holds an RSA key; Drydock supports " + supported);
        }
        String what = OTHER_KEY_TYPES.getOrDefault(algorithm.getId(), "a key of algorithm " + algorithm.getId());
        throw new DrydockException(where + " holds " + what + "; Drydock supports " + supported);
    }

    private static void requireP256(PrivateKey key) {
        if (!(key instanceof ECPrivateKey ec) || !isP256(ec.getParams())) {
            throw new IllegalArgumentException("Drydock writes ECDSA P-256 private keys only, not " + key.getAlgorithm());
        }
    }

    private static boolean isP256(ECParameterSpec spec) {
        ECParameterSpec p256 = P256.SPEC;
        return spec.getCurve().equals(p256.getCurve()) && spec.getGenerator().equals(p256.getGenerator())
                && spec.getOrder().equals(p256.getOrder()) && spec.getCofactor() == p256.getCofactor();
    }

    /** The JDK's P-256 parameters, looked up once on first use. */
    private static final class P256 {
        static final ECParameterSpec SPEC = lookUp();

        private static ECParameterSpec lookUp() {
            try {
                java.security.AlgorithmParameters parameters = java.security.AlgorithmParameters.getInstance("EC");
                parameters.init(new ECGenParameterSpec(P256_NAME));
                return parameters.getParameterSpec(ECParameterSpec.class);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JDK does not know the P-256 curve", e);
            }
        }
    }

    // ---- PEM ----

    private static String pem(String label, byte[] der) {
        // 64-column base64 lines, as Go's pem.Encode and openssl write them.
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static List<PemBlock> pemBlocks(String text, String where) {
        List<PemBlock> blocks = new ArrayList<>();
        Matcher m = PEM_BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            boolean headers = false;
            // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED") end at the first blank line.
            if (body.contains(":")) {
                int blank = body.replace("\r\n", "\n").indexOf("\n\n");
                headers = true;
                body = blank < 0 ? "" : body.replace("\r\n", "\n").substring(blank + 2);
            }
            byte[] bytes;
            try {
                // Strict, unlike the MIME decoder, which would skip stray characters and decode something else.
                bytes = Base64.getDecoder().decode(body.replaceAll("\\s+", ""));
            } catch (IllegalArgumentException e) {
                throw new DrydockException(where + ": its " + m.group(1) + " PEM block is not valid base64");
            }
            blocks.add(new PemBlock(m.group(1), headers, bytes));
        }
        if (blocks.isEmpty()) throw new DrydockException(where + " is not a PEM file (no -----BEGIN ...----- block)");
        return blocks;
    }

    private static String labels(List<PemBlock> blocks) {
        return String.join(", ", blocks.stream().map(PemBlock::label).toList());
    }

    private static String readText(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DrydockException(file + " is not a PEM " + what + " (not text)");
        } catch (IOException e) {
            throw new DrydockException("cannot read the " + what + " " + file + ": " + DrydockException.reason(e));
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Test hook: the scrypt parameters a key file states, without opening it. */
    static ScryptParams scryptParamsOf(String pem, String where) {
        PemBlock block = pemBlocks(pem, where).getFirst();
        return parseEncrypted(block.bytes(), where).params();
    }
}
