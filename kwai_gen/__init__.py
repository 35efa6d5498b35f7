"""kwai's static generator: gathers the club from the database, then writes the site."""
