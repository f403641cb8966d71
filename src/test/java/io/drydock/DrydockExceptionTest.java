package io.drydock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file system error is told as a shell would tell it; any other error by its own message. */
class DrydockExceptionTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileIsNamedWithTheReasonNotOnlyThePath() {
        Path missing = dir.resolve("missing.pub");
        IOException e = assertThrows(IOException.class, () -> Files.readString(missing));
        assertThat(e.getMessage()).as("what Java says").isEqualTo(missing.toString());
        assertThat(DrydockException.reason(e)).isEqualTo(missing + ": no such file or directory");
    }

    @Test
    void theOtherFileSystemErrorsAndAnythingElse() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        IOException notDir = assertThrows(IOException.class,
                () -> Files.createDirectories(file.resolve("sub")));
        // the operating system's words, which the JDK keeps as the reason
        assertThat(DrydockException.reason(notDir)).isEqualTo(file.resolve("sub") + ": Not a directory");
        assertThat(DrydockException.reason(new AccessDeniedException("/etc/shadow"))).isEqualTo("/etc/shadow: permission denied");
        assertThat(DrydockException.reason(new NoSuchFileException("a", "b", null))).isEqualTo("a -> b: no such file or directory");
        assertThat(DrydockException.reason(new FileSystemException("/dev/full", null, "No space left on device")))
                .isEqualTo("/dev/full: No space left on device");
        assertThat(DrydockException.reason(new ConnectException("Connection refused"))).isEqualTo("Connection refused");
        assertThat(DrydockException.reason(new IOException())).isEqualTo("IOException");
    }
}
