"""Business rules over catalog fields: filter, boost, bury and pin (pure functions).

A rule reads ``ACTION [AMOUNT]: FIELD OP VALUE``, e.g. ``filter: price < 50``,
``boost 0.3: category startswith "Audio"`` or ``bury: brand in ["X", "Y"]``, or comes as a
mapping with the keys action, field, op, value and (optional) amount. Values are JSON (or
Python) literals: a string, a number, true/false, or a list of them for ``in`` / ``not in``.

Matching: text comparisons ignore case, except on ``item_id``. ``category ==`` and ``in``
match any level of the path or the whole path joined by " > "; ``startswith`` and
``contains`` read the joined path. ``tags ==`` matches when any tag does. ``!=`` and
``not in`` are the exact complements of ``==`` and ``in``, so an item without the field
matches them; the other operators need the field, so ``price < 50`` drops unknown prices.

The rules live in three modules: `semrec.rank.rule_parse` (the `Rule` record and parsing),
`semrec.rank.rule_match` (`ItemColumns` and `rule_mask`) and this one (applying rules to
scores); the names of the first two are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from semrec.data.errors import ValidationError
from semrec.models.topk import top_k
from semrec.rank.rule_match import ItemColumns, rule_mask
from semrec.rank.rule_parse import (
    ACTIONS,
    DEFAULT_AMOUNT,
    FIELDS,
    OPS,
    Rule,
    parse_rule,
    parse_rules,
)

__all__ = [
    "ACTIONS",
    "DEFAULT_AMOUNT",
    "FIELDS",
    "OPS",
    "ItemColumns",
    "Rule",
    "RuleOutcome",
    "apply_rules",
    "final_order",
    "parse_rule",
    "parse_rules",
    "rule_mask",
    "score_scale",
]


@dataclass(frozen=True, eq=False)
class RuleOutcome:
    """Scores and allow mask after the rules, the pinned items in order, and who moved what.

    `scores` are -inf where not allowed; `moved` maps an allowed item to the text of each
    boost, bury or pin rule that moved it, in rule order.
    """

    scores: npt.NDArray[np.float32]
    allow: npt.NDArray[np.bool_]
    pinned: list[int]
    moved: dict[int, list[str]]


def score_scale(scores: npt.NDArray[np.floating], allow: npt.NDArray[np.bool_]) -> float:
    """The unit of boost and bury: max - min of the finite scores of allowed items.

    It is 1.0 when that range is 0 or no allowed item has a finite score, so a rule still
    separates items that were all tied.

    >>> score_scale(np.array([0.25, 1.0, 5.0]), np.array([True, True, False]))
    0.75
    >>> score_scale(np.array([3.0, 3.0]), np.array([True, True]))
    1.0
    """
    values = np.asarray(scores, dtype=np.float64)
    keep = allow & np.isfinite(values)
    if not keep.any():
        return 1.0
    spread = float(values[keep].max() - values[keep].min())
    return spread if spread > 0 else 1.0


def apply_rules(
    scores: npt.NDArray[np.floating],
    allow: npt.NDArray[np.bool_],
    rules: Sequence[Rule],
    columns: ItemColumns,
) -> RuleOutcome:
    """Apply `rules` to per-item `scores` and the `allow` mask; the inputs are not changed.

    Order: every filter (allow becomes False where an item does not match); then each boost
    (bury) adds (subtracts) ``amount * score_scale(scores, allow)`` to every allowed matching
    item, so ``boost 1`` lifts the least relevant allowed item to the level of the most
    relevant one, and several rules add up; then each pin, in rule order, puts its allowed
    matching items first, best score first (ties: lower index). An item keeps the place of
    the first pin rule it matches.

    >>> from semrec.data.records import Item
    >>> cols = ItemColumns.from_items([Item("a", brand="Yamaha", price=10.0),
    ...     Item("b", brand="Casio", price=99.0), Item("c", brand="Casio", price=20.0)])
    >>> rules = parse_rules(['filter: price < 50', 'boost 0.5: brand == "casio"'])
    >>> out = apply_rules(np.array([1.0, 0.8, 0.5]), np.ones(3, bool), rules, cols)
    >>> out.scores.tolist(), out.moved
    ([1.0, -inf, 0.75], {2: ['boost 0.5: brand == "casio"']})
    """
    n = len(columns)
    values = _checked("scores", np.asarray(scores, dtype=np.float64), n)
    allowed = _checked("allow", np.asarray(allow, dtype=bool), n).copy()
    masks = {rule: rule_mask(rule, columns) for rule in rules}
    for rule in rules:
        if rule.action == "filter":
            allowed &= masks[rule]
    scale = score_scale(values, allowed)
    moved: dict[int, list[str]] = {}
    delta = np.zeros(n, dtype=np.float64)
    for rule in rules:
        if rule.action in ("boost", "bury"):
            hit = np.flatnonzero(masks[rule] & allowed)
            delta[hit] += (rule.amount if rule.action == "boost" else -rule.amount) * scale
            _note(moved, hit, rule.text)
    out = (values + delta).astype(np.float32)
    out[~allowed] = -np.inf
    pins = [(rule, masks[rule]) for rule in rules if rule.action == "pin"]
    return RuleOutcome(out, allowed, _pin(out, allowed, pins, moved), moved)


def final_order(outcome: RuleOutcome, k: int) -> npt.NDArray[np.int64]:
    """The first `k` items after the rules: pinned items, then the best-scored allowed rest.

    >>> out = RuleOutcome(np.array([0.1, 0.9, 0.5], np.float32), np.ones(3, bool), [0], {})
    >>> final_order(out, 2).tolist()
    [0, 1]
    """
    pinned = np.asarray(outcome.pinned[:k], dtype=np.int64)
    rest = outcome.allow.copy()
    rest[pinned] = False
    ids, _ = top_k(outcome.scores, k - pinned.size, allow=rest)
    return np.concatenate([pinned, ids]).astype(np.int64)


def _pin(
    scores: npt.NDArray[np.float32],
    allowed: npt.NDArray[np.bool_],
    pins: list[tuple[Rule, npt.NDArray[np.bool_]]],
    moved: dict[int, list[str]],
) -> list[int]:
    taken = np.zeros(scores.shape[0], dtype=bool)
    pinned: list[int] = []
    for rule, mask in pins:
        hit = np.flatnonzero(mask & allowed & ~taken)
        key = np.nan_to_num(scores[hit].astype(np.float64), nan=-np.inf)
        hit = hit[np.lexsort((hit, -key))]
        taken[hit] = True
        pinned.extend(hit.tolist())
        _note(moved, hit, rule.text)
    return pinned


def _note(moved: dict[int, list[str]], items: npt.NDArray[np.int64], text: str) -> None:
    for item in items.tolist():
        moved.setdefault(item, []).append(text)


def _checked(field: str, array: npt.NDArray[Any], n: int) -> npt.NDArray[Any]:
    if array.shape != (n,):
        raise ValidationError(field, array.shape, f"a 1-d array of {n} entries, one per item")
    return array
