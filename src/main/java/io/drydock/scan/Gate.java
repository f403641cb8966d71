package io.drydock.scan;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a pipeline lets through. Filters ({@code --severity}, {@code --ignore-unfixed}, {@code --ignore-status},
 * {@code --only-base}, {@code --only-app}) hide findings and are counted; the ignore file and VEX documents
 * suppress findings and the report lists each one with its reason. An expired ignore entry suppresses nothing and
 * is named in the notes.
 *
 * @param severities the ratings kept; empty keeps all
 * @param exitCode the exit status when findings remain, 0 to report without failing
 */
public record Gate(Set<Rating> severities, boolean ignoreUnfixed, Set<String> ignoreStatuses, boolean onlyBase,
                   boolean onlyApp, Optional<IgnoreFile> ignoreFile, List<OpenVex> vex, int exitCode, LocalDate today) {

    public Gate {
        severities = Set.copyOf(severities);
        ignoreStatuses = ignoreStatuses.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
        vex = List.copyOf(vex);
        if (onlyBase && onlyApp) {
            throw new IllegalArgumentException("--only-base and --only-app exclude each other");
        }
    }

    /** Everything shown, nothing fails the run. */
    public static Gate none(LocalDate today) {
        return new Gate(Set.of(), false, Set.of(), false, false, Optional.empty(), List.of(), 0, today);
    }

    public record Outcome(List<Finding> kept, List<Suppressed> suppressed, int filtered, List<String> notes) {
        public Outcome {
            kept = List.copyOf(kept);
            suppressed = List.copyOf(suppressed);
            notes = List.copyOf(notes);
        }
    }

    public Outcome apply(List<Finding> findings, String image, String digest) {
        List<Finding> kept = new ArrayList<>();
        List<Suppressed> suppressed = new ArrayList<>();
        java.util.LinkedHashSet<String> notes = new java.util.LinkedHashSet<>();
        int filtered = 0;
        for (Finding f : findings) {
            if (hidden(f)) {
                filtered++;
                continue;
            }
            Optional<Suppressed> s = suppression(f, image, digest, notes);
            if (s.isPresent()) {
                suppressed.add(s.get());
            } else {
                kept.add(f);
            }
        }
        return new Outcome(kept, suppressed, filtered, new ArrayList<>(notes));
    }

    private boolean hidden(Finding f) {
        return (!severities.isEmpty() && !severities.contains(f.severity()))
                || (ignoreUnfixed && !f.isFixable())
                || ignoreStatuses.contains(f.status())
                || (onlyBase && f.origin() != Origin.BASE)
                || (onlyApp && f.origin() != Origin.APPLICATION);
    }

    private Optional<Suppressed> suppression(Finding f, String image, String digest, java.util.Set<String> notes) {
        if (ignoreFile.isPresent()) {
            IgnoreFile file = ignoreFile.get();
            for (IgnoreFile.Entry e : file.entries()) {
                if (!e.matches(f)) {
                    continue;
                }
                if (e.expired(today)) {
                    notes.add(e.describe(file.file()) + " expired on " + e.expires() + " and no longer suppresses " + e.id());
                    continue;
                }
                return Optional.of(new Suppressed(f, "ignore file " + e.describe(file.file()), e.reason()));
            }
        }
        for (OpenVex doc : vex) {
            Optional<OpenVex.Statement> s = doc.statementFor(f, image, digest);
            if (s.isPresent() && s.get().suppresses()) {
                return Optional.of(new Suppressed(f, "OpenVEX " + doc.file().getFileName() + " statement " + s.get().number(), s.get().reason()));
            }
        }
        return Optional.empty();
    }
}
