"""JSON:API documents in and out, the error document, and the checks every route shares.

Every bad input raises `ApiError`, which the app turns into a 4xx error document; no input may
produce a 500.
"""

from __future__ import annotations

import json
import uuid as uuid_module
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from kwai_api.core.clock import naive_utc
from kwai_api.core.errors import ApiError as ApiError  # the routes raise it with documents
from kwai_api.core.texts import unpublishable

MEDIA_TYPE = "application/vnd.api+json"
TIMESTAMP = "%Y-%m-%d %H:%M:%S"
_JSON_TYPES = {MEDIA_TYPE, "application/json", "text/json", ""}
_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def json_response(
    content: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """A JSON:API response with the JSON:API media type."""
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=_default)
    return Response(body, status_code=status, headers=dict(headers or {}), media_type=MEDIA_TYPE)


def error_response(errors: list[ApiError]) -> Response:
    """The error document; `detail` at the top level keeps clients of the old API working."""
    headers: dict[str, str] = {}
    for error in errors:
        headers.update(error.headers)
    content = {"errors": [e.to_dict() for e in errors], "detail": errors[0].detail}
    return json_response(content, status=errors[0].status, headers=headers)


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return timestamp(value)
    raise TypeError(f"cannot serialize {type(value).__name__}")


def timestamp(value: datetime | date | None) -> str | None:
    """Format a UTC timestamp the API's way ("YYYY-MM-DD HH:MM:SS"), None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return naive_utc(value).isoformat(" ", "seconds")  # strftime drops year 1-999's zeros
    return value.isoformat()


def parse_timestamp(
    value: Any, pointer: str | None = None, parameter: str | None = None
) -> datetime:
    """Read "YYYY-MM-DD HH:MM:SS" or ISO 8601 into a naive UTC datetime, or raise a 4xx."""
    status = 400 if parameter else 422
    if not isinstance(value, str) or not value.strip():
        raise ApiError(
            status,
            "expected a timestamp 'YYYY-MM-DD HH:MM:SS'",
            pointer=pointer,
            parameter=parameter,
        )
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(
            status,
            f"{value!r} is not a timestamp 'YYYY-MM-DD HH:MM:SS'",
            pointer=pointer,
            parameter=parameter,
        ) from None
    if parsed.tzinfo is not None:
        try:
            parsed = naive_utc(parsed)
        except OverflowError:  # an offset that pushes year 1 or 9999 out of range
            raise ApiError(
                status, f"{value!r} is out of range", pointer=pointer, parameter=parameter
            ) from None
    return parsed


def parse_uuid(value: str) -> str:
    """A canonical uuid string, or 404 (a malformed uuid names nothing that exists)."""
    try:
        return str(uuid_module.UUID(value))
    except (ValueError, AttributeError, TypeError):
        raise ApiError(404, "not found") from None


def parse_id(value: str) -> int:
    """A resource id from the path; anything not a positive integer names nothing: 404."""
    found = reference_id(value)
    if found is None:
        raise ApiError(404, "not found")
    return found


def reference_id(value: Any) -> int | None:
    """The integer id of a {type, id} a client sent, or None when it cannot name a row."""
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def check_type(content: Mapping[str, Any], expected: str, id: int | None = None) -> None:
    """409 when the document names another resource type or another id than the path."""
    data = content["data"]
    if "type" in data and data["type"] != expected:
        raise ApiError(409, f"the document's type should be {expected}", pointer="/data/type")
    if id is not None and "id" in data and str(data["id"]) != str(id):
        raise ApiError(
            409, "the document's id differs from the one in the path", pointer="/data/id"
        )


def resource(
    type: str,
    id: Any,
    attributes: Mapping[str, Any],
    relationships: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A resource object; relationships map a name to a {type,id} dict, a list of them, or None."""
    item: dict[str, Any] = {"type": type, "id": str(id), "attributes": dict(attributes)}
    if relationships is not None:
        item["relationships"] = {name: {"data": data} for name, data in relationships.items()}
    return item


def identifier(type: str, id: Any) -> dict[str, str]:
    """A resource identifier object for relationships."""
    return {"type": type, "id": str(id)}


def document(
    data: Any,
    included: Iterable[dict[str, Any]] = (),
    meta: Mapping[str, Any] | None = None,
    status: int = 200,
) -> Response:
    """A JSON:API document; `included` is deduplicated by (type, id)."""
    unique: dict[tuple[str, str], dict[str, Any]] = {}
    for item in included:
        unique.setdefault((item["type"], item["id"]), item)
    content: dict[str, Any] = {}
    if meta is not None:
        content["meta"] = dict(meta)
    content["data"] = data
    if unique or isinstance(data, list):
        content["included"] = list(unique.values())
    return json_response(content, status=status)


@dataclass(frozen=True)
class Page:
    """The `page[offset]` and `page[limit]` of a list request."""

    offset: int | None
    limit: int | None

    def meta(self, count: int) -> dict[str, Any]:
        """The list `meta` every list answer carries."""
        return {"count": count, "offset": self.offset or 0, "limit": self.limit}

    def sql(self) -> str:
        """The LIMIT/OFFSET clause (values are validated integers)."""
        clause = f" LIMIT {self.limit}" if self.limit is not None else ""
        if self.offset:  # DuckDB refuses LIMIT -1; OFFSET alone means "no limit"
            clause += f" OFFSET {self.offset}"
        return clause


def page(request: Request, default_limit: int | None = None) -> Page:
    """Read `page[offset]`/`page[limit]`: non-negative integers, else 400 naming the parameter."""
    return Page(
        offset=integer_parameter(request, "page[offset]", None),
        limit=integer_parameter(request, "page[limit]", default_limit),
    )


def integer_parameter(request: Request, name: str, default: int | None) -> int | None:
    """A non-negative integer query parameter, else 400 naming it."""
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    number = reference_id(value)
    if number is None:
        raise ApiError(400, f"{name} should be a non-negative integer", parameter=name)
    return number


def boolean_parameter(request: Request, name: str, default: bool | None) -> bool | None:
    """A true/false query parameter (also 1/0), else 400 naming it."""
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    lowered = value.lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise ApiError(400, f"{name} should be true or false", parameter=name)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def body(request: Request) -> bytes:
    """The raw body; a client that went away gets a 400 rather than a crash."""
    try:
        return await request.body()
    except ClientDisconnect:
        raise ApiError(400, "the request body was not received in full") from None


async def read_document(request: Request, schema: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON:API document of a request: an object with a `data` object, else 4xx.

    `schema` is the route's request schema (`openapi.document_schema`): the document may set only
    the attributes and relationships it declares, so that no edit is ever dropped unseen.
    """
    if _media_type(request) not in _JSON_TYPES:
        raise ApiError(415, "send the document as application/vnd.api+json or application/json")
    raw = await body(request)
    try:
        content = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, "the body is not valid JSON") from None
    try:  # JSON may escape lone surrogates, which no database or response can encode
        json.dumps(content, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, "the body holds text that is not valid Unicode") from None
    if not isinstance(content, dict) or not isinstance(content.get("data"), dict):
        raise ApiError(422, "the document needs a data object", pointer="/data")
    data = content["data"]
    if "attributes" in data and not isinstance(data["attributes"], dict):
        raise ApiError(422, "attributes should be an object", pointer="/data/attributes")
    if "relationships" in data and not isinstance(data["relationships"], dict):
        raise ApiError(422, "relationships should be an object", pointer="/data/relationships")
    refuse_unknown(data, schema)
    return content


def declared(schema: Mapping[str, Any], member: str) -> set[str]:
    """The names a request schema declares under `data.attributes` or `data.relationships`."""
    data = schema["properties"]["data"]["properties"]
    return set(data.get(member, {}).get("properties", {}))


def refuse_unknown(data: Mapping[str, Any], schema: Mapping[str, Any]) -> None:
    """422 naming the first attribute or relationship the resource does not know."""
    for member in ("attributes", "relationships"):
        sent = Attributes({"attributes": data.get(member) or {}}, base=f"/data/{member}")
        sent.only(declared(schema, member))


async def read_form(request: Request) -> FormData:
    """The form of an auth request (urlencoded or multipart), else 4xx."""
    media = _media_type(request)
    if media not in _FORM_TYPES:
        raise ApiError(
            415, "send a form (application/x-www-form-urlencoded or multipart/form-data)"
        )
    try:
        return await request.form(max_files=0, max_fields=50)
    except ClientDisconnect:
        raise ApiError(400, "the request body was not received in full") from None
    except Exception as error:  # the multipart parser raises several types for bad input
        raise ApiError(400, f"the form could not be read: {error}") from None


def form_field(form: FormData, name: str) -> str:
    """A required, non-empty text field of a form, else 422 naming it."""
    value = form.get(name)
    if not isinstance(value, str) or value == "":
        raise ApiError(422, f"the field {name} is required", pointer=f"/{name}")
    return value


class Attributes:
    """Typed access to `data.attributes` that names the field in every error."""

    def __init__(self, document: Mapping[str, Any], base: str = "/data/attributes") -> None:
        data = document.get("data", document)
        self.values: Mapping[str, Any] = (
            data.get("attributes") or {} if isinstance(data, dict) else {}
        )
        self.base = base

    def pointer(self, name: str) -> str:
        """The JSON pointer of an attribute."""
        return f"{self.base}/{name}"

    def only(self, names: Iterable[str]) -> None:
        """422 naming the first member that is not one of `names` (nothing is dropped unseen)."""
        known = set(names)
        for name in self.values:
            if name not in known:
                accepted = ", ".join(sorted(known)) or "nothing"
                raise ApiError(
                    422,
                    f"{name!r} is not known here (it takes {accepted})",
                    pointer=self.pointer(name),
                )

    def has(self, name: str) -> bool:
        """True when the client sent the attribute (PATCH changes only what is sent)."""
        return name in self.values

    def get(
        self,
        name: str,
        kind: type | tuple[type, ...],
        required: bool = False,
        default: Any = None,
        nullable: bool = True,
    ) -> Any:
        """An attribute of the given type; missing and required or wrongly typed: 422."""
        if name not in self.values or (self.values[name] is None and nullable and not required):
            if required:
                raise ApiError(422, f"{name} is required", pointer=self.pointer(name))
            return default
        value = self.values[name]
        if kind is int and isinstance(value, bool):
            raise ApiError(422, f"{name} should be an integer", pointer=self.pointer(name))
        digits = value.removeprefix("-") if isinstance(value, str) else ""
        if kind is int and digits.isascii() and digits.isdigit() and len(digits) <= 18:
            value = int(value)
        if kind is bool and isinstance(value, int) and not isinstance(value, bool):
            value = bool(value)
        if not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise ApiError(422, f"{name} should be of type {names}", pointer=self.pointer(name))
        return value

    def text(self, name: str, required: bool = False, default: str | None = None) -> str | None:
        """A string attribute the site can publish (no control character XML 1.0 refuses)."""
        value: str | None = self.get(name, str, required=required, default=default)
        if required and not (value or "").strip():
            raise ApiError(422, f"{name} is required", pointer=self.pointer(name))
        problem = unpublishable(name, value) if value else None
        if problem:
            raise ApiError(422, problem, pointer=self.pointer(name))
        return value

    def when(
        self, name: str, required: bool = False, window: tuple[datetime, datetime] | None = None
    ) -> datetime | None:
        """A timestamp attribute, in naive UTC, within `window` (first, last) when given."""
        value = self.get(name, str, required=required)
        if value is None:
            return None
        moment = parse_timestamp(value, pointer=self.pointer(name))
        if window is not None and not window[0] <= moment <= window[1]:
            first, last = (timestamp(end) for end in window)
            raise ApiError(
                422, f"{name} should lie from {first} to {last}", pointer=self.pointer(name)
            )
        return moment


MISSING: Any = object()  # a relationship the request did not send (PATCH leaves it as it is)


def relationship(document: Mapping[str, Any], name: str, many: bool = False) -> Any:
    """The identifier(s) of a relationship in a request: {type,id}, a list, None or MISSING."""
    data = document.get("data") or {}
    relationships = data.get("relationships") or {}
    pointer = f"/data/relationships/{name}"
    if name not in relationships:
        return MISSING
    item = relationships[name]
    if not isinstance(item, dict) or "data" not in item:
        raise ApiError(422, f"relationship {name} needs a data member", pointer=pointer)
    value = item["data"]
    if many:
        if not isinstance(value, list) or not all(_is_identifier(v) for v in value):
            raise ApiError(
                422, f"relationship {name} should be a list of {{type, id}}", pointer=pointer
            )
        return value
    if value is not None and not _is_identifier(value):
        raise ApiError(422, f"relationship {name} should be {{type, id}} or null", pointer=pointer)
    return value


def _is_identifier(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("id"), str | int)
        and not isinstance(value.get("id"), bool)
    )
