"""Settings: defaults, the TOML file, environment overrides, and errors that name the key."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kwai_api.core.settings import Settings, SettingsError, require_production_secrets


def test_defaults_run_a_demo() -> None:
    settings = Settings.load(env={})
    assert settings.site.languages == ("nl", "en")
    assert settings.site.default_language == "nl"
    assert settings.database.path.name == "kwai.duckdb"
    assert settings.email.security == "none"
    assert settings.images.path.name == "images"
    assert settings.images.max_bytes == 15_000_000


def test_file_and_environment(tmp_path: Path) -> None:
    path = tmp_path / "club.toml"
    path.write_text(
        '[database]\npath = "data/club.duckdb"\n'
        '[site]\nname = "Judo Gent"\nlanguages = ["en", "nl"]\n'
        '[email]\nfrom = "club@example.org"\nport = 587\n'
        '[images]\npath = "photos"\nmax_bytes = 5000000\n'
    )
    settings = Settings.load(env={"KWAI_SETTINGS_FILE": str(path), "KWAI_EMAIL_PORT": "2525"})
    assert settings.database.path == tmp_path / "data" / "club.duckdb"  # relative to the file
    assert settings.images.path == tmp_path / "photos"  # relative to the file, like the database
    assert settings.images.max_bytes == 5_000_000
    assert settings.site.name == "Judo Gent"
    assert settings.site.default_language == "en"
    assert settings.email.sender == "club@example.org"
    assert settings.email.port == 2525  # the environment wins
    overridden = Settings.load(path, env={"KWAI_EMAIL_FROM": "other@example.org"})
    assert overridden.email.sender == "other@example.org"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"KWAI_EMAIL_PORT": "twenty-five"}, "[email] port"),
        ({"KWAI_SITE_TIMEZONE": "Mars/Olympus"}, "[site] timezone"),
        ({"KWAI_EMAIL_SECURITY": "ssl3"}, "[email] security"),
        ({"KWAI_SITE_URL": "example.org"}, "[site] url"),
        ({"KWAI_IMAGES_MAX_BYTES": "0"}, "[images] max_bytes"),
        ({"KWAI_IMAGES_MAX_BYTES": "big"}, "[images] max_bytes"),
        ({"KWAI_BUILD_TIMEOUT_SECONDS": "0"}, "[build] timeout_seconds"),
        ({"KWAI_BUILD_MEMORY_MB": "-1"}, "[build] memory_mb"),
        ({"KWAI_API_CORS_ORIGINS": "*"}, "[api] cors_origins"),
        ({"KWAI_DATES_YEARS_AHEAD": "-1"}, "[dates]"),
        ({"KWAI_DATES_TRAINING_YEARS": "three"}, "[dates] training_years"),
    ],
)
def test_invalid_values_name_the_key(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named.replace("[", r"\[").replace("]", r"\]")):
        Settings.load(env=env)


def test_unknown_key_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "kwai.toml"
    path.write_text("[site]\ncolour = 'red'\n")
    with pytest.raises(SettingsError, match="colour"):
        Settings.load(path, env={})
    with pytest.raises(SettingsError, match="does not exist"):
        Settings.load(tmp_path / "missing.toml", env={})


def test_production_refuses_default_secrets() -> None:
    with pytest.raises(SettingsError, match="secret_keys"):
        require_production_secrets(Settings.load(env={}))
    require_production_secrets(Settings.load(env={}, demo=True))
    require_production_secrets(
        Settings.load(env={"KWAI_SECURITY_SECRET_KEYS": "s1,s2", "KWAI_SECURITY_JOB_SECRET": "j"})
    )


def test_texts_per_language(tmp_path: Path) -> None:
    path = tmp_path / "kwai.toml"
    path.write_text(
        '[site]\ntagline = { nl = "Judo in Kemzeke", en = "Judo in Kemzeke, Belgium" }\n'
        '[club]\ncall_to_action = "Welkom"\n',
        encoding="utf-8",
    )
    settings = Settings.load(path, env={})
    assert settings.site.tagline.get("nl") == "Judo in Kemzeke"
    assert settings.site.tagline.get("en") == "Judo in Kemzeke, Belgium"
    assert settings.club.call_to_action.get("en") == "Welkom"  # one text for every language
    assert Settings.load(env={"KWAI_SITE_TAGLINE": "Judo"}).site.tagline.get("nl") == "Judo"
    path.write_text('[site]\ntagline = { fr = "Judo" }\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"\[site\] tagline has a value for fr"):
        Settings.load(path, env={})
    path.write_text("[site]\ntagline = 3\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"\[site\] tagline"):
        Settings.load(path, env={})


def test_date_windows(tmp_path: Path) -> None:
    path = tmp_path / "kwai.toml"
    path.write_text("[dates]\nearliest_year = 1950\nyears_ahead = 10\n")
    settings = Settings.load(path, env={"KWAI_DATES_TRAINING_YEARS": "1"})
    now = datetime(2024, 2, 29, 18)
    assert settings.dates.content_window(now) == (datetime(1950, 1, 1), datetime(2034, 2, 28, 18))
    assert settings.dates.training_window(now) == (
        datetime(2023, 2, 28, 18),
        datetime(2025, 2, 28, 18),
    )
    default = Settings.load(env={}).dates
    assert (default.earliest_year, default.years_ahead, default.training_years) == (1900, 50, 3)
