package io.drydock.vulndb;

import java.nio.file.Path;

/**
 * Runs one DB build in its own JVM, so that {@link AtomicReplaceTest} can kill it with SIGKILL at any moment.
 * Arguments: target path, record count, seed, marker id.
 */
public final class BuildChild {
    private BuildChild() {
    }

    public static void main(String[] args) {
        BuildResult r = VulnDbBuilder.to(Path.of(args[0]))
                .add(new SyntheticOsv(Long.parseLong(args[2]), Integer.parseInt(args[1]), args[3]).source())
                .listener(new VulnDbBuilder.Listener() {
                    @Override
                    public void phase(String phase) {
                        System.out.println("phase " + phase);
                    }
                })
                .build();
        System.out.println("built " + r.advisories());
    }
}
