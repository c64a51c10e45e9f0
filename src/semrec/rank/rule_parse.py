"""Rule syntax: the `Rule` record, its validation, and parsing from text or mappings.

A rule reads ``ACTION [AMOUNT]: FIELD OP VALUE``, e.g. ``filter: price < 50``,
``boost 0.3: category startswith "Audio"`` or ``bury: brand in ["X", "Y"]``, or comes as a
mapping with the keys action, field, op, value and (optional) amount. Values are JSON (or
Python) literals: a string, a number, true/false, or a list of them for ``in`` / ``not in``.
Matching lives in `semrec.rank.rule_match`, applying in `semrec.rank.rules`.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from semrec.data.errors import ValidationError

__all__ = [
    "ACTIONS",
    "DEFAULT_AMOUNT",
    "EXAMPLE",
    "FIELDS",
    "MAX_RULE_CHARS",
    "OPS",
    "Rule",
    "RuleValue",
    "Scalar",
    "parse_rule",
    "parse_rules",
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
_NUMERIC_OPS = ("<", "<=", ">", ">=")


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
