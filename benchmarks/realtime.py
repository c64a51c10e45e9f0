"""Speed of `semrec.realtime` on a synthetic log (a script, not a test).

Run: ``.venv/bin/python benchmarks/realtime.py [n_items] [n_events] [dim]``
(defaults 100,000 items, 1,000,000 events, 384-d embeddings). Prints the bulk build time per
component, the per-event `observe` cost and the per-request read cost.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from semrec.models.interactions import EventWeights
from semrec.realtime import (
    CoVisitation,
    LiveState,
    RecentItems,
    SessionVector,
    Transitions,
    Trending,
)
from semrec.store.base import EventArrays


def synthetic_log(n_items: int, n_events: int, seed: int = 0) -> EventArrays:
    """Users browsing in sessions, mostly inside one of 1,000 item clusters, Zipf popularity."""
    rng = np.random.default_rng(seed)
    n_users = n_events // 20
    users = np.sort(rng.integers(0, n_users, n_events))
    cluster_size = max(n_items // 1000, 1)
    taste = rng.integers(0, 1000, n_users)[users]
    in_cluster = taste * cluster_size + rng.integers(0, cluster_size, n_events)
    popular = np.minimum(rng.zipf(1.3, n_events) - 1, n_items - 1)
    items = np.where(rng.random(n_events) < 0.8, in_cluster, popular) % n_items
    steps = np.where(rng.random(n_events) < 0.9, rng.exponential(60.0, n_events), 86_400.0)
    first = np.ones(n_events, dtype=bool)
    first[1:] = users[1:] != users[:-1]
    clock = np.cumsum(steps)
    group_start = np.maximum.accumulate(np.where(first, clock, 0.0))
    ts = 1.7e9 + rng.uniform(0, 30 * 86_400.0, n_users)[users] + clock - group_start
    by_time = np.argsort(ts, kind="stable")
    codes = rng.choice([0, 1, 2, 3, 6], n_events, p=[0.6, 0.2, 0.1, 0.05, 0.05]).astype(np.int8)
    items = np.where(codes == 6, -1, items)
    return EventArrays(
        users[by_time].astype(np.int64),
        items[by_time].astype(np.int64),
        codes[by_time],
        np.full(n_events, np.nan),
        ts[by_time],
    )


def _timed(label: str, build: object) -> object:
    """Call `build`, print its wall time, return its result."""
    start = time.perf_counter()
    out = build()  # type: ignore[operator]
    print(f"  {label:<14} {time.perf_counter() - start:7.2f} s")
    return out


def main() -> None:
    """Build, observe and score; print the numbers."""
    args = [*sys.argv[1:], "100000", "1000000", "384"][:3]
    n_items, n_events, dim = (int(a) for a in args)
    log = synthetic_log(n_items, n_events)
    emb = np.random.default_rng(1).standard_normal((n_items, dim)).astype(np.float32)
    emb[::10] = 0.0
    w = EventWeights()
    print(f"{n_items:,} items, {n_events:,} events, {dim}-d embeddings; bulk build:")
    _timed("recent", lambda: RecentItems.from_events(log, w))
    cov = _timed("covisitation", lambda: CoVisitation.from_events(log, w, n_items))
    _timed("transitions", lambda: Transitions.from_events(log, w, n_items))
    _timed("trending", lambda: Trending.from_events(log, w, n_items))
    _timed("session", lambda: SessionVector.from_events(log, w, emb))
    state = _timed("LiveState", lambda: LiveState.from_events(log, w, n_items, emb))
    assert isinstance(state, LiveState) and isinstance(cov, CoVisitation)
    print(f"  co-visitation entries kept: {cov.to_csr().nnz:,}")

    rng = np.random.default_rng(2)
    n_obs = 50_000
    users = rng.permutation(n_events // 20 + 1000)[:n_obs].tolist()
    items = rng.integers(0, n_items + 100, n_obs).tolist()
    t0 = float(log.timestamps.max())
    for label in ("first event of each user since the build", "steady state"):
        start = time.perf_counter()
        for k in range(n_obs):
            state.observe(users[k], items[k], k % 4, float("nan"), t0 + k)
        per_event = (time.perf_counter() - start) / n_obs * 1e6
        print(f"observe ({label}): {per_event:.1f} µs/event over {n_obs:,} events")
        t0 += n_obs

    n_req = 2_000
    asked = rng.integers(0, n_events // 20, n_req).tolist()
    costs: dict[str, list[float]] = {"covisitation": [], "transitions": [], "trending": []}
    costs["session"] = []
    calls = {
        "covisitation": lambda u: state.covisitation_scores(u),
        "transitions": lambda u: state.transition_scores(u),
        "trending": lambda u: state.trending_scores(t0),
        "session": lambda u: state.session_vector(u),
    }
    for u in asked:
        for name, call in calls.items():
            start = time.perf_counter()
            call(u)
            costs[name].append((time.perf_counter() - start) * 1e6)
    for name, values in costs.items():
        arr = np.asarray(values)
        print(
            f"  {name:<14} median {np.median(arr):7.1f} µs   p99 {np.percentile(arr, 99):7.1f} µs"
        )


if __name__ == "__main__":
    main()
