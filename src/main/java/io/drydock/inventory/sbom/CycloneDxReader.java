package io.drydock.inventory.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.packageurl.PackageURL;
import io.drydock.inventory.Component;
import io.drydock.inventory.InstalledPackage;
import io.drydock.inventory.Inventory;
import io.drydock.inventory.OsRelease;
import io.drydock.inventory.Purls;
import io.drydock.layer.LayerInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.drydock.inventory.sbom.PurlPackages.first;
import static io.drydock.inventory.sbom.SbomReader.text;

/**
 * CycloneDX JSON into an inventory. A component {@link CycloneDxWriter} wrote is read from its {@code drydock:}
 * properties, exactly; any other from its purl and the properties Syft and Trivy add. Another tool's
 * {@code dependencies} say what uses what, not which OS package installed which files, so such components are
 * owned by nothing.
 */
final class CycloneDxReader {
    static final Set<String> SPEC_VERSIONS = Set.of("1.4", "1.5", "1.6");

    /** Component properties the writer puts beside the package's own ({@code drydock:<key>}); every other drydock: name is one of those. */
    private static final Set<String> WRITER_PROPERTIES = Set.of("drydock:package:type", "drydock:location", "drydock:layer:index",
            "drydock:layer:digest", "drydock:layer:diffID", "drydock:layer:createdBy", "drydock:source:name", "drydock:source:version",
            "drydock:arch", "drydock:package:ownedBy");
    private static final Pattern IMAGE_LAYER = Pattern.compile("drydock:layer:(\\d+):(digest|diffID|createdBy)");
    private static final Pattern SYFT_LOCATION = Pattern.compile("syft:location:(\\d+):path");
    /** Components of these types describe something other than a package; without a purl they are not worth a warning. */
    private static final Set<String> NOT_PACKAGES = Set.of("operating-system", "container", "file", "data", "device", "platform",
            "machine-learning-model", "cryptographic-asset");

    private final SbomInput input;

    private CycloneDxReader(SbomInput input) {
        this.input = input;
    }

    static Inventory read(JsonNode bom, SbomInput input) {
        String spec = text(bom, "specVersion");
        if (spec == null) throw input.error("the CycloneDX document has no specVersion; Drydock reads CycloneDX 1.4, 1.5 and 1.6");
        if (!SPEC_VERSIONS.contains(spec)) {
            throw input.error("CycloneDX specVersion " + spec + " is not supported; Drydock reads CycloneDX 1.4, 1.5 and 1.6");
        }
        return new CycloneDxReader(input).read(bom);
    }

    private Inventory read(JsonNode bom) {
        JsonNode subject = bom.path("metadata").path("component");
        Map<String, List<String>> subjectProps = properties(subject);
        if ("false".equals(first(subjectProps, "drydock:inventory:complete"))) input.markedIncomplete();
        String image = text(subject, "name") != null ? text(subject, "name") : input.where();
        String digest = SbomReader.digestOf(text(subject, "version"), purlOf(subject, "the image component"));
        List<LayerInfo> layers = imageLayers(subjectProps);
        Map<Integer, LayerInfo> layerByIndex = new HashMap<>();
        for (LayerInfo l : layers) layerByIndex.put(l.index(), l);

        List<JsonNode> all = new ArrayList<>();
        flatten(bom.path("components"), all);
        OsRelease os = null;
        Map<String, String> purlByRef = new HashMap<>();
        for (JsonNode c : all) {
            if (os == null && "operating-system".equals(text(c, "type"))) os = operatingSystem(c);
            if (text(c, "bom-ref") != null && text(c, "purl") != null) purlByRef.put(text(c, "bom-ref"), text(c, "purl"));
        }
        if (os == null) os = drydockOs(first(subjectProps, "drydock:os"));

        List<Component> components = new ArrayList<>();
        OsRelease distro = null;
        for (JsonNode c : all) {
            Map<String, List<String>> props = properties(c);
            if (first(props, "drydock:package:type") != null) {
                components.add(drydockComponent(c, props, layerByIndex, purlByRef, os));
                continue;
            }
            String type = text(c, "type");
            if ("operating-system".equals(type)) continue;
            String purl = text(c, "purl");
            if (purl == null) {
                // Trivy groups a lock file's packages under a purl-less "application" that is not a package itself.
                if ((type == null || !NOT_PACKAGES.contains(type)) && first(props, PurlPackages.TRIVY + "Class") == null) input.noPurl(label(c));
                continue;
            }
            PackageURL parsed = PurlPackages.parse(purl, label(c), input);
            if (PurlPackages.namesAnImage(parsed)) continue;
            var fromPurl = PurlPackages.toPackage(parsed, text(c, "version"), props, licenses(c), thirdPartyLocations(c, props), sha1(c));
            if (fromPurl == null) {
                input.noVersion(label(c));
                continue;
            }
            if (distro == null) distro = fromPurl.distro();
            components.add(new Component(fromPurl.pkg(), purl, SbomReader.UNKNOWN_LAYER, null));
        }
        return SbomReader.assemble(image, digest, os != null ? os : distro, layers, components, input);
    }

    private Component drydockComponent(JsonNode c, Map<String, List<String>> props, Map<Integer, LayerInfo> layerByIndex,
                                       Map<String, String> purlByRef, OsRelease os) {
        String name = text(c, "name");
        if (name == null) throw input.error(label(c) + " has no name");
        Map<String, String> own = new TreeMap<>();
        props.forEach((key, values) -> {
            if (key.startsWith("drydock:") && !WRITER_PROPERTIES.contains(key) && !values.isEmpty()) own.put(key.substring("drydock:".length()), values.get(0));
        });
        InstalledPackage pkg = new InstalledPackage(first(props, "drydock:package:type"), text(c, "group"), name, text(c, "version"),
                first(props, "drydock:arch"), first(props, "drydock:source:name"), first(props, "drydock:source:version"),
                licenses(c), props.getOrDefault("drydock:location", List.of()), List.of(), own);
        String ownerRef = first(props, "drydock:package:ownedBy");
        String ownedBy = ownerRef == null ? null : purlByRef.getOrDefault(ownerRef, ownerRef);
        String purl = text(c, "purl") != null ? text(c, "purl") : Purls.of(pkg, os);
        return new Component(pkg, purl, componentLayer(c, props, layerByIndex), ownedBy);
    }

    /** The layer the image lists under the component's index; else what the component itself says; else unknown. */
    private LayerInfo componentLayer(JsonNode c, Map<String, List<String>> props, Map<Integer, LayerInfo> layerByIndex) {
        String index = first(props, "drydock:layer:index");
        String digest = first(props, "drydock:layer:digest");
        if (index != null) {
            int i = SbomReader.layerIndex(index, label(c), input);
            LayerInfo listed = layerByIndex.get(i);
            if (listed != null) return listed;
            if (digest != null) return new LayerInfo(i, digest, first(props, "drydock:layer:diffID"), first(props, "drydock:layer:createdBy"));
        }
        input.noLayer(label(c));
        return SbomReader.UNKNOWN_LAYER;
    }

    /** {@code drydock:layer:<index>:digest|diffID|createdBy} on the image component. */
    private List<LayerInfo> imageLayers(Map<String, List<String>> subjectProps) {
        Map<Integer, Map<String, String>> byIndex = new TreeMap<>();
        subjectProps.forEach((key, values) -> {
            Matcher m = IMAGE_LAYER.matcher(key);
            if (m.matches() && !values.isEmpty()) {
                int index = SbomReader.layerIndex(m.group(1), "the image component", input);
                byIndex.computeIfAbsent(index, i -> new HashMap<>()).put(m.group(2), values.get(0));
            }
        });
        List<LayerInfo> layers = new ArrayList<>();
        byIndex.forEach((index, f) -> layers.add(new LayerInfo(index, f.getOrDefault("digest", SbomReader.UNKNOWN),
                f.get("diffID"), f.get("createdBy"))));
        return layers;
    }

    /** Syft and Trivy put an operating-system component beside the packages; Drydock does too. */
    private static OsRelease operatingSystem(JsonNode c) {
        String name = text(c, "name");
        if (name == null) return null;
        Map<String, List<String>> props = properties(c);
        String prettyName = text(c, "description") != null ? text(c, "description") : first(props, "syft:distro:prettyName");
        return new OsRelease(PurlPackages.osId(name), text(c, "version"), prettyName, first(props, "syft:distro:versionCodename"));
    }

    /** The {@code drydock:os} property ("debian 12"), for a document whose operating-system component was dropped. */
    private static OsRelease drydockOs(String value) {
        if (value == null) return null;
        int space = value.indexOf(' ');
        return space < 0 ? new OsRelease(value, null, null, null) : new OsRelease(value.substring(0, space), value.substring(space + 1), null, null);
    }

    private PackageURL purlOf(JsonNode c, String what) {
        String purl = text(c, "purl");
        return purl == null ? null : PurlPackages.parse(purl, what, input);
    }

    /** Components nest (cdxgen, Syft for archives inside archives): every level is read. */
    private static void flatten(JsonNode components, List<JsonNode> out) {
        for (JsonNode c : components) {
            if (!c.isObject()) continue;
            out.add(c);
            flatten(c.path("components"), out);
        }
    }

    /** Properties by name, in document order; a name can repeat ({@code drydock:location}). */
    private static Map<String, List<String>> properties(JsonNode c) {
        Map<String, List<String>> props = new LinkedHashMap<>();
        for (JsonNode p : c.path("properties")) {
            String name = text(p, "name");
            String value = text(p, "value");
            if (name != null && value != null) props.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return props;
    }

    /** Licenses as written: an SPDX id, a name, or an expression. */
    private static List<String> licenses(JsonNode c) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : c.path("licenses")) {
            String value = text(l, "expression");
            if (value == null) value = text(l.path("license"), "id");
            if (value == null) value = text(l.path("license"), "name");
            if (value != null) out.add(value);
        }
        return out;
    }

    /** Where the package was read from, as Drydock writes paths: relative to the image root. */
    private static List<String> thirdPartyLocations(JsonNode c, Map<String, List<String>> props) {
        Map<Integer, String> syft = new TreeMap<>();
        props.forEach((key, values) -> {
            Matcher m = SYFT_LOCATION.matcher(key);
            if (m.matches() && !values.isEmpty() && m.group(1).length() < 9) syft.put(Integer.parseInt(m.group(1)), values.get(0));
        });
        Set<String> out = new LinkedHashSet<>();
        syft.values().forEach(p -> addPath(out, p));
        props.getOrDefault(PurlPackages.TRIVY + "FilePath", List.of()).forEach(p -> addPath(out, p));
        for (JsonNode o : c.path("evidence").path("occurrences")) addPath(out, text(o, "location"));
        return List.copyOf(out);
    }

    private static void addPath(Set<String> out, String path) {
        if (path == null) return;
        String relative = path.replaceFirst("^/+", "");
        if (!relative.isEmpty()) out.add(relative);
    }

    private static String sha1(JsonNode c) {
        for (JsonNode h : c.path("hashes")) {
            String content = text(h, "content");
            if ("SHA-1".equals(text(h, "alg")) && content != null && content.matches("[0-9a-fA-F]{40}")) return content.toLowerCase(java.util.Locale.ROOT);
        }
        return null;
    }

    private static String label(JsonNode c) {
        String name = text(c, "name");
        String ref = text(c, "bom-ref");
        return "component '" + (name == null ? "?" : name) + "'" + (ref == null ? "" : " (bom-ref " + ref + ")");
    }
}
