-- A published page keeps its address. A story's and a page's slug is stored when it is first
-- saved (or, for older rows, first edited), so that fixing a title never moves the page; an
-- application's former names lead to its pages' new addresses.
ALTER TABLE news_stories ADD COLUMN slug VARCHAR;
ALTER TABLE pages ADD COLUMN slug VARCHAR;
CREATE TABLE application_moves (
    name VARCHAR PRIMARY KEY,
    application_id INTEGER NOT NULL,
    moved_at TIMESTAMP NOT NULL
);
