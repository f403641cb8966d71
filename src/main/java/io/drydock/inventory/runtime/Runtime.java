package io.drydock.inventory.runtime;

import java.util.List;
import java.util.Objects;

/**
 * A language runtime an image contains, at one version, with the strongest evidence for it.
 *
 * @param name     one of {@link #NAMES}: java, node, python, go, dotnet, ruby, php
 * @param version  as the runtime spells it: {@code 17.0.9} (Java 8: {@code 1.8.0_392}), {@code 18.19.0},
 *                 {@code 3.11.2}, {@code 1.22.3}, {@code 8.0.1}; Python's standard library directory alone gives
 *                 only {@code 3.11}. Not checked against any list of releases: an unknown version is still reported
 * @param evidence what the version was read from, for people: {@code /opt/java/openjdk/release JAVA_VERSION},
 *                 {@code /usr/local/bin/node version string}, {@code dpkg python3.11-minimal 3.11.2-6+deb12u9},
 *                 {@code Go build info of /app/server}, {@code /usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.1},
 *                 {@code image config env NODE_VERSION=18.19.0}
 * @param path     the file in the image the evidence is (absolute, {@code /var/lib/dpkg/status} for a package), or
 *                 null when it came from the image config
 * @param layer    index of the layer that installed that file, or -1 for the image config
 */
public record Runtime(String name, String version, String evidence, String path, int layer) {
    public static final String JAVA = "java";
    public static final String NODE = "node";
    public static final String PYTHON = "python";
    public static final String GO = "go";
    public static final String DOTNET = "dotnet";
    public static final String RUBY = "ruby";
    public static final String PHP = "php";
    public static final List<String> NAMES = List.of(JAVA, NODE, PYTHON, GO, DOTNET, RUBY, PHP);

    public Runtime {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(evidence, "evidence");
    }

    /** Whether this came from the image config rather than from a file. */
    public boolean fromImageConfig() {
        return path == null;
    }

    @Override
    public String toString() {
        return name + " " + version + " (" + evidence + (layer >= 0 ? ", layer " + layer : "") + ")";
    }
}
