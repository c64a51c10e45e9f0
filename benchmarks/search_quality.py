"""Search quality: BM25 alone, each encoder alone, and semrec's hybrid search, side by side.

Two query sets:

* **sample** — the generated shop. Queries are written from items' attributes with templates
  (paraphrase, negation, price bound) in English and Chinese; graded relevance from attribute
  overlap: 0 for another subcategory or a violated constraint, else 1 + brand match + colour
  match (each counted only when the query names it). A result *violates* a query when it has
  the excluded brand or a price above the bound (or none at all).
* **amazon** — Amazon musical instruments (5-core, reviews only): for sampled items one review
  is held out and its summary becomes the query; the item's document is built from its other
  reviews; the one relevant item is the reviewed one.

Writes benchmarks/results/search_quality.{json,md}. Run: `python benchmarks/search_quality.py`
(`--sets sample` or `--sets amazon` for one set). Search weights are chosen on validation
queries, `--seed 11 --out /tmp/validation`; the committed results use the default seed 7.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import semrec
from semrec.importers.amazon import amazon_2014
from semrec.sample import generate
from semrec.sample.taxonomy import SUBCATEGORIES
from semrec.sample.vocabulary import BRAND_ZH, COLOUR_ZH

RESULTS = Path(__file__).resolve().parent / "results"
AMAZON = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "amazon-musical-instruments-5core-2014"
)
K = 10


@dataclass(frozen=True)
class Query:
    """One benchmark query and how to judge results for it."""

    text: str
    language: str
    template: str
    gains: dict[str, float]
    violates: frozenset[str] = field(default_factory=frozenset)


# -- the sample query set ------------------------------------------------------------------------
def _sub_of(item: dict[str, Any]) -> Any:
    path = tuple(item.get("category") or ())
    for sub in SUBCATEGORIES:
        if tuple(sub.path) == path:
            return sub
    return None


def _noun(item: dict[str, Any], sub: Any) -> tuple[str, str]:
    title = item["title"].lower()
    for en, zh in sub.nouns:
        if en.lower() in title or zh in item["title"]:
            return en.lower(), zh
    return sub.nouns[0][0].lower(), sub.nouns[0][1]


def sample_queries(items: list[dict[str, Any]], n: int, seed: int) -> list[Query]:
    """Templated English and Chinese queries with graded relevance from attribute overlap."""
    rng = random.Random(seed)
    usable = [it for it in items if _sub_of(it) and it["attributes"].get("colour") and it["brand"]]
    queries: list[Query] = []
    for target in rng.sample(usable, min(n, len(usable))):
        sub = _sub_of(target)
        colour, brand = str(target["attributes"]["colour"]), target["brand"]
        en, zh = _noun(target, sub)
        others = [b for b in sub.brands if b != brand]
        other = rng.choice(others) if others else ""
        bound = float(int(target["price"] * 1.15 / 10 + 1) * 10)
        for language in ("en", "zh"):
            c = colour if language == "en" else COLOUR_ZH.get(colour, colour)
            b = brand if language == "en" else BRAND_ZH.get(brand, brand)
            o = other if language == "en" else BRAND_ZH.get(other, other)
            noun = en if language == "en" else zh
            templates = {
                "paraphrase": (f"{c} {noun} by {b}", f"{b}{c}{noun}"),
                "negation": (f"{c} {noun}, not {o}", f"{c}{noun}，不要{o}"),
                "price": (f"{c} {noun} under {bound:.0f}", f"{bound:.0f}元以内的{c}{noun}"),
            }
            for name, (text_en, text_zh) in templates.items():
                if name == "negation" and not other:
                    continue
                text = text_en if language == "en" else text_zh
                queries.append(
                    _judge(text, language, name, items, sub, colour, brand, other, bound)
                )
    return queries


def _judge(
    text: str,
    language: str,
    template: str,
    items: list[dict[str, Any]],
    sub: Any,
    colour: str,
    brand: str,
    other: str,
    bound: float,
) -> Query:
    gains: dict[str, float] = {}
    violates = set()
    for it in items:
        bad = (template == "negation" and it["brand"] == other) or (
            template == "price" and (it["price"] is None or it["price"] > bound)
        )
        if bad:
            violates.add(it["item_id"])
            continue
        if tuple(it.get("category") or ()) != tuple(sub.path):
            continue
        gain = 1.0 + (it["attributes"].get("colour") == colour)
        gain += template == "paraphrase" and it["brand"] == brand
        gains[it["item_id"]] = gain
    return Query(text, language, template, gains, frozenset(violates))


# -- the Amazon query set ------------------------------------------------------------------------
def amazon_queries(n: int, seed: int) -> tuple[list[dict[str, Any]], list[Query]]:
    """Events without the held-out reviews, and one summary query per sampled item."""
    rows = [row for source in amazon_2014(AMAZON).events for _, row in source.rows()]
    by_item: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_item.setdefault(row["item_id"], []).append(i)
    rng = random.Random(seed)
    candidates = sorted(item for item, idx in by_item.items() if len(idx) >= 4)
    held: dict[int, Query] = {}
    for item in rng.sample(candidates, min(n, len(candidates))):
        i = rng.choice(by_item[item])
        summary = rows[i]["text"].split("\n\n")[0].strip()
        if len(summary.split()) >= 3:
            held[i] = Query(summary, "en", "review-summary", {item: 1.0})
    events = [row for i, row in enumerate(rows) if i not in held]
    return events, list(held.values())


def graded_ndcg(gains: Sequence[float], ideal: Sequence[float], k: int) -> float:
    """NDCG@k with graded gains: sum of gain / log2(rank + 1), over the ideal order's sum."""
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = float(np.dot(np.asarray(gains[:k], dtype=float), discount[: len(gains[:k])]))
    best = float(np.dot(np.asarray(ideal[:k], dtype=float), discount[: len(ideal[:k])]))
    return dcg / best if best > 0 else 0.0


# -- systems and scoring -------------------------------------------------------------------------
Ranker = Callable[[Query], list[str]]


def score(queries: Sequence[Query], rank: Ranker) -> dict[str, Any]:
    """Mean NDCG@10 (graded), violation rate of returned results, and ms per query."""
    ndcgs, violations, returned, times = [], 0, 0, []
    for q in queries:
        tick = time.perf_counter()
        ids = rank(q)[:K]
        times.append((time.perf_counter() - tick) * 1000)
        ideal = sorted(q.gains.values(), reverse=True)[:K]
        ndcgs.append(graded_ndcg([q.gains.get(i, 0.0) for i in ids], ideal, K))
        violations += sum(i in q.violates for i in ids)
        returned += len(ids)
    return {
        "ndcg@10": float(np.mean(ndcgs)) if ndcgs else 0.0,
        "violation_rate": violations / max(returned, 1),
        "ms_per_query": statistics.median(times) if times else 0.0,
        "queries": len(queries),
    }


def systems(rec: semrec.Recommender, name: str) -> dict[str, Ranker]:
    """BM25 alone, the encoder alone, and semrec's hybrid over the same documents.

    BM25 alone is semrec's own lexical index (documents plus review text, jieba for Chinese)
    queried with the raw query: the hybrid minus query understanding and semantics.
    """
    language = rec._language_index()
    assert language is not None
    ids = rec._catalog.view().item_ids
    encoder = rec.encoder()

    def top(scores: np.ndarray) -> list[str]:
        scores = np.where(language.has_text, scores, -np.inf)
        best = np.argsort(-scores, kind="stable")[:K]
        return [ids[i] for i in best]

    return {
        "bm25": lambda q: top(language.lexical.scores(q.text)),
        f"{name} alone": lambda q: top(language.vectors @ encoder.encode([q.text])[0]),
        f"semrec hybrid ({name})": lambda q: [r.item_id for r in rec.search(q.text, k=K)],
    }


def run_set(
    label: str,
    load: Callable[[semrec.Recommender], None],
    queries: list[Query],
    encoders: list[str],
) -> dict[str, Any]:
    """Every system on one query set; the language index is built twice to show the cache."""
    out: dict[str, Any] = {"systems": {}, "index": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for enc in encoders:
            rec = semrec.Recommender.open(Path(tmp) / enc, {"text": {"encoder": enc}})
            load(rec)
            tick = time.perf_counter()
            first = rec._language_index(progress=True)
            cold = time.perf_counter() - tick
            rec._catalog.drop_language()
            tick = time.perf_counter()
            second = rec._language_index()
            warm = time.perf_counter() - tick
            assert first is not None and second is not None
            out["index"][enc] = {
                "documents": int(first.has_text.sum()),
                "cold_build_s": round(cold, 2),
                "cold_encoded": first.encoded,
                "warm_build_s": round(warm, 2),
                "warm_encoded": second.encoded,
                "warm_cached": second.cached,
                "texts_per_s_cold": round(first.encoded / max(cold, 1e-9), 1),
            }
            for system, rank in systems(rec, enc).items():
                if system == "bm25" and "bm25" in out["systems"]:
                    continue
                out["systems"][system] = _by_language(queries, rank)
                print(label, system, out["systems"][system]["all"])
            rec.close()
    return out


def _by_language(queries: list[Query], rank: Ranker) -> dict[str, Any]:
    result = {"all": score(queries, rank)}
    for language in sorted({q.language for q in queries}):
        result[language] = score([q for q in queries if q.language == language], rank)
    for template in sorted({q.template for q in queries}):
        result[template] = score([q for q in queries if q.template == template], rank)
    return result


def main() -> None:
    """Run both query sets and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoders", default="usem,minilm-onnx,hashing")
    parser.add_argument("--sample-queries", type=int, default=150, help="target items")
    parser.add_argument("--amazon-queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--sets", default="sample,amazon", help="comma-separated query sets")
    args = parser.parse_args()
    encoders = args.encoders.split(",")
    sets = set(args.sets.split(","))
    report: dict[str, Any] = {"machine": platform.processor() or platform.machine(), "sets": {}}
    report["seed"] = args.seed
    if "sample" in sets:
        items = [dict(it) for it in generate(seed=42).items]
        queries = sample_queries(items, args.sample_queries, args.seed)
        report["sets"]["sample"] = run_set(
            "sample", lambda r: r.upsert_items(items), queries, encoders
        )
    if "amazon" in sets and AMAZON.exists():
        events, aq = amazon_queries(args.amazon_queries, args.seed)
        report["sets"]["amazon"] = run_set(
            "amazon", lambda r: r.ingest(events, skip_invalid=True), aq, encoders
        )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "search_quality.json").write_text(json.dumps(report, indent=2))
    (args.out / "search_quality.md").write_text(markdown(report))
    print(markdown(report))


def markdown(report: dict[str, Any]) -> str:
    """The results as Markdown tables."""
    lines = ["# Search quality (NDCG@10, violation rate of returned results)", ""]
    for name, result in report["sets"].items():
        lines += [
            f"## {name}",
            "",
            "| system | NDCG@10 all | en | zh | zh/en | violations | ms/query |",
            "|---|---|---|---|---|---|---|",
        ]
        for system, r in result["systems"].items():
            en = r.get("en", {}).get("ndcg@10", float("nan"))
            zh = r.get("zh", {}).get("ndcg@10", float("nan"))
            lines.append(
                f"| {system} | {r['all']['ndcg@10']:.4f} | {en:.4f} | {zh:.4f} | "
                f"{zh / en if en else float('nan'):.3f} | "
                f"{r['all']['violation_rate']:.3f} | {r['all']['ms_per_query']:.1f} |"
            )
        lines += [
            "",
            "| encoder | documents | cold build s | encoded | warm build s | "
            "warm encoded | warm cached |",
            "|---|---|---|---|---|---|---|",
        ]
        for enc, ix in result["index"].items():
            lines.append(
                f"| {enc} | {ix['documents']} | {ix['cold_build_s']} | {ix['cold_encoded']} | "
                f"{ix['warm_build_s']} | {ix['warm_encoded']} | {ix['warm_cached']} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
