package io.drydock.inventory.sbom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.packageurl.PackageURL;
import io.drydock.DrydockException;
import io.drydock.inventory.Component;
import io.drydock.inventory.Inventory;
import io.drydock.inventory.OsRelease;
import io.drydock.layer.LayerInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads an SBOM into an {@link Inventory}, so an image can be scanned from the SBOM its build published instead of
 * from its layers: CycloneDX 1.4 to 1.6 JSON and SPDX 2.2 and 2.3 JSON.
 * <p>
 * An SBOM Drydock wrote reads back into the inventory it was written from (less each OS package's file list, which
 * no format carries). Any other SBOM is read from its purls: the layers are unknown then, so every package is put
 * in one layer with index 0 and digest {@code unknown}; packages without a purl are left out and named in a warning.
 * Whatever is wrong with the input is a {@link DrydockException} that names it.
 */
public final class SbomReader {
    /** Far above any real SBOM (a large image's is tens of MiB), low enough that the parsed tree fits in a default heap. */
    static final long MAX_BYTES = 512L * 1024 * 1024;

    /** The digest of an image or layer the SBOM does not name. */
    static final String UNKNOWN = "unknown";
    /** Where packages go when the SBOM does not say which layer installed them. */
    static final LayerInfo UNKNOWN_LAYER = new LayerInfo(0, UNKNOWN, null, null);

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}");

    private SbomReader() {
    }

    public static Inventory read(Path file) {
        String where = file.toString();
        byte[] json;
        try {
            if (Files.isRegularFile(file) && Files.size(file) > MAX_BYTES) throw tooLarge(where);
            // Read through a bound rather than trusting the size: a pipe (--sbom <(syft …)) has none.
            try (InputStream in = Files.newInputStream(file)) {
                json = in.readNBytes((int) MAX_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            throw new DrydockException(where + ": no such file");
        } catch (AccessDeniedException e) {
            throw new DrydockException(where + ": permission denied", e);
        } catch (FileSystemException e) {
            // Its message repeats the path; the reason alone reads better after ours.
            throw new DrydockException(where + ": cannot read the SBOM: " + (e.getReason() != null ? e.getReason() : e.getMessage()), e);
        } catch (IOException e) {
            throw new DrydockException(where + ": cannot read the SBOM: " + DrydockException.reason(e), e);
        }
        return read(json, where);
    }

    /** @param where how messages name the document, usually its file name */
    public static Inventory read(byte[] json, String where) {
        if (json.length > MAX_BYTES) throw tooLarge(where);
        SbomInput input = new SbomInput(where);
        JsonNode root = parse(json, input);
        try {
            if (root.has("bomFormat")) {
                if (!"CycloneDX".equals(text(root, "bomFormat"))) {
                    throw input.error("bomFormat is '" + root.get("bomFormat").asText() + "', not 'CycloneDX'; Drydock reads CycloneDX and SPDX JSON");
                }
                return CycloneDxReader.read(root, input);
            }
            if (root.has("spdxVersion")) return SpdxReader.read(root, input);
            if (root.has("@context") && root.get("@context").toString().contains("spdx")) {
                throw input.error("this looks like SPDX 3 (JSON-LD), which Drydock does not read; use SPDX 2.3 JSON or CycloneDX");
            }
            throw input.error("the JSON is neither a CycloneDX SBOM (bomFormat \"CycloneDX\") nor an SPDX one (spdxVersion \"SPDX-2.x\")");
        } catch (DrydockException e) {
            throw e;
        } catch (RuntimeException e) {
            // A document of the right shape with a value no one expected must still end in a message, not a trace.
            throw new DrydockException(where + ": cannot read the SBOM: " + e, e);
        }
    }

    private static JsonNode parse(byte[] json, SbomInput input) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw input.error("not JSON: " + e.getOriginalMessage() + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw input.error("not JSON: " + DrydockException.reason(e));
        }
        if (root == null || root.isMissingNode()) throw input.error("the file is empty, not an SBOM");
        if (!root.isObject()) {
            throw input.error("the JSON is a " + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + ", not a CycloneDX or SPDX document (a JSON object)");
        }
        return root;
    }

    private static DrydockException tooLarge(String where) {
        return new DrydockException(where + ": larger than " + (MAX_BYTES >> 20) + " MiB, the most Drydock reads as an SBOM; refused");
    }

    /**
     * The inventory of a document: the synthetic layer is listed when packages were put in it and the document
     * lists no layers of its own.
     */
    static Inventory assemble(String image, String digest, OsRelease os, List<LayerInfo> layers, List<Component> components, SbomInput input) {
        List<LayerInfo> listed = layers;
        if (layers.isEmpty() && components.stream().anyMatch(c -> c.layer().equals(UNKNOWN_LAYER))) listed = List.of(UNKNOWN_LAYER);
        return new Inventory(image, digest, os, listed, components, input.warnings());
    }

    /** The image digest: the version the document gives the image when it is one, else the version of the image's oci purl. */
    static String digestOf(String version, PackageURL imagePurl) {
        if (version != null && DIGEST.matcher(version).matches()) return version;
        if (imagePurl != null && PurlPackages.namesAnImage(imagePurl) && imagePurl.getVersion() != null
                && DIGEST.matcher(imagePurl.getVersion()).matches()) {
            return imagePurl.getVersion();
        }
        return UNKNOWN;
    }

    static int layerIndex(String value, String what, SbomInput input) {
        try {
            int index = Integer.parseInt(value.trim());
            if (index >= 0) return index;
        } catch (NumberFormatException e) {
            // reported below, with the value
        }
        throw input.error(what + " names layer index '" + value + "', which is not a layer position (0, 1, …)");
    }

    /** A scalar field as text; null when absent, blank, or not a scalar. */
    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isValueNode() || v.isNull()) return null;
        String s = v.asText();
        return s.isBlank() ? null : s;
    }
}
