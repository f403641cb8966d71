package io.drydock.inventory.lang;

import io.drydock.inventory.Analyzer;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Installed Ruby gems, from the specifications RubyGems writes when it installs one
 * ({@code <gem home>/specifications/<name>-<version>.gemspec}, default gems under {@code specifications/default/}).
 * These are Ruby code, but generated in a fixed shape ({@code s.name = "rack".freeze}), so regular expressions read
 * them without running anything; the {@code # stub:} comment and then the file name back them up.
 */
public final class RubyGemspecAnalyzer implements Analyzer {
    static final String TYPE = "gem";
    /** Generated specifications list every file of the gem; the largest are a few hundred KiB. */
    public static final long DEFAULT_MAX_BYTES = 4L << 20;

    private static final String QUOTED = "(?:\"([^\"]+)\"|'([^']+)'|%q\\{([^}]+)\\})";
    private static final Pattern NAME = Pattern.compile("(?m)^\\s*\\w+\\.name\\s*=\\s*" + QUOTED);
    private static final Pattern VERSION = Pattern.compile(
            "(?m)^\\s*\\w+\\.version\\s*=\\s*(?:Gem::Version\\.new\\(\\s*)?" + QUOTED);
    private static final Pattern LICENSES = Pattern.compile("(?m)^\\s*\\w+\\.licenses\\s*=\\s*\\[([^\\]]*)]");
    private static final Pattern LICENSE = Pattern.compile("(?m)^\\s*\\w+\\.license\\s*=\\s*" + QUOTED);
    private static final Pattern STRING = Pattern.compile(QUOTED);
    /** {@code # stub: rack 2.2.4 ruby lib}: name, version, platform, require paths. */
    private static final Pattern STUB = Pattern.compile("(?m)^# stub: (\\S+) (\\S+)");
    /** {@code nokogiri-1.13.8-x86_64-linux.gemspec}: the version is the first part starting with a digit. */
    private static final Pattern FILE_NAME = Pattern.compile("(.+?)-(\\d[^-]*)(?:-.+)?\\.gemspec");

    private final long maxBytes;

    public RubyGemspecAnalyzer() {
        this(DEFAULT_MAX_BYTES);
    }

    /** @param maxBytes larger specifications are skipped with a warning */
    public RubyGemspecAnalyzer(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public String id() {
        return "gemspec";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, LayerEntry entry) {
        if (!path.endsWith(".gemspec")) {
            return false;
        }
        return path.contains("/specifications/") || path.startsWith("specifications/");
    }

    @Override
    public Collector start() {
        Findings findings = new Findings(id());
        return new Collector() {
            @Override
            public void file(LayerEntry entry, EntryContent content) throws IOException {
                Optional<byte[]> bytes = SmallFiles.read(entry, content, maxBytes, "gem specification",
                        findings);
                if (bytes.isEmpty()) {
                    return;
                }
                String text = new String(bytes.get(), StandardCharsets.UTF_8);
                Matcher stub = STUB.matcher(text);
                boolean hasStub = stub.find();
                Matcher fromFileName = FILE_NAME.matcher(entry.name());
                boolean nameParses = fromFileName.matches();
                String name = firstQuoted(NAME, text);
                if (name == null) {
                    name = hasStub ? stub.group(1) : nameParses ? fromFileName.group(1) : null;
                }
                String version = firstQuoted(VERSION, text);
                if (version == null) {
                    version = hasStub ? stub.group(2) : nameParses ? fromFileName.group(2) : null;
                }
                if (name == null || version == null) {
                    findings.warn(entry.path(), "gem specification names no " + (name == null ? "name" : "version")
                            + "; skipped");
                    return;
                }
                findings.add(TYPE, null, name, version, licenses(text), entry.path(), new LinkedHashMap<>());
            }

            @Override
            public Result finish() {
                return findings.result();
            }
        };
    }

    static List<String> licenses(String text) {
        List<String> licenses = new ArrayList<>();
        Matcher list = LICENSES.matcher(text);
        if (list.find()) {
            Matcher string = STRING.matcher(list.group(1));
            while (string.find()) {
                licenses.add(quoted(string));
            }
        } else {
            String single = firstQuoted(LICENSE, text);
            if (single != null) {
                licenses.add(single);
            }
        }
        return licenses;
    }

    private static String firstQuoted(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? quoted(m) : null;
    }

    /** The one of the three alternative groups of {@link #QUOTED} that matched. */
    private static String quoted(Matcher m) {
        for (int group = m.groupCount() - 2; group <= m.groupCount(); group++) {
            if (m.group(group) != null) {
                return m.group(group);
            }
        }
        return null;
    }
}
