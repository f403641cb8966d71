package io.drydock.layer;

/**
 * Lexical path rules for layer entries. Nothing here touches a file system: layers are never extracted, so the only
 * question is whether a name, read the way a container runtime would read it, stays inside the image root.
 */
final class LayerPaths {

    /** Returned by {@link #normalize} when the name climbs above the root. */
    static final String ESCAPES = null;

    private LayerPaths() {
    }

    /**
     * Normalises a tar entry name: drops leading slashes (Docker applies layers relative to the root whatever the
     * name says), empty and {@code .} segments and a trailing slash, and folds {@code ..} into its parent.
     *
     * @return the normalised path ("" for the root itself), or {@link #ESCAPES} when a {@code ..} climbs above the root
     */
    static String normalize(String name) {
        if (isNormal(name)) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length());
        int length = name.length();
        int start = 0;
        while (start <= length) {
            int end = name.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            int segmentLength = end - start;
            if (segmentLength == 0 || (segmentLength == 1 && name.charAt(start) == '.')) {
                // empty or "." segment: nothing to add
            } else if (segmentLength == 2 && name.charAt(start) == '.' && name.charAt(start + 1) == '.') {
                if (out.isEmpty()) {
                    return ESCAPES;
                }
                out.setLength(Math.max(0, out.lastIndexOf("/")));
            } else {
                if (!out.isEmpty()) {
                    out.append('/');
                }
                out.append(name, start, end);
            }
            start = end + 1;
        }
        return out.toString();
    }

    /** True when normalisation would change nothing: the common case, checked without allocating. */
    private static boolean isNormal(String name) {
        int length = name.length();
        if (length == 0 || name.charAt(0) == '/' || name.charAt(length - 1) == '/') {
            return false;
        }
        int segmentStart = 0;
        for (int i = 0; i <= length; i++) {
            if (i == length || name.charAt(i) == '/') {
                int segmentLength = i - segmentStart;
                if (segmentLength == 0) {
                    return false;
                }
                if (name.charAt(segmentStart) == '.'
                        && (segmentLength == 1 || (segmentLength == 2 && name.charAt(segmentStart + 1) == '.'))) {
                    return false;
                }
                segmentStart = i + 1;
            }
        }
        return true;
    }

    /**
     * Whether a symlink stored at {@code linkPath} (normalised) with the given target would point above the root.
     * Absolute targets never do: inside a container they resolve against the image root, so {@code /usr/bin/x} is
     * as safe as {@code usr/bin/x}. A relative target starts from the link's directory; each {@code ..} climbs one
     * level and must not climb past the root.
     */
    static boolean symlinkEscapes(String linkPath, String target) {
        if (target.startsWith("/")) {
            return false;
        }
        int depth = depthOfParent(linkPath);
        int length = target.length();
        int start = 0;
        while (start <= length) {
            int end = target.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            int segmentLength = end - start;
            if (segmentLength == 2 && target.charAt(start) == '.' && target.charAt(start + 1) == '.') {
                if (--depth < 0) {
                    return true;
                }
            } else if (segmentLength > 0 && !(segmentLength == 1 && target.charAt(start) == '.')) {
                depth++;
            }
            start = end + 1;
        }
        return false;
    }

    /** Number of directories between the root and the entry's parent: 0 for "a", 1 for "a/b". */
    private static int depthOfParent(String path) {
        int depth = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                depth++;
            }
        }
        return depth;
    }

    /** The parent directory of a normalised path, "" for top-level entries. */
    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** Joins a normalised directory ("" for the root) and a name. */
    static String child(String directory, String name) {
        return directory.isEmpty() ? name : directory + "/" + name;
    }
}
