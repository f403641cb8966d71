package io.drydock.inventory.sbom;

import io.drydock.DrydockException;
import io.drydock.inventory.AnalysisWarning;

import java.util.ArrayList;
import java.util.List;

/**
 * One SBOM being read: its name for messages, and what had to be left out. Leaving a package out makes the
 * inventory incomplete, so each kind of omission becomes one warning that counts and names the packages, rather
 * than one line per package.
 */
final class SbomInput {
    static final String ANALYZER = "sbom";
    private static final int NAMES_SHOWN = 5;

    private final String where;
    private final List<String> withoutPurl = new ArrayList<>();
    private final List<String> withoutVersion = new ArrayList<>();
    private final List<String> withoutLayer = new ArrayList<>();
    private boolean markedIncomplete;

    SbomInput(String where) {
        this.where = where;
    }

    String where() {
        return where;
    }

    DrydockException error(String message) {
        return new DrydockException(where + ": " + message);
    }

    void noPurl(String component) {
        withoutPurl.add(component);
    }

    void noVersion(String component) {
        withoutVersion.add(component);
    }

    void noLayer(String component) {
        withoutLayer.add(component);
    }

    /** The document itself says the tool that wrote it could not read every file of the image. */
    void markedIncomplete() {
        markedIncomplete = true;
    }

    List<AnalysisWarning> warnings() {
        List<AnalysisWarning> warnings = new ArrayList<>();
        if (markedIncomplete) {
            warnings.add(new AnalysisWarning(ANALYZER, where, "the SBOM says its inventory is incomplete: files of the image could not be read when it was made"));
        }
        if (!withoutPurl.isEmpty()) {
            warnings.add(new AnalysisWarning(ANALYZER, where, count(withoutPurl, "package has", "packages have")
                    + " no purl and cannot be matched against advisories; skipped: " + names(withoutPurl)));
        }
        if (!withoutVersion.isEmpty()) {
            warnings.add(new AnalysisWarning(ANALYZER, where, count(withoutVersion, "package has", "packages have")
                    + " no version; skipped: " + names(withoutVersion)));
        }
        if (!withoutLayer.isEmpty()) {
            warnings.add(new AnalysisWarning(ANALYZER, where, count(withoutLayer, "package names", "packages name")
                    + " a layer the image does not list; attributed to an unknown layer: " + names(withoutLayer)));
        }
        return warnings;
    }

    private static String count(List<String> items, String one, String many) {
        return items.size() + " " + (items.size() == 1 ? one : many);
    }

    private static String names(List<String> items) {
        String shown = String.join(", ", items.subList(0, Math.min(NAMES_SHOWN, items.size())));
        return items.size() > NAMES_SHOWN ? shown + " and " + (items.size() - NAMES_SHOWN) + " more" : shown;
    }
}
