"""Typed settings: one TOML file, `KWAI_<SECTION>_<KEY>` overrides, defaults that run a demo.

Settings are read once at start, validated, and passed in; nothing reads them at import time.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SECRET_KEY = "change-me"
DEFAULT_JOB_SECRET = "change-me-too"


class SettingsError(Exception):
    """A missing or invalid setting; the message names the key."""


@dataclass(frozen=True)
class PerLanguage:
    """A text the site shows in each of its languages: a table per language, or one for all.

    In TOML `tagline = { nl = "Judo voor jong en oud", en = "Judo for young and old" }`, or a
    plain string that serves every language.
    """

    values: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, **values: str) -> PerLanguage:
        """The text per language code (`ALL` for every language)."""
        return cls(tuple(sorted(values.items())))

    def get(self, lang: str) -> str:
        """The text in `lang`; else the one for every language; else the first there is."""
        texts = dict(self.values)
        return texts.get(lang) or texts.get(ALL) or next(iter(texts.values()), "")


ALL = "*"  # the PerLanguage key of a text that serves every language


@dataclass(frozen=True)
class DatabaseSettings:
    path: Path = Path("kwai.duckdb")


@dataclass(frozen=True)
class SiteSettings:
    name: str = "Judokwai Kemzeke"
    tagline: PerLanguage = PerLanguage.of(
        nl="Judo voor jong en oud sinds 1977", en="Judo for young and old since 1977"
    )
    # The locale of each language: how dates and times are written (24-hour clocks here).
    locales: PerLanguage = PerLanguage.of(nl="nl_BE", en="en_GB")
    url: str = "http://127.0.0.1:8000"
    output: Path = Path("site")
    timezone: str = "Europe/Brussels"
    languages: tuple[str, ...] = ("nl", "en")
    theme: Path = PROJECT_ROOT / "theme"
    content: Path = PROJECT_ROOT / "content"
    keep_releases: int = 5
    news_per_page: int = 10
    search: bool = True

    @property
    def zone(self) -> ZoneInfo:
        """The club's time zone, in which every date on the site is shown."""
        return ZoneInfo(self.timezone)

    @property
    def default_language(self) -> str:
        """The language served at the site root."""
        return self.languages[0]


@dataclass(frozen=True)
class SecuritySettings:
    secret_keys: tuple[str, ...] = (DEFAULT_SECRET_KEY,)
    access_token_minutes: int = 60
    refresh_token_days: int = 30
    job_secret: str = DEFAULT_JOB_SECRET
    invitation_days: int = 7
    recovery_hours: int = 2


@dataclass(frozen=True)
class EmailSettings:
    host: str = "127.0.0.1"
    port: int = 25
    security: str = "none"
    user: str = ""
    password: str = ""
    sender: str = "webmaster@example.org"
    timeout: float = 10.0
    max_attempts: int = 8


@dataclass(frozen=True)
class ApiSettings:
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 1_000_000


@dataclass(frozen=True)
class ImagesSettings:
    path: Path = Path("images")  # uploads without their metadata, and their resized files
    max_bytes: int = 15_000_000  # the largest upload accepted


@dataclass(frozen=True)
class BuildSettings:
    quiet_seconds: float = 0.0  # 0: an edit builds at once; edits during a build, once more
    max_wait_seconds: float = 5.0
    search_delay_seconds: float = 10.0
    safety_net_minutes: int = 10
    timeout_seconds: float = 300.0  # a build running longer is killed and recorded as failed
    memory_mb: int = 2048  # a build allocating more than this is stopped and recorded as failed


@dataclass(frozen=True)
class ClubSettings:
    """How visitors find and reach the club: shown on the home page and the contact block."""

    address: str = "Sporthal De Kemp, Kemphoekstraat 50, 9120 Kemzeke"
    email: str = "info@judokwai-kemzeke.example"
    phone: str = "+32 3 000 00 00"
    call_to_action: PerLanguage = PerLanguage.of(
        nl="Kom eens proberen: je eerste trainingen zijn gratis.",
        en="Come and try: your first trainings are free.",
    )
    call_to_action_url: str = "/trainings/"
    hero: str = "club"  # the application whose hero image heads the home page ("": none)


@dataclass(frozen=True)
class DatesSettings:
    """The window of dates the API accepts: a mistyped year must not reach the site."""

    earliest_year: int = 1900  # stories and other content: from the start of this year
    years_ahead: int = 50  # ... to this many years after today
    training_years: int = 3  # trainings: this many years either side of today

    def content_window(self, now: datetime) -> tuple[datetime, datetime]:
        """The first and last moment a story's dates may name."""
        return datetime(self.earliest_year, 1, 1), _years_after(now, self.years_ahead)

    def training_window(self, now: datetime) -> tuple[datetime, datetime]:
        """The first and last moment a training may start or end."""
        return _years_after(now, -self.training_years), _years_after(now, self.training_years)


def _years_after(moment: datetime, years: int) -> datetime:
    year = min(max(moment.year + years, 1), 9999)
    return moment.replace(year=year, day=min(moment.day, 28) if moment.month == 2 else moment.day)


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    site: SiteSettings = field(default_factory=SiteSettings)
    club: ClubSettings = field(default_factory=ClubSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    api: ApiSettings = field(default_factory=ApiSettings)
    build: BuildSettings = field(default_factory=BuildSettings)
    images: ImagesSettings = field(default_factory=ImagesSettings)
    dates: DatesSettings = field(default_factory=DatesSettings)
    demo: bool = False

    @classmethod
    def load(
        cls, path: Path | None = None, env: Mapping[str, str] | None = None, **overrides: Any
    ) -> Settings:
        """Read the settings file (if any), apply environment overrides and validate."""
        env = os.environ if env is None else env
        if path is None and env.get("KWAI_SETTINGS_FILE"):
            path = Path(env["KWAI_SETTINGS_FILE"])
        if path is None and Path("kwai.toml").exists():
            path = Path("kwai.toml")
        raw: dict[str, Any] = {}
        if path is not None:
            try:
                raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise SettingsError(f"settings file {path} does not exist") from None
            except tomllib.TOMLDecodeError as error:
                raise SettingsError(f"settings file {path}: {error}") from None
        base = Path(path).resolve().parent if path is not None else Path.cwd()
        settings = cls(**{k: v for k, v in overrides.items() if k == "demo"})
        sections = {}
        for section in fields(cls):
            if section.name == "demo":
                continue
            current = getattr(settings, section.name)
            values = dict(raw.get(section.name, {}))
            if section.name == "email" and "from" in values:
                values["sender"] = values.pop("from")
            for item in fields(current):
                key = "FROM" if item.name == "sender" else item.name.upper()
                name = f"KWAI_{section.name.upper()}_{key}"
                if name in env:
                    values[item.name] = env[name]
            sections[section.name] = _section(current, section.name, values, base)
        return _validated(replace(settings, **sections))


def _section(current: Any, section: str, values: dict[str, Any], base: Path) -> Any:
    """Convert raw values to the types of a settings section, naming any bad key."""
    known = {item.name: item for item in fields(current)}
    converted = {}
    for key, value in values.items():
        if key not in known:
            raise SettingsError(f"unknown setting [{section}] {key}")
        default = getattr(current, key)
        try:
            converted[key] = _convert(value, default, base)
        except (TypeError, ValueError):
            raise SettingsError(
                f"setting [{section}] {key} should be a {type(default).__name__}, got {value!r}"
            ) from None
    return replace(current, **converted)


def _convert(value: Any, default: Any, base: Path) -> Any:
    """Convert one raw value (TOML or environment string) to the type of its default."""
    if isinstance(default, bool):
        if isinstance(value, str):
            if value.lower() not in {"1", "0", "true", "false", "yes", "no"}:
                raise ValueError(value)
            return value.lower() in {"1", "true", "yes"}
        return bool(value)
    if isinstance(default, PerLanguage):
        if isinstance(value, str):
            return PerLanguage.of(**{ALL: value})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise TypeError(value)
        return PerLanguage.of(**value)
    if isinstance(default, Path):
        path = Path(os.path.expanduser(str(value)))
        return path if path.is_absolute() else base / path
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list):
            raise TypeError(value)
        return tuple(str(v) for v in value)
    if isinstance(default, int | float):
        return type(default)(value)
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _validated(settings: Settings) -> Settings:
    """Check what types alone cannot: languages, time zone, mail security, secrets."""
    site = settings.site
    if not site.languages:
        raise SettingsError("setting [site] languages needs at least one language")
    try:
        ZoneInfo(site.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"setting [site] timezone: unknown time zone {site.timezone!r}"
        ) from None
    if settings.email.security not in {"none", "starttls", "tls"}:
        raise SettingsError("setting [email] security should be none, starttls or tls")
    if not settings.security.secret_keys:
        raise SettingsError("setting [security] secret_keys needs at least one key")
    if settings.images.max_bytes <= 0:
        raise SettingsError("setting [images] max_bytes should be a positive number of bytes")
    for limit in ("timeout_seconds", "memory_mb"):
        if getattr(settings.build, limit) <= 0:
            raise SettingsError(f"setting [build] {limit} should be positive")
    for key, texts in (
        ("[site] tagline", site.tagline),
        ("[site] locales", site.locales),
        ("[club] call_to_action", settings.club.call_to_action),
    ):
        unknown = sorted(lang for lang, _ in texts.values if lang not in (*site.languages, ALL))
        if unknown:
            raise SettingsError(
                f"setting {key} has a value for {', '.join(unknown)}, not a language of the site"
            )
    if not site.url.startswith(("http://", "https://")):
        raise SettingsError("setting [site] url should be an absolute http(s) URL")
    dates = settings.dates
    if not 1 <= dates.earliest_year <= 9999 or dates.years_ahead < 0 or dates.training_years < 0:
        raise SettingsError(
            "setting [dates]: earliest_year should be a year, years_ahead and"
            " training_years not negative"
        )
    if any(
        origin == "*" or not origin.startswith(("http://", "https://"))
        for origin in settings.api.cors_origins
    ):
        raise SettingsError(
            "setting [api] cors_origins lists origins such as https://example.org, never *"
        )
    return settings


def require_production_secrets(settings: Settings) -> None:
    """Refuse the built-in secrets outside demo mode, naming the key to set."""
    if settings.demo:
        return
    if DEFAULT_SECRET_KEY in settings.security.secret_keys:
        raise SettingsError("setting [security] secret_keys still holds the default; set your own")
    if settings.security.job_secret == DEFAULT_JOB_SECRET:
        raise SettingsError("setting [security] job_secret is the default; set your own")
