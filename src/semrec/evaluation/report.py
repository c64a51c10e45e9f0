"""Write an evaluation's results: `results.json`, `report.md` and PNG plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # the Agg backend must be chosen first

__all__ = ["write_report"]


def _fmt(mean: float, std: float | None = None) -> str:
    return f"{mean:.4f}" if not std else f"{mean:.4f} ± {std:.4f}"


def _static_table(result: dict[str, Any], k: int) -> list[str]:
    names = ["ndcg", "recall", "precision", "hit_rate", "mrr", "map"]
    head = [f"{n}@{k}" for n in names] + ["coverage@10", "novelty@10", "fit s", "ms/user"]
    lines = ["| system | " + " | ".join(head) + " |", "|---" * (len(head) + 1) + "|"]
    for system, r in result["systems"].items():
        cells = [_fmt(r["mean"][n][k], r["std"][n][k]) for n in names if n in r["mean"]]
        cells += [
            f"{r['beyond'].get('coverage@10', 0):.3f}",
            f"{r['beyond'].get('novelty@10', 0):.2f}",
        ]
        cells += [f"{r['fit_seconds']:.1f}", f"{r['rank_ms_per_user']:.2f}"]
        lines.append(f"| {system} | " + " | ".join(cells) + " |")
    return lines


def _replay_table(result: dict[str, Any]) -> list[str]:
    lines = [
        "| system | HR@10 | NDCG@10 | requests | ms/request (p50) | ms/event observed | fit s |",
        "|---|---|---|---|---|---|---|",
    ]
    for system, r in result["systems"].items():
        lines.append(
            f"| {system} | {r['hr@10']:.4f} | {r['ndcg@10']:.4f} | {r['requests']} | "
            f"{r['request_ms_p50']:.2f} | {r['observe_ms_per_event']:.3f} | "
            f"{r['fit_seconds']:.1f} |"
        )
    return lines


def _bars(result: dict[str, Any], k: int, path: Path) -> None:
    systems = list(result["systems"])
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, metric in zip(axes, ("ndcg", "recall"), strict=True):
        means = [result["systems"][s]["mean"][metric][k] for s in systems]
        stds = [result["systems"][s]["std"][metric][k] for s in systems]
        ax.bar(systems, means, yerr=stds, capsize=4, color="#4c72b0")
        ax.set_title(f"{metric}@{k} (error bars: std over seeds)")
        ax.tick_params(axis="x", rotation=45)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _recall_curves(result: dict[str, Any], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6, 4))
    for system, r in result["systems"].items():
        ks = sorted(r["mean"]["recall"])
        ax.plot(ks, [r["mean"]["recall"][k] for k in ks], marker="o", label=system)
    ax.set_xlabel("K")
    ax.set_ylabel("recall@K")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _by_history(result: dict[str, Any], path: Path) -> None:
    systems = list(result["systems"])
    buckets = sorted(
        {b for s in systems for b in result["systems"][s]["by_history"]},
        key=lambda b: int(b.split("-")[0].rstrip("+")),
    )
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / max(len(systems), 1)
    for n, system in enumerate(systems):
        values = [result["systems"][system]["by_history"].get(b, 0.0) for b in buckets]
        ax.bar([i + n * width for i in range(len(buckets))], values, width, label=system)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(buckets))], buckets)
    ax.set_xlabel("distinct items in the user's train history")
    ax.set_ylabel("ndcg@10")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _latency(systems: dict[str, Any], key: str, path: Path) -> None:
    names = [s for s in systems if systems[s].get(key)]
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.boxplot([systems[s][key] for s in names], showfliers=False)
    ax.set_xticks(range(1, len(names) + 1), names, rotation=45)
    ax.set_ylabel("ms per single-user request")
    ax.set_yscale("log")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_report(results: dict[str, Any], out: Path, k: int = 10) -> Path:
    """Write results.json, report.md and plots into `out`; returns the report's path."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=1, default=float) + "\n")
    data = results["dataset"]
    lines = [
        f"# Evaluation: {data['name']}",
        "",
        f"{data['events']:,} events, {data['users']:,} users, {data['items']:,} items. "
        "Full ranking over the whole catalog (no sampled negatives); items a user has seen are "
        "never recommended and never count as relevant.",
        "",
        f"Command: `{results.get('command', 'semrec eval')}`",
    ]
    for protocol, result in results["protocols"].items():
        slug = protocol.replace(" ", "-")
        lines += ["", f"## {protocol}", "", result.get("description", ""), ""]
        if result["kind"] == "replay":
            lines += _replay_table(result)
            _latency(result["systems"], "request_ms", out / f"{slug}-latency.png")
            lines += ["", f"![latency]({slug}-latency.png)"]
            continue
        lines += _static_table(result, k)
        if result.get("params"):
            lines += ["", "Tuned hyper-parameters (validation split inside train):", ""]
            lines += [f"- {s}: `{json.dumps(p)}`" for s, p in result["params"].items()]
        _bars(result, k, out / f"{slug}-bars.png")
        _recall_curves(result, out / f"{slug}-recall.png")
        _by_history(result, out / f"{slug}-history.png")
        _latency(result["systems"], "latency_ms", out / f"{slug}-latency.png")
        lines += [""] + [
            f"![{kind}]({slug}-{kind}.png)" for kind in ("bars", "recall", "history", "latency")
        ]
    for note in results.get("notes", []):
        lines += ["", note]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
