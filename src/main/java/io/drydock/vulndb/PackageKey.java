package io.drydock.vulndb;

import java.util.Objects;

/**
 * Where advisories are filed: a normalised ecosystem ("Debian", "npm", …), its release ("12", "3.20", "" when
 * the ecosystem has none) and the package name as the ecosystem names it (a source package for distributions).
 * Build keys with {@link Ecosystems#key}, which normalises all three.
 */
public record PackageKey(String ecosystem, String release, String name) {
    public PackageKey {
        Objects.requireNonNull(ecosystem, "ecosystem");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(name, "name");
    }

    // Written out rather than generated: keys are looked up once per check, millions of times a second.
    @Override
    public int hashCode() {
        return (ecosystem.hashCode() * 31 + release.hashCode()) * 31 + name.hashCode();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PackageKey k && name.equals(k.name) && release.equals(k.release) && ecosystem.equals(k.ecosystem);
    }

    @Override
    public String toString() {
        return ecosystem + (release.isEmpty() ? "" : ":" + release) + "/" + name;
    }
}
