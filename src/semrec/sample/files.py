"""Write a generated sample shop to JSON-lines files."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from semrec.sample.generator import generate

__all__ = ["SamplePaths", "write_jsonl", "write_sample"]


@dataclass(frozen=True, slots=True)
class SamplePaths:
    """Where `write_sample` put each file."""

    items: Path
    events: Path
    users: Path


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    """Write one compact JSON object per line (UTF-8, non-ASCII kept as is)."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
            handle.write("\n")
    return path


def write_sample(
    out_dir: Path, seed: int = 42, n_items: int = 2000, n_users: int = 1000
) -> SamplePaths:
    """Generate the sample shop and write ``items.jsonl``, ``events.jsonl`` and ``users.jsonl``.

    `out_dir` is created if absent; the same arguments always give byte-identical files.
    """
    data = generate(seed=seed, n_items=n_items, n_users=n_users)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return SamplePaths(
        items=write_jsonl(out_dir / "items.jsonl", data.items),
        events=write_jsonl(out_dir / "events.jsonl", data.events),
        users=write_jsonl(out_dir / "users.jsonl", data.tastes),
    )
