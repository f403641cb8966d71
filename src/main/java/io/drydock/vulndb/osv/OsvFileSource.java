package io.drydock.vulndb.osv;

import io.drydock.DrydockException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.vulndb.Advisory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** One OSV JSON file: a single record, or an array of records (as some exports write them). */
public final class OsvFileSource implements AdvisorySource {
    /** OSV records are kilobytes; a file larger than this is not one. */
    static final long MAX_RECORD_BYTES = 64L << 20;
    private static final ObjectMapper ARRAYS = new ObjectMapper();

    private final Path file;

    public OsvFileSource(Path file) {
        this.file = file;
    }

    @Override
    public String kind() {
        return "osv-file";
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public void read(Consumer<Advisory> sink, IngestLog log) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no OSV file there");
        }
        readFile(file, file.toString(), sink, log);
    }

    static void readFile(Path file, String where, Consumer<Advisory> sink, IngestLog log) throws IOException {
        long size = Files.size(file);
        if (size > MAX_RECORD_BYTES) {
            log.recordRead();
            log.skipRecord(where, null, "oversized record", "file of " + size + " bytes is larger than any OSV record (limit "
                    + MAX_RECORD_BYTES + "); skipped");
            return;
        }
        readBytes(Files.readAllBytes(file), where, sink, log);
    }

    /** One file's bytes: an object is one record; an array is read element by element. */
    static void readBytes(byte[] bytes, String where, Consumer<Advisory> sink, IngestLog log) {
        int first = 0;
        while (first < bytes.length && Character.isWhitespace(bytes[first])) {
            first++;
        }
        if (first < bytes.length && bytes[first] == '[') {
            JsonNode array;
            try {
                array = ARRAYS.readTree(bytes);
            } catch (IOException e) {
                log.recordRead();
                log.skipRecord(where, null, "invalid JSON", "not valid JSON: " + DrydockException.reason(e).replaceAll("\\s+", " "));
                return;
            }
            for (int i = 0; i < array.size(); i++) {
                log.recordRead();
                OsvParser.parse(array.get(i), where + "[" + i + "]", log).ifPresent(sink);
            }
            return;
        }
        log.recordRead();
        OsvParser.parse(bytes, where, log).ifPresent(sink);
    }
}
