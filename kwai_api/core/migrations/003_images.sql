-- Uploaded images: the upload is kept without its metadata (originals/), resized to a few widths
-- (sizes/, named by a digest of their content). Stories and pages may lead with an image,
-- coaches may have a portrait.

CREATE SEQUENCE images_id_seq;
CREATE TABLE images (
    id INTEGER PRIMARY KEY DEFAULT nextval('images_id_seq'),
    original VARCHAR NOT NULL,          -- its file under originals/, metadata removed
    content_type VARCHAR NOT NULL,      -- of the upload
    width INTEGER NOT NULL,             -- of the upload, turned upright
    height INTEGER NOT NULL,
    bytes INTEGER NOT NULL,             -- the upload's size
    alt VARCHAR NOT NULL DEFAULT '',    -- the text shown instead of the image
    remark VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP),
    updated_at TIMESTAMP
);

CREATE TABLE image_sizes (
    image_id INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    file VARCHAR NOT NULL,              -- its name under sizes/ and on the site's /images/u/
    bytes INTEGER NOT NULL,
    PRIMARY KEY (image_id, width)
);

ALTER TABLE news_stories ADD COLUMN image_id INTEGER;
ALTER TABLE pages ADD COLUMN image_id INTEGER;
ALTER TABLE coaches ADD COLUMN photo_id INTEGER;
