package io.drydock.image;

import io.drydock.DrydockException;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest as the OCI image spec defines it: {@code algorithm:encoded}. */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
    private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

    public Digest {
        int expected = switch (algorithm) {
            case "sha256" -> 64;
            case "sha512" -> 128;
            default -> throw new DrydockException("unsupported digest algorithm '" + algorithm + "' (sha256 and sha512 are supported)");
        };
        if (hex.length() != expected || !HEX.matcher(hex).matches()) {
            throw new DrydockException("invalid digest '" + algorithm + ":" + hex + "': expected " + expected + " lowercase hex characters");
        }
    }

    public static Digest parse(String text) {
        if (text == null) throw new DrydockException("missing digest");
        int colon = text.indexOf(':');
        if (colon <= 0) throw new DrydockException("invalid digest '" + text + "': expected algorithm:hex");
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static Digest sha256(byte[] content) {
        return new Digest("sha256", HexFormat.of().formatHex(messageDigest("sha256").digest(content)));
    }

    public MessageDigest newMessageDigest() {
        return messageDigest(algorithm);
    }

    /** True when {@code computed} (the raw output of {@link #newMessageDigest()}) equals this digest. */
    public boolean matches(byte[] computed) {
        return MessageDigest.isEqual(HexFormat.of().parseHex(hex), computed);
    }

    static MessageDigest messageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code sha256-<hex>} form cosign and the referrers tag fallback use. */
    public String tagForm() {
        return algorithm + "-" + hex;
    }

    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public int compareTo(Digest o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
