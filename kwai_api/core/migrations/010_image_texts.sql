-- What an image shows, per language: an English page describes a photo in English. images.alt
-- stays the description in the site's default language, shown where a language has none.
CREATE TABLE image_texts (
    image_id INTEGER NOT NULL,
    locale VARCHAR NOT NULL,
    alt VARCHAR NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP,
    PRIMARY KEY (image_id, locale)
);
