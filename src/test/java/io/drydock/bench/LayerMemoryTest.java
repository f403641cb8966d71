package io.drydock.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The layer reader's memory is bounded by what its visitor keeps, not by the size of the layer or its files. */
class LayerMemoryTest {
    @Test
    void aFileEightTimesTheHeapStreamsThrough() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        long fileSize = 256L << 20;
        Process p = new ProcessBuilder(java, "-Xmx32m", "-cp", classpath, LayerMemoryProbe.class.getName(), Long.toString(fileSize))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("read " + fileSize + " bytes");
    }
}
