package io.drydock.rebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageConfig;
import io.drydock.image.ImageIndex;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.ImageResolver;
import io.drydock.image.Manifest;
import io.drydock.image.ManifestCodec;
import io.drydock.image.Platform;
import io.drydock.image.registry.RegistryClient;
import io.drydock.layer.LayerEntry;
import io.drydock.layer.LayerInfo;
import io.drydock.layer.LayerReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Rebase in the registry, with no build: the old base's layers at the bottom of an image are replaced by the new
 * base's, in the manifest and in the config (diffIDs, history), and the result is pushed; blobs travel by
 * cross-repository mount. Nothing is rebuilt, so this is right only when the image's own layers do not depend on
 * what changed in the base; every condition under which that is doubtful is a refusal with its reason.
 *
 * <p>The output is a function of the three inputs only (no timestamps are added), so a retried rebase after a
 * crash pushes the same digest again instead of a second image.
 */
public final class Rebase {
    /** Package databases: a layer above the base that writes one would describe the old base's packages. */
    static final List<String> PACKAGE_DATABASES = List.of("var/lib/dpkg/status", "var/lib/dpkg/status.d/", "lib/apk/db/installed",
            "var/lib/rpm/", "usr/lib/sysimage/rpm/");
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);
    private static final long MAX_CONFIG_BYTES = 4L << 20;

    private final RegistryClient client;

    public Rebase(RegistryClient client) {
        this.client = client;
    }

    /** Why a rebase cannot be done safely; the image is left as it was. */
    public static final class Refused extends DrydockException {
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * @param image the image to rebase (tag or digest)
     * @param oldBase the base it was built on (tag or digest: its layers must be the image's bottom layers)
     * @param newBase the base to put under it instead
     * @param target where to push the result (repository and tag)
     */
    public record Request(ImageReference image, ImageReference oldBase, ImageReference newBase, ImageReference target) {
        public Request {
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(oldBase, "oldBase");
            Objects.requireNonNull(newBase, "newBase");
            Objects.requireNonNull(target, "target");
        }
    }

    /**
     * @param baseLayers the new base's layer count, now at the bottom
     * @param imageLayers the image's own layers kept on top
     * @param mounted blobs the registry mounted from another repository; {@code copied} ones were streamed through
     */
    public record Result(Digest digest, ImageManifest manifest, Digest newBaseDigest, Digest previousDigest, int baseLayers,
            int imageLayers, int mounted, int copied) {
    }

    /** The parts of one image needed here: manifest and config. */
    private record Loaded(ImageReference ref, ImageManifest manifest, ImageConfig config, byte[] configRaw) {
        Platform platform() {
            return new Platform(config.os(), config.architecture(), config.variant(), null);
        }
    }

    /** Checks everything, builds the rebased manifest and config, and pushes them. */
    public Result rebase(Request request) {
        Loaded image = load(request.image(), null, "the image");
        Loaded oldBase = load(request.oldBase(), image.platform(), "the old base");
        Loaded newBase = load(request.newBase(), image.platform(), "the new base");
        Plan plan = plan(image, oldBase, newBase);
        return push(request, image, newBase, plan);
    }

    private record Plan(ImageManifest manifest, byte[] configRaw, int keptLayers) {
    }

    private Plan plan(Loaded image, Loaded oldBase, Loaded newBase) {
        String what = image.ref() + " from " + oldBase.ref() + " onto " + newBase.ref();
        if (!samePlatform(image.platform(), newBase.platform()) || !samePlatform(image.platform(), oldBase.platform())) {
            throw new Refused("cannot rebase " + what + ": the image is " + image.platform() + ", the old base "
                    + oldBase.platform() + " and the new base " + newBase.platform() + "; OS and architecture must match");
        }
        int baseCount = oldBase.manifest().layers().size();
        List<Descriptor> layers = image.manifest().layers();
        if (baseCount >= layers.size()) {
            throw new Refused("cannot rebase " + what + ": the image has " + layers.size() + " layer(s) and the old base " + baseCount
                    + "; the image adds nothing on top of it (is it the base itself?)");
        }
        for (int i = 0; i < baseCount; i++) {
            Digest mine = layers.get(i).digest();
            Digest base = oldBase.manifest().layers().get(i).digest();
            if (!mine.equals(base)) {
                throw new Refused("cannot rebase " + what + ": the old base's layers are not an exact prefix of the image's (layer "
                        + (i + 1) + " is " + mine.shortHex() + " in the image and " + base.shortHex() + " in the base)");
            }
        }
        List<Digest> diffIds = image.config().diffIds();
        if (diffIds.size() != layers.size() || !diffIds.subList(0, baseCount).equals(oldBase.config().diffIds())) {
            throw new Refused("cannot rebase " + what + ": the image config's diffIDs do not start with the old base's");
        }
        inheritedConfigChanges(image.config(), oldBase.config(), newBase.config()).ifPresent(change -> {
            throw new Refused("cannot rebase " + what + ": " + change);
        });
        for (int i = baseCount; i < layers.size(); i++) {
            Optional<String> database = packageDatabaseWrite(image, i);
            if (database.isPresent()) {
                List<String> createdBy = image.config().createdByPerLayer(layers.size());
                throw new Refused("cannot rebase " + what + ": image layer " + (i + 1) + " (" + createdBy.get(i) + ") writes "
                        + database.get() + ", a package database; on a new base it would describe the old base's packages, "
                        + "so the image must be rebuilt instead");
            }
        }

        List<Descriptor> newLayers = new ArrayList<>(newBase.manifest().layers());
        newLayers.addAll(layers.subList(baseCount, layers.size()));
        byte[] config = rebasedConfig(image, oldBase, newBase, baseCount);
        Descriptor configDescriptor = new Descriptor(image.manifest().config().mediaType(), Digest.sha256(config), config.length, null,
                Map.of(), null);
        Map<String, String> annotations = new LinkedHashMap<>(image.manifest().annotations());
        annotations.put("org.opencontainers.image.base.name", newBase.ref().withDigest(null).toString());
        annotations.put("org.opencontainers.image.base.digest", newBase.manifest().digest().toString());
        ImageManifest manifest = ManifestCodec.writeManifest(image.manifest().mediaType(), image.manifest().artifactType(),
                configDescriptor, newLayers, annotations, image.manifest().subject());
        return new Plan(manifest, config, layers.size() - baseCount);
    }

    private static boolean samePlatform(Platform a, Platform b) {
        return Objects.equals(a.os(), b.os()) && Objects.equals(a.architecture(), b.architecture())
                && Objects.equals(emptyToNull(a.variant()), emptyToNull(b.variant()));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * The first setting the image takes from its base unchanged (so it was inherited, not set by the image) whose
     * value the new base changes: the rebased image would silently run with the new value.
     */
    static Optional<String> inheritedConfigChanges(ImageConfig image, ImageConfig oldBase, ImageConfig newBase) {
        Map<String, String> imageEnv = env(image.env());
        Map<String, String> oldEnv = env(oldBase.env());
        Map<String, String> newEnv = env(newBase.env());
        for (Map.Entry<String, String> e : oldEnv.entrySet()) {
            String name = e.getKey();
            if (Objects.equals(imageEnv.get(name), e.getValue()) && !Objects.equals(newEnv.get(name), e.getValue())) {
                return Optional.of("the image inherits ENV " + name + "=" + e.getValue() + " from the old base, and the new base "
                        + (newEnv.containsKey(name) ? "sets " + name + "=" + newEnv.get(name) : "no longer sets it"));
            }
        }
        List<Object[]> settings = List.of(
                new Object[] {"USER", image.user(), oldBase.user(), newBase.user()},
                new Object[] {"ENTRYPOINT", image.entrypoint(), oldBase.entrypoint(), newBase.entrypoint()},
                new Object[] {"CMD", image.cmd(), oldBase.cmd(), newBase.cmd()},
                new Object[] {"WORKDIR", image.workingDir(), oldBase.workingDir(), newBase.workingDir()});
        for (Object[] s : settings) {
            Object mine = blankToNull(s[1]);
            Object old = blankToNull(s[2]);
            Object next = blankToNull(s[3]);
            if (Objects.equals(mine, old) && !Objects.equals(old, next)) {
                return Optional.of("the image inherits " + s[0] + " " + old + " from the old base, and the new base has " + next);
            }
        }
        return Optional.empty();
    }

    private static Object blankToNull(Object v) {
        return v instanceof String s && s.isEmpty() ? null : v;
    }

    private static Map<String, String> env(List<String> entries) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String e : entries) {
            int eq = e.indexOf('=');
            out.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
        }
        return out;
    }

    /** The package database path layer {@code index} of the image writes or deletes, if any. */
    private Optional<String> packageDatabaseWrite(Loaded image, int index) {
        Descriptor layer = image.manifest().layers().get(index);
        String[] found = new String[1];
        try (InputStream in = client.blob(image.ref(), layer)) {
            new LayerReader().read(in, image.ref().toString(), new LayerInfo(index, layer.digest().toString(),
                    image.config().diffIds().get(index).toString(), null), new io.drydock.layer.LayerVisitor() {
                        @Override
                        public void entry(LayerEntry entry, io.drydock.layer.EntryContent content) {
                            note(entry.path());
                        }

                        @Override
                        public void whiteout(String path) {
                            note(path);
                        }

                        private void note(String path) {
                            if (found[0] == null && isPackageDatabase(path)) {
                                found[0] = path;
                            }
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("reading layer " + (index + 1) + " of " + image.ref(), e);
        }
        return Optional.ofNullable(found[0]);
    }

    static boolean isPackageDatabase(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        for (String db : PACKAGE_DATABASES) {
            if (db.endsWith("/") ? p.startsWith(db) && p.length() > db.length() : p.equals(db)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The image's config with the old base's part replaced: diffIDs and history from the new base, then the
     * image's own. Every other field (env, labels, created) stays exactly as the image had it.
     */
    private static byte[] rebasedConfig(Loaded image, Loaded oldBase, Loaded newBase, int baseCount) {
        ObjectNode root;
        ObjectNode newRoot;
        try {
            root = (ObjectNode) JSON.readTree(image.configRaw());
            newRoot = (ObjectNode) JSON.readTree(newBase.configRaw());
        } catch (IOException | ClassCastException e) {
            throw new DrydockException("the config of " + image.ref() + " or " + newBase.ref() + " is not a JSON object");
        }
        ArrayNode diffIds = JSON.createArrayNode();
        newBase.config().diffIds().forEach(d -> diffIds.add(d.toString()));
        image.config().diffIds().subList(baseCount, image.config().diffIds().size()).forEach(d -> diffIds.add(d.toString()));
        ObjectNode rootfs = JSON.createObjectNode();
        rootfs.put("type", "layers");
        rootfs.set("diff_ids", diffIds);
        root.set("rootfs", rootfs);

        ArrayNode history = JSON.createArrayNode();
        JsonNode newHistory = newRoot.path("history");
        newHistory.forEach(history::add);
        JsonNode imageHistory = root.path("history");
        int oldEntries = oldBase.config().history().size();
        // the image's history starts with the old base's entries when it was built FROM it; if it does not, only the
        // image's own layers can be placed, and they are the entries after as many non-empty ones as the old base had
        int skip = historyPrefixLength(imageHistory, oldEntries, baseCount);
        for (int i = skip; i < imageHistory.size(); i++) {
            history.add(imageHistory.get(i));
        }
        if (!imageHistory.isMissingNode() || !newHistory.isMissingNode()) {
            root.set("history", history);
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many of the image's history entries belong to the old base: those covering its {@code baseLayers} layers. */
    private static int historyPrefixLength(JsonNode history, int oldEntries, int baseLayers) {
        int layersSeen = 0;
        int i = 0;
        while (i < history.size() && layersSeen < baseLayers) {
            if (!history.get(i).path("empty_layer").asBoolean(false)) {
                layersSeen++;
            }
            i++;
        }
        // trailing empty entries of the base (ENV, CMD) belong to it too
        while (i < history.size() && i < oldEntries && history.get(i).path("empty_layer").asBoolean(false)) {
            i++;
        }
        return i;
    }

    private Result push(Request request, Loaded image, Loaded newBase, Plan plan) {
        ImageReference target = request.target();
        int mounted = 0;
        int copied = 0;
        List<Descriptor> layers = plan.manifest().layers();
        int baseLayers = layers.size() - plan.keptLayers();
        for (int i = 0; i < layers.size(); i++) {
            Descriptor layer = layers.get(i);
            ImageReference from = i < baseLayers ? newBase.ref() : image.ref();
            switch (transfer(from, target, layer)) {
                case MOUNTED -> mounted++;
                case COPIED -> copied++;
                case PRESENT -> { }
            }
        }
        byte[] config = plan.configRaw();
        client.pushBlob(target, plan.manifest().config().digest(), config.length, () -> new ByteArrayInputStream(config));
        Digest pushed = client.pushManifest(target, target.tag() != null ? target.tag() : plan.manifest().digest().toString(),
                plan.manifest());
        return new Result(pushed, plan.manifest(), newBase.manifest().digest(), image.manifest().digest(), baseLayers,
                plan.keptLayers(), mounted, copied);
    }

    private enum Transfer { PRESENT, MOUNTED, COPIED }

    private Transfer transfer(ImageReference from, ImageReference target, Descriptor layer) {
        boolean sameRepository = from.registry().equals(target.registry()) && from.repository().equals(target.repository());
        if (sameRepository || client.blobExists(target, layer.digest())) {
            return Transfer.PRESENT;
        }
        if (from.registry().equals(target.registry()) && client.mountBlob(target, layer.digest(), from.repository())) {
            return Transfer.MOUNTED;
        }
        client.uploadBlob(target, layer.digest(), layer.size(), () -> client.blob(from, layer));
        return Transfer.COPIED;
    }

    private Loaded load(ImageReference ref, Platform platform, String what) {
        Manifest m = client.manifest(ref);
        ImageReference pinned = ref;
        if (m instanceof ImageIndex index) {
            Platform wanted = platform != null ? platform : Platform.LINUX_AMD64;
            Descriptor chosen = ImageResolver.selectPlatform(index, wanted, what + " " + ref);
            m = client.manifest(ref, chosen.digest().toString());
        }
        if (!(m instanceof ImageManifest manifest)) {
            throw new DrydockException(what + " " + ref + " is not an image manifest");
        }
        byte[] raw;
        try (InputStream in = client.blob(pinned, manifest.config())) {
            raw = in.readNBytes((int) Math.min(MAX_CONFIG_BYTES, manifest.config().size() + 1));
        } catch (IOException e) {
            throw new DrydockException("cannot read the config of " + what + " " + ref + ": " + DrydockException.reason(e), e);
        }
        if (raw.length > MAX_CONFIG_BYTES) {
            throw new DrydockException("the config of " + what + " " + ref + " is larger than " + MAX_CONFIG_BYTES + " bytes");
        }
        return new Loaded(ref, manifest, ImageConfig.parse(raw, what + " " + ref), raw);
    }
}
