package io.drydock.inventory.lang;

import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.util.Optional;

/** Files an analyzer reads whole, within a size limit of its own and the layer reader's in-memory limit. */
final class SmallFiles {
    private SmallFiles() {
    }

    /** The whole file when it is at most {@code maxBytes}; otherwise a warning and nothing. */
    static Optional<byte[]> read(LayerEntry entry, EntryContent content, long maxBytes, String what,
                                Findings findings) throws IOException {
        if (entry.size() > maxBytes) {
            findings.warn(entry.path(), what + " is " + entry.size() + " bytes, over the limit of " + maxBytes
                    + " bytes for such files; skipped");
            return Optional.empty();
        }
        if (!content.fitsInMemory()) {
            findings.warn(entry.path(), what + " is " + entry.size()
                    + " bytes, more than the layer reader lets an analyzer hold in memory; skipped");
            return Optional.empty();
        }
        return Optional.of(content.readAllBytes());
    }
}
