package io.drydock.lineage;

import io.drydock.DrydockException;
import io.drydock.image.ImageReference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The base-image lineage of one Dockerfile or Containerfile. Only what decides which images a build
 * pulls is interpreted (FROM, ARG, COPY --from, RUN --mount from=); everything else is checked for
 * being a Dockerfile instruction and skipped, so a rebuild can be triggered when any of those images
 * changes. The runtime base (what the shipped image is built on) is kept apart from the images that
 * are only used while building, because only the former ends up in the image's own lineage.
 *
 * @param stages          every FROM, in file order
 * @param buildTimeBases  external images used only while building, first use of each (image, kind)
 * @param unusedBuildArgs build args no ARG declares, sorted: Docker only warns about them
 */
public record Dockerfile(String source, List<Stage> stages, List<BuildTimeBase> buildTimeBases, List<String> unusedBuildArgs) {
    private static final String SCRATCH = "scratch";
    private static final Set<String> INSTRUCTIONS = Set.of("FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV",
            "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL");
    private static final Set<String> HEREDOC_INSTRUCTIONS = Set.of("RUN", "COPY", "ADD");
    // BuildKit sets these for every build without an ARG, so a FROM using them is not a typo even if
    // undeclared; their real value depends on the builder, which is why they may stay unsubstituted.
    private static final Set<String> AUTOMATIC_ARGS = Set.of("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
            "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT");
    // Docker accepts these as build args without an ARG and does not warn about them.
    private static final Set<String> PREDEFINED_ARGS = Set.of("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
            "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy");
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", "node_modules", "target");
    private static final Pattern DIRECTIVE = Pattern.compile("\\s*#\\s*([A-Za-z][A-Za-z0-9]*)\\s*=\\s*(.*?)\\s*");
    private static final Pattern HEREDOC = Pattern.compile("[0-9]*<<(-?)([^<]+)");
    private static final Pattern STAGE_NAME = Pattern.compile("[a-z][a-z0-9_.-]*");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    public Dockerfile {
        Objects.requireNonNull(source, "source");
        stages = List.copyOf(stages);
        buildTimeBases = List.copyOf(buildTimeBases);
        unusedBuildArgs = List.copyOf(unusedBuildArgs);
        if (stages.isEmpty()) throw new IllegalArgumentException("a Dockerfile has at least one stage");
    }

    /**
     * One FROM.
     *
     * @param alias    the {@code AS} name, lowercased as Docker matches it, or null
     * @param base     the image or stage name after ARG substitution
     * @param platform the {@code --platform} value after substitution, or null; automatic platform ARGs
     *                 without a build arg stay as written (e.g. {@code $BUILDPLATFORM})
     * @param line     line of the FROM
     * @param parent   index of the earlier stage {@code base} names, or -1 for an external image or scratch
     */
    public record Stage(int index, String alias, String base, String platform, int line, int parent) {
        public boolean fromStage() {
            return parent >= 0;
        }

        public boolean fromScratch() {
            return parent < 0 && base.equals(SCRATCH);
        }
    }

    public enum Kind { BUILD_STAGE, COPY_FROM, MOUNT_FROM }

    /** An external image used while building; {@code stage} is the index of the stage that uses it. */
    public record BuildTimeBase(String image, Kind kind, int line, int stage) {
    }

    /** The external image the final stage ends up built on, following stage references; empty for scratch. */
    public Optional<String> runtimeBase() {
        Stage s = stages.getLast();
        while (s.parent() >= 0) s = stages.get(s.parent());
        return s.fromScratch() ? Optional.empty() : Optional.of(s.base());
    }

    /**
     * @param source    how to name the file in errors, e.g. its path relative to the repository
     * @param buildArgs {@code --build-arg} values; they override ARG defaults
     */
    public static Dockerfile parse(String text, String source, Map<String, String> buildArgs) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
        return new Parser(source, buildArgs == null ? Map.of() : Map.copyOf(buildArgs)).parse(text);
    }

    public static Dockerfile parse(Path file, Map<String, String> buildArgs) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DrydockException("cannot read Dockerfile " + file + ": " + DrydockException.reason(e), e);
        }
        return parse(text, file.toString(), buildArgs);
    }

    /**
     * Every Dockerfile or Containerfile under {@code dir}, sorted. {@code .git}, {@code node_modules}
     * and {@code target} are skipped: they hold vendored or generated copies, not the project's own builds.
     */
    public static List<Path> findAll(Path dir) {
        if (!Files.isDirectory(dir)) throw new DrydockException("cannot scan " + dir + " for Dockerfiles: not a directory");
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    return !d.equals(dir) && SKIPPED_DIRS.contains(d.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && isDockerfileName(f.getFileName().toString())) found.add(f);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new DrydockException("cannot scan " + dir + " for Dockerfiles: " + DrydockException.reason(e), e);
        }
        found.sort(null);
        return List.copyOf(found);
    }

    private static boolean isDockerfileName(String name) {
        // BuildKit's per-Dockerfile ignore files (Dockerfile.dockerignore) share the prefix.
        if (name.endsWith(".dockerignore") || name.endsWith(".containerignore")) return false;
        return name.equals("Dockerfile") || name.equals("Containerfile")
                || name.startsWith("Dockerfile.") || name.startsWith("Containerfile.")
                || name.endsWith(".Dockerfile") || name.endsWith(".dockerfile");
    }

    private record Instruction(int line, String keyword, String args) {
    }

    /**
     * An ARG's state. {@code automatic} marks a value only the builder knows (an automatic platform ARG
     * without a build arg, or a default built from one); {@code literal} is then its text as written.
     * {@code problem} defers a default that cannot be computed until something actually uses the ARG,
     * as Docker only fails on what it evaluates.
     */
    private record Var(String value, boolean automatic, String literal, String problem) {
        static final Var NONE = new Var(null, false, null, null);
        static final Var AUTOMATIC = new Var(null, true, null, null);

        static Var of(String value) {
            return new Var(value, false, null, null);
        }
    }

    private interface Scope {
        /** Null when the name is not declared at all. */
        Var lookup(String name);

        String unknown(String name);
    }

    /** Why a word could not be substituted; the caller adds file and line. */
    private static final class Unresolved extends RuntimeException {
        Unresolved(String message) {
            super(message, null, false, false);
        }
    }

    private static final class Parser {
        private final String source;
        private final Map<String, String> buildArgs;
        private char escape = '\\';
        private int lineCount;
        private final Map<String, Var> globals = new HashMap<>();
        private final Map<String, Var> stageVars = new HashMap<>();
        private final Set<String> declared = new HashSet<>();
        private final List<Stage> stages = new ArrayList<>();
        private final Map<String, Stage> aliases = new HashMap<>();
        private Map<String, Integer> allAliases = Map.of();
        private final List<BuildTimeBase> uses = new ArrayList<>();

        private final Scope globalScope = new Scope() {
            @Override
            public Var lookup(String name) {
                Var v = globals.get(name);
                if (v != null) return v;
                if (AUTOMATIC_ARGS.contains(name)) return buildArgs.containsKey(name) ? Var.of(buildArgs.get(name)) : Var.AUTOMATIC;
                return null;
            }

            @Override
            public String unknown(String name) {
                return "unknown ARG " + name + ": declare it with ARG before the first FROM";
            }
        };

        private final Scope stageScope = new Scope() {
            @Override
            public Var lookup(String name) {
                return stageVars.get(name);
            }

            @Override
            public String unknown(String name) {
                return globals.containsKey(name) || AUTOMATIC_ARGS.contains(name)
                        ? "ARG " + name + " is not visible in this stage: re-declare it with 'ARG " + name + "' after FROM"
                        : "unknown ARG " + name + ": declare it with ARG in this stage";
            }
        };

        Parser(String source, Map<String, String> buildArgs) {
            this.source = source;
            this.buildArgs = buildArgs;
        }

        Dockerfile parse(String text) {
            List<Instruction> instructions = tokenize(text);
            allAliases = declaredAliases(instructions);
            for (Instruction ins : instructions) {
                switch (ins.keyword()) {
                    case "FROM" -> from(ins);
                    case "ARG" -> arg(ins);
                    case "COPY" -> {
                        requireStage(ins);
                        copy(ins);
                    }
                    case "RUN" -> {
                        requireStage(ins);
                        run(ins);
                    }
                    default -> requireStage(ins);
                }
            }
            if (stages.isEmpty()) throw error(Math.max(1, lineCount), "no FROM instruction: a Dockerfile needs at least one stage");
            return new Dockerfile(source, stages, buildTimeBases(), unusedBuildArgs());
        }

        private List<BuildTimeBase> buildTimeBases() {
            Set<Integer> runtimeChain = new HashSet<>();
            for (Stage s = stages.getLast(); ; s = stages.get(s.parent())) {
                runtimeChain.add(s.index());
                if (s.parent() < 0) break;
            }
            Map<String, BuildTimeBase> first = new LinkedHashMap<>();
            for (BuildTimeBase use : uses) {
                if (use.kind() == Kind.BUILD_STAGE && runtimeChain.contains(use.stage())) continue;
                first.putIfAbsent(use.kind() + " " + use.image(), use);
            }
            return List.copyOf(first.values());
        }

        private List<String> unusedBuildArgs() {
            return buildArgs.keySet().stream()
                    .filter(name -> !declared.contains(name) && !AUTOMATIC_ARGS.contains(name)
                            && !PREDEFINED_ARGS.contains(name) && !name.startsWith("BUILDKIT_"))
                    .sorted()
                    .toList();
        }

        // ---- lines to instructions ----

        private List<Instruction> tokenize(String text) {
            if (text.startsWith("\uFEFF")) text = text.substring(1);
            String[] lines = text.split("\r?\n", -1);
            int n = lines.length;
            if (n > 0 && lines[n - 1].isEmpty()) n--;
            lineCount = n;
            int i = parseDirectives(lines, n);
            List<Instruction> out = new ArrayList<>();
            while (i < n) {
                if (isBlankOrComment(lines[i])) {
                    i++;
                    continue;
                }
                int start = i + 1;
                StringBuilder logical = new StringBuilder();
                while (true) {
                    String line = lines[i++];
                    int cont = continuationAt(line);
                    if (cont < 0) {
                        logical.append(line);
                        break;
                    }
                    logical.append(line, 0, cont);
                    // Docker drops comment and empty lines inside a continued instruction.
                    while (i < n && isBlankOrComment(lines[i])) i++;
                    if (i >= n) throw error(start, "line continuation at end of file: the instruction starting here never ends");
                }
                String body = logical.toString().strip();
                int space = indexOfWhitespace(body);
                String word = space < 0 ? body : body.substring(0, space);
                String args = space < 0 ? "" : body.substring(space).strip();
                String keyword = word.toUpperCase(Locale.ROOT);
                if (!INSTRUCTIONS.contains(keyword)) throw error(start, "unknown instruction " + word);
                out.add(new Instruction(start, keyword, args));
                String host = keyword.equals("ONBUILD") ? firstWord(args).toUpperCase(Locale.ROOT) : keyword;
                if (HEREDOC_INSTRUCTIONS.contains(host)) i = skipHeredocs(args, lines, i, n, start);
            }
            return out;
        }

        /** Parser directives count only at the very top, before any comment, blank line or instruction. */
        private int parseDirectives(String[] lines, int n) {
            int i = 0;
            while (i < n) {
                Matcher m = DIRECTIVE.matcher(lines[i]);
                if (!m.matches()) break;
                String key = m.group(1).toLowerCase(Locale.ROOT);
                if (key.equals("escape")) {
                    String value = m.group(2);
                    if (!value.equals("\\") && !value.equals("`")) throw error(i + 1, "escape directive must be \\ or `, not '" + value + "'");
                    escape = value.charAt(0);
                } else if (!key.equals("syntax") && !key.equals("check")) {
                    break; // an unknown directive is a plain comment and ends the directive block
                }
                i++;
            }
            return i;
        }

        private int skipHeredocs(String args, String[] lines, int i, int n, int line) {
            for (String word : splitWords(args)) {
                Matcher m = HEREDOC.matcher(word);
                if (!m.matches()) continue;
                boolean stripTabs = !m.group(1).isEmpty();
                String name = unquote(m.group(2));
                while (true) {
                    if (i >= n) throw error(line, "heredoc <<" + name + " is not terminated: no line '" + name + "' before the end of the file");
                    String body = lines[i++];
                    if (stripTabs) body = body.replaceFirst("^\t+", "");
                    if (body.equals(name)) break;
                }
            }
            return i;
        }

        private int continuationAt(String line) {
            int end = line.length();
            while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) end--;
            return end > 0 && line.charAt(end - 1) == escape ? end - 1 : -1;
        }

        private static boolean isBlankOrComment(String line) {
            String s = line.strip();
            return s.isEmpty() || s.startsWith("#");
        }

        /** Words split on whitespace outside quotes, quotes and escapes kept for later substitution. */
        private List<String> splitWords(String s) {
            List<String> words = new ArrayList<>();
            StringBuilder w = new StringBuilder();
            boolean inWord = false;
            char quote = 0;
            for (int k = 0; k < s.length(); k++) {
                char c = s.charAt(k);
                if (quote != 0) {
                    w.append(c);
                    if (c == quote) quote = 0;
                    else if (c == escape && quote == '"' && k + 1 < s.length()) w.append(s.charAt(++k));
                    continue;
                }
                if (Character.isWhitespace(c)) {
                    if (inWord) words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                    continue;
                }
                inWord = true;
                w.append(c);
                if (c == '"' || c == '\'') quote = c;
                else if (c == escape && k + 1 < s.length()) w.append(s.charAt(++k));
            }
            if (inWord) words.add(w.toString());
            return words;
        }

        // ---- instructions ----

        /** Stage names ahead of time, so a --from naming a later stage is reported rather than taken for an image. */
        private static Map<String, Integer> declaredAliases(List<Instruction> instructions) {
            Map<String, Integer> names = new HashMap<>();
            int index = 0;
            for (Instruction ins : instructions) {
                if (!ins.keyword().equals("FROM")) continue;
                List<String> words = new ArrayList<>(List.of(whitespaceWords(ins.args())));
                words.removeIf(w -> w.startsWith("--"));
                if (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")) {
                    names.putIfAbsent(words.get(2).toLowerCase(Locale.ROOT), index);
                }
                index++;
            }
            return names;
        }

        private void requireStage(Instruction ins) {
            if (stages.isEmpty()) throw error(ins.line(), ins.keyword() + " before the first FROM: only ARG may come before it");
        }

        private void from(Instruction ins) {
            int line = ins.line();
            int index = stages.size();
            String[] words = whitespaceWords(ins.args());
            int k = 0;
            String platformRaw = null;
            for (; k < words.length && words[k].startsWith("--"); k++) {
                String flag = words[k];
                int eq = flag.indexOf('=');
                String name = eq < 0 ? flag.substring(2) : flag.substring(2, eq);
                if (!name.equals("platform")) throw error(line, "unknown flag --" + name + " on FROM: only --platform is allowed");
                if (eq < 0) throw error(line, "FROM --platform needs a value: --platform=<os/arch>");
                if (platformRaw != null) throw error(line, "FROM has --platform twice");
                platformRaw = flag.substring(eq + 1);
            }
            int left = words.length - k;
            if (left == 0) throw error(line, "FROM needs an image");
            String image = words[k];
            String alias = null;
            if (left > 1) {
                if (!words[k + 1].equalsIgnoreCase("AS")) {
                    throw error(line, "FROM " + image + " is followed by '" + words[k + 1] + "': expected AS <name>");
                }
                if (left == 2) throw error(line, "FROM " + image + " AS needs a stage name");
                if (left > 3) {
                    throw error(line, "FROM " + image + " AS takes one stage name, found extra words: "
                            + String.join(" ", Arrays.copyOfRange(words, k + 3, words.length)));
                }
                alias = words[k + 2].toLowerCase(Locale.ROOT);
                if (!STAGE_NAME.matcher(alias).matches()) {
                    throw error(line, "invalid stage name '" + words[k + 2] + "': it must start with a letter and contain only letters, digits, '-', '_' and '.'");
                }
                Stage earlier = aliases.get(alias);
                if (earlier != null) throw error(line, "duplicate stage name '" + alias + "' (first used at line " + earlier.line() + ")");
            }
            String base = expand(image, globalScope, false, line, "FROM image");
            String platform = platformRaw == null ? null : expand(platformRaw, globalScope, true, line, "FROM --platform");
            if (platform != null && platform.isEmpty()) platform = null;
            int parent = earlierStage(base, index);
            if (parent < 0 && !base.equals(SCRATCH)) {
                validateImage(base, image, line, "FROM image");
                uses.add(new BuildTimeBase(base, Kind.BUILD_STAGE, line, index));
            }
            Stage stage = new Stage(index, alias, base, platform, line, parent);
            stages.add(stage);
            if (alias != null) aliases.put(alias, stage);
            stageVars.clear();
        }

        /** Index of the stage before {@code current} that {@code name} refers to, or -1. */
        private int earlierStage(String name, int current) {
            Stage named = aliases.get(name.toLowerCase(Locale.ROOT));
            if (named != null) return named.index();
            if (DIGITS.matcher(name).matches() && name.length() <= 9) {
                int index = Integer.parseInt(name);
                if (index < current) return index;
            }
            return -1;
        }

        private void arg(Instruction ins) {
            List<String> words = splitWords(ins.args());
            if (words.isEmpty()) throw error(ins.line(), "ARG needs a name");
            boolean global = stages.isEmpty();
            Scope scope = global ? globalScope : stageScope;
            for (String word : words) {
                int eq = word.indexOf('=');
                String name = eq < 0 ? word : word.substring(0, eq);
                if (name.isEmpty()) throw error(ins.line(), "ARG needs a name before '=' in '" + word + "'");
                declared.add(name);
                Var v;
                if (buildArgs.containsKey(name)) v = Var.of(buildArgs.get(name));
                else if (eq >= 0) v = evaluate(word.substring(eq + 1), scope, name, ins.line());
                else if (!global && globals.containsKey(name)) v = globals.get(name);
                else if (AUTOMATIC_ARGS.contains(name)) v = Var.AUTOMATIC;
                else v = Var.NONE;
                (global ? globals : stageVars).put(name, v);
            }
        }

        private Var evaluate(String raw, Scope scope, String name, int line) {
            Expander expander = new Expander(raw, escape, scope, true);
            try {
                String value = expander.expand();
                if (!expander.keptAutomatic) return Var.of(value);
                return new Var(null, true, value, "ARG " + name + " (line " + line + ") is '" + value
                        + "', which only the builder knows: pass " + name + " or the automatic ARG as a build arg");
            } catch (Unresolved e) {
                return new Var(null, false, null, "ARG " + name + " (line " + line + ") cannot be resolved: " + e.getMessage());
            }
        }

        private void copy(Instruction ins) {
            for (String flag : leadingFlags(ins.args())) {
                if (flag.equals("--from")) throw error(ins.line(), "COPY --from needs a value: --from=<stage or image>");
                if (flag.startsWith("--from=")) use(flag.substring("--from=".length()), Kind.COPY_FROM, ins.line(), "COPY --from");
            }
        }

        private void run(Instruction ins) {
            for (String flag : leadingFlags(ins.args())) {
                if (!flag.startsWith("--mount=")) continue;
                for (String field : csvFields(flag.substring("--mount=".length()))) {
                    int eq = field.indexOf('=');
                    if (eq > 0 && field.substring(0, eq).strip().equalsIgnoreCase("from")) {
                        use(field.substring(eq + 1), Kind.MOUNT_FROM, ins.line(), "RUN --mount from");
                    }
                }
            }
        }

        /** A --from style reference inside the current stage: another stage, or an external image to record. */
        private void use(String raw, Kind kind, int line, String what) {
            String ref = expand(raw, stageScope, false, line, what);
            if (ref.isEmpty()) throw error(line, what + " is empty" + (raw.isEmpty() ? "" : " after substituting ARGs in '" + raw + "'"));
            int current = stages.size() - 1;
            String name = ref.toLowerCase(Locale.ROOT);
            Stage named = aliases.get(name);
            if (named != null) {
                if (named.index() == current) throw error(line, what + "=" + ref + " refers to the stage it is in");
                return;
            }
            if (allAliases.containsKey(name)) {
                throw error(line, what + "=" + ref + " refers to stage '" + name + "', which is defined later: only earlier stages can be used");
            }
            if (DIGITS.matcher(ref).matches()) {
                if (ref.length() > 9 || Integer.parseInt(ref) > current) {
                    throw error(line, what + "=" + ref + " refers to stage " + ref + ", which does not exist yet (this is stage " + current + ")");
                }
                if (Integer.parseInt(ref) == current) throw error(line, what + "=" + ref + " refers to the stage it is in");
                return;
            }
            if (ref.equals(SCRATCH)) return;
            validateImage(ref, raw, line, what);
            uses.add(new BuildTimeBase(ref, kind, line, current));
        }

        private void validateImage(String image, String raw, int line, String what) {
            if (image.isEmpty()) throw error(line, what + " '" + raw + "' is empty after substituting ARGs");
            if (image.chars().anyMatch(Character::isWhitespace)) {
                throw error(line, "invalid image reference '" + image + "': it contains whitespace");
            }
            try {
                ImageReference.parse(image);
            } catch (DrydockException e) {
                throw new DrydockException(prefix(line) + e.getMessage(), e);
            }
        }

        private String expand(String raw, Scope scope, boolean keepAutomatic, int line, String what) {
            try {
                return new Expander(raw, escape, scope, keepAutomatic).expand();
            } catch (Unresolved e) {
                throw error(line, what + " '" + raw + "': " + e.getMessage());
            }
        }

        private String prefix(int line) {
            return "Dockerfile " + source + " line " + line + ": ";
        }

        private DrydockException error(int line, String message) {
            return new DrydockException(prefix(line) + message);
        }
    }

    private static String[] whitespaceWords(String s) {
        String t = s.strip();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    private static List<String> leadingFlags(String args) {
        List<String> flags = new ArrayList<>();
        for (String w : whitespaceWords(args)) {
            if (!w.startsWith("--")) break;
            flags.add(w);
        }
        return flags;
    }

    /** Docker reads --mount values as one CSV record. */
    private static List<String> csvFields(String value) {
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) {
                fields.add(f.toString());
                f.setLength(0);
            } else f.append(c);
        }
        fields.add(f.toString());
        return fields;
    }

    private static int indexOfWhitespace(String s) {
        for (int k = 0; k < s.length(); k++) if (Character.isWhitespace(s.charAt(k))) return k;
        return -1;
    }

    private static String firstWord(String s) {
        int space = indexOfWhitespace(s);
        return space < 0 ? s : s.substring(0, space);
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'') && s.charAt(s.length() - 1) == s.charAt(0)) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    /**
     * Docker's word substitution: quotes, the escape character, {@code $NAME}, {@code ${NAME}} and the
     * {@code -}, {@code +}, {@code ?} modifiers with or without a colon. Branches not taken are parsed
     * but not evaluated, so an unknown ARG there is no error, as in Docker.
     */
    private static final class Expander {
        private final String s;
        private final char esc;
        private final Scope scope;
        private final boolean keepAutomatic;
        private int pos;
        boolean keptAutomatic;

        Expander(String s, char esc, Scope scope, boolean keepAutomatic) {
            this.s = s;
            this.esc = esc;
            this.scope = scope;
            this.keepAutomatic = keepAutomatic;
        }

        String expand() {
            return word(false, true);
        }

        private String word(boolean inBraces, boolean live) {
            StringBuilder out = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (inBraces && c == '}') break;
                if (c == esc) {
                    pos++;
                    out.append(pos < s.length() ? s.charAt(pos++) : c);
                } else if (c == '\'') {
                    int end = s.indexOf('\'', pos + 1);
                    if (end < 0) throw new Unresolved("unterminated single quote");
                    out.append(s, pos + 1, end);
                    pos = end + 1;
                } else if (c == '"') {
                    pos++;
                    doubleQuoted(out, live);
                } else if (c == '$') {
                    out.append(dollar(live));
                } else {
                    out.append(c);
                    pos++;
                }
            }
            return out.toString();
        }

        private void doubleQuoted(StringBuilder out, boolean live) {
            while (true) {
                if (pos >= s.length()) throw new Unresolved("unterminated double quote");
                char c = s.charAt(pos);
                if (c == '"') {
                    pos++;
                    return;
                }
                if (c == esc && pos + 1 < s.length() && (s.charAt(pos + 1) == '"' || s.charAt(pos + 1) == '$' || s.charAt(pos + 1) == esc)) {
                    out.append(s.charAt(pos + 1));
                    pos += 2;
                } else if (c == '$') {
                    out.append(dollar(live));
                } else {
                    out.append(c);
                    pos++;
                }
            }
        }

        private String dollar(boolean live) {
            int start = pos++;
            if (pos >= s.length()) return "$";
            if (s.charAt(pos) != '{') {
                String name = name();
                if (name.isEmpty()) return "$";
                return live ? plain(name, start) : "";
            }
            pos++;
            String name = name();
            if (pos >= s.length()) throw new Unresolved("unterminated ${" + name);
            if (name.isEmpty()) throw new Unresolved("bad substitution '" + s.substring(start, pos + 1) + "'");
            char c = s.charAt(pos);
            if (c == '}') {
                pos++;
                return live ? plain(name, start) : "";
            }
            boolean colon = c == ':';
            if (colon) {
                pos++;
                if (pos >= s.length()) throw new Unresolved("unterminated ${" + name);
                c = s.charAt(pos);
            }
            if (c != '-' && c != '+' && c != '?') {
                throw new Unresolved("unsupported substitution '${" + name + (colon ? ":" : "") + c
                        + "...}': only ${NAME:-default}, ${NAME:+alternative} and ${NAME:?message} are supported");
            }
            pos++;
            Var v = live ? lookup(name) : null;
            boolean automatic = v != null && v.automatic();
            boolean set = v != null && v.value() != null && !(colon && v.value().isEmpty());
            boolean wordNeeded = live && !automatic && (c == '+' ? set : !set);
            String word = word(true, wordNeeded);
            if (pos >= s.length()) throw new Unresolved("unterminated ${" + name);
            pos++;
            if (!live) return "";
            if (automatic) return automatic(name, v, start);
            return switch (c) {
                case '-' -> set ? v.value() : word;
                case '+' -> set ? word : "";
                default -> {
                    if (!set) throw new Unresolved("ARG " + name + ": " + (word.isEmpty() ? "not set" : word));
                    yield v.value();
                }
            };
        }

        private String name() {
            int begin = pos;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                boolean ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (pos > begin && c >= '0' && c <= '9');
                if (!ok) break;
                pos++;
            }
            return s.substring(begin, pos);
        }

        private Var lookup(String name) {
            Var v = scope.lookup(name);
            if (v == null) throw new Unresolved(scope.unknown(name));
            if (v.problem() != null && !v.automatic()) throw new Unresolved(v.problem());
            return v;
        }

        private String plain(String name, int start) {
            Var v = lookup(name);
            if (v.automatic()) return automatic(name, v, start);
            if (v.value() == null) {
                throw new Unresolved("ARG " + name + " has no value: give it a default (ARG " + name + "=...) or pass it as a build arg");
            }
            return v.value();
        }

        private String automatic(String name, Var v, int start) {
            if (!keepAutomatic) {
                throw new Unresolved(v.problem() != null ? v.problem()
                        : "automatic ARG " + name + " is only known to the builder: pass it as a build arg");
            }
            keptAutomatic = true;
            return v.literal() != null ? v.literal() : s.substring(start, pos);
        }
    }
}
