-- A club that runs itself through the API: coach bios per language, and the format (md | html)
-- of application texts, whose descriptions are rendered like story texts.

-- A coach's bio per locale; coaches.bio stays as the bio written before bios had a language,
-- shown where a language has none of its own.
CREATE TABLE coach_texts (
    coach_id INTEGER NOT NULL,
    locale VARCHAR NOT NULL,
    bio VARCHAR NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP,
    PRIMARY KEY (coach_id, locale)
);

ALTER TABLE application_texts ADD COLUMN format VARCHAR DEFAULT 'md';
