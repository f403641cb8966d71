package io.drydock.inventory.os;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads rpm's SQLite database, {@code rpmdb.sqlite} (rpm 4.16 and later: Fedora 33+, RHEL 9, Amazon Linux 2023),
 * whose {@code Packages} table maps the header number {@code hnum} to the header {@code blob}. The file must be a
 * private copy: SQLite may replay a {@code -wal} file beside it into it and create a {@code -shm} file.
 */
final class SqlitePackages {

    /** A hostile database could make a query crawl; rpm databases of real systems read in well under a second. */
    static final int QUERY_TIMEOUT_SECONDS = 120;

    private SqlitePackages() {
    }

    static void read(Path database, HeaderSink sink) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            try (Statement pragma = connection.createStatement()) {
                // Views and triggers in an image's database must not run functions with side effects.
                pragma.execute("PRAGMA trusted_schema = OFF");
            }
            if (!hasPackagesTable(connection)) {
                sink.problem("is an SQLite database without a Packages table, so not an rpm database");
                return;
            }
            try (Statement query = connection.createStatement()) {
                query.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                try (ResultSet rows = query.executeQuery("SELECT hnum, blob FROM Packages")) {
                    while (rows.next()) {
                        long number = rows.getLong(1);
                        byte[] blob = rows.getBytes(2);
                        if (blob == null) {
                            sink.problem("header " + number + " has no blob; skipped");
                        } else {
                            sink.header(number, blob);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            sink.problem("cannot be read as an SQLite database: " + e.getMessage());
        }
    }

    /** A real table, not a view that could compute rows from anything. */
    private static boolean hasPackagesTable(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'Packages'")) {
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getInt(1) == 1;
            }
        }
    }
}
