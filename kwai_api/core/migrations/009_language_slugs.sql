-- Each language's address has its own slug, made from that language's title and kept once
-- saved, like the default language's one (news_stories.slug, pages.slug). Texts saved before
-- keep deriving theirs from their title until their item is next saved, which stores the slug
-- of the address they had then, so no published address moves.
ALTER TABLE news_story_texts ADD COLUMN slug VARCHAR;
ALTER TABLE page_texts ADD COLUMN slug VARCHAR;
ALTER TABLE event_texts ADD COLUMN slug VARCHAR;
-- A row whose languages were once served at the default language's slug (every row from before
-- this; later, one that gains a language it showed another language's text in): those
-- addresses lead on to each language's own.
ALTER TABLE news_stories ADD COLUMN shared_slug BOOLEAN DEFAULT false;
ALTER TABLE pages ADD COLUMN shared_slug BOOLEAN DEFAULT false;
ALTER TABLE events ADD COLUMN shared_slug BOOLEAN DEFAULT false;
UPDATE news_stories SET shared_slug = true;
UPDATE pages SET shared_slug = true;
UPDATE events SET shared_slug = true;
-- An application's optional hero image, at the top of its section page.
ALTER TABLE applications ADD COLUMN image_id INTEGER;
