package io.drydock.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    Store openFresh() {
        return Stores.open(null, dir);
    }

    @Override
    Store reopen() {
        return Stores.open("jdbc:sqlite:" + dir.resolve(Stores.FILE_NAME), dir);
    }

    @Test
    void theEmbeddedStoreIsOneFileInTheHomeDirectory() {
        assertThat(dir.resolve("drydock.db")).exists();
        assertThat(store.describe()).endsWith("drydock.db");
    }

    @Test
    void aFileThatIsNotADatabaseIsNamedInTheError() throws Exception {
        Path bad = dir.resolve("bad.db");
        Files.writeString(bad, "this is not an SQLite database, it is long enough to have a header".repeat(10));
        assertThatThrownBy(() -> Stores.open("jdbc:sqlite:" + bad, dir)).isInstanceOf(DrydockException.class)
                .hasMessageContaining(bad.toString());
    }

    @Test
    void anUnknownStoreUrlIsRefusedWithoutItsSecrets() {
        assertThatThrownBy(() -> Stores.open("jdbc:mysql://db/x?password=hunter2", dir)).isInstanceOf(DrydockException.class)
                .hasMessageContaining("jdbc:mysql://db/x").hasMessageNotContaining("hunter2");
    }
}
