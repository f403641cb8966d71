package io.drydock.inventory;

import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.util.List;

/**
 * Turns the files of one layer into packages. An analyzer says which paths it wants; one streaming
 * pass over the layer feeds every analyzer the regular files it asked for, in tar order.
 * Adding an ecosystem means adding one Analyzer and its fixtures.
 */
public interface Analyzer {
    /** Stable short name, e.g. {@code dpkg}; part of the analysis cache key. */
    String id();

    /** Bumped whenever the analyzer's output for the same input changes; part of the cache key. */
    int version();

    /** Whether the regular file at {@code path} (relative, no leading slash) is one this analyzer reads. */
    boolean wants(String path, LayerEntry entry);

    /** A fresh, single-threaded collector for one layer. */
    Collector start();

    interface Collector extends AutoCloseable {
        /**
         * One wanted file. {@code content} is valid only during the call; read it, or not. Throw
         * nothing for bad input: report a warning through {@link Result} instead.
         */
        void file(LayerEntry entry, EntryContent content) throws IOException;

        /** What this layer yielded; called once after the layer's last entry. */
        Result finish();

        /** Releases what the collector holds (temporary files); called after finish, and when the layer read fails. */
        @Override
        default void close() {
        }
    }

    record Result(List<InstalledPackage> packages, OsRelease os, List<AnalysisWarning> warnings) {
        public Result {
            packages = List.copyOf(packages);
            warnings = List.copyOf(warnings);
        }

        public static Result empty() {
            return new Result(List.of(), null, List.of());
        }
    }
}
