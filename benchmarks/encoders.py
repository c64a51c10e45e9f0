"""Encoder benchmark: texts/s of each available encoder, and what the embedding cache saves.

Run with `python benchmarks/encoders.py`; writes benchmarks/results/encoders.json and
encoders.md. Texts: 2,000 sample-shop items (title and description, the shop `semrec sample
--seed 42` writes) and 2,000 Amazon musical-instrument reviews (summary and text, as the importer
joins them; the 2014 5-core file has no item metadata) when ../shared/data holds them.
Throughput is the median of `--repeat` full passes after a warm-up; the cache numbers are one
cold pass (encode and store everything) against the median all-hits pass.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from semrec.data.settings import TextSettings
from semrec.importers.amazon import review_row
from semrec.sample import write_sample
from semrec.store.embedding_cache import EmbeddingCache
from semrec.text.encoders import CachedEncoder, Encoder, make_encoder, torch_available

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
AMAZON = ROOT.parent / "shared" / "data" / "amazon-musical-instruments-5core-2014"


def sample_texts(n: int, seed: int) -> list[str]:
    """Title and description of the first `n` items of the generated sample shop."""
    with tempfile.TemporaryDirectory(prefix="semrec-bench-") as folder:
        paths = write_sample(Path(folder), seed=seed, n_items=max(n, 100))
        items = [json.loads(line) for line in paths.items.read_text("utf-8").splitlines()]
    return [f"{item['title']}. {item.get('description', '')}".strip() for item in items[:n]]


def amazon_texts(folder: Path, n: int) -> list[str] | None:
    """Summary and text of the first `n` reviews that have text, or None when the data is absent."""
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        return None
    texts: list[str] = []
    with files[0].open(encoding="utf-8") as handle:
        for line in handle:
            text = review_row(json.loads(line)).get("text")
            if text:
                texts.append(text)
            if len(texts) == n:
                break
    return texts


def timed(encoder: Encoder, texts: list[str]) -> float:
    """Seconds one `encode` of `texts` takes."""
    start = time.perf_counter()
    encoder.encode(texts)
    return time.perf_counter() - start


def throughput(encoder: Encoder, texts: list[str], repeat: int) -> dict[str, float]:
    """Texts per second: median of `repeat` passes, after a warm-up pass over 64 texts."""
    encoder.encode(texts[:64])
    runs = [timed(encoder, texts) for _ in range(repeat)]
    return {
        "texts_per_s": len(texts) / statistics.median(runs),
        "median_s": statistics.median(runs),
    }


def cache_behaviour(kind: str, texts: list[str], repeat: int) -> dict[str, Any]:
    """One cold pass through a fresh file cache, then `repeat` all-hit passes (median kept)."""
    with tempfile.TemporaryDirectory(prefix="semrec-bench-") as folder:
        cache = EmbeddingCache(Path(folder) / "embeddings.sqlite")
        encoder = CachedEncoder(make_encoder(settings(kind)), cache)
        encoder.encode(["model warm-up"])  # load the model outside the timing
        cold = timed(encoder, texts)
        cold_stats = encoder.last_stats
        warm = statistics.median(timed(encoder, texts) for _ in range(repeat))
        warm_stats = encoder.last_stats
        cache.close()
    return {
        "cold_s": cold,
        "cold": cold_stats.describe(),
        "warm_s": warm,
        "warm": warm_stats.describe(),
        "speedup": cold / warm,
    }


def settings(kind: str) -> TextSettings:
    """Text settings selecting encoder `kind` with the default batch size."""
    return TextSettings.model_validate({"encoder": kind})


def available(names: list[str]) -> list[str]:
    """The encoders of `names` that can run here (minilm-torch needs torch)."""
    return [n for n in names if n != "minilm-torch" or torch_available()]


def main() -> None:
    """Run the benchmark and write its results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=2000, help="texts per data set")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (median kept)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--amazon", type=Path, default=AMAZON)
    parser.add_argument(
        "--encoders", nargs="+", default=["hashing", "usem", "minilm-onnx", "minilm-torch"]
    )
    args = parser.parse_args()
    data = {"sample": sample_texts(args.texts, args.seed)}
    amazon = amazon_texts(args.amazon, args.texts)
    if amazon is not None:
        data["amazon-musical-instruments"] = amazon
    kinds = available(args.encoders)
    result: dict[str, Any] = {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "repeat": args.repeat,
        "load_average_at_start": os.getloadavg()[0],
        "data": {name: {"texts": len(t), "mean_chars": _mean_chars(t)} for name, t in data.items()},
        "skipped": sorted(set(args.encoders) - set(kinds)),
        "load_s": {},
        "throughput": {},
        "cache": {},
    }
    for kind in kinds:
        encoder = make_encoder(settings(kind))
        result["load_s"][kind] = timed(encoder, ["first text"])
        result["throughput"][kind] = {
            name: throughput(encoder, texts, args.repeat) for name, texts in data.items()
        }
        result["cache"][kind] = cache_behaviour(kind, data["sample"], args.repeat)
        print(kind, json.dumps(result["throughput"][kind]), json.dumps(result["cache"][kind]))
    result["load_average_at_end"] = os.getloadavg()[0]
    write(result)


def _mean_chars(texts: list[str]) -> float:
    return round(sum(map(len, texts)) / max(len(texts), 1), 1)


def write(result: dict[str, Any]) -> None:
    """Write encoders.json and encoders.md under benchmarks/results."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "encoders.json").write_text(json.dumps(result, indent=2) + "\n")
    names = list(result["data"])
    lines = [
        "# Encoder benchmark",
        "",
        f"`python benchmarks/encoders.py` on {result['machine']}; median of {result['repeat']} "
        "passes after a warm-up. 1-minute load average (other work on the machine) at start "
        f"{result['load_average_at_start']:.1f}, at end {result['load_average_at_end']:.1f}.",
        "",
        "| data | texts | mean chars |",
        "|---|---:|---:|",
        *(f"| {n} | {d['texts']:,} | {d['mean_chars']:.0f} |" for n, d in result["data"].items()),
        "",
        "| encoder | load s | " + " | ".join(f"{n} texts/s" for n in names) + " |",
        "|---|---:|" + "---:|" * len(names),
    ]
    for kind, rows in result["throughput"].items():
        rates = " | ".join(f"{rows[n]['texts_per_s']:,.0f}" for n in names)
        lines.append(f"| {kind} | {result['load_s'][kind]:.2f} | {rates} |")
    lines += ["", "Embedding cache, sample texts (SQLite file, fresh each run):", ""]
    lines += ["| encoder | cold s | warm s | speed-up | warm pass |", "|---|---:|---:|---:|---|"]
    for kind, c in result["cache"].items():
        times = f"{c['cold_s']:.3f} | {c['warm_s']:.3f} | {c['speedup']:,.0f}x"
        lines.append(f"| {kind} | {times} | {c['warm']} |")
    if result["skipped"]:
        lines += ["", f"Not available here (skipped): {', '.join(result['skipped'])}."]
    (RESULTS / "encoders.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
