"""Domain records shared by every layer: items, events, users and recommendations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

__all__ = [
    "EVENT_TYPES",
    "EVENT_TYPE_CODES",
    "AttributeValue",
    "Event",
    "Item",
    "Recommendation",
    "User",
]

#: Event types in code order; the integer code of a type is its position here.
EVENT_TYPES: Final[tuple[str, ...]] = (
    "view",
    "click",
    "add_to_cart",
    "purchase",
    "rate",
    "review",
    "search",
    "skip",
)
EVENT_TYPE_CODES: Final[Mapping[str, int]] = {name: i for i, name in enumerate(EVENT_TYPES)}

AttributeValue = str | int | float | bool


@dataclass(frozen=True, slots=True)
class Item:
    """A catalog item. Only `item_id` is required; the rest is metadata."""

    item_id: str
    title: str = ""
    description: str = ""
    category: tuple[str, ...] = ()
    brand: str = ""
    price: float | None = None
    currency: str = ""
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    available: bool = True
    created_at: float | None = None
    updated_at: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The item as a plain JSON-ready dict with the documented keys."""
        return {
            "item_id": self.item_id,
            "title": self.title,
            "description": self.description,
            "category": list(self.category),
            "brand": self.brand,
            "price": self.price,
            "currency": self.currency,
            "attributes": dict(self.attributes),
            "tags": list(self.tags),
            "available": self.available,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


class Event(NamedTuple):
    """Something a user did. `item_id` is empty only for `search` events.

    A named tuple rather than a dataclass: it is immutable too, and several times cheaper to
    build, which matters on the ingestion path.
    """

    event_id: str
    user_id: str
    item_id: str
    type: str
    timestamp: float
    value: float | None = None
    text: str = ""
    session_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The event as a plain JSON-ready dict with the documented keys."""
        return {
            "event_id": self.event_id,
            "user_id": self.user_id,
            "item_id": self.item_id,
            "type": self.type,
            "timestamp": self.timestamp,
            "value": self.value,
            "text": self.text,
            "session_id": self.session_id,
        }


@dataclass(frozen=True, slots=True)
class User:
    """A user as the store knows them."""

    user_id: str
    n_events: int = 0
    first_seen: float | None = None
    last_seen: float | None = None


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One recommended item with its score and machine-readable reasons.

    `reasons` holds dicts such as ``{"kind": "model", "model": "ease"}`` or
    ``{"kind": "because_of", "item_id": "i42", "weight": 0.31}``.
    """

    item_id: str
    score: float
    reasons: tuple[Mapping[str, Any], ...] = ()
    #: One human sentence built only from `reasons` (empty where none was built).
    explanation: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The recommendation as a plain JSON-ready dict."""
        return {
            "item_id": self.item_id,
            "score": self.score,
            "reasons": [dict(r) for r in self.reasons],
            "explanation": self.explanation,
        }
