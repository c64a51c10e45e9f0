"""Business objectives for ranking: expected value = relevance x item value (pure functions).

A shop may rank for relevance alone, or for what a recommendation is worth: relevance scaled
up by the item's price (revenue) or margin. Both sides are min-max scaled over the allowed
items first, so `weight` says how much the most valuable item may gain over the least: at
weight 1 the most valuable item counts up to twice as much as an equally relevant cheap one.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from semrec.data.errors import ValidationError
from semrec.rank.fusion import normalise
from semrec.rank.rules import ItemColumns

__all__ = ["OBJECTIVES", "expected_value", "objective_values"]

#: Objective names a request may choose; "relevance" leaves the ranking as it is.
OBJECTIVES = ("relevance", "revenue", "margin")


def expected_value(
    relevance: npt.NDArray[np.floating],
    value: npt.NDArray[np.floating],
    weight: float,
    allow: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.float32]:
    """``rel * (1 + weight * val)`` over allowed items, -inf for the rest.

    `rel` is the relevance min-max scaled to [0, 1] over the allowed items (by default those
    of finite relevance), `val` the value scaled likewise over the allowed items of known
    value. An unknown (NaN) value is neutral: it counts as the median scaled value of the
    allowed known ones (0 when there are none), so it neither wins nor loses by being unknown.

    >>> expected_value(np.array([1.0, 1.0, 0.5, 0.0]), np.array([10.0, 30.0, 50.0, np.nan]),
    ...                weight=1.0).tolist()
    [1.0, 1.5, 1.0, 0.0]
    """
    rel_raw = np.asarray(relevance, dtype=np.float64).ravel()
    val_raw = np.asarray(value, dtype=np.float64).ravel()
    if val_raw.shape != rel_raw.shape:
        raise ValidationError("value", val_raw.shape, f"one value per item ({rel_raw.size})")
    if not np.isfinite(weight) or weight < 0:
        raise ValidationError("weight", weight, "a finite number >= 0 (0: relevance only)")
    mask = np.isfinite(rel_raw) if allow is None else np.asarray(allow, bool) & np.isfinite(rel_raw)
    rel = normalise(rel_raw, mask).astype(np.float64)
    known = mask & np.isfinite(val_raw)
    val = normalise(val_raw, known).astype(np.float64)
    val[~known] = float(np.median(val[known])) if known.any() else 0.0
    out = (rel * (1.0 + weight * val)).astype(np.float32)
    out[~mask] = -np.inf
    return out


def objective_values(
    name: str, columns: ItemColumns, where: str = "objective"
) -> npt.NDArray[np.float64]:
    """Per item, the value the objective `name` weighs relevance by (NaN: unknown).

    "relevance": NaN everywhere (so `expected_value` keeps the relevance order); "revenue":
    the price; "margin": the numeric ``attributes.margin`` (a number or numeric text).

    >>> from semrec.data.records import Item
    >>> cols = ItemColumns.from_items([Item("a", price=5.0, attributes={"margin": 0.2}),
    ...                                Item("b", attributes={"margin": "high"})])
    >>> objective_values("revenue", cols).tolist(), objective_values("margin", cols).tolist()
    ([5.0, nan], [0.2, nan])
    """
    if name == "relevance":
        return np.full(len(columns), np.nan)
    if name == "revenue":
        return np.asarray(columns.prices, dtype=np.float64).copy()
    if name == "margin":
        return np.array([_number(a.get("margin")) for a in columns.attributes], dtype=np.float64)
    raise ValidationError(where, name, f"one of {', '.join(map(repr, OBJECTIVES))}")


def _number(value: object) -> float:
    if isinstance(value, bool) or value is None:
        return float("nan")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
    return number if np.isfinite(number) else float("nan")
