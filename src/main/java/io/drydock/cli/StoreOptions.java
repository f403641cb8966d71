package io.drydock.cli;

import io.drydock.store.Store;
import io.drydock.store.Stores;
import picocli.CommandLine.Option;

/** Where Drydock's durable state is: the embedded SQLite file in DRYDOCK_HOME unless a JDBC URL is given. */
final class StoreOptions {
    @Option(names = "--store", paramLabel = "URL", description = "jdbc:postgresql://HOST/DB (user and password from $DRYDOCK_DB_USER, $DRYDOCK_DB_PASSWORD) or jdbc:sqlite:FILE; default: the SQLite file drydock.db in DRYDOCK_HOME.")
    String url;

    Store open(ImageOptions options) {
        return Stores.open(url, options.home());
    }
}
