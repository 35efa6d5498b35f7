"""Random edits of every kind a club's staff make, written as the API writes them.

A seeded `Editor` changes stories, pages, events, applications, coaches, teams, training
definitions and trainings through the plain write functions the routes call (with the same
documents a client sends), so that a test or a benchmark can build between edits and compare
the incremental build with a full build of the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from kwai_api.content.application_writes import read_application, save_application
from kwai_api.content.event_routes import EVENTS, save_event
from kwai_api.content.image_routes import update_image
from kwai_api.content.news_routes import STORIES, save_story
from kwai_api.content.page_routes import PAGES, save_page
from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_api.jsonapi.documents import ApiError, Attributes
from kwai_api.jsonapi.texts import parse_locale_values
from kwai_api.trainings.cancellation_routes import cancel_period, read_cancellation
from kwai_api.trainings.coach_routes import read_coach, update_coach
from kwai_api.trainings.definition_routes import (
    create_definition,
    delete_definition,
    generate_trainings,
    read_definition,
    update_definition,
)
from kwai_api.trainings.team_routes import read_team, save_team
from kwai_api.trainings.training_writes import delete_training, read_training, update_training

WORDS = [
    "judo",
    "kata",
    "randori",
    "tornooi",
    "medaille",
    "gordel",
    "dojo",
    "seizoen",
    "examen",
    "worp",
    "training",
    "jeugd",
    "champion",
    "belt",
    "camp",
    "throw",
    "match",
    "club",
    "youth",
    "season",
]
REASONS = ("Sporthal gesloten", "Trainer ziek", "Examen", "Storm", "Verkiezingen")


class Editor:
    """Applies seeded random edits to a club around the build's clock `now`.

    Dates the edits set fall on both sides of `now` (scheduled, live, expired); the edits
    themselves are written a day before `now`, one second apart, as staff would before a build.
    """

    def __init__(self, db: Database, settings: Settings, now: datetime, seed: int = 1) -> None:
        self.db = db
        self.settings = settings
        self.languages = settings.site.languages
        self.now = now
        self.clock = now - timedelta(days=1)
        self.rng = random.Random(seed)
        self.author = int(db.fetchvalue("SELECT min(id) FROM users"))
        self.kinds: list[tuple[int, Callable[[], str]]] = [
            (4, self.story_texts),
            (3, self.story_dates),
            (2, self.story_promotion),
            (2, self.story_enabled),
            (1, self.story_application),
            (1, self.story_image),
            (2, self.story_new),
            (1, self.story_delete),
            (2, self.page_texts),
            (1, self.page_enabled),
            (1, self.page_priority),
            (1, self.page_image),
            (1, self.page_application),
            (1, self.page_new),
            (1, self.page_delete),
            (2, self.event_texts),
            (1, self.event_days),
            (1, self.event_enabled),
            (1, self.event_new),
            (1, self.event_delete),
            (1, self.application_rename),
            (1, self.application_weight),
            (1, self.application_flag),
            (1, self.application_texts),
            (1, self.coach_name),
            (2, self.coach_bio),
            (1, self.coach_active),
            (1, self.coach_photo),
            (1, self.image_alt),
            (2, self.team_names),
            (2, self.definition_change),
            (1, self.definition_generate),
            (1, self.definition_new),
            (1, self.definition_delete),
            (3, self.training_move),
            (2, self.training_cancel),
            (1, self.cancellation),
            (1, self.training_texts),
            (1, self.training_active),
            (1, self.training_coaches),
            (1, self.training_teams),
            (1, self.training_delete),
        ]

    def apply(self, count: int) -> list[str]:
        """Make `count` random edits; returns what each did (for a failing assertion)."""
        return [self.edit() for _ in range(count)]

    def edit(self) -> str:
        """One random edit of a random kind; a write the API refuses is reported as such."""
        weights = [weight for weight, _ in self.kinds]
        kind = self.rng.choices([kind for _, kind in self.kinds], weights)[0]
        self.clock += timedelta(seconds=1)
        try:
            return kind()
        except ApiError as error:
            return f"{kind.__name__}: refused ({error})"

    # --- helpers -----------------------------------------------------------------------------

    def pick(self, query: str, params: list[Any] | None = None) -> int | None:
        """A random id among those a query selects (None when it selects none); the ids are
        sorted, so that a seed always picks the same."""
        ids = sorted(next(iter(row.values())) for row in self.db.fetchall(query, params or []))
        return self.rng.choice(ids) if ids else None

    def moment(self, days: int = 30) -> datetime:
        """A moment within `days` of now, on either side (now itself now and then)."""
        if self.rng.random() < 0.1:
            return self.now
        minutes = self.rng.randrange(-days * 24 * 4, days * 24 * 4) * 15
        return self.now + timedelta(minutes=minutes)

    def words(self, count: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(count))

    def texts(self, content: bool = True) -> list[dict[str, str]]:
        """Texts in both languages, or in one of them now and then."""
        roll = self.rng.random()
        locales = list(self.languages)
        if roll < 0.3 and len(locales) > 1:
            locales = [self.rng.choice(locales)]
        return [
            {
                "locale": locale,
                "title": f"{self.words(3).capitalize()} {self.rng.randrange(1000)}",
                "summary": self.words(6) + ".",
                "content": f"**{self.words(2)}** en *{self.words(2)}*.\n\n- {self.words(3)}"
                if content
                else "",
                "format": "md",
            }
            for locale in locales
        ]

    def image(self) -> dict[str, Any] | None:
        """A relationship to a random image, or null."""
        image = self.pick("SELECT id FROM images ORDER BY id")
        if image is None or self.rng.random() < 0.4:
            return {"data": None}
        return {"data": {"type": "images", "id": str(image)}}

    def application(self, flag: str) -> dict[str, Any]:
        """A relationship to an application that holds `flag` (news, pages or events)."""
        found = self.pick(f"SELECT id FROM applications WHERE {flag}")
        if found is None:
            found = self.pick("SELECT id FROM applications")
        return {"data": {"type": "applications", "id": str(found)}}

    @staticmethod
    def doc(
        type: str,
        id: int | None,
        attributes: dict[str, Any],
        relationships: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"type": type, "attributes": attributes}
        if id is not None:
            data["id"] = str(id)
        if relationships:
            data["relationships"] = relationships
        return {"data": data}

    @staticmethod
    def stamp(moment: datetime | None) -> str | None:
        return moment.isoformat(sep=" ") if moment is not None else None

    # --- stories -----------------------------------------------------------------------------

    def story(self) -> int | None:
        return self.pick("SELECT id FROM news_stories")

    def save_story(self, story: int | None, attributes: dict[str, Any], **rels: Any) -> int:
        doc = self.doc("news_items", story, attributes, rels)
        return save_story(self.db, story, doc, self.languages, self.clock, self.author)

    def story_texts(self) -> str:
        story = self.story()
        if story is None:
            return "story texts: none"
        texts = self.texts()
        self.save_story(story, {"texts": texts})
        return f"story {story}: texts {[t['locale'] for t in texts]}"

    def story_dates(self) -> str:
        story = self.story()
        if story is None:
            return "story dates: none"
        publish = self.moment()
        end = (
            publish + timedelta(days=self.rng.randrange(1, 40)) if self.rng.random() < 0.4 else None
        )
        self.save_story(story, {"publish_date": self.stamp(publish), "end_date": self.stamp(end)})
        return f"story {story}: published {publish}, ends {end}"

    def story_promotion(self) -> str:
        story = self.story()
        if story is None:
            return "story promotion: none"
        promotion = self.rng.randrange(0, 4)
        end = self.moment() if self.rng.random() < 0.6 else None
        self.save_story(story, {"promotion": promotion, "promotion_end_date": self.stamp(end)})
        return f"story {story}: promotion {promotion} until {end}"

    def story_enabled(self) -> str:
        story = self.story()
        if story is None:
            return "story enabled: none"
        enabled = not self.db.fetchvalue("SELECT enabled FROM news_stories WHERE id = ?", [story])
        self.save_story(story, {"enabled": enabled})
        return f"story {story}: enabled {enabled}"

    def story_application(self) -> str:
        story = self.story()
        if story is None:
            return "story application: none"
        application = self.application("news")
        self.save_story(story, {}, application=application)
        return f"story {story}: application {application['data']['id']}"

    def story_image(self) -> str:
        story = self.story()
        if story is None:
            return "story image: none"
        image = self.image()
        self.save_story(story, {}, image=image)
        return f"story {story}: image {image}"

    def story_new(self) -> str:
        publish = self.moment()
        attributes = {
            "texts": self.texts(),
            "publish_date": self.stamp(publish),
            "enabled": self.rng.random() < 0.9,
            "promotion": self.rng.choice([0, 0, 0, 1, 2]),
        }
        story = self.save_story(None, attributes, application=self.application("news"))
        return f"story {story}: new, published {publish}"

    def story_delete(self) -> str:
        story = self.story()
        if story is None:
            return "story delete: none"
        STORIES.delete(self.db, story)
        return f"story {story}: deleted"

    # --- pages -------------------------------------------------------------------------------

    def page(self) -> int | None:
        return self.pick("SELECT id FROM pages")

    def save_page(self, page: int | None, attributes: dict[str, Any], **rels: Any) -> int:
        doc = self.doc("pages", page, attributes, rels)
        return save_page(self.db, page, doc, self.languages, self.clock, self.author)

    def page_texts(self) -> str:
        page = self.page()
        if page is None:
            return "page texts: none"
        texts = self.texts()
        self.save_page(page, {"texts": texts})
        return f"page {page}: texts {[t['locale'] for t in texts]}"

    def page_enabled(self) -> str:
        page = self.page()
        if page is None:
            return "page enabled: none"
        enabled = not self.db.fetchvalue("SELECT enabled FROM pages WHERE id = ?", [page])
        self.save_page(page, {"enabled": enabled})
        return f"page {page}: enabled {enabled}"

    def page_priority(self) -> str:
        page = self.page()
        if page is None:
            return "page priority: none"
        priority = self.rng.randrange(-2, 5)
        self.save_page(page, {"priority": priority})
        return f"page {page}: priority {priority}"

    def page_image(self) -> str:
        page = self.page()
        if page is None:
            return "page image: none"
        image = self.image()
        self.save_page(page, {}, image=image)
        return f"page {page}: image {image}"

    def page_application(self) -> str:
        page = self.page()
        if page is None:
            return "page application: none"
        application = self.application("pages")
        self.save_page(page, {}, application=application)
        return f"page {page}: application {application['data']['id']}"

    def page_new(self) -> str:
        attributes = {"texts": self.texts(), "enabled": True, "priority": self.rng.randrange(3)}
        page = self.save_page(None, attributes, application=self.application("pages"))
        return f"page {page}: new"

    def page_delete(self) -> str:
        page = self.page()
        if page is None:
            return "page delete: none"
        PAGES.delete(self.db, page)
        return f"page {page}: deleted"

    # --- events ------------------------------------------------------------------------------

    def event(self) -> int | None:
        return self.pick("SELECT id FROM events")

    def save_event(self, event: int | None, attributes: dict[str, Any], **rels: Any) -> int:
        doc = self.doc("events", event, attributes, rels)
        return save_event(self.db, event, doc, self.languages, self.clock, self.author)

    def days(self) -> dict[str, Any]:
        """An event's first and last day and its registration deadline, around now."""
        first = self.moment(60).date()
        last = first + timedelta(days=self.rng.randrange(0, 3))
        deadline = first - timedelta(days=self.rng.randrange(0, 10))
        return {
            "start_date": first.isoformat(),
            "end_date": last.isoformat(),
            "registration_deadline": deadline.isoformat() if self.rng.random() < 0.5 else None,
        }

    def event_texts(self) -> str:
        event = self.event()
        if event is None:
            return "event texts: none"
        texts = self.texts()
        self.save_event(event, {"texts": texts})
        return f"event {event}: texts {[t['locale'] for t in texts]}"

    def event_days(self) -> str:
        event = self.event()
        if event is None:
            return "event days: none"
        days = self.days()
        self.save_event(event, days)
        return f"event {event}: days {days}"

    def event_enabled(self) -> str:
        event = self.event()
        if event is None:
            return "event enabled: none"
        enabled = not self.db.fetchvalue("SELECT enabled FROM events WHERE id = ?", [event])
        self.save_event(event, {"enabled": enabled})
        return f"event {event}: enabled {enabled}"

    def event_new(self) -> str:
        attributes = {
            **self.days(),
            "texts": self.texts(),
            "enabled": True,
            "location": self.words(2).title(),
            "registration_url": "https://example.org/kwai/inschrijven",
        }
        event = self.save_event(None, attributes, application=self.application("events"))
        return f"event {event}: new"

    def event_delete(self) -> str:
        event = self.event()
        if event is None:
            return "event delete: none"
        EVENTS.delete(self.db, event)
        return f"event {event}: deleted"

    # --- applications ------------------------------------------------------------------------

    def save_application(self, attributes: dict[str, Any]) -> int | None:
        application = self.pick("SELECT id FROM applications")
        if application is not None:
            doc = self.doc("applications", application, attributes)
            changes, texts = read_application(doc, self.languages, create=False)
            save_application(self.db, application, changes, texts, self.clock)
        return application

    def application_rename(self) -> str:
        name = f"{self.rng.choice(WORDS)}-{self.rng.randrange(100)}"
        if self.db.fetchone("SELECT id FROM applications WHERE name = ?", [name]):
            return f"application rename: {name} is taken"
        application = self.save_application({"name": name})
        return f"application {application}: renamed {name}"

    def application_weight(self) -> str:
        weight = self.rng.randrange(-3, 10)
        application = self.save_application({"weight": weight})
        return f"application {application}: weight {weight}"

    def application_flag(self) -> str:
        flag = self.rng.choice(["news", "pages", "events"])
        value = self.rng.random() < 0.6
        application = self.save_application({flag: value})
        return f"application {application}: {flag} {value}"

    def application_texts(self) -> str:
        texts = self.texts()
        application = self.save_application({"texts": texts})
        return f"application {application}: texts {[t['locale'] for t in texts]}"

    # --- coaches and teams -------------------------------------------------------------------

    def update_coach(self, attributes: dict[str, Any], **rels: Any) -> int | None:
        coach = self.pick("SELECT id FROM coaches")
        if coach is not None:
            doc = self.doc("coaches", coach, attributes, rels)
            bios = parse_locale_values(Attributes(doc), self.languages, "bio")
            update_coach(self.db, coach, read_coach(doc, create=False), bios, self.clock)
        return coach

    def coach_name(self) -> str:
        name = f"{self.words(1).title()} {self.words(1).title()}"
        return f"coach {self.update_coach({'name': name})}: name {name}"

    def coach_bio(self) -> str:
        locale = self.rng.choice(self.languages)
        bio = self.words(5) + "."
        coach = self.update_coach({"texts": [{"locale": locale, "bio": bio}]})
        return f"coach {coach}: {locale} bio"

    def coach_active(self) -> str:
        active = self.rng.random() < 0.5
        return f"coach {self.update_coach({'active': active})}: active {active}"

    def coach_photo(self) -> str:
        photo = self.image()
        return f"coach {self.update_coach({}, photo=photo)}: photo {photo}"

    def image_alt(self) -> str:
        image = self.pick("SELECT id FROM images")
        if image is None:
            return "image alt: none"
        locale = self.rng.choice(list(self.languages))
        alt = self.words(3).capitalize() if self.rng.random() < 0.8 else ""
        default = locale == self.languages[0]
        update_image(self.db, image, {"alt": alt} if default else {}, self.clock, {locale: alt})
        return f"image {image}: alt in {locale} {alt!r}"

    def team_names(self) -> str:
        team = self.pick("SELECT id FROM teams")
        if team is None:
            return "team names: none"
        locales = self.rng.sample(list(self.languages), self.rng.randrange(1, 3))
        texts = [{"locale": locale, "name": self.words(2).title()} for locale in locales]
        doc = self.doc("teams", team, {"texts": texts})
        save_team(self.db, team, read_team(doc, create=False, languages=self.languages), self.clock)
        return f"team {team}: names {locales}"

    # --- training definitions ----------------------------------------------------------------

    def definition(self) -> int | None:
        return self.pick("SELECT id FROM training_definitions")

    def definition_change(self) -> str:
        definition = self.definition()
        if definition is None:
            return "definition change: none"
        attributes: dict[str, Any] = {}
        relationships: dict[str, Any] = {}
        roll = self.rng.random()
        if roll < 0.4:
            start = self.rng.randrange(9 * 4, 20 * 4) * 15
            end = start + self.rng.choice([60, 90, 120])
            attributes["start_time"] = f"{start // 60:02}:{start % 60:02}"
            attributes["end_time"] = f"{end // 60:02}:{end % 60:02}"
        elif roll < 0.6:
            attributes["weekday"] = self.rng.randrange(1, 8)
        elif roll < 0.7:
            attributes["name"] = self.words(2).capitalize()
        elif roll < 0.85:
            attributes["location"] = self.words(2).title()
        else:
            team = self.pick("SELECT id FROM teams")
            relationships["team"] = {"data": {"type": "teams", "id": str(team)}}
        doc = self.doc("training_definitions", definition, attributes, relationships)
        changed = update_definition(
            self.db,
            definition,
            read_definition(doc, create=False),
            self.clock,
            carry=self.settings.site,
        )
        sent = attributes or relationships
        return f"definition {definition}: {sent}, {changed} trainings changed"

    def generate(self, definition: int) -> list[int]:
        first = self.now.date() - timedelta(days=self.rng.randrange(0, 21))
        last = first + timedelta(days=self.rng.randrange(7, 35))
        return generate_trainings(
            self.db, definition, first, last, self.settings.site, self.clock, self.author
        )

    def definition_generate(self) -> str:
        definition = self.definition()
        if definition is None:
            return "definition generate: none"
        return f"definition {definition}: generated {len(self.generate(definition))} trainings"

    def definition_new(self) -> str:
        start = self.rng.randrange(9 * 4, 20 * 4) * 15
        attributes = {
            "name": self.words(2).capitalize(),
            "weekday": self.rng.randrange(1, 8),
            "start_time": f"{start // 60:02}:{start % 60:02}",
            "end_time": f"{(start + 90) // 60:02}:{(start + 90) % 60:02}",
            "location": self.words(2).title(),
        }
        team = self.pick("SELECT id FROM teams")
        relationships = {"team": {"data": {"type": "teams", "id": str(team)}}} if team else None
        doc = self.doc("training_definitions", None, attributes, relationships)
        definition = create_definition(self.db, read_definition(doc, create=True), self.clock)
        return f"definition {definition}: new, {len(self.generate(definition))} trainings"

    def definition_delete(self) -> str:
        definition = self.definition()
        if definition is None:
            return "definition delete: none"
        delete_definition(self.db, definition)
        return f"definition {definition}: deleted"

    # --- trainings ---------------------------------------------------------------------------

    def training(self) -> int | None:
        """A training near now more often than not (those are on the home page and agenda)."""
        if self.rng.random() < 0.6:
            return self.pick(
                "SELECT id FROM trainings WHERE start_date BETWEEN ? AND ?",
                [self.now - timedelta(days=7), self.now + timedelta(days=14)],
            ) or self.pick("SELECT id FROM trainings")
        return self.pick("SELECT id FROM trainings")

    def update_training(self, training: int, attributes: dict[str, Any], **rels: Any) -> None:
        doc = self.doc("trainings", training, attributes, rels)
        window = self.settings.dates.training_window(self.clock)
        given = read_training(doc, self.languages, create=False, window=window)
        update_training(self.db, training, given, self.clock, self.author)

    def training_move(self) -> str:
        training = self.training()
        if training is None:
            return "training move: none"
        row = self.db.fetchone(
            "SELECT start_date, end_date FROM trainings WHERE id = ?", [training]
        )
        assert row is not None
        shift = timedelta(minutes=15 * self.rng.choice([-96, -8, -4, -1, 1, 2, 4, 8, 96]))
        start, end = row["start_date"] + shift, row["end_date"] + shift
        self.update_training(
            training, {"event": {"start_date": self.stamp(start), "end_date": self.stamp(end)}}
        )
        return f"training {training}: moved to {start}"

    def training_cancel(self) -> str:
        training = self.training()
        if training is None:
            return "training cancel: none"
        cancelled = self.rng.random() < 0.7
        event: dict[str, Any] = {"cancelled": cancelled}
        if cancelled and self.rng.random() < 0.7:
            event["cancel_reason"] = self.rng.choice(REASONS)
        self.update_training(training, {"event": event})
        return f"training {training}: {event}"

    def cancellation(self) -> str:
        first = self.moment(21).date()
        last = first + timedelta(days=self.rng.randrange(0, 4))
        cancelled = self.rng.random() < 0.7
        attributes = {
            "start": first.isoformat(),
            "end": last.isoformat(),
            "cancelled": cancelled,
            "reason": self.rng.choice(REASONS) if cancelled else None,
        }
        doc = self.doc("training_cancellations", None, attributes)
        asked = read_cancellation(doc, self.settings.dates.training_window(self.clock))
        changed = cancel_period(self.db, asked, self.clock, self.settings.site.zone)
        return f"cancellation {first}..{last} {cancelled}: {len(changed)} trainings"

    def training_texts(self) -> str:
        training = self.training()
        if training is None:
            return "training texts: none"
        texts = self.texts(content=self.rng.random() < 0.5)
        self.update_training(training, {"contents": texts})
        return f"training {training}: texts {[t['locale'] for t in texts]}"

    def training_active(self) -> str:
        training = self.training()
        if training is None:
            return "training active: none"
        active = not self.db.fetchvalue("SELECT active FROM trainings WHERE id = ?", [training])
        self.update_training(training, {"event": {"active": active}})
        return f"training {training}: active {active}"

    def training_coaches(self) -> str:
        training = self.training()
        coaches = [row["id"] for row in self.db.fetchall("SELECT id FROM coaches ORDER BY id")]
        if training is None or not coaches:
            return "training coaches: none"
        chosen = self.rng.sample(coaches, self.rng.randrange(0, min(3, len(coaches)) + 1))
        sent = [{"id": str(c), "head": n == 0} for n, c in enumerate(chosen)]
        self.update_training(training, {"coaches": sent})
        return f"training {training}: coaches {chosen}"

    def training_teams(self) -> str:
        training = self.training()
        teams = [row["id"] for row in self.db.fetchall("SELECT id FROM teams ORDER BY id")]
        if training is None or not teams:
            return "training teams: none"
        chosen = self.rng.sample(teams, self.rng.randrange(0, min(2, len(teams)) + 1))
        linked = {"data": [{"type": "teams", "id": str(t)} for t in chosen]}
        self.update_training(training, {}, teams=linked)
        return f"training {training}: teams {chosen}"

    def training_delete(self) -> str:
        training = self.training()
        if training is None:
            return "training delete: none"
        delete_training(self.db, training)
        return f"training {training}: deleted"
