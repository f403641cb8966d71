package io.drydock.inventory.lang;

import java.util.List;
import java.util.Locale;

/** Which file names are Java archives, by the extensions the Java ecosystems give them. */
final class JavaArchives {
    /** jar, web, enterprise and JBoss archives; Jenkins plugins (jpi, hpi) are jars under another name. */
    static final List<String> EXTENSIONS = List.of(".jar", ".war", ".ear", ".par", ".jpi", ".hpi");

    private JavaArchives() {
    }

    /** Whether the last segment of {@code path} is {@code something.jar} (or another archive extension). */
    static boolean isArchiveName(String path) {
        String lower = fileName(path).toLowerCase(Locale.ROOT);
        for (String extension : EXTENSIONS) {
            if (lower.endsWith(extension) && lower.length() > extension.length()) {
                return true;
            }
        }
        return false;
    }

    static String stripArchiveExtension(String fileName) {
        return isArchiveName(fileName) ? fileName.substring(0, fileName.length() - 4) : fileName;
    }

    /** The last path segment; nested locations ({@code a.jar!/BOOT-INF/lib/b.jar}) end in the inner archive's. */
    static String fileName(String location) {
        return location.substring(location.lastIndexOf('/') + 1);
    }
}
