package io.drydock.inventory.runtime;

import io.drydock.inventory.Component;
import io.drydock.inventory.InstalledPackage;
import io.drydock.inventory.Inventory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The language runtimes of an image, from everything its inventory says about them, and from the image config's
 * environment when given: the runtimes' own files ({@link RuntimeAnalyzer}'s {@code generic} packages), the OS
 * packages that install runtimes ({@code openjdk-17-jre-headless}, {@code python3.11-minimal}, Alpine's
 * {@code nodejs}, ...), the Go version compiled into Go binaries ({@code golang/stdlib}), and variables such as
 * {@code JAVA_VERSION=jdk-17.0.9+9} that official images set.
 *
 * <p>One runtime at one version is one entry, whatever the number of files and packages that show it, with the
 * strongest evidence: a runtime's own file over a package database, over a directory name that gives only part of
 * the version, over the environment. A partial version ({@code 3.11} from {@code lib/python3.11/}) joins a full one
 * it is part of ({@code 3.11.2}); two different versions are two entries (a JDK 11 and a JDK 17, Go binaries built
 * by different Go releases). An environment variable only counts when no file contradicts it: a base image's
 * {@code NODE_VERSION} stays behind when a later layer replaces node.
 *
 * <p>Pure and total: odd versions in packages or variables are passed over, never thrown about. Knows nothing of
 * end-of-life dates.
 */
public final class Runtimes {
    /** How much an observation is worth, highest first. */
    static final int FILE = 40;
    static final int GO_BUILD_INFO = 38;
    static final int SECOND_FRAMEWORK = 36;
    static final int OTHER_TOOL = 32;
    static final int PACKAGE = 30;
    static final int PATH_ONLY = 20;
    static final int ENVIRONMENT = 10;

    /** One observation of a runtime, before merging. */
    record Observation(String name, String version, String evidence, String path, int layer, int strength, int order) {
    }

    /** An OS package that installs a runtime; {@code line} is the group of the name holding its release line. */
    private record PackageRule(String type, Pattern name, String runtime, int line) {
        static PackageRule of(String type, String regex, String runtime) {
            return new PackageRule(type, Pattern.compile(regex), runtime, Pattern.compile(regex).matcher("").groupCount() > 0 ? 1 : 0);
        }
    }

    /** In order of preference as evidence: the runtime's main package before its libraries and companions. */
    private static final List<PackageRule> PACKAGES = List.of(
            PackageRule.of("deb", "openjdk-(\\d+)-(?:jre-headless|jre|jdk-headless|jdk)", Runtime.JAVA),
            PackageRule.of("deb", "temurin-(\\d+)-(?:jdk|jre)", Runtime.JAVA),
            PackageRule.of("apk", "openjdk(\\d+)(?:-jre-headless|-jre-base|-jre|-jdk)?", Runtime.JAVA),
            PackageRule.of("rpm", "java-(\\d+|1\\.8\\.0)-openjdk(?:-headless|-devel)?", Runtime.JAVA),
            PackageRule.of("deb", "nodejs", Runtime.NODE),
            PackageRule.of("deb", "libnode\\d+", Runtime.NODE),
            PackageRule.of("apk", "nodejs(?:-current)?", Runtime.NODE),
            PackageRule.of("rpm", "nodejs", Runtime.NODE),
            PackageRule.of("deb", "python(\\d\\.\\d+)", Runtime.PYTHON),
            PackageRule.of("deb", "python(\\d\\.\\d+)-minimal", Runtime.PYTHON),
            PackageRule.of("deb", "libpython(\\d\\.\\d+)-(?:minimal|stdlib)", Runtime.PYTHON),
            PackageRule.of("deb", "libpython(\\d\\.\\d+)", Runtime.PYTHON),
            PackageRule.of("apk", "python[23]", Runtime.PYTHON),
            PackageRule.of("rpm", "python(3\\.\\d+)(?:-libs)?", Runtime.PYTHON),
            PackageRule.of("rpm", "python[23](?:-libs)?", Runtime.PYTHON),
            PackageRule.of("deb", "golang-(\\d\\.\\d+)-go", Runtime.GO),
            PackageRule.of("apk", "go", Runtime.GO),
            PackageRule.of("rpm", "golang(?:-bin)?", Runtime.GO),
            PackageRule.of("deb", "dotnet-runtime-(\\d+\\.\\d+)", Runtime.DOTNET),
            PackageRule.of("deb", "aspnetcore-runtime-(\\d+\\.\\d+)", Runtime.DOTNET),
            PackageRule.of("apk", "dotnet(\\d+)-runtime", Runtime.DOTNET),
            PackageRule.of("apk", "aspnetcore(\\d+)-runtime", Runtime.DOTNET),
            PackageRule.of("rpm", "dotnet-runtime-(\\d+\\.\\d+)", Runtime.DOTNET),
            PackageRule.of("rpm", "aspnetcore-runtime-(\\d+\\.\\d+)", Runtime.DOTNET),
            PackageRule.of("deb", "ruby(\\d\\.\\d+)", Runtime.RUBY),
            PackageRule.of("deb", "libruby(\\d\\.\\d+)", Runtime.RUBY),
            PackageRule.of("apk", "ruby(?:-libs)?", Runtime.RUBY),
            PackageRule.of("rpm", "ruby(?:-libs)?", Runtime.RUBY),
            PackageRule.of("deb", "php(\\d\\.\\d+)-(?:cli|fpm|cgi)", Runtime.PHP),
            PackageRule.of("deb", "libapache2-mod-php(\\d\\.\\d+)", Runtime.PHP),
            PackageRule.of("deb", "php(\\d\\.\\d+)-common", Runtime.PHP),
            PackageRule.of("apk", "php\\d*(?:-common|-fpm|-cgi)?", Runtime.PHP),
            PackageRule.of("rpm", "php(?:-cli|-fpm|-common)?", Runtime.PHP));

    /** Variables the official images (eclipse-temurin, node, python, golang, dotnet, ruby, php) set. */
    private static final Map<String, String> ENV_RUNTIMES = Map.of(
            "JAVA_VERSION", Runtime.JAVA,
            "NODE_VERSION", Runtime.NODE,
            "PYTHON_VERSION", Runtime.PYTHON,
            "GOLANG_VERSION", Runtime.GO,
            "DOTNET_VERSION", Runtime.DOTNET,
            "ASPNET_VERSION", Runtime.DOTNET,
            "RUBY_VERSION", Runtime.RUBY,
            "PHP_VERSION", Runtime.PHP);

    /** How other tools' SBOMs name runtimes as {@code pkg:generic/...} (Syft's binary classifiers among them). */
    private static final Map<String, String> GENERIC_NAMES = Map.ofEntries(
            Map.entry("java", Runtime.JAVA), Map.entry("openjdk", Runtime.JAVA), Map.entry("node", Runtime.NODE),
            Map.entry("nodejs", Runtime.NODE), Map.entry("python", Runtime.PYTHON), Map.entry("go", Runtime.GO),
            Map.entry("golang", Runtime.GO), Map.entry("dotnet", Runtime.DOTNET), Map.entry("ruby", Runtime.RUBY),
            Map.entry("php", Runtime.PHP), Map.entry("php-cli", Runtime.PHP));

    private Runtimes() {
    }

    /** The runtimes the inventory shows. */
    public static List<Runtime> of(Inventory inventory) {
        return of(inventory, List.of());
    }

    /**
     * The runtimes the inventory shows, and those the image config's environment ({@code KEY=value}, as
     * {@code ImageConfig.env()} holds it) names without a file saying otherwise.
     */
    public static List<Runtime> of(Inventory inventory, List<String> env) {
        List<Observation> seen = new ArrayList<>();
        for (Component c : inventory.components()) {
            observe(c).ifPresent(seen::add);
        }
        if (env != null) {
            for (String variable : env) {
                fromEnvironment(variable).ifPresent(seen::add);
            }
        }
        return merge(seen);
    }

    static Optional<Observation> observe(Component c) {
        InstalledPackage p = c.pkg();
        int layer = c.layer() == null ? -1 : c.layer().index();
        String location = p.locations().isEmpty() ? null : "/" + p.locations().get(0);
        if (p.isOsPackage()) {
            return fromPackage(p, location, layer);
        }
        if (p.type().equals("golang") && p.namespace() == null && p.name().equals("stdlib")) {
            String goVersion = p.properties().getOrDefault("goVersion", p.version());
            return RuntimeVersions.go(goVersion).or(() -> RuntimeVersions.go(p.version()))
                    .map(v -> new Observation(Runtime.GO, v, "Go build info of " + (location == null ? c.purl() : location),
                            location, layer, GO_BUILD_INFO, 0));
        }
        if (!p.type().equals(RuntimeAnalyzer.TYPE)) {
            return Optional.empty();
        }
        String runtime = p.properties().get(RuntimeAnalyzer.RUNTIME);
        if (runtime != null && Runtime.NAMES.contains(runtime)) {
            boolean partial = "path".equals(p.properties().get(RuntimeAnalyzer.VERSION_FROM));
            boolean secondFramework = p.properties().containsKey(RuntimeAnalyzer.FRAMEWORK)
                    && !RuntimeAnalyzer.DOTNET_FRAMEWORKS.get(0).equals(p.properties().get(RuntimeAnalyzer.FRAMEWORK));
            String evidence = p.properties().getOrDefault(RuntimeAnalyzer.EVIDENCE, location == null ? c.purl() : location);
            return normalise(runtime, p.version(), true).map(v -> new Observation(runtime, v, evidence, location, layer,
                    partial ? PATH_ONLY : secondFramework ? SECOND_FRAMEWORK : FILE, 0));
        }
        // A runtime another tool's SBOM lists, e.g. Syft's pkg:generic/python@3.11.2.
        String named = GENERIC_NAMES.get(p.name().toLowerCase(Locale.ROOT));
        if (named == null) {
            return Optional.empty();
        }
        return normalise(named, p.version(), true).map(v -> new Observation(named, v, "component " + c.purl(), location, layer,
                OTHER_TOOL, 0));
    }

    private static Optional<Observation> fromPackage(InstalledPackage p, String location, int layer) {
        for (int i = 0; i < PACKAGES.size(); i++) {
            PackageRule rule = PACKAGES.get(i);
            if (!rule.type().equals(p.type())) {
                continue;
            }
            Matcher m = rule.name().matcher(p.name());
            if (!m.matches()) {
                continue;
            }
            Optional<String> version = packageVersion(rule.runtime(), p);
            if (version.isEmpty()) {
                return Optional.empty();
            }
            String v = version.get();
            if (rule.line() > 0) {
                String line = m.group(rule.line());
                if (rule.runtime().equals(Runtime.JAVA) && (line.equals("8") || line.equals("1.8.0"))) {
                    line = "1.8.0";
                }
                if (!RuntimeVersions.covers(line, v)) {
                    v = line; // the name is the surer of the two
                }
            }
            String evidence = p.type().equals("deb") ? "dpkg" : p.type();
            return Optional.of(new Observation(rule.runtime(), v, evidence + " " + p.name() + " " + p.version(), location, layer,
                    PACKAGE, i));
        }
        return Optional.empty();
    }

    private static Optional<String> packageVersion(String runtime, InstalledPackage p) {
        return switch (runtime) {
            case Runtime.JAVA -> RuntimeVersions.java(p.version(), p.type().equals("rpm"));
            case Runtime.GO -> RuntimeVersions.ofPackage(p.version()).flatMap(RuntimeVersions::go);
            default -> RuntimeVersions.ofPackage(p.version());
        };
    }

    /** {@code NAME=value}; anything else (no '=', an unknown name, a value that is no version) is passed over. */
    static Optional<Observation> fromEnvironment(String variable) {
        if (variable == null) {
            return Optional.empty();
        }
        int eq = variable.indexOf('=');
        if (eq <= 0) {
            return Optional.empty();
        }
        String runtime = ENV_RUNTIMES.get(variable.substring(0, eq));
        if (runtime == null) {
            return Optional.empty();
        }
        String value = variable.substring(eq + 1);
        return normalise(runtime, value, false).map(v -> new Observation(runtime, v,
                "image config env " + variable.substring(0, eq) + "=" + shorten(value), null, -1, ENVIRONMENT, 0));
    }

    /**
     * The version in the runtime's usual spelling. {@code stated}: as a component records it, which may carry
     * suffixes a runtime's own file has ({@code 3.12.0a1+}); else as a variable holds it, which must be plain.
     */
    private static Optional<String> normalise(String runtime, String version, boolean stated) {
        Function<String, Optional<String>> f = switch (runtime) {
            case Runtime.JAVA -> v -> RuntimeVersions.java(v, false);
            case Runtime.GO -> RuntimeVersions::go;
            default -> stated ? v -> RuntimeVersions.plain(v).or(() -> RuntimeVersions.stated(v)) : RuntimeVersions::plain;
        };
        try {
            return version == null ? Optional.empty() : f.apply(version);
        } catch (RuntimeException e) {
            return Optional.empty(); // total: an odd value is no version, never an error
        }
    }

    /** One entry per runtime version, each with its strongest observation; see the class comment. */
    static List<Runtime> merge(List<Observation> observations) {
        List<Observation> sorted = new ArrayList<>(observations);
        sorted.sort(Comparator.comparingInt(Observation::strength).reversed().thenComparingInt(Observation::order)
                .thenComparingInt(o -> o.layer() < 0 ? Integer.MAX_VALUE : o.layer())
                .thenComparing(o -> o.path() == null ? "" : o.path()).thenComparing(Observation::version));
        List<Observation> kept = new ArrayList<>();
        for (Observation o : sorted) {
            List<Observation> sameRuntime = kept.stream().filter(k -> k.name().equals(o.name())).toList();
            if (o.strength() == ENVIRONMENT && !sameRuntime.isEmpty()
                    && sameRuntime.stream().noneMatch(k -> k.strength() != ENVIRONMENT && related(k.version(), o.version()))
                    && sameRuntime.stream().anyMatch(k -> k.strength() != ENVIRONMENT)) {
                continue; // the files say otherwise
            }
            if (sameRuntime.stream().anyMatch(k -> RuntimeVersions.covers(o.version(), k.version()))) {
                continue; // the same version, or a part of one, seen with stronger evidence
            }
            Optional<Observation> general = sameRuntime.stream().filter(k -> RuntimeVersions.covers(k.version(), o.version())).findFirst();
            if (general.isPresent()) {
                kept.set(kept.indexOf(general.get()), o); // weaker evidence, but a more precise version
                continue;
            }
            kept.add(o);
        }
        kept.sort(Comparator.comparingInt((Observation o) -> Runtime.NAMES.indexOf(o.name()))
                .thenComparingInt(o -> o.layer() < 0 ? Integer.MAX_VALUE : o.layer()).thenComparing(Observation::version));
        return kept.stream().map(o -> new Runtime(o.name(), o.version(), o.evidence(), o.path(), o.layer())).toList();
    }

    private static boolean related(String a, String b) {
        return RuntimeVersions.covers(a, b) || RuntimeVersions.covers(b, a);
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
