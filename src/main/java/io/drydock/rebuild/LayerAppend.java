package io.drydock.rebuild;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.ManifestCodec;
import io.drydock.image.local.BuiltLayer;
import io.drydock.image.local.LayerBuilder;
import io.drydock.image.registry.RegistryClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pushes a new image made of an existing one plus one layer, in the registry, without a build: what a Dockerfile
 * of {@code FROM base} and one {@code COPY} gives, deterministically (same inputs, same digest). The demo and the
 * tests make base updates with it, and a golden base's refresh can add its security-update layer the same way.
 */
public final class LayerAppend {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LayerAppend() {
    }

    /**
     * @param env variables to set in the new image's config (NAME → value), after the base's
     * @param created the creation time written in the config and history, e.g. {@code 2026-11-26T00:00:00Z}
     * @return the pushed manifest
     */
    public static ImageManifest push(RegistryClient client, ImageReference base, LayerBuilder layer, String createdBy,
            Map<String, String> env, String created, ImageReference target) {
        Manifest m = client.manifest(base);
        if (!(m instanceof ImageManifest manifest)) {
            throw new DrydockException(base + " is not a single-platform image manifest");
        }
        byte[] configRaw;
        try (InputStream in = client.blob(base, manifest.config())) {
            configRaw = in.readAllBytes();
        } catch (IOException e) {
            throw new DrydockException("cannot read the config of " + base + ": " + DrydockException.reason(e), e);
        }
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        BuiltLayer built = layer.writeTo(blob);
        byte[] layerBytes = blob.toByteArray();

        ObjectNode config;
        try {
            config = (ObjectNode) JSON.readTree(configRaw);
        } catch (IOException | ClassCastException e) {
            throw new DrydockException("the config of " + base + " is not a JSON object");
        }
        config.put("created", created);
        ObjectNode rootfs = config.with("rootfs");
        rootfs.put("type", "layers");
        rootfs.withArray("diff_ids").add(built.diffId().toString());
        ArrayNode history = config.withArray("history");
        history.addObject().put("created", created).put("created_by", createdBy);
        if (!env.isEmpty()) {
            ObjectNode inner = config.with("config");
            Map<String, String> merged = new LinkedHashMap<>();
            inner.withArray("Env").forEach(e -> {
                String s = e.asText();
                int eq = s.indexOf('=');
                merged.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
            });
            merged.putAll(env);
            ArrayNode out = inner.putArray("Env");
            merged.forEach((k, v) -> out.add(k + "=" + v));
        }
        byte[] newConfig;
        try {
            newConfig = JSON.writeValueAsBytes(config);
        } catch (IOException e) {
            throw new DrydockException("cannot write the config: " + DrydockException.reason(e), e);
        }
        Descriptor configDescriptor = Descriptor.of(manifest.config().mediaType(), Digest.sha256(newConfig), newConfig.length);
        List<Descriptor> layers = new java.util.ArrayList<>(manifest.layers());
        layers.add(built.descriptor(manifest.layers().isEmpty() ? io.drydock.image.MediaTypes.OCI_LAYER_GZIP
                : manifest.layers().get(0).mediaType()));
        ImageManifest result = ManifestCodec.writeManifest(manifest.mediaType(), null, configDescriptor, layers,
                Map.of("org.opencontainers.image.base.name", base.withDigest(null).toString(),
                        "org.opencontainers.image.base.digest", manifest.digest().toString()), null);

        boolean sameRepository = base.registry().equals(target.registry()) && base.repository().equals(target.repository());
        for (Descriptor d : manifest.layers()) {
            if (!sameRepository && !client.blobExists(target, d.digest())
                    && !(base.registry().equals(target.registry()) && client.mountBlob(target, d.digest(), base.repository()))) {
                client.uploadBlob(target, d.digest(), d.size(), () -> client.blob(base, d));
            }
        }
        client.pushBlob(target, built.digest(), built.size(), () -> new ByteArrayInputStream(layerBytes));
        client.pushBlob(target, configDescriptor.digest(), newConfig.length, () -> new ByteArrayInputStream(newConfig));
        client.pushManifest(target, target.tag() != null ? target.tag() : result.digest().toString(), result);
        return result;
    }
}
