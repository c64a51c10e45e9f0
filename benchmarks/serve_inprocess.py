"""In-process request cost on the large synthetic homes of `serve_load.py` (no HTTP).

Run: ``.venv/bin/python benchmarks/serve_inprocess.py [--sizes 100000 1000000]`` after
``benchmarks/serve_load.py`` has built its homes under ``--work`` (they are cached there).
Opens each home through the public API, answers one request to warm the caches, then times
`recommend` for 40 users and `similar` for 20 items with one BLAS thread (as `semrec serve`
runs requests), and profiles 15 more requests. Writes benchmarks/results/serve_inprocess.md.

This separates the recommender's own cost from the HTTP server's: the issue's 1M-item target
(p99 <= 15 ms) is for the whole request.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import platform
import pstats
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from semrec.service import Recommender

RESULTS = Path(__file__).resolve().parent / "results"


def percentiles(seconds: list[float]) -> str:
    """p50 / p99 / max in milliseconds, as one table cell each."""
    ms = np.asarray(seconds) * 1000.0
    return " | ".join(f"{v:.1f}" for v in (np.median(ms), np.percentile(ms, 99), ms.max()))


def measure(home: Path, n_users: int) -> tuple[str, str]:
    """One table row for `home` and the profile of 15 requests."""
    start = time.perf_counter()
    rec = Recommender.open(home)
    users = [f"u{i}" for i in range(0, n_users, max(1, n_users // 60))][:56]
    rec.recommend(users[0])
    ready = time.perf_counter() - start
    with threadpool_limits(limits=1, user_api="blas"):
        reads = []
        for user in users[1:41]:
            tick = time.perf_counter()
            rec.recommend(user)
            reads.append(time.perf_counter() - tick)
        items = [r.item_id for r in rec.recommend(users[1], k=20)]
        similar = []
        for item in items:
            tick = time.perf_counter()
            rec.similar(item)
            similar.append(time.perf_counter() - tick)
        profile = cProfile.Profile()
        profile.enable()
        for user in users[41:56]:
            rec.recommend(user)
        profile.disable()
    rec.close()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
    row = f"{ready:.0f} | {percentiles(reads)} | {percentiles(similar)}"
    return row, out.getvalue()


def main() -> None:
    """Measure each size whose home exists and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/semrec-serve-load"))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    lines = [
        "# In-process request cost at 100k and 1M items",
        "",
        f"`python benchmarks/serve_inprocess.py` on {platform.machine()}, 2 cores, "
        f"Python {platform.python_version()}; homes from `benchmarks/serve_load.py` (ALS 64 "
        "factors + popularity, text off, 10 events per item). One BLAS thread.",
        "",
        "| items | open + first request s | recommend p50 ms | p99 | max | similar p50 ms "
        "| p99 | max |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    profiles = []
    for n_items in args.sizes:
        home = args.work / f"home-{n_items}"
        if not home.exists():
            print(f"skipped {n_items}: no home at {home} (run benchmarks/serve_load.py first)")
            continue
        row, profile = measure(home, n_items // 2)
        lines.append(f"| {n_items:,} | {row} |")
        profiles += ["", f"Profile of 15 `recommend` calls at {n_items:,} items:", "", "```"]
        profiles += [profile.strip(), "```"]
        print(lines[-1], flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "serve_inprocess.md").write_text("\n".join(lines + profiles) + "\n")


if __name__ == "__main__":
    main()
