"""Domain types, validation and settings: the bottom layer, importing no other semrec layer."""

from semrec.data.errors import (
    EncoderError,
    ImportFileError,
    NotFittedError,
    NotFoundError,
    SemrecError,
    SettingsError,
    StoreError,
    ValidationError,
)
from semrec.data.records import (
    EVENT_TYPE_CODES,
    EVENT_TYPES,
    Event,
    Item,
    Recommendation,
    User,
)
from semrec.data.validation import Limits, parse_timestamp, validate_event, validate_item

__all__ = [
    "EVENT_TYPES",
    "EVENT_TYPE_CODES",
    "EncoderError",
    "Event",
    "ImportFileError",
    "Item",
    "Limits",
    "NotFittedError",
    "NotFoundError",
    "Recommendation",
    "SemrecError",
    "SettingsError",
    "StoreError",
    "User",
    "ValidationError",
    "parse_timestamp",
    "validate_event",
    "validate_item",
]
