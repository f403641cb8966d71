package io.drydock.cli;

import io.drydock.DrydockException;
import io.drydock.image.Digest;
import io.drydock.image.ImageConfig;
import io.drydock.image.ImageSpec;
import io.drydock.image.ResolvedImage;
import io.drydock.policy.Policy;
import io.drydock.policy.PolicyInput;
import io.drydock.policy.Verdict;
import io.drydock.policy.VerdictJson;
import io.drydock.policy.VerdictText;
import io.drydock.scan.BaseImage;
import io.drydock.scan.Gate;
import io.drydock.scan.ImageAccess;
import io.drydock.scan.Matcher;
import io.drydock.scan.ScanReport;
import io.drydock.vulndb.VulnDb;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "policy", description = "Validation policies: judge an image against a policy file (docs/policy.md).",
        subcommands = {PolicyCommand.Check.class})
final class PolicyCommand implements Runnable {
    /** The exit status of an image the policy fails; 2 and 3 stay usage errors and errors, as in every command. */
    static final int EXIT_FAILED = 1;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", description = {
            "Scans IMAGE and judges it against the policy: severity limits (with the policy's allow-list), banned",
            "packages, labels, the user, the base image's age, the OS's and runtimes' end of life, approved bases. Writes the verdict, which names every failed rule and",
            "the findings or packages behind it."},
            footer = {"", "Exit codes: 0 the image passes the policy; 1 it fails; 2 usage error; 3 error (the message",
                    "names the input: the policy file and the key, the image, the DB)."})
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "IMAGE", description = "The image: a registry reference, oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE.")
        String image;

        @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The policy file (YAML, apiVersion drydock.io/v1).")
        Path policyFile;

        @Option(names = "--format", defaultValue = "text", description = "text (default) or json (the verdict predicate, docs/policy.md).")
        String format;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the verdict to this file (replaced atomically) instead of standard output.")
        Path output;

        @Option(names = "--base", paramLabel = "IMAGE", description = "The base image IMAGE is built on (overrides the OCI base annotations).")
        String base;

        @Option(names = "--db-max-age", description = "Fail (exit 3) when the advisory DB is older than this, e.g. 24h, 5d (default: warn after 5d).")
        String maxAge;

        @Mixin
        ImageOptions options;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (!format.equals("text") && !format.equals("json")) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format must be text or json, not " + format);
            }
            PrintWriter err = spec.commandLine().getErr();
            Checked checked = check(options, image, policyFile, base, maxAge, err, Clock.systemUTC());
            Verdict verdict = checked.verdict();
            ScanReport report = checked.report();
            ScanCommand.write(format.equals("json") ? VerdictJson.write(verdict) : VerdictText.write(verdict), output,
                    spec.commandLine().getOut());
            if (!report.inventoryWarnings().isEmpty()) {
                err.println("drydock: warning: the inventory of " + report.target() + " is incomplete ("
                        + report.inventoryWarnings().size() + " files could not be read): findings may be missing");
                err.flush();
            }
            return verdict.passed() ? 0 : EXIT_FAILED;
        }
    }

    /** A policy check's result and what it rests on, for {@code validate} to attest. */
    record Checked(Policy policy, Verdict verdict, ScanReport report, ScanCommand.OpenedImage opened) {
    }

    /** Scans the image (no filters: what counts is the policy's to decide) and evaluates the policy on it. */
    static Checked check(ImageOptions options, String image, Path policyFile, String base, String maxAge, PrintWriter err, Clock clock) {
        // read before scanning: a malformed policy should not cost a scan
        Policy policy = Policy.read(policyFile);
        ScanReport report;
        ScanCommand.OpenedImage opened;
        try (VulnDb db = DbCommand.openOrBuild(options, err)) {
            DbCommand.checkAge(db, maxAge, err);
            opened = ScanCommand.openImage(options, image);
            report = ScanCommand.scanner(db, Matcher.Priority.PRECISE, options)
                    .scan(opened.target(), base, Gate.none(LocalDate.ofInstant(clock.instant(), clock.getZone())));
        }
        BaseCreation created = policy.rules().maxBaseAge() == null ? new BaseCreation(null, null)
                : baseCreation(report.base(), ScanCommand.access(options));
        ImageConfig config = opened.image().config();
        PolicyInput input = new PolicyInput(report, PolicyInput.packagesOf(opened.target().inventory(), report.base()),
                config.labels(), config.user(), created.at(), created.unknownWhy(), opened.image().digest().toString());
        if (policy.rules().denyEolOs() != null || policy.rules().denyEolRuntime() != null) {
            input = input.withEol(PolicyFacts.eol(DbCommand.eolData(options, err), report.os(), opened.target().inventory(), config.env(),
                    LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC)));
        }
        if (policy.rules().allowedBases() != null) {
            input = input.withBaseChain(PolicyFacts.baseChain(options, image, opened.image(), report, policy.rules().allowedBases(),
                    ScanCommand.access(options)));
        }
        return new Checked(policy, policy.evaluate(input, clock), report, opened);
    }

    /** When the base image was built, or why that is not known. */
    record BaseCreation(Instant at, String unknownWhy) {
    }

    /**
     * The base's {@code created}, read from its config. Only the exact base counts: a registry base is read by its
     * digest (its tag may have moved since), and any other reference must still resolve to that digest.
     */
    static BaseCreation baseCreation(BaseImage base, ImageAccess images) {
        if (base != null && base.isGuess() && (base.name() != null || base.digest() != null)) {
            // the annotations name a base, but the scan could not confirm the image is built on it
            return new BaseCreation(null, base.note());
        }
        if (base == null || base.isGuess()) {
            return new BaseCreation(null, "no base image is named or known, so its age cannot be read; name it with"
                    + " --base IMAGE or the OCI annotation org.opencontainers.image.base.name");
        }
        if (base.name() == null) {
            return new BaseCreation(null, "the base is known only by its digest " + base.digest() + ", which names no image to read");
        }
        String problem = null;
        for (String reference : references(base)) {
            try {
                ResolvedImage resolved = images.resolve(reference);
                if (base.digest() != null && !resolved.digest().toString().equals(base.digest())) {
                    problem = reference + " is now " + resolved.digest() + ", not the base " + base.digest();
                    continue;
                }
                return created(reference, resolved.config().created());
            } catch (DrydockException e) {
                problem = "cannot read " + reference + ": " + e.getMessage();
            }
        }
        return new BaseCreation(null, problem);
    }

    private static List<String> references(BaseImage base) {
        List<String> refs = new ArrayList<>();
        if (base.digest() != null) {
            try {
                ImageSpec spec = ImageSpec.parse(base.name());
                if (spec.kind() == ImageSpec.Kind.REGISTRY) {
                    refs.add(spec.registryReference().withDigest(Digest.parse(base.digest())).toString());
                }
            } catch (DrydockException unparsable) {
                // the name as written is still worth a try below
            }
        }
        refs.add(base.name());
        return refs;
    }

    private static BaseCreation created(String reference, String created) {
        if (created == null || created.isBlank()) {
            return new BaseCreation(null, "the config of " + reference + " records no creation time");
        }
        Instant at;
        try {
            at = Instant.parse(created);
        } catch (DateTimeParseException e) {
            return new BaseCreation(null, "the config of " + reference + " has an unreadable creation time '" + created + "'");
        }
        // reproducible builds write the epoch (or Go's zero time) rather than when they ran
        if (!at.isAfter(Instant.EPOCH)) {
            return new BaseCreation(null, "the config of " + reference + " records " + created
                    + ", a placeholder reproducible builds write, not when it was built");
        }
        return new BaseCreation(at, null);
    }
}
