package io.drydock.freshness;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.drydock.DrydockException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * End-of-life data of operating systems and runtimes: endoflife.date's product files (YAML front matter with a
 * {@code releases:} list), parsed. {@link #embedded()} is the snapshot shipped in the jar ({@code eol/SOURCE.md});
 * {@link #load(Path)} reads a directory of newer product files. A release with a missing or unreadable field loads
 * with that field unknown and a warning naming the file and release cycle; a file that cannot be read is skipped
 * with a warning; the rest still answers. Every {@link Answer} carries the {@linkplain #snapshotDate() data's date}.
 */
public final class EolData {
    private static final String RESOURCES = "/eol/";
    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern SNAPSHOT_LINE = Pattern.compile("(?i)snapshot\\b[^0-9\\n]*(\\d{4}-\\d{2}-\\d{2})");
    private static final Pattern PRODUCT_FILE = Pattern.compile("[a-z0-9][a-z0-9._-]*\\.md");
    /** The files besides the product files that a directory of end-of-life data may hold. */
    static final Set<String> OTHER_FILES = Set.of("SOURCE.md", "LICENSE");
    /** The parsed form's file names and format; a new format is a new name, so an old cache is never read. */
    private static final String CACHE_FORMAT = "drydock-eol-parsed-v1";
    private static final String INSTALLED_CACHE_PREFIX = ".parsed-";

    /** Jackson YAML and SnakeYAML take most of a second to load in a cold JVM: only when YAML is parsed. */
    private static final class Yaml {
        static final ObjectMapper MAPPER = YAMLMapper.builder()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS) // an unquoted cycle 3.10 stays "3.10"
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
    }

    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private final LocalDate snapshotDate;
    private final String origin;
    private final Map<String, Product> products;
    private final List<String> warnings;
    private final Map<String, List<String>> releaseWarnings; // "product\0cycle" → warnings about that release

    private EolData(LocalDate snapshotDate, String origin, Map<String, Product> products, List<String> warnings,
            Map<String, List<String>> releaseWarnings) {
        this.snapshotDate = snapshotDate;
        this.origin = origin;
        this.products = Collections.unmodifiableMap(products);
        this.warnings = List.copyOf(warnings);
        this.releaseWarnings = releaseWarnings;
    }

    // ---------------------------------------------------------------- loading

    /** The snapshot shipped in Drydock's jar ({@code eol/index.txt} lists its files), parsed once. */
    public static EolData embedded() {
        return Embedded.DATA;
    }

    private static final class Embedded {
        static final EolData DATA = parse(embeddedFiles(), false, "the embedded endoflife.date snapshot");
    }

    /**
     * The end-of-life data for a Drydock home: what {@code db update --eol} (or a pulled DB artifact) installed in
     * {@code home/eol}, else the snapshot shipped in the jar. The parsed form is cached as JSON, named by a hash of
     * the files it was parsed from: {@code home/eol/.parsed-<hash>.json} for installed data,
     * {@code home/eol-cache/<hash>.json} for the shipped snapshot; a later load reads it instead of the YAML. A cache
     * that cannot be read is parsed again and rewritten; one that cannot be written is done without. Installed data
     * that no longer loads gives the shipped snapshot, and {@code warn} is told why.
     */
    public static EolData forHome(Path home, Consumer<String> warn) {
        Path dir = home.resolve("eol");
        if (Files.isDirectory(dir)) {
            try {
                return cached(readDirectory(dir), true, dir.toString(), dir, INSTALLED_CACHE_PREFIX);
            } catch (DrydockException e) {
                warn.accept("the installed end-of-life data cannot be used (" + e.getMessage()
                        + "); using the snapshot shipped with Drydock");
            }
        }
        return cached(embeddedFiles(), false, "the embedded endoflife.date snapshot", home.resolve("eol-cache"), "");
    }

    /** {@link #forHome(Path, Consumer)}, ignoring why installed data could not be used. */
    public static EolData forHome(Path home) {
        return forHome(home, w -> { });
    }

    /** One file of the data: its bytes, or why it could not be read. */
    record DataFile(String name, byte[] bytes, String problem) {
    }

    /** The files of a snapshot: product files in order, and {@code SOURCE.md} and {@code LICENSE} if present. */
    record DataFiles(List<DataFile> products, DataFile source, DataFile license, byte[] index) {
        boolean complete() {
            return products.stream().allMatch(f -> f.bytes() != null) && (source == null || source.bytes() != null)
                    && (license == null || license.bytes() != null);
        }

        /** The files as they would be installed: name → bytes (files that could not be read left out). */
        Map<String, byte[]> asMap() {
            Map<String, byte[]> out = new LinkedHashMap<>();
            for (DataFile f : products) if (f.bytes() != null) out.put(f.name(), f.bytes());
            if (source != null && source.bytes() != null) out.put(source.name(), source.bytes());
            if (license != null && license.bytes() != null) out.put(license.name(), license.bytes());
            return out;
        }
    }

    static DataFiles embeddedFiles() {
        byte[] index = resource("index.txt");
        if (index == null) throw new DrydockException("the embedded end-of-life data is missing from the Drydock jar (eol/index.txt)");
        List<DataFile> products = new ArrayList<>();
        for (String line : new String(index, StandardCharsets.UTF_8).lines().map(String::strip).toList()) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            byte[] bytes = resource(line);
            products.add(new DataFile(line, bytes, bytes != null ? null
                    : "end-of-life file " + line + " is listed in eol/index.txt but missing from the jar; skipped"));
        }
        byte[] source = resource("SOURCE.md");
        byte[] license = resource("LICENSE");
        return new DataFiles(products, source == null ? null : new DataFile("SOURCE.md", source, null),
                license == null ? null : new DataFile("LICENSE", license, null), index);
    }

    private static byte[] resource(String name) {
        try (InputStream in = EolData.class.getResourceAsStream(RESOURCES + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new DrydockException("cannot read the embedded end-of-life file eol/" + name + ": " + DrydockException.reason(e), e);
        }
    }

    /**
     * The product files ({@code <product>.md}, e.g. endoflife.date's {@code products/} folder) in a directory. The
     * snapshot date is the {@code snapshot … YYYY-MM-DD} line of a {@code SOURCE.md} there if any, else the newest
     * {@code latestReleaseDate} or {@code releaseDate} in the data.
     */
    public static EolData load(Path dir) {
        return parse(readDirectory(dir), true, dir.toString());
    }

    /** Whether a file name is one a directory of end-of-life data holds: {@code <product>.md}, SOURCE.md, LICENSE. */
    static boolean isDataFileName(String name) {
        return PRODUCT_FILE.matcher(name).matches() || OTHER_FILES.contains(name);
    }

    static DataFiles readDirectory(Path dir) {
        if (!Files.isDirectory(dir)) throw new DrydockException("end-of-life data: " + dir + " is not a directory");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> PRODUCT_FILE.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new DrydockException("cannot list the end-of-life data in " + dir + ": " + DrydockException.reason(e), e);
        }
        if (files.isEmpty()) {
            throw new DrydockException("end-of-life data: no endoflife.date product files (<product>.md) in " + dir);
        }
        List<DataFile> products = new ArrayList<>();
        for (Path file : files) products.add(readFile(file, file.getFileName() + ": cannot be read (%s); skipped"));
        Path source = dir.resolve("SOURCE.md");
        Path license = dir.resolve("LICENSE");
        return new DataFiles(products,
                Files.isRegularFile(source) ? readFile(source, "SOURCE.md: cannot be read (%s); the snapshot date is taken from the data") : null,
                Files.isRegularFile(license) ? readFile(license, "LICENSE: cannot be read (%s)") : null, null);
    }

    private static DataFile readFile(Path file, String problem) {
        String name = file.getFileName().toString();
        try {
            return new DataFile(name, Files.readAllBytes(file), null);
        } catch (IOException | RuntimeException e) {
            return new DataFile(name, null, String.format(problem, DrydockException.reason(e)));
        }
    }

    private static EolData parse(DataFiles files, boolean requireProducts, String origin) {
        Parser parser = new Parser();
        for (DataFile f : files.products()) {
            if (f.bytes() == null) {
                parser.warn(f.problem());
                continue;
            }
            try {
                parser.parseFile(f.name(), new String(f.bytes(), StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                parser.warn(f.name() + ": cannot be read (" + e.getMessage() + "); skipped");
            }
        }
        LocalDate snapshot = null;
        if (files.source() != null) {
            if (files.source().bytes() == null) parser.warn(files.source().problem());
            else snapshot = snapshotLine(new String(files.source().bytes(), StandardCharsets.UTF_8));
        }
        if (requireProducts && parser.products.isEmpty()) {
            throw new DrydockException("end-of-life data: none of the " + files.products().size() + " product files in " + origin
                    + " could be read: " + String.join("; ", parser.warnings));
        }
        return parser.build(snapshot, origin);
    }

    // ---------------------------------------------------------------- the parsed form, cached

    private static EolData cached(DataFiles files, boolean requireProducts, String origin, Path cacheDir, String prefix) {
        if (!files.complete()) return parse(files, requireProducts, origin); // a read failure may pass: not cached
        String hash = hash(files);
        Path cache = cacheDir.resolve(prefix + hash + ".json");
        if (Files.isRegularFile(cache)) {
            try {
                return fromJson(Json.MAPPER.readTree(cache.toFile()), origin);
            } catch (IOException | RuntimeException e) {
                // unreadable or corrupt: parsed again and rewritten below
            }
        }
        EolData data = parse(files, requireProducts, origin);
        writeCache(data, cacheDir, cache, prefix);
        return data;
    }

    /** SHA-256 of the cache format, the parser's code and every file's name and bytes. */
    private static String hash(DataFiles files) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        update(md, CACHE_FORMAT.getBytes(StandardCharsets.UTF_8));
        for (String cls : new String[] {"EolData.class", "EolData$Parser.class"}) {
            try (InputStream in = EolData.class.getResourceAsStream(cls)) {
                update(md, in == null ? new byte[0] : in.readAllBytes());
            } catch (IOException e) {
                update(md, new byte[0]);
            }
        }
        update(md, files.index() == null ? new byte[0] : files.index());
        List<DataFile> all = new ArrayList<>(files.products());
        if (files.source() != null) all.add(files.source());
        if (files.license() != null) all.add(files.license());
        for (DataFile f : all) {
            update(md, f.name().getBytes(StandardCharsets.UTF_8));
            update(md, f.bytes());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void update(MessageDigest md, byte[] bytes) {
        md.update(ByteBuffer.allocate(8).putLong(bytes.length).array()); // length-prefixed: no two inputs hash alike
        md.update(bytes);
    }

    /** Written aside and renamed into place, so a reader sees the whole file or none; failure only costs speed. */
    private static void writeCache(EolData data, Path dir, Path cache, String prefix) {
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, prefix + "tmp-", ".part");
            Json.MAPPER.writeValue(temp.toFile(), toJson(data));
            try {
                Files.move(temp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, cache, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            if (!prefix.isEmpty()) { // installed data: caches of other versions of it are stale
                try (Stream<Path> list = Files.list(dir)) {
                    for (Path p : list.toList()) {
                        String n = p.getFileName().toString();
                        if (n.startsWith(prefix) && !p.equals(cache)) Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // a read-only home: the next run parses again
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // left for the next writer
                }
            }
        }
    }

    private static ObjectNode toJson(EolData data) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", CACHE_FORMAT);
        root.put("snapshotDate", data.snapshotDate == null ? null : data.snapshotDate.toString());
        ArrayNode warnings = root.putArray("warnings");
        data.warnings.forEach(warnings::add);
        ObjectNode releaseWarnings = root.putObject("releaseWarnings");
        data.releaseWarnings.forEach((k, v) -> {
            ArrayNode a = releaseWarnings.putArray(k);
            v.forEach(a::add);
        });
        ArrayNode products = root.putArray("products");
        for (Product p : data.products.values()) {
            ObjectNode n = products.addObject();
            n.put("name", p.name()).put("title", p.title()).put("category", p.category());
            ArrayNode releases = n.putArray("releases");
            for (Release r : p.releases()) {
                ObjectNode o = releases.addObject();
                o.put("cycle", r.cycle()).put("codename", r.codename()).put("latest", r.latest()).put("lts", r.lts());
                o.put("releaseDate", r.releaseDate() == null ? null : r.releaseDate().toString());
                o.put("latestReleaseDate", r.latestReleaseDate() == null ? null : r.latestReleaseDate().toString());
                putSupport(o, "eol", r.eol());
                putSupport(o, "extended", r.extended());
            }
        }
        return root;
    }

    private static void putSupport(ObjectNode o, String field, Support s) {
        if (s.date() != null) o.put(field, s.date().toString());
        else if (s.flag() != null) o.put(field, s.flag());
        else o.putNull(field);
    }

    private static EolData fromJson(JsonNode root, String origin) {
        if (!CACHE_FORMAT.equals(root.path("format").asText())) throw new IllegalArgumentException("not a parsed end-of-life cache");
        Map<String, Product> products = new LinkedHashMap<>();
        for (JsonNode n : array(root, "products")) {
            List<Release> releases = new ArrayList<>();
            for (JsonNode o : array(n, "releases")) {
                String cycle = o.get("cycle").textValue();
                if (cycle == null) throw new IllegalArgumentException("a release without a cycle");
                releases.add(new Release(cycle, textOrNull(o, "codename"), dateOrNull(o, "releaseDate"), support(o.get("eol")),
                        support(o.get("extended")), textOrNull(o, "latest"), dateOrNull(o, "latestReleaseDate"),
                        o.get("lts").booleanValue()));
            }
            String name = n.get("name").textValue();
            products.put(name, new Product(name, textOrNull(n, "title"), textOrNull(n, "category"), releases));
        }
        List<String> warnings = new ArrayList<>();
        for (JsonNode w : array(root, "warnings")) warnings.add(w.textValue());
        Map<String, List<String>> releaseWarnings = new LinkedHashMap<>();
        JsonNode rw = root.get("releaseWarnings");
        if (rw == null || !rw.isObject()) throw new IllegalArgumentException("no releaseWarnings");
        for (Map.Entry<String, JsonNode> e : rw.properties()) {
            List<String> list = new ArrayList<>();
            for (JsonNode w : e.getValue()) list.add(w.textValue());
            releaseWarnings.put(e.getKey(), list);
        }
        return new EolData(dateOrNull(root, "snapshotDate"), origin, products, warnings, releaseWarnings);
    }

    private static JsonNode array(JsonNode n, String field) {
        JsonNode a = n.get(field);
        if (a == null || !a.isArray()) throw new IllegalArgumentException("no " + field);
        return a;
    }

    private static String textOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.textValue();
    }

    private static LocalDate dateOrNull(JsonNode n, String field) {
        String s = textOrNull(n, field);
        return s == null ? null : LocalDate.parse(s);
    }

    private static Support support(JsonNode n) {
        if (n == null || n.isNull()) return Support.UNKNOWN;
        if (n.isBoolean()) return n.booleanValue() ? Support.ENDED : Support.NOT_PLANNED;
        return Support.on(LocalDate.parse(n.textValue()));
    }

    private static LocalDate snapshotLine(String text) {
        Matcher m = SNAPSHOT_LINE.matcher(text);
        while (m.find()) {
            try {
                return LocalDate.parse(m.group(1));
            } catch (DateTimeParseException e) {
                // a malformed date on that line; try the next one
            }
        }
        return null;
    }

    /** Reads product files one by one; collects products and warnings. */
    private static final class Parser {
        final Map<String, Product> products = new LinkedHashMap<>();
        final List<String> warnings = new ArrayList<>();
        final Map<String, List<String>> releaseWarnings = new LinkedHashMap<>();
        LocalDate newestDate;

        void warn(String warning) {
            warnings.add(warning);
        }

        void parseFile(String fileName, String text) {
            String product = fileName.endsWith(".md") ? fileName.substring(0, fileName.length() - 3) : fileName;
            String yaml = frontMatter(text);
            if (yaml == null) {
                warn(fileName + ": no YAML front matter (a '---' line, the YAML, then another '---' line); skipped");
                return;
            }
            JsonNode root;
            try {
                root = Yaml.MAPPER.readTree(yaml);
            } catch (JacksonException e) {
                int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
                warn(fileName + ": the front matter is not valid YAML (" + firstLine(e.getOriginalMessage())
                        + (line > 0 ? ", line " + (line + 1) : "") + "); skipped"); // + 1: the opening '---'
                return;
            }
            if (root == null || !root.isObject()) {
                warn(fileName + ": the front matter is not a YAML mapping; skipped");
                return;
            }
            JsonNode list = root.get("releases");
            List<Release> releases = new ArrayList<>();
            if (list == null || !list.isArray()) {
                warn(fileName + ": no 'releases:' list in the front matter; the product has no release lines");
            } else {
                int position = 0;
                for (JsonNode node : list) {
                    position++;
                    Release release = release(fileName, product, position, node);
                    if (release != null) releases.add(release);
                }
            }
            products.put(product, new Product(product, text(root.get("title")), text(root.get("category")), releases));
        }

        private Release release(String fileName, String product, int position, JsonNode node) {
            if (!node.isObject()) {
                warn(fileName + ": release #" + position + " is not a mapping; skipped");
                return null;
            }
            String cycle = text(node.get("releaseCycle"));
            if (cycle == null || cycle.isBlank()) {
                warn(fileName + ": release #" + position + " has no releaseCycle; skipped");
                return null;
            }
            String where = fileName + ", release " + cycle;
            List<String> mine = new ArrayList<>();
            LocalDate releaseDate = date(where, "releaseDate", node.get("releaseDate"), mine);
            LocalDate latestReleaseDate = date(where, "latestReleaseDate", node.get("latestReleaseDate"), mine);
            Support eol = support(where, "eol", "end of security support", node.get("eol"), true, mine);
            Support extended = support(where, "eoes", "end of extended support", node.get("eoes"), false, mine);
            JsonNode lts = node.get("lts");
            // lts is true/false, or (nodejs, rhel) the date the line entered long-term support
            boolean isLts = lts != null && (lts.isBoolean() ? lts.booleanValue() : lts.isTextual() && !lts.textValue().isBlank());
            for (LocalDate d : new LocalDate[] {releaseDate, latestReleaseDate}) {
                if (d != null && (newestDate == null || d.isAfter(newestDate))) newestDate = d;
            }
            warnings.addAll(mine);
            if (!mine.isEmpty()) releaseWarnings.computeIfAbsent(key(product, cycle), k -> new ArrayList<>()).addAll(mine);
            return new Release(cycle, text(node.get("codename")), releaseDate, eol, extended, text(node.get("latest")),
                    latestReleaseDate, isLts);
        }

        private static LocalDate date(String where, String field, JsonNode node, List<String> out) {
            if (node == null || node.isNull()) return null;
            LocalDate d = parseDate(node);
            if (d == null) out.add(where + ": " + field + " '" + node.asText() + "' is not a date (YYYY-MM-DD); ignored");
            return d;
        }

        private static Support support(String where, String field, String meaning, JsonNode node, boolean required, List<String> out) {
            if (node == null || node.isNull()) {
                if (required) out.add(where + ": no " + field + " (" + meaning + ") date; its support status is unknown");
                return Support.UNKNOWN;
            }
            if (node.isBoolean()) return node.booleanValue() ? Support.ENDED : Support.NOT_PLANNED;
            LocalDate d = parseDate(node);
            if (d == null) {
                out.add(where + ": " + field + " (" + meaning + ") '" + node.asText()
                        + "' is not a date (YYYY-MM-DD) or true/false; treated as unknown");
                return Support.UNKNOWN;
            }
            return Support.on(d);
        }

        private static LocalDate parseDate(JsonNode node) {
            if (!node.isTextual()) return null;
            String s = node.textValue().strip();
            if (!ISO_DATE.matcher(s).matches()) return null;
            try {
                return LocalDate.parse(s);
            } catch (DateTimeParseException e) {
                return null;
            }
        }

        EolData build(LocalDate snapshot, String origin) {
            LocalDate date = snapshot != null ? snapshot : newestDate;
            if (date == null) warn("the end-of-life data has no snapshot date and no release dates; its age is unknown");
            return new EolData(date, origin, products, warnings, releaseWarnings);
        }
    }

    private static String frontMatter(String text) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        String[] lines = t.split("\\R", -1);
        if (lines.length == 0 || !lines[0].strip().equals("---")) return null;
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].stripTrailing().equals("---")) {
                return String.join("\n", Arrays.asList(lines).subList(1, i));
            }
        }
        return null;
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) return null;
        return node.asText();
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static String key(String product, String cycle) {
        return product + '\0' + cycle;
    }

    // ---------------------------------------------------------------- the data

    /** The date of the data (the snapshot's, or the newest release date in it); shown with every answer. Null only if unknown. */
    public LocalDate snapshotDate() {
        return snapshotDate;
    }

    /** Where the data came from: the embedded snapshot or a directory. */
    public String origin() {
        return origin;
    }

    /** Problems found while parsing (a release without eol, an unparsable date, an unreadable file), each naming the file and cycle. */
    public List<String> warnings() {
        return warnings;
    }

    public List<Product> products() {
        return List.copyOf(products.values());
    }

    /** A product by its endoflife.date name (the file name without {@code .md}: debian, alpine-linux, nodejs, …). */
    public Optional<Product> product(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(products.get(name.strip().toLowerCase(Locale.ROOT)));
    }

    /**
     * The release line of a version: the longest release cycle that is the version or a dot-boundary prefix of it
     * (debian "12.5" → "12", alpine-linux "3.19.1" → "3.19", eclipse-temurin "17.0.9+9" and "1.8.0_392" → "17" and
     * "8", go "go1.22.3" → "1.22"), or a codename (debian "bookworm"). Empty when the data has no such line.
     */
    public Optional<Release> releaseFor(String product, String version) {
        if (version == null || version.isBlank()) return Optional.empty();
        Optional<Product> p = product(product);
        if (p.isEmpty()) return Optional.empty();
        String name = p.get().name();
        Release best = null;
        for (Release r : p.get().releases()) {
            if (EolVersions.inCycle(name, version, r.cycle()) && (best == null || r.cycle().length() > best.cycle().length())) best = r;
        }
        if (best != null) return Optional.of(best);
        String v = version.strip();
        for (Release r : p.get().releases()) {
            String codename = r.codename();
            if (codename == null) continue;
            if (codename.equalsIgnoreCase(v) || codename.split("\\s+")[0].equalsIgnoreCase(v)) return Optional.of(r);
        }
        return Optional.empty();
    }

    /** The status of a version on a day: its line, whether that line is supported, until when, and the line's newest release. */
    public Answer answer(String product, String version, LocalDate today) {
        List<String> notes = new ArrayList<>();
        Optional<Product> p = product(product);
        if (p.isEmpty()) {
            notes.add("no end-of-life data for " + product + " (data of " + snapshotDate + "); cannot tell whether "
                    + product + " " + version + " is supported");
            return new Answer(product, version, null, Status.UNKNOWN_LINE, null, null, null, false, snapshotDate, notes);
        }
        String name = p.get().name();
        Optional<Release> found = releaseFor(name, version);
        if (found.isEmpty()) {
            String known = p.get().releases().stream().limit(6).map(Release::cycle).collect(Collectors.joining(", "));
            notes.add(p.get().displayName() + " " + version + ": release line not in the end-of-life data of " + snapshotDate
                    + (known.isEmpty() ? "" : " (newest lines: " + known + ")") + "; cannot tell whether it is supported");
            return new Answer(name, version, null, Status.UNKNOWN_LINE, null, null, null, false, snapshotDate, notes);
        }
        Release r = found.get();
        notes.addAll(releaseWarnings.getOrDefault(key(name, r.cycle()), List.of()));
        Status status = r.statusOn(today);
        if (status == Status.UNKNOWN_DATE) {
            notes.add(p.get().displayName() + " " + version + " (line " + r.cycle() + "): the end-of-life data of " + snapshotDate
                    + " has no usable end-of-support date for this line; support status unknown");
        }
        return new Answer(name, version, r.cycle(), status, r.eol().date(), r.extended().date(), r.latest(),
                EolVersions.sameRelease(name, version, r.latest()), snapshotDate, notes);
    }

    // ---------------------------------------------------------------- name mapping

    /**
     * The endoflife.date product of an os-release {@code ID}: debian, ubuntu, alpine → alpine-linux, rhel,
     * rocky → rocky-linux, almalinux, amzn → amazon-linux.
     */
    public static Optional<String> productForOs(String osReleaseId) {
        if (osReleaseId == null) return Optional.empty();
        return Optional.ofNullable(switch (unquote(osReleaseId)) {
            case "debian" -> "debian";
            case "ubuntu" -> "ubuntu";
            case "alpine", "alpine-linux" -> "alpine-linux";
            case "rhel" -> "rhel";
            case "rocky", "rocky-linux" -> "rocky-linux";
            case "almalinux" -> "almalinux";
            case "amzn", "amazon-linux" -> "amazon-linux";
            default -> null;
        });
    }

    /** The endoflife.date product of a runtime: java → eclipse-temurin, node → nodejs, python, go, dotnet, ruby, php. */
    public static Optional<String> productForRuntime(String runtime) {
        if (runtime == null) return Optional.empty();
        return Optional.ofNullable(switch (unquote(runtime)) {
            case "java", "eclipse-temurin", "temurin" -> "eclipse-temurin";
            case "node", "nodejs", "node.js" -> "nodejs";
            case "python" -> "python";
            case "go", "golang" -> "go";
            case "dotnet", ".net" -> "dotnet";
            case "ruby" -> "ruby";
            case "php" -> "php";
            default -> null;
        });
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && (t.charAt(0) == '"' || t.charAt(0) == '\'') && t.charAt(t.length() - 1) == t.charAt(0)) {
            t = t.substring(1, t.length() - 1).strip();
        }
        return t.toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- records

    /** One endoflife.date product: file name, title ("Debian"), category ("os", "lang", …), release lines newest first. */
    public record Product(String name, String title, String category, List<Release> releases) {
        public Product {
            releases = List.copyOf(releases);
        }

        public Optional<Release> release(String cycle) {
            return releases.stream().filter(r -> r.cycle().equals(cycle)).findFirst();
        }

        String displayName() {
            return title != null ? title : name;
        }
    }

    /**
     * One release line. {@code eol} is the end of (security) support, {@code extended} the end of extended support
     * (endoflife.date's {@code eoes}: Debian LTS, Ubuntu Pro, RHEL ELS); {@code lts} is true when the line is, or
     * (nodejs) will become, a long-term-support line.
     */
    public record Release(String cycle, String codename, LocalDate releaseDate, Support eol, Support extended, String latest,
            LocalDate latestReleaseDate, boolean lts) {
        /**
         * The line's status on a day: supported before its eol date (or eol false); extended support only after it and
         * before its eoes date; end of life after both (eol true, or no extended support); unknown without an eol.
         */
        public Status statusOn(LocalDate today) {
            Optional<Boolean> ended = eol.endedOn(today);
            if (ended.isEmpty()) return Status.UNKNOWN_DATE;
            if (!ended.get()) return Status.SUPPORTED;
            return extended.hasDate() && !extended.endedOn(today).orElse(true) ? Status.EXTENDED_SUPPORT_ONLY : Status.END_OF_LIFE;
        }
    }

    /**
     * An end of support as endoflife.date gives it: a date; {@code true} (ended, no date known); {@code false} (no
     * end planned, or for {@code eoes}: no extended support); or unknown (missing or unreadable).
     */
    public record Support(LocalDate date, Boolean flag) {
        public static final Support ENDED = new Support(null, Boolean.TRUE);
        public static final Support NOT_PLANNED = new Support(null, Boolean.FALSE);
        public static final Support UNKNOWN = new Support(null, null);

        public Support {
            if (date != null && flag != null) throw new IllegalArgumentException("a support end is a date or a flag, not both");
        }

        public static Support on(LocalDate date) {
            return new Support(date, null);
        }

        public boolean hasDate() {
            return date != null;
        }

        public boolean known() {
            return date != null || flag != null;
        }

        /** Whether support has ended on that day (the end date itself counts as ended); empty when unknown. */
        public Optional<Boolean> endedOn(LocalDate today) {
            if (date != null) return Optional.of(!today.isBefore(date));
            return Optional.ofNullable(flag);
        }

        @Override
        public String toString() {
            return date != null ? date.toString() : flag == null ? "unknown" : flag ? "ended" : "not planned";
        }
    }

    public enum Status {
        /** before the end of security support */
        SUPPORTED,
        /** past the end of regular security support, before the end of extended support (e.g. Debian LTS) */
        EXTENDED_SUPPORT_ONLY,
        /** past both */
        END_OF_LIFE,
        /** the product or release line is not in the data */
        UNKNOWN_LINE,
        /** the line is known but its end-of-life date is missing or unreadable */
        UNKNOWN_DATE
    }

    /**
     * What the data says about one version: its line ({@code cycle}, null if unknown), status, end of support and of
     * extended support (null when not a date), the newest release of the line and whether {@code version} is it, the
     * data's date, and warnings to show with it.
     */
    public record Answer(String product, String version, String cycle, Status status, LocalDate eol, LocalDate extendedEnd,
            String latest, boolean latestInLine, LocalDate dataDate, List<String> warnings) {
        public Answer {
            warnings = List.copyOf(warnings);
        }

        /** Days from {@code today} to the end of support: positive before it, negative after (days since), empty without a date. */
        public OptionalLong daysUntilEol(LocalDate today) {
            return eol == null ? OptionalLong.empty() : OptionalLong.of(ChronoUnit.DAYS.between(today, eol));
        }

        /** Days from {@code today} to the end of extended support: positive before it, negative after, empty without a date. */
        public OptionalLong daysUntilExtendedEnd(LocalDate today) {
            return extendedEnd == null ? OptionalLong.empty() : OptionalLong.of(ChronoUnit.DAYS.between(today, extendedEnd));
        }

        /**
         * One line for a report, e.g. "debian 12.5 (line 12): security support ended 2026-07-11, extended support
         * until 2028-06-30; newest 12.15 (data of 2026-08-22)".
         */
        public String summary() {
            StringBuilder s = new StringBuilder(product).append(' ').append(version);
            if (cycle != null && !cycle.equals(version)) s.append(" (line ").append(cycle).append(')');
            s.append(": ").append(switch (status) {
                case SUPPORTED -> "supported" + (eol != null ? " until " + eol : "");
                case EXTENDED_SUPPORT_ONLY -> "security support ended" + (eol != null ? " " + eol : "")
                        + ", extended support until " + extendedEnd;
                case END_OF_LIFE -> "end of life" + (eol != null ? " since " + eol : "")
                        + (extendedEnd != null ? ", extended support ended " + extendedEnd : "");
                case UNKNOWN_LINE -> "release line unknown";
                case UNKNOWN_DATE -> "end-of-life date unknown";
            });
            if (latest != null && !latestInLine) s.append("; newest ").append(latest);
            return s.append(" (data of ").append(dataDate).append(')').toString();
        }
    }
}
