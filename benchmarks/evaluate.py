"""The standard evaluation: semrec and its peers on the public data under ../shared/data.

Run with `make bench` (or `python benchmarks/evaluate.py`). For each data set found it writes
`benchmarks/results/eval-<name>/` (report.md, results.json, PNG plots). Data sets that are
not on the machine are reported as skipped, never as passed.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from semrec.evaluation.loading import load_dataset
from semrec.evaluation.report import write_report
from semrec.evaluation.suite import run_evaluation

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"

#: Microsoft Recommenders' ml-100k comparison (stratified 75/25 per user, k=10, binary
#: relevance), as published in their README's algorithm table.
MS_RECOMMENDERS_NDCG10 = {"BiVAE": 0.475, "BPR (Cornac)": 0.442, "LightGCN": 0.420, "SAR": 0.382}

MS_NOTE = """### Microsoft Recommenders' published table, side by side

Their ml-100k table (stratified 75/25 per user, k=10): BiVAE 0.475, BPR 0.442, LightGCN 0.420,
SAR 0.382 NDCG@10. Our `random-75` protocol is the same split (per-user random 75% of the
distinct user-item pairs to train), full ranking, seen items removed, every test item relevant.
Here: EASE {ease:.3f}, semrec (default settings) {semrec:.3f}, BPR {bpr:.3f}.

Where the same algorithm differs: our BPR ({bpr:.3f}) is below theirs (0.442). Theirs is
Cornac's BPR (200 factors, 100 epochs, lr 0.01, λ 0.001); ours is `implicit`'s BPR with a small
grid (32-128 factors, lr 0.005-0.02, 100 epochs) tuned on a validation split inside train, which
on this data plateaus at 0.11-0.12 validation NDCG; we did not search Cornac's larger factor
count. Other differences: they use one split (seed 42), we report mean ± std over seeds."""


def ms_note(results: dict[str, Any]) -> str:
    """The side-by-side note with this run's random-75 numbers filled in."""
    systems = results["protocols"]["random-75"]["systems"]
    ndcg = {name: systems[name]["mean"]["ndcg"][10] for name in ("ease", "semrec", "implicit-bpr")}
    return MS_NOTE.format(ease=ndcg["ease"], semrec=ndcg["semrec"], bpr=ndcg["implicit-bpr"])


SETS: dict[str, dict[str, Any]] = {
    "ml-100k": {
        "dataset": "ml-100k",
        "path": DATA / "ml-100k",
        "protocols": ["temporal", "random-75", "replay"],
    },
    "amazon-musical-instruments": {
        "dataset": "amazon-2014",
        "path": DATA / "amazon-musical-instruments-5core-2014" / "Musical_Instruments.json",
        "protocols": ["temporal", "replay"],
    },
}


def main() -> None:
    """Evaluate every data set that is present; write one report folder each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--max-requests", type=int, default=2000)
    parser.add_argument("--only", help="evaluate only this data set")
    args = parser.parse_args()
    for name, spec in SETS.items():
        if args.only and name != args.only:
            continue
        if not spec["path"].exists():
            print(f"skipped {name}: {spec['path']} is not on this machine")
            continue
        start = time.perf_counter()
        data = load_dataset(spec["dataset"], spec["path"])
        results = run_evaluation(
            data, spec["protocols"], seeds=args.seeds, max_requests=args.max_requests
        )
        results["command"] = f"python benchmarks/evaluate.py --only {name}"
        results["seconds"] = time.perf_counter() - start
        if "random-75" in spec["protocols"]:
            results["published"] = MS_RECOMMENDERS_NDCG10
            results["notes"] = [ms_note(results)]
        report = write_report(results, RESULTS / f"eval-{name}")
        print(f"{name}: {report} in {results['seconds']:.0f} s")
        print(json.dumps({"seconds": round(results["seconds"])}))


if __name__ == "__main__":
    main()
