package io.drydock.vulndb.version;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The version schemes Drydock knows, by name. All are stateless singletons. */
public final class VersionSchemes {
    public static final DpkgVersionScheme DPKG = new DpkgVersionScheme();
    public static final ApkVersionScheme APK = new ApkVersionScheme();
    public static final RpmVersionScheme RPM = new RpmVersionScheme();
    public static final MavenVersionScheme MAVEN = new MavenVersionScheme();
    public static final SemVerScheme NPM = SemVerScheme.npm();
    public static final SemVerScheme SEMVER = SemVerScheme.strict();
    public static final Pep440VersionScheme PEP440 = new Pep440VersionScheme();
    public static final GoVersionScheme GO = new GoVersionScheme();
    public static final RubyGemsVersionScheme RUBYGEMS = new RubyGemsVersionScheme();
    public static final NuGetVersionScheme NUGET = new NuGetVersionScheme();
    public static final ComposerVersionScheme COMPOSER = new ComposerVersionScheme();

    private static final List<VersionScheme> ALL =
            List.of(DPKG, APK, RPM, MAVEN, NPM, SEMVER, PEP440, GO, RUBYGEMS, NUGET, COMPOSER);
    private static final Map<String, VersionScheme> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(VersionScheme::name, Function.identity()));

    private VersionSchemes() {
    }

    public static List<VersionScheme> all() {
        return ALL;
    }

    public static Optional<VersionScheme> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
