package io.drydock.policy;

import io.drydock.freshness.EolData;
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
        if (rules.denyEolOs() != null) {
            results.add(denyEolOs());
        }
        if (rules.denyEolRuntime() != null) {
            results.add(denyEolRuntime());
        }
        if (rules.allowedBases() != null) {
            results.add(allowedBases());
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

    /** How one release line fares against an end-of-life rule: failed, unknown (noted, not failed), or fine. */
    private record EolJudgement(boolean failed, boolean unknown, String text) {
    }

    /**
     * The line fails once its end of support lies at least {@code grace} in the past (the end date itself counts as
     * ended, as in the end-of-life data); the end is that of regular security support, or of extended support when
     * the rule allows it and the line has one.
     */
    private EolJudgement judge(EolData.Answer a, Rules.EolRule rule) {
        String what = a.product() + " " + a.version() + (a.cycle() != null && !a.cycle().equals(a.version()) ? " (line " + a.cycle() + ")" : "");
        String data = "end-of-life data of " + a.dataDate();
        if (a.status() == EolData.Status.UNKNOWN_LINE || a.status() == EolData.Status.UNKNOWN_DATE) {
            String why = a.warnings().isEmpty() ? what + ": support status unknown (" + data + ")" : a.warnings().get(a.warnings().size() - 1);
            return new EolJudgement(false, true, why);
        }
        LocalDate eol = a.eol();
        LocalDate ext = a.extendedEnd();
        if (eol == null) {
            if (a.status() == EolData.Status.SUPPORTED) {
                return new EolJudgement(false, false, what + " is supported, no end planned (" + data + ")");
            }
            if (rule.allowExtendedSupport() && a.status() == EolData.Status.EXTENDED_SUPPORT_ONLY && ext != null) {
                eol = ext; // judged by the extended end below
            } else {
                return new EolJudgement(true, false, what + " is past its end of support (no date in the " + data
                        + "), so no grace period can apply");
            }
        }
        if (today.isBefore(eol)) {
            return new EolJudgement(false, false, what + " is supported until " + eol + " (" + data + ")");
        }
        boolean extended = rule.allowExtendedSupport() && ext != null && !ext.isBefore(eol);
        LocalDate end = extended ? ext : eol;
        String history = what + ": regular security support ended " + eol;
        if (ext != null) {
            history += today.isBefore(ext) ? ", extended support only until " + ext : ", extended support ended " + ext;
        }
        if (extended && today.isBefore(ext)) {
            return new EolJudgement(false, false, history + ", which allowExtendedSupport accepts (" + data + ")");
        }
        long days = java.time.temporal.ChronoUnit.DAYS.between(end, today);
        Instant deadline = end.atStartOfDay(ZoneOffset.UTC).toInstant().plus(rule.grace());
        boolean failed = !now.isBefore(deadline);
        String graceText = rule.grace().isZero() ? "no grace period"
                : failed ? "past the grace period of " + PolicyDuration.format(rule.grace())
                : "within the grace period of " + PolicyDuration.format(rule.grace()) + " (until " + deadline + ")";
        String since = (extended ? "extended support ended " : "support ended ") + count(days, "days") + " ago";
        return new EolJudgement(failed, false, history + "; " + since + ", " + graceText + " (" + data + ")");
    }

    private RuleResult denyEolOs() {
        Rules.EolRule rule = rules.denyEolOs();
        PolicyInput.EolFacts facts = input.eol();
        if (facts == null) {
            return new RuleResult("denyEolOs", rule.setting(), false, "the end-of-life status of the image's OS was not gathered",
                    List.of());
        }
        if (facts.os() == null) {
            notes.add("denyEolOs: no OS release was found in the image, so there is no OS end of life to judge");
            return new RuleResult("denyEolOs", rule.setting(), true, "no OS release found in the image; nothing to judge", List.of());
        }
        EolJudgement j = judge(facts.os(), rule);
        if (j.unknown()) {
            notes.add("denyEolOs: " + j.text());
            return new RuleResult("denyEolOs", rule.setting(), true, "not judged: " + j.text(), List.of());
        }
        return new RuleResult("denyEolOs", rule.setting(), !j.failed(), j.text(), List.of());
    }

    private RuleResult denyEolRuntime() {
        Rules.EolRule rule = rules.denyEolRuntime();
        PolicyInput.EolFacts facts = input.eol();
        if (facts == null) {
            return new RuleResult("denyEolRuntime", rule.setting(), false,
                    "the end-of-life status of the image's runtimes was not gathered", List.of());
        }
        List<Item> failing = new ArrayList<>();
        int unknown = 0;
        for (PolicyInput.RuntimeEol r : facts.runtimes()) {
            if (r.answer() == null) {
                notes.add("denyEolRuntime: no end-of-life data for " + r.name() + " " + r.version() + "; not judged");
                unknown++;
                continue;
            }
            EolJudgement j = judge(r.answer(), rule);
            if (j.unknown()) {
                notes.add("denyEolRuntime: " + j.text() + "; not judged");
                unknown++;
            } else if (j.failed()) {
                failing.add(new Item(null, r.name(), null, r.version(), null, null, j.text() + "; seen in " + r.evidence()));
            }
        }
        int total = facts.runtimes().size();
        String unknownText = unknown == 0 ? "" : "; " + unknown + " not judged for want of end-of-life data (see notes)";
        if (total == 0) {
            return new RuleResult("denyEolRuntime", rule.setting(), true, "no language runtimes found in the image", List.of());
        }
        if (failing.isEmpty()) {
            return new RuleResult("denyEolRuntime", rule.setting(), true, "none of the " + count(total, "runtimes")
                    + " is past its end of support beyond the grace period" + unknownText, List.of());
        }
        String named = failing.stream().limit(NAMED_IN_EXPLANATION).map(i -> i.pkg() + " " + i.version())
                .collect(Collectors.joining(", ")) + (failing.size() > NAMED_IN_EXPLANATION ? ", …" : "");
        return new RuleResult("denyEolRuntime", rule.setting(), false, failing.size() + " of " + count(total, "runtimes")
                + (failing.size() == 1 ? " is" : " are") + " past end of support beyond the grace period: " + named + unknownText,
                failing);
    }

    private RuleResult allowedBases() {
        Rules.AllowedBases allowed = rules.allowedBases();
        String setting = allowed.setting();
        PolicyInput.BaseChain chain = input.baseChain();
        if (chain == null) {
            return new RuleResult("allowedBases", setting, false, "what the image is built on was not gathered; approved bases: "
                    + alternatives(allowed), List.of());
        }
        chain.notes().forEach(n -> notes.add("allowedBases: " + n));
        Map<String, String> approved = new LinkedHashMap<>();
        allowed.images().forEach(i -> approved.putIfAbsent(io.drydock.catalogue.Catalogue.key(i), i));
        String self = io.drydock.catalogue.Catalogue.key(report.target());
        if (approved.containsKey(self)) {
            return new RuleResult("allowedBases", setting, true, report.target() + " is itself an approved base", List.of());
        }
        for (PolicyInput.Link link : chain.links()) {
            String match = approved.get(io.drydock.catalogue.Catalogue.key(link.reference()));
            if (match != null) {
                PolicyInput.Link direct = chain.links().get(0);
                String via = direct == link ? "" : ", through " + direct.reference();
                return new RuleResult("allowedBases", setting, true, "built on the approved base " + match + " (" + link.how() + ")"
                        + via, List.of());
            }
        }
        if (chain.links().isEmpty()) {
            return new RuleResult("allowedBases", setting, false, "no base image is known (no annotation, --base, lineage record or"
                    + " approved base's layers name one), so it is not built on an approved base; approved alternatives: "
                    + alternatives(allowed), List.of());
        }
        PolicyInput.Link direct = chain.links().get(0);
        String below = chain.links().size() == 1 ? ""
                : " (nor is any base below it: " + chain.links().subList(1, chain.links().size()).stream()
                        .map(PolicyInput.Link::reference).distinct().collect(Collectors.joining(", ")) + ")";
        return new RuleResult("allowedBases", setting, false, "built on " + direct.reference() + " (" + direct.how()
                + "), which is not an approved base" + below + "; approved alternatives: " + alternatives(allowed), List.of());
    }

    /** The approved bases, those naming the image's OS first (a Debian image is offered the Debian bases first). */
    private String alternatives(Rules.AllowedBases allowed) {
        String os = report.os() == null || report.os().id() == null ? null : report.os().id().toLowerCase(java.util.Locale.ROOT);
        List<String> sameOs = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String i : allowed.images()) {
            (os != null && i.toLowerCase(java.util.Locale.ROOT).contains(os) ? sameOs : others).add(i);
        }
        sameOs.addAll(others);
        int shown = 5;
        return String.join(", ", sameOs.subList(0, Math.min(shown, sameOs.size())))
                + (sameOs.size() > shown ? " and " + (sameOs.size() - shown) + " more in " + allowed.source() : "");
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
