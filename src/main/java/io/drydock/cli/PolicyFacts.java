package io.drydock.cli;

import io.drydock.DrydockException;
import io.drydock.catalogue.Catalogue;
import io.drydock.freshness.EolData;
import io.drydock.image.ResolvedImage;
import io.drydock.inventory.Inventory;
import io.drydock.inventory.OsRelease;
import io.drydock.inventory.runtime.Runtime;
import io.drydock.inventory.runtime.Runtimes;
import io.drydock.lineage.LayerPrefixIndex;
import io.drydock.lineage.LineageGraph;
import io.drydock.policy.PolicyInput;
import io.drydock.policy.Rules;
import io.drydock.scan.BaseImage;
import io.drydock.scan.ImageAccess;
import io.drydock.scan.ScanReport;
import io.drydock.store.Store;
import io.drydock.store.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The facts a policy's end-of-life and approved-base rules judge, gathered before evaluation (which does no I/O):
 * the end-of-life status of the image's OS and runtimes, and the chain of bases it is known to be built on.
 */
final class PolicyFacts {
    private PolicyFacts() {
    }

    /**
     * The OS release's and each runtime's end-of-life status on {@code today}, from the data scans use: the copy
     * {@code db update} installed, else the one shipped.
     */
    static PolicyInput.EolFacts eol(EolData data, OsRelease os, Inventory inventory, List<String> env, LocalDate today) {
        return new PolicyInput.EolFacts(osAnswer(data, os, today), runtimes(data, inventory, env, today));
    }

    static EolData.Answer osAnswer(EolData data, OsRelease os, LocalDate today) {
        if (os == null || os.id() == null) {
            return null;
        }
        String product = EolData.productForOs(os.id()).orElse(os.id());
        String version = os.versionId() != null && !os.versionId().isBlank() ? os.versionId() : os.codename();
        return data.answer(product, version == null ? "" : version, today);
    }

    static List<PolicyInput.RuntimeEol> runtimes(EolData data, Inventory inventory, List<String> env, LocalDate today) {
        List<PolicyInput.RuntimeEol> out = new ArrayList<>();
        for (Runtime r : Runtimes.of(inventory, env == null ? List.of() : env)) {
            Optional<String> product = EolData.productForRuntime(r.name());
            out.add(new PolicyInput.RuntimeEol(r.name(), r.version(), r.evidence(),
                    product.map(p -> data.answer(p, r.version(), today)).orElse(null)));
        }
        return out;
    }

    /**
     * What the image is built on, nearest first: the scan's base (annotation, --base, a known base), the lineage
     * ancestors the store records for the image and for that base, and the approved base whose layers are the
     * image's leading layers (read from the registry now, so a refreshed base is compared as it is today).
     */
    static PolicyInput.BaseChain baseChain(ImageOptions options, String image, ResolvedImage resolved, ScanReport report,
            Rules.AllowedBases allowed, ImageAccess images) {
        Map<String, PolicyInput.Link> links = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        BaseImage base = report.base();
        if (base != null && !base.isGuess() && base.name() != null) {
            add(links, new PolicyInput.Link(base.name(), base.digest(), base.how().label()));
        } else if (base != null && base.isGuess() && base.name() != null) {
            notes.add("the annotations name " + base.name() + " as the base, but " + base.note() + "; not counted");
        }
        lineage(options, image, resolved.digest().toString(), links, notes);
        layerPrefix(resolved, allowed, images, links, notes);
        return new PolicyInput.BaseChain(List.copyOf(links.values()), notes);
    }

    private static void add(Map<String, PolicyInput.Link> links, PolicyInput.Link link) {
        links.putIfAbsent(Catalogue.key(link.reference()), link);
    }

    private static void lineage(ImageOptions options, String image, String digest, Map<String, PolicyInput.Link> links,
            List<String> notes) {
        Path db = options.home().resolve(Stores.FILE_NAME);
        if (!Files.exists(db)) {
            return; // no store, no lineage recorded: nothing to add, and nothing to create
        }
        LineageGraph graph;
        try (Store s = Stores.open(null, options.home())) {
            graph = LineageGraph.of(s.edges(), List.of());
        } catch (DrydockException e) {
            notes.add("the lineage store could not be read (" + e.getMessage() + "); lineage not consulted");
            return;
        }
        List<String> starts = new ArrayList<>();
        try {
            starts.add(LineageCommand.name(image));
        } catch (DrydockException notARegistryReference) {
            // an oci: or archive image has no name the lineage records
        }
        // by digest too: validate names the image by digest, without the tag the lineage records it by
        for (String recorded : graph.images()) {
            if (graph.digestOf(recorded).filter(digest::equals).isPresent() && !starts.contains(recorded)) {
                starts.add(recorded);
            }
        }
        for (PolicyInput.Link l : links.values()) {
            try {
                starts.add(LineageCommand.name(l.reference()));
            } catch (DrydockException unparsable) {
                starts.add(l.reference());
            }
        }
        for (String start : starts) {
            for (String ancestor : graph.ancestors(start)) {
                add(links, new PolicyInput.Link(ancestor, null, "lineage of " + start));
            }
        }
    }

    private static void layerPrefix(ResolvedImage resolved, Rules.AllowedBases allowed, ImageAccess images,
            Map<String, PolicyInput.Link> links, List<String> notes) {
        Map<String, List<String>> layers = new LinkedHashMap<>();
        Map<String, String> digests = new LinkedHashMap<>();
        for (String approved : allowed.images()) {
            try {
                ResolvedImage b = images.resolve(approved);
                layers.put(approved, b.config().diffIds().stream().map(Object::toString).toList());
                digests.put(approved, b.digest().toString());
            } catch (DrydockException e) {
                notes.add("the approved base " + approved + " could not be read for the layer check: " + e.getMessage());
            }
        }
        List<String> own = resolved.config().diffIds().stream().map(Object::toString).toList();
        Optional<LineageGraph.PrefixMatch> match = LayerPrefixIndex.of(layers).longestPrefix(own);
        match.ifPresent(m -> add(links, new PolicyInput.Link(m.base(), digests.get(m.base()),
                "its first " + m.layers() + " layer" + (m.layers() == 1 ? " is " : "s are ") + m.base() + "'s")));
    }
}
