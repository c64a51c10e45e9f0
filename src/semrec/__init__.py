"""semrec: real-time personalized recommendation that understands language.

>>> import semrec
>>> with semrec.Recommender.open(None) as r:  # None: in memory
...     r.upsert_items([{"item_id": "a", "title": "Guitar"}])
1
"""

from semrec.data import (
    Event,
    Item,
    NotFittedError,
    NotFoundError,
    Recommendation,
    SemrecError,
    StoreError,
    User,
    ValidationError,
)
from semrec.data.settings import Settings, load_settings
from semrec.service import IngestReport, Recommender, TrainReport

__version__ = "0.1.0"

__all__ = [
    "Event",
    "IngestReport",
    "Item",
    "NotFittedError",
    "NotFoundError",
    "Recommendation",
    "Recommender",
    "SemrecError",
    "Settings",
    "StoreError",
    "TrainReport",
    "User",
    "ValidationError",
    "__version__",
    "load_settings",
]
