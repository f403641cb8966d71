package io.drydock.policy;

import io.drydock.policy.Verdict.Item;
import io.drydock.policy.Verdict.RuleResult;
import io.drydock.scan.BaseImage;
import io.drydock.scan.Finding;
import io.drydock.scan.Origin;
import io.drydock.scan.Rating;
import io.drydock.scan.ScanReport;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** One evaluation of a policy against one input: the rules in the order docs/policy.md lists them. */
final class Evaluation {
    private static final int NAMED_IN_EXPLANATION = 3;

    private final Policy policy;
    private final Rules rules;
    private final PolicyInput input;
    private final ScanReport report;
    private final Instant now;
    private final LocalDate today;
    private final List<Verdict.Allowed> allowed = new ArrayList<>();
    private final Set<String> notes = new LinkedHashSet<>();

    Evaluation(Policy policy, PolicyInput input, Instant now) {
        this.policy = policy;
        this.rules = policy.rules();
        this.input = input;
        this.report = input.report();
        this.now = now;
        this.today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    }

    Verdict verdict() {
        List<RuleResult> results = new ArrayList<>();
        for (SeverityRule rule : severityRules()) {
            results.add(severity(rule));
        }
        if (!rules.bannedPackages().isEmpty()) {
            results.add(bannedPackages());
        }
        if (!rules.requiredLabels().isEmpty()) {
            results.add(requiredLabels());
        }
        if (rules.nonRootUser()) {
            results.add(nonRootUser());
        }
        if (rules.maxBaseAge() != null) {
            results.add(maxBaseAge());
        }
        if (rules.maxScanAge() != null) {
            results.add(new RuleResult("maxScanAge", PolicyDuration.format(rules.maxScanAge()), true,
                    "recorded for verification, which accepts a stored verdict only while the scan it rests on (started "
                            + report.scannedAt() + ") is at most " + PolicyDuration.format(rules.maxScanAge())
                            + " old; passes at check time", List.of()));
        }
        if (!rules.requireAttestations().isEmpty()) {
            List<String> kinds = rules.requireAttestations().stream().map(AttestationKind::label).toList();
            results.add(new RuleResult("requireAttestations", String.join(", ", kinds), true, "recorded for verification,"
                    + " which must find the " + and(kinds) + " attestation" + (kinds.size() == 1 ? "" : "s")
                    + " attached to the image; passes at check time", List.of()));
        }
        addNotes(results);
        String imageDigest = input.imageDigest() != null ? input.imageDigest() : report.digest();
        return new Verdict(results.stream().allMatch(RuleResult::passed), policy.name(), policy.digest(), report.target(),
                imageDigest, report.scannedAt(), now, results, allowed,
                new Verdict.Requirements(rules.maxScanAge(), rules.requireAttestations()), new ArrayList<>(notes));
    }

    /** A severity limit and the findings it judges, described for the explanation. */
    private record SeverityRule(String name, SeverityLimit limit, String scope) {
    }

    /**
     * A finding is judged by its origin's own limit when the policy sets one, else by {@code maxSeverity}; so each
     * finding is judged by exactly one limit, or by none when the policy sets none that applies.
     */
    private List<SeverityRule> severityRules() {
        List<SeverityRule> out = new ArrayList<>();
        if (rules.maxSeverity() != null) {
            boolean base = rules.maxSeverityBase() != null;
            boolean app = rules.maxSeverityApp() != null;
            String scope = base && app ? "findings of unknown origin"
                    : base ? "findings outside the base image"
                    : app ? "findings outside the application" : "findings";
            out.add(new SeverityRule("maxSeverity", rules.maxSeverity(), scope));
        }
        if (rules.maxSeverityBase() != null) {
            out.add(new SeverityRule("maxSeverityBase", rules.maxSeverityBase(), "base-image findings"));
        }
        if (rules.maxSeverityApp() != null) {
            out.add(new SeverityRule("maxSeverityApp", rules.maxSeverityApp(), "application findings"));
        }
        return out;
    }

    private String ruleFor(Finding f) {
        if (f.origin() == Origin.BASE && rules.maxSeverityBase() != null) {
            return "maxSeverityBase";
        }
        if (f.origin() == Origin.APPLICATION && rules.maxSeverityApp() != null) {
            return "maxSeverityApp";
        }
        return "maxSeverity";
    }

    private RuleResult severity(SeverityRule rule) {
        List<Finding> judged = report.findings().stream().filter(f -> ruleFor(f).equals(rule.name())).toList();
        List<Item> failing = new ArrayList<>();
        int allowedHere = 0;
        int unfixed = 0;
        for (Finding f : judged) {
            if (!rule.limit().exceededBy(f.severity())) {
                continue;
            }
            Optional<Rules.AllowEntry> live = rules.allow().stream().filter(e -> e.matches(f) && !e.expired(today)).findFirst();
            if (live.isPresent()) {
                allowed.add(new Verdict.Allowed(item(f, null), live.get().reason(), live.get().expires()));
                allowedHere++;
                continue;
            }
            if (rules.ignoreUnfixed() && !f.isFixable()) {
                unfixed++;
                continue;
            }
            List<String> why = new ArrayList<>();
            if (f.severity() == Rating.UNKNOWN) {
                why.add("unrated: judged as CRITICAL, the worst it could be");
            }
            rules.allow().stream().filter(e -> e.matches(f) && e.expired(today)).findFirst()
                    .ifPresent(e -> why.add(e.describe() + " expired on " + e.expires() + " and no longer allows it"));
            failing.add(item(f, why.isEmpty() ? null : String.join("; ", why)));
        }
        String limit = rule.limit().name();
        String outcome;
        if (rule.limit() == SeverityLimit.NONE) {
            outcome = failing.isEmpty() ? "no " + rule.scope() + " fail it (NONE allows none)"
                    : count(failing.size(), rule.scope()) + (failing.size() == 1 ? " fails" : " fail") + " it, and NONE allows none";
        } else {
            outcome = judged.isEmpty() ? "no " + rule.scope()
                    : failing.isEmpty() ? "none of the " + count(judged.size(), rule.scope()) + " is above " + limit
                    : failing.size() + " of " + count(judged.size(), rule.scope()) + (failing.size() == 1 ? " is" : " are")
                    + " above " + limit;
        }
        if (allowedHere > 0) {
            outcome += "; " + allowedHere + " more allowed by the allow-list";
        }
        if (unfixed > 0) {
            outcome += "; " + unfixed + " more without a fix not counted (ignoreUnfixed)";
        }
        return new RuleResult(rule.name(), limit, failing.isEmpty(), outcome, failing);
    }

    private RuleResult bannedPackages() {
        Map<PackagePattern, Predicate<String>> patterns = new LinkedHashMap<>();
        rules.bannedPackages().forEach(pattern -> patterns.put(pattern, pattern.matcher()));
        List<Item> banned = new ArrayList<>();
        for (PolicyInput.Package p : input.packages()) {
            patterns.entrySet().stream().filter(e -> e.getValue().test(p.purl())).findFirst().ifPresent(e ->
                    banned.add(new Item(null, p.name(), p.purl(), p.version(), null, p.origin(), "banned by " + e.getKey().glob())));
        }
        if (input.packages().isEmpty() && report.packages() > 0) {
            notes.add("bannedPackages was given no list of the image's packages, so it judged none of them");
        }
        String setting = rules.bannedPackages().stream().map(PackagePattern::glob).collect(Collectors.joining(", "));
        int total = input.packages().size();
        if (banned.isEmpty()) {
            return new RuleResult("bannedPackages", setting, true,
                    "none of the " + count(total, "packages") + " matches a banned pattern", List.of());
        }
        String named = banned.stream().limit(NAMED_IN_EXPLANATION).map(i -> i.pkg() + " " + i.version())
                .collect(Collectors.joining(", ")) + (banned.size() > NAMED_IN_EXPLANATION ? ", …" : "");
        return new RuleResult("bannedPackages", setting, false, banned.size() + " of " + count(total, "packages")
                + (banned.size() == 1 ? " is" : " are") + " banned: " + named, banned);
    }

    private RuleResult requiredLabels() {
        List<String> problems = new ArrayList<>();
        for (Rules.RequiredLabel label : rules.requiredLabels()) {
            String value = input.labels().get(label.name());
            if (value == null || value.isBlank()) {
                problems.add((value == null ? "missing " : "empty ") + label.name());
            } else if (!label.satisfiedBy(value)) {
                problems.add(label.name() + "='" + shorten(value) + "' does not match " + label.regex());
            }
        }
        String setting = rules.requiredLabels().stream()
                .map(l -> l.regex() == null ? l.name() : l.name() + "=~" + l.regex()).collect(Collectors.joining(", "));
        int total = rules.requiredLabels().size();
        if (problems.isEmpty()) {
            return new RuleResult("requiredLabels", setting, true, total == 1 ? "the required label is set"
                    : "all " + total + " required labels are set", List.of());
        }
        String which = total == 1 ? "the required label is not set as required: "
                : problems.size() + " of " + total + " required labels are not set as required: ";
        return new RuleResult("requiredLabels", setting, false, which + String.join("; ", problems), List.of());
    }

    /**
     * {@code User} is {@code user}, {@code uid}, {@code user:group} or {@code uid:gid}; only the user part decides,
     * since a non-root user in the root group cannot do what root can. Names are taken as written: the image's
     * {@code /etc/passwd} is not read, so a name another image maps to uid 0 is not recognised.
     */
    private RuleResult nonRootUser() {
        String user = input.user() == null ? "" : input.user().strip();
        if (user.isEmpty()) {
            return new RuleResult("nonRootUser", "true", false, "the config sets no User, so the container runs as root", List.of());
        }
        int colon = user.indexOf(':');
        String name = (colon < 0 ? user : user.substring(0, colon)).strip();
        if (name.isEmpty()) {
            return new RuleResult("nonRootUser", "true", false,
                    "User '" + user + "' names only a group, so the container runs as root", List.of());
        }
        if (name.equals("root") || name.matches("0+")) {
            return new RuleResult("nonRootUser", "true", false, "User '" + user + "' is root", List.of());
        }
        return new RuleResult("nonRootUser", "true", true, "User '" + user + "' is not root", List.of());
    }

    private RuleResult maxBaseAge() {
        String limit = PolicyDuration.format(rules.maxBaseAge());
        Instant created = input.baseCreated();
        if (created == null) {
            return new RuleResult("maxBaseAge", limit, false,
                    "base image unknown" + (input.baseUnknownWhy() == null ? "" : ": " + input.baseUnknownWhy()), List.of());
        }
        Duration age = Duration.between(created, now);
        String base = describe(report.base());
        boolean passed = age.compareTo(rules.maxBaseAge()) <= 0;
        String built = "the base " + base + " was built " + created + (age.isNegative() ? ", after the evaluation time"
                : ", " + ago(age) + " ago");
        return new RuleResult("maxBaseAge", limit, passed, built + (passed ? ": within " : ": older than ") + limit, List.of());
    }

    private void addNotes(List<RuleResult> results) {
        for (Rules.AllowEntry e : rules.allow()) {
            if (e.expired(today)) {
                notes.add(e.describe() + " expired on " + e.expires() + " and no longer allows it");
            }
        }
        BaseImage base = report.base();
        if (base != null && base.isGuess() && (rules.maxSeverityBase() != null || rules.maxSeverityApp() != null)) {
            notes.add("which findings are the base image's is a guess (" + base.note() + "), and the base and application"
                    + " limits rest on it");
        }
        if (!report.inventoryWarnings().isEmpty()) {
            notes.add("the inventory is incomplete (" + report.inventoryWarnings().size()
                    + " files could not be read): findings and packages may be missing");
        }
        if (results.isEmpty()) {
            notes.add("the policy sets no rules, so every image passes it");
        }
    }

    private static Item item(Finding f, String note) {
        return new Item(f.id(), f.pkg().name(), f.pkg().purl(), f.pkg().version(), f.severity(), f.origin(), note);
    }

    private static String describe(BaseImage base) {
        if (base == null || base.name() == null && base.digest() == null) {
            return "image";
        }
        if (base.name() == null) {
            return base.digest();
        }
        return base.digest() == null || base.name().contains(base.digest()) ? base.name() : base.name() + " (" + base.digest() + ")";
    }

    private static String ago(Duration age) {
        if (age.toDays() > 0) {
            return count(age.toDays(), "days");
        }
        if (age.toHours() > 0) {
            return count(age.toHours(), "hours");
        }
        return count(age.toMinutes(), "minutes");
    }

    /** "1 finding", "3 base-image findings": the phrase is given in the plural, and its first plural word decides. */
    private static String count(long n, String plural) {
        return n + " " + (n == 1 ? plural.replaceFirst("\\b(\\p{Alpha}+)s\\b", "$1") : plural);
    }

    /** "vuln", "vuln and sbom", "sbom, vuln and verdict". */
    private static String and(List<String> words) {
        return words.size() == 1 ? words.get(0)
                : String.join(", ", words.subList(0, words.size() - 1)) + " and " + words.get(words.size() - 1);
    }

    private static String shorten(String value) {
        String one = value.replaceAll("\\s+", " ").strip();
        return one.length() <= 60 ? one : one.substring(0, 59) + "…";
    }
}
