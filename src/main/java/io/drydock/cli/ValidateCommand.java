package io.drydock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.image.Descriptor;
import io.drydock.inventory.sbom.CycloneDxWriter;
import io.drydock.policy.Verdict;
import io.drydock.policy.VerdictJson;
import io.drydock.policy.VerdictText;
import io.drydock.scan.report.CosignVulnReport;
import io.drydock.sign.Attestations;
import io.drydock.sign.Signer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code drydock validate}: scan, judge by the policy, and only if the image passes, sign it and attach its
 * vulnerability report, SBOM and verdict. Every platform of an index is scanned and judged; the index is signed
 * only if all pass, and it carries each platform's attestations too, since a cluster may run it by the index digest.
 */
@Command(name = "validate", description = "Scan an image, evaluate a policy, and if it passes sign it and attach vuln, SBOM and verdict attestations.",
        footer = {"", "Exit codes: 0 passed, signed and attested; 1 the policy failed (nothing was pushed); 2 usage error; 3 error."})
final class ValidateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IMAGE", description = "An image in a registry; it is scanned and signed by digest, so a tag moving meanwhile changes nothing.")
    String image;

    @Option(names = "--policy", required = true, paramLabel = "FILE")
    Path policyFile;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = "Private key in cosign's encrypted format (passphrase: $DRYDOCK_KEY_PASSWORD or $COSIGN_PASSWORD).")
    Path key;

    @Option(names = "--base", paramLabel = "IMAGE", description = "The base image IMAGE is built on (overrides the OCI base annotations).")
    String base;

    @Option(names = "--db-max-age", description = "Fail (exit 3) when the advisory DB is older than this (default: warn after 5d).")
    String maxAge;

    @Mixin
    ImageOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        // the key first: a wrong passphrase should not cost a scan
        Outcome o = validate(options, image, policyFile, SignCommands.privateKey(key), key.getFileName().toString(), base, maxAge,
                spec.commandLine().getParseResult().originalArgs(), spec.commandLine().getOut(), spec.commandLine().getErr(),
                Clock.systemUTC());
        return o.passed() ? 0 : PolicyCommand.EXIT_FAILED;
    }

    /** @param lines what was printed about the outcome: the verdicts' failures, or what was signed */
    record Outcome(boolean passed, List<String> lines) {
    }

    /** Scan, judge, and if the image passes, sign and attest it: the command, and the watch loop's validation step. */
    static Outcome validate(ImageOptions options, String image, Path policyFile, java.security.PrivateKey key, String keyName, String base,
            String maxAge, List<String> args, PrintWriter out, PrintWriter err, Clock clock) throws IOException {
        Signer signer = new Signer(SignCommands.store(options), key);
        SignCommands.Target target = SignCommands.target(options, image);
        List<Descriptor> platforms = target.signable().size() == 1 ? target.signable()
                : target.signable().subList(1, target.signable().size());
        ObjectMapper json = new ObjectMapper();
        Map<Descriptor, Map<String, JsonNode>> attestations = new LinkedHashMap<>();
        Map<Descriptor, Signer.Prepared> prepared = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        boolean passed = true;
        for (Descriptor platform : platforms) {
            // upload sessions for the signature and the three attestations open while the scan runs
            java.util.concurrent.CompletableFuture<Signer.Prepared> sessions =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> signer.prepare(target.ref(), 3));
            String pinned = target.ref().name() + "@" + platform.digest();
            PolicyCommand.Checked checked = PolicyCommand.check(options, pinned, policyFile, base, maxAge, err, clock);
            Verdict verdict = checked.verdict();
            out.print(VerdictText.write(verdict));
            if (!verdict.passed()) {
                verdict.failures().forEach(r -> lines.add(r.rule() + " " + r.setting() + ": " + r.explanation()));
            }
            passed &= verdict.passed();
            Map<String, JsonNode> predicates = new LinkedHashMap<>();
            CosignVulnReport vuln = new CosignVulnReport(CosignVulnReport.Invocation.fromEnvironment(System.getenv(), args), clock);
            predicates.put(Attestations.VULN.predicateType, json.readTree(vuln.write(List.of(checked.report()))));
            predicates.put(Attestations.SBOM.predicateType, json.readTree(new CycloneDxWriter().write(checked.opened().target().inventory())));
            predicates.put(Attestations.VERDICT.predicateType, VerdictJson.predicate(verdict));
            attestations.put(platform, predicates);
            prepared.put(platform, sessions.join());
        }
        if (!passed) {
            out.println("FAILED: " + target.ref().name() + "@" + target.top().digest() + " does not pass " + policyFile.getFileName()
                    + "; nothing was signed or attested");
            out.flush();
            return new Outcome(false, lines);
        }
        List<Descriptor> signed = new ArrayList<>();
        for (Map.Entry<Descriptor, Map<String, JsonNode>> e : attestations.entrySet()) {
            signer.signAndAttest(target.ref(), e.getKey(), e.getValue(), prepared.get(e.getKey()));
            signed.add(e.getKey());
        }
        if (target.signable().size() > 1) {
            Descriptor index = target.descriptor();
            signer.sign(target.ref(), index);
            for (Map<String, JsonNode> predicates : attestations.values()) {
                signer.attest(target.ref(), index, predicates);
            }
            signed.add(0, index);
        }
        for (Descriptor d : signed) {
            String line = "signed and attested (vuln, sbom, verdict) " + target.ref().name() + "@" + d.digest()
                    + (d.platform() != null ? " (" + d.platform() + ")" : "") + " with " + keyName;
            out.println(line);
            lines.add(line);
        }
        out.flush();
        return new Outcome(true, lines);
    }
}
