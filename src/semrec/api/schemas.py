"""Request and response models of the HTTP API (they are also its OpenAPI documentation).

Item and event records stay plain objects here: the service validates them, so one set of
rules (and one error naming field, value and expectation) holds for the API, CLI and Python.
"""

from __future__ import annotations

from typing import Any, Literal

import orjson
from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

from semrec.data.records import Recommendation

__all__ = [
    "DeletedOut",
    "ErrorOut",
    "EventsIn",
    "ForgetOut",
    "IngestOut",
    "ItemOut",
    "ItemsIn",
    "LiveOut",
    "ReadyOut",
    "RecommendQuery",
    "RecommendationOut",
    "RecommendationsOut",
    "SearchIn",
    "SearchOut",
    "SimilarOut",
    "StatsOut",
    "TrainStatusOut",
    "UpsertOut",
    "ValidationErrorOut",
    "recommendations_answer",
]

_STRICT = ConfigDict(extra="forbid")
K = Field(10, ge=1, le=1000, description="How many items (1 to 1000).")

_ITEM_EXAMPLE = {
    "item_id": "sku-1",
    "title": "Acoustic guitar",
    "category": "Music > Guitars",
    "brand": "Yamaha",
    "price": 199.0,
}
_EVENT_EXAMPLE = {
    "user_id": "u1",
    "item_id": "sku-1",
    "type": "purchase",
    "timestamp": 1700000000,
}


class ErrorOut(BaseModel):
    """Every error answer: a machine-readable code and a message."""

    error: str
    message: str


class Problem(BaseModel):
    """One invalid input: which field, the value sent, and what was expected."""

    field: str
    value: Any = None
    expected: str


class ValidationErrorOut(ErrorOut):
    """A 422 answer: the first problem at the top level, all problems in `errors`."""

    field: str
    value: Any = None
    expected: str
    errors: list[Problem] = Field(default_factory=list)


class ItemsIn(BaseModel):
    """Items to insert or replace, all or nothing (fields as in the item file format)."""

    model_config = _STRICT
    items: list[dict[str, Any]] = Field(examples=[[_ITEM_EXAMPLE]])


class ItemOut(BaseModel):
    """A catalog item."""

    item_id: str
    title: str = ""
    description: str = ""
    category: list[str] = Field(default_factory=list)
    brand: str = ""
    price: float | None = None
    currency: str = ""
    attributes: dict[str, str | int | float | bool] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    available: bool = True
    created_at: float | None = None
    updated_at: float | None = None


class UpsertOut(BaseModel):
    """How many items were written."""

    upserted: int


class DeletedOut(BaseModel):
    """The item removed from the catalog."""

    item_id: str
    deleted: int


class EventsIn(BaseModel):
    """Events to store (fields as in the event file format)."""

    model_config = _STRICT
    events: list[dict[str, Any]] = Field(examples=[[_EVENT_EXAMPLE]])


class IngestOut(BaseModel):
    """What `POST /events` did: stored, repeated event ids, rejected (with reasons)."""

    accepted: int
    duplicates: int
    rejected: int
    errors: list[str]


class RecommendationOut(BaseModel):
    """One recommended item, its score, machine-readable reasons and a sentence from them."""

    item_id: str
    score: float
    reasons: list[dict[str, Any]]
    explanation: str = Field(
        description="One sentence built only from `reasons`, in the requested locale "
        "(empty where none was built).",
        examples=["Because you viewed the Yamaha P-45, and it is under your 500 limit."],
    )


def recommendations_answer(recs: list[Recommendation], **fields: Any) -> Response:
    """A JSON answer of `fields` and the recommendations as ``items``, encoded once.

    The read routes return this instead of their response model (which still documents them
    in OpenAPI): FastAPI's validation and encoding of what the service built took a tenth of
    a worker's CPU under load. Every value here is already a plain JSON type.
    """
    body = {**fields, "items": [r.to_dict() for r in recs]}
    return Response(orjson.dumps(body), media_type="application/json")


class RecommendationsOut(BaseModel):
    """A user's recommendations."""

    user_id: str
    items: list[RecommendationOut]
    model_version: int | None


class RecommendQuery(BaseModel):
    """Query parameters of `GET /users/{user_id}/recommendations`; unknown ones are refused."""

    model_config = _STRICT
    k: int = K
    exclude_seen: bool = Field(True, description="Leave out items the user already touched.")
    exclude: list[str] = Field(default_factory=list, description="Item ids to leave out.")
    category: str | None = Field(None, description="Category path prefix, e.g. 'Music > Guitars'.")
    brand: list[str] = Field(default_factory=list, description="Allowed brands (repeatable).")
    min_price: float | None = None
    max_price: float | None = None
    query: str | None = Field(None, description="Free text that steers the recommendations.")
    session_id: str | None = Field(None, description="The current session of the user.")
    rule: list[str] = Field(
        default_factory=list,
        description="Business rules, repeatable, applied after the shop's own: "
        "`ACTION [AMOUNT]: FIELD OP VALUE` with ACTION filter, boost, bury or pin, e.g. "
        "`boost 0.3: brand == 'Yamaha'`, `filter: price < 50`, `pin: item_id == 'sku-1'`.",
        examples=[["boost 0.3: brand == 'Yamaha'", "filter: price < 50"]],
    )
    diversity: float | None = Field(
        None, ge=0.0, le=1.0, description="0 (off) to 1: maximal marginal relevance."
    )
    category_cap: int | None = Field(None, ge=1, description="At most this many per category.")
    objective: Literal["relevance", "revenue", "margin"] | None = Field(
        None, description="Rank for relevance, or relevance times price (revenue) or margin."
    )
    locale: Literal["en", "zh"] = Field("en", description="Language of each `explanation`.")

    def filters(self) -> dict[str, Any]:
        """The request filters in the service's vocabulary (only those given)."""
        given = {
            "exclude": self.exclude or None,
            "category": self.category,
            "brand": self.brand or None,
            "min_price": self.min_price,
            "max_price": self.max_price,
        }
        return {key: value for key, value in given.items() if value is not None}

    def options(self) -> dict[str, Any]:
        """The re-ranking and explanation options in the service's vocabulary."""
        return {
            "rules": self.rule or None,
            "diversity": self.diversity,
            "category_cap": self.category_cap,
            "objective": self.objective,
            "locale": self.locale,
        }


class SimilarOut(BaseModel):
    """Items similar to one item."""

    item_id: str
    items: list[RecommendationOut]
    model_version: int | None


class SearchIn(BaseModel):
    """A natural-language search, optionally personalised and filtered."""

    model_config = _STRICT
    query: str = Field(min_length=1, examples=["warm wool socks under 20 euros"])
    k: int = K
    user_id: str | None = None
    filters: dict[str, Any] | None = Field(
        None, description="category, brand, min_price, max_price, exclude."
    )


class SearchOut(BaseModel):
    """Search results."""

    query: str
    items: list[RecommendationOut]
    model_version: int | None


class ForgetOut(BaseModel):
    """A forgotten user and how many of their events were deleted."""

    user_id: str
    deleted_events: int


class TrainStatusOut(BaseModel):
    """Background training: state (idle, running, succeeded, failed), the last run, schedule."""

    state: str
    queued: bool
    runs: int
    started_at: float | None
    finished_at: float | None
    report: dict[str, Any] | None
    error: str | None
    model_version: int | None = Field(None, description="The snapshot version being served.")
    schedule: dict[str, Any] = Field(
        default_factory=dict,
        description="serve.train_interval_s, serve.train_every_events, pending_events.",
    )


class StatsOut(BaseModel):
    """Counts from the store and the serving snapshot (more keys may appear)."""

    model_config = ConfigDict(extra="allow")
    items: int | None = None
    users: int | None = None
    events: int | None = None
    events_by_type: dict[str, int] | None = None
    snapshot: int | None = None
    serving: dict[str, Any] | None = None


class LiveOut(BaseModel):
    """The process answers."""

    status: str


class ReadyOut(BaseModel):
    """Whether requests can be served: store open and a model snapshot loaded."""

    ready: bool
    model_version: int | None
