package io.drydock.store;

import io.drydock.DrydockException;
import java.nio.file.Path;

/** Opens the store a configuration names: the embedded SQLite file by default, PostgreSQL by JDBC URL. */
public final class Stores {
    public static final String FILE_NAME = "drydock.db";

    private Stores() {
    }

    /**
     * @param url null or blank for {@code home/drydock.db}; {@code jdbc:sqlite:FILE}; or {@code jdbc:postgresql://…},
     *        whose user and password come from the URL or from {@code DRYDOCK_DB_USER} and {@code DRYDOCK_DB_PASSWORD}
     */
    public static Store open(String url, Path home) {
        if (url == null || url.isBlank()) {
            return SqliteStore.open(home.resolve(FILE_NAME));
        }
        if (url.startsWith("jdbc:sqlite:")) {
            return SqliteStore.open(Path.of(url.substring("jdbc:sqlite:".length())));
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return PostgresStore.open(url, System.getenv("DRYDOCK_DB_USER"), System.getenv("DRYDOCK_DB_PASSWORD"));
        }
        throw new DrydockException("the store URL " + PostgresStore.withoutSecrets(url)
                + " is neither jdbc:sqlite:FILE nor jdbc:postgresql://HOST/DB");
    }
}
