package io.drydock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageIndex;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.sign.Attestations;
import io.drydock.sign.CosignStore;
import io.drydock.sign.Ecdsa;
import io.drydock.sign.KeyPassphrase;
import io.drydock.sign.Signer;
import io.drydock.sign.SigningKeys;
import io.drydock.sign.Verifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code drydock sign}, {@code attest} and {@code verify}: cosign-compatible marks on images in a registry. */
final class SignCommands {
    static final int VERIFY_FAILED = 1;

    private SignCommands() {
    }

    /** The image as the registry has it: the reference, and the manifest or index its tag or digest names now. */
    record Target(ImageReference ref, Manifest top) {
        Descriptor descriptor() {
            return Descriptor.of(top.mediaType(), top.digest(), top.raw().length);
        }

        /** The index and each platform manifest it lists, or the single manifest. */
        List<Descriptor> signable() {
            List<Descriptor> out = new ArrayList<>(List.of(descriptor()));
            if (top instanceof ImageIndex index) {
                // buildx lists its attestation manifests as platform unknown/unknown: those are not images to sign
                index.manifests().stream().filter(d -> d.platform() != null && !"unknown".equals(d.platform().os())).forEach(out::add);
            }
            return out;
        }
    }

    static Target target(ImageOptions options, String image) {
        if (image.startsWith("oci:") || image.startsWith("oci-archive:") || image.startsWith("docker-archive:")) {
            throw new DrydockException(image + ": signatures live in a registry; push the image and name it there");
        }
        ImageReference ref = ImageReference.parse(image.startsWith("docker://") ? image.substring(9) : image);
        options.bindCredentials(ref.registry());
        return new Target(ref, options.client().manifest(ref));
    }

    static CosignStore store(ImageOptions options) {
        return new CosignStore(options.client(), options.home().resolve("locks"));
    }

    static PrivateKey privateKey(Path key) {
        return SigningKeys.decryptPrivate(key, KeyPassphrase.fromSystem());
    }

    @Command(name = "sign", description = "Sign an image's digest, cosign-compatible (an index: the index and each platform manifest).")
    static final class Sign implements Callable<Integer> {
        @Parameters(paramLabel = "IMAGE")
        String image;
        @Option(names = "--key", required = true, paramLabel = "KEY", description = "Private key in cosign's encrypted format (passphrase: $DRYDOCK_KEY_PASSWORD or $COSIGN_PASSWORD).")
        Path key;
        @Mixin
        ImageOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Target t = target(options, image);
            PrivateKey k = privateKey(key);
            Signer signer = new Signer(store(options), k);
            PrintWriter out = spec.commandLine().getOut();
            for (Descriptor d : t.signable()) {
                signer.sign(t.ref(), d);
                out.println("signed " + t.ref().name() + "@" + d.digest() + (d.platform() != null ? " (" + d.platform() + ")" : "")
                        + " with " + key.getFileName());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "attest", description = "Attach a signed in-toto attestation (DSSE) to an image's digest, cosign-compatible.")
    static final class Attest implements Callable<Integer> {
        @Parameters(paramLabel = "IMAGE")
        String image;
        @Option(names = "--key", required = true, paramLabel = "KEY")
        Path key;
        @Option(names = "--type", required = true, description = "vuln, sbom, verdict, or a predicate type URI.")
        String type;
        @Option(names = "--predicate", required = true, paramLabel = "FILE", description = "The predicate, as JSON.")
        Path predicate;
        @Mixin
        ImageOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            String predicateType = type.contains(":") ? type : kind(spec, type).predicateType;
            JsonNode body;
            try {
                body = new ObjectMapper().readTree(Files.readAllBytes(predicate));
            } catch (IOException e) {
                throw new DrydockException("the predicate " + predicate + " is not JSON: " + DrydockException.reason(e).lines().findFirst().orElse(""));
            }
            if (body == null || !body.isObject()) throw new DrydockException("the predicate " + predicate + " must be a JSON object");
            Target t = target(options, image);
            new Signer(store(options), privateKey(key)).attest(t.ref(), t.descriptor(), predicateType, body);
            spec.commandLine().getOut().println("attested " + predicateType + " for " + t.ref().name() + "@" + t.top().digest()
                    + " with " + key.getFileName());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    static Attestations kind(CommandSpec spec, String name) {
        try {
            return Attestations.parse(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Command(name = "verify", description = {"Check an image's cosign signatures and attestations against public keys, offline."},
            footer = {"", "Exit codes: 0 verified; 1 verification failed (each reason is printed); 2 usage error; 3 error."})
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "IMAGE")
        String image;
        @Option(names = "--key", required = true, paramLabel = "PUB", description = "A trusted public key, PEM (repeatable).")
        List<Path> keys = new ArrayList<>();
        @Option(names = "--threshold", defaultValue = "1", description = "How many of the keys must have signed (default 1).")
        int threshold;
        @Option(names = "--require-key", paramLabel = "PUB", description = "A key that must be among the signers (repeatable).")
        List<Path> required = new ArrayList<>();
        @Option(names = "--attestation", paramLabel = "KIND", description = "vuln, sbom or verdict: must be attested by the keys (repeatable).")
        List<String> attestations = new ArrayList<>();
        @Option(names = "--max-age", paramLabel = "DURATION", description = "Attestations older than this fail, e.g. 24h, 7d.")
        String maxAge;
        @Mixin
        ImageOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (threshold < 1 || threshold > keys.size()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--threshold " + threshold + " needs between 1 and " + keys.size() + " keys");
            }
            List<Verifier.TrustedKey> trusted = new ArrayList<>();
            for (Path k : keys) trusted.add(new Verifier.TrustedKey(k.getFileName().toString(), SigningKeys.readPublic(k)));
            Set<String> requiredNames = new LinkedHashSet<>();
            for (Path r : required) {
                if (!keys.contains(r)) throw new CommandLine.ParameterException(spec.commandLine(), "--require-key " + r + " is not one of the --key files");
                requiredNames.add(r.getFileName().toString());
            }
            Set<Attestations> kinds = new LinkedHashSet<>();
            for (String a : attestations) kinds.add(kind(spec, a));
            Duration age = maxAge == null ? null : duration(spec, maxAge);
            Target t = target(options, image);
            Verifier.Result r = new Verifier(options.client(), store(options), Clock.systemUTC()).verify(t.ref(), t.descriptor(), trusted,
                    new Verifier.Requirements(threshold, requiredNames, kinds, age));
            PrintWriter out = spec.commandLine().getOut();
            out.println((r.verified() ? "VERIFIED " : "NOT VERIFIED ") + t.ref().name() + "@" + r.digest());
            for (String line : r.verifiedBy()) out.println("  ok    " + line);
            for (String line : r.failures()) out.println("  FAIL  " + line);
            for (String line : r.notes()) out.println("  note  " + line);
            for (Verifier.TrustedKey k : trusted) out.println("  key   " + k.name() + " = " + Ecdsa.fingerprint(k.key()));
            out.flush();
            return r.verified() ? 0 : VERIFY_FAILED;
        }
    }

    /** Durations as the other commands write them (24h, 7d, 30m); a bad one is a usage error. */
    static Duration duration(CommandSpec spec, String text) {
        try {
            return DbCommand.parseDuration(text);
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "'" + text + "' is not a duration such as 30m, 24h or 7d");
        }
    }
}
