package io.drydock.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.image.ImageReference;
import io.drydock.policy.PolicyDuration;
import io.drydock.policy.StrictYaml;
import io.drydock.rebuild.RebuildDecision;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configuration of {@code drydock watch}, a YAML file (see docs/watch.md). Read strictly like the policies:
 * unknown keys and duplicates are errors that name the file and the key.
 */
public record WatchConfig(Path file, String store, Poll poll, Notifications notifications, RebuildDecision.Rule rule,
        Duration rebuildTimeout, Duration retryDelay, Duration stepLease, Validation validation, Rollout rollout, List<String> bases,
        List<ImageEntry> images) {
    public WatchConfig {
        bases = List.copyOf(bases);
        images = List.copyOf(images);
    }

    public record Poll(Duration interval, double jitter, int budgetPerRegistry, Duration settle) {
    }

    /** @param listen host:port of the notification endpoint; null when notifications are off */
    public record Notifications(String listen, String tokenEnv) {
    }

    /**
     * @param policy the validation policy
     * @param key the signing key
     * @param passphraseFile a file holding the key's passphrase (a mounted secret); null to take it from the
     *        environment as {@code drydock validate} does
     */
    public record Validation(Path policy, Path key, Path passphraseFile) {
    }

    /** @param kubeconfig a file, "in-cluster", or null for no cluster (images are rebuilt and validated, not rolled out) */
    public record Rollout(Duration timeout, int crashLoopRestarts, List<String> namespaces, String kubeconfig) {
        public Rollout {
            namespaces = List.copyOf(namespaces);
        }
    }

    /**
     * @param image the image as deployed (repository and tag)
     * @param base its base, when neither the lineage graph nor annotations are to be relied on
     * @param target where the rebuilt image is pushed (by default the same tag)
     * @param rule this image's rebuild rule; null for the file's
     * @param refresh how often the image is rebuilt on its current base even when the base did not move (a golden
     *        base whose Dockerfile installs the latest security updates); null for never
     */
    public record ImageEntry(String image, String base, String strategy, JsonNode settings, String target, String group,
            RebuildDecision.Rule rule, Schedule schedule, Duration refresh) {
    }

    /** A reference in the one form the loop compares: registry, repository and tag, no digest. */
    public static String normalise(String reference) {
        ImageReference r = ImageReference.parse(reference);
        return r.withDigest(null).toString();
    }

    public Optional<ImageEntry> image(String reference) {
        String wanted = normalise(reference);
        return images.stream().filter(i -> normalise(i.image()).equals(wanted)).findFirst();
    }

    /** Every base to poll: those listed, and those the images name. */
    public List<String> trackedBases() {
        Set<String> out = new java.util.LinkedHashSet<>();
        bases.forEach(b -> out.add(normalise(b)));
        images.stream().map(ImageEntry::base).filter(b -> b != null).forEach(b -> out.add(normalise(b)));
        // a rebuilt image other images are built on is a base too: its change is how the cascade reaches them
        images.stream().map(ImageEntry::image).map(WatchConfig::normalise)
                .filter(i -> images.stream().anyMatch(o -> o.base() != null && normalise(o.base()).equals(i))).forEach(out::add);
        return List.copyOf(out);
    }

    private static final Set<String> TOP = Set.of("apiVersion", "kind", "store", "catalogue", "poll", "notifications", "rebuild", "validation",
            "rollout", "bases", "groups", "images");
    private static final Set<String> STRATEGIES = Set.of("rebase", "buildah", "kubernetes-job", "jenkins", "github-actions",
            "azure-pipelines", "gitlab", "webhook");

    public static WatchConfig read(Path file) {
        StrictYaml y = new StrictYaml(file, "watch configuration");
        JsonNode root = y.parse(y.bytes());
        if (root == null || !root.isObject()) {
            throw y.error("", "must be a mapping with apiVersion: drydock.io/v1 and kind: WatchConfig");
        }
        known(y, root, "", TOP);
        if (!"drydock.io/v1".equals(y.text(root, "", "apiVersion"))) {
            throw y.error("apiVersion", "must be drydock.io/v1");
        }
        if (!"WatchConfig".equals(y.text(root, "", "kind"))) {
            throw y.error("kind", "must be WatchConfig");
        }
        Path dir = file.toAbsolutePath().getParent();

        JsonNode p = map(y, root, "poll");
        known(y, p, "poll", Set.of("interval", "jitter", "budgetPerRegistry", "settle"));
        double jitter = p.has("jitter") ? number(y, p, "poll.jitter", 0, 1) : 0.1;
        int budget = p.has("budgetPerRegistry") ? (int) number(y, p, "poll.budgetPerRegistry", 1, 100_000) : 1000;
        Poll poll = new Poll(duration(y, p, "poll", "interval", Duration.ofMinutes(5)), jitter, budget,
                durationOrZero(y, p, "poll", "settle", Duration.ZERO));

        JsonNode n = map(y, root, "notifications");
        known(y, n, "notifications", Set.of("listen", "tokenEnv"));
        Notifications notifications = new Notifications(y.text(n, "notifications", "listen"), y.text(n, "notifications", "tokenEnv"));

        JsonNode r = map(y, root, "rebuild");
        known(y, r, "rebuild", Set.of("when", "timeout", "retryDelay", "stepLease"));
        RebuildDecision.Rule rule = rule(y, r, "rebuild");

        JsonNode v = map(y, root, "validation");
        known(y, v, "validation", Set.of("policy", "key", "passphraseFile"));
        String passphraseFile = y.text(v, "validation", "passphraseFile");
        Validation validation = new Validation(dir.resolve(y.requiredText(v, "validation", "policy")),
                dir.resolve(y.requiredText(v, "validation", "key")), passphraseFile == null ? null : dir.resolve(passphraseFile));

        JsonNode ro = map(y, root, "rollout");
        known(y, ro, "rollout", Set.of("timeout", "crashLoopRestarts", "namespaces", "kubeconfig"));
        String kube = y.text(ro, "rollout", "kubeconfig");
        Rollout rollout = new Rollout(duration(y, ro, "rollout", "timeout", Duration.ofMinutes(10)),
                ro.has("crashLoopRestarts") ? (int) number(y, ro, "rollout.crashLoopRestarts", 1, 1000) : 3,
                strings(y, ro, "rollout", "namespaces"), kube == null || kube.equals("in-cluster") || kube.equals("none") ? kube
                        : dir.resolve(kube).toString());

        Map<String, Schedule> groups = new HashMap<>();
        JsonNode g = map(y, root, "groups");
        for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            groups.put(e.getKey(), schedule(y, e.getValue(), "groups." + e.getKey()));
        }

        List<ImageEntry> images = new ArrayList<>();
        JsonNode list = root.get("images");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw y.error("images", "must list the images to keep fresh (each with image: and strategy:)");
        }
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "images entry " + (i + 1);
            JsonNode e = list.get(i);
            if (!e.isObject()) {
                throw y.error(where, "must be a mapping");
            }
            known(y, e, where, Set.of("image", "base", "strategy", "settings", "target", "group", "when", "quietHours", "approval",
                    "refresh"));
            String image = reference(y, y.requiredText(e, where, "image"), StrictYaml.join(where, "image"));
            Integer before = seen.put(normalise(image), i + 1);
            if (before != null) {
                throw y.error(where, "lists " + image + " again (first in entry " + before + ")");
            }
            String base = y.text(e, where, "base");
            String strategy = y.text(e, where, "strategy");
            strategy = strategy == null ? "rebase" : strategy;
            if (!STRATEGIES.contains(strategy)) {
                throw y.error(StrictYaml.join(where, "strategy"), "'" + strategy + "' is not one of " + String.join(", ",
                        STRATEGIES.stream().sorted().toList()));
            }
            JsonNode settings = e.get("settings");
            if (settings != null && !settings.isObject()) {
                throw y.error(StrictYaml.join(where, "settings"), "must be a mapping");
            }
            String target = y.text(e, where, "target");
            String group = y.text(e, where, "group");
            Schedule schedule;
            if (group != null) {
                for (String own : List.of("quietHours", "approval")) {
                    if (e.has(own)) {
                        throw y.error(StrictYaml.join(where, own), "cannot be set with group: the image takes the schedule of group '"
                                + group + "'");
                    }
                }
                if (!groups.containsKey(group)) {
                    throw y.error(StrictYaml.join(where, "group"), "'" + group + "' is not defined under groups");
                }
                schedule = groups.get(group);
            } else {
                schedule = schedule(y, e, where);
            }
            images.add(new ImageEntry(image, base == null ? null : reference(y, base, StrictYaml.join(where, "base")), strategy,
                    settings == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) settings,
                    target == null ? image : reference(y, target, StrictYaml.join(where, "target")), group,
                    e.has("when") ? rule(y, e, where) : null, schedule, refresh(y, e, where, strategy)));
        }
        List<String> bases = new ArrayList<>(strings(y, root, "", "bases").stream().map(b -> reference(y, b, "bases")).toList());
        String catalogue = y.text(root, "", "catalogue");
        if (catalogue != null) {
            goldenBases(y, io.drydock.catalogue.Catalogue.read(dir.resolve(catalogue)), images, bases);
        }
        return new WatchConfig(file, y.text(root, "", "store"), poll, notifications, rule,
                duration(y, r, "rebuild", "timeout", Duration.ofMinutes(30)),
                duration(y, r, "rebuild", "retryDelay", Duration.ofSeconds(30)),
                duration(y, r, "rebuild", "stepLease", Duration.ofMinutes(45)),
                validation, rollout, bases, images);
    }

    /**
     * The catalogue's approved bases join the loop: one built from a Dockerfile is rebuilt by buildah when the base
     * its Dockerfile names moves, and refreshed on its schedule; one taken from upstream is watched. An image the
     * file lists itself keeps its settings and only takes the catalogue's schedule when it has none.
     */
    private static void goldenBases(StrictYaml y, io.drydock.catalogue.Catalogue catalogue, List<ImageEntry> images, List<String> bases) {
        for (io.drydock.catalogue.Catalogue.Base b : catalogue.bases()) {
            String image = normalise(b.image());
            Duration every = b.refresh() == null ? null : b.refresh().every();
            int at = -1;
            for (int i = 0; i < images.size(); i++) {
                if (normalise(images.get(i).image()).equals(image)) {
                    at = i;
                }
            }
            if (at >= 0) {
                ImageEntry e = images.get(at);
                if (e.refresh() == null && every != null && !e.strategy().equals("rebase")) {
                    images.set(at, new ImageEntry(e.image(), e.base(), e.strategy(), e.settings(), e.target(), e.group(), e.rule(),
                            e.schedule(), every));
                }
                continue;
            }
            if (b.upstream() != null) {
                bases.add(normalise(b.upstream()));
                bases.add(image);
                continue;
            }
            Path context = catalogue.resolve(b.context());
            Path dockerfile = catalogue.resolve(b.dockerfile());
            String from;
            try {
                from = io.drydock.lineage.Dockerfile.parse(dockerfile, Map.of()).runtimeBase().orElse(null);
            } catch (DrydockException e) {
                throw y.error("catalogue", "the approved base " + b.image() + " (" + catalogue.file() + " entry " + b.number() + "): "
                        + e.getMessage());
            }
            ObjectNode settings = JsonNodeFactory.instance.objectNode().put("context", context.toString())
                    .put("dockerfile", context.toAbsolutePath().relativize(dockerfile.toAbsolutePath()).toString());
            images.add(new ImageEntry(image, from == null ? null : normalise(from), "buildah", settings, image, null,
                    new RebuildDecision.Rule.AnyChange(), Schedule.ALWAYS, every));
        }
    }

    private static String reference(StrictYaml y, String text, String where) {
        try {
            ImageReference r = ImageReference.parse(text);
            // parse() reads a name without tag as :latest; only a tag written in the file counts
            String name = text.strip();
            name = name.contains("@") ? name.substring(0, name.indexOf('@')) : name;
            if (r.tag() == null || name.lastIndexOf(':') <= name.lastIndexOf('/')) {
                throw y.error(where, "'" + text + "' needs a tag: Drydock watches what a tag points to");
            }
            return r.withDigest(null).toString();
        } catch (DrydockException e) {
            if (e.getMessage().startsWith("the watch configuration")) {
                throw e;
            }
            throw y.error(where, e.getMessage());
        }
    }

    private static Duration refresh(StrictYaml y, JsonNode entry, String where, String strategy) {
        if (!entry.has("refresh")) {
            return null;
        }
        if (strategy.equals("rebase")) {
            throw y.error(StrictYaml.join(where, "refresh"), "a refresh rebuilds the image on the same base, which a rebase cannot do; "
                    + "use a strategy that builds (buildah, kubernetes-job or a CI service)");
        }
        Duration d = duration(y, entry, where, "refresh", null);
        if (d.compareTo(Duration.ofMinutes(1)) < 0) {
            throw y.error(StrictYaml.join(where, "refresh"), "must be at least 1m");
        }
        return d;
    }

    private static RebuildDecision.Rule rule(StrictYaml y, JsonNode map, String where) {
        String when = y.text(map, where, "when");
        try {
            return RebuildDecision.rule(when);
        } catch (DrydockException e) {
            throw y.error(StrictYaml.join(where, "when"), e.getMessage());
        }
    }

    private static Schedule schedule(StrictYaml y, JsonNode map, String where) {
        if (!map.isObject()) {
            throw y.error(where, "must be a mapping");
        }
        if (where.startsWith("groups.")) {
            known(y, map, where, Set.of("quietHours", "approval"));
        }
        List<Schedule.QuietHours> quiet = new ArrayList<>();
        JsonNode q = map.get("quietHours");
        if (q != null) {
            if (!q.isArray()) {
                throw y.error(StrictYaml.join(where, "quietHours"), "must be a list");
            }
            for (int i = 0; i < q.size(); i++) {
                String at = StrictYaml.join(where, "quietHours") + " entry " + (i + 1);
                JsonNode e = q.get(i);
                known(y, e, at, Set.of("days", "from", "to", "zone"));
                Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
                List<String> named = strings(y, e, at, "days");
                if (named.isEmpty()) {
                    days.addAll(EnumSet.allOf(DayOfWeek.class));
                }
                for (String d : named) {
                    days.add(day(y, d, at));
                }
                ZoneId zone;
                try {
                    String z = y.text(e, at, "zone");
                    zone = z == null ? ZoneOffset.UTC : ZoneId.of(z);
                } catch (RuntimeException bad) {
                    throw y.error(StrictYaml.join(at, "zone"), "not a time zone such as UTC or Europe/Paris");
                }
                quiet.add(new Schedule.QuietHours(days, time(y, y.requiredText(e, at, "from"), StrictYaml.join(at, "from")),
                        time(y, y.requiredText(e, at, "to"), StrictYaml.join(at, "to")), zone));
            }
        }
        Duration deadline = null;
        boolean proceed = false;
        JsonNode a = map.get("approval");
        if (a != null) {
            String at = StrictYaml.join(where, "approval");
            known(y, a, at, Set.of("deadline", "onTimeout"));
            deadline = duration(y, a, at, "deadline", Duration.ofHours(24));
            String on = y.text(a, at, "onTimeout");
            if (on != null && !on.equals("proceed") && !on.equals("drop")) {
                throw y.error(StrictYaml.join(at, "onTimeout"), "must be proceed or drop");
            }
            proceed = "proceed".equals(on);
        }
        return new Schedule(quiet, deadline, proceed);
    }

    private static DayOfWeek day(StrictYaml y, String d, String where) {
        for (DayOfWeek w : DayOfWeek.values()) {
            if (w.name().toLowerCase(Locale.ROOT).startsWith(d.toLowerCase(Locale.ROOT)) && d.length() >= 3) {
                return w;
            }
        }
        throw y.error(StrictYaml.join(where, "days"), "'" + d + "' is not a day (mon, tue, … sun)");
    }

    private static LocalTime time(StrictYaml y, String text, String where) {
        if (text.equals("24:00")) {
            return LocalTime.MAX;
        }
        try {
            return LocalTime.parse(text);
        } catch (DateTimeParseException e) {
            throw y.error(where, "'" + text + "' is not a time of day (HH:MM)");
        }
    }

    private static JsonNode map(StrictYaml y, JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!v.isObject()) {
            throw y.error(key, "must be a mapping");
        }
        return v;
    }

    private static void known(StrictYaml y, JsonNode map, String where, Set<String> keys) {
        for (Iterator<String> it = map.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) {
                throw y.error(StrictYaml.join(where, k), "unknown key (known: " + String.join(", ", keys.stream().sorted().toList()) + ")");
            }
        }
    }

    private static List<String> strings(StrictYaml y, JsonNode map, String where, String key) {
        JsonNode v = map.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw y.error(StrictYaml.join(where, key), "must be a list");
        }
        List<String> out = new ArrayList<>();
        v.forEach(e -> {
            if (!e.isValueNode()) {
                throw y.error(StrictYaml.join(where, key), "must list single values");
            }
            out.add(e.asText());
        });
        return out;
    }

    private static double number(StrictYaml y, JsonNode map, String where, double min, double max) {
        JsonNode v = map.get(where.substring(where.lastIndexOf('.') + 1));
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw y.error(where, "must be a number from " + (long) min + " to " + (long) max);
        }
        return v.asDouble();
    }

    private static Duration duration(StrictYaml y, JsonNode map, String where, String key, Duration fallback) {
        Duration d = durationOrZero(y, map, where, key, fallback);
        if (d.isZero()) {
            throw y.error(StrictYaml.join(where, key), "must be more than 0");
        }
        return d;
    }

    private static Duration durationOrZero(StrictYaml y, JsonNode map, String where, String key, Duration fallback) {
        String t = y.text(map, where, key);
        if (t == null) {
            return fallback;
        }
        if (t.equals("0") || t.equals("0s")) {
            return Duration.ZERO;
        }
        return y.convert(t, StrictYaml.join(where, key), PolicyDuration::parse);
    }
}
