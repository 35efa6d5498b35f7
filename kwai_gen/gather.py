"""Read the club from one database snapshot into plain objects, in a handful of bulk queries."""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kwai_api.core.clock import aware_utc, naive_utc
from kwai_api.core.database import Database, Transaction
from kwai_api.core.markup import to_html
from kwai_api.core.texts import publishable
from kwai_api.core.visibility import LIVE_STORY, PROMOTED_STORY
from kwai_gen.images import embed_images
from kwai_gen.model import (
    Application,
    Club,
    Coach,
    Event,
    Image,
    ImageSize,
    Move,
    Page,
    Story,
    Team,
    Text,
    Training,
    TrainingCoach,
)

utc = aware_utc  # a stored (naive UTC) timestamp as the generator keeps it


def gather(db: Database, now: datetime, zone: ZoneInfo | None = None) -> Club:
    """Read everything the public site shows at `now` (aware or naive UTC) from one snapshot.

    `zone` is the club's: an event's days end at its midnights (UTC when not given).
    """
    naive_now = naive_utc(now)
    with db.snapshot() as tx:
        images = _Images(tx)
        stories = _stories(tx, naive_now, images)
        teams = _teams(tx)
        trainings = _trainings(tx, images, teams)
        club = _club(tx, naive_now, zone, images, stories, trainings, teams)
        return replace(club, images=images.shown())


def _club(
    tx: Transaction,
    naive_now: datetime,
    zone: ZoneInfo | None,
    images: _Images,
    stories: tuple[Story, ...],
    trainings: tuple[Training, ...],
    teams: tuple[Team, ...],
) -> Club:
    events = _events(tx)
    later = _next_change(tx, naive_now)
    turns = _event_turns(events, utc(naive_now), zone or ZoneInfo("UTC"))
    return Club(
        now=utc(naive_now),
        applications=_applications(tx, images),
        stories=stories,
        pages=_pages(tx, images),
        trainings=trainings,
        coaches=_coaches(tx, images),
        teams=teams,
        events=events,
        next_change=min((t for t in (later, turns) if t is not None), default=None),
        moves=tuple(
            Move(r["name"], r["application"])
            for r in tx.fetchall(
                "SELECT m.name, a.name AS application FROM application_moves m"
                " JOIN applications a ON a.id = m.application_id"
                " WHERE m.name NOT IN (SELECT name FROM applications) ORDER BY m.name"
            )
        ),
    )


class Gatherer:
    """Gathers the club build after build, as `gather` does, reading again only what changed.

    Stories and trainings are kept in buckets of ids with a fingerprint of their rows computed
    in SQL: a build reads only the buckets whose fingerprint changed (an edit's one), and the
    objects of the others stay the same objects, so that planning sees at once that they are
    unchanged. What they are made with (applications, images, coaches, teams) changes rarely:
    then everything is read again. The rest of the club is small and read on every build.
    """

    def __init__(self) -> None:
        self._basis: Any = None
        # kind -> bucket -> (fingerprint, its objects with their sort keys, images they show)
        self._kept: dict[str, dict[int, tuple[Any, tuple[tuple[Any, Any], ...], set[int]]]] = {}
        self._order: dict[str, tuple[Any, ...]] = {}  # the objects of each kind, in order

    def gather(self, db: Database, now: datetime, zone: ZoneInfo | None = None) -> Club:
        """The club at `now`, like `gather`."""
        naive_now = naive_utc(now)
        with db.snapshot() as tx:
            basis = tx.tuples(_BASIS)[0]
            if basis != self._basis:
                self._kept, self._order, self._basis = {}, {}, basis
            images = _Images(tx)
            teams = _teams(tx)
            stories = self._read(
                "story",
                tx,
                images,
                [(_STORY_ROWS, "id", [naive_now] * 3), (_STORY_TEXTS, "story_id", [naive_now] * 2)],
                lambda buckets: _stories(tx, naive_now, images, buckets),
                lambda s: (-s.publish_date.timestamp(), -s.id),
            )
            trainings = self._read(
                "training",
                tx,
                images,
                [(sql, sql.split()[1].split(".")[-1].rstrip(","), []) for sql in _TRAINING_PARTS],
                lambda buckets: _trainings(tx, images, teams, buckets),
                lambda t: (t.start.timestamp(), t.id),
            )
            club = _club(tx, naive_now, zone, images, stories, trainings, teams)
            return replace(club, images=images.shown())

    def _read(
        self,
        kind: str,
        tx: Transaction,
        images: _Images,
        parts: list[tuple[str, str, list[Any]]],
        read: Callable[[list[int] | None], tuple[Any, ...]],
        order: Callable[[Any], Any],
    ) -> tuple[Any, ...]:
        """The objects of one kind: kept buckets as they were, changed ones read again."""
        prints = _fingerprints(tx, parts)
        kept = self._kept.setdefault(kind, {})
        changed = [b for b, value in prints.items() if kept.get(b, (None,))[0] != value]
        gone = [b for b in kept if b not in prints]
        if changed or gone or kind not in self._order:
            fresh: dict[int, list[Any]] = defaultdict(list)
            for item in read(None if not kept else changed):
                fresh[item.id >> BUCKET].append(item)
            for bucket in gone:
                del kept[bucket]
            for bucket in changed:
                # each object with its place in the order, worked out once while it is kept
                placed = tuple((order(item), item) for item in fresh[bucket])
                kept[bucket] = (prints[bucket], placed, images.used[(kind, bucket)])
            ordered = sorted(
                (pair for _, placed, _ in kept.values() for pair in placed), key=_PLACE
            )
            self._order[kind] = tuple(map(_ITEM, ordered))
        for bucket, (_, _, used) in kept.items():
            images.used[(kind, bucket)] = used
        return self._order[kind]


_PLACE, _ITEM = operator.itemgetter(0), operator.itemgetter(1)


# What stories and trainings are made with: when it changes, they are all read again.
_BASIS = "SELECT " + ", ".join(
    f"(SELECT count(*) FROM {table}), (SELECT bit_xor(hash(x)) FROM {table} x)"
    for table in (
        "applications",
        "images",
        "image_sizes",
        "image_texts",
        "coaches",
        "teams",
        "team_texts",
    )
)


def gather_applications(db: Database) -> tuple[Application, ...]:
    """The applications alone: the navigation of a page rendered on its own (a preview)."""
    with db.snapshot() as tx:
        return _applications(tx)


def gather_images(db: Database) -> dict[int, Image]:
    """Every uploaded image by id: what a page rendered on its own (a preview) may embed."""
    with db.snapshot() as tx:
        return _Images(tx).library


class _Images:
    """Every uploaded image, and those that public content shows (the site publishes these)."""

    def __init__(self, tx: Transaction) -> None:
        sizes: dict[int, list[ImageSize]] = defaultdict(list)
        for image_id, width, height, file in tx.tuples(
            "SELECT image_id, width, height, file FROM image_sizes ORDER BY image_id, width"
        ):
            sizes[image_id].append(ImageSize(width, height, file))
        alts: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for image_id, locale, alt in tx.tuples(
            "SELECT image_id, locale, alt FROM image_texts ORDER BY image_id, locale"
        ):
            alts[image_id].append((locale, publishable(alt)))
        self.library = {
            id: Image(id, publishable(alt), width, height, tuple(sizes[id]), tuple(alts[id]))
            for id, alt, width, height in tx.tuples(
                "SELECT id, alt, width, height FROM images ORDER BY id"
            )
            if sizes[id]
        }
        self.owner: Any = None  # whose images are being found: (kind, bucket) or None
        self.used: dict[Any, set[int]] = defaultdict(set)

    def find(self, image_id: int | None) -> Image | None:
        """The image with this id (None for none or an unknown one), marked as shown."""
        image = self.library.get(image_id) if image_id is not None else None
        if image is not None:
            self.used[self.owner].add(image.id)
        return image

    def shown(self) -> tuple[Image, ...]:
        """The images found so far, by id."""
        return tuple(self.library[id] for id in sorted(set().union(*self.used.values())))


def _texts(
    rows: list[tuple[Any, ...]], images: _Images | None = None, kind: str | None = None
) -> dict[Any, dict[str, Text]]:
    """Texts by owner and locale, from rows (owner, locale, title, summary, content[, slug]);
    with `images`, the uploads they embed are shown in their published sizes (and marked as used
    by the owner's bucket of `kind`)."""
    by_owner: dict[Any, dict[str, Text]] = defaultdict(dict)
    for owner, locale, title, summary, content, *slug in rows:
        if images is not None:
            images.owner = (kind, owner >> BUCKET) if kind else None
            summary, content = (
                embed_images(html, images.find, locale) for html in (summary, content)
            )
            images.owner = None
        by_owner[owner][locale] = Text(
            locale, publishable(title), publishable(summary), publishable(content), *slug
        )
    return by_owner


def _teams(tx: Transaction) -> tuple[Team, ...]:
    """Every team by name, with its name in each language that has one."""
    names: dict[int, dict[str, str]] = defaultdict(dict)
    for team_id, locale, name in tx.tuples("SELECT team_id, locale, name FROM team_texts"):
        names[team_id][locale] = name
    return tuple(
        Team(r["id"], r["name"], names.get(r["id"], {}))
        for r in tx.fetchall("SELECT id, name FROM teams ORDER BY name, id")
    )


def _coaches(tx: Transaction, images: _Images) -> tuple[Coach, ...]:
    """Every coach by name, with the bio of each language and the portrait of an active one."""
    bios: dict[int, dict[str, str]] = defaultdict(dict)
    for coach_id, locale, bio in tx.tuples("SELECT coach_id, locale, bio FROM coach_texts"):
        bios[coach_id][locale] = bio
    return tuple(
        Coach(
            r["id"],
            r["name"],
            r["bio"],
            r["active"],
            bios.get(r["id"], {}),
            photo=images.find(r["photo_id"]) if r["active"] else None,
        )
        for r in tx.fetchall(
            "SELECT id, name, bio, active, photo_id FROM coaches ORDER BY name, id"
        )
    )


def _applications(tx: Transaction, images: _Images | None = None) -> tuple[Application, ...]:
    # summary = the short description, content = the description, both rendered like stories'
    texts = _texts(
        [
            (owner, locale, title, to_html(summary, form), to_html(content, form))
            for owner, locale, title, summary, content, form in tx.tuples(
                "SELECT application_id, locale, title, short_description, description,"
                " coalesce(format, 'md') FROM application_texts ORDER BY application_id, locale"
            )
        ]
    )
    return tuple(
        Application(
            r["id"],
            r["name"],
            r["weight"],
            r["news"],
            r["pages"],
            r["events"],
            texts[r["id"]],
            images.find(r["image_id"]) if images else None,
        )
        for r in tx.fetchall(
            "SELECT id, name, weight, news, pages, events, image_id FROM applications"
            " ORDER BY weight, name"
        )
    )


_STORY_TEXTS = (
    "SELECT t.story_id, t.locale, t.title, t.html_summary, t.html_content, t.slug"
    f" FROM news_story_texts t JOIN news_stories s ON s.id = t.story_id WHERE {LIVE_STORY}"
)
_STORY_ROWS = (
    "SELECT s.id, s.slug, a.name AS application, s.publish_date, s.end_date, s.updated_at,"
    " s.image_id, s.shared_slug,"
    f" s.created_at, CASE WHEN {PROMOTED_STORY} THEN s.promotion ELSE 0 END AS priority"
    f" FROM news_stories s JOIN applications a ON a.id = s.application_id WHERE {LIVE_STORY}"
)
# Rows are kept between builds in buckets of 2**BUCKET ids, each with a fingerprint of its rows
# computed in SQL: a build reads again only the buckets whose fingerprint changed.
BUCKET = 6


def _in_buckets(column: str, buckets: list[int] | None) -> str:
    """A condition on `column` for the given buckets ("" for all of them)."""
    if buckets is None:
        return ""
    return f" AND {column} >> {BUCKET} IN ({', '.join(str(int(b)) for b in buckets) or 'NULL'})"


def _fingerprints(tx: Transaction, queries: list[tuple[str, str, list[Any]]]) -> dict[int, Any]:
    """The fingerprint of each bucket over some queries: (query, its id column, parameters)."""
    found: dict[int, list[Any]] = defaultdict(lambda: [None] * len(queries))
    for n, (sql, column, params) in enumerate(queries):
        for bucket, count, digest in tx.tuples(
            f"SELECT {column} >> {BUCKET}, count(*), bit_xor(hash(q)) FROM ({sql}) q GROUP BY 1",
            params,
        ):
            found[bucket][n] = (count, digest)
    return {bucket: tuple(values) for bucket, values in found.items()}


def _stories(
    tx: Transaction, now: datetime, images: _Images, buckets: list[int] | None = None
) -> tuple[Story, ...]:
    texts = _texts(
        tx.tuples(
            _STORY_TEXTS + _in_buckets("t.story_id", buckets) + " ORDER BY t.story_id, t.locale",
            [now, now],
        ),
        images,
        "story",
    )
    rows = tx.fetchall(
        _STORY_ROWS + _in_buckets("s.id", buckets) + " ORDER BY s.publish_date DESC, s.id DESC",
        [now, now, now],
    )
    return tuple(
        Story(
            id=r["id"],
            application=r["application"],
            publish_date=utc(r["publish_date"]),
            end_date=utc(r["end_date"]) if r["end_date"] else None,
            priority=r["priority"],
            texts=texts[r["id"]],
            updated_at=utc(r["updated_at"] or r["created_at"]),
            image=_lead_image(images, "story", r["id"], r["image_id"]),
            slug=r["slug"],
            shared_slug=bool(r["shared_slug"]),
        )
        for r in rows
        if texts[r["id"]]
    )


def _lead_image(images: _Images, kind: str, owner: int, image_id: int | None) -> Image | None:
    """A story's lead image, marked as used by its bucket."""
    images.owner = (kind, owner >> BUCKET)
    try:
        return images.find(image_id)
    finally:
        images.owner = None


def _pages(tx: Transaction, images: _Images) -> tuple[Page, ...]:
    texts = _texts(
        tx.tuples(
            "SELECT t.page_id, t.locale, t.title, t.html_summary, t.html_content, t.slug"
            " FROM page_texts t JOIN pages p ON p.id = t.page_id"
            " WHERE p.enabled ORDER BY t.page_id, t.locale"
        ),
        images,
    )
    return tuple(
        Page(
            r["id"],
            r["application"],
            r["priority"],
            texts[r["id"]],
            utc(r["updated_at"] or r["created_at"]),
            images.find(r["image_id"]),
            r["slug"],
            bool(r["shared_slug"]),
        )
        for r in tx.fetchall(
            "SELECT p.id, p.slug, a.name AS application, p.priority, p.updated_at, p.created_at,"
            " p.image_id, p.shared_slug"
            " FROM pages p JOIN applications a ON a.id = p.application_id"
            " WHERE p.enabled ORDER BY a.weight, a.name, p.priority DESC, p.id"
        )
        if texts[r["id"]]
    )


_TRAINING_PARTS = (
    "SELECT t.training_id, t.locale, t.title, t.html_summary, t.html_content"
    " FROM training_texts t JOIN trainings r ON r.id = t.training_id WHERE r.active",
    "SELECT tc.training_id, c.id, c.name, tc.head FROM training_coaches tc"
    " JOIN coaches c ON c.id = tc.coach_id JOIN trainings r ON r.id = tc.training_id"
    " WHERE r.active",
    "SELECT tt.training_id, t.id FROM training_teams tt"
    " JOIN teams t ON t.id = tt.team_id JOIN trainings r ON r.id = tt.training_id"
    " WHERE r.active",
    "SELECT id, start_date, end_date, location, cancelled, definition_id, revision,"
    " created_at, updated_at, cancel_reason FROM trainings WHERE active",
)


def _trainings(
    tx: Transaction, images: _Images, teams: tuple[Team, ...], buckets: list[int] | None = None
) -> tuple[Training, ...]:
    text_part, coach_part, team_part, row_part = _TRAINING_PARTS
    texts = _texts(
        tx.tuples(
            text_part + _in_buckets("t.training_id", buckets) + " ORDER BY t.training_id, t.locale"
        ),
        images,
        "training",
    )
    # A coach (as head or not) and a team are the same object in every training they are in.
    people: dict[tuple[int, str, bool], TrainingCoach] = {}
    coaches: dict[int, list[TrainingCoach]] = defaultdict(list)
    for training_id, *coach in tx.tuples(
        coach_part
        + _in_buckets("tc.training_id", buckets)
        + " ORDER BY tc.training_id, tc.head DESC, c.name"
    ):
        key = tuple(coach)
        if key not in people:
            people[key] = TrainingCoach(*coach)
        coaches[training_id].append(people[key])
    known_teams = {team.id: team for team in teams}
    trained: dict[int, list[Team]] = defaultdict(list)
    for training_id, team_id in tx.tuples(
        team_part + _in_buckets("tt.training_id", buckets) + " ORDER BY tt.training_id, t.name"
    ):
        trained[training_id].append(known_teams[team_id])
    rows = tx.tuples(row_part + _in_buckets("id", buckets) + " ORDER BY start_date, id")
    return tuple(
        Training(
            id=id,
            start=utc(start),
            end=utc(end),
            location=location,
            cancelled=cancelled,
            texts=texts.get(id, {}),
            coaches=tuple(coaches.get(id, ())),
            teams=tuple(trained.get(id, ())),
            definition_id=definition_id,
            revision=revision,
            created_at=utc(created),
            updated_at=utc(updated or created),
            cancel_reason=reason if cancelled else None,
        )
        for (
            id,
            start,
            end,
            location,
            cancelled,
            definition_id,
            revision,
            created,
            updated,
            reason,
        ) in rows
    )


def _next_change(tx: Transaction, now: datetime) -> datetime | None:
    """The next moment the public site changes by time alone (a story appears or goes, a
    promotion ends, a training starts and leaves "next trainings")."""
    value = tx.fetchone(
        "SELECT min(t) AS t FROM ("
        " SELECT publish_date AS t FROM news_stories WHERE enabled AND publish_date > ?"
        " UNION ALL SELECT end_date FROM news_stories WHERE enabled AND end_date > ?"
        " UNION ALL SELECT promotion_end_date FROM news_stories"
        "   WHERE enabled AND promotion > 0 AND promotion_end_date > ?"
        " UNION ALL SELECT start_date FROM trainings WHERE active AND start_date > ?)",
        [now, now, now, now],
    )
    return utc(value["t"]) if value and value["t"] else None


def _events(tx: Transaction) -> tuple[Event, ...]:
    """The enabled events with a text, by start day."""
    texts = _texts(
        tx.tuples(
            "SELECT t.event_id, t.locale, t.title, t.html_summary, t.html_content, t.slug"
            " FROM event_texts t JOIN events e ON e.id = t.event_id"
            " WHERE e.enabled ORDER BY t.event_id, t.locale"
        )
    )
    return tuple(
        Event(
            id=r["id"],
            application=r["application"],
            start=r["start_date"],
            end=r["end_date"],
            location=r["location"],
            registration_url=r["registration_url"],
            registration_deadline=r["registration_deadline"],
            texts=texts[r["id"]],
            created_at=utc(r["created_at"]),
            updated_at=utc(r["updated_at"] or r["created_at"]),
            shared_slug=bool(r["shared_slug"]),
        )
        for r in tx.fetchall(
            "SELECT e.*, a.name AS application FROM events e"
            " JOIN applications a ON a.id = e.application_id"
            " WHERE e.enabled ORDER BY e.start_date, e.id"
        )
        if texts[r["id"]]
    )


def _event_turns(events: tuple[Event, ...], now: datetime, zone: ZoneInfo) -> datetime | None:
    """The next midnight in `zone` after which an event is over or its registration closed."""
    days: list[date] = [e.end for e in events]
    days += [e.registration_deadline for e in events if e.registration_deadline is not None]
    moments = (aware_utc(datetime.combine(day + timedelta(days=1), time(), zone)) for day in days)
    return min((m for m in moments if m > now), default=None)
