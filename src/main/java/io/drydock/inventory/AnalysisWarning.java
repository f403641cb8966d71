package io.drydock.inventory;

/** Something an analyzer could not read; the path names the file, the message says why. */
public record AnalysisWarning(String analyzer, String path, String message) {
    @Override
    public String toString() {
        return analyzer + ": " + path + ": " + message;
    }
}
