package io.drydock.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL 15 for the tests: Debian's server binaries, a cluster made by {@code initdb} in a temporary
 * directory, started once per JVM on a free loopback port and stopped at exit. The binaries refuse to run as root,
 * so they run as the {@code postgres} user the package creates. Each caller gets a database of its own.
 */
public final class TestPostgres {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static Path dir;
    private static int port;

    private TestPostgres() {
    }

    /** A JDBC URL of a fresh, empty database (user {@code drydock}, trusted on loopback). */
    public static synchronized String newDatabase() {
        if (dir == null) {
            start();
        }
        String name = "drydock_test_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on the test PostgreSQL: " + e.getMessage(), e);
        }
        return url(name);
    }

    private static String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=drydock";
    }

    private static void start() {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            throw new IllegalStateException(BIN.resolve("initdb") + " is missing: install the Debian package postgresql-15 "
                    + "(./run-tests does)");
        }
        try {
            Path d = Files.createTempDirectory("drydock-pg");
            HostTools.runChecked("chown the PostgreSQL directory", Duration.ofSeconds(10), List.of("chown", "postgres", d.toString()));
            HostTools.runChecked("initdb", Duration.ofMinutes(2), List.of("runuser", "-u", "postgres", "--",
                    BIN.resolve("initdb").toString(), "-D", d.resolve("data").toString(), "-A", "trust", "-U", "drydock", "-E", "UTF8"));
            int p;
            try (ServerSocket s = new ServerSocket(0)) {
                p = s.getLocalPort();
            }
            // fsync off: the tests need a real server, not durability across a power cut of the test machine
            HostTools.runChecked("pg_ctl start", Duration.ofMinutes(1), List.of("runuser", "-u", "postgres", "--",
                    BIN.resolve("pg_ctl").toString(), "-D", d.resolve("data").toString(), "-w", "-l", d.resolve("log").toString(),
                    "-o", "-p " + p + " -k " + d + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
            dir = d;
            port = p;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                HostTools.run(Duration.ofSeconds(30), List.of("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(),
                        "-D", d.resolve("data").toString(), "-m", "immediate", "stop"));
                HostTools.run(Duration.ofSeconds(30), List.of("rm", "-rf", d.toString()));
            }));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the test PostgreSQL: " + e.getMessage(), e);
        }
    }
}
