"""Candidate sources of one request and their fusion into one score per item.

Sources (each scores the whole catalog, higher is better, absent when it has no evidence):

- ``cf``: the serving CF model on the user's live history (items added after training borrow
  the scores of their nearest neighbours in meaning);
- ``covisitation``: items seen together with the user's recent items, updated online;
- ``sequence``: items that followed the user's last few items, in order, updated online;
- ``trending``: time-decayed counts of every item, updated online;
- ``popular``: item popularity at training time (always present: the last fallback);
- ``semantic``: cosine of each item to the user's language profile;
- ``query``: hybrid relevance to the request's query.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from semrec.rank.fusion import RRF_K, normalise, normalise_rows
from semrec.rank.tuning import RRF_DEPTH, RRF_TIE_BREAK, TIE_BREAK, FusionChoice, adapted_weights
from semrec.realtime import LiveState

__all__ = ["SOURCES", "Fused", "fuse", "live_sources", "normalised_ranks"]

SOURCES = ("cf", "covisitation", "sequence", "trending", "popular", "semantic", "query")

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Fused:
    """Final scores (-inf where not allowed) and each source's contribution to every item."""

    scores: FloatArray
    parts: dict[str, FloatArray]


def live_sources(live: LiveState | None, user_idx: int, n_items: int) -> dict[str, FloatArray]:
    """Co-visitation, sequence and trending scores from the live state (empty when none)."""
    if live is None:
        return {}
    out = {"trending": live.trending_order(n_items)}
    if user_idx >= 0:
        out["covisitation"] = live.covisitation_scores(user_idx, n_items)
        out["sequence"] = live.transition_scores(user_idx, n_items)
    return out


def with_evidence(
    sources: Mapping[str, FloatArray | None], enabled: Collection[str] = SOURCES
) -> dict[str, FloatArray]:
    """The enabled sources that can inform a ranking (they tell at least two items apart)."""
    out: dict[str, FloatArray] = {}
    for name, values in sources.items():
        if values is None or name not in enabled:
            continue
        finite = values[np.isfinite(values)]
        if not finite.size:
            continue
        high, low = finite.max(), finite.min()
        if (high > 0 or name in ("cf", "query")) and high > low:
            out[name] = values
    return out


def normalised_ranks(
    values: FloatArray, allow: npt.NDArray[np.bool_]
) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    """Min-max normalised scores over allowed items, and each item's 0-based rank among them.

    Items not allowed rank last.
    """
    norm = normalise(values, allow)
    masked = np.where(allow & np.isfinite(values), values, -np.inf)
    order = np.argsort(-masked, kind="stable")
    ranks = np.empty(values.shape[0], dtype=np.int64)
    ranks[order] = np.arange(values.shape[0])
    ranks[~allow] = values.shape[0]
    return norm, ranks


def fuse(
    sources: Mapping[str, FloatArray],
    allow: npt.NDArray[np.bool_],
    fusion: FusionChoice,
    n_history: int,
    popularity: FloatArray,
) -> Fused:
    """One score per item from the sources, by the chosen fusion (blend or RRF).

    `popularity` only breaks ties (and orders everything when no source has evidence).
    """
    parts: dict[str, FloatArray] = {}
    if fusion.mode == "rrf":
        for name, values in sources.items():
            norm, ranks = normalised_ranks(values, allow)
            part = np.zeros(values.shape[0], dtype=np.float32)
            top = (ranks < RRF_DEPTH) & (norm > 0)
            part[top] = 1.0 / (RRF_K + ranks[top] + 1.0)
            parts[name] = part
        popular = normalise(popularity, allow)
    else:
        weights = adapted_weights(
            fusion.weights, n_history, fusion.history_half, "semantic" in sources
        )
        used = [name for name in sources if weights.get(name, 0.0) > 0]
        rows = normalise_rows(np.stack([*(sources[name] for name in used), popularity]), allow)
        parts = {name: np.float32(weights[name]) * rows[k] for k, name in enumerate(used)}
        popular = rows[-1]
    total = np.zeros(allow.shape[0], dtype=np.float32)
    for part in parts.values():
        total += part
    tie = RRF_TIE_BREAK if fusion.mode == "rrf" else TIE_BREAK
    total += np.float32(tie) * popular
    total[~allow] = -np.inf
    return Fused(total, parts)
