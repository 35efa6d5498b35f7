"""What clients send about trainings (list filters, documents, date ranges), and the writes.

Reading checks a request and names the bad parameter or field (400 or 422); create, update and
delete then store what a checked document says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from starlette.requests import Request

from kwai_api.core.database import Database, Row, Transaction
from kwai_api.core.texts import replace_texts
from kwai_api.jsonapi.documents import (
    MISSING,
    ApiError,
    Attributes,
    boolean_parameter,
    integer_parameter,
    parse_timestamp,
    reference_id,
    relationship,
)
from kwai_api.jsonapi.requests import month_period
from kwai_api.jsonapi.state import app_state
from kwai_api.jsonapi.texts import parse_texts
from kwai_api.trainings.definition_routes import row_exists

# --- reading lists ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingFilter:
    """Which trainings a list asks for; times are naive UTC."""

    start_from: datetime | None = None  # inclusive
    start_before: datetime | None = None  # exclusive (a year or month)
    start_until: datetime | None = None  # inclusive (filter[end])
    coach: int | None = None
    team: int | None = None
    definition: int | None = None
    active: bool | None = True
    ids: list[int] | None = None

    def where(self) -> tuple[str, list[Any]]:
        """The WHERE clause (on `t`) and its parameters."""
        clauses, params = ["TRUE"], []
        for sql, value in (
            ("t.start_date >= ?", self.start_from),
            ("t.start_date < ?", self.start_before),
            ("t.start_date <= ?", self.start_until),
            (
                "EXISTS (SELECT 1 FROM training_coaches c"
                " WHERE c.training_id = t.id AND c.coach_id = ?)",
                self.coach,
            ),
            (
                "EXISTS (SELECT 1 FROM training_teams m"
                " WHERE m.training_id = t.id AND m.team_id = ?)",
                self.team,
            ),
            ("t.definition_id = ?", self.definition),
            ("t.id IN (SELECT unnest(?::INTEGER[]))", self.ids),
        ):
            if value is not None:
                clauses.append(sql)
                params.append(value)
        if self.active:
            clauses.append("t.active")
        return " AND ".join(clauses), params


def _window(request: Request) -> tuple[datetime | None, datetime | None]:
    """filter[start] and filter[end]: both or neither, UTC, both inclusive."""
    start, end = (request.query_params.get(f"filter[{n}]") for n in ("start", "end"))
    if not start and not end:
        return None, None
    for name, value in (("start", start), ("end", end)):
        if not value:
            raise ApiError(
                400, "filter[start] and filter[end] go together", parameter=f"filter[{name}]"
            )
    since = parse_timestamp(start, parameter="filter[start]")
    until = parse_timestamp(end, parameter="filter[end]")
    if until < since:
        raise ApiError(400, "filter[end] is before filter[start]", parameter="filter[end]")
    return since, until


def read_filter(request: Request, public: bool, definition: int | None = None) -> TrainingFilter:
    """The filter[...] parameters of a list; for the public, inactive trainings do not exist.

    filter[year] and filter[month] are in the club's time zone (settings.site.zone): a month
    holds the trainings that start in it on the club's wall clock. filter[start] and
    filter[end] are UTC timestamps, both inclusive.
    """
    zone = app_state(request).settings.site.zone
    period = month_period(request, zone, "filter[year]", "filter[month]", years=(1900, 2999))
    month_from, month_before = period or (None, None)
    since, until = _window(request)
    starts = [moment for moment in (month_from, since) if moment is not None]
    return TrainingFilter(
        start_from=max(starts) if starts else None,
        start_before=month_before,
        start_until=until,
        coach=integer_parameter(request, "filter[coach]", None),
        team=integer_parameter(request, "filter[team]", None),
        definition=definition
        if definition is not None
        else integer_parameter(request, "filter[definition]", None),
        active=boolean_parameter(request, "filter[active]", True) or public,
    )


# --- reading documents -----------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A reference a client sent: the id it names (None when it cannot name a row) and where."""

    id: int | None
    pointer: str


@dataclass(frozen=True)
class CoachInput:
    """A coach of a training as a client sends it."""

    ref: Ref
    head: bool = False
    present: bool = False
    payed: bool = False


@dataclass
class TrainingInput:
    """What a training document sets; MISSING marks what a PATCH leaves as it is."""

    event: dict[str, Any]
    contents: Any = MISSING  # list[TextInput]
    remark: Any = MISSING  # str | None
    coaches: Any = MISSING  # list[CoachInput]
    teams: Any = MISSING  # list[Ref]
    definition: Any = MISSING  # Ref | None


def _event(
    attributes: Attributes, create: bool, window: tuple[datetime, datetime]
) -> dict[str, Any]:
    """The sent fields of `event`; a new training needs both its dates, within `window`."""
    event = attributes.get("event", dict, required=create)
    if event is None:
        return {}
    sent = Attributes({"attributes": event}, base=attributes.pointer("event"))
    sent.only(("start_date", "end_date", "location", "cancelled", "cancel_reason", "active"))
    fields: dict[str, Any] = {}
    for name in ("start_date", "end_date"):
        if create or sent.has(name):
            fields[name] = sent.when(name, required=True, window=window)
    if sent.has("location"):
        fields["location"] = sent.text("location") or ""
    for name in ("cancelled", "active"):
        if sent.has(name):
            fields[name] = sent.get(name, bool, required=True)
    if sent.has("cancel_reason"):
        fields["cancel_reason"] = read_reason(sent, "cancel_reason")
    return fields


REASON_LENGTH = 200


def read_reason(attributes: Attributes, name: str) -> str | None:
    """Why trainings are cancelled: one line the agenda and the calendars show, else 422."""
    reason = (attributes.text(name) or "").strip()
    if len(reason) > REASON_LENGTH or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in reason):
        raise ApiError(
            422,
            f"{name} should be one line of at most {REASON_LENGTH} characters",
            pointer=attributes.pointer(name),
        )
    return reason or None


def _coaches(content: dict[str, Any], attributes: Attributes) -> Any:
    """The coaches with their flags, or MISSING when the document does not name them."""
    if not attributes.has("coaches"):  # old clients may link coaches as a relationship only
        linked = relationship(content, "coaches", many=True)
        if linked is MISSING:
            return MISSING
        return [
            CoachInput(Ref(reference_id(item["id"]), f"/data/relationships/coaches/{n}"))
            for n, item in enumerate(linked)
        ]
    coaches = []
    for n, item in enumerate(attributes.get("coaches", list) or []):
        base = f"{attributes.pointer('coaches')}/{n}"
        if not isinstance(item, dict):
            raise ApiError(
                422, "a coach should be an object {id, head, present, payed}", pointer=base
            )
        coach = Attributes({"attributes": item}, base=base)
        coach.only(("id", "head", "present", "payed"))
        ref = Ref(reference_id(coach.get("id", (str, int), required=True)), f"{base}/id")
        flags = {
            name: coach.get(name, bool, default=False) for name in ("head", "present", "payed")
        }
        coaches.append(CoachInput(ref, **flags))
    return coaches


def read_training(
    content: dict[str, Any],
    languages: tuple[str, ...],
    create: bool,
    window: tuple[datetime, datetime],
) -> TrainingInput:
    """The fields a training document sets (all required ones when creating), else 422.

    Its dates lie within `window` (settings.dates.training_window).
    """
    attributes = Attributes(content)
    given = TrainingInput(event=_event(attributes, create, window))
    if create or attributes.has("contents"):
        given.contents = parse_texts(attributes, languages, "contents")
    if attributes.has("remark"):
        given.remark = attributes.text("remark")
    given.coaches = _coaches(content, attributes)
    teams = relationship(content, "teams", many=True)
    if teams is not MISSING:
        given.teams = [
            Ref(reference_id(item["id"]), f"/data/relationships/teams/{n}")
            for n, item in enumerate(teams)
        ]
    definition = relationship(content, "definition")
    if definition not in (MISSING, None):
        definition = Ref(reference_id(definition["id"]), "/data/relationships/definition")
    given.definition = definition
    return given


def parse_day(value: Any, pointer: str | None = None, parameter: str | None = None) -> date:
    """A date "YYYY-MM-DD" (a timestamp's date part is accepted), else 4xx naming the field."""
    status = 400 if parameter else 422
    text = value.strip() if isinstance(value, str) else ""
    try:
        day = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
    except ValueError:
        raise ApiError(
            status, f"{value!r} is not a date 'YYYY-MM-DD'", pointer=pointer, parameter=parameter
        ) from None
    if not 1900 <= day.year <= 2999:
        raise ApiError(
            status, "the year should be between 1900 and 2999", pointer=pointer, parameter=parameter
        )
    return day


def read_range(
    params: Mapping[str, str], content: dict[str, Any] | None, window: tuple[datetime, datetime]
) -> tuple[date, date]:
    """The `start` and `end` dates of a generation: query parameters, or document attributes.

    `content` is the request's document, or None when the query names the dates; both dates
    lie within `window` (settings.dates.training_window).
    """
    if content is None:
        first, last = (parse_day(params.get(n), parameter=n) for n in ("start", "end"))
        pointer, parameter = None, "end"
    else:
        attributes = Attributes(content)
        first, last = (
            parse_day(attributes.get(n, str, required=True), pointer=attributes.pointer(n))
            for n in ("start", "end")
        )
        pointer, parameter = attributes.pointer("end"), None
    for name, day in (("start", first), ("end", last)):
        if not window[0].date() <= day <= window[1].date():
            raise ApiError(
                400 if parameter else 422,
                f"{name} should lie from {window[0].date()} to {window[1].date()}",
                pointer=pointer and pointer.replace("/end", f"/{name}"),
                parameter=parameter and name,
            )
    if not 0 <= (last - first).days <= 2 * 366:
        raise ApiError(
            400 if parameter else 422,
            "end should be from start to two years after it",
            pointer=pointer,
            parameter=parameter,
        )
    return first, last


# --- use cases -------------------------------------------------------------------------------


def _check_refs(tx: Transaction, table: str, refs: list[Ref]) -> None:
    """422 naming the first reference to a row that does not exist, or that comes twice."""
    seen: set[int] = set()
    for ref in refs:
        if ref.id is None or ref.id in seen or not row_exists(tx, table, ref.id):
            raise ApiError(422, f"unknown or repeated {table} id", pointer=ref.pointer)
        seen.add(ref.id)


def _store_links(
    tx: Transaction, training_id: int, given: TrainingInput, now: datetime, author_id: int
) -> None:
    """Check the references of a document, then replace the texts, coaches and teams sent."""
    if given.coaches is not MISSING:
        _check_refs(tx, "coaches", [c.ref for c in given.coaches])
        tx.execute("DELETE FROM training_coaches WHERE training_id = ?", [training_id])
        tx.insert_rows(
            "training_coaches",
            ("training_id", "coach_id", "head", "present", "payed"),
            [(training_id, c.ref.id, c.head, c.present, c.payed) for c in given.coaches],
        )
    if given.teams is not MISSING:
        _check_refs(tx, "teams", given.teams)
        tx.execute("DELETE FROM training_teams WHERE training_id = ?", [training_id])
        tx.insert_rows(
            "training_teams",
            ("training_id", "team_id"),
            [(training_id, team.id) for team in given.teams],
        )
    if given.contents is not MISSING:
        replace_texts(tx, "training_texts", training_id, given.contents, now, author_id)


def _columns(tx: Transaction, given: TrainingInput, current: Row) -> dict[str, Any]:
    """The trainings columns after applying a document to the current ones."""
    values = {**current, **given.event}
    if values["end_date"] <= values["start_date"]:
        raise ApiError(
            422, "end_date should be after start_date", pointer="/data/attributes/event/end_date"
        )
    if not values["cancelled"]:
        values["cancel_reason"] = None
    if given.remark is not MISSING:
        values["remark"] = given.remark
    if given.definition is not MISSING:
        values["definition_id"] = given.definition and given.definition.id
        if given.definition is not None:
            _check_refs(tx, "training_definitions", [given.definition])
    return values


_WRITTEN = (
    "definition_id",
    "start_date",
    "end_date",
    "location",
    "cancelled",
    "cancel_reason",
    "active",
    "remark",
)


def create_training(db: Database, given: TrainingInput, now: datetime, author_id: int) -> int:
    """Store a new training with its texts, coaches and teams; returns its id."""

    def work(tx: Transaction) -> int:
        defaults = {
            "definition_id": None,
            "location": "",
            "cancelled": False,
            "cancel_reason": None,
            "active": True,
            "remark": None,
        }
        values = _columns(tx, given, defaults)
        training_id = int(
            tx.insert(
                f"INSERT INTO trainings ({', '.join(_WRITTEN)}, created_at, updated_at)"
                f" VALUES ({', '.join('?' for _ in _WRITTEN)}, ?, ?) RETURNING id",
                [values[c] for c in _WRITTEN] + [now, now],
            )
        )
        _store_links(tx, training_id, given, now, author_id)
        return training_id

    return db.write(work)


def update_training(
    db: Database, training_id: int, given: TrainingInput, now: datetime, author_id: int
) -> None:
    """Apply a document to a training, bumping its revision (the iCal SEQUENCE).

    The training is then edited by hand: a later change of its definition leaves it alone.
    """

    def work(tx: Transaction) -> None:
        current = tx.fetchone("SELECT * FROM trainings WHERE id = ?", [training_id])
        if current is None:
            raise ApiError(404, f"training {training_id} does not exist")
        values = _columns(tx, given, current)
        tx.execute(
            f"UPDATE trainings SET {', '.join(f'{c} = ?' for c in _WRITTEN)},"
            " revision = revision + 1, edited_by_hand = true, updated_at = ? WHERE id = ?",
            [values[c] for c in _WRITTEN] + [now, training_id],
        )
        _store_links(tx, training_id, given, now, author_id)

    db.write(work)


def delete_training(db: Database, training_id: int) -> None:
    """Remove a training with its texts, coaches and teams, else 404."""

    def work(tx: Transaction) -> None:
        if not tx.fetchone("SELECT id FROM trainings WHERE id = ?", [training_id]):
            raise ApiError(404, f"training {training_id} does not exist")
        for table in ("training_texts", "training_coaches", "training_teams"):
            tx.execute(f"DELETE FROM {table} WHERE training_id = ?", [training_id])
        tx.execute("DELETE FROM trainings WHERE id = ?", [training_id])

    db.write(work)
