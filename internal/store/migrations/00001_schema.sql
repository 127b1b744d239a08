-- The first schema: one file for SQLite and PostgreSQL. It uses only what
-- both accept (TEXT, INTEGER, BIGINT, BOOLEAN, DOUBLE PRECISION, composite
-- keys, foreign keys), so there is nothing per engine to keep in step.
-- Timestamps are ISO 8601 text in both engines: the service's own text
-- goes beside them in the matching _text column. docs/schema.md documents
-- every table and column.

-- +goose Up
CREATE TABLE sync_runs (
    id                 BIGINT  NOT NULL PRIMARY KEY,
    started_at         TEXT    NOT NULL,
    finished_at        TEXT,
    status             TEXT    NOT NULL,
    selection          TEXT    NOT NULL,
    full_sync          BOOLEAN NOT NULL,
    tool_version       TEXT    NOT NULL,
    host               TEXT    NOT NULL,
    pid                BIGINT  NOT NULL,
    companies          INTEGER NOT NULL DEFAULT 0,
    companies_failed   INTEGER NOT NULL DEFAULT 0,
    sources_fetched    INTEGER NOT NULL DEFAULT 0,
    sources_unchanged  INTEGER NOT NULL DEFAULT 0,
    sources_incomplete INTEGER NOT NULL DEFAULT 0,
    users_written      BIGINT  NOT NULL DEFAULT 0,
    records_failed     BIGINT  NOT NULL DEFAULT 0,
    error              TEXT
);

CREATE TABLE sync_lock (
    name         TEXT   NOT NULL PRIMARY KEY,
    token        TEXT   NOT NULL,
    sync_id      BIGINT,
    host         TEXT   NOT NULL,
    pid          BIGINT NOT NULL,
    pid_ns       TEXT   NOT NULL,
    acquired_at  TEXT   NOT NULL,
    heartbeat_at TEXT   NOT NULL
);

CREATE TABLE companies (
    id             TEXT   NOT NULL PRIMARY KEY,
    name           TEXT   NOT NULL,
    date_format    TEXT,
    first_sync     BIGINT NOT NULL REFERENCES sync_runs (id),
    listed_in_sync BIGINT NOT NULL REFERENCES sync_runs (id),
    gone_in_sync   BIGINT REFERENCES sync_runs (id)
);

CREATE TABLE sync_companies (
    sync_id           BIGINT  NOT NULL REFERENCES sync_runs (id),
    company_id        TEXT    NOT NULL,
    company_name      TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    reason            TEXT,
    sources_fetched   INTEGER NOT NULL,
    sources_unchanged INTEGER NOT NULL,
    sources_incomplete INTEGER NOT NULL,
    users_written     BIGINT  NOT NULL,
    records_failed    BIGINT  NOT NULL,
    PRIMARY KEY (sync_id, company_id)
);

CREATE TABLE enrollments (
    company_id            TEXT    NOT NULL REFERENCES companies (id),
    id                    TEXT    NOT NULL,
    kind                  TEXT    NOT NULL,
    name                  TEXT    NOT NULL,
    type                  TEXT    NOT NULL,
    status                TEXT    NOT NULL,
    finished              BOOLEAN NOT NULL,
    marked_as_test        BOOLEAN,
    start_text            TEXT,
    start_at              TEXT,
    due_text              TEXT,
    due_at                TEXT,
    created_text          TEXT,
    created_at            TEXT,
    targeted              BIGINT,
    delivered             BIGINT,
    opened                BIGINT,
    completed             BIGINT,
    in_progress           BIGINT,
    not_responded         BIGINT,
    failed_exam           BIGINT,
    summary_json          TEXT,
    details_json          TEXT,
    fingerprint           TEXT    NOT NULL,
    complete_fingerprint  TEXT,
    complete_in_sync      BIGINT REFERENCES sync_runs (id),
    last_error            TEXT,
    last_error_sync       BIGINT REFERENCES sync_runs (id),
    first_sync            BIGINT  NOT NULL REFERENCES sync_runs (id),
    listed_in_sync        BIGINT  NOT NULL REFERENCES sync_runs (id),
    gone_in_sync          BIGINT REFERENCES sync_runs (id),
    PRIMARY KEY (company_id, id)
);

CREATE TABLE enrollment_summaries (
    company_id    TEXT   NOT NULL,
    enrollment_id TEXT   NOT NULL,
    sync_id       BIGINT NOT NULL REFERENCES sync_runs (id),
    recorded_at   TEXT   NOT NULL,
    status        TEXT   NOT NULL,
    targeted      BIGINT,
    delivered     BIGINT,
    opened        BIGINT,
    completed     BIGINT,
    in_progress   BIGINT,
    not_responded BIGINT,
    failed_exam   BIGINT,
    fingerprint   TEXT   NOT NULL,
    PRIMARY KEY (company_id, enrollment_id, sync_id),
    FOREIGN KEY (company_id, enrollment_id) REFERENCES enrollments (company_id, id)
);

CREATE TABLE survey_users (
    company_id            TEXT   NOT NULL,
    enrollment_id         TEXT   NOT NULL,
    target_user_id        TEXT   NOT NULL,
    email                 TEXT,
    first_name            TEXT,
    last_name             TEXT,
    department            TEXT,
    status                TEXT,
    last_interaction_text TEXT,
    last_interaction_at   TEXT,
    interactions_json     TEXT,
    error                 TEXT,
    first_sync            BIGINT NOT NULL,
    fetched_in_sync       BIGINT NOT NULL,
    gone_in_sync          BIGINT,
    PRIMARY KEY (company_id, enrollment_id, target_user_id),
    FOREIGN KEY (company_id, enrollment_id) REFERENCES enrollments (company_id, id)
);

CREATE TABLE survey_answers (
    company_id      TEXT   NOT NULL,
    enrollment_id   TEXT   NOT NULL,
    target_user_id  TEXT   NOT NULL,
    question_id     TEXT   NOT NULL,
    question_index  INTEGER,
    question        TEXT,
    answer          TEXT,
    answer_code     TEXT,
    latency_seconds DOUBLE PRECISION,
    options_json    TEXT,
    fetched_in_sync BIGINT NOT NULL,
    PRIMARY KEY (company_id, enrollment_id, target_user_id, question_id),
    FOREIGN KEY (company_id, enrollment_id, target_user_id)
        REFERENCES survey_users (company_id, enrollment_id, target_user_id)
);

CREATE TABLE training_users (
    company_id            TEXT   NOT NULL,
    enrollment_id         TEXT   NOT NULL,
    target_user_id        TEXT   NOT NULL,
    email                 TEXT,
    first_name            TEXT,
    last_name             TEXT,
    department            TEXT,
    status                TEXT,
    progress              TEXT,
    current_step          TEXT,
    exam_score            DOUBLE PRECISION,
    exam_status           TEXT,
    first_completion_text TEXT,
    first_completion_at   TEXT,
    last_interaction_text TEXT,
    last_interaction_at   TEXT,
    error                 TEXT,
    first_sync            BIGINT NOT NULL,
    fetched_in_sync       BIGINT NOT NULL,
    gone_in_sync          BIGINT,
    PRIMARY KEY (company_id, enrollment_id, target_user_id),
    FOREIGN KEY (company_id, enrollment_id) REFERENCES enrollments (company_id, id)
);

CREATE TABLE phishing_campaigns (
    company_id           TEXT   NOT NULL REFERENCES companies (id),
    channel              TEXT   NOT NULL,
    id                   TEXT   NOT NULL,
    name                 TEXT,
    exclude_from_reports BOOLEAN,
    first_sync           BIGINT NOT NULL REFERENCES sync_runs (id),
    listed_in_sync       BIGINT NOT NULL REFERENCES sync_runs (id),
    gone_in_sync         BIGINT REFERENCES sync_runs (id),
    PRIMARY KEY (company_id, channel, id)
);

CREATE TABLE phishing_jobs (
    company_id           TEXT    NOT NULL,
    channel              TEXT    NOT NULL,
    campaign_id          TEXT    NOT NULL,
    instance_group       INTEGER NOT NULL,
    name                 TEXT,
    status               TEXT,
    finished             BOOLEAN NOT NULL,
    start_text           TEXT,
    start_at             TEXT,
    created_text         TEXT,
    created_at           TEXT,
    targeted             BIGINT,
    delivered            BIGINT,
    not_delivered        BIGINT,
    opened               BIGINT,
    clicked              BIGINT,
    submitted            BIGINT,
    attachment_opened    BIGINT,
    reported             BIGINT,
    mfa_submitted        BIGINT,
    no_response          BIGINT,
    scanner_activity     BIGINT,
    summary_json         TEXT,
    details_json         TEXT,
    fingerprint          TEXT    NOT NULL,
    complete_fingerprint TEXT,
    complete_in_sync     BIGINT REFERENCES sync_runs (id),
    last_error           TEXT,
    last_error_sync      BIGINT REFERENCES sync_runs (id),
    first_sync           BIGINT  NOT NULL REFERENCES sync_runs (id),
    listed_in_sync       BIGINT  NOT NULL REFERENCES sync_runs (id),
    gone_in_sync         BIGINT REFERENCES sync_runs (id),
    PRIMARY KEY (company_id, channel, campaign_id, instance_group),
    FOREIGN KEY (company_id, channel, campaign_id) REFERENCES phishing_campaigns (company_id, channel, id)
);

CREATE TABLE phishing_job_summaries (
    company_id        TEXT    NOT NULL,
    channel           TEXT    NOT NULL,
    campaign_id       TEXT    NOT NULL,
    instance_group    INTEGER NOT NULL,
    sync_id           BIGINT  NOT NULL REFERENCES sync_runs (id),
    recorded_at       TEXT    NOT NULL,
    status            TEXT,
    targeted          BIGINT,
    delivered         BIGINT,
    not_delivered     BIGINT,
    opened            BIGINT,
    clicked           BIGINT,
    submitted         BIGINT,
    attachment_opened BIGINT,
    reported          BIGINT,
    mfa_submitted     BIGINT,
    no_response       BIGINT,
    scanner_activity  BIGINT,
    fingerprint       TEXT    NOT NULL,
    PRIMARY KEY (company_id, channel, campaign_id, instance_group, sync_id),
    FOREIGN KEY (company_id, channel, campaign_id, instance_group)
        REFERENCES phishing_jobs (company_id, channel, campaign_id, instance_group)
);

CREATE TABLE phishing_job_users (
    company_id                  TEXT    NOT NULL,
    channel                     TEXT    NOT NULL,
    campaign_id                 TEXT    NOT NULL,
    instance_group              INTEGER NOT NULL,
    user_row_id                 TEXT    NOT NULL,
    target_user_id              TEXT,
    email                       TEXT,
    first_name                  TEXT,
    last_name                   TEXT,
    department                  TEXT,
    phone_number                TEXT,
    status                      TEXT,
    delivery                    TEXT,
    scenario                    TEXT,
    target_groups               TEXT,
    activity_type               TEXT,
    system_activity_type        TEXT,
    opened_count                BIGINT,
    clicked_count               BIGINT,
    submitted_count             BIGINT,
    attachment_opened_count     BIGINT,
    reported_count              BIGINT,
    mfa_submitted_count         BIGINT,
    last_opened_text            TEXT,
    last_opened_at              TEXT,
    last_clicked_text           TEXT,
    last_clicked_at             TEXT,
    last_submitted_text         TEXT,
    last_submitted_at           TEXT,
    last_attachment_opened_text TEXT,
    last_attachment_opened_at   TEXT,
    last_reported_text          TEXT,
    last_reported_at            TEXT,
    last_mfa_submitted_text     TEXT,
    last_mfa_submitted_at       TEXT,
    last_sending_text           TEXT,
    last_sending_at             TEXT,
    reply_type                  TEXT,
    reply_sent_text             TEXT,
    reply_sent_at               TEXT,
    error                       TEXT,
    first_sync                  BIGINT  NOT NULL,
    fetched_in_sync             BIGINT  NOT NULL,
    gone_in_sync                BIGINT,
    PRIMARY KEY (company_id, channel, campaign_id, instance_group, user_row_id),
    FOREIGN KEY (company_id, channel, campaign_id, instance_group)
        REFERENCES phishing_jobs (company_id, channel, campaign_id, instance_group)
);

CREATE INDEX enrollments_by_kind ON enrollments (company_id, kind);

-- +goose Down
DROP INDEX enrollments_by_kind;
DROP TABLE phishing_job_users;
DROP TABLE phishing_job_summaries;
DROP TABLE phishing_jobs;
DROP TABLE phishing_campaigns;
DROP TABLE training_users;
DROP TABLE survey_answers;
DROP TABLE survey_users;
DROP TABLE enrollment_summaries;
DROP TABLE enrollments;
DROP TABLE sync_companies;
DROP TABLE companies;
DROP TABLE sync_lock;
DROP TABLE sync_runs;
