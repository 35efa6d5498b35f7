-- Dated events of the applications that hold events (tournaments, camps, exams): whole days,
-- a place, an optional registration link and deadline; texts per locale like news stories.
CREATE SEQUENCE events_id_seq;
CREATE TABLE events (
    id INTEGER PRIMARY KEY DEFAULT nextval('events_id_seq'),
    application_id INTEGER NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT false,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    location VARCHAR NOT NULL DEFAULT '',
    registration_url VARCHAR,
    registration_deadline DATE,
    remark VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP
);

CREATE TABLE event_texts (
    event_id INTEGER NOT NULL,
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
    PRIMARY KEY (event_id, locale)
);
