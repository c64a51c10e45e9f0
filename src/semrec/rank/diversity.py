"""Diversity of a ranked list: MMR re-ranking, per-group caps and intra-list diversity.

Pure functions over item indexes and item vectors. Similarity is the cosine of the vectors'
rows (they are normalised here; a zero row is similar to nothing).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt

from semrec.data.errors import ValidationError

__all__ = ["cap_per_group", "intra_list_diversity", "mmr", "unit_rows"]

IntArray = npt.NDArray[np.int64]


def unit_rows(vectors: npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
    """`vectors` with each row scaled to length 1 (zero rows stay zero).

    >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6000000238418579, 0.800000011920929], [0.0, 0.0]]
    """
    rows = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    out: npt.NDArray[np.float32] = np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
    return out


def mmr(
    candidates: npt.NDArray[np.integer],
    relevance: npt.NDArray[np.floating],
    vectors: npt.NDArray[np.floating],
    k: int,
    lam: float,
) -> IntArray:
    """Maximal marginal relevance: `k` of the candidate items, relevant yet unlike each other.

    Each step picks the candidate maximising ``lam * rel - (1 - lam) * max_sim``, where `rel`
    is the relevance min-max scaled to [0, 1] over the candidates (so `lam` means the same
    whatever the scores' scale) and `max_sim` its highest cosine to an item already picked
    (0 for the first pick). ``lam = 1`` is the pure relevance order; ties go to the earlier
    candidate. Candidates of non-finite relevance are skipped. (Carbonell & Goldstein 1998.)

    >>> v = np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32)
    >>> mmr(np.array([0, 1, 2]), np.array([1.0, 0.9, 0.5]), v, 2, lam=1.0).tolist()
    [0, 1]
    >>> mmr(np.array([0, 1, 2]), np.array([1.0, 0.9, 0.5]), v, 2, lam=0.5).tolist()
    [0, 2]
    """
    ids = np.asarray(candidates, dtype=np.int64).ravel()
    rel = np.asarray(relevance, dtype=np.float64).ravel()
    _check_mmr(ids, rel, vectors, k, lam)
    keep = np.isfinite(rel)
    ids, rel = ids[keep], rel[keep]
    count = min(k, ids.size)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    spread = rel.max() - rel.min()
    rel = (rel - rel.min()) / spread if spread > 0 else np.zeros_like(rel)
    rows = unit_rows(np.asarray(vectors)[ids]).astype(np.float64)
    max_sim = np.zeros(ids.size)
    free = np.ones(ids.size, dtype=bool)
    picked: list[int] = []
    for _ in range(count):
        gain = np.where(free, lam * rel - (1.0 - lam) * max_sim, -np.inf)
        best = int(np.argmax(gain))
        picked.append(best)
        free[best] = False
        np.maximum(max_sim, rows @ rows[best], out=max_sim)
    return ids[picked]


def _check_mmr(
    ids: IntArray,
    rel: npt.NDArray[np.float64],
    vectors: npt.NDArray[np.floating],
    k: int,
    lam: float,
) -> None:
    if rel.shape != ids.shape:
        raise ValidationError("relevance", rel.shape, f"one score per candidate ({ids.size})")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
        raise ValidationError("k", k, "an integer >= 0")
    if not 0.0 <= lam <= 1.0:
        raise ValidationError("lam", lam, "a number in [0, 1] (1: relevance only)")
    n = np.asarray(vectors).shape[0]
    if ids.size and (ids.min() < 0 or ids.max() >= n):
        raise ValidationError("candidates", int(ids.max()), f"item indexes in [0, {n})")


def cap_per_group(
    order: npt.NDArray[np.integer] | Sequence[int],
    groups: npt.NDArray[np.generic] | Sequence[Hashable],
    cap: int,
) -> IntArray:
    """`order` re-arranged so that no group has more than `cap` items in any stretch.

    `groups[item]` is the group of an item (e.g. its category id or name). Items are dealt in
    rounds: the first round holds, in the original order, each group's first `cap` items;
    the next round the following `cap` of each, and so on. So the first round is `order` with
    the items over the cap deferred to the end, and nothing is ever dropped: a list of `k`
    items stays `k` long. Items of group -1 or "" have no group and are never deferred.

    >>> cap_per_group([0, 1, 2, 3, 4], ["a", "a", "a", "b", "a"], cap=2).tolist()
    [0, 1, 3, 2, 4]
    """
    items = np.asarray(order, dtype=np.int64).ravel()
    if isinstance(cap, bool) or not isinstance(cap, int | np.integer) or cap < 1:
        raise ValidationError("cap", cap, "an integer >= 1 (items per group)")
    seen: dict[Hashable, int] = {}
    rounds = np.zeros(items.size, dtype=np.int64)
    for position, item in enumerate(items.tolist()):
        group = groups[item]
        group = group.item() if isinstance(group, np.generic) else group
        if group in (-1, ""):
            continue
        rounds[position] = seen.get(group, 0) // cap
        seen[group] = seen.get(group, 0) + 1
    return items[np.argsort(rounds, kind="stable")]


def intra_list_diversity(
    vectors: npt.NDArray[np.floating], items: npt.NDArray[np.integer] | Sequence[int]
) -> float:
    """Mean of 1 - cosine over all pairs of the listed items (0.0 for fewer than two).

    >>> v = np.array([[1, 0], [0, 2], [1, 0]], dtype=np.float32)
    >>> intra_list_diversity(v, [0, 1, 2])
    0.6666666666666666
    """
    ids = np.asarray(items, dtype=np.int64).ravel()
    if ids.size < 2:
        return 0.0
    rows = unit_rows(np.asarray(vectors)[ids]).astype(np.float64)
    sims = rows @ rows.T
    pairs = np.triu_indices(ids.size, k=1)
    return float(np.mean(1.0 - sims[pairs]))
