package io.drydock.image;

import io.drydock.DrydockException;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A normalised image reference, parsed the way Docker does: {@code alpine} is
 * {@code docker.io/library/alpine:latest}; the first path component is a registry only when it
 * contains a dot or a colon, or is {@code localhost}.
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {
    public static final String DOCKER_HUB = "docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?");

    public static ImageReference parse(String input) {
        if (input == null || input.isBlank()) throw invalid(String.valueOf(input), "it is empty");
        String rest = input.trim();
        if (rest.length() > 512) throw invalid(input, "it is longer than 512 characters");
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (DrydockException e) {
                throw invalid(input, e.getMessage());
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastColon = rest.lastIndexOf(':');
        if (lastColon > rest.lastIndexOf('/')) {
            tag = rest.substring(lastColon + 1);
            rest = rest.substring(0, lastColon);
            if (!TAG.matcher(tag).matches()) throw invalid(input, "tag '" + tag + "' is not valid");
        }
        String registry = DOCKER_HUB;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("[")) {
                if (!HOST.matcher(first).matches()) throw invalid(input, "registry host '" + first + "' is not valid");
                registry = first.toLowerCase(Locale.ROOT);
                path = rest.substring(slash + 1);
            }
        }
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) registry = DOCKER_HUB;
        if (path.isEmpty()) throw invalid(input, "the repository name is empty");
        for (String component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                String why = component.chars().anyMatch(Character::isUpperCase)
                        ? "repository names must be lowercase" : "path component '" + component + "' is not valid";
                throw invalid(input, why);
            }
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) path = "library/" + path;
        if (tag == null && digest == null) tag = "latest";
        return new ImageReference(registry, path, tag, digest);
    }

    private static DrydockException invalid(String input, String why) {
        return new DrydockException("invalid image reference '" + input + "': " + why);
    }

    /** The host to talk to: Docker Hub's API lives on a different name than its references. */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    /** The digest if pinned, else the tag: what goes in {@code /v2/<name>/manifests/<ref>}. */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(registry, repository, tag, newDigest);
    }

    public ImageReference withTag(String newTag) {
        return new ImageReference(registry, repository, newTag, null);
    }

    public ImageReference withRepository(String newRepository) {
        return new ImageReference(registry, newRepository, tag, digest);
    }

    public String name() {
        return registry + "/" + repository;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name());
        if (tag != null) sb.append(':').append(tag);
        if (digest != null) sb.append('@').append(digest);
        return sb.toString();
    }
}
