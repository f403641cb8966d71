-- Drydock's durable state, one schema for SQLite and PostgreSQL. Times are epoch milliseconds (BIGINT) and
-- documents are JSON text, so both databases read and write them the same way.
-- ${id_column} is the auto-increment primary key of each database (a Flyway placeholder set by the store).

-- Base images watched for updates, with the digest their tag pointed to when last checked.
CREATE TABLE tracked_base (
    reference   TEXT PRIMARY KEY,
    digest      TEXT,
    checked_at  BIGINT,
    changed_at  BIGINT
);

-- Edges of the lineage graph: image is built on base. kind: runtime or build; source: dockerfile,
-- annotation, layers or manual. One edge per (image, base, kind); a newer observation replaces the older.
CREATE TABLE lineage_edge (
    image        TEXT NOT NULL,
    base         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    source       TEXT NOT NULL,
    image_digest TEXT,
    base_digest  TEXT,
    detail       TEXT,
    recorded_at  BIGINT NOT NULL,
    PRIMARY KEY (image, base, kind)
);

-- How an image is rebuilt: its Dockerfile and context, or the strategy that rebuilds it.
CREATE TABLE image_recipe (
    image       TEXT PRIMARY KEY,
    strategy    TEXT NOT NULL,
    settings    TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Every step of the base-update loop is a job. (kind, job_key) is unique, so a step enqueued twice (two
-- notifications, a restart) exists once. A running job holds a lease; a job whose lease ran out is taken again.
CREATE TABLE job (
    id          ${id_column},
    kind        TEXT NOT NULL,
    job_key     TEXT NOT NULL,
    state       TEXT NOT NULL,
    payload     TEXT NOT NULL,
    result      TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    owner       TEXT,
    lease_until BIGINT,
    not_before  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (kind, job_key)
);
CREATE INDEX job_ready ON job (state, not_before);

-- The audit trail: every decision about a subject (an image, a base, a workload), append-only.
CREATE TABLE audit (
    id       ${id_column},
    subject  TEXT NOT NULL,
    at       BIGINT NOT NULL,
    action   TEXT NOT NULL,
    message  TEXT NOT NULL,
    details  TEXT,
    job_id   BIGINT
);
CREATE INDEX audit_subject ON audit (subject, id);
