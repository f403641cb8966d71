package io.drydock.vulndb;

/**
 * Something a source could not use. The location names the file or zip entry, the record id the advisory
 * (when it could be read), the reason the counted category, the message the details.
 */
public record IngestWarning(String source, String location, String recordId, String reason, String message) {
    @Override
    public String toString() {
        return location + (recordId == null ? "" : " (" + recordId + ")") + ": " + message;
    }
}
