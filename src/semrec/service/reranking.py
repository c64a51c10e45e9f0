"""Re-ranking of the fused scores, in a declared order, for one request.

1. exclusion: seen, unavailable and filtered-out items are already outside `allow`;
2. business rules (settings' then the request's): filter, boost, bury, pin;
3. objective: relevance times item value (price for "revenue", margin for "margin");
4. diversity: maximal marginal relevance over item embeddings (``lam = 1 - diversity``);
5. per-category caps;
6. pinned items first, in rule order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from semrec.data.errors import ValidationError
from semrec.data.records import Item
from semrec.data.settings import RankSettings
from semrec.models import top_k
from semrec.rank.diversity import cap_per_group, mmr
from semrec.rank.objective import OBJECTIVES, expected_value, objective_values
from semrec.rank.rules import ItemColumns, Rule, RuleOutcome, apply_rules, parse_rules

__all__ = [
    "RerankOptions",
    "Reranked",
    "item_fields",
    "needs_item_fields",
    "rerank",
    "rerank_options",
]

#: MMR chooses among this many times `k` of the best items.
POOL_FACTOR = 5


@dataclass(frozen=True)
class RerankOptions:
    """The re-ranking one request asks for (merged with the settings' defaults)."""

    rules: tuple[Rule, ...] = ()
    diversity: float = 0.0
    category_cap: int | None = None
    objective: str = "relevance"
    objective_weight: float = 1.0


@dataclass(frozen=True)
class Reranked:
    """The final items in order, their final scores, and which rules moved which item."""

    items: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float32]
    moved: dict[int, list[str]]


def rerank_options(
    settings: RankSettings,
    rules: Sequence[str | Mapping[str, Any]] | None = None,
    diversity: float | None = None,
    category_cap: int | None = None,
    objective: str | None = None,
) -> RerankOptions:
    """The settings' re-ranking with the request's additions; `ValidationError` on bad input."""
    parsed = parse_rules(list(settings.rules), where="rank.rules")
    if rules is not None:
        if isinstance(rules, str | bytes) or not isinstance(rules, Sequence):
            raise ValidationError("rules", rules, "a list of rules")
        parsed += parse_rules(rules, where="rules")
    div = settings.diversity if diversity is None else diversity
    if isinstance(div, bool) or not isinstance(div, int | float) or not 0.0 <= div <= 1.0:
        raise ValidationError("diversity", diversity, "a number from 0 (off) to 1")
    cap = settings.category_cap if category_cap is None else category_cap
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
        raise ValidationError("category_cap", category_cap, "an integer >= 1")
    goal = settings.objective if objective is None else objective
    if goal not in OBJECTIVES:
        raise ValidationError("objective", objective, "one of " + ", ".join(OBJECTIVES))
    return RerankOptions(parsed, float(div), cap, goal, settings.objective_weight)


def needs_item_fields(options: RerankOptions) -> bool:
    """Whether the re-ranking reads item fields (rules, an objective or category caps)."""
    return (
        bool(options.rules) or options.objective != "relevance" or options.category_cap is not None
    )


def item_fields(items: Iterable[Item], order: Sequence[str]) -> tuple[ItemColumns, list[str]]:
    """Item fields for rules and objectives in catalog `order`, and each item's category."""
    columns = ItemColumns.from_items(items, order=order)
    return columns, [" > ".join(path) for path in columns.categories]


def rerank(
    scores: npt.NDArray[np.float32],
    allow: npt.NDArray[np.bool_],
    k: int,
    options: RerankOptions,
    columns: ItemColumns | None,
    vectors: npt.NDArray[np.float32] | None = None,
    groups: Sequence[str] | None = None,
) -> Reranked:
    """The top `k` items after rules, objective, diversity and caps (see the module doc)."""
    outcome = RuleOutcome(scores, allow, [], {})
    if options.rules and columns is not None:
        outcome = apply_rules(scores, allow, options.rules, columns)
    final = outcome.scores
    if options.objective != "relevance" and columns is not None:
        values = objective_values(options.objective, columns)
        final = expected_value(final, values, options.objective_weight, outcome.allow)
    pinned = np.asarray(outcome.pinned[:k], dtype=np.int64)
    rest = outcome.allow.copy()
    rest[pinned] = False
    want = k - pinned.size
    plain = options.diversity == 0 or vectors is None
    pool, _ = top_k(final, want if plain and options.category_cap is None else want * POOL_FACTOR,
                    allow=rest)  # fmt: skip
    order = pool
    if not plain and vectors is not None and pool.size:
        order = mmr(pool, final[pool], vectors, min(want * POOL_FACTOR, pool.size),
                    1.0 - options.diversity)  # fmt: skip
    if options.category_cap is not None and groups is not None and order.size:
        order = cap_per_group(order, groups, options.category_cap)
    items = np.concatenate([pinned, np.asarray(order[:want], dtype=np.int64)])
    return Reranked(items, final[items].astype(np.float32), outcome.moved)
