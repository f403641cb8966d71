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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.drydock.inventory.sbom.SbomReader.text;

/**
 * SPDX 2.2 and 2.3 JSON into an inventory. A package {@link SpdxWriter} wrote is read from its Drydock annotation
 * ({@link SpdxAnnotations}), exactly; any other from the purl among its external references.
 */
final class SpdxReader {
    static final Set<String> SPEC_VERSIONS = Set.of("SPDX-2.2", "SPDX-2.3");
    /** Trivy writes its component properties as package annotations "Key: value"; the source package is among them. */
    private static final Pattern TRIVY_ANNOTATION = Pattern.compile("(SrcName|SrcVersion|SrcRelease|SrcEpoch|FilePath): (.+)");
    /** The JSON schema spells it with '_', the specification's tag-value format (and Trivy) with '-'. */
    private static final Set<String> OPERATING_SYSTEM = Set.of("OPERATING-SYSTEM", "OPERATING_SYSTEM");
    private static final Set<String> NO_LICENSE = Set.of("NOASSERTION", "NONE");

    private final SbomInput input;

    private SpdxReader(SbomInput input) {
        this.input = input;
    }

    static Inventory read(JsonNode doc, SbomInput input) {
        String spec = text(doc, "spdxVersion");
        if (spec == null || !SPEC_VERSIONS.contains(spec)) {
            throw input.error("spdxVersion " + (spec == null ? "is missing" : spec + " is not supported")
                    + "; Drydock reads SPDX-2.2 and SPDX-2.3 JSON");
        }
        return new SpdxReader(input).read(doc);
    }

    /** A package as read, before ownership from relationships is known. */
    private record Found(String spdxId, InstalledPackage pkg, String purl, LayerInfo layer, String ownedBy) {
    }

    private Inventory read(JsonNode doc) {
        List<JsonNode> packages = new ArrayList<>();
        for (JsonNode p : doc.path("packages")) if (p.isObject()) packages.add(p);
        Set<String> described = described(doc);
        JsonNode imagePackage = null;
        for (JsonNode p : packages) if (imagePackage == null && SpdxAnnotations.find(p, SpdxAnnotations.IMAGE_PREFIX) != null) imagePackage = p;
        if (imagePackage == null) {
            for (JsonNode p : packages) if (imagePackage == null && described.contains(text(p, "SPDXID"))) imagePackage = p;
        }

        String image = input.where();
        String digest = SbomReader.UNKNOWN;
        OsRelease os = null;
        List<LayerInfo> layers = List.of();
        if (imagePackage != null) {
            image = text(imagePackage, "name") != null ? text(imagePackage, "name") : image;
            digest = SbomReader.digestOf(text(imagePackage, "versionInfo"), purlOf(imagePackage));
            String note = SpdxAnnotations.find(imagePackage, SpdxAnnotations.IMAGE_PREFIX);
            if (note != null) {
                var imageNote = SpdxAnnotations.parse(note, SpdxAnnotations.ImageNote.class, input, "the image");
                if (imageNote.os() != null) os = imageNote.os().toOsRelease();
                if (imageNote.layers() != null) layers = layers(imageNote.layers());
                if (Boolean.FALSE.equals(imageNote.complete())) input.markedIncomplete();
            }
        } else if (text(doc, "name") != null) {
            image = text(doc, "name");
        }
        if (os == null) {
            for (JsonNode p : packages) {
                if (os == null && isOperatingSystem(text(p, "primaryPackagePurpose")) && text(p, "name") != null) {
                    os = new OsRelease(PurlPackages.osId(text(p, "name")), text(p, "versionInfo"), null, null);
                }
            }
        }
        Map<Integer, LayerInfo> layerByIndex = new HashMap<>();
        for (LayerInfo l : layers) layerByIndex.put(l.index(), l);

        List<Found> found = new ArrayList<>();
        OsRelease distro = null;
        for (JsonNode p : packages) {
            if (p == imagePackage) continue;
            String note = SpdxAnnotations.find(p, SpdxAnnotations.PACKAGE_PREFIX);
            if (note != null) {
                found.add(drydockPackage(p, SpdxAnnotations.parse(note, SpdxAnnotations.PackageNote.class, input, label(p)), layerByIndex, os));
                continue;
            }
            String purpose = text(p, "primaryPackagePurpose");
            if (isOperatingSystem(purpose) || "CONTAINER".equals(purpose)) continue;
            String purl = purl(p);
            if (purl == null) {
                // The described root of a directory or archive scan is the thing scanned, not a package in it.
                if (!described.contains(text(p, "SPDXID"))) input.noPurl(label(p));
                continue;
            }
            PackageURL parsed = PurlPackages.parse(purl, label(p), input);
            if (PurlPackages.namesAnImage(parsed)) continue;
            Map<String, List<String>> props = trivyProperties(p);
            List<String> locations = props.getOrDefault(PurlPackages.TRIVY + "FilePath", List.of()).stream()
                    .map(path -> path.replaceFirst("^/+", "")).filter(path -> !path.isEmpty()).distinct().toList();
            var fromPurl = PurlPackages.toPackage(parsed, text(p, "versionInfo"), props, licenses(p), locations, sha1(p));
            if (fromPurl == null) {
                input.noVersion(label(p));
                continue;
            }
            if (distro == null) distro = fromPurl.distro();
            found.add(new Found(text(p, "SPDXID"), fromPurl.pkg(), purl, SbomReader.UNKNOWN_LAYER, null));
        }
        Map<String, String> owners = owners(doc, found);
        List<Component> components = new ArrayList<>(found.size());
        for (Found f : found) {
            String ownedBy = f.ownedBy() != null ? f.ownedBy() : owners.get(f.spdxId());
            components.add(new Component(f.pkg(), f.purl(), f.layer(), ownedBy));
        }
        return SbomReader.assemble(image, digest, os != null ? os : distro, layers, components, input);
    }

    private static boolean isOperatingSystem(String purpose) {
        return purpose != null && OPERATING_SYSTEM.contains(purpose);
    }

    private Found drydockPackage(JsonNode p, SpdxAnnotations.PackageNote n, Map<Integer, LayerInfo> layerByIndex, OsRelease os) {
        if (n.type() == null || n.name() == null) throw input.error("the Drydock annotation of " + label(p) + " has no type or name");
        Map<String, String> props = new HashMap<>();
        if (n.properties() != null) n.properties().forEach((k, v) -> {
            if (k != null && v != null) props.put(k, v);
        });
        InstalledPackage pkg = new InstalledPackage(n.type(), n.namespace(), n.name(), n.version(), n.arch(), n.sourceName(),
                n.sourceVersion(), n.licenses(), n.locations(), List.of(), props);
        LayerInfo layer = n.layer() == null ? null : layerByIndex.get(n.layer());
        if (layer == null) {
            input.noLayer(label(p));
            layer = SbomReader.UNKNOWN_LAYER;
        }
        String purl = purl(p);
        return new Found(text(p, "SPDXID"), pkg, purl != null ? purl : Purls.of(pkg, os), layer, n.ownedBy());
    }

    private List<LayerInfo> layers(List<SpdxAnnotations.LayerNote> notes) {
        List<LayerInfo> layers = new ArrayList<>();
        for (SpdxAnnotations.LayerNote n : notes) {
            if (n == null) continue;
            if (n.index() < 0) throw input.error("the Drydock annotation of the image names layer index " + n.index());
            layers.add(new LayerInfo(n.index(), n.digest() != null ? n.digest() : SbomReader.UNKNOWN, n.diffId(), n.createdBy()));
        }
        return layers;
    }

    /**
     * For packages from other tools: an OS package that CONTAINS a language package installed it, which is what
     * Drydock's own writer says with that relationship. Other containers (the image, Trivy's per-lockfile
     * applications) own nothing.
     */
    private static Map<String, String> owners(JsonNode doc, List<Found> found) {
        Map<String, Found> byId = new HashMap<>();
        for (Found f : found) if (f.spdxId() != null) byId.put(f.spdxId(), f);
        Map<String, String> owners = new HashMap<>();
        for (JsonNode r : doc.path("relationships")) {
            if (!"CONTAINS".equals(text(r, "relationshipType"))) continue;
            Found owner = byId.get(text(r, "spdxElementId"));
            Found owned = byId.get(text(r, "relatedSpdxElement"));
            if (owner != null && owned != null && owner.pkg().isOsPackage() && !owned.pkg().isOsPackage()) {
                owners.putIfAbsent(owned.spdxId(), owner.purl());
            }
        }
        return owners;
    }

    /** SPDXIDs the document describes, by either of the two ways SPDX 2.x says so. */
    private static Set<String> described(JsonNode doc) {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode d : doc.path("documentDescribes")) if (d.isTextual()) ids.add(d.textValue());
        String self = text(doc, "SPDXID") != null ? text(doc, "SPDXID") : "SPDXRef-DOCUMENT";
        for (JsonNode r : doc.path("relationships")) {
            String type = text(r, "relationshipType");
            if ("DESCRIBES".equals(type) && self.equals(text(r, "spdxElementId")) && text(r, "relatedSpdxElement") != null) {
                ids.add(text(r, "relatedSpdxElement"));
            }
            if ("DESCRIBED_BY".equals(type) && self.equals(text(r, "relatedSpdxElement")) && text(r, "spdxElementId") != null) {
                ids.add(text(r, "spdxElementId"));
            }
        }
        return ids;
    }

    /** The first purl among the external references; SPDX 2.2 spells the category PACKAGE_MANAGER, 2.3 PACKAGE-MANAGER. */
    private static String purl(JsonNode p) {
        for (JsonNode ref : p.path("externalRefs")) {
            if ("purl".equals(text(ref, "referenceType")) && text(ref, "referenceLocator") != null) return text(ref, "referenceLocator");
        }
        return null;
    }

    private PackageURL purlOf(JsonNode p) {
        String purl = purl(p);
        return purl == null ? null : PurlPackages.parse(purl, label(p), input);
    }

    private static Map<String, List<String>> trivyProperties(JsonNode p) {
        Map<String, List<String>> props = new HashMap<>();
        for (JsonNode a : p.path("annotations")) {
            String comment = text(a, "comment");
            if (comment == null) continue;
            Matcher m = TRIVY_ANNOTATION.matcher(comment.trim());
            if (m.matches()) props.computeIfAbsent(PurlPackages.TRIVY + m.group(1), k -> new ArrayList<>()).add(m.group(2).trim());
        }
        return props;
    }

    /** The declared license, else the concluded one, as one expression; nothing for NOASSERTION and NONE. */
    private static List<String> licenses(JsonNode p) {
        for (String field : List.of("licenseDeclared", "licenseConcluded")) {
            String value = text(p, field);
            if (value != null && !NO_LICENSE.contains(value.trim().toUpperCase(Locale.ROOT))) return List.of(value.trim());
        }
        return List.of();
    }

    private static String sha1(JsonNode p) {
        for (JsonNode c : p.path("checksums")) {
            String value = text(c, "checksumValue");
            if ("SHA1".equals(text(c, "algorithm")) && value != null && value.matches("[0-9a-fA-F]{40}")) return value.toLowerCase(Locale.ROOT);
        }
        return null;
    }

    private static String label(JsonNode p) {
        String name = text(p, "name");
        String id = text(p, "SPDXID");
        return "package '" + (name == null ? "?" : name) + "'" + (id == null ? "" : " (" + id + ")");
    }
}
