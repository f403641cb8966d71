package io.drydock.vulndb;

import java.util.Objects;

/**
 * One event on an OSV range's timeline.
 *
 * @param version the version string as published; {@code "0"} for an introduced event means "before every
 *     version", {@code "*"} for a limit means "no limit"
 */
public record RangeEvent(Kind kind, String version) {
    public enum Kind {
        INTRODUCED("introduced"),
        FIXED("fixed"),
        LAST_AFFECTED("last_affected"),
        LIMIT("limit");

        private final String osvName;

        Kind(String osvName) {
            this.osvName = osvName;
        }

        /** The field name in OSV JSON. */
        public String osvName() {
            return osvName;
        }

        public static Kind fromOsvName(String name) {
            for (Kind k : values()) {
                if (k.osvName.equals(name)) {
                    return k;
                }
            }
            return null;
        }
    }

    public RangeEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(version, "version");
    }

    /** True for {@code introduced: "0"}, which OSV defines as below every version. */
    public boolean isFromTheStart() {
        return kind == Kind.INTRODUCED && version.equals("0");
    }

    /** True for {@code limit: "*"}, which OSV defines as no limit. */
    public boolean isUnlimited() {
        return kind == Kind.LIMIT && version.equals("*");
    }

    @Override
    public String toString() {
        return kind.osvName + " " + version;
    }
}
