"""Item facts per dense index, and an intent's constraints applied to them as arrays.

Hard constraints never let through an item whose value is unknown: a price bound rejects items
without a price, a brand exclusion rejects items without a brand. So no result can violate one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from semrec.data.records import AttributeValue, Item
from semrec.text.intent import Intent
from semrec.text.normalize import fold_case, normalize_text

__all__ = ["ItemFacts", "hard_mask", "matched_constraints", "soft_scores", "sort_keys"]

Path = tuple[str, ...]

#: Stands for "no such attribute" in `ItemFacts.column`.
MISSING = "\x00"


@lru_cache(maxsize=65536)
def _fold_str(value: str) -> str:
    return fold_case(normalize_text(value))


def _fold(value: object) -> str:
    return _fold_str(str(value))


def _fold_path(path: Path) -> Path:
    return tuple(_fold(p) for p in path)


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return math.nan
    return float(value)


@dataclass(frozen=True)
class ItemFacts:
    """What constraints look at, per dense item index (``None`` items: nothing known).

    `brands` is lowercased ("" unknown); `categories` holds paths (``()`` unknown); `prices`,
    `created_at` and `ratings` (from ``attributes["rating"]``) are NaN where unknown.
    `category_ids` indexes `category_paths`, the distinct folded paths (``-1``: none).
    """

    brands: npt.NDArray[np.str_]
    categories: list[Path]
    prices: npt.NDArray[np.float64]
    attributes: list[Mapping[str, AttributeValue]]
    created_at: npt.NDArray[np.float64]
    ratings: npt.NDArray[np.float64]
    category_ids: npt.NDArray[np.int64]
    category_paths: tuple[Path, ...]
    _columns: dict[str, npt.NDArray[np.str_]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __len__(self) -> int:
        return len(self.categories)

    def column(self, key: str) -> npt.NDArray[np.str_]:
        """Folded values of attribute `key` per item (`MISSING` where absent); cached."""
        found = self._columns.get(key)
        if found is None:
            values = [_fold(a[key]) if key in a else MISSING for a in self.attributes]
            found = np.array(values, dtype=np.str_).reshape(-1)
            self._columns[key] = found
        return found

    @classmethod
    def from_items(cls, items: Sequence[Item | None]) -> ItemFacts:
        """Facts of `items` in order; ``None`` stands for an item known only from events."""
        known = [it if it is not None else Item(item_id="") for it in items]
        paths: dict[Path, int] = {}
        ids = [
            paths.setdefault(_fold_path(it.category), len(paths)) if it.category else -1
            for it in known
        ]
        return cls(
            brands=np.array([_fold(it.brand) for it in known], dtype=np.str_),
            categories=[it.category for it in known],
            prices=np.array([_number(it.price) for it in known], dtype=np.float64),
            attributes=[it.attributes for it in known],
            created_at=np.array([_number(it.created_at) for it in known], dtype=np.float64),
            ratings=np.array(
                [_number(it.attributes.get("rating")) for it in known], dtype=np.float64
            ),
            category_ids=np.array(ids, dtype=np.int64).reshape(-1),
            category_paths=tuple(paths),
        )


def _under(path: Path, wanted: Sequence[Path]) -> bool:
    return any(path[: len(w)] == w for w in wanted)


def _category_mask(facts: ItemFacts, wanted: Sequence[Path], keep: bool) -> npt.NDArray[np.bool_]:
    folded = [_fold_path(p) for p in wanted]
    per_path = np.array([_under(p, folded) == keep for p in facts.category_paths] + [False])
    return per_path[facts.category_ids]


def _attribute_mask(
    facts: ItemFacts, excluded: Mapping[str, Sequence[str]]
) -> npt.NDArray[np.bool_]:
    ok = np.ones(len(facts), dtype=bool)
    for key, values in excluded.items():
        if values:
            column = facts.column(key)
            ok &= (column != MISSING) & ~np.isin(column, [_fold(v) for v in values])
    return ok


def hard_mask(intent: Intent, facts: ItemFacts) -> npt.NDArray[np.bool_]:
    """True for the items that satisfy every hard constraint of `intent` (unknown fails)."""
    mask = np.ones(len(facts), dtype=bool)
    if intent.categories:
        mask &= _category_mask(facts, intent.categories, keep=True)
    if intent.exclude_categories:
        mask &= _category_mask(facts, intent.exclude_categories, keep=False)
    if intent.brands:
        mask &= np.isin(facts.brands, [_fold(b) for b in intent.brands])
    if intent.exclude_brands:
        banned = [_fold(b) for b in intent.exclude_brands]
        mask &= (facts.brands != "") & ~np.isin(facts.brands, banned)
    with np.errstate(invalid="ignore"):
        if intent.price_min is not None:
            mask &= facts.prices >= intent.price_min
        if intent.price_max is not None:
            mask &= facts.prices <= intent.price_max
    if any(intent.exclude_attributes.values()):
        mask &= _attribute_mask(facts, intent.exclude_attributes)
    return mask


def _has_value(attrs: Mapping[str, AttributeValue], key: str, values: Sequence[str]) -> bool:
    return key in attrs and _fold(attrs[key]) in {_fold(v) for v in values}


def soft_scores(intent: Intent, facts: ItemFacts) -> npt.NDArray[np.float32]:
    """Share of the wanted attribute keys whose value an item has, in [0, 1] (0: none wanted)."""
    wanted = {k: [_fold(v) for v in values] for k, values in intent.attributes.items() if values}
    hits = np.zeros(len(facts), dtype=np.float32)
    for key, values in wanted.items():
        hits += np.isin(facts.column(key), values)
    return hits / np.float32(max(len(wanted), 1))


def sort_keys(intent: Intent, facts: ItemFacts) -> npt.NDArray[np.float64] | None:
    """The raw value a sort intent orders by (price, created_at or rating; NaN unknown).

    The direction is the caller's: ``price_asc`` ascending, the others descending.
    ``None`` for ``relevance``.
    """
    if intent.sort in ("price_asc", "price_desc"):
        return facts.prices.copy()
    if intent.sort == "newest":
        return facts.created_at.copy()
    if intent.sort == "rating":
        return facts.ratings.copy()
    return None


def _constraint(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"kind": "constraint", "field": field, "op": op, "value": value}


def _row(facts: ItemFacts, index: int) -> ItemFacts:
    code = int(facts.category_ids[index])
    return ItemFacts(
        brands=facts.brands[index : index + 1],
        categories=facts.categories[index : index + 1],
        prices=facts.prices[index : index + 1],
        attributes=facts.attributes[index : index + 1],
        created_at=facts.created_at[index : index + 1],
        ratings=facts.ratings[index : index + 1],
        category_ids=np.array([0 if code >= 0 else -1], dtype=np.int64),
        category_paths=(facts.category_paths[code],) if code >= 0 else (),
    )


def matched_constraints(intent: Intent, facts: ItemFacts, index: int) -> list[dict[str, Any]]:
    """JSON-ready reasons for item `index`: the constraints and wanted values it satisfies."""
    reasons = _hard_reasons(intent, _row(facts, index))
    attrs = facts.attributes[index]
    for key, values in intent.attributes.items():
        if _has_value(attrs, key, values):
            reasons.append({"kind": "aspect", "field": key, "value": str(attrs[key])})
    return reasons


def _hard_reasons(intent: Intent, one: ItemFacts) -> list[dict[str, Any]]:
    checks: list[tuple[bool, dict[str, Any]]] = []
    path = one.categories[0]
    if intent.categories:
        hit = [c for c in intent.categories if path and _under(_fold_path(path), [_fold_path(c)])]
        checks.append((bool(hit), _constraint("category", "in", ["/".join(c) for c in hit])))
    if intent.exclude_categories:
        ok = bool(_category_mask(one, intent.exclude_categories, keep=False)[0])
        checks.append(
            (
                ok,
                _constraint("category", "not in", ["/".join(c) for c in intent.exclude_categories]),
            )
        )
    brand_ok = bool(one.brands[0])
    if intent.brands:
        ok = brand_ok and str(one.brands[0]) in {_fold(b) for b in intent.brands}
        checks.append((ok, _constraint("brand", "in", list(intent.brands))))
    if intent.exclude_brands:
        ok = brand_ok and str(one.brands[0]) not in {_fold(b) for b in intent.exclude_brands}
        checks.append((ok, _constraint("brand", "not in", list(intent.exclude_brands))))
    price = float(one.prices[0])
    if intent.price_min is not None:
        checks.append((price >= intent.price_min, _constraint("price", ">=", intent.price_min)))
    if intent.price_max is not None:
        checks.append((price <= intent.price_max, _constraint("price", "<=", intent.price_max)))
    for key, values in intent.exclude_attributes.items():
        if values:
            ok = bool(_attribute_mask(one, {key: values})[0])
            checks.append((ok, _constraint(key, "not in", list(values))))
    return [reason for ok, reason in checks if ok]
