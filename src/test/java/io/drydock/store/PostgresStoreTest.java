package io.drydock.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import io.drydock.testing.TestPostgres;
import org.junit.jupiter.api.Test;

/** The same contract on a real PostgreSQL 15 started by the test. */
class PostgresStoreTest extends StoreContract {
    String url;

    @Override
    Store openFresh() {
        url = TestPostgres.newDatabase();
        return Stores.open(url, null);
    }

    @Override
    Store reopen() {
        return Stores.open(url, null);
    }

    @Test
    void theSchemaIsMigratedOnceAndReopeningKeepsIt() {
        store.trackBase("b:1");
        store.close();
        store = reopen();
        assertThat(store.trackedBases()).extracting(TrackedBase::reference).containsExactly("b:1");
    }

    @Test
    void anUnreachableServerIsNamedWithoutThePassword() {
        assertThatThrownBy(() -> Stores.open("jdbc:postgresql://127.0.0.1:1/x?user=u&password=hunter2", null))
                .isInstanceOf(DrydockException.class).hasMessageContaining("jdbc:postgresql://127.0.0.1:1/x")
                .hasMessageNotContaining("hunter2");
    }
}
