-- A team's name per language: an English page says "Adults" where a Dutch one says "Volwassenen".
-- teams.name stays the name in the site's default language, shown where a language has none.
CREATE TABLE team_texts (
    team_id INTEGER NOT NULL,
    locale VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP,
    PRIMARY KEY (team_id, locale)
);
