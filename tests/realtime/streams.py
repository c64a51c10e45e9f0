"""Tiny hand-written event streams for the realtime tests, and a hypothesis strategy."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from semrec.store.base import EventArrays

Row = tuple[int, int, int, float]  # (user, item, type code, ts)


def as_arrays(events: list[Row], values: list[float] | None = None) -> EventArrays:
    """The events as `EventArrays` in the order given (values NaN unless given)."""
    if not events:
        return EventArrays(
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros(0, np.int8),
            np.zeros(0),
            np.zeros(0),
        )
    users, items, codes, ts = zip(*events, strict=True)
    return EventArrays(
        np.array(users, dtype=np.int64),
        np.array(items, dtype=np.int64),
        np.array(codes, dtype=np.int8),
        np.full(len(events), np.nan) if values is None else np.array(values, dtype=np.float64),
        np.array(ts, dtype=np.float64),
    )


@st.composite
def event_streams(draw: st.DrawFn, n_users: int = 4, n_items: int = 8) -> list[Row]:
    """Events of a few users in arrival order: time mostly moves on, sometimes far, rarely back."""
    n = draw(st.integers(0, 40))
    steps = draw(
        st.lists(st.sampled_from([0.0, 3.0, 20.0, 90.0, 5000.0, -15.0]), min_size=n, max_size=n)
    )
    users = draw(st.lists(st.integers(0, n_users - 1), min_size=n, max_size=n))
    items = draw(st.lists(st.integers(-1, n_items - 1), min_size=n, max_size=n))
    codes = draw(st.lists(st.integers(0, 7), min_size=n, max_size=n))
    ts = np.cumsum(steps).tolist() if n else []
    return list(zip(users, items, codes, ts, strict=True))
