-- What a mail is about (about = 'invitation' or 'recovery', about_uuid = its uuid), so that the
-- sender can check at send time that it still holds.
ALTER TABLE mails ADD COLUMN about VARCHAR;
ALTER TABLE mails ADD COLUMN about_uuid VARCHAR;
