"""Ingestion benchmark: batch events/s and single-event latency through `Recommender.ingest`.

Run with `make bench` (or `python benchmarks/ingest.py`); writes benchmarks/results/ingest.json
and ingest.md. Every number includes validation, id mapping and a durable SQLite commit.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

import semrec

RESULTS = Path(__file__).resolve().parent / "results"


def synthetic_events(n: int, seed: int, with_ids: bool) -> list[dict[str, Any]]:
    """Events shaped like a shop's: Zipf-skewed items, many users, time-ordered."""
    rng = np.random.default_rng(seed)
    users = rng.integers(0, max(n // 20, 1), n)
    items = np.minimum(rng.zipf(1.3, n), 200_000)
    kinds = rng.choice(["view", "click", "add_to_cart", "purchase"], n, p=[0.7, 0.2, 0.07, 0.03])
    start = 1_700_000_000
    out = []
    for i in range(n):
        event: dict[str, Any] = {
            "user_id": f"user{users[i]}",
            "item_id": f"sku{items[i]}",
            "type": str(kinds[i]),
            "timestamp": start + i,
            "session_id": f"s{users[i]}-{i // 1000}",
        }
        if with_ids:
            event["event_id"] = str(uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | i))
        out.append(event)
    return out


def batch_rate(events: list[dict[str, Any]], batch: int, sync: str) -> float:
    """Events per second ingesting `events` in batches of `batch` into a fresh home."""
    home = Path(tempfile.mkdtemp(prefix="semrec-bench-"))
    try:
        with semrec.Recommender.open(home, {"store": {"synchronous": sync}}) as rec:
            start = time.perf_counter()
            for i in range(0, len(events), batch):
                rec.ingest(events[i : i + batch])
            return len(events) / (time.perf_counter() - start)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def single_latency(
    preload: list[dict[str, Any]], events: list[dict[str, Any]], sync: str
) -> dict[str, float]:
    """p50/p99 milliseconds of one-event `ingest` calls into a store that already has data."""
    home = Path(tempfile.mkdtemp(prefix="semrec-bench-"))
    try:
        with semrec.Recommender.open(home, {"store": {"synchronous": sync}}) as rec:
            rec.ingest(preload)
            times = []
            for event in events:
                start = time.perf_counter()
                rec.ingest([event])
                times.append((time.perf_counter() - start) * 1000)
        cut = statistics.quantiles(times, n=100)
        return {"p50_ms": statistics.median(times), "p99_ms": cut[98], "n": len(times)}
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    """Run the benchmark and write its results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per batch case (median kept)")
    args = parser.parse_args()
    derived = synthetic_events(args.events, 1, with_ids=False)
    given = synthetic_events(args.events, 2, with_ids=True)
    tail = synthetic_events(args.single, 3, with_ids=False)
    for e in tail:
        e["timestamp"] += args.events
    result: dict[str, Any] = {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "events": args.events,
        "batch_size": args.batch,
        "batch_events_per_s": {
            name: statistics.median(
                batch_rate(events, args.batch, sync) for _ in range(args.repeat)
            )
            for name, events, sync in (
                ("derived_ids_sync_normal", derived, "normal"),
                ("client_uuid_ids_sync_normal", given, "normal"),
                ("derived_ids_sync_full", derived, "full"),
            )
        },
        "repeat": args.repeat,
        "single_event_latency": {
            "sync_normal": single_latency(derived[:100_000], tail, "normal"),
            "sync_full": single_latency(derived[:100_000], tail, "full"),
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# Ingestion benchmark",
        "",
        f"`python benchmarks/ingest.py` on {result['machine']}",
        "",
        f"{args.events:,} events in batches of {args.batch:,}; median of {args.repeat} runs.",
        "",
        "| case | events/s |",
        "|---|---:|",
    ]
    lines += [f"| {k} | {v:,.0f} |" for k, v in result["batch_events_per_s"].items()]
    lines += ["", "| single event | p50 ms | p99 ms |", "|---|---:|---:|"]
    lines += [
        f"| {k} | {v['p50_ms']:.3f} | {v['p99_ms']:.3f} |"
        for k, v in result["single_event_latency"].items()
    ]
    (RESULTS / "ingest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
