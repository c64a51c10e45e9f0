"""Business rules: parsing (and its errors), matching on a hand-made catalog, applying."""

from __future__ import annotations

import doctest
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from semrec.data.errors import ValidationError
from semrec.data.records import Item
from semrec.rank import rule_match, rule_parse
from semrec.rank import rules as rules_module
from semrec.rank.rules import (
    ItemColumns,
    Rule,
    apply_rules,
    final_order,
    parse_rule,
    parse_rules,
    rule_mask,
    score_scale,
)

CATALOG = [
    Item(
        "A1", "Yamaha P-45 Digital Piano", category=("Music", "Keyboards"), brand="Yamaha",
        price=450.0, tags=("piano", "88-key"), attributes={"colour": "black", "keys": 88},
    ),
    Item(
        "A2", "Casio CT-S1", category=("Music", "Keyboards"), brand="Casio", price=199.0,
        tags=("keyboard",), attributes={"colour": "Red", "keys": 61},
    ),
    Item(
        "A3", "Sony WH-1000XM4", category=("Audio", "Headphones"), brand="Sony", price=349.0,
        tags=("wireless",), attributes={"colour": "black", "wireless": True},
    ),
    Item("A4", "Fender strap", brand="Fender"),
    Item(
        "a1", "Yamaha HS5 Monitor", category=("Audio", "Studio Monitors"), brand="yamaha",
        price=199.0, tags=("studio",), attributes={"keys": "88"},
    ),
]  # fmt: skip


@pytest.fixture(scope="module")
def columns() -> ItemColumns:
    return ItemColumns.from_items(CATALOG)


@pytest.mark.parametrize("module", [rule_parse, rule_match, rules_module])
def test_doctests(module: ModuleType) -> None:
    failed, attempted = doctest.testmod(module)
    assert attempted >= 2 and failed == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('filter: brand == "Yamaha"', Rule("filter", "brand", "==", "Yamaha")),
        ("filter: price < 50", Rule("filter", "price", "<", 50)),
        (
            'boost 0.3: category startswith "Audio"',
            Rule("boost", "category", "startswith", "Audio", 0.3),
        ),
        ('bury: brand in ["X", "Y"]', Rule("bury", "brand", "in", ("X", "Y"), 1.0)),
        ('pin: item_id == "A1"', Rule("pin", "item_id", "==", "A1")),
        ('filter: attributes.colour != "red"', Rule("filter", "attributes.colour", "!=", "red")),
        ("Filter:brand=='Yamaha'", Rule("filter", "brand", "==", "Yamaha")),
        ('filter: tags not   in ["used"]', Rule("filter", "tags", "not in", ("used",))),
        ("filter: attributes.wireless == true", Rule("filter", "attributes.wireless", "==", True)),
        ('filter: title contains "a: b"', Rule("filter", "title", "contains", "a: b")),
    ],
)
def test_parses_rule_texts(text: str, expected: Rule) -> None:
    assert parse_rule(text) == expected


def test_parses_mappings_with_a_default_amount() -> None:
    parsed = parse_rules(
        [
            {"action": "boost", "field": "price", "op": ">=", "value": 100, "amount": 0.5},
            {"action": "bury", "field": "brand", "op": "in", "value": ["X"]},
            {"action": "pin", "field": "item_id", "op": "==", "value": "A1"},
        ]
    )
    assert parsed == (
        Rule("boost", "price", ">=", 100, 0.5),
        Rule("bury", "brand", "in", ("X",), 1.0),
        Rule("pin", "item_id", "==", "A1", 0.0),
    )
    assert [r.text for r in parsed] == [
        "boost 0.5: price >= 100",
        'bury 1: brand in ["X"]',
        'pin: item_id == "A1"',
    ]


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ('filter: brand equals "X"', "not 'equals'"),
        ('filter: colour == "red"', "not 'colour'"),
        ('promote: brand == "X"', "not 'promote'"),
        ('filter: price < "cheap"', "a number after price <"),
        ("filter: brand < 5", "only on price or attributes"),
        ('filter: category > "A"', "only on price or attributes"),
        ('filter: price contains "9"', "only on text fields"),
        ('boost -1: brand == "X"', "a finite amount > 0"),
        ('boost lots: brand == "X"', "an amount that is a number"),
        ('filter 0.5: brand == "X"', "'filter' takes none"),
        ("filter: brand == Yamaha", "a quoted string"),
        ('filter: brand in "X"', "a non-empty [list]"),
        ("filter: brand in []", "a non-empty [list]"),
        ('filter: brand == ["X"]', "a list only after 'in'"),
        ("filter: brand in [1]", "a quoted string for brand"),
        ("filter: price < NaN", "a finite number"),
        ("filter: attributes. == 1", "a field"),
        ('brand == "X"', "ACTION [AMOUNT]: FIELD OP VALUE"),
        ("filter:", "a field after"),
        ("filter: brand", "not 'nothing'"),
        ({"action": "filter", "field": "brand", "op": "=="}, "a mapping with value"),
        ({"action": "filter", "field": "brand", "op": "==", "value": "X", "why": 1}, "['why']"),
        ({"action": "boost", "field": "brand", "op": "==", "value": "X", "amount": "1"}, "number"),
        (42, "a string"),
        ("filter: title == " + '"' + "x" * 1000 + '"', "at most 1000 characters"),
    ],
)
def test_errors_name_the_rule_and_the_bad_part(bad: Any, says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_rules(["filter: price < 10", bad], where="request.rules")
    assert caught.value.field == "request.rules[1]"
    assert caught.value.value == bad
    assert says in caught.value.expected


def test_a_single_string_is_not_a_list_of_rules() -> None:
    with pytest.raises(ValidationError, match="a list of rules"):
        parse_rules("filter: price < 5")  # type: ignore[arg-type]


_NUMBERS = st.one_of(st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6, allow_nan=False))
_TEXTS = st.text(alphabet="aZ09 _-:>\"'\\[],é中\n", max_size=12)
_SCALARS = st.one_of(_TEXTS, _NUMBERS, st.booleans())


@st.composite
def valid_rules(draw: st.DrawFn) -> Rule:
    """Any valid rule: the value's type follows from the field and the operator."""
    action = draw(st.sampled_from(rules_module.ACTIONS))
    op = draw(st.sampled_from(rules_module.OPS))
    fields = ["attributes.colour"] + ([] if op in ("startswith", "contains") else ["price"])
    if op not in ("<", "<=", ">", ">="):
        fields += ["item_id", "brand", "category", "title", "tags"]
    field = draw(st.sampled_from(fields))
    one = _NUMBERS if field == "price" or "<" in op or ">" in op else _TEXTS
    if field == "attributes.colour" and op in ("==", "!=", "in", "not in"):
        one = _SCALARS
    value = draw(st.lists(one, min_size=1, max_size=3).map(tuple) if "in" in op.split() else one)
    amount = draw(st.floats(0.01, 5.0)) if action in ("boost", "bury") else 0.0
    return Rule(action, field, op, value, amount)


@given(valid_rules())
def test_the_text_of_a_rule_parses_back_to_the_rule(rule: Rule) -> None:
    assert parse_rule(rule.text) == rule
    assert parse_rule(rule.text).text == rule.text


@pytest.mark.parametrize(
    ("text", "mask"),
    [
        ('filter: brand == "yamaha"', [1, 0, 0, 0, 1]),
        ('filter: item_id == "a1"', [0, 0, 0, 0, 1]),
        ('filter: item_id in ["A1", "A3"]', [1, 0, 1, 0, 0]),
        ("filter: price < 200", [0, 1, 0, 0, 1]),
        ("filter: price >= 349", [1, 0, 1, 0, 0]),
        ("filter: price != 199", [1, 0, 1, 1, 0]),
        ("filter: price in [199, 450]", [1, 1, 0, 0, 1]),
        ('filter: category == "Keyboards"', [1, 1, 0, 0, 0]),
        ('filter: category == "music > keyboards"', [1, 1, 0, 0, 0]),
        ('filter: category != "Music"', [0, 0, 1, 1, 1]),
        ('filter: category startswith "audio"', [0, 0, 1, 0, 1]),
        ('filter: category contains "MONITOR"', [0, 0, 0, 0, 1]),
        ('filter: category in ["Headphones", "Keyboards"]', [1, 1, 1, 0, 0]),
        ('filter: tags == "PIANO"', [1, 0, 0, 0, 0]),
        ('filter: tags contains "key"', [1, 1, 0, 0, 0]),
        ('filter: tags startswith "stu"', [0, 0, 0, 0, 1]),
        ('filter: title contains "piano"', [1, 0, 0, 0, 0]),
        ('filter: brand not in ["Casio", "Sony"]', [1, 0, 0, 1, 1]),
        ('filter: attributes.colour != "red"', [1, 0, 1, 1, 1]),
        ('filter: attributes.colour == "black"', [1, 0, 1, 0, 0]),
        ("filter: attributes.keys >= 80", [1, 0, 0, 0, 1]),
        ("filter: attributes.keys == 88", [1, 0, 0, 0, 1]),
        ("filter: attributes.wireless == true", [0, 0, 1, 0, 0]),
        ("filter: attributes.wireless == 1", [0, 0, 0, 0, 0]),
    ],
)
def test_rule_masks_on_a_hand_made_catalog(
    text: str, mask: list[int], columns: ItemColumns
) -> None:
    assert rule_mask(parse_rule(text), columns).tolist() == [bool(m) for m in mask]


def test_columns_follow_a_given_id_order_with_placeholders() -> None:
    cols = ItemColumns.from_items(CATALOG[:2], order=["A2", "new", "A1"])
    assert list(cols.item_ids) == ["A2", "new", "A1"]
    assert list(cols.brands) == ["Casio", "", "Yamaha"]
    assert np.isnan(cols.prices[1]) and cols.prices[2] == 450.0
    with pytest.raises(ValidationError, match="brands"):
        ItemColumns(["a"], [], [()], np.zeros(1), [""], [()], [{}])


def test_apply_rules_filters_boosts_buries_and_pins(columns: ItemColumns) -> None:
    scores = np.array([0.9, 0.5, 0.7, 0.1, 0.2], dtype=np.float32)
    allow = np.ones(5, dtype=bool)
    rules = parse_rules(
        [
            'filter: attributes.colour != "red"',
            'boost 0.5: brand == "Yamaha"',
            'bury 0.25: category startswith "Audio"',
            'pin: item_id == "A4"',
            'pin: item_id == "A2"',
        ]
    )
    out = apply_rules(scores, allow, rules, columns)
    # allowed scores span 0.9 - 0.1 = 0.8: the boost adds 0.4 and the bury takes 0.2
    assert out.allow.tolist() == [True, False, True, True, True]
    assert out.scores.tolist() == pytest.approx([1.3, -np.inf, 0.5, 0.1, 0.4])
    assert out.pinned == [3]  # A2 was filtered out, so its pin does nothing
    boost, bury, pin = (r.text for r in rules[1:4])
    assert out.moved == {0: [boost], 4: [boost, bury], 2: [bury], 3: [pin]}
    assert final_order(out, 4).tolist() == [3, 0, 2, 4]
    assert scores.tolist() == pytest.approx([0.9, 0.5, 0.7, 0.1, 0.2]) and allow.all()


def test_pins_keep_rule_order_then_score_order(columns: ItemColumns) -> None:
    scores = np.array([0.2, 0.9, 0.4, 0.3, 0.6])
    rules = parse_rules(['pin: item_id == "A3"', 'pin: brand == "Yamaha"', "pin: price > 300"])
    out = apply_rules(scores, np.ones(5, dtype=bool), rules, columns)
    assert out.pinned == [2, 4, 0]
    assert out.moved[2] == [rules[0].text]
    assert final_order(out, 2).tolist() == [2, 4]
    assert final_order(out, 5).tolist() == [2, 4, 0, 1, 3]


def test_boost_on_tied_scores_uses_a_unit_scale(columns: ItemColumns) -> None:
    out = apply_rules(
        np.zeros(5), np.ones(5, dtype=bool), parse_rules(["boost 0.3: price < 300"]), columns
    )
    assert out.scores.tolist() == pytest.approx([0.0, 0.3, 0.0, 0.0, 0.3])
    assert score_scale(np.array([np.nan, -np.inf]), np.ones(2, dtype=bool)) == 1.0


def test_apply_rules_checks_array_shapes(columns: ItemColumns) -> None:
    with pytest.raises(ValidationError, match="scores"):
        apply_rules(np.zeros(4), np.ones(5, dtype=bool), (), columns)
    with pytest.raises(ValidationError, match="allow"):
        apply_rules(np.zeros(5), np.ones(3, dtype=bool), (), columns)
