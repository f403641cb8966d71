package io.drydock.inventory.os;

import io.drydock.testing.HostTools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.Adler32;

/**
 * Real rpm databases, built once per JVM: small packages made with rpmbuild, installed with rpm into a scratch root
 * (which writes rpmdb.sqlite), and the same header blobs rewritten as a Berkeley DB hash (with db5.3_load) and as an
 * ndb file (with {@link #ndb}, because Debian's rpm has no ndb backend).
 */
final class RpmFixtures {

    /** What rpm itself says about one installed package. */
    record Installed(long headerNumber, String name, String evr, String arch, String sourceRpm, String license,
                     List<String> files) {
    }

    private static RpmFixtures instance;

    final Path work;
    /** The database rpm wrote, WAL checkpointed into it. */
    final Path sqlite;
    /** Header number → header blob, as stored in {@link #sqlite}. */
    final Map<Long, byte[]> blobs;
    /** rpm -qa over the installed root, in header-number order. */
    final List<Installed> installed;

    private RpmFixtures(Path work, Path sqlite, Map<Long, byte[]> blobs, List<Installed> installed) {
        this.work = work;
        this.sqlite = sqlite;
        this.blobs = blobs;
        this.installed = installed;
    }

    static synchronized RpmFixtures get() {
        if (instance == null) {
            instance = build();
        }
        return instance;
    }

    private static final String HELLO_SPEC = """
            Name: hello-drydock
            Epoch: 2
            Version: 1.4.2
            Release: 3.el9
            Summary: Drydock test package with an epoch
            License: MIT AND (GPL-2.0-or-later OR BSD-3-Clause)
            BuildArch: noarch
            %description
            A test package with an epoch.
            %install
            mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/share/hello-drydock
            printf '#!/bin/sh\\necho hello\\n' > %{buildroot}/usr/bin/hello-drydock
            echo data > %{buildroot}/usr/share/hello-drydock/data.txt
            %files
            /usr/bin/hello-drydock
            %dir /usr/share/hello-drydock
            /usr/share/hello-drydock/data.txt
            """;

    /** 300 files make a header of about 40 KiB, far over a Berkeley DB page: its value lives in overflow pages. */
    private static final String TOOLKIT_SPEC = """
            Name: toolkit
            Version: 0.9.1
            Release: 7.fc40
            Summary: Drydock test package with a subpackage and many files
            License: Apache-2.0
            BuildArch: x86_64
            %description
            A test package with many files.
            %package libs
            Summary: Libraries of toolkit
            License: LGPL-2.1-or-later
            %description libs
            The libraries.
            %install
            mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/lib64 %{buildroot}/usr/share/toolkit/data
            echo tool > %{buildroot}/usr/bin/toolkit
            for i in $(seq 1 300); do echo $i > %{buildroot}/usr/share/toolkit/data/entry-$i.txt; done
            echo lib > %{buildroot}/usr/lib64/libtoolkit.so.0
            %files
            /usr/bin/toolkit
            /usr/share/toolkit
            %files libs
            /usr/lib64/libtoolkit.so.0
            """;

    private static RpmFixtures build() {
        try {
            Path rpmbuild = HostTools.require("rpmbuild", "rpm");
            Path rpm = HostTools.require("rpm", "rpm");
            Path work = Files.createTempDirectory("drydock-rpm-fixtures-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(work)));
            Path top = work.resolve("rpmbuild");
            Files.createDirectories(top.resolve("SPECS"));
            List<String> rpms = new ArrayList<>();
            for (Map.Entry<String, String> spec : Map.of("hello-drydock", HELLO_SPEC, "toolkit", TOOLKIT_SPEC)
                    .entrySet()) {
                Path file = top.resolve("SPECS").resolve(spec.getKey() + ".spec");
                Files.writeString(file, spec.getValue());
                HostTools.runChecked("rpmbuild " + file.getFileName(), Duration.ofMinutes(3),
                        List.of(rpmbuild.toString(), "--define", "_topdir " + top, "-bb", file.toString()));
            }
            try (Stream<Path> files = Files.walk(top.resolve("RPMS"))) {
                files.filter(p -> p.toString().endsWith(".rpm")).sorted().forEach(p -> rpms.add(p.toString()));
            }
            Path root = work.resolve("root");
            Files.createDirectories(root);
            HostTools.runChecked("rpm --initdb", Duration.ofMinutes(1), List.of(rpm.toString(), "--root",
                    root.toString(), "--dbpath", "/var/lib/rpm", "--initdb"));
            List<String> install = new ArrayList<>(List.of(rpm.toString(), "--root", root.toString(), "--dbpath",
                    "/var/lib/rpm", "-i", "--nodeps", "--ignorearch", "--noscripts"));
            install.addAll(rpms);
            HostTools.runChecked("rpm -i", Duration.ofMinutes(2), install);

            Path sqlite = root.resolve("var/lib/rpm/rpmdb.sqlite");
            Map<Long, byte[]> blobs = new TreeMap<>();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite);
                 Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                try (ResultSet rows = s.executeQuery("SELECT hnum, blob FROM Packages")) {
                    while (rows.next()) {
                        blobs.put(rows.getLong(1), rows.getBytes(2));
                    }
                }
            }
            return new RpmFixtures(work, sqlite, blobs, query(rpm, List.of("--root", root.toString(), "--dbpath",
                    "/var/lib/rpm")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the rpm database the fixture wrote: " + e.getMessage(), e);
        }
    }

    /** rpm's own view of a database, packages and non-directory files (the mode's type bits say which is which). */
    static List<Installed> query(Path rpm, List<String> databaseOptions) {
        List<String> command = new ArrayList<>(List.of(rpm.toString()));
        command.addAll(databaseOptions);
        command.addAll(List.of("-qa", "--qf", "@@%{DBINSTANCE}\\t%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}"
                + "\\t%{ARCH}\\t%{SOURCERPM}\\t%{LICENSE}\\n[%{FILEMODES}\\t%{FILENAMES}\\n]"));
        String out = HostTools.runChecked("rpm -qa", Duration.ofMinutes(1), command).output();
        List<Installed> installed = new ArrayList<>();
        String[] lines = out.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].startsWith("@@")) {
                continue; // rpm's chatter on stderr, merged in
            }
            String[] f = lines[i].substring(2).split("\t", -1);
            List<String> files = new ArrayList<>();
            while (i + 1 < lines.length && !lines[i + 1].startsWith("@@") && lines[i + 1].matches("\\d+\t/.*")) {
                String[] file = lines[++i].split("\t", 2);
                if ((Integer.parseInt(file[0]) & 0170000) != 0040000) {
                    files.add(file[1].substring(1));
                }
            }
            installed.add(new Installed(Long.parseLong(f[0]), f[1], f[2], f[3], f[4], f[5], files));
        }
        installed.sort(Comparator.comparingLong(Installed::headerNumber));
        return installed;
    }

    /**
     * Writes {@code blobs} as rpm's Berkeley DB Packages file: key = header number as a 4-byte little-endian
     * integer, value = header blob, key 0 = the next free header number (rpm's convention).
     */
    static void berkeleyDb(Path target, Map<Long, byte[]> blobs, String... loadOptions) {
        Path load = HostTools.require("db5.3_load", "db5.3-util");
        HexFormat hex = HexFormat.of();
        StringBuilder dump = new StringBuilder("VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END\n");
        long next = blobs.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
        dump.append(' ').append(hex.formatHex(littleEndian(0))).append('\n')
                .append(' ').append(hex.formatHex(littleEndian(next))).append('\n');
        for (Map.Entry<Long, byte[]> e : blobs.entrySet()) {
            dump.append(' ').append(hex.formatHex(littleEndian(e.getKey()))).append('\n')
                    .append(' ').append(hex.formatHex(e.getValue())).append('\n');
        }
        dump.append("DATA=END\n");
        try {
            Path dumpFile = Files.createTempFile(target.getParent(), "dump-", ".txt");
            Files.writeString(dumpFile, dump, StandardCharsets.US_ASCII);
            Files.deleteIfExists(target);
            List<String> command = new ArrayList<>(List.of(load.toString()));
            for (String option : loadOptions) {
                command.addAll(List.of("-c", option));
            }
            command.addAll(List.of("-f", dumpFile.toString(), target.toString()));
            HostTools.runChecked("db5.3_load " + target, Duration.ofMinutes(1), command);
            Files.delete(dumpFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] littleEndian(long value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array();
    }

    /**
     * An ndb Packages.db holding {@code blobs}, laid out as rpm's lib/backend/ndb/rpmpkg.c writes it: a 32-byte
     * header ("RpmP", version 0, generation, slot page count, next index), one 4096-byte slot page of 16-byte slots
     * ("Slot", index, first block, block count), then each blob in 16-byte blocks ("BlbS", index, generation,
     * length, data, zero padding, then Adler-32 of all that, length, "BlbE").
     */
    static byte[] ndb(Map<Long, byte[]> blobs) {
        int page = 4096;
        int block = 16;
        int totalBlocks = page / block;
        List<long[]> slots = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : blobs.entrySet()) {
            int blocks = (16 + e.getValue().length + 12 + block - 1) / block;
            slots.add(new long[] {e.getKey(), totalBlocks, blocks});
            totalBlocks += blocks;
        }
        ByteBuffer file = ByteBuffer.allocate(totalBlocks * block).order(ByteOrder.LITTLE_ENDIAN);
        file.putInt(0, NdbPackages.FILE_MAGIC).putInt(4, 0).putInt(8, 7).putInt(12, 1)
                .putInt(16, (int) (blobs.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1));
        for (int at = 32; at < page; at += 16) {
            file.putInt(at, NdbPackages.SLOT_MAGIC);
        }
        int slotAt = 32;
        for (long[] slot : slots) {
            file.putInt(slotAt + 4, (int) slot[0]).putInt(slotAt + 8, (int) slot[1]).putInt(slotAt + 12, (int) slot[2]);
            slotAt += 16;
            byte[] data = blobs.get(slot[0]);
            int start = (int) slot[1] * block;
            int end = start + (int) slot[2] * block;
            file.putInt(start, NdbPackages.BLOB_HEAD_MAGIC).putInt(start + 4, (int) slot[0]).putInt(start + 8, 7)
                    .putInt(start + 12, data.length);
            file.put(start + 16, data);
            Adler32 adler = new Adler32();
            adler.update(file.array(), start, end - 12 - start);
            file.putInt(end - 12, (int) adler.getValue()).putInt(end - 8, data.length)
                    .putInt(end - 4, NdbPackages.BLOB_TAIL_MAGIC);
        }
        return file.array();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }
}
