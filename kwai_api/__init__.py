"""kwai's API process: settings, the database, the Starlette app, the scheduler and mail."""
