-- The fleet the server watches: analysed images, what matching found in them, where they run, who may use the API,
-- and what the admission gate decided.

-- An analysed image and the counts of its last match: small rows, so that lists and sums over the fleet stay fast.
-- facts: what analysis learnt besides the inventory (where the base ends, signatures found), JSON.
CREATE TABLE image (
    digest        TEXT PRIMARY KEY,
    reference     TEXT NOT NULL,
    repository    TEXT NOT NULL,
    facts         TEXT,
    analyzed_at   BIGINT NOT NULL,
    matched_at    BIGINT,
    critical      INTEGER NOT NULL DEFAULT 0,
    high          INTEGER NOT NULL DEFAULT 0,
    medium        INTEGER NOT NULL DEFAULT 0,
    low           INTEGER NOT NULL DEFAULT 0,
    other         INTEGER NOT NULL DEFAULT 0,
    base_findings INTEGER NOT NULL DEFAULT 0,
    app_findings  INTEGER NOT NULL DEFAULT 0,
    fixable       INTEGER NOT NULL DEFAULT 0,
    base_fixable  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX image_repository ON image (repository);

-- What re-matching reads, apart from the image rows (tens of kilobytes each). inventory is the compact form
-- (packages and layers, no file lists), so a new advisory is matched against every stored image without asking a
-- registry. findings holds the keys of the last match, one line per finding, so that the next match can say what is
-- new, fixed or re-rated.
CREATE TABLE image_content (
    digest    TEXT PRIMARY KEY,
    inventory TEXT NOT NULL,
    findings  TEXT
);

-- One row per finding of the last match: which images a CVE hits, without reading every image.
CREATE TABLE image_vuln (
    vuln_id  TEXT NOT NULL,
    digest   TEXT NOT NULL,
    purl     TEXT NOT NULL,
    package  TEXT NOT NULL,
    version  TEXT NOT NULL,
    origin   TEXT NOT NULL,
    severity TEXT NOT NULL,
    fixed    TEXT,
    PRIMARY KEY (vuln_id, digest, purl, origin)
);
CREATE INDEX image_vuln_digest ON image_vuln (digest);

-- A container seen running, from the Pod informer, with the workload that owns its pod.
CREATE TABLE running_container (
    namespace     TEXT NOT NULL,
    pod           TEXT NOT NULL,
    container     TEXT NOT NULL,
    workload_kind TEXT NOT NULL,
    workload_name TEXT NOT NULL,
    image         TEXT NOT NULL,
    digest        TEXT,
    seen_at       BIGINT NOT NULL,
    PRIMARY KEY (namespace, pod, container)
);
CREATE INDEX running_container_digest ON running_container (digest);

-- API tokens: only a SHA-256 of the token is kept.
CREATE TABLE api_token (
    name       TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- The admission gate's decisions, newest last.
CREATE TABLE admission_decision (
    id        ${id_column},
    at        BIGINT NOT NULL,
    uid       TEXT NOT NULL,
    namespace TEXT,
    kind      TEXT,
    name      TEXT,
    allowed   INTEGER NOT NULL,
    message   TEXT NOT NULL,
    images    TEXT NOT NULL
);

-- Small facts the replicas share, such as the advisory DB version the stored matches were made with.
CREATE TABLE setting (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
