"""Every validation rule for events: one clear error naming field, value and expectation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from semrec.data import Limits, SemrecError, ValidationError, validate_event

LIMITS = Limits()
GOOD: dict[str, Any] = {
    "user_id": "u1",
    "item_id": "i1",
    "type": "rate",
    "timestamp": 1_600_000_000,
    "value": 4,
}


def _with(**changes: Any) -> dict[str, Any]:
    return {**GOOD, **changes}


def test_a_good_event_keeps_its_fields() -> None:
    event = validate_event(_with(text="nice", session_id="s1", event_id="e1"), LIMITS)
    assert (event.user_id, event.item_id, event.type) == ("u1", "i1", "rate")
    assert (event.value, event.text, event.session_id, event.event_id) == (4.0, "nice", "s1", "e1")


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"user_id": ""}, "user_id", "non-empty"),
        ({"user_id": "   "}, "user_id", "non-empty"),
        ({"user_id": "u" * 257}, "user_id", "at most 256"),
        ({"item_id": None}, "item_id", "a string"),
        ({"user_id": "a\nb"}, "user_id", "control characters"),
        ({"type": "like"}, "type", "one of view, click"),
        ({"type": None}, "type", "one of"),
        ({"value": 6}, "value", "between 0 and 5"),
        ({"value": -1}, "value", "between 0 and 5"),
        ({"value": None}, "value", "a rating for a 'rate' event"),
        ({"value": float("nan")}, "value", "finite"),
        ({"value": float("inf")}, "value", "finite"),
        ({"value": "much"}, "value", "finite number"),
        ({"value": True}, "value", "finite number"),
        ({"timestamp": float("nan")}, "timestamp", "finite"),
        ({"timestamp": 788918399}, "timestamp", "1995-01-01"),
        ({"timestamp": "1994-12-31T23:59:59Z"}, "timestamp", "1995-01-01"),
        ({"timestamp": 4_102_444_800}, "timestamp", "a day in the future"),
        ({"timestamp": "yesterday"}, "timestamp", "ISO 8601"),
        ({"timestamp": None}, "timestamp", "ISO 8601"),
        ({"text": "x" * 65537}, "text", "at most 65536 bytes"),
        ({"text": "\ud800"}, "text", "UTF-8"),
        ({"text": b"\xff\xfe"}, "text", "UTF-8"),
        ({"event_id": ""}, None, None),
        ({"colour": "red"}, "colour", "one of"),
    ],
)
def test_bad_events_name_field_value_and_expectation(
    changes: dict[str, Any], field: str | None, expected: str | None
) -> None:
    if field is None:  # an empty event id is allowed: one is derived from the content
        assert validate_event(_with(**changes), LIMITS).event_id.startswith("h")
        return
    with pytest.raises(ValidationError) as info:
        validate_event(_with(**changes), LIMITS)
    assert info.value.field == field
    assert expected in str(info.value)
    assert str(info.value).startswith(f"{field}: got ")
    assert isinstance(info.value, SemrecError)


@pytest.mark.parametrize(
    "stamp",
    [
        1_600_000_000,
        1_600_000_000.0,
        "1600000000",
        "2020-09-13T12:26:40Z",
        "2020-09-13T12:26:40+00:00",
        "2020-09-13T14:26:40+02:00",
        datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC),
    ],
)
def test_timestamps_accept_unix_seconds_and_iso_8601(stamp: Any) -> None:
    assert validate_event(_with(timestamp=stamp), LIMITS).timestamp == 1_600_000_000.0


def test_a_rating_range_comes_from_the_limits() -> None:
    ten = Limits(rating_min=1, rating_max=10)
    assert validate_event(_with(value=9), ten).value == 9.0
    with pytest.raises(ValidationError, match="between 1 and 10"):
        validate_event(_with(value=0.5), ten)


def test_search_events_need_no_item_but_other_types_do() -> None:
    search = validate_event(_with(type="search", item_id="", value=None, text="red shoes"), LIMITS)
    assert search.item_id == ""
    with pytest.raises(ValidationError) as info:
        validate_event(_with(type="view", item_id="", value=None), LIMITS)
    assert info.value.field == "item_id"


def test_integer_ids_become_strings() -> None:
    event = validate_event(_with(user_id=7, item_id=42), LIMITS)
    assert (event.user_id, event.item_id) == ("7", "42")


def test_derived_event_ids_are_stable_and_content_sensitive() -> None:
    first = validate_event(GOOD, LIMITS).event_id
    assert validate_event(dict(GOOD), LIMITS).event_id == first
    assert validate_event(_with(value=3), LIMITS).event_id != first
    assert validate_event(_with(timestamp=1_600_000_001), LIMITS).event_id != first


def test_a_non_mapping_is_refused() -> None:
    with pytest.raises(ValidationError, match="a mapping"):
        validate_event(["u1", "i1"], LIMITS)  # type: ignore[arg-type]
