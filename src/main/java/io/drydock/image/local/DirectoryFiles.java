package io.drydock.image.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** {@link LayoutFiles} over a directory. Callers only pass fixed names and paths built from validated digests. */
final class DirectoryFiles implements LayoutFiles {
    private final Path root;

    DirectoryFiles(Path root) {
        this.root = root;
    }

    @Override
    public long size(String path) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(root.resolve(path), BasicFileAttributes.class);
            return attributes.isRegularFile() ? attributes.size() : -1;
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    @Override
    public InputStream open(String path) throws IOException {
        return Files.newInputStream(root.resolve(path));
    }

    @Override
    public String locate(String path) {
        return root.resolve(path).toString();
    }
}
