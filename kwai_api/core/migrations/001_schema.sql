-- The whole data model of kwai. Times are TIMESTAMP in UTC. No foreign-key constraints:
-- DuckDB implements updates of referenced rows poorly; the use cases keep references valid.

CREATE SEQUENCE users_id_seq;
CREATE TABLE users (
    id INTEGER PRIMARY KEY DEFAULT nextval('users_id_seq'),
    uuid VARCHAR NOT NULL UNIQUE,
    email VARCHAR NOT NULL UNIQUE,
    first_name VARCHAR NOT NULL,
    last_name VARCHAR NOT NULL,
    password_hash VARCHAR,
    admin BOOLEAN NOT NULL DEFAULT false,
    revoked BOOLEAN NOT NULL DEFAULT false,
    language VARCHAR,
    remark VARCHAR,
    last_login TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP
);

CREATE SEQUENCE user_invitations_id_seq;
CREATE TABLE user_invitations (
    id INTEGER PRIMARY KEY DEFAULT nextval('user_invitations_id_seq'),
    uuid VARCHAR NOT NULL UNIQUE,
    email VARCHAR NOT NULL,
    first_name VARCHAR NOT NULL,
    last_name VARCHAR NOT NULL,
    remark VARCHAR,
    language VARCHAR,
    invited_by INTEGER,
    expired_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    revoked BOOLEAN NOT NULL DEFAULT false,
    mailed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP
);

CREATE SEQUENCE user_recoveries_id_seq;
CREATE TABLE user_recoveries (
    id INTEGER PRIMARY KEY DEFAULT nextval('user_recoveries_id_seq'),
    uuid VARCHAR NOT NULL UNIQUE,
    user_id INTEGER NOT NULL,
    expired_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    mailed_at TIMESTAMP,
    remark VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP
);

-- One row per issued token; `family` groups the tokens of one login so that the reuse of a
-- rotated refresh token can revoke them all.
CREATE SEQUENCE tokens_id_seq;
CREATE TABLE tokens (
    id INTEGER PRIMARY KEY DEFAULT nextval('tokens_id_seq'),
    identifier VARCHAR NOT NULL UNIQUE,
    kind VARCHAR NOT NULL,              -- access | refresh
    user_id INTEGER NOT NULL,
    family VARCHAR NOT NULL,
    pair VARCHAR NOT NULL,              -- the access and refresh token issued together
    expired_at TIMESTAMP NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT false,
    used_at TIMESTAMP,                  -- a refresh token spent by rotation
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP)
);
CREATE INDEX tokens_family_idx ON tokens (family);
CREATE INDEX tokens_user_idx ON tokens (user_id);

CREATE SEQUENCE applications_id_seq;
CREATE TABLE applications (
    id INTEGER PRIMARY KEY DEFAULT nextval('applications_id_seq'),
    name VARCHAR NOT NULL UNIQUE,       -- the slug
    remark VARCHAR,
    news BOOLEAN NOT NULL DEFAULT true,
    pages BOOLEAN NOT NULL DEFAULT true,
    events BOOLEAN NOT NULL DEFAULT false,
    weight INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP
);

-- Title and descriptions per locale; the API's flat attributes are the default locale's.
CREATE TABLE application_texts (
    application_id INTEGER NOT NULL,
    locale VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    short_description VARCHAR NOT NULL DEFAULT '',
    description VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, locale)
);

CREATE SEQUENCE news_stories_id_seq;
CREATE TABLE news_stories (
    id INTEGER PRIMARY KEY DEFAULT nextval('news_stories_id_seq'),
    application_id INTEGER NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT false,
    publish_date TIMESTAMP NOT NULL,
    end_date TIMESTAMP,
    promotion INTEGER NOT NULL DEFAULT 0,
    promotion_end_date TIMESTAMP,
    remark VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP
);

-- Every text table keeps the source (Markdown or HTML) and the sanitized HTML rendered on save.
CREATE TABLE news_story_texts (
    story_id INTEGER NOT NULL,
    locale VARCHAR NOT NULL,
    format VARCHAR NOT NULL DEFAULT 'md',
    title VARCHAR NOT NULL,
    summary VARCHAR NOT NULL DEFAULT '',
    content VARCHAR NOT NULL DEFAULT '',
    html_summary VARCHAR NOT NULL DEFAULT '',
    html_content VARCHAR NOT NULL DEFAULT '',
    author_id INTEGER,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP,
    PRIMARY KEY (story_id, locale)
);

CREATE SEQUENCE pages_id_seq;
CREATE TABLE pages (
    id INTEGER PRIMARY KEY DEFAULT nextval('pages_id_seq'),
    application_id INTEGER NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT false,
    priority INTEGER NOT NULL DEFAULT 0,
    remark VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP
);

CREATE TABLE page_texts (
    page_id INTEGER NOT NULL,
    locale VARCHAR NOT NULL,
    format VARCHAR NOT NULL DEFAULT 'md',
    title VARCHAR NOT NULL,
    summary VARCHAR NOT NULL DEFAULT '',
    content VARCHAR NOT NULL DEFAULT '',
    html_summary VARCHAR NOT NULL DEFAULT '',
    html_content VARCHAR NOT NULL DEFAULT '',
    author_id INTEGER,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP,
    PRIMARY KEY (page_id, locale)
);

CREATE SEQUENCE coaches_id_seq;
CREATE TABLE coaches (
    id INTEGER PRIMARY KEY DEFAULT nextval('coaches_id_seq'),
    name VARCHAR NOT NULL,
    bio VARCHAR NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT true,
    remark VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP
);

CREATE SEQUENCE teams_id_seq;
CREATE TABLE teams (
    id INTEGER PRIMARY KEY DEFAULT nextval('teams_id_seq'),
    name VARCHAR NOT NULL,
    remark VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP
);

CREATE SEQUENCE training_definitions_id_seq;
CREATE TABLE training_definitions (
    id INTEGER PRIMARY KEY DEFAULT nextval('training_definitions_id_seq'),
    name VARCHAR NOT NULL,
    description VARCHAR NOT NULL DEFAULT '',
    weekday INTEGER NOT NULL,           -- 1 = Monday ... 7 = Sunday
    start_time TIME NOT NULL,           -- local time in the club's time zone
    end_time TIME NOT NULL,
    active BOOLEAN NOT NULL DEFAULT true,
    location VARCHAR NOT NULL DEFAULT '',
    remark VARCHAR,
    team_id INTEGER,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP
);

CREATE SEQUENCE trainings_id_seq;
CREATE TABLE trainings (
    id INTEGER PRIMARY KEY DEFAULT nextval('trainings_id_seq'),
    definition_id INTEGER,
    start_date TIMESTAMP NOT NULL,
    end_date TIMESTAMP NOT NULL,
    location VARCHAR NOT NULL DEFAULT '',
    cancelled BOOLEAN NOT NULL DEFAULT false,
    active BOOLEAN NOT NULL DEFAULT true,
    remark VARCHAR,
    revision INTEGER NOT NULL DEFAULT 0,  -- the iCal SEQUENCE: bumped on every edit
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP
);
CREATE INDEX trainings_start_idx ON trainings (start_date);

CREATE TABLE training_texts (
    training_id INTEGER NOT NULL,
    locale VARCHAR NOT NULL,
    format VARCHAR NOT NULL DEFAULT 'md',
    title VARCHAR NOT NULL,
    summary VARCHAR NOT NULL DEFAULT '',
    content VARCHAR NOT NULL DEFAULT '',
    html_summary VARCHAR NOT NULL DEFAULT '',
    html_content VARCHAR NOT NULL DEFAULT '',
    author_id INTEGER,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP,
    PRIMARY KEY (training_id, locale)
);

CREATE TABLE training_coaches (
    training_id INTEGER NOT NULL,
    coach_id INTEGER NOT NULL,
    head BOOLEAN NOT NULL DEFAULT false,
    present BOOLEAN NOT NULL DEFAULT false,
    payed BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (training_id, coach_id)
);

CREATE TABLE training_teams (
    training_id INTEGER NOT NULL,
    team_id INTEGER NOT NULL,
    PRIMARY KEY (training_id, team_id)
);

-- The mail outbox: rows are written with the change that causes them and sent by a job.
CREATE SEQUENCE mails_id_seq;
CREATE TABLE mails (
    id INTEGER PRIMARY KEY DEFAULT nextval('mails_id_seq'),
    uuid VARCHAR NOT NULL UNIQUE,
    sender VARCHAR NOT NULL,
    recipient VARCHAR NOT NULL,
    recipient_name VARCHAR NOT NULL DEFAULT '',
    subject VARCHAR NOT NULL,
    text_body VARCHAR NOT NULL,
    html_body VARCHAR NOT NULL,
    message_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL DEFAULT 'queued',   -- queued | sending | sent | dead
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    last_error VARCHAR,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP
);

CREATE SEQUENCE site_builds_id_seq;
CREATE TABLE site_builds (
    id INTEGER PRIMARY KEY DEFAULT nextval('site_builds_id_seq'),
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,            -- running | success | failed
    trigger VARCHAR NOT NULL DEFAULT 'manual',
    full_build BOOLEAN NOT NULL DEFAULT false,
    now TIMESTAMP NOT NULL,             -- the clock the build used
    release VARCHAR,
    files_written INTEGER NOT NULL DEFAULT 0,
    files_unchanged INTEGER NOT NULL DEFAULT 0,
    files_deleted INTEGER NOT NULL DEFAULT 0,
    error VARCHAR
);
