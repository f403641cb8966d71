package io.drydock.inventory.lang;

import java.util.List;

/**
 * One kind of package information carried inside ELF executables. Extractors say which parts of a file they need
 * once its headers are known, so that several of them can share one forward pass over each executable
 * ({@link ExecutableFiles}): the layer stream can be read only once, and most executables hold nothing for anyone.
 */
interface ElfExtractor {
    /** The analyzer name the extractor's warnings carry. */
    String id();

    /** Larger files are not read; the extractor warns about each ELF file it skips for its size. */
    long maxFileBytes();

    /** The file ranges needed, decided from the headers alone; each extractor bounds its own total. */
    List<ElfImage.FileRange> ranges(ElfImage elf);

    /** Packages (or warnings) from the ranges read; {@code regions} may hold more than this extractor asked for. */
    void extract(ElfImage elf, ElfRegions regions, String path, Findings findings);
}
