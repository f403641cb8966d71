package io.drydock.rebuild;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageConfig;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.registry.RegistryClient;
import io.drydock.lineage.Dockerfile;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rebuilds the image from its Dockerfile on this machine with buildah ({@code bud}, chroot isolation, vfs storage:
 * no daemon, no cgroups, no overlay mounts needed), then pushes it. The new base goes in by digest, so the build uses
 * exactly the base that was decided on: through a build arg when the Dockerfile selects its base with one
 * ({@code baseArg}), else by rewriting, in a temporary copy of the Dockerfile, the FROM that the final stage's chain
 * starts at.
 *
 * <p>Settings (the recipe's JSON object):
 * <ul>
 * <li>{@code context} (required): the build context directory;</li>
 * <li>{@code dockerfile}: path relative to the context (default {@code Dockerfile});</li>
 * <li>{@code buildArgs}: an object of build args;</li>
 * <li>{@code baseArg}: the ARG that selects the base (e.g. {@code BASE_IMAGE}); passed as
 *     {@code --build-arg BASE_IMAGE=<new base by digest>};</li>
 * <li>{@code storageRoot}: buildah's storage ({@code storage/} and {@code run/} below it); default
 *     {@code DRYDOCK_HOME/buildah}, or a temporary directory removed after the build when there is no home;</li>
 * <li>{@code tlsVerify}: default true, except for a registry on this host (loopback), which is plain HTTP as for
 * Drydock's own client; false for another plain-HTTP registry;</li>
 * <li>{@code usernameEnv} and {@code passwordEnv}: names of environment variables holding registry credentials,
 *     passed to buildah with {@code --creds} and never shown in messages.</li>
 * </ul>
 *
 * <p>The request id becomes the label {@value #REQUEST_ID_LABEL} of the image. Before building, the target is
 * looked up: when it already carries the request's label, the build was done and pushed before (a retry after a
 * crash), and its digest is returned without building again.
 */
public final class BuildahBuild implements RebuildStrategy {
    public static final String REQUEST_ID_LABEL = "drydock.io/request-id";
    static final int OUTPUT_TAIL_LINES = 20;
    private static final long MAX_CONFIG_BYTES = 4L << 20;
    private static final Duration CLEANUP_TIMEOUT = Duration.ofMinutes(2);
    private static final Set<String> KNOWN_SETTINGS = Set.of("context", "dockerfile", "buildArgs", "baseArg", "storageRoot",
            "tlsVerify", "usernameEnv", "passwordEnv");
    private static final Pattern ARG_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A FROM line: keyword, flags ({@code --platform=...}), the image word, and the rest ({@code AS name}). */
    private static final Pattern FROM_LINE = Pattern.compile("(?i)^(\\s*FROM\\s+(?:--\\S+\\s+)*)(\\S+)(.*)$", Pattern.DOTALL);

    private final RegistryClient client;
    private final String buildah;
    private final Path home;
    private final Map<String, String> environment;

    /** Uses {@code buildah} from PATH and {@code DRYDOCK_HOME} (when set) for the default storage. */
    public BuildahBuild(RegistryClient client) {
        this(client, "buildah", homeFromEnvironment(), System.getenv());
    }

    /**
     * @param buildah the buildah executable
     * @param home Drydock's state directory, whose {@code buildah/} holds the default storage; null to build in a
     *     temporary storage removed afterwards
     * @param environment where {@code usernameEnv} and {@code passwordEnv} are looked up
     */
    public BuildahBuild(RegistryClient client, String buildah, Path home, Map<String, String> environment) {
        this.client = client;
        this.buildah = buildah;
        this.home = home;
        this.environment = Map.copyOf(environment);
    }

    private static Path homeFromEnvironment() {
        String env = System.getenv("DRYDOCK_HOME");
        return env == null || env.isBlank() ? null : Path.of(env);
    }

    @Override
    public String name() {
        return "buildah";
    }

    // ---------------------------------------------------------------- settings

    /** A registry on this host, spoken to in plain HTTP as Drydock's own client does; TLS everywhere else. */
    static boolean loopback(String registry) {
        String host = registry.startsWith("[") ? registry.substring(0, registry.indexOf(']') + 1) : registry.replaceFirst(":\\d+$", "");
        return host.equals("localhost") || host.equals("[::1]") || host.startsWith("127.");
    }

    record Settings(Path context, Path dockerfile, Map<String, String> buildArgs, String baseArg, Path storageRoot,
            boolean tlsVerify, String usernameEnv, String passwordEnv) {

        static Settings parse(JsonNode s, ImageReference image, ImageReference target) {
            String where = "the buildah settings of " + image;
            if (!s.isObject()) {
                throw new DrydockException(where + " must be a JSON object");
            }
            for (Iterator<String> names = s.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!KNOWN_SETTINGS.contains(name)) {
                    throw new DrydockException(where + " have an unknown setting '" + name + "' (known: "
                            + String.join(", ", KNOWN_SETTINGS.stream().sorted().toList()) + ")");
                }
            }
            String context = text(s, "context", where);
            if (context == null || context.isBlank()) {
                throw new DrydockException(where + " need \"context\": the directory to build in");
            }
            Path contextDir = Path.of(context).toAbsolutePath().normalize();
            String dockerfileName = text(s, "dockerfile", where);
            Path dockerfile = contextDir.resolve(dockerfileName == null || dockerfileName.isBlank() ? "Dockerfile" : dockerfileName)
                    .normalize();
            Map<String, String> buildArgs = new LinkedHashMap<>();
            JsonNode args = s.path("buildArgs");
            if (!args.isMissingNode() && !args.isNull()) {
                if (!args.isObject()) {
                    throw new DrydockException(where + ": \"buildArgs\" must be an object of NAME: value");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = args.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!ARG_NAME.matcher(e.getKey()).matches()) {
                        throw new DrydockException(where + ": build arg name '" + e.getKey() + "' is not valid");
                    }
                    if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                        throw new DrydockException(where + ": build arg " + e.getKey() + " must be a string, number or boolean");
                    }
                    buildArgs.put(e.getKey(), e.getValue().asText());
                }
            }
            String baseArg = text(s, "baseArg", where);
            if (baseArg != null && baseArg.isBlank()) {
                baseArg = null;
            }
            if (baseArg != null && !ARG_NAME.matcher(baseArg).matches()) {
                throw new DrydockException(where + ": \"baseArg\" '" + baseArg + "' is not a valid ARG name");
            }
            if (baseArg != null && buildArgs.containsKey(baseArg)) {
                throw new DrydockException(where + ": " + baseArg + " is the baseArg and is also given in \"buildArgs\"; "
                        + "Drydock sets it to the new base, remove it from \"buildArgs\"");
            }
            String storage = text(s, "storageRoot", where);
            JsonNode tls = s.path("tlsVerify");
            if (!tls.isMissingNode() && !tls.isNull() && !tls.isBoolean()) {
                throw new DrydockException(where + ": \"tlsVerify\" must be true or false");
            }
            String usernameEnv = text(s, "usernameEnv", where);
            String passwordEnv = text(s, "passwordEnv", where);
            if ((usernameEnv == null) != (passwordEnv == null)) {
                throw new DrydockException(where + ": give both \"usernameEnv\" and \"passwordEnv\", or neither");
            }
            return new Settings(contextDir, dockerfile, Map.copyOf(buildArgs), baseArg,
                    storage == null || storage.isBlank() ? null : Path.of(storage).toAbsolutePath().normalize(),
                    tls.isMissingNode() || tls.isNull() ? !loopback(target.registry()) : tls.asBoolean(), usernameEnv, passwordEnv);
        }

        private static String text(JsonNode s, String name, String where) {
            JsonNode n = s.get(name);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isTextual()) {
                throw new DrydockException(where + ": \"" + name + "\" must be a string");
            }
            return n.asText();
        }
    }

    /** Registry credentials and how to keep them out of messages. */
    private record Secrets(String creds, List<String> secrets) {
        static final Secrets NONE = new Secrets(null, List.of());

        String redact(String text) {
            String out = text;
            for (String s : secrets) {
                if (!s.isEmpty()) {
                    out = out.replace(s, "***");
                }
            }
            return out;
        }
    }

    private Secrets secrets(Settings s, ImageReference image) {
        if (s.usernameEnv() == null) {
            return Secrets.NONE;
        }
        String user = environment.get(s.usernameEnv());
        String password = environment.get(s.passwordEnv());
        if (user == null || user.isEmpty() || password == null || password.isEmpty()) {
            throw new DrydockException("cannot rebuild " + image + " with buildah: the credentials' environment variable "
                    + (user == null || user.isEmpty() ? s.usernameEnv() : s.passwordEnv()) + " is not set");
        }
        // the longest first, so "user:password" is replaced whole
        return new Secrets(user + ":" + password, List.of(user + ":" + password, password));
    }

    // ---------------------------------------------------------------- rebuild

    @Override
    public RebuildResult rebuild(RebuildRequest request) {
        Settings s = Settings.parse(request.settings(), request.image(), request.target());
        ImageReference target = request.target();
        if (target.tag() == null || target.digest() != null) {
            throw new DrydockException("cannot rebuild " + request.image() + " with buildah: the target " + target
                    + " must be a repository and tag, without a digest");
        }
        long deadline = System.nanoTime() + request.timeout().toNanos();

        Optional<Digest> done = alreadyBuilt(target, request.requestId());
        if (done.isPresent()) {
            return new RebuildResult(done.get(), target, "found " + target + " already built for request " + request.requestId()
                    + " (" + done.get().shortHex() + "); not built again", Map.of("reused", "true", "requestId", request.requestId()));
        }

        Secrets secrets = secrets(s, request.image());
        if (!Files.isDirectory(s.context())) {
            throw new DrydockException("cannot rebuild " + request.image() + " with buildah: the build context " + s.context()
                    + " is not a directory");
        }
        if (!Files.isRegularFile(s.dockerfile())) {
            throw new DrydockException("cannot rebuild " + request.image() + " with buildah: the Dockerfile " + s.dockerfile()
                    + " does not exist");
        }
        ImageReference base = pinnedBase(request.newBase());

        Path work;
        try {
            work = Files.createTempDirectory(bigFilesDirectory(), "drydock-buildah-");
            Files.createDirectory(work.resolve("tmp"));
        } catch (IOException e) {
            throw new DrydockException("cannot rebuild " + request.image() + " with buildah: cannot create a working directory: "
                    + DrydockException.reason(e), e);
        }
        boolean temporaryStorage = s.storageRoot() == null && home == null;
        Path storage = s.storageRoot() != null ? s.storageRoot() : home != null ? home.resolve("buildah") : temporaryStorage(work);
        List<String> prefix = List.of(buildah, "--storage-driver", "vfs", "--root", storage.resolve("storage").toString(),
                "--runroot", storage.resolve("run").toString());
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("requestId", request.requestId());
        facts.put("dockerfile", s.dockerfile().toString());
        facts.put("context", s.context().toString());
        facts.put("base", base.toString());
        facts.put("storageRoot", temporaryStorage ? "(temporary)" : storage.toString());
        String what = "rebuilding " + request.image() + " as " + target + " with buildah from Dockerfile " + s.dockerfile();
        boolean built = false;
        Digest digest;
        String cleanupProblem = null;
        try {
            Map<String, String> buildArgs = new LinkedHashMap<>(s.buildArgs());
            Path dockerfile = s.dockerfile();
            if (s.baseArg() != null) {
                requireDeclared(s, base);
                buildArgs.put(s.baseArg(), base.toString());
                facts.put("baseArg", s.baseArg());
            } else {
                Rewrite rewrite = rewrite(s.dockerfile(), s.buildArgs(), request.oldBase(), request.newBase(), base, work);
                dockerfile = rewrite.file();
                facts.put("rewrittenFrom", rewrite.was() + " (line " + rewrite.line() + ")");
            }

            List<String> bud = new ArrayList<>(prefix);
            bud.addAll(List.of("bud", "--isolation", "chroot", "--pull=always", "--layers=false", "--force-rm"));
            if (!s.tlsVerify()) {
                bud.add("--tls-verify=false");
            }
            if (secrets.creds() != null) {
                bud.addAll(List.of("--creds", secrets.creds()));
            }
            bud.addAll(List.of("-f", dockerfile.toString(), "-t", target.toString(), "--label",
                    REQUEST_ID_LABEL + "=" + request.requestId()));
            buildArgs.forEach((k, v) -> bud.addAll(List.of("--build-arg", k + "=" + v)));
            bud.add(s.context().toString());
            long started = System.nanoTime();
            Run build = run(bud, work.resolve("build.log"), deadline, secrets, what, request.timeout());
            built = true;
            if (build.exitCode() != 0) {
                throw new DrydockException(what + " failed: buildah bud exited with " + build.exitCode()
                        + "; the last lines of its output:\n" + build.tail());
            }
            facts.put("buildSeconds", String.valueOf(Duration.ofNanos(System.nanoTime() - started).toSeconds()));

            Path digestFile = work.resolve("digest");
            List<String> push = new ArrayList<>(prefix);
            push.add("push");
            if (!s.tlsVerify()) {
                push.add("--tls-verify=false");
            }
            if (secrets.creds() != null) {
                push.addAll(List.of("--creds", secrets.creds()));
            }
            push.addAll(List.of("--digestfile", digestFile.toString(), target.toString(), "docker://" + target));
            started = System.nanoTime();
            Run pushed = run(push, work.resolve("push.log"), deadline, secrets, what, request.timeout());
            if (pushed.exitCode() != 0) {
                throw new DrydockException(what + " failed: buildah push to " + target + " exited with " + pushed.exitCode()
                        + "; the last lines of its output:\n" + pushed.tail());
            }
            facts.put("pushSeconds", String.valueOf(Duration.ofNanos(System.nanoTime() - started).toSeconds()));
            digest = readDigest(digestFile, what);
            Optional<Descriptor> there = client.head(target);
            if (there.isEmpty()) {
                throw new DrydockException(what + ": buildah pushed " + digest + " but the registry has no " + target);
            }
            if (!there.get().digest().equals(digest)) {
                throw new DrydockException(what + ": buildah pushed " + digest + " but the registry now has " + there.get().digest()
                        + " at " + target + " (did something else push to that tag?)");
            }
        } finally {
            cleanupProblem = cleanUp(prefix, target, built, temporaryStorage, storage, work);
        }
        if (cleanupProblem != null) {
            facts.put("cleanupProblem", cleanupProblem);
        }
        return new RebuildResult(digest, target, "built " + target + " (" + digest.shortHex() + ") with buildah from "
                + s.dockerfile() + " on " + base, facts);
    }

    /** The new base by digest only (a reference with both a tag and a digest is refused by some tools). */
    private ImageReference pinnedBase(ImageReference newBase) {
        Digest digest = newBase.digest();
        if (digest == null) {
            digest = client.head(newBase).map(Descriptor::digest).orElseThrow(() -> new DrydockException(
                    "the new base " + newBase + " does not exist in its registry"));
        }
        return new ImageReference(newBase.registry(), newBase.repository(), null, digest);
    }

    /** The digest at {@code target} when that image's config carries {@code requestId} as its request label. */
    private Optional<Digest> alreadyBuilt(ImageReference target, String requestId) {
        Optional<Descriptor> head = client.head(target);
        if (head.isEmpty()) {
            return Optional.empty();
        }
        Digest digest = head.get().digest();
        Manifest m = client.manifest(target, digest.toString());
        if (!(m instanceof ImageManifest manifest)) {
            return Optional.empty();
        }
        if (manifest.config().size() > MAX_CONFIG_BYTES) {
            return Optional.empty();
        }
        byte[] raw;
        try (InputStream in = client.blob(target, manifest.config())) {
            raw = in.readAllBytes();
        } catch (IOException e) {
            throw new DrydockException("cannot read the config of " + target + "@" + digest + ": " + DrydockException.reason(e), e);
        }
        ImageConfig config = ImageConfig.parse(raw, target + "@" + digest);
        return requestId.equals(config.labels().get(REQUEST_ID_LABEL)) ? Optional.of(digest) : Optional.empty();
    }

    /** Fails early when the Dockerfile does not declare the ARG that is to select its base. */
    private static void requireDeclared(Settings s, ImageReference base) {
        Map<String, String> args = new LinkedHashMap<>(s.buildArgs());
        args.put(s.baseArg(), base.toString());
        Dockerfile parsed;
        try {
            parsed = Dockerfile.parse(s.dockerfile(), args);
        } catch (DrydockException e) {
            throw new DrydockException("with the build arg " + s.baseArg() + "=" + base + " (baseArg): " + e.getMessage(), e);
        }
        if (parsed.unusedBuildArgs().contains(s.baseArg())) {
            throw new DrydockException("Dockerfile " + s.dockerfile() + " declares no ARG " + s.baseArg()
                    + ", the baseArg that is to select its base; add 'ARG " + s.baseArg() + "' before its FROM, or remove baseArg "
                    + "from the settings to have Drydock rewrite the FROM line");
        }
    }

    // ---------------------------------------------------------------- FROM rewrite

    /** A temporary Dockerfile whose runtime FROM names the new base; {@code was} is what the FROM named before. */
    record Rewrite(Path file, int line, String was) {
    }

    /**
     * Copies {@code dockerfile} into {@code work} with the FROM that the final stage's chain starts at replaced by
     * {@code pinned}. That FROM must name the old base's repository (or the new base's, e.g. a floating tag).
     */
    static Rewrite rewrite(Path dockerfile, Map<String, String> buildArgs, ImageReference oldBase, ImageReference newBase,
            ImageReference pinned, Path work) {
        Dockerfile parsed = Dockerfile.parse(dockerfile, buildArgs);
        Dockerfile.Stage root = parsed.stages().getLast();
        while (root.parent() >= 0) {
            root = parsed.stages().get(root.parent());
        }
        if (root.fromScratch()) {
            throw new DrydockException("Dockerfile " + dockerfile + ": the final stage is built FROM scratch (line " + root.line()
                    + "), so there is no base to replace with " + newBase);
        }
        ImageReference named;
        try {
            named = ImageReference.parse(root.base());
        } catch (DrydockException e) {
            throw new DrydockException("Dockerfile " + dockerfile + " line " + root.line() + ": " + e.getMessage(), e);
        }
        boolean matches = sameRepository(named, newBase) || (oldBase != null && sameRepository(named, oldBase));
        if (!matches) {
            throw new DrydockException("Dockerfile " + dockerfile + " line " + root.line() + ": the final stage is built FROM "
                    + root.base() + ", not " + (oldBase != null ? "the old base " + oldBase.name() + " or " : "")
                    + "the new base " + newBase.name() + "; set \"baseArg\" if an ARG selects the base, or fix the recipe's base");
        }
        String text;
        try {
            text = Files.readString(dockerfile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DrydockException("cannot read Dockerfile " + dockerfile + ": " + DrydockException.reason(e), e);
        }
        boolean bom = text.startsWith("\uFEFF");
        String[] lines = (bom ? text.substring(1) : text).split("\n", -1);
        int index = root.line() - 1;
        Matcher m = index < lines.length ? FROM_LINE.matcher(lines[index]) : null;
        String word = m != null && m.matches() ? m.group(2) : null;
        if (word == null || word.equals("\\") || word.equals("`") || word.startsWith("--")) {
            throw new DrydockException("Dockerfile " + dockerfile + " line " + root.line() + ": cannot rewrite this FROM to "
                    + pinned + " (it does not name its image on that line); set \"baseArg\" and select the base with an ARG");
        }
        lines[index] = m.group(1) + pinned + m.group(3);
        String rewritten = (bom ? "\uFEFF" : "") + String.join("\n", lines);
        // check the result: the runtime base is now exactly the pinned reference
        Dockerfile check = Dockerfile.parse(rewritten, dockerfile.toString(), buildArgs);
        if (!check.runtimeBase().equals(Optional.of(pinned.toString()))) {
            throw new DrydockException("Dockerfile " + dockerfile + " line " + root.line() + ": rewriting the FROM to " + pinned
                    + " gave a runtime base of " + check.runtimeBase().orElse("scratch") + "; set \"baseArg\" instead");
        }
        Path file = work.resolve(dockerfile.getFileName().toString());
        try {
            Files.writeString(file, rewritten, StandardCharsets.UTF_8);
            // buildah reads <Dockerfile>.dockerignore beside the Dockerfile; keep it next to the copy
            for (String ignore : List.of(".dockerignore", ".containerignore")) {
                Path beside = dockerfile.resolveSibling(dockerfile.getFileName() + ignore);
                if (Files.isRegularFile(beside)) {
                    Files.copy(beside, work.resolve(beside.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new DrydockException("cannot write the rewritten copy of Dockerfile " + dockerfile + ": " + DrydockException.reason(e), e);
        }
        return new Rewrite(file, root.line(), root.base());
    }

    private static boolean sameRepository(ImageReference a, ImageReference b) {
        return a.registry().equals(b.registry()) && a.repository().equals(b.repository());
    }

    // ---------------------------------------------------------------- processes

    record Run(int exitCode, String output) {
        String tail() {
            String[] all = output.strip().split("\n", -1);
            return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - OUTPUT_TAIL_LINES), all.length));
        }
    }

    private Run run(List<String> command, Path log, long deadline, Secrets secrets, String what, Duration timeout) {
        String shown = secrets.redact(String.join(" ", command));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("BUILDAH_ISOLATION", "chroot");
        pb.environment().put("STORAGE_DRIVER", "vfs");
        // buildah keeps blobs being pulled in TMPDIR (default /var/tmp) and leaves them there when it is killed
        pb.environment().put("TMPDIR", log.resolveSibling("tmp").toString());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new DrydockException(what + " failed: cannot run " + buildah + " (is buildah installed?): " + DrydockException.reason(e), e);
        }
        try {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                destroyTree(p);
                throw new DrydockException(what + " timed out after " + timeout.toSeconds() + " s (" + shown
                        + " was stopped); the last lines of its output:\n" + new Run(-1, secrets.redact(read(log))).tail());
            }
        } catch (InterruptedException e) {
            destroyTree(p);
            Thread.currentThread().interrupt();
            throw new DrydockException(what + " was interrupted (" + shown + " was stopped)");
        }
        return new Run(p.exitValue(), secrets.redact(read(log)));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read the output: " + DrydockException.reason(e) + ")";
        }
    }

    /** SIGTERM to the process and everything it started, then SIGKILL to whatever is left after 10 s. */
    private static void destroyTree(Process p) {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        all.forEach(ProcessHandle::destroy);
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static Digest readDigest(Path file, String what) {
        try {
            return Digest.parse(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new DrydockException(what + ": buildah push wrote no digest file: " + DrydockException.reason(e), e);
        } catch (DrydockException e) {
            throw new DrydockException(what + ": buildah push wrote an unreadable digest: " + e.getMessage(), e);
        }
    }

    /** Where large temporary files go: /var/tmp (as buildah itself does) rather than a /tmp that may be a tmpfs. */
    private static Path bigFilesDirectory() {
        Path varTmp = Path.of("/var/tmp");
        return Files.isDirectory(varTmp) && Files.isWritable(varTmp) ? varTmp : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Storage for one build when there is no Drydock home: removed with the working directory. */
    private static Path temporaryStorage(Path work) {
        return work.resolve("storage");
    }

    /**
     * Removes the built image from local storage (it is in the registry now; vfs keeps a full copy per layer), the
     * whole storage when it was temporary, and the working directory. Returns what went wrong, or null.
     */
    private String cleanUp(List<String> prefix, ImageReference target, boolean built, boolean temporaryStorage, Path storage,
            Path work) {
        List<String> problems = new ArrayList<>();
        long deadline = System.nanoTime() + CLEANUP_TIMEOUT.toNanos();
        try {
            if (temporaryStorage) {
                for (List<String> step : List.of(List.of("rm", "--all"), List.of("rmi", "--all", "--force"))) {
                    List<String> command = new ArrayList<>(prefix);
                    command.addAll(step);
                    Run r = run(command, work.resolve("cleanup.log"), deadline, Secrets.NONE, "cleaning up", CLEANUP_TIMEOUT);
                    if (r.exitCode() != 0) {
                        problems.add("buildah " + String.join(" ", step) + " exited with " + r.exitCode());
                    }
                }
                deleteTree(storage, problems);
            } else if (built) {
                List<String> command = new ArrayList<>(prefix);
                command.addAll(List.of("rmi", target.toString()));
                // exits non-zero when the build failed before tagging the image: nothing to remove then
                run(command, work.resolve("cleanup.log"), deadline, Secrets.NONE, "cleaning up", CLEANUP_TIMEOUT);
            }
        } catch (DrydockException e) {
            problems.add(e.getMessage().lines().findFirst().orElse(""));
        }
        deleteTree(work, problems);
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static void deleteTree(Path root, List<String> problems) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            problems.add("cannot delete " + root + ": " + DrydockException.reason(e));
        }
    }
}
