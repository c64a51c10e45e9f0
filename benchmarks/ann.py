"""Nearest-neighbour benchmark: exact search against faiss HNSW, hnswlib and usearch.

Run with `python benchmarks/ann.py` (or `--quick`); writes benchmarks/results/ann.json and
ann.md. Data: clustered unit vectors (a Gaussian mixture of n/1000 components plus a shared
24-dimensional latent factor and isotropic noise), queries drawn from the same mixture. Every
library builds with the same graph (M=16, ef_construction=100) on `--build-threads` threads and
answers one query at a time on one thread (BLAS limited to one thread for exact search), so the
latencies compare like with like. Memory is each library's own account of its index size.
Filtered search keeps a random 10% / 1% of the items: faiss checks a bitmap inside the
graph walk, hnswlib calls a Python filter, usearch (no filter in Python) over-fetches and grows;
all three widen the beam as `semrec.index.HnswIndex` does, and the `semrec` row is that class
(faiss plus its exact fallback for selective filters).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import faiss
import hnswlib
import numpy as np
from threadpoolctl import threadpool_limits
from usearch.index import Index as UsearchIndex

from semrec.index import ExactIndex, HnswIndex
from semrec.index.hnsw import FILTER_EF_SCALE, auto_ef

RESULTS = Path(__file__).resolve().parent / "results"
M, EF_CONSTRUCTION, K = 16, 100, 10
Searcher = Callable[[np.ndarray], np.ndarray]


def clustered(n: int, dim: int, seed: int) -> np.ndarray:
    """`n` unit vectors from a Gaussian mixture with a low-dimensional shared latent factor."""
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((max(n // 1000, 10), dim), dtype=np.float32)
    basis = rng.standard_normal((24, dim), dtype=np.float32) / np.sqrt(24)
    out = np.empty((n, dim), np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        x = centers[rng.integers(0, len(centers), m)] * 0.6
        x += rng.standard_normal((m, 24), dtype=np.float32) @ basis
        x += 0.1 * rng.standard_normal((m, dim), dtype=np.float32)
        out[start : start + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def truth(x: np.ndarray, q: np.ndarray, allow: np.ndarray | None = None) -> np.ndarray:
    """True top-K ids per query (among allowed rows), chunked to bound memory."""
    out = np.empty((len(q), K), np.int64)
    for i in range(0, len(q), 20):
        s = q[i : i + 20] @ x.T
        if allow is not None:
            s[:, ~allow] = -np.inf
        part = np.argpartition(-s, K, axis=1)[:, :K]
        order = np.argsort(-np.take_along_axis(s, part, 1), axis=1)
        out[i : i + 20] = np.take_along_axis(part, order, 1)
    return out


def timed(search: Searcher, q: np.ndarray) -> dict[str, float]:
    """Single-query p50/p99 ms and recall@K of `search` (callable per query)."""
    found, times = [], []
    for v in q:
        start = time.perf_counter()
        found.append(search(v))
        times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": float(np.percentile(times, 50)), "p99_ms": float(np.percentile(times, 99)),
            "found": found}  # fmt: skip


def score(stats: dict[str, Any], expected: np.ndarray) -> dict[str, float]:
    """`stats` with recall@K against `expected` and the share of queries that got K results."""
    found = stats.pop("found")
    pairs = zip(found, expected, strict=True)
    hits = [len(set(np.asarray(f).tolist()) & set(t.tolist())) / K for f, t in pairs]
    full = [len(np.asarray(f)) == K for f in found]
    return stats | {"recall": float(np.mean(hits)), "complete": float(np.mean(full))}


def filtered_ef(ef: int, fraction: float) -> int:
    """The beam `semrec.index.HnswIndex` uses for a filter passing `fraction` of the items."""
    return max(ef, math.ceil(ef * FILTER_EF_SCALE / fraction))


class Lib:
    """One ANN library behind build / search / filtered search, with its thread settings."""

    name = ""

    def build(self, x: np.ndarray, threads: int) -> None:
        """Insert all of `x` (ids 0..n-1) using `threads` threads."""
        raise NotImplementedError

    def searcher(self, ef: int) -> Searcher:
        """Top-K ids of one query with beam `ef`, one thread."""
        raise NotImplementedError

    def filtered(self, ef: int, allow: np.ndarray) -> Searcher:
        """Top-K allowed ids of one query, the library's own way of filtering."""
        raise NotImplementedError

    def size_mb(self) -> float:
        """The index's size by the library's own account (its serialised form)."""
        raise NotImplementedError


class Faiss(Lib):
    """faiss IndexHNSWFlat; filters with a bitmap selector checked in the graph walk."""

    name = "faiss"

    def build(self, x: np.ndarray, threads: int) -> None:
        faiss.omp_set_num_threads(threads)
        self.index = faiss.IndexHNSWFlat(x.shape[1], M, faiss.METRIC_INNER_PRODUCT)
        self.index.hnsw.efConstruction = EF_CONSTRUCTION
        self.index.add(x)
        faiss.omp_set_num_threads(1)

    def searcher(self, ef: int) -> Searcher:
        params = faiss.SearchParametersHNSW(efSearch=ef)
        return lambda v: self.index.search(v[None], K, params=params)[1][0]

    def filtered(self, ef: int, allow: np.ndarray) -> Searcher:
        self.bits = np.packbits(allow, bitorder="little")  # the selector only points at it
        self.selector = faiss.IDSelectorBitmap(self.bits.size, faiss.swig_ptr(self.bits))
        params = faiss.SearchParametersHNSW(
            sel=self.selector, efSearch=filtered_ef(ef, allow.mean())
        )
        return lambda v: [i for i in self.index.search(v[None], K, params=params)[1][0] if i >= 0]

    def size_mb(self) -> float:
        return faiss.serialize_index(self.index).nbytes / 1e6


class Hnswlib(Lib):
    """hnswlib; filters with a Python callable per visited candidate."""

    name = "hnswlib"

    def build(self, x: np.ndarray, threads: int) -> None:
        self.index = hnswlib.Index(space="ip", dim=x.shape[1])
        self.index.init_index(max_elements=len(x), M=M, ef_construction=EF_CONSTRUCTION)
        self.index.set_num_threads(threads)
        self.index.add_items(x, np.arange(len(x)))
        self.index.set_num_threads(1)

    def searcher(self, ef: int) -> Searcher:
        def search(v: np.ndarray) -> np.ndarray:
            self.index.set_ef(ef)
            return self.index.knn_query(v, K)[0][0]

        return search

    def filtered(self, ef: int, allow: np.ndarray) -> Searcher:
        ef = filtered_ef(ef, allow.mean())

        def search(v: np.ndarray) -> np.ndarray:
            self.index.set_ef(ef)
            return self.index.knn_query(v, K, filter=lambda i: bool(allow[i]))[0][0]

        return search

    def size_mb(self) -> float:
        return float(self.index.index_file_size()) / 1e6


class Usearch(Lib):
    """usearch; its Python API has no filter, so over-fetch K/fraction and double until K pass."""

    name = "usearch"

    def build(self, x: np.ndarray, threads: int) -> None:
        self.index = UsearchIndex(
            ndim=x.shape[1], metric="ip", dtype="f32", connectivity=M, expansion_add=EF_CONSTRUCTION
        )
        self.index.add(np.arange(len(x)), x, threads=threads)

    def searcher(self, ef: int) -> Searcher:
        def search(v: np.ndarray) -> np.ndarray:
            self.index.expansion_search = ef
            return self.index.search(v, K, threads=1).keys

        return search

    def filtered(self, ef: int, allow: np.ndarray) -> Searcher:
        def search(v: np.ndarray) -> np.ndarray:
            count = math.ceil(K / allow.mean() * 1.5)
            while True:
                self.index.expansion_search = max(filtered_ef(ef, allow.mean()), count)
                keys = self.index.search(v, count, threads=1).keys
                keys = keys[allow[keys]][:K]
                if len(keys) == K or count >= len(allow):
                    return keys
                count *= 2

        return search

    def size_mb(self) -> float:
        return float(self.index.memory_usage) / 1e6


class Semrec(Lib):
    """`semrec.index.HnswIndex` (faiss plus exact fallback); `ef` is its `ef_search`."""

    name = "semrec"

    def build(self, x: np.ndarray, threads: int) -> None:
        faiss.omp_set_num_threads(threads)
        self.index = HnswIndex(x.shape[1])
        self.index.add(np.arange(len(x)), x)
        faiss.omp_set_num_threads(1)

    def searcher(self, ef: int) -> Searcher:
        self.index.ef_search = ef
        return lambda v: self.index.search(v, K)[0]

    def filtered(self, ef: int, allow: np.ndarray) -> Searcher:
        self.index.ef_search = ef
        return lambda v: self.index.search(v, K, allow=allow)[0]

    def size_mb(self) -> float:
        return sum(a.nbytes for a in self.index.to_arrays().values()) / 1e6


LIBS: dict[str, type[Lib]] = {c.name: c for c in (Faiss, Hnswlib, Usearch, Semrec)}


def run_case(n: int, dim: int, libs: list[str], efs: list[int], args: argparse.Namespace) -> dict:
    """Every measurement for one data size: exact, then each library."""
    t0 = time.perf_counter()
    both = clustered(n + args.queries, dim, seed=n + dim)
    x, q = both[:n], both[n:]
    rng = np.random.default_rng(7)
    masks = {f: rng.random(n) < f for f in args.fractions}
    with threadpool_limits(args.build_threads):
        expected = truth(x, q)
        expected_f = {f: truth(x, q, masks[f]) for f in args.fractions}
    case: dict[str, Any] = {"n": n, "dim": dim, "data_s": time.perf_counter() - t0}
    case["rows"] = [run_exact(x, q, masks, expected, expected_f)]
    for name in libs:
        case["rows"].append(run_lib(LIBS[name](), x, q, efs, masks, expected, expected_f, args))
        print(json.dumps({"n": n, "dim": dim} | case["rows"][-1]), flush=True)
    return case


def run_exact(
    x: np.ndarray,
    q: np.ndarray,
    masks: dict[float, np.ndarray],
    expected: np.ndarray,
    expected_f: dict[float, np.ndarray],
) -> dict[str, Any]:
    """`ExactIndex` (numpy matrix product, BLAS on one thread) on the same queries."""
    index = ExactIndex(x.shape[1])
    start = time.perf_counter()
    index.add(np.arange(len(x)), x)
    row = {"lib": "exact", "build_s": time.perf_counter() - start, "mem_mb": x.nbytes / 1e6}
    with threadpool_limits(1):
        row["search"] = {"exact": score(timed(lambda v: index.search(v, K)[0], q), expected)}
        row["filtered"] = {
            str(f): score(timed(lambda v, a=a: index.search(v, K, allow=a)[0], q), expected_f[f])
            for f, a in masks.items()
        }
    return row


def run_lib(
    lib: Lib,
    x: np.ndarray,
    q: np.ndarray,
    efs: list[int],
    masks: dict[float, np.ndarray],
    expected: np.ndarray,
    expected_f: dict[float, np.ndarray],
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Build one library's index on `x`, then time plain and filtered queries at each ef.

    `semrec` runs at its default beam only (ef_search=0: auto); filtered searches of the raw
    libraries start from the same automatic beam, `auto_ef(n)`, or `--filter-ef`.
    """
    gc.collect()
    start = time.perf_counter()
    lib.build(x, args.build_threads)
    row: dict[str, Any] = {"lib": lib.name, "build_s": time.perf_counter() - start}
    row["mem_mb"] = lib.size_mb()
    if lib.name == "semrec":
        efs, ef = [0], 0
    else:
        ef = args.filter_ef or auto_ef(len(x))
    with threadpool_limits(1):
        row["search"] = {
            str(e) if e else f"auto={auto_ef(len(x))}": score(timed(lib.searcher(e), q), expected)
            for e in efs
        }
        row["filter_ef"] = ef or auto_ef(len(x))
        row["filtered"] = {
            str(f): score(timed(lib.filtered(ef, masks[f]), q), expected_f[f]) for f in masks
        }
    del lib
    gc.collect()
    return row


def crossover(sizes: list[int], dims: list[int], queries: int) -> list[dict[str, Any]]:
    """Exact vs `HnswIndex` p50 latency and recall at small sizes: where ANN starts to win."""
    out = []
    for dim in dims:
        for n in sizes:
            both = clustered(n + queries, dim, seed=n)
            x, q = both[:n], both[n:]
            exact, ann = ExactIndex(dim), HnswIndex(dim)
            exact.add(np.arange(n), x)
            start = time.perf_counter()
            ann.add(np.arange(n), x)
            build = time.perf_counter() - start
            with threadpool_limits(1):
                expected = truth(x, q)
                e = score(timed(lambda v, i=exact: i.search(v, K)[0], q), expected)
                a = score(timed(lambda v, i=ann: i.search(v, K)[0], q), expected)
            out.append({"n": n, "dim": dim, "exact": e, "hnsw": a, "hnsw_build_s": build})
            print(json.dumps(out[-1]), flush=True)
    return out


def parse_case(text: str) -> tuple[int, int, list[str]]:
    """Parse "100000x64:faiss,hnswlib" into (100000, 64, ["faiss", "hnswlib"])."""
    size, _, libs = text.partition(":")
    n, dim = size.split("x")
    names = libs.split(",") if libs else list(LIBS)
    unknown = set(names) - set(LIBS)
    if unknown:
        raise SystemExit(f"unknown libraries {sorted(unknown)}; known: {sorted(LIBS)}")
    return int(n), int(dim), names


def markdown(result: dict[str, Any]) -> list[str]:
    """The results as markdown tables."""
    lines = [
        "# Nearest-neighbour benchmark",
        "",
        f"`python benchmarks/ann.py {result['argv']}` on {result['machine']}; "
        f"load average {result['load_before']} before, {result['load_after']} after "
        f"(the cores are shared, so expect noise); {result['total_s']:.0f} s in all.",
        "",
        f"Build on {result['build_threads']} threads (M={M}, ef_construction={EF_CONSTRUCTION}); "
        f"{result['queries']} single queries, one thread, k={K}. "
        "Memory: the index's size by the library's own account (serialised size; "
        "usearch: memory_usage); exact: the float32 matrix.",
        "",
        "| n | dim | index | build s | mem MB | ef | p50 ms | p99 ms | recall@10 |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for case in result["cases"]:
        for row in case["rows"]:
            for ef, s in row["search"].items():
                lines.append(
                    f"| {case['n']:,} | {case['dim']} | {row['lib']} | {row['build_s']:.1f} | "
                    f"{row['mem_mb']:.0f} | {ef} | {s['p50_ms']:.3f} | {s['p99_ms']:.3f} | "
                    f"{s['recall']:.3f} |"
                )
    lines += [
        "",
        "Filtered search (random allowed subset; the beam starts at auto_ef(n) and widens as "
        "in HnswIndex). complete = share of queries that got 10 results.",
        "",
        "| n | dim | index | allowed | p50 ms | p99 ms | recall@10 | complete |",
        "|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for case in result["cases"]:
        for row in case["rows"]:
            for f, s in row["filtered"].items():
                lines.append(
                    f"| {case['n']:,} | {case['dim']} | {row['lib']} | {float(f):.0%} | "
                    f"{s['p50_ms']:.3f} | {s['p99_ms']:.3f} | {s['recall']:.3f} | "
                    f"{s['complete']:.2f} |"
                )
    lines += [
        "",
        "Exact vs HnswIndex at small sizes (default parameters, one thread):",
        "",
        "| dim | n | exact p50 ms | hnsw p50 ms | hnsw recall@10 | hnsw build s |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {c['dim']} | {c['n']:,} | {c['exact']['p50_ms']:.3f} | {c['hnsw']['p50_ms']:.3f} | "
        f"{c['hnsw']['recall']:.3f} | {c['hnsw_build_s']:.2f} |"
        for c in result["crossover"]
    ]
    return lines


def main() -> None:
    """Run the benchmark and write its results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, a minute or two")
    parser.add_argument(
        "--cases",
        nargs="+",
        default=["100000x64", "100000x384", "1000000x64:semrec"],
        help="NxDIM[:lib,lib] (libs: faiss hnswlib usearch semrec; default all)",
    )
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--efs", type=int, nargs="+", default=[64, 128, 256])
    parser.add_argument(
        "--filter-ef", type=int, default=0, help="beam before widening (default: auto_ef(n))"
    )
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.1, 0.01])
    parser.add_argument("--build-threads", type=int, default=2)
    parser.add_argument(
        "--crossover", type=int, nargs="*", default=[1000, 2000, 5000, 10000, 20000, 50000]
    )
    parser.add_argument("--crossover-dims", type=int, nargs="*", default=[64, 384])
    args = parser.parse_args()
    if args.quick:
        args.cases, args.queries, args.crossover = ["20000x64", "20000x384"], 100, [2000, 10000]
    start = time.perf_counter()
    result: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "argv": " ".join(sys.argv[1:]),
        "load_before": [round(v, 1) for v in os.getloadavg()],
        "build_threads": args.build_threads,
        "queries": args.queries,
        "filter_ef": args.filter_ef,
        "cases": [run_case(*parse_case(c), args.efs, args) for c in args.cases],
    }
    faiss.omp_set_num_threads(args.build_threads)
    result["crossover"] = crossover(args.crossover, args.crossover_dims, 200)
    result["load_after"] = [round(v, 1) for v in os.getloadavg()]
    result["total_s"] = time.perf_counter() - start
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ann.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = markdown(result)
    (RESULTS / "ann.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
