package io.drydock.inventory.lang;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The build information the Go linker (1.13 and later) embeds in every binary, as {@code go version -m} shows it.
 * It starts with a 32-byte header in the {@code .go.buildinfo} section: the magic {@code "\xff Go buildinf:"}, pointer
 * size, flags. From Go 1.18 (flag 2) the Go version and the module information follow inline as varint-prefixed
 * strings; before that the header holds pointers to two Go string headers, which point into read-only data.
 *
 * @param goVersion the toolchain, e.g. {@code go1.19.8}
 * @param path      the main package's import path ({@code path} line)
 * @param main      the main module ({@code mod} line), or null (GOPATH builds, {@code go run x.go})
 * @param deps      the modules linked in ({@code dep} lines), each with its replacement if {@code =>} followed
 * @param settings  {@code build} lines (Go 1.18+): {@code GOOS}, {@code vcs.revision}, {@code -ldflags}, ...
 */
record GoBuildInfo(String goVersion, String path, Module main, List<Module> deps, Map<String, String> settings) {

    static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    static final int HEADER_BYTES = 32;
    static final int ALIGNMENT = 16;
    /** The module information of the largest real binaries is a few hundred KiB; Go itself caps strings it reads. */
    static final int MAX_STRING_BYTES = 16 << 20;
    private static final Pattern GO_RELEASE = Pattern.compile("go(\\d+)\\.(\\d+)(?:\\.(\\d+))?(?:(rc|beta|alpha)(\\d+))?");

    GoBuildInfo {
        deps = List.copyOf(deps);
        settings = Map.copyOf(settings);
    }

    /** A module line: path, version (may be empty for a local replacement), checksum (may be empty). */
    record Module(String path, String version, String sum, Module replacement) {
    }

    /** The header exists but its contents cannot be read; the message says why. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    /**
     * File offset of the build info header: the first {@link #ALIGNMENT}-aligned (by address) occurrence of the magic
     * in a writable data segment, where the linker places {@code .go.buildinfo} (stripped binaries have no section
     * header to say so, which is why {@code debug/buildinfo} searches the same way). -1 when there is none.
     */
    static long find(ElfImage elf, ElfRegions regions) {
        for (ElfImage.Segment segment : elf.segments()) {
            if (!segment.isWritableData()) {
                continue;
            }
            for (ElfRegions.Region region : regions.overlapping(segment.offset(), segment.end())) {
                long start = Math.max(segment.offset(), region.start());
                long end = Math.min(segment.end(), region.end());
                // the first offset whose address is aligned (addresses and offsets differ by whole pages)
                long misalignment = Math.floorMod(segment.address() + (start - segment.offset()), ALIGNMENT);
                long first = misalignment == 0 ? start : start + ALIGNMENT - misalignment;
                byte[] bytes = region.bytes();
                for (long at = first; at + MAGIC.length <= end; at += ALIGNMENT) {
                    if (matchesMagic(bytes, (int) (at - region.start()))) {
                        return at;
                    }
                }
            }
        }
        return -1;
    }

    private static boolean matchesMagic(byte[] bytes, int at) {
        if (bytes[at] != MAGIC[0]) {
            return false; // the common case, one comparison per 16 bytes
        }
        for (int i = 1; i < MAGIC.length; i++) {
            if (bytes[at + i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Reads the build info whose header is at file offset {@code headerOffset}. */
    static GoBuildInfo read(ElfImage elf, ElfRegions regions, long headerOffset) throws Unreadable {
        ElfRegions.Region region = regions.holding(headerOffset, HEADER_BYTES);
        if (region == null) {
            throw new Unreadable("build info header at offset " + headerOffset + " was not read");
        }
        byte[] bytes = region.bytes();
        int at = (int) (headerOffset - region.start());
        int pointerSize = bytes[at + 14];
        int flags = bytes[at + 15];
        byte[] version;
        byte[] modules;
        if ((flags & 2) != 0) {
            int[] cursor = {at + HEADER_BYTES};
            version = inlineBytes(bytes, cursor);
            modules = inlineBytes(bytes, cursor);
        } else {
            if (pointerSize != 4 && pointerSize != 8) {
                throw new Unreadable("build info header gives a pointer size of " + pointerSize);
            }
            // Before Go 1.18: two pointers to Go string headers {data pointer, length}; flag 1 means big-endian.
            ElfImage.Bytes header = new ElfImage.Bytes(bytes, (flags & 1) == 0);
            version = pointedBytes(elf, regions, header.pointer(at + 16, pointerSize), pointerSize, header);
            modules = pointedBytes(elf, regions, header.pointer(at + 16 + pointerSize, pointerSize), pointerSize,
                    header);
        }
        if (version.length == 0) {
            throw new Unreadable("build info names no Go version");
        }
        return parse(new String(version, StandardCharsets.UTF_8), stripSentinels(modules));
    }

    private static byte[] inlineBytes(byte[] bytes, int[] cursor) throws Unreadable {
        long length = 0;
        for (int shift = 0; ; shift += 7) {
            if (cursor[0] >= bytes.length || shift > 63) {
                throw new Unreadable("build info string length runs past the data read");
            }
            int b = bytes[cursor[0]++] & 0xff;
            length |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if (length > MAX_STRING_BYTES || cursor[0] + length > bytes.length) {
            throw new Unreadable("build info string of " + length + " bytes runs past the data read");
        }
        byte[] string = Arrays.copyOfRange(bytes, cursor[0], cursor[0] + (int) length);
        cursor[0] += (int) length;
        return string;
    }

    private static byte[] pointedBytes(ElfImage elf, ElfRegions regions, long headerAddress, int pointerSize,
                                        ElfImage.Bytes order) throws Unreadable {
        byte[] stringHeader = bytesAt(elf, regions, headerAddress, 2 * pointerSize);
        ElfImage.Bytes header = new ElfImage.Bytes(stringHeader, order.littleEndian());
        long dataAddress = header.pointer(0, pointerSize);
        long length = header.pointer(pointerSize, pointerSize);
        if (length < 0 || length > MAX_STRING_BYTES) {
            throw new Unreadable("build info string of " + length + " bytes");
        }
        return bytesAt(elf, regions, dataAddress, (int) length);
    }

    private static byte[] bytesAt(ElfImage elf, ElfRegions regions, long address, int length) throws Unreadable {
        long offset = elf.fileOffsetOf(address, length);
        byte[] bytes = offset < 0 ? null : regions.bytes(offset, length);
        if (bytes == null) {
            throw new Unreadable("pre-1.18 build info points at address 0x" + Long.toHexString(address)
                    + ", outside the data segments read");
        }
        return bytes;
    }

    /**
     * The module text between the 16-byte sentinels the go command wraps it in, or "" when it is not wrapped. Cut
     * as bytes: the sentinels are not UTF-8.
     */
    static String stripSentinels(byte[] modules) {
        if (modules.length >= 33 && modules[modules.length - 17] == '\n') {
            return new String(modules, 16, modules.length - 32, StandardCharsets.UTF_8);
        }
        return "";
    }

    /** The tab-separated lines of {@code runtime/debug.BuildInfo}'s text form. */
    static GoBuildInfo parse(String goVersion, String modules) {
        String path = null;
        Module main = null;
        List<Module> deps = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : modules.split("\n")) {
            String[] fields = line.split("\t", -1);
            switch (fields[0]) {
                case "path" -> path = fields.length > 1 ? fields[1] : null;
                case "mod" -> main = module(fields);
                case "dep" -> {
                    Module dep = module(fields);
                    if (dep != null) {
                        deps.add(dep);
                    }
                }
                case "=>" -> {
                    // replaces the dep on the line before (only deps can be replaced)
                    Module replacement = module(fields);
                    if (replacement != null && !deps.isEmpty()) {
                        Module replaced = deps.remove(deps.size() - 1);
                        deps.add(new Module(replaced.path(), replaced.version(), replaced.sum(), replacement));
                    }
                }
                case "build" -> {
                    int eq = fields.length > 1 ? fields[1].indexOf('=') : -1;
                    if (eq > 0) {
                        settings.putIfAbsent(fields[1].substring(0, eq), fields[1].substring(eq + 1));
                    }
                }
                default -> {
                    // "go" (in the String() form) and blank lines carry nothing the header did not
                }
            }
        }
        return new GoBuildInfo(goVersion, path, main, deps, settings);
    }

    private static Module module(String[] fields) {
        if (fields.length < 2 || fields[1].isEmpty()) {
            return null;
        }
        return new Module(fields[1], fields.length > 2 ? fields[2] : "", fields.length > 3 ? fields[3] : "", null);
    }

    /**
     * The Go version as a module-style semantic version, as the Go vulnerability database spells stdlib versions
     * once prefixed: {@code go1.19.8} → {@code v1.19.8}, {@code go1.20} → {@code v1.20.0}, {@code go1.21rc2} →
     * {@code v1.21.0-rc.2}. Empty for development builds ({@code devel +abc123}), which have no release.
     */
    static Optional<String> semanticVersion(String goVersion) {
        String version = goVersion.strip();
        int space = version.indexOf(' ');
        if (space > 0) {
            version = version.substring(0, space); // "go1.22.0 X:boringcrypto"
        }
        Matcher m = GO_RELEASE.matcher(version);
        if (!m.matches()) {
            return Optional.empty();
        }
        String patch = m.group(3) != null ? m.group(3) : "0";
        String pre = m.group(4) != null ? "-" + m.group(4) + "." + m.group(5) : "";
        return Optional.of("v" + m.group(1) + "." + m.group(2) + "." + patch + pre);
    }
}
