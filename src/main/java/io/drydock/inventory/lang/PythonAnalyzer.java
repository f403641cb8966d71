package io.drydock.inventory.lang;

import io.drydock.inventory.Analyzer;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Python distributions, from the core metadata installers leave next to the code: {@code *.dist-info/METADATA}
 * (pip, wheels), {@code *.egg-info/PKG-INFO} and {@code *.egg-info} files (setuptools, Debian's python3-*
 * packages), {@code EGG-INFO/PKG-INFO} (zipped-egg layout unpacked). Only the header block is read; the long
 * description after it can be megabytes.
 *
 * <p>The name is kept as the distribution spells it ({@code typing_extensions}); {@link #normalizedName} gives the
 * PEP 503 form that purls and advisories use ({@code typing-extensions}), also stored as property
 * {@code normalizedName}. Licenses: {@code License-Expression} (PEP 639), else a one-line {@code License}, else the
 * {@code License ::} classifiers.
 */
public final class PythonAnalyzer implements Analyzer {
    static final String TYPE = "pypi";
    /** Header blocks of real distributions are a few KiB; a few with the license text inlined reach ~100 KiB. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 1 << 20;
    /** A License header longer than this is the license's full text, not its name. */
    private static final int MAX_LICENSE_NAME_LENGTH = 100;
    private static final Pattern NAME_SEPARATORS = Pattern.compile("[-_.]+");

    private final int maxHeaderBytes;

    public PythonAnalyzer() {
        this(DEFAULT_MAX_HEADER_BYTES);
    }

    /** @param maxHeaderBytes metadata whose header block is longer is skipped with a warning */
    public PythonAnalyzer(int maxHeaderBytes) {
        if (maxHeaderBytes <= 0) {
            throw new IllegalArgumentException("maxHeaderBytes must be positive: " + maxHeaderBytes);
        }
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    public String id() {
        return "python";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, LayerEntry entry) {
        // plain suffix tests: this runs for every file of every layer
        return path.endsWith(".dist-info/METADATA") || path.endsWith(".egg-info/PKG-INFO")
                || path.equals("EGG-INFO/PKG-INFO") || path.endsWith("/EGG-INFO/PKG-INFO")
                || path.endsWith(".egg-info") && !path.equals(".egg-info") && !path.endsWith("/.egg-info");
    }

    /** PEP 503: lower case, runs of {@code -}, {@code _} and {@code .} become one {@code -}. */
    public static String normalizedName(String name) {
        return NAME_SEPARATORS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
    }

    @Override
    public Collector start() {
        Findings findings = new Findings(id());
        return new Collector() {
            @Override
            public void file(LayerEntry entry, EntryContent content) throws IOException {
                Map<String, List<String>> headers = readHeaders(entry, content, findings);
                if (headers == null) {
                    return;
                }
                String name = first(headers, "name");
                String version = first(headers, "version");
                if (name == null || version == null) {
                    findings.warn(entry.path(), "Python metadata has no " + (name == null ? "Name" : "Version")
                            + " header; skipped");
                    return;
                }
                Map<String, String> properties = new LinkedHashMap<>();
                properties.put("normalizedName", normalizedName(name));
                findings.add(TYPE, null, name, version, licenses(headers), entry.path(), properties);
            }

            @Override
            public Result finish() {
                return findings.result();
            }
        };
    }

    /**
     * RFC 822-style headers up to the first blank line, names lower-cased; continuation lines (leading white space)
     * are joined to the header before them. Null, after a warning, when the block is over the limit.
     */
    private Map<String, List<String>> readHeaders(LayerEntry entry, EntryContent content, Findings findings)
            throws IOException {
        byte[] head = content.readNBytes(maxHeaderBytes);
        String text = new String(head, StandardCharsets.UTF_8); // undecodable bytes become U+FFFD, never an error
        // When the limit cut the file, its last line may be cut too: only whole lines count.
        boolean cut = entry.size() > head.length;
        String[] lines = text.split("\r?\n", -1);
        int usable = cut ? lines.length - 1 : lines.length;
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        boolean ended = false;
        for (int i = 0; i < usable && !ended; i++) {
            String line = lines[i];
            if (!line.isEmpty() && Character.isWhitespace(line.charAt(0)) && name != null) {
                value.append('\n').append(line.strip());
                continue;
            }
            if (name != null) {
                headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value.toString().strip());
                name = null;
            }
            ended = line.isEmpty();
            int colon = line.indexOf(':');
            if (!ended && colon > 0) {
                name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                value.setLength(0);
                value.append(line.substring(colon + 1));
            }
        }
        if (cut && !ended) {
            findings.warn(entry.path(), "Python metadata headers go on past " + maxHeaderBytes
                    + " bytes, the limit; skipped");
            return null;
        }
        if (name != null) {
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value.toString().strip());
        }
        return headers;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
    }

    static List<String> licenses(Map<String, List<String>> headers) {
        List<String> licenses = new ArrayList<>();
        String expression = first(headers, "license-expression");
        if (expression != null) {
            licenses.add(expression);
            return licenses;
        }
        String license = first(headers, "license");
        if (license != null && !license.contains("\n") && license.length() <= MAX_LICENSE_NAME_LENGTH
                && !license.equalsIgnoreCase("UNKNOWN")) {
            licenses.add(license);
            return licenses;
        }
        for (String classifier : headers.getOrDefault("classifier", List.of())) {
            String[] parts = classifier.split("\\s*::\\s*");
            // "License :: OSI Approved :: MIT License"; "License :: OSI Approved" alone names no license
            if (parts.length >= 2 && parts[0].equals("License") && !parts[parts.length - 1].equals("OSI Approved")) {
                String name = parts[parts.length - 1].strip();
                if (!licenses.contains(name)) {
                    licenses.add(name);
                }
            }
        }
        return licenses;
    }
}
