package io.drydock.vulndb;

import io.drydock.vulndb.version.VersionScheme;
import io.drydock.vulndb.version.VersionSchemes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The ecosystems Drydock reads advisories for, how OSV names them (optionally release-qualified, such as
 * {@code Debian:12}, {@code Alpine:v3.20}, {@code Ubuntu:22.04:LTS}, {@code Red Hat:rhel_aus:8.4::appstream}),
 * and which version scheme orders each one's versions.
 */
public final class Ecosystems {
    public static final String DEBIAN = "Debian";
    public static final String UBUNTU = "Ubuntu";
    public static final String ALPINE = "Alpine";
    public static final String RED_HAT = "Red Hat";
    public static final String ROCKY_LINUX = "Rocky Linux";
    public static final String ALMALINUX = "AlmaLinux";
    public static final String MAVEN = "Maven";
    public static final String NPM = "npm";
    public static final String PYPI = "PyPI";
    public static final String GO = "Go";
    public static final String CRATES_IO = "crates.io";
    public static final String RUBYGEMS = "RubyGems";
    public static final String NUGET = "NuGet";
    public static final String PACKAGIST = "Packagist";

    private static final Map<String, VersionScheme> SCHEMES = Map.ofEntries(
            Map.entry(DEBIAN, VersionSchemes.DPKG),
            Map.entry(UBUNTU, VersionSchemes.DPKG),
            Map.entry(ALPINE, VersionSchemes.APK),
            Map.entry(RED_HAT, VersionSchemes.RPM),
            Map.entry(ROCKY_LINUX, VersionSchemes.RPM),
            Map.entry(ALMALINUX, VersionSchemes.RPM),
            Map.entry(MAVEN, VersionSchemes.MAVEN),
            Map.entry(NPM, VersionSchemes.NPM),
            Map.entry(PYPI, VersionSchemes.PEP440),
            Map.entry(GO, VersionSchemes.GO),
            Map.entry(CRATES_IO, VersionSchemes.SEMVER),
            Map.entry(RUBYGEMS, VersionSchemes.RUBYGEMS),
            Map.entry(NUGET, VersionSchemes.NUGET),
            Map.entry(PACKAGIST, VersionSchemes.COMPOSER));

    private static final Pattern PEP503_SEPARATORS = Pattern.compile("[-_.]+");
    /** Name to the canonical instance of the name: keys built from it then compare by reference. */
    private static final Map<String, String> EXACT = SCHEMES.keySet().stream()
            .collect(Collectors.toUnmodifiableMap(n -> n, n -> n));
    private static final Map<String, String> BY_LOWER_CASE = SCHEMES.keySet().stream()
            .collect(Collectors.toUnmodifiableMap(n -> n.toLowerCase(Locale.ROOT), n -> n));

    private Ecosystems() {
    }

    /** The canonical names of the supported ecosystems. */
    public static List<String> supported() {
        return SCHEMES.keySet().stream().sorted().toList();
    }

    /** The canonical spelling of an ecosystem name, matched case-insensitively; empty when unsupported. */
    public static Optional<String> canonical(String ecosystem) {
        if (ecosystem == null) {
            return Optional.empty();
        }
        String exact = EXACT.get(ecosystem); // the common case, spelled as OSV spells it
        if (exact != null) {
            return Optional.of(exact);
        }
        return Optional.ofNullable(BY_LOWER_CASE.get(ecosystem.strip().toLowerCase(Locale.ROOT)));
    }

    /** The scheme of an ecosystem's {@code ECOSYSTEM} ranges. */
    public static Optional<VersionScheme> scheme(String ecosystem) {
        return canonical(ecosystem).map(SCHEMES::get);
    }

    /**
     * The scheme for a range of the given type in the given (canonical) ecosystem. {@code SEMVER} ranges use
     * SemVer precedence, read with the ecosystem's spelling where it has one (Go's leading {@code v}, npm's).
     */
    public static VersionScheme scheme(RangeType type, String ecosystem) {
        VersionScheme own = SCHEMES.get(ecosystem);
        if (type == RangeType.ECOSYSTEM) {
            if (own == null) {
                throw new IllegalArgumentException("unsupported ecosystem " + ecosystem);
            }
            return own;
        }
        if (own == VersionSchemes.GO || own == VersionSchemes.NPM) {
            return own;
        }
        return VersionSchemes.SEMVER;
    }

    /**
     * Splits an OSV ecosystem string into a normalised ecosystem and release: {@code "Debian:12" → (Debian, 12)},
     * {@code "Alpine:v3.20" → (Alpine, 3.20)}, {@code "Ubuntu:22.04:LTS" → (Ubuntu, 22.04)},
     * {@code "Ubuntu:Pro:18.04:LTS" → (Ubuntu, 18.04:pro)}, {@code "Red Hat:rhel_aus:8.4::appstream" → (Red Hat,
     * rhel_aus:8.4::appstream)}, {@code "Maven:https://maven.google.com" → (Maven, https://maven.google.com)}.
     * Empty when the ecosystem is not supported.
     */
    public static Optional<String[]> split(String osvEcosystem) {
        if (osvEcosystem == null) {
            return Optional.empty();
        }
        int colon = osvEcosystem.indexOf(':');
        String name = colon < 0 ? osvEcosystem : osvEcosystem.substring(0, colon);
        String release = colon < 0 ? "" : osvEcosystem.substring(colon + 1);
        return canonical(name).map(canonical -> new String[] {canonical, normalizeRelease(canonical, release)});
    }

    /**
     * The release as Drydock files it. Accepts OSV's spelling and the one an image's os-release gives: Alpine
     * {@code v3.20}, {@code 3.20} and {@code 3.20.3} all become {@code 3.20}; Ubuntu's {@code :LTS} marker is
     * dropped and a {@code Pro} stream is kept apart as {@code <version>:pro}.
     */
    public static String normalizeRelease(String ecosystem, String release) {
        if (release == null || release.isEmpty()) {
            return "";
        }
        String normalized = normalizeReleaseText(ecosystem, release.strip());
        // one instance per release, so that keys compare their release by reference
        String shared = RELEASES.putIfAbsent(normalized, normalized);
        if (RELEASES.size() > 10_000) {
            RELEASES.clear(); // a flood of odd releases; correctness does not depend on sharing
        }
        return shared == null ? normalized : shared;
    }

    private static final Map<String, String> RELEASES = new ConcurrentHashMap<>();

    private static String normalizeReleaseText(String ecosystem, String r) {
        switch (ecosystem) {
            case ALPINE -> {
                if (r.startsWith("v")) {
                    r = r.substring(1);
                }
                // a point release (3.20.3, from os-release) files under its branch (3.20)
                int first = r.indexOf('.');
                int second = first < 0 ? -1 : r.indexOf('.', first + 1);
                if (second > 0 && first > 0 && r.chars().limit(first).allMatch(Character::isDigit)) {
                    r = r.substring(0, second);
                }
                return r;
            }
            case UBUNTU -> {
                List<String> parts = new ArrayList<>(List.of(r.split(":")));
                parts.removeIf(p -> p.equalsIgnoreCase("LTS") || p.isEmpty());
                boolean pro = parts.removeIf(p -> p.equalsIgnoreCase("Pro"));
                String joined = String.join(":", parts);
                return pro ? joined + ":pro" : joined;
            }
            case DEBIAN -> {
                return r.toLowerCase(Locale.ROOT);
            }
            default -> {
                return r;
            }
        }
    }

    /**
     * The package name as Drydock files it: PyPI names normalised as PEP 503 says, NuGet and Packagist names
     * lower-cased (both registries treat names case-insensitively); other ecosystems keep the name as given.
     */
    public static String normalizeName(String ecosystem, String name) {
        String n = name.strip();
        return switch (ecosystem) {
            case PYPI -> isPep503Normal(n) ? n : PEP503_SEPARATORS.matcher(n.toLowerCase(Locale.ROOT)).replaceAll("-");
            case NUGET, PACKAGIST -> n.toLowerCase(Locale.ROOT);
            default -> n;
        };
    }

    /** Lower case, and only single hyphens as separators: already what PEP 503 normalisation gives. */
    private static boolean isPep503Normal(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if ((c >= 'A' && c <= 'Z') || c == '_' || c == '.' || c > 127 || (c == '-' && i > 0 && name.charAt(i - 1) == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * A normalised key for a package.
     *
     * @throws IllegalArgumentException when the ecosystem is not supported
     */
    public static PackageKey key(String ecosystem, String release, String name) {
        String canonical = canonical(ecosystem)
                .orElseThrow(() -> new IllegalArgumentException("unsupported ecosystem \"" + ecosystem + "\"; supported: " + supported()));
        return new PackageKey(canonical, normalizeRelease(canonical, release), normalizeName(canonical, name));
    }
}
