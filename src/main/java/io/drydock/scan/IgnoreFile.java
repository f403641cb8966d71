package io.drydock.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.drydock.DrydockException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code .drydockignore.yaml}: findings a team has decided to accept, each with a reason and an expiry date.
 *
 * <pre>
 * ignore:
 *   - id: CVE-2021-44228          # any id of the finding: CVE, GHSA, DSA…
 *     package: log4j-core         # optional: the package's name, or its source package's
 *     purl: pkg:maven/org.apache.logging.log4j/log4j-core   # optional; without @version, any version
 *     path: app/lib/*.jar         # optional: a glob over the package's paths
 *     reason: not reachable, JNDI lookups disabled
 *     expires: 2027-01-31         # the entry stops suppressing after this day (UTC)
 * </pre>
 *
 * Unknown keys are errors, so that a misspelt {@code expire:} never suppresses forever.
 */
public record IgnoreFile(Path file, List<Entry> entries) {
    private static final Set<String> KEYS = Set.of("id", "package", "purl", "path", "reason", "expires");

    public IgnoreFile {
        entries = List.copyOf(entries);
    }

    /** One entry; {@code number} counts from 1 in file order, for messages. */
    public record Entry(int number, String id, String pkg, String purl, String path, String reason, LocalDate expires) {
        public boolean expired(LocalDate today) {
            return expires != null && today.isAfter(expires);
        }

        public boolean matches(Finding f) {
            if (f.allIds().stream().noneMatch(i -> i.equalsIgnoreCase(id))) {
                return false;
            }
            if (pkg != null && !pkg.equals(f.pkg().name()) && !pkg.equals(f.matchedAs().name())) {
                return false;
            }
            if (purl != null && !purlMatches(purl, f.pkg().purl())) {
                return false;
            }
            if (path != null) {
                PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + strip(path));
                return f.pkg().paths().stream().anyMatch(p -> glob.matches(Path.of(strip(p))));
            }
            return true;
        }

        public String describe(Path file) {
            return file.getFileName() + " entry " + number + " (" + id + (expires == null ? "" : ", expires " + expires) + ")";
        }
    }

    /** A purl without a version matches every version; qualifiers and subpath are not compared. */
    static boolean purlMatches(String wanted, String actual) {
        String w = withoutQualifiers(wanted);
        String a = withoutQualifiers(actual);
        return w.contains("@") ? w.equals(a) : a.equals(w) || a.startsWith(w + "@");
    }

    private static String withoutQualifiers(String purl) {
        int cut = purl.length();
        for (char c : new char[] {'?', '#'}) {
            int i = purl.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return purl.substring(0, cut);
    }

    private static String strip(String p) {
        return p.startsWith("/") ? p.substring(1) : p;
    }

    public static IgnoreFile read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new DrydockException("cannot read the ignore file " + file + ": " + firstLine(DrydockException.reason(e)));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new IgnoreFile(file, List.of());
        }
        JsonNode list = root.get("ignore");
        if (!root.isObject() || list == null || !list.isArray()) {
            throw new DrydockException("the ignore file " + file + " must be a map with a list under 'ignore:'");
        }
        List<Entry> entries = new ArrayList<>();
        int n = 0;
        for (JsonNode e : list) {
            n++;
            String where = "the ignore file " + file + ", entry " + n;
            if (!e.isObject()) {
                throw new DrydockException(where + ": must be a map with at least id and reason");
            }
            for (Iterator<String> names = e.fieldNames(); names.hasNext(); ) {
                String key = names.next();
                if (!KEYS.contains(key)) {
                    throw new DrydockException(where + ": unknown key '" + key + "' (allowed: id, package, purl, path, reason, expires)");
                }
            }
            String id = text(e, "id", where);
            String reason = text(e, "reason", where);
            if (id == null || reason == null) {
                throw new DrydockException(where + ": 'id' and 'reason' are required");
            }
            String expiresText = text(e, "expires", where);
            LocalDate expires = null;
            if (expiresText != null) {
                try {
                    expires = LocalDate.parse(expiresText.length() > 10 ? expiresText.substring(0, 10) : expiresText);
                } catch (DateTimeParseException bad) {
                    throw new DrydockException(where + ": expires '" + expiresText + "' is not a date (YYYY-MM-DD)");
                }
            }
            String purl = text(e, "purl", where);
            if (purl != null && !purl.toLowerCase(Locale.ROOT).startsWith("pkg:")) {
                throw new DrydockException(where + ": purl '" + purl + "' does not start with pkg:");
            }
            entries.add(new Entry(n, id, text(e, "package", where), purl, text(e, "path", where), reason, expires));
        }
        return new IgnoreFile(file, entries);
    }

    private static String text(JsonNode e, String key, String where) {
        JsonNode v = e.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw new DrydockException(where + ": '" + key + "' must be a single value");
        }
        String s = v.asText().strip();
        return s.isEmpty() ? null : s;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
