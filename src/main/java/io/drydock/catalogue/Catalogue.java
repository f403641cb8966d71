package io.drydock.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.DrydockException;
import io.drydock.image.Digest;
import io.drydock.image.ImageReference;
import io.drydock.policy.PolicyDuration;
import io.drydock.policy.StrictYaml;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The golden base catalogue ({@code docs/policy.md}, "Golden base catalogue"): the approved base images, by
 * repository and tag, each with where it comes from (a Dockerfile and its context, or an upstream image), its owner
 * and how often it is refreshed. Read strictly, like a policy: an unknown key, a duplicated key or entry, a missing
 * owner or an unreadable refresh is an error naming the file and the entry.
 *
 * @param file where it was read from, for messages
 * @param digest {@code sha256:<hex>} of the file's bytes, which a verdict records with the policy
 */
public record Catalogue(Path file, String digest, List<Base> bases) {
    public static final String API_VERSION = "drydock.io/v1";
    public static final String KIND = "BaseCatalogue";

    private static final List<String> TOP_KEYS = List.of("apiVersion", "kind", "bases");
    private static final List<String> BASE_KEYS = List.of("image", "owner", "dockerfile", "context", "upstream", "refresh",
            "description");

    public Catalogue {
        bases = List.copyOf(bases);
    }

    /**
     * One approved base.
     *
     * @param number counts from 1 in file order, for messages
     * @param image the approved reference, {@code registry/repository:tag}, as written
     * @param dockerfile the Dockerfile it is built from, relative to the catalogue file as written; null for an upstream base
     * @param context the build context; the Dockerfile's directory when the entry names none; null for an upstream base
     * @param upstream the upstream image it is taken from; null for a base built here
     * @param description null when none
     */
    public record Base(int number, String image, String owner, String dockerfile, String context, String upstream,
                       Refresh refresh, String description) {
        /** Where it comes from, for people: {@code dockerfile bases/debian/Dockerfile (context bases/debian)} or {@code upstream debian:12}. */
        public String source() {
            return upstream != null ? "upstream " + upstream : "dockerfile " + dockerfile + " (context " + context + ")";
        }

        /** The reference normalised ({@code docker.io/library/debian:12}), for comparing with other references. */
        public String key() {
            return Catalogue.key(image);
        }
    }

    /**
     * How often a base is rebuilt or re-pulled.
     *
     * @param text as written: {@code daily}, {@code weekly} or a duration such as {@code 7d}
     */
    public record Refresh(String text, Duration every) {
        static Refresh parse(String text) {
            String t = text.strip().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "daily" -> new Refresh(t, Duration.ofDays(1));
                case "weekly" -> new Refresh(t, Duration.ofDays(7));
                default -> {
                    try {
                        yield new Refresh(text.strip(), PolicyDuration.parse(t));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("'" + text + "' is not a refresh schedule: write daily, weekly"
                                + " or a duration such as 7d or 12h");
                    }
                }
            };
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** @throws DrydockException naming the file, and the entry and key, when it cannot be read or is not a catalogue */
    public static Catalogue read(Path file) {
        StrictYaml yaml = new StrictYaml(file, "base catalogue");
        byte[] bytes = yaml.bytes();
        JsonNode root = yaml.parse(bytes);
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw yaml.error("", "the file is empty; a catalogue starts with apiVersion: " + API_VERSION + " and kind: " + KIND);
        }
        if (!root.isObject()) {
            throw yaml.error("", "a catalogue is a map with apiVersion, kind and bases");
        }
        String apiVersion = yaml.requiredText(root, "", "apiVersion");
        if (!apiVersion.equals(API_VERSION)) {
            throw yaml.error("apiVersion", "'" + apiVersion + "' is not supported; this version of Drydock reads " + API_VERSION);
        }
        String kind = yaml.requiredText(root, "", "kind");
        if (!kind.equals(KIND)) {
            throw yaml.error("kind", "'" + kind + "' is not " + KIND);
        }
        onlyKnownKeys(yaml, root, "", TOP_KEYS);
        JsonNode list = root.get("bases");
        if (list == null || list.isNull()) {
            throw yaml.error("bases", "required: the list of approved bases");
        }
        if (!list.isArray()) {
            throw yaml.error("bases", "must be a list of entries with image, owner, dockerfile or upstream, and refresh");
        }
        if (list.isEmpty()) {
            throw yaml.error("bases", "is empty; a catalogue that approves no base would fail every image");
        }
        List<Base> bases = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        int n = 0;
        for (JsonNode e : list) {
            n++;
            String where = "bases entry " + n;
            if (!e.isObject()) {
                throw yaml.error(where, "must be a map with image, owner, dockerfile or upstream, and refresh");
            }
            onlyKnownKeys(yaml, e, where, BASE_KEYS);
            String image = yaml.requiredText(e, where, "image");
            ImageReference ref = reference(yaml, image, StrictYaml.join(where, "image"));
            if (ref.digest() != null) {
                throw yaml.error(StrictYaml.join(where, "image"), "'" + image + "' names a digest; approve a base by repository and tag,"
                        + " so that its refreshes stay approved");
            }
            Integer before = seen.putIfAbsent(key(image), n);
            if (before != null) {
                throw yaml.error(StrictYaml.join(where, "image"), "'" + image + "' is already bases entry " + before);
            }
            String owner = yaml.requiredText(e, where, "owner");
            String dockerfile = yaml.text(e, where, "dockerfile");
            String context = yaml.text(e, where, "context");
            String upstream = yaml.text(e, where, "upstream");
            if (dockerfile != null && upstream != null) {
                throw yaml.error(StrictYaml.join(where, "upstream"), "an entry is built from a dockerfile or taken from upstream, not both");
            }
            if (dockerfile == null && upstream == null) {
                throw yaml.error(where, "say where the base comes from: dockerfile (with context) or upstream");
            }
            if (context != null && dockerfile == null) {
                throw yaml.error(StrictYaml.join(where, "context"), "a context goes with a dockerfile; an upstream base has none");
            }
            if (upstream != null) {
                reference(yaml, upstream, StrictYaml.join(where, "upstream"));
            }
            if (dockerfile != null && context == null) {
                Path parent = Path.of(dockerfile).getParent();
                context = parent == null ? "." : parent.toString();
            }
            String refresh = yaml.requiredText(e, where, "refresh");
            Refresh schedule = yaml.convert(refresh, StrictYaml.join(where, "refresh"), Refresh::parse);
            bases.add(new Base(n, image, owner, dockerfile, context, upstream, schedule, yaml.text(e, where, "description")));
        }
        return new Catalogue(file, Digest.sha256(bytes).toString(), bases);
    }

    /** The entry approving {@code reference} (compared normalised, without a digest), if any. */
    public Optional<Base> find(String reference) {
        String k = key(reference);
        return bases.stream().filter(b -> b.key().equals(k)).findFirst();
    }

    /** A directory relative to the catalogue file. */
    public Path resolve(String relative) {
        Path dir = file.toAbsolutePath().getParent();
        return dir == null ? Path.of(relative) : dir.resolve(relative);
    }

    /** {@code registry/repository:tag} with Docker Hub's defaults filled in and any digest dropped; the text itself when unparsable. */
    public static String key(String reference) {
        try {
            ImageReference r = ImageReference.parse(reference.strip());
            return r.registry() + "/" + r.repository() + (r.tag() == null ? "" : ":" + r.tag());
        } catch (DrydockException | IllegalArgumentException e) {
            return reference.strip();
        }
    }

    private static ImageReference reference(StrictYaml yaml, String text, String where) {
        try {
            return ImageReference.parse(text);
        } catch (DrydockException | IllegalArgumentException e) {
            throw yaml.error(where, "'" + text + "' is not an image reference: " + e.getMessage());
        }
    }

    private static void onlyKnownKeys(StrictYaml yaml, JsonNode map, String where, List<String> allowed) {
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!allowed.contains(e.getKey())) {
                throw yaml.error(where, "unknown key '" + e.getKey() + "' (allowed: " + String.join(", ", allowed) + ")");
            }
        }
    }
}
