"""Rule matching: per-item catalog columns, their value indexes, and `rule_mask`.

Matching: text comparisons ignore case, except on ``item_id``. ``category ==`` and ``in``
match any level of the path or the whole path joined by " > "; ``startswith`` and
``contains`` read the joined path. ``tags ==`` matches when any tag does. ``!=`` and
``not in`` are the exact complements of ``==`` and ``in``, so an item without the field
matches them; the other operators need the field, so ``price < 50`` drops unknown prices.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from semrec.data.errors import ValidationError
from semrec.data.records import AttributeValue, Item
from semrec.rank.rule_parse import Rule, RuleValue

__all__ = ["ItemColumns", "rule_mask"]

_NEGATED = {"!=": "==", "not in": "in"}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip


@dataclass(frozen=True)
class _Index:
    """One field's distinct per-item value tuples, each item's code, and a key lookup."""

    values: list[tuple[object, ...]]
    codes: npt.NDArray[np.int64]
    keys: dict[tuple[str, object], list[int]]


@dataclass(frozen=True, eq=False)
class ItemColumns:
    """The catalog fields rules read, one entry per dense item index.

    Each field is indexed on first use (its distinct values, with a lookup for ``==`` and
    ``in``), so a rule costs a pass over distinct values rather than over items; build new
    columns when the catalog changes rather than changing these.
    """

    item_ids: Sequence[str]
    brands: Sequence[str]
    categories: Sequence[tuple[str, ...]]
    prices: npt.NDArray[np.float64]
    titles: Sequence[str]
    tags: Sequence[tuple[str, ...]]
    attributes: Sequence[Mapping[str, AttributeValue]]
    _indexes: dict[str, _Index] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.item_ids)
        for name in ("brands", "categories", "prices", "titles", "tags", "attributes"):
            if len(getattr(self, name)) != n:
                raise ValidationError(name, len(getattr(self, name)), f"{n} entries, one per item")

    def __len__(self) -> int:
        return len(self.item_ids)

    @classmethod
    def from_items(cls, items: Iterable[Item], order: Sequence[str] | None = None) -> ItemColumns:
        """Columns of `items` (any objects with the fields of `Item`), one row per item.

        With `order` (item ids), row i is item ``order[i]``; ids without an item get empty
        fields (no brand, unknown price), as placeholder items in the store have.
        """
        rows = list(items)
        if order is not None:
            known = {row.item_id: row for row in rows}
            rows = [known.get(item_id) or Item(item_id) for item_id in order]
        return cls(
            item_ids=[row.item_id for row in rows],
            brands=[row.brand for row in rows],
            categories=[tuple(row.category) for row in rows],
            prices=np.array([np.nan if r.price is None else r.price for r in rows], np.float64),
            titles=[row.title for row in rows],
            tags=[tuple(row.tags) for row in rows],
            attributes=[row.attributes for row in rows],
        )

    def _index(self, name: str) -> _Index:
        """The (cached) index of a text field; "category>" is the joined category path."""
        if name not in self._indexes:
            self._indexes[name] = _build_index(name, self._raw_values(name), len(self))
        return self._indexes[name]

    def _raw_values(self, name: str) -> Iterable[tuple[object, ...]]:
        if name in ("item_id", "brand", "title"):
            column = {"item_id": self.item_ids, "brand": self.brands, "title": self.titles}
            return ((v,) for v in column[name])
        if name == "tags":
            return iter(self.tags)
        if name.startswith("category"):
            return (_path_values(path, whole=name == "category>") for path in self.categories)
        key = name.removeprefix("attributes.")
        return ((a[key],) if key in a else () for a in self.attributes)


def _build_index(name: str, per_item: Iterable[tuple[object, ...]], n: int) -> _Index:
    exact, numeric = name == "item_id", name.startswith("attributes.")
    if name in ("item_id", "brand", "title"):
        column = np.array([vals[0] for vals in per_item], dtype=str).reshape(n)
        uniques, codes = np.unique(column, return_inverse=True)
        values: list[tuple[object, ...]] = [(u,) for u in uniques.tolist()]
    else:
        values, codes = _distinct(per_item, n)
    keys: dict[tuple[str, object], list[int]] = {}
    for code, vals in enumerate(values):
        for v in vals:
            keys.setdefault(_key(v, exact, numeric), []).append(code)
    return _Index(values, codes.astype(np.int64), keys)


def _distinct(
    per_item: Iterable[tuple[object, ...]], n: int
) -> tuple[list[tuple[object, ...]], npt.NDArray[np.int64]]:
    positions: dict[tuple[object, ...], int] = {}
    values: list[tuple[object, ...]] = []
    codes = np.empty(n, dtype=np.int64)
    for i, vals in enumerate(per_item):
        # text-only tuples are their own key; others carry types, keeping True apart from 1
        typed = vals if all(type(v) is str for v in vals) else tuple((type(v), v) for v in vals)
        code = positions.setdefault(typed, len(values))
        if code == len(values):
            values.append(vals)
        codes[i] = code
    return values, codes


def rule_mask(rule: Rule, columns: ItemColumns) -> npt.NDArray[np.bool_]:
    """bool[n]: which items match the rule's condition (the action plays no part).

    >>> from semrec.rank.rule_parse import parse_rule
    >>> cols = ItemColumns.from_items([Item("a", category=("Audio", "Headphones")), Item("b")])
    >>> rule_mask(parse_rule('pin: category == "headphones"'), cols).tolist()
    [True, False]
    >>> rule_mask(parse_rule('filter: category != "Headphones"'), cols).tolist()
    [False, True]
    """
    if rule.op in _NEGATED:
        positive = Rule("filter", rule.field, _NEGATED[rule.op], rule.value)
        return ~rule_mask(positive, columns)
    if rule.field == "price":
        return _price_mask(rule.op, rule.value, columns.prices)
    whole = rule.field == "category" and rule.op in ("startswith", "contains")
    index = columns._index("category>" if whole else rule.field)
    hits = np.zeros(len(index.values), dtype=bool)
    if rule.op == "in" or rule.op == "==":
        exact, numeric = rule.field == "item_id", rule.field.startswith("attributes.")
        wanted = rule.value if isinstance(rule.value, tuple) else (rule.value,)
        for value in wanted:
            hits[index.keys.get(_key(value, exact, numeric), [])] = True
    else:
        test = _tester(rule.op, rule.value)
        hits[:] = [test(vals) for vals in index.values]
    return hits[index.codes]


def _price_mask(
    op: str, value: RuleValue, prices: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    if isinstance(value, tuple):
        return np.isin(prices, np.asarray(value, dtype=np.float64))
    with np.errstate(invalid="ignore"):
        return np.asarray(_COMPARE[op](prices, float(value)), dtype=bool)


def _path_values(path: tuple[str, ...], whole: bool) -> tuple[str, ...]:
    if not path:
        return ()
    joined = " > ".join(path)
    return (joined,) if whole else (*path, joined)


def _tester(op: str, value: RuleValue) -> Callable[[tuple[object, ...]], bool]:
    """A test of one item's values for startswith, contains and the numeric comparisons."""
    if op == "startswith":
        prefix = str(value).casefold()
        return lambda vals: any(str(v).casefold().startswith(prefix) for v in vals)
    if op == "contains":
        part = str(value).casefold()
        return lambda vals: any(part in str(v).casefold() for v in vals)
    bound, compare = float(value), _COMPARE[op]  # type: ignore[arg-type]
    return lambda vals: any((x := _number(v)) is not None and compare(x, bound) for v in vals)


def _key(value: object, exact: bool, numeric: bool) -> tuple[str, object]:
    """Comparable form: bools apart, numbers (numeric text too) as float, text case-folded."""
    if isinstance(value, bool):
        return ("bool", value)
    number = _number(value) if numeric else None
    if number is not None:
        return ("number", number)
    return ("text", str(value) if exact else str(value).casefold())


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None
