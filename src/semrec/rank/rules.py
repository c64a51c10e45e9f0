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
"""

from __future__ import annotations

import ast
import json
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from semrec.data.errors import ValidationError
from semrec.data.records import AttributeValue, Item
from semrec.models.topk import top_k

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

ACTIONS = ("filter", "boost", "bury", "pin")
OPS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in", "startswith", "contains")
#: Known fields besides ``attributes.<name>``.
FIELDS = ("item_id", "brand", "category", "price", "title", "tags")
#: Amount of a boost or bury written without one: a whole score range (see `score_scale`).
DEFAULT_AMOUNT = 1.0
MAX_RULE_CHARS = 1000
EXAMPLE = 'ACTION [AMOUNT]: FIELD OP VALUE, e.g. "boost 0.3: brand == \\"Yamaha\\""'

Scalar = str | int | float | bool
RuleValue = Scalar | tuple[Scalar, ...]

_HEAD = re.compile(r"^\s*(\w+)(?:\s+([^\s:]+))?\s*:(.*)$", re.DOTALL)
_FIELD = re.compile(r"^\s*([^\s=!<>]+)\s*(.*)$", re.DOTALL)
_OP = re.compile(r"^(==|!=|<=|>=|<|>|not\s+in\b|in\b|startswith\b|contains\b)\s*(.*)$", re.DOTALL)
_NEGATED = {"!=": "==", "not in": "in"}
_NUMERIC_OPS = ("<", "<=", ">", ">=")
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated business rule; `str(rule)` is its canonical text."""

    action: str
    field: str
    op: str
    value: RuleValue
    amount: float = 0.0

    def __post_init__(self) -> None:
        problem = _problem(self)
        if problem:
            raise ValidationError("rule", self, problem)

    @property
    def text(self) -> str:
        """The rule as it would be written, e.g. ``boost 0.3: brand == "Yamaha"``."""
        amount = self.amount
        shown = str(int(amount)) if float(amount).is_integer() else repr(float(amount))
        head = f"{self.action} {shown}" if amount else self.action
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return f"{head}: {self.field} {self.op} {json.dumps(value, ensure_ascii=False)}"

    def __str__(self) -> str:
        return self.text


def parse_rules(rules: Sequence[str | Mapping[str, Any]], where: str = "rules") -> tuple[Rule, ...]:
    """Parse rule strings and mappings; the error names ``where[i]`` and the bad part.

    >>> [r.text for r in parse_rules(["bury: brand in ['X', 'Y']", "filter: price<50"])]
    ['bury 1: brand in ["X", "Y"]', 'filter: price < 50']
    >>> try:
    ...     parse_rules(["filter: price < 50", "filter: brand equals 'X'"])
    ... except ValidationError as error:
    ...     print(error.field, "|", error.expected.split(", not ")[-1])
    rules[1] | 'equals'
    """
    if isinstance(rules, str | Mapping):
        raise ValidationError(where, rules, "a list of rules")
    out = []
    for i, raw in enumerate(rules):
        try:
            out.append(parse_rule(raw))
        except ValidationError as error:
            raise ValidationError(f"{where}[{i}]", raw, error.expected) from None
    return tuple(out)


def parse_rule(raw: str | Mapping[str, Any]) -> Rule:
    """One rule from its text or mapping (raises `ValidationError` naming the bad part)."""
    if isinstance(raw, Mapping):
        return _from_mapping(raw)
    if not isinstance(raw, str):
        raise ValidationError("rule", raw, f"a string ({EXAMPLE}) or a mapping")
    if len(raw) > MAX_RULE_CHARS:
        raise ValidationError("rule", raw, f"a rule of at most {MAX_RULE_CHARS} characters")
    head = _HEAD.match(raw)
    if head is None:
        raise ValidationError("rule", raw, EXAMPLE)
    action, amount_text, condition = head.groups()
    field = _FIELD.match(condition)
    if field is None or not field.group(1):
        raise ValidationError("rule", raw, f"a field after {action!r}: {_fields_text()}")
    op = _OP.match(field.group(2))
    if op is None:
        word = (field.group(2).split() or ["nothing"])[0]
        raise ValidationError("rule", raw, f"an operator among {', '.join(OPS)}, not {word!r}")
    return _make(
        action.lower(), field.group(1), " ".join(op.group(1).split()), _literal(op.group(2)),
        _amount(action.lower(), amount_text),
    )  # fmt: skip


def _from_mapping(raw: Mapping[str, Any]) -> Rule:
    unknown = sorted(set(raw) - {"action", "field", "op", "value", "amount"})
    if unknown:
        raise ValidationError("rule", raw, f"only action, field, op, value, amount, not {unknown}")
    missing = [key for key in ("action", "field", "op", "value") if key not in raw]
    if missing:
        raise ValidationError("rule", raw, f"a mapping with {', '.join(missing)}")
    action, amount = raw["action"], raw.get("amount")
    value = tuple(raw["value"]) if isinstance(raw["value"], list | tuple) else raw["value"]
    if amount is None and action in ("boost", "bury"):
        amount = DEFAULT_AMOUNT
    return _make(action, raw["field"], raw["op"], value, 0.0 if amount is None else amount)


def _make(action: Any, field: Any, op: Any, value: Any, amount: Any) -> Rule:
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise ValidationError("rule", amount, "an amount that is a number")
    return Rule(action, field, op, value, float(amount))


def _amount(action: str, text: str | None) -> float:
    if text is None:
        return DEFAULT_AMOUNT if action in ("boost", "bury") else 0.0
    try:
        return float(text)
    except ValueError:
        raise ValidationError("rule", text, "an amount that is a number, e.g. boost 0.3:") from None


def _literal(text: str) -> RuleValue:
    try:
        value = json.loads(text)
    except ValueError:
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise ValidationError(
                "rule", text, "a value: a quoted string, a number, true/false or a [list]"
            ) from None
    return tuple(value) if isinstance(value, list | tuple) else value


def _fields_text() -> str:
    return f"one of {', '.join(FIELDS)} or attributes.<name>"


def _problem(rule: Rule) -> str:
    """What is wrong with `rule`, or "" when nothing is."""
    checks = (
        (rule.action in ACTIONS, f"an action among {', '.join(ACTIONS)}, not {rule.action!r}"),
        (_known_field(rule.field), f"a field: {_fields_text()}, not {rule.field!r}"),
        (rule.op in OPS, f"an operator among {', '.join(OPS)}, not {rule.op!r}"),
        (_amount_ok(rule), _amount_expected(rule.action)),
    )
    for ok, expected in checks:
        if not ok:
            return expected
    return _value_problem(rule.field, rule.op, rule.value)


def _known_field(field: object) -> bool:
    if not isinstance(field, str):
        return False
    return field in FIELDS or (field.startswith("attributes.") and len(field) > 11)


def _amount_ok(rule: Rule) -> bool:
    amount = rule.amount
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        return False
    if rule.action in ("boost", "bury"):
        return bool(np.isfinite(amount) and amount > 0)
    return amount == 0


def _amount_expected(action: str) -> str:
    if action in ("boost", "bury"):
        return f"a finite amount > 0 after {action!r}, e.g. '{action} 0.3:'"
    return f"no amount: {action!r} takes none"


def _value_problem(field: str, op: str, value: object) -> str:
    if op in ("in", "not in"):
        if not isinstance(value, tuple) or not value:
            return f"a non-empty [list] of values after {op!r}"
        return next(filter(None, (_value_problem(field, "==", v) for v in value)), "")
    if isinstance(value, tuple):
        return f"one value after {op!r} (a list only after 'in' / 'not in')"
    if not _scalar(value):
        return f"a string, a finite number or true/false, not {value!r}"
    if op in _NUMERIC_OPS and field != "price" and not field.startswith("attributes."):
        return f"'{op}' only on price or attributes.<name>, not on {field}"
    if op in ("startswith", "contains") and field == "price":
        return f"'{op}' only on text fields, not on price"
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if (op in _NUMERIC_OPS or field == "price") and not is_number:
        return f"a number after {field} {op}, not {value!r}"
    if op in ("startswith", "contains") and not isinstance(value, str):
        return f"a quoted string after {op!r}"
    if field in ("item_id", "brand", "category", "title", "tags") and not isinstance(value, str):
        return f"a quoted string for {field}, not {value!r}"
    return ""


def _scalar(value: object) -> bool:
    if isinstance(value, float):
        return bool(np.isfinite(value))
    return isinstance(value, str | int | bool)


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
