package io.drydock.rebuild;

import io.drydock.DrydockException;
import io.drydock.inventory.Inventory;
import io.drydock.scan.Finding;
import io.drydock.scan.Matcher;
import io.drydock.scan.Origin;
import io.drydock.scan.Rating;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a new base is worth a rebuild of an image on it. By default only when it helps: the new base must remove
 * at least one finding the image has from its base. Rebuilding for nothing costs a build, a validation and a
 * rollout, and every rollout is a risk of its own.
 */
public final class RebuildDecision {
    /** When to rebuild: whenever the base changes, when it fixes anything, or when it fixes something this severe. */
    public sealed interface Rule {
        record AnyChange() implements Rule {
        }

        record FixesFindings() implements Rule {
        }

        record FixesAtLeast(Rating severity) implements Rule {
        }

        /** {@code any-change}, {@code fixes-findings} (the default) or {@code severity>=high} (any rating). */
        static Rule parse(String text) {
            String t = text == null ? "fixes-findings" : text.strip().toLowerCase(Locale.ROOT);
            if (t.equals("any-change")) {
                return new AnyChange();
            }
            if (t.equals("fixes-findings")) {
                return new FixesFindings();
            }
            if (t.startsWith("severity>=")) {
                String level = t.substring("severity>=".length());
                for (Rating r : Rating.values()) {
                    if (r.name().equalsIgnoreCase(level) && r != Rating.UNKNOWN) {
                        return new FixesAtLeast(r);
                    }
                }
            }
            throw new DrydockException("rebuild rule '" + text + "' is not any-change, fixes-findings or severity>=LEVEL "
                    + "(critical, high, medium, low, negligible)");
        }
    }

    public static Rule rule(String text) {
        return Rule.parse(text);
    }

    /**
     * @param fixed the image's base findings the new base no longer has, most severe first
     * @param remaining the image's base findings the new base still has
     */
    public record Decision(boolean rebuild, List<Finding> fixed, int remaining, String reason) {
        public Decision {
            fixed = List.copyOf(fixed);
        }

        /** The ids of the fixed findings, for the audit trail. */
        public List<String> fixedIds() {
            return fixed.stream().map(f -> f.id() + " in " + f.pkg().name()).distinct().toList();
        }
    }

    private final Matcher matcher;

    public RebuildDecision(Matcher matcher) {
        this.matcher = matcher;
    }

    /**
     * @param image the image as it is now
     * @param baseLayers how many of its bottom layers are the current base's
     * @param newBase the new base
     */
    public Decision decide(Inventory image, int baseLayers, Inventory newBase, Rule rule) {
        List<Finding> inBase = matcher.match(image, baseLayers).findings().stream().filter(f -> f.origin() == Origin.BASE).toList();
        Set<String> stillThere = matcher.match(newBase, Integer.MAX_VALUE).findings().stream().map(Finding::flawKey)
                .collect(Collectors.toSet());
        List<Finding> fixed = inBase.stream().filter(f -> !stillThere.contains(f.flawKey()))
                .sorted(Comparator.comparing(Finding::severity).thenComparing(Finding::id)).toList();
        int remaining = inBase.size() - fixed.size();
        return switch (rule) {
            case Rule.AnyChange a -> new Decision(true, fixed, remaining, "the rule rebuilds on any base change (the new base fixes "
                    + fixed.size() + " of " + inBase.size() + " base findings)");
            case Rule.FixesFindings f -> fixed.isEmpty()
                    ? new Decision(false, fixed, remaining, "the new base fixes none of the image's " + inBase.size() + " base findings")
                    : new Decision(true, fixed, remaining, "the new base fixes " + fixed.size() + " of the image's " + inBase.size()
                            + " base findings");
            case Rule.FixesAtLeast s -> {
                List<Finding> severe = fixed.stream().filter(x -> x.severity().compareTo(s.severity()) <= 0).toList();
                yield severe.isEmpty()
                        ? new Decision(false, fixed, remaining, "the new base fixes " + fixed.size() + " base finding(s), none "
                                + s.severity().name().toLowerCase(Locale.ROOT) + " or worse")
                        : new Decision(true, fixed, remaining, "the new base fixes " + severe.size() + " base finding(s) rated "
                                + s.severity().name().toLowerCase(Locale.ROOT) + " or worse (" + fixed.size() + " in all)");
            }
        };
    }
}
