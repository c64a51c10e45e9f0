"""Live per-user and per-item state updated on the write path.

Recent items, co-visitation, next-item transitions, trending and session vectors, each with a
bulk `from_events` build and an O(window) incremental update; `LiveState` holds them all.
"""

from semrec.realtime.covisitation import CoVisitation
from semrec.realtime.events import RecentEvent, WeightTable
from semrec.realtime.params import RealtimeParams
from semrec.realtime.recent import RecentItems, UserWindow
from semrec.realtime.session import SessionVector
from semrec.realtime.state import LiveState
from semrec.realtime.transitions import Transitions
from semrec.realtime.trending import Trending

__all__ = [
    "CoVisitation",
    "LiveState",
    "RealtimeParams",
    "RecentEvent",
    "RecentItems",
    "SessionVector",
    "Transitions",
    "Trending",
    "UserWindow",
    "WeightTable",
]
