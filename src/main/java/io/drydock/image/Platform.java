package io.drydock.image;

import io.drydock.DrydockException;

import java.util.Locale;

/** An OCI platform; {@code variant} and {@code osVersion} may be null. */
public record Platform(String os, String architecture, String variant, String osVersion) {
    public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", null, null);

    public static Platform parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("/");
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new DrydockException("invalid platform '" + text + "': expected os/arch[/variant], e.g. linux/arm64/v8");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null, null);
    }

    /**
     * Whether an index entry with platform {@code candidate} serves a request for this platform.
     * A request without variant accepts any variant; arm64's only variant, v8, is implied.
     */
    public boolean accepts(Platform candidate) {
        if (candidate == null) return false;
        if (!os.equals(candidate.os) || !architecture.equals(candidate.architecture)) return false;
        if (variant == null) return true;
        return variant.equals(normalisedVariant(candidate));
    }

    private static String normalisedVariant(Platform p) {
        if (p.variant == null && p.architecture.equals("arm64")) return "v8";
        return p.variant;
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant != null ? "/" + variant : "");
    }
}
