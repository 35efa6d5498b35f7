"""Trainings: the dated sessions on the site's calendar, with their texts, coaches and teams."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api import definitions
from kwai_api import openapi as oa
from kwai_api.access import require_user
from kwai_api.database import Database, Row, Transaction
from kwai_api.definitions import check_type, now_utc, reference_id
from kwai_api.jsonapi import (
    MISSING,
    ApiError,
    Attributes,
    Page,
    boolean_parameter,
    document,
    identifier,
    integer_parameter,
    page,
    parse_id,
    parse_timestamp,
    read_document,
    relationship,
    resource,
    timestamp,
)
from kwai_api.markup import FORMATS
from kwai_api.rebuild import site_changed
from kwai_api.texts import TextInput, replace_texts

TYPE = "trainings"
COACH_TYPE = "training_coaches"


# --- filters and queries ---------------------------------------------------------------------


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
            ("EXISTS (SELECT 1 FROM training_coaches c"
             " WHERE c.training_id = t.id AND c.coach_id = ?)", self.coach),
            ("EXISTS (SELECT 1 FROM training_teams m"
             " WHERE m.training_id = t.id AND m.team_id = ?)", self.team),
            ("t.definition_id = ?", self.definition),
            ("t.id IN (SELECT unnest(?::INTEGER[]))", self.ids),
        ):
            if value is not None:
                clauses.append(sql)
                params.append(value)
        if self.active:
            clauses.append("t.active")
        return " AND ".join(clauses), params


@dataclass
class TrainingList:
    """Trainings with everything their documents show, and the total that matched."""

    count: int
    rows: list[Row]
    texts: dict[int, list[Row]] = field(default_factory=dict)
    coaches: dict[int, list[Row]] = field(default_factory=dict)
    teams: dict[int, list[Row]] = field(default_factory=dict)
    definitions: dict[int, Row] = field(default_factory=dict)

    def data(self) -> list[dict[str, Any]]:
        """The trainings as resources."""
        return [training_resource(row, self) for row in self.rows]

    def included(self) -> list[dict[str, Any]]:
        """The coaches, teams and definitions the trainings refer to."""
        items = [coach_resource(c) for cs in self.coaches.values() for c in cs]
        items += [definitions.team_resource(t) for ts in self.teams.values() for t in ts]
        items += [definitions.definition_resource(d) for d in self.definitions.values()]
        return items


def _grouped(rows: list[Row], key: str) -> dict[int, list[Row]]:
    """Rows grouped by the training they belong to."""
    groups: dict[int, list[Row]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return groups


def _exists(tx: Transaction, table: str, row_id: int | None) -> bool:
    return row_id is None or bool(tx.fetchone(f"SELECT id FROM {table} WHERE id = ?", [row_id]))


def select_trainings(tx: Transaction, where: TrainingFilter, limits: Page) -> TrainingList:
    """A page of trainings, newest first, with their texts, coaches, teams and definitions."""
    for table, row_id, name in (("coaches", where.coach, "coach"),
                                ("teams", where.team, "team"),
                                ("training_definitions", where.definition, "definition")):
        if not _exists(tx, table, row_id):
            raise ApiError(404, f"{name} {row_id} does not exist", parameter=f"filter[{name}]")
    sql, params = where.where()
    count = tx.fetchone(f"SELECT count(*) AS n FROM trainings t WHERE {sql}", params)
    rows = tx.fetchall(
        f"SELECT t.* FROM trainings t WHERE {sql} ORDER BY t.start_date DESC, t.id DESC"
        + limits.sql(),
        params,
    )
    ids = [row["id"] for row in rows]
    found = TrainingList(count["n"] if count else 0, rows)
    within = "training_id IN (SELECT unnest(?::INTEGER[]))"
    found.texts = _grouped(tx.fetchall(
        f"SELECT * FROM training_texts WHERE {within} ORDER BY locale", [ids]), "training_id")
    found.coaches = _grouped(tx.fetchall(
        "SELECT tc.training_id, tc.head, tc.present, tc.payed, c.id, c.name, c.active, c.bio"
        " FROM training_coaches tc"
        f" JOIN coaches c ON c.id = tc.coach_id WHERE {within} ORDER BY NOT tc.head, c.name",
        [ids]), "training_id")
    found.teams = _grouped(tx.fetchall(
        "SELECT tt.training_id, t.id, t.name FROM training_teams tt"
        f" JOIN teams t ON t.id = tt.team_id WHERE {within} ORDER BY t.name", [ids]),
        "training_id")
    found.definitions = definitions.definitions_by_id(
        tx, sorted({r["definition_id"] for r in rows if r["definition_id"] is not None}))
    return found


def list_trainings(db: Database, where: TrainingFilter, limits: Page) -> TrainingList:
    """A page of trainings read from one snapshot."""
    with db.snapshot() as tx:
        return select_trainings(tx, where, limits)


def get_training(db: Database, training_id: int) -> TrainingList:
    """One training (active or not), else 404."""
    found = list_trainings(db, TrainingFilter(active=False, ids=[training_id]), Page(None, None))
    if not found.rows:
        raise ApiError(404, f"training {training_id} does not exist")
    return found


def list_people(db: Database, table: str, limits: Page) -> tuple[int, list[Row]]:
    """The coaches or teams, by name."""
    count = db.fetchvalue(f"SELECT count(*) FROM {table}")
    return count, db.fetchall(f"SELECT * FROM {table} ORDER BY name, id" + limits.sql())


def coach_resource(row: Row) -> dict[str, Any]:
    """A `training_coaches` resource (a coach as trainings name it)."""
    return resource(COACH_TYPE, row["id"],
                    {"name": row["name"], "active": row["active"], "bio": row["bio"]})


def training_resource(row: Row, found: TrainingList) -> dict[str, Any]:
    """A `trainings` resource, in the shape old kwai clients read."""
    training_id = row["id"]
    coaches = found.coaches.get(training_id, [])
    definition = row["definition_id"]
    return resource(TYPE, training_id, {
        "contents": [
            {key: text[key] for key in ("locale", "format", "title", "summary", "content",
                                        "html_summary", "html_content")}
            for text in found.texts.get(training_id, [])
        ],
        "event": {
            "start_date": timestamp(row["start_date"]),
            "end_date": timestamp(row["end_date"]),
            "location": row["location"],
            "cancelled": row["cancelled"],
            "active": row["active"],
        },
        "remark": row["remark"],
        "coaches": [{"id": str(c["id"]), "head": c["head"], "present": c["present"],
                     "payed": c["payed"]} for c in coaches],
        "created_at": timestamp(row["created_at"]),
        "updated_at": timestamp(row["updated_at"]),
    }, {
        "coaches": [identifier(COACH_TYPE, c["id"]) for c in coaches],
        "teams": [identifier("teams", t["id"]) for t in found.teams.get(training_id, [])],
        "definition": identifier(definitions.TYPE, definition) if definition is not None else None,
    })


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(UTC).replace(tzinfo=None)


def _period(request: Request) -> tuple[datetime | None, datetime | None]:
    """filter[year] and filter[month] as [from, before) in UTC, counted on the club's clock."""
    year = integer_parameter(request, "filter[year]", None)
    month = integer_parameter(request, "filter[month]", None)
    if month is not None and year is None:
        raise ApiError(400, "filter[month] needs filter[year]", parameter="filter[month]")
    if month is not None and not 1 <= month <= 12:
        raise ApiError(400, "filter[month] should be 1 to 12", parameter="filter[month]")
    if year is None:
        return None, None
    if not 1900 <= year <= 2999:
        raise ApiError(400, "filter[year] should be 1900 to 2999", parameter="filter[year]")
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    if month is not None:
        first, after = date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)
    zone = request.app.state.settings.site.zone
    return _local_midnight(first, zone), _local_midnight(after, zone)


def _window(request: Request) -> tuple[datetime | None, datetime | None]:
    """filter[start] and filter[end]: both or neither, UTC, both inclusive."""
    start, end = (request.query_params.get(f"filter[{n}]") for n in ("start", "end"))
    if not start and not end:
        return None, None
    for name, value in (("start", start), ("end", end)):
        if not value:
            raise ApiError(400, "filter[start] and filter[end] go together",
                           parameter=f"filter[{name}]")
    since = parse_timestamp(start, parameter="filter[start]")
    until = parse_timestamp(end, parameter="filter[end]")
    if until < since:
        raise ApiError(400, "filter[end] is before filter[start]", parameter="filter[end]")
    return since, until


def read_filter(request: Request, definition: int | None = None) -> TrainingFilter:
    """The filter[...] parameters of a list.

    filter[year] and filter[month] are in the club's time zone (settings.site.zone): a month
    holds the trainings that start in it on the club's wall clock. filter[start] and
    filter[end] are UTC timestamps, both inclusive.
    """
    month_from, month_before = _period(request)
    since, until = _window(request)
    starts = [moment for moment in (month_from, since) if moment is not None]
    return TrainingFilter(
        start_from=max(starts) if starts else None,
        start_before=month_before,
        start_until=until,
        coach=integer_parameter(request, "filter[coach]", None),
        team=integer_parameter(request, "filter[team]", None),
        definition=definition if definition is not None else integer_parameter(
            request, "filter[definition]", None),
        active=boolean_parameter(request, "filter[active]", True),
    )


# --- writing ---------------------------------------------------------------------------------


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


def _event(attributes: Attributes, create: bool) -> dict[str, Any]:
    """The sent fields of `event`; a new training needs both its dates."""
    event = attributes.get("event", dict, required=create)
    if event is None:
        return {}
    sent = Attributes({"attributes": event}, base=attributes.pointer("event"))
    fields: dict[str, Any] = {}
    for name in ("start_date", "end_date"):
        if create or sent.has(name):
            fields[name] = sent.when(name, required=True)
    if sent.has("location"):
        fields["location"] = sent.text("location") or ""
    for name in ("cancelled", "active"):
        if sent.has(name):
            fields[name] = sent.get(name, bool, required=True)
    return fields


def _contents(attributes: Attributes, languages: tuple[str, ...]) -> list[TextInput]:
    """The texts, one per known locale, each with a title."""
    items = attributes.get("contents", list, required=True)
    if not items:
        raise ApiError(422, "at least one content with a title is required",
                       pointer=attributes.pointer("contents"))
    texts: list[TextInput] = []
    for n, item in enumerate(items):
        base = f"{attributes.pointer('contents')}/{n}"
        if not isinstance(item, dict):
            raise ApiError(422, "a content should be an object", pointer=base)
        text = Attributes({"attributes": item}, base=base)
        locale = text.text("locale", required=True)
        if locale not in languages or any(t.locale == locale for t in texts):
            raise ApiError(422, f"locale should be one of {', '.join(languages)}, each once",
                           pointer=text.pointer("locale"))
        format = text.text("format") or "md"
        if format not in FORMATS:
            raise ApiError(422, "format should be md or html", pointer=text.pointer("format"))
        texts.append(TextInput(locale, text.text("title", required=True) or "",
                               text.text("summary") or "", text.text("content") or "", format))
    return texts


def _coaches(content: dict[str, Any], attributes: Attributes) -> Any:
    """The coaches with their flags, or MISSING when the document does not name them."""
    if not attributes.has("coaches"):  # old clients may link coaches as a relationship only
        linked = relationship(content, "coaches", many=True)
        if linked is MISSING:
            return MISSING
        return [CoachInput(Ref(reference_id(item["id"]), f"/data/relationships/coaches/{n}"))
                for n, item in enumerate(linked)]
    coaches = []
    for n, item in enumerate(attributes.get("coaches", list) or []):
        base = f"{attributes.pointer('coaches')}/{n}"
        if not isinstance(item, dict):
            raise ApiError(422, "a coach should be an object {id, head, present, payed}",
                           pointer=base)
        coach = Attributes({"attributes": item}, base=base)
        ref = Ref(reference_id(coach.get("id", (str, int), required=True)), f"{base}/id")
        flags = {name: coach.get(name, bool, default=False) for name in ("head", "present",
                                                                         "payed")}
        coaches.append(CoachInput(ref, **flags))
    return coaches


def read_training(
    content: dict[str, Any], languages: tuple[str, ...], create: bool
) -> TrainingInput:
    """The fields a training document sets (all required ones when creating), else 422."""
    attributes = Attributes(content)
    given = TrainingInput(event=_event(attributes, create))
    if create or attributes.has("contents"):
        given.contents = _contents(attributes, languages)
    if attributes.has("remark"):
        given.remark = attributes.text("remark")
    given.coaches = _coaches(content, attributes)
    teams = relationship(content, "teams", many=True)
    if teams is not MISSING:
        given.teams = [Ref(reference_id(item["id"]), f"/data/relationships/teams/{n}")
                       for n, item in enumerate(teams)]
    definition = relationship(content, "definition")
    if definition not in (MISSING, None):
        definition = Ref(reference_id(definition["id"]), "/data/relationships/definition")
    given.definition = definition
    return given


def _check_refs(tx: Transaction, table: str, refs: list[Ref]) -> None:
    """422 naming the first reference to a row that does not exist, or that comes twice."""
    seen: set[int] = set()
    for ref in refs:
        if ref.id is None or ref.id in seen or not _exists(tx, table, ref.id):
            raise ApiError(422, f"unknown or repeated {table} id", pointer=ref.pointer)
        seen.add(ref.id)


def _store_links(tx: Transaction, training_id: int, given: TrainingInput, now: datetime,
                 author_id: int) -> None:
    """Check the references of a document, then replace the texts, coaches and teams sent."""
    if given.coaches is not MISSING:
        _check_refs(tx, "coaches", [c.ref for c in given.coaches])
        tx.execute("DELETE FROM training_coaches WHERE training_id = ?", [training_id])
        tx.insert_rows("training_coaches",
                       ("training_id", "coach_id", "head", "present", "payed"),
                       [(training_id, c.ref.id, c.head, c.present, c.payed)
                        for c in given.coaches])
    if given.teams is not MISSING:
        _check_refs(tx, "teams", given.teams)
        tx.execute("DELETE FROM training_teams WHERE training_id = ?", [training_id])
        tx.insert_rows("training_teams", ("training_id", "team_id"),
                       [(training_id, team.id) for team in given.teams])
    if given.contents is not MISSING:
        replace_texts(tx, "training_texts", training_id, given.contents, now, author_id)


def _columns(tx: Transaction, given: TrainingInput, current: Row) -> dict[str, Any]:
    """The trainings columns after applying a document to the current ones."""
    values = {**current, **given.event}
    if values["end_date"] <= values["start_date"]:
        raise ApiError(422, "end_date should be after start_date",
                       pointer="/data/attributes/event/end_date")
    if given.remark is not MISSING:
        values["remark"] = given.remark
    if given.definition is not MISSING:
        values["definition_id"] = given.definition and given.definition.id
        if given.definition is not None:
            _check_refs(tx, "training_definitions", [given.definition])
    return values


_WRITTEN = ("definition_id", "start_date", "end_date", "location", "cancelled", "active",
            "remark")


def create_training(db: Database, given: TrainingInput, now: datetime, author_id: int) -> int:
    """Store a new training with its texts, coaches and teams; returns its id."""

    def work(tx: Transaction) -> int:
        defaults = {"definition_id": None, "location": "", "cancelled": False, "active": True,
                    "remark": None}
        values = _columns(tx, given, defaults)
        training_id = int(tx.insert(
            f"INSERT INTO trainings ({', '.join(_WRITTEN)}, created_at, updated_at)"
            f" VALUES ({', '.join('?' for _ in _WRITTEN)}, ?, ?) RETURNING id",
            [values[c] for c in _WRITTEN] + [now, now],
        ))
        _store_links(tx, training_id, given, now, author_id)
        return training_id

    return db.write(work)


def update_training(db: Database, training_id: int, given: TrainingInput, now: datetime,
                    author_id: int) -> None:
    """Apply a document to a training, bumping its revision (the iCal SEQUENCE)."""

    def work(tx: Transaction) -> None:
        current = tx.fetchone("SELECT * FROM trainings WHERE id = ?", [training_id])
        if current is None:
            raise ApiError(404, f"training {training_id} does not exist")
        values = _columns(tx, given, current)
        tx.execute(
            f"UPDATE trainings SET {', '.join(f'{c} = ?' for c in _WRITTEN)},"
            " revision = revision + 1, updated_at = ? WHERE id = ?",
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


# --- routes ----------------------------------------------------------------------------------


def _listed(found: TrainingList, limits: Page, status: int = 200) -> Response:
    return document(found.data(), found.included(), meta=limits.meta(found.count), status=status)


def _one(found: TrainingList, status: int = 200) -> Response:
    return document(found.data()[0], found.included(), status=status)


async def list_route(request: Request) -> Response:
    """GET /trainings: newest first; filter[year]/filter[month] count on the club's clock."""
    where, limits = read_filter(request), page(request)
    return _listed(await run_in_threadpool(list_trainings, request.app.state.db, where, limits),
                   limits)


async def get_route(request: Request) -> Response:
    """GET /trainings/{id}."""
    training_id = parse_id(request.path_params["id"])
    return _one(await run_in_threadpool(get_training, request.app.state.db, training_id))


async def create_route(request: Request) -> Response:
    """POST /trainings."""
    user = await require_user(request)
    content = await read_document(request)
    check_type(content, TYPE)
    given = read_training(content, request.app.state.settings.site.languages, create=True)
    db = request.app.state.db
    training_id = await run_in_threadpool(create_training, db, given, now_utc(), user.id)
    site_changed(request)
    return _one(await run_in_threadpool(get_training, db, training_id), status=201)


async def update_route(request: Request) -> Response:
    """PATCH /trainings/{id}: texts, coaches and teams are replaced when sent."""
    user = await require_user(request)
    training_id = parse_id(request.path_params["id"])
    content = await read_document(request)
    check_type(content, TYPE, training_id)
    given = read_training(content, request.app.state.settings.site.languages, create=False)
    db = request.app.state.db
    await run_in_threadpool(update_training, db, training_id, given, now_utc(), user.id)
    site_changed(request)
    return _one(await run_in_threadpool(get_training, db, training_id))


async def delete_route(request: Request) -> Response:
    """DELETE /trainings/{id}."""
    await require_user(request)
    training_id = parse_id(request.path_params["id"])
    await run_in_threadpool(delete_training, request.app.state.db, training_id)
    site_changed(request)
    return Response(status_code=204)


async def coaches_route(request: Request) -> Response:
    """GET /trainings/coaches: every coach, by name."""
    limits = page(request)
    count, rows = await run_in_threadpool(list_people, request.app.state.db, "coaches", limits)
    return document([coach_resource(row) for row in rows], meta=limits.meta(count))


async def teams_route(request: Request) -> Response:
    """GET /trainings/teams: every team, by name."""
    limits = page(request)
    count, rows = await run_in_threadpool(list_people, request.app.state.db, "teams", limits)
    return document([definitions.team_resource(row) for row in rows], meta=limits.meta(count))


async def definition_list_route(request: Request) -> Response:
    """GET /training_definitions/{id}/trainings: the same filters as GET /trainings."""
    definition_id = parse_id(request.path_params["id"])
    where, limits = read_filter(request, definition=definition_id), page(request)
    db = request.app.state.db
    await run_in_threadpool(definitions.get_definition, db, definition_id)
    return _listed(await run_in_threadpool(list_trainings, db, where, limits), limits)


async def _range(request: Request) -> tuple[date, date]:
    """The `start` and `end` dates of a generation: query parameters, or document attributes."""
    params = request.query_params
    if "start" in params or "end" in params:
        first, last = (definitions.parse_day(params.get(n), parameter=n) for n in ("start", "end"))
        pointer, parameter = None, "end"
    else:
        attributes = Attributes(await read_document(request))
        first, last = (definitions.parse_day(attributes.get(n, str, required=True),
                                             pointer=attributes.pointer(n))
                       for n in ("start", "end"))
        pointer, parameter = attributes.pointer("end"), None
    if not 0 <= (last - first).days <= 2 * 366:
        raise ApiError(400 if parameter else 422, "end should be from start to two years after it",
                       pointer=pointer, parameter=parameter)
    return first, last


async def generate_route(request: Request) -> Response:
    """POST /training_definitions/{id}/trainings: make its trainings from `start` to `end`."""
    user = await require_user(request)
    definition_id = parse_id(request.path_params["id"])
    first, last = await _range(request)
    db, site = request.app.state.db, request.app.state.settings.site
    ids = await run_in_threadpool(definitions.generate_trainings, db, definition_id, first, last,
                                  site, now_utc(), user.id)
    if ids:
        site_changed(request)
    limits = Page(None, None)
    found = await run_in_threadpool(list_trainings, db, TrainingFilter(active=None, ids=ids),
                                    limits)
    return _listed(found, limits, status=201 if ids else 200)


routes: list[BaseRoute] = [
    Route("/trainings", list_route, methods=["GET"]),
    Route("/trainings", create_route, methods=["POST"]),
    Route("/trainings/coaches", coaches_route, methods=["GET"]),
    Route("/trainings/teams", teams_route, methods=["GET"]),
    Route("/trainings/{id}", get_route, methods=["GET"]),
    Route("/trainings/{id}", update_route, methods=["PATCH"]),
    Route("/trainings/{id}", delete_route, methods=["DELETE"]),
    Route("/training_definitions/{id}/trainings", definition_list_route, methods=["GET"]),
    Route("/training_definitions/{id}/trainings", generate_route, methods=["POST"]),
    *definitions.routes,
]

_FILTERS = [
    oa.query("filter[year]", {"type": "integer"}, "a year on the club's clock"),
    oa.query("filter[month]", {"type": "integer", "minimum": 1, "maximum": 12}, "needs a year"),
    oa.query("filter[start]", oa.TIMESTAMP, "UTC, with filter[end]"),
    oa.query("filter[end]", oa.TIMESTAMP, "UTC, with filter[start]"),
    oa.query("filter[coach]", {"type": "integer"}),
    oa.query("filter[team]", {"type": "integer"}),
    oa.query("filter[definition]", {"type": "integer"}),
    oa.query("filter[active]", {"type": "boolean"}, "default true; false lists all"),
    *oa.PAGE_PARAMETERS,
]
_TEXT = oa.obj({name: oa.string() for name in ("locale", "format", "title", "summary",
                                               "content")}, ("locale", "title"))
_EVENT = oa.obj({"start_date": oa.TIMESTAMP, "end_date": oa.TIMESTAMP, "location": oa.string(),
                 "cancelled": {"type": "boolean"}, "active": {"type": "boolean"}})
_COACH = oa.obj({"id": oa.string(), "head": {"type": "boolean"}, "present": {"type": "boolean"},
                 "payed": {"type": "boolean"}}, ("id",))
_ATTRIBUTES = {"contents": {"type": "array", "items": _TEXT}, "event": _EVENT,
               "remark": oa.nullable(oa.string()), "coaches": {"type": "array", "items": _COACH}}
_LINKS = {"teams": {"type": "array", "items": oa.identifier_schema("teams")},
          "definition": oa.nullable(oa.identifier_schema(definitions.TYPE))}
_ID = [oa.path_param("id")]
_LIST = {200: "the trainings", 400: "bad filter or page parameter", 404: "unknown filter id"}
_WRITE = {400: "the body is not JSON", 401: "not authenticated", 409: "wrong type or id",
          413: "body too large", 415: "unsupported media type", 422: "invalid document"}
_PEOPLE = {200: "the list", 400: "bad page parameter"}
_RANGE = [oa.query("start", oa.string(format="date")), oa.query("end", oa.string(format="date"))]

openapi_paths: dict[str, Any] = {
    "/trainings": {
        "get": oa.operation("List trainings, newest first", _LIST, parameters=_FILTERS),
        "post": oa.operation("Create a training", {201: "created", **_WRITE}, auth=True,
                             body=oa.document_schema(TYPE, _ATTRIBUTES, ("contents", "event"),
                                                     _LINKS)),
    },
    "/trainings/coaches": {"get": oa.operation("List coaches", _PEOPLE,
                                               parameters=oa.PAGE_PARAMETERS)},
    "/trainings/teams": {"get": oa.operation("List teams", _PEOPLE,
                                             parameters=oa.PAGE_PARAMETERS)},
    "/trainings/{id}": {
        "get": oa.operation("One training", {200: "the training", 404: "unknown"},
                            parameters=_ID),
        "patch": oa.operation("Change a training", {200: "changed", 404: "unknown", **_WRITE},
                              parameters=_ID, auth=True,
                              body=oa.document_schema(TYPE, _ATTRIBUTES, relationships=_LINKS)),
        "delete": oa.operation("Delete a training", {204: "deleted", 401: "not authenticated",
                                                     404: "unknown"}, parameters=_ID, auth=True),
    },
    "/training_definitions/{id}/trainings": {
        "get": oa.operation("List a definition's trainings", _LIST,
                            parameters=_ID + _FILTERS),
        "post": oa.operation(
            "Generate a definition's trainings from start to end (dates)",
            {201: "the new trainings", 200: "nothing new to make", 404: "unknown definition",
             **_WRITE},
            parameters=_ID + _RANGE, auth=True,
            body=oa.document_schema("trainings", {"start": oa.string(format="date"),
                                                  "end": oa.string(format="date")})),
    },
    **definitions.openapi_paths,
}
