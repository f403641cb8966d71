package io.drydock.vulndb;

import java.util.List;

/**
 * The tables of the advisory DB file. Bump {@link #VERSION} on any change to tables or to {@link StoredForms}:
 * a reader refuses a file of another version rather than misread it.
 */
final class Schema {
    static final int VERSION = 1;

    /** Tables written in key order from staging tables, so that their pages are packed full. */
    static final List<String> TABLES = List.of(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
            """
            CREATE TABLE source (
              id INTEGER PRIMARY KEY,
              name TEXT NOT NULL, kind TEXT NOT NULL, location TEXT NOT NULL,
              read_at INTEGER NOT NULL, newest_modified INTEGER,
              records_read INTEGER NOT NULL, stored INTEGER NOT NULL, skipped INTEGER NOT NULL, warnings INTEGER NOT NULL,
              reasons TEXT NOT NULL, sample_warnings TEXT NOT NULL)""",
            """
            CREATE TABLE advisory (
              id INTEGER PRIMARY KEY,
              osv_id TEXT NOT NULL,
              source_id INTEGER NOT NULL,
              modified INTEGER, published INTEGER, withdrawn INTEGER,
              aliases TEXT, related TEXT, summary TEXT, severities TEXT,
              extra_block INTEGER, extra_line INTEGER)""",
            "CREATE TABLE extra_block (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
            "CREATE TABLE package_filter (data BLOB NOT NULL)",
            """
            CREATE TABLE package (
              ecosystem TEXT NOT NULL, release TEXT NOT NULL, name TEXT NOT NULL, id INTEGER NOT NULL,
              PRIMARY KEY (ecosystem, release, name)) WITHOUT ROWID""",
            """
            CREATE TABLE affected (
              package_id INTEGER NOT NULL, advisory_id INTEGER NOT NULL, seq INTEGER NOT NULL,
              purl TEXT, scheme TEXT NOT NULL, ranges TEXT NOT NULL, versions BLOB,
              fix_state TEXT NOT NULL, states TEXT, severities TEXT,
              PRIMARY KEY (package_id, advisory_id, seq)) WITHOUT ROWID""");

    static final List<String> INDEXES = List.of(
            "CREATE UNIQUE INDEX advisory_by_osv_id ON advisory (osv_id)",
            // reading one advisory whole names its packages by id
            "CREATE UNIQUE INDEX package_by_id ON package (id)");

    /** Staging tables in SQLite's temp database: rows arrive in source order and are copied out in key order. */
    static final List<String> STAGING = List.of(
            """
            CREATE TEMP TABLE advisory_stage (
              id INTEGER PRIMARY KEY, osv_id TEXT NOT NULL, source_id INTEGER NOT NULL,
              modified INTEGER, published INTEGER, withdrawn INTEGER,
              aliases TEXT, related TEXT, summary TEXT, severities TEXT, extra_block INTEGER, extra_line INTEGER)""",
            """
            CREATE TEMP TABLE affected_stage (
              package_id INTEGER NOT NULL, advisory_id INTEGER NOT NULL, seq INTEGER NOT NULL,
              purl TEXT, scheme TEXT NOT NULL, ranges TEXT NOT NULL, versions BLOB,
              fix_state TEXT NOT NULL, states TEXT, severities TEXT)""",
            "CREATE TEMP TABLE superseded (advisory_id INTEGER PRIMARY KEY)");

    private Schema() {
    }
}
