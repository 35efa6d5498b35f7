"""The demo club, built from a seed: the same seed and anchor date always give the same club.

Used by `kwai demo`, by the tests (a small club on a fixed date) and by the benchmarks (a big one).
"""

from __future__ import annotations

import io
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from kwai_api.content.image_routes import insert_image, update_image
from kwai_api.core.clock import to_utc
from kwai_api.core.database import Database, Transaction
from kwai_api.core.images import ImageStore
from kwai_api.core.passwords import hash_password
from kwai_api.core.texts import TEXT_COLUMNS, TextInput, text_rows
from kwai_api.core.weekly import occurrences

ADMIN_EMAIL = "admin@kwai.example"
ADMIN_PASSWORD = "kwai-demo-admin"  # printed by `kwai demo`; a demo database only

APPLICATIONS = [
    # name, weight, news, pages, events, (nl title, nl short), (en title, en short)
    (
        "club",
        1,
        True,
        True,
        False,
        ("De club", "Wie we zijn en waar je ons vindt"),
        ("The club", "Who we are and where to find us"),
    ),
    (
        "judo",
        2,
        True,
        True,
        False,
        ("Judo", "De sport, de graden en de regels"),
        ("Judo", "The sport, the grades and the rules"),
    ),
    (
        "trainings",
        3,
        True,
        True,
        False,
        ("Trainingen", "Wanneer en waar we trainen"),
        ("Trainings", "When and where we train"),
    ),
    (
        "tournaments",
        4,
        True,
        True,
        True,
        ("Tornooien", "Wedstrijden en uitslagen"),
        ("Tournaments", "Competitions and results"),
    ),
    (
        "events",
        5,
        True,
        True,
        True,
        ("Activiteiten", "Feesten, stages en uitstappen"),
        ("Events", "Parties, camps and outings"),
    ),
]

PAGES = {
    "club": [
        ("Bestuur", "Board", "Het bestuur van de club.", "The club's board."),
        ("Lidmaatschap", "Membership", "Zo word je lid.", "How to become a member."),
    ],
    "judo": [
        ("Graden", "Grades", "Van witte tot zwarte gordel.", "From white belt to black belt."),
        ("Etiquette", "Etiquette", "Groeten op de mat.", "Bowing on the mat."),
    ],
    "trainings": [("Eerste training", "First training", "Wat breng je mee?", "What to bring?")],
    "tournaments": [
        ("Kalender", "Calendar", "De tornooien van dit seizoen.", "This season's tournaments.")
    ],
    "events": [("Judokamp", "Judo camp", "Elk jaar in de zomer.", "Every summer.")],
}

# Dutch name, English name, remark (the staff's note)
TEAMS = [
    ("Kleuters", "Toddlers", "4 tot 6 jaar"),
    ("Jeugd", "Youth", "7 tot 14 jaar"),
    ("Volwassenen", "Adults", "vanaf 15 jaar"),
    ("Competitie", "Competition", "na selectie door de trainer"),
    ("Veteranen", "Veterans", "vanaf 35 jaar"),
]
# name, Dutch bio, English bio
COACHES = [
    ("Jigoro Peeters", "6e dan, hoofdtrainer sinds 1990.", "6th dan, head coach since 1990."),
    (
        "An Van den Broeck",
        "4e dan, jeugdtrainer en scheidsrechter.",
        "4th dan, youth coach and referee.",
    ),
    ("Karim El Amrani", "3e dan, competitietrainer.", "3rd dan, competition coach."),
    ("Sofie Maes", "2e dan, trainer van de kleuters.", "2nd dan, coach of the toddlers."),
    ("Tom Claes", "1e dan, assistent-trainer.", "1st dan, assistant coach."),
    ("Lotte De Smet", "2e dan, kata-specialist.", "2nd dan, kata specialist."),
]
# name, weekday, start, end, team index
DEFINITIONS = [
    ("Kleuters woensdag", 3, time(14, 0), time(15, 0), 0),
    ("Jeugd woensdag", 3, time(15, 15), time(16, 30), 1),
    ("Jeugd zaterdag", 6, time(10, 0), time(11, 30), 1),
    ("Volwassenen dinsdag", 2, time(19, 30), time(21, 0), 2),
    ("Volwassenen donderdag", 4, time(19, 30), time(21, 0), 2),
    ("Competitie vrijdag", 5, time(19, 0), time(21, 0), 3),
    ("Veteranen maandag", 1, time(20, 0), time(21, 30), 4),
]
# application, first day and last day (days from the anchor), enabled, location, registration
# (link, deadline in days from the anchor), nl (title, summary), en (title, summary) or None
EVENTS = [
    (
        "tournaments",
        24,
        25,
        True,
        "Sporthal De Kemp, Kemzeke",
        ("https://example.org/kwai/tornooi", 17),
        ("Kemzeke Open", "Ons tornooi voor jeugd op zaterdag en volwassenen op zondag."),
        ("Kemzeke Open", "Our tournament: youth on Saturday, adults on Sunday."),
    ),
    (
        "events",
        45,
        45,
        True,
        "Dojo Kemzeke",
        None,
        ("Gradenexamen", "Examen voor de gele tot bruine gordel."),
        ("Grading exam", "Exam for the yellow to brown belts."),
    ),
    (
        "events",
        220,
        224,
        True,
        "Domein Puyenbroek, Wachtebeke",
        ("https://example.org/kwai/zomerkamp", 180),
        ("Zomerkamp", "Vijf dagen judo, spel en zwemmen voor wie 7 tot 14 is."),
        ("Summer camp", "Five days of judo, games and swimming for ages 7 to 14."),
    ),
    (
        "tournaments",
        90,
        90,
        False,
        "Sporthal De Kemp, Kemzeke",
        None,
        ("Lentetornooi", "Nog niet bevestigd."),
        ("Spring tournament", "Not confirmed yet."),
    ),
    (
        "tournaments",
        -60,
        -60,
        True,
        "Topsporthal, Gent",
        None,
        ("Provinciaal kampioenschap", "Drie medailles voor onze jeugd."),
        ("Provincial championship", "Three medals for our youth."),
    ),
    (
        "events",
        -340,
        -340,
        True,
        "Dojo Kemzeke",
        None,
        ("Kerstfeest", "Judo met de ouders, daarna warme chocolademelk."),
        None,
    ),
]

LOCATION = "Sporthal De Kemp, Kemzeke"
# A week without trainings, this many weeks after the anchor's, and why (shown on the agenda).
HOLIDAY_WEEK = 4
HOLIDAY = "Vakantie: de sporthal is gesloten"
_ENGLISH = {
    "Kleuters": "Toddlers",
    "Jeugd": "Youth",
    "Volwassenen": "Adults",
    "Competitie": "Competition",
    "Veteranen": "Veterans",
    "maandag": "Monday",
    "dinsdag": "Tuesday",
    "woensdag": "Wednesday",
    "donderdag": "Thursday",
    "vrijdag": "Friday",
    "zaterdag": "Saturday",
    "zondag": "Sunday",
}


def _english(name: str) -> str:
    """The English title of a training named in Dutch ("Jeugd woensdag" -> "Youth Wednesday")."""
    return " ".join(_ENGLISH.get(word, word) for word in name.split())


_NL = [
    "judo",
    "tornooi",
    "training",
    "gordel",
    "stage",
    "kampioen",
    "medaille",
    "worp",
    "kata",
    "jeugd",
    "club",
    "seizoen",
    "examen",
    "wedstrijd",
    "dojo",
]
_EN = [
    "judo",
    "tournament",
    "training",
    "belt",
    "camp",
    "champion",
    "medal",
    "throw",
    "kata",
    "youth",
    "club",
    "season",
    "exam",
    "match",
    "dojo",
]
_NL_TITLES = [
    "Nieuws over {0} en {1}",
    "{0}: een terugblik",
    "Uitnodiging: {0}",
    "{0} en {1} dit weekend",
]
_EN_TITLES = [
    "News about {0} and {1}",
    "{0}: looking back",
    "Invitation: {0}",
    "{0} and {1} this weekend",
]


@dataclass(frozen=True)
class ClubSize:
    """How big a club to build."""

    stories: int = 60
    weeks_before: int = 20  # trainings generated this many weeks before the anchor
    weeks_after: int = 20
    bench_trainings: int = 0  # when > 0, generate about this many trainings instead


def create_club(
    db: Database,
    seed: int = 1,
    anchor: date | None = None,
    size: ClubSize | None = None,
    timezone: str = "Europe/Brussels",
    images: Path | None = None,
) -> None:
    """Fill an empty, migrated database with a demo club around `anchor` (default: today).

    With `images` (an image store's directory), a few photos are drawn and shown on the site.
    """
    size = size or ClubSize()
    anchor = anchor or datetime.now(UTC).date()
    rng = random.Random(seed)
    zone = ZoneInfo(timezone)
    created = datetime.combine(anchor, time(8, 0)) - timedelta(days=400)

    def work(tx: Transaction) -> None:
        if tx.fetchone("SELECT id FROM applications LIMIT 1"):
            raise ValueError("the database holds a club already")
        apps = _applications(tx, created)
        _pages(tx, apps, created)
        _stories(tx, rng, apps, anchor, size.stories, created)
        _events(tx, apps, anchor, created)
        coaches = _coaches(tx, created)
        teams = _teams(tx, created)
        _trainings(tx, rng, anchor, size, zone, coaches, teams, created)
        _admin(tx, created)

    db.write(work)
    if images is not None:
        _pictures(db, ImageStore(images), anchor, created)


def _pictures(db: Database, store: ImageStore, anchor: date, created: datetime) -> None:
    """Draw four pictures: lead images of the newest story and of a page, a coach's portrait,
    and a wide one heading the club's section and the home page; the mats head the judo page."""
    mats = Image.new("RGB", (1600, 1000), "#2f6b3a")
    draw = ImageDraw.Draw(mats)
    for row in range(0, 1000, 200):
        for column in range(-200 * (row // 200 % 2), 1600, 400):
            draw.rectangle((column + 4, row + 4, column + 396, row + 196), fill="#d9c36a")
    draw.ellipse((600, 300, 1000, 700), outline="#b22222", width=24)
    sky = Image.linear_gradient("L").resize((1600, 1000)).convert("RGB")
    sky = Image.merge(
        "RGB",
        (
            sky.getchannel(0).point(lambda v: 255 - v // 3),
            sky.getchannel(0).point(lambda v: 120 + v // 3),
            sky.getchannel(0).point(lambda v: 60 + v // 2),
        ),
    )
    ImageDraw.Draw(sky).ellipse((1050, 520, 1350, 820), fill="#fff2b0")
    portrait = Image.new("RGB", (600, 600), "#1b3a5c")
    ImageDraw.Draw(portrait).ellipse((150, 80, 450, 380), fill="#e8c4a0")
    ImageDraw.Draw(portrait).ellipse((60, 360, 540, 840), fill="#f4f4f4")
    hall = sky.resize((2400, 1500)).crop((0, 300, 2400, 1100))
    hall.paste(mats.resize((2400, 1500)).crop((0, 0, 2400, 300)), (0, 500))
    ids = []
    for picture, alt, english in (  # what each shows, in Dutch (the default) and English
        (mats, "Judoka's op de mat", "Judoka on the mat"),
        (sky, "Zonsondergang achter de dojo", "Sunset behind the dojo"),
        (portrait, "Portret", "Portrait"),
        (hall, "De dojo bij zonsondergang", "The dojo at sunset"),
    ):
        output = io.BytesIO()
        picture.save(output, format="PNG")
        image_id = insert_image(db, store.store(output.getvalue()), alt, None, created, "nl")
        update_image(db, image_id, {}, created, {"en": english})
        ids.append(image_id)
    at = datetime.combine(anchor, time(8, 0))

    def show(tx: Transaction) -> None:
        tx.execute(
            "UPDATE news_stories SET image_id = ? WHERE id = (SELECT id FROM news_stories"
            " WHERE enabled AND publish_date <= ? ORDER BY publish_date DESC LIMIT 1)",
            [ids[0], at],
        )
        tx.execute("UPDATE pages SET image_id = ? WHERE id = (SELECT min(id) FROM pages)", [ids[1]])
        tx.execute(
            "UPDATE coaches SET photo_id = ? WHERE id = (SELECT min(id) FROM coaches)", [ids[2]]
        )
        tx.execute("UPDATE applications SET image_id = ? WHERE name = 'club'", [ids[3]])
        tx.execute("UPDATE applications SET image_id = ? WHERE name = 'judo'", [ids[0]])

    db.write(show)


def _ids(tx: Transaction, sequence: str, count: int) -> list[int]:
    rows = tx.fetchall(f"SELECT nextval('{sequence}') AS id FROM range(?)", [count])
    return [r["id"] for r in rows]


def _applications(tx: Transaction, created: datetime) -> dict[str, int]:
    ids = {}
    for name, weight, news, pages, events, nl, en in APPLICATIONS:
        app_id = tx.insert(
            "INSERT INTO applications (name, weight, news, pages, events, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [name, weight, news, pages, events, created],
        )
        for locale, (title, short) in (("nl", nl), ("en", en)):
            tx.execute(
                "INSERT INTO application_texts (application_id, locale, title, short_description,"
                " description, format) VALUES (?, ?, ?, ?, ?, 'md')",
                [app_id, locale, title, short, f"**{title}**: {short}."],
            )
        ids[name] = app_id
    return ids


def _text_rows(
    owner: int, texts: list[tuple[str, str, str, str]], at: datetime
) -> list[tuple[Any, ...]]:
    """Text rows of one owner from (locale, title, summary, content) in Markdown."""
    return text_rows(owner, [TextInput(*text) for text in texts], at)


def _pages(tx: Transaction, apps: dict[str, int], created: datetime) -> None:
    rows = []
    for app, pages in PAGES.items():
        for priority, (nl_title, en_title, nl_text, en_text) in enumerate(reversed(pages)):
            page_id = tx.insert(
                "INSERT INTO pages (application_id, enabled, priority, created_at)"
                " VALUES (?, true, ?, ?) RETURNING id",
                [apps[app], priority, created],
            )
            rows += _text_rows(
                page_id,
                [
                    (
                        "nl",
                        nl_title,
                        nl_text,
                        f"{nl_text}\n\nMeer informatie volgt **binnenkort**.",
                    ),
                    ("en", en_title, en_text, f"{en_text}\n\nMore information **soon**."),
                ],
                created,
            )
    tx.insert_rows("page_texts", ("page_id", *TEXT_COLUMNS), rows)


def _stories(
    tx: Transaction,
    rng: random.Random,
    apps: dict[str, int],
    anchor: date,
    count: int,
    created: datetime,
) -> None:
    ids = _ids(tx, "news_stories_id_seq", count)
    names = list(apps)
    stories, texts = [], []
    start = datetime.combine(anchor, time(9, 0)) - timedelta(days=2 * count)
    for n, story_id in enumerate(ids):
        publish = start + timedelta(days=2 * n, hours=rng.randrange(0, 10))
        if n >= count - 3:  # the last few are scheduled for the coming days
            publish = datetime.combine(anchor, time(9, 0)) + timedelta(days=n - count + 4)
        end = publish + timedelta(days=30) if n % 17 == 5 else None  # some have expired
        promotion = 1 + n % 3 if n % 9 == 0 else 0
        promotion_end = publish + timedelta(days=365) if promotion else None
        enabled = n % 23 != 7
        app = names[rng.randrange(len(names))]
        stories.append(
            (story_id, apps[app], enabled, publish, end, promotion, promotion_end, created, publish)
        )
        a, b = rng.sample(range(len(_NL)), 2)
        form = rng.randrange(len(_NL_TITLES))
        nl_title = _NL_TITLES[form].format(_NL[a], _NL[b]).capitalize() + f" ({n + 1})"
        en_title = _EN_TITLES[form].format(_EN[a], _EN[b]).capitalize() + f" ({n + 1})"
        body_nl = f"Op de mat: **{_NL[a]}** en *{_NL[b]}*.\n\n- Voor alle leden\n- Gratis"
        body_en = f"On the mat: **{_EN[a]}** and *{_EN[b]}*.\n\n- For all members\n- Free"
        localized = [("nl", nl_title, f"Alles over {_NL[a]}.", body_nl)]
        if n % 11 != 3:  # a few stories exist only in Dutch
            localized.append(("en", en_title, f"All about {_EN[a]}.", body_en))
        if n % 13 == 4:  # ... and a few only in English
            localized = localized[1:]
        texts += _text_rows(story_id, localized, publish)
    tx.insert_rows(
        "news_stories",
        (
            "id",
            "application_id",
            "enabled",
            "publish_date",
            "end_date",
            "promotion",
            "promotion_end_date",
            "created_at",
            "updated_at",
        ),
        stories,
    )
    tx.insert_rows("news_story_texts", ("story_id", *TEXT_COLUMNS), texts)


def _events(tx: Transaction, apps: dict[str, int], anchor: date, created: datetime) -> None:
    """A two-day tournament with a registration, an exam, a camp, a draft and past events."""
    texts = []
    for app, first, last, enabled, location, registration, nl, en in EVENTS:
        link, deadline = registration or (None, None)
        start = anchor + timedelta(days=first)
        start += timedelta(days=(5 - start.weekday()) % 7)  # events start on a Saturday
        event_id = tx.insert(
            "INSERT INTO events (application_id, enabled, start_date, end_date, location,"
            " registration_url, registration_deadline, remark, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                apps[app],
                enabled,
                start,
                start + timedelta(days=last - first),
                location,
                link,
                anchor + timedelta(days=deadline) if deadline is not None else None,
                None if enabled else "Zaal nog bevestigen",
                created,
            ],
        )
        localized = [("nl", *nl, f"{nl[1]}\n\n**Welkom** aan alle leden en hun familie.")]
        if en is not None:
            localized.append(
                ("en", *en, f"{en[1]}\n\nAll members and their families are **welcome**.")
            )
        texts += _text_rows(event_id, localized, created)
    tx.insert_rows("event_texts", ("event_id", *TEXT_COLUMNS), texts)


def _coaches(tx: Transaction, created: datetime) -> list[int]:
    ids = [
        tx.insert(
            "INSERT INTO coaches (name, created_at) VALUES (?, ?) RETURNING id", [name, created]
        )
        for name, _, _ in COACHES
    ]
    tx.insert_rows(
        "coach_texts",
        ("coach_id", "locale", "bio", "created_at"),
        [
            (coach_id, locale, bio, created)
            for coach_id, (_, nl, en) in zip(ids, COACHES, strict=True)
            for locale, bio in (("nl", nl), ("en", en))
        ],
    )
    return ids


def _teams(tx: Transaction, created: datetime) -> list[int]:
    ids = [
        tx.insert(
            "INSERT INTO teams (name, remark, created_at) VALUES (?, ?, ?) RETURNING id",
            [nl, remark, created],
        )
        for nl, _, remark in TEAMS
    ]
    tx.insert_rows(
        "team_texts",
        ("team_id", "locale", "name", "created_at"),
        [
            (team_id, locale, name, created)
            for team_id, (nl, en, _) in zip(ids, TEAMS, strict=True)
            for locale, name in (("nl", nl), ("en", en))
        ],
    )
    return ids


def _trainings(
    tx: Transaction,
    rng: random.Random,
    anchor: date,
    size: ClubSize,
    zone: ZoneInfo,
    coaches: list[int],
    teams: list[int],
    created: datetime,
) -> None:
    weeks_before, weeks_after = size.weeks_before, size.weeks_after
    if size.bench_trainings:
        weeks = size.bench_trainings // len(DEFINITIONS) + 1
        weeks_before, weeks_after = weeks // 2, weeks - weeks // 2
    monday = anchor - timedelta(days=anchor.weekday())
    first, last = (
        monday - timedelta(weeks=weeks_before),
        monday + timedelta(weeks=weeks_after, days=6),
    )
    slots = []
    for name, weekday, start, end, team in DEFINITIONS:
        definition_id = tx.insert(
            "INSERT INTO training_definitions (name, description, weekday, start_time, end_time,"
            " location, team_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                name,
                f"Elke week: {name.lower()}.",
                weekday,
                start,
                end,
                LOCATION,
                teams[team],
                created,
            ],
        )
        for begin, finish in occurrences(weekday, start, end, first, last, zone):
            slots.append((begin, finish, definition_id, name, team))
    slots.sort()
    holiday = (
        to_utc(datetime.combine(monday + timedelta(weeks=HOLIDAY_WEEK), time()), zone),
        to_utc(datetime.combine(monday + timedelta(weeks=HOLIDAY_WEEK + 1), time()), zone),
    )
    if size.bench_trainings:
        slots = slots[: size.bench_trainings]
    ids = _ids(tx, "trainings_id_seq", len(slots))
    trainings, texts, links_coach, links_team = [], [], [], []
    for training_id, (begin, finish, definition_id, name, team) in zip(ids, slots, strict=True):
        cancelled = rng.random() < 0.04
        closed = holiday[0] <= begin < holiday[1]
        trainings.append(
            (
                training_id,
                definition_id,
                begin,
                finish,
                LOCATION,
                cancelled or closed,
                HOLIDAY if closed else None,
                1 if cancelled or closed else 0,
                created,
                created,
            )
        )
        title_en = _english(name)
        texts += _text_rows(training_id, [("nl", name, "", ""), ("en", title_en, "", "")], created)
        head, *others = rng.sample(coaches, 2)
        links_coach.append((training_id, head, True))
        links_coach += [(training_id, other, False) for other in others]
        links_team.append((training_id, teams[team]))
    tx.insert_rows(
        "trainings",
        (
            "id",
            "definition_id",
            "start_date",
            "end_date",
            "location",
            "cancelled",
            "cancel_reason",
            "revision",
            "created_at",
            "updated_at",
        ),
        trainings,
    )
    tx.insert_rows("training_texts", ("training_id", *TEXT_COLUMNS), texts)
    tx.insert_rows("training_coaches", ("training_id", "coach_id", "head"), links_coach)
    tx.insert_rows("training_teams", ("training_id", "team_id"), links_team)


def _admin(tx: Transaction, created: datetime) -> None:
    tx.execute(
        "INSERT INTO users (uuid, email, first_name, last_name, password_hash, admin, created_at)"
        " VALUES (?, ?, 'Kwai', 'Admin', ?, true, ?)",
        [str(uuid.UUID(int=1)), ADMIN_EMAIL, hash_password(ADMIN_PASSWORD), created],
    )
