package io.drydock.lineage;

import io.drydock.DrydockException;
import io.drydock.lineage.LineageGraph.PrefixMatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The known bases' layer lists as a trie keyed by layer digest, so finding the longest base an image's leading
 * layers equal costs one hash lookup per image layer, whatever the number of bases (scanning every base for every
 * image would be bases × layers). See {@link LineageGraph#longestPrefix} for the rules. Immutable once built.
 */
public final class LayerPrefixIndex {
    private static final class Node {
        private Map<String, Node> next; // null until the first child
        private List<String> bases; // the references whose layers end exactly here, sorted; null for none

        Node child(String layer) {
            return next == null ? null : next.get(layer);
        }
    }

    private final Node root = new Node();
    private final int size;

    private LayerPrefixIndex(Map<String, List<String>> baseLayersByRef) {
        int count = 0;
        // Sorted, so that each node's list of bases is sorted without a second pass.
        for (var entry : new TreeMap<>(baseLayersByRef).entrySet()) {
            String ref = entry.getKey();
            List<String> layers = entry.getValue();
            if (layers == null || layers.isEmpty()) continue; // no layers (scratch): a prefix of everything, says nothing
            Node node = root;
            for (String layer : layers) {
                if (layer == null) throw new DrydockException("base " + ref + " has a layer with no digest");
                if (node.next == null) node.next = new HashMap<>(4);
                node = node.next.computeIfAbsent(layer, k -> new Node());
            }
            if (node.bases == null) node.bases = new ArrayList<>(1);
            node.bases.add(ref);
            count++;
        }
        this.size = count;
    }

    /** @param baseLayersByRef each base's layer digests, bottom first, all of one kind (compressed digests or diffIDs) */
    public static LayerPrefixIndex of(Map<String, List<String>> baseLayersByRef) {
        if (baseLayersByRef == null) throw new DrydockException("no base layers given");
        for (String ref : baseLayersByRef.keySet()) { // not containsKey(null): immutable maps refuse the question
            if (ref == null) throw new DrydockException("a base with layers has no reference");
        }
        return new LayerPrefixIndex(baseLayersByRef);
    }

    /** How many bases are indexed (those with at least one layer). */
    public int size() {
        return size;
    }

    /**
     * The base with the most layers that are all leading layers of the image's, strictly fewer than the image has;
     * ties (identical layer lists) go to the smallest reference, the others listed in {@link PrefixMatch#alsoMatched()}.
     */
    public Optional<PrefixMatch> longestPrefix(List<String> imageLayers) {
        Node node = root;
        Node best = null;
        int bestDepth = 0;
        for (int i = 0; i < imageLayers.size() - 1; i++) { // - 1: a base as long as the image is the image itself
            String layer = imageLayers.get(i);
            if (layer == null) throw new DrydockException("image layer " + i + " has no digest");
            node = node.child(layer);
            if (node == null) break;
            if (node.bases != null) {
                best = node;
                bestDepth = i + 1;
            }
        }
        if (best == null) return Optional.empty();
        return Optional.of(new PrefixMatch(best.bases.get(0), bestDepth, best.bases.subList(1, best.bases.size())));
    }
}
