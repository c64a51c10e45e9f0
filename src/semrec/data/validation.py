"""Turn untrusted dicts into validated records, or raise one clear `ValidationError`."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from semrec.data.errors import ValidationError
from semrec.data.records import EVENT_TYPE_CODES, AttributeValue, Event, Item

__all__ = [
    "EARLIEST_TIMESTAMP",
    "TRUSTED",
    "Limits",
    "derive_event_id",
    "parse_timestamp",
    "validate_event",
    "validate_id",
    "validate_item",
]

#: 1995-01-01T00:00:00Z: nothing a recommender learns from is older than the web shop.
EARLIEST_TIMESTAMP = 788918400.0
_DAY = 86400.0
_EVENT_KEYS = frozenset(
    ("event_id", "user_id", "item_id", "type", "timestamp", "value", "text", "session_id")
)
_ITEM_KEYS = frozenset(Item.__slots__)


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that validation enforces; built from the `validation` settings."""

    max_id_length: int = 256
    max_text_bytes: int = 65536
    rating_min: float = 0.0
    rating_max: float = 5.0
    max_future_seconds: float = _DAY


#: Bounds for what semrec reads back from its own store: it was validated on the way in.
TRUSTED = Limits(
    max_id_length=1 << 20,
    max_text_bytes=1 << 30,
    rating_min=-1e300,
    rating_max=1e300,
    max_future_seconds=1e300,
)


def _text(field: str, value: Any, max_bytes: int) -> str:
    """A str that is valid UTF-8 and at most `max_bytes` long once encoded."""
    if isinstance(value, bytes | bytearray):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(field, value, "valid UTF-8 text") from None
    if not isinstance(value, str):
        raise ValidationError(field, value, "a string")
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        raise ValidationError(field, value, "valid UTF-8 text (no lone surrogates)") from None
    if size > max_bytes:
        raise ValidationError(field, f"<{size} bytes>", f"at most {max_bytes} bytes of UTF-8")
    return value


def _plain_id(value: Any, max_length: int) -> bool:
    """The common case, checked without encoding: a short printable ASCII string."""
    return (
        type(value) is str
        and 0 < len(value) <= max_length
        and value.isascii()
        and value.isprintable()
        and not value.isspace()
    )


def validate_id(field: str, value: Any, limits: Limits) -> str:
    """An external id: a non-empty string (ints are accepted and converted) of bounded length."""
    if _plain_id(value, limits.max_id_length):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = _text(field, value, 4 * limits.max_id_length)
    if not text or text.isspace():
        raise ValidationError(field, value, "a non-empty id")
    if len(text) > limits.max_id_length:
        raise ValidationError(field, text, f"an id of at most {limits.max_id_length} characters")
    if not text.isprintable():
        raise ValidationError(field, text, "an id without control characters")
    return text


def _finite(field: str, value: Any) -> float:
    """A finite float; bools, NaN, infinities and non-numeric strings are refused."""
    if isinstance(value, bool):
        raise ValidationError(field, value, "a finite number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(field, value, "a finite number") from None
    if not math.isfinite(number):
        raise ValidationError(field, value, "a finite number (not NaN or infinity)")
    return number


def parse_timestamp(field: str, value: Any, limits: Limits, now: float | None = None) -> float:
    """Unix seconds from a number, a numeric string, an ISO 8601 string or a datetime."""
    stamp = _to_seconds(field, value)
    latest = (time.time() if now is None else now) + limits.max_future_seconds
    if stamp < EARLIEST_TIMESTAMP:
        raise ValidationError(field, value, "a time on or after 1995-01-01")
    if stamp > latest:
        raise ValidationError(field, value, "a time no more than a day in the future")
    return stamp


def _to_seconds(field: str, value: Any) -> float:
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return float(value)
    if isinstance(value, datetime):
        return _aware(value).timestamp()
    if isinstance(value, str) and not _looks_numeric(value):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(field, value, "unix seconds or an ISO 8601 time") from None
        return _aware(moment).timestamp()
    return _finite(field, value)


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _aware(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _optional_text(field: str, record: Mapping[str, Any], max_bytes: int) -> str:
    value = record.get(field)
    return "" if value is None else _text(field, value, max_bytes)


def derive_event_id(
    user_id: str,
    item_id: str,
    kind: str,
    stamp: float,
    value: float | None,
    text: str,
    session_id: str,
) -> str:
    """A stable id from an event's content, so that a retried event counts as a duplicate.

    The id starts with the time in hex, so ids of events arriving in time order are also in
    key order, which keeps the store's unique index cheap to grow.
    """
    parts = f"{user_id}\x1f{item_id}\x1f{kind}\x1f{stamp!r}\x1f{value!r}\x1f{text}\x1f{session_id}"
    digest = hashlib.blake2b(parts.encode("utf-8"), digest_size=10).hexdigest()
    return f"h{int(stamp):09x}{digest}"


def _event_value(kind: str, raw: Any, limits: Limits) -> float | None:
    if raw is None or raw == "":
        if kind == "rate":
            raise ValidationError("value", raw, "a rating for a 'rate' event")
        return None
    value = _finite("value", raw)
    if kind in ("rate", "review") and not limits.rating_min <= value <= limits.rating_max:
        raise ValidationError(
            "value", raw, f"a rating between {limits.rating_min:g} and {limits.rating_max:g}"
        )
    return value


def _event_time(raw: Any, limits: Limits, now: float | None) -> float:
    """The event's time, with a fast path for in-range integer unix seconds."""
    if raw is None:
        raise ValidationError("timestamp", None, "unix seconds or an ISO 8601 time")
    if (
        type(raw) is int
        and now is not None
        and EARLIEST_TIMESTAMP <= raw <= now + limits.max_future_seconds
    ):
        return float(raw)
    return parse_timestamp("timestamp", raw, limits, now)


def validate_event(
    record: Mapping[str, Any] | Event, limits: Limits, now: float | None = None
) -> Event:
    """Validate one event dict (keys as in `Event`) and return the `Event` it describes.

    A missing `event_id` is derived from the content (see `derive_event_id`).
    """
    if type(record) is not dict:
        if isinstance(record, Event):
            record = record.to_dict()
        elif not isinstance(record, Mapping):
            raise ValidationError("event", record, "a mapping with user_id, item_id, type, time")
    if not record.keys() <= _EVENT_KEYS:
        unknown = record.keys() - _EVENT_KEYS
        raise ValidationError(sorted(unknown)[0], "<key>", f"one of {sorted(_EVENT_KEYS)}")
    kind = record.get("type")
    if type(kind) is not str or kind not in EVENT_TYPE_CODES:
        raise ValidationError("type", kind, f"one of {', '.join(EVENT_TYPE_CODES)}")
    longest = limits.max_id_length
    user_id = record.get("user_id", "")
    if not _plain_id(user_id, longest):
        user_id = validate_id("user_id", user_id, limits)
    item_id = record.get("item_id", "")
    if kind == "search" and (item_id is None or item_id == ""):
        item_id = ""
    elif not _plain_id(item_id, longest):
        item_id = validate_id("item_id", item_id, limits)
    stamp = _event_time(record.get("timestamp"), limits, now)
    value = _event_value(kind, record.get("value"), limits)
    raw_text = record.get("text")
    text = "" if not raw_text else _text("text", raw_text, limits.max_text_bytes)
    session_id = record.get("session_id", "")
    if session_id is None or session_id == "":
        session_id = ""
    elif not _plain_id(session_id, longest):
        session_id = validate_id("session_id", session_id, limits)
    raw_id = record.get("event_id")
    if raw_id is None or raw_id == "":
        event_id = derive_event_id(user_id, item_id, kind, stamp, value, text, session_id)
    else:
        event_id = validate_id("event_id", raw_id, limits)
    return Event(event_id, user_id, item_id, kind, stamp, value, text, session_id)


def _category(raw: Any, limits: Limits) -> tuple[str, ...]:
    if raw is None or raw == "":
        return ()
    parts = raw.split(">") if isinstance(raw, str) else raw
    if not isinstance(parts, list | tuple):
        raise ValidationError("category", raw, "a path like 'A > B' or a list of names")
    return tuple(_text("category", p, limits.max_id_length).strip() for p in parts if p != "")


def _tags(raw: Any, limits: Limits) -> tuple[str, ...]:
    if raw is None or raw == "":
        return ()
    parts = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(parts, list | tuple):
        raise ValidationError("tags", raw, "a list of strings or a comma-separated string")
    return tuple(_text("tags", t, limits.max_id_length).strip() for t in parts if t != "")


def _attributes(raw: Any, limits: Limits) -> dict[str, AttributeValue]:
    if raw is None or raw == "":
        return {}
    if not isinstance(raw, Mapping):
        raise ValidationError("attributes", raw, "a mapping of names to strings or numbers")
    out: dict[str, AttributeValue] = {}
    for key, value in raw.items():
        name = _text("attributes", key, limits.max_id_length)
        field = f"attributes.{name}"
        if isinstance(value, bool) or value is None:
            out[name] = bool(value)
        elif isinstance(value, int | float):
            out[name] = _finite(field, value) if isinstance(value, float) else value
        else:
            out[name] = _text(field, value, limits.max_text_bytes)
    return out


def _optional_number(field: str, raw: Any) -> float | None:
    return None if raw is None or raw == "" else _finite(field, raw)


def _bool(field: str, raw: Any) -> bool:
    if raw is None or raw == "":
        return True
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "y", "t"):
        return True
    if text in ("0", "false", "no", "n", "f"):
        return False
    raise ValidationError(field, raw, "true or false")


def _optional_time(field: str, raw: Any, limits: Limits, now: float | None) -> float | None:
    return None if raw is None or raw == "" else parse_timestamp(field, raw, limits, now)


def validate_item(
    record: Mapping[str, Any] | Item, limits: Limits, now: float | None = None
) -> Item:
    """Validate one item dict (keys as in `Item`) and return the `Item` it describes."""
    if isinstance(record, Item):
        record = record.to_dict()
    if not isinstance(record, Mapping):
        raise ValidationError("item", record, "a mapping with at least item_id")
    unknown = record.keys() - _ITEM_KEYS
    if unknown:
        raise ValidationError(sorted(unknown)[0], "<key>", f"one of {sorted(_ITEM_KEYS)}")
    price = _optional_number("price", record.get("price"))
    if price is not None and price < 0:
        raise ValidationError("price", price, "a price of 0 or more")
    return Item(
        item_id=validate_id("item_id", record.get("item_id"), limits),
        title=_optional_text("title", record, limits.max_text_bytes),
        description=_optional_text("description", record, limits.max_text_bytes),
        category=_category(record.get("category"), limits),
        brand=_optional_text("brand", record, limits.max_id_length).strip(),
        price=price,
        currency=_optional_text("currency", record, 8).strip().upper(),
        attributes=_attributes(record.get("attributes"), limits),
        tags=_tags(record.get("tags"), limits),
        available=_bool("available", record.get("available")),
        created_at=_optional_time("created_at", record.get("created_at"), limits, now),
        updated_at=_optional_time("updated_at", record.get("updated_at"), limits, now),
    )
