"""Explanation sentences: a hand-written table, and the property that they claim nothing more."""

from __future__ import annotations

import doctest
import re
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from semrec.data.errors import ValidationError
from semrec.rank import explain
from semrec.rank.explain import sentence

P45 = {"kind": "because_of", "item_id": "p45", "title": "Yamaha P-45"}
UNDER_500 = {"kind": "constraint", "field": "price", "op": "<=", "value": 500.0}

TABLE: list[tuple[list[dict[str, Any]], str, str]] = [
    (
        [{**P45, "event": "view"}, UNDER_500],
        "Because you viewed the Yamaha P-45, and it is under your 500 limit.",
        "因为你看过 Yamaha P-45，且价格在 500 以内。",
    ),
    (
        [{"kind": "model", "model": "ease", "contributions": {"cf": 0.7}}, P45, UNDER_500],
        "Because you interacted with the Yamaha P-45, and it is under your 500 limit.",
        "因为你与 Yamaha P-45 互动过，且价格在 500 以内。",
    ),
    (
        [{"kind": "because_of", "item_id": "p45", "title": ""}],
        "Because you interacted with item p45.",
        "因为你与 商品 p45 互动过。",
    ),
    (
        [
            {**P45, "event": "purchase"},
            {"kind": "because_of", "item_id": "c1", "title": "Casio CT-S1", "event": "purchase"},
        ],
        "Because you bought the Yamaha P-45 and the Casio CT-S1.",
        "因为你买过 Yamaha P-45 和 Casio CT-S1。",
    ),
    (
        [{"kind": "source", "source": "trending", "share": 0.9}],
        "Popular right now.",
        "当前热门。",
    ),
    (
        [
            {
                "kind": "model",
                "model": "trending",
                "contributions": {"popular": 1.6, "trending": 1.7},
            },
            {"kind": "source", "source": "trending", "share": 0.43},
            {"kind": "source", "source": "popularity", "share": 0.42},
        ],
        "Popular right now, and it is popular overall.",
        "当前热门，且广受欢迎。",
    ),
    (
        [{"kind": "model", "model": "ease", "fallback": "no history"}],
        "Popular overall.",
        "广受欢迎。",
    ),
    (
        [{"kind": "model", "model": "als"}],
        "Picked for you from your history.",
        "根据你的历史推荐。",
    ),
    (
        [
            {"kind": "model", "model": "trending", "fallback": "no history"},
            {"kind": "source", "source": "trending", "share": 1.0},
        ],
        "Popular right now.",
        "当前热门。",
    ),
    (
        [
            {"kind": "model", "model": "ease", "contributions": {"cf": 0.5, "popular": 0.3}},
            {"kind": "source", "source": "ease", "share": 0.62},
            P45,
            {"kind": "source", "source": "popularity", "share": 0.38},
        ],
        "Because you interacted with the Yamaha P-45, and it is popular overall.",
        "因为你与 Yamaha P-45 互动过，且广受欢迎。",
    ),
    (
        [
            {"kind": "search", "semantic": 0.61, "lexical": 3.2},
            {"kind": "matched_terms", "terms": ["piano", "digital"]},
            {"kind": "constraint", "field": "brand", "op": "in", "value": ["Yamaha", "Casio"]},
            {"kind": "constraint", "field": "text", "op": "not contains", "value": "used"},
        ],
        'Matches your search words "piano" and "digital", and it is from Yamaha or Casio and '
        'does not mention "used".',
        "符合搜索词“piano”、“digital”，且品牌为 Yamaha 或 Casio、不含“used”。",
    ),
    (
        [
            {
                "kind": "similar_to",
                "item_id": "c1",
                "title": "Casio CT-S1",
                "similarity": 0.8,
                "event": "purchase",
            },
            {"kind": "source", "source": "semantic", "share": 0.6},
            {"kind": "source", "source": "covisitation", "share": 0.3},
        ],
        "Similar to the Casio CT-S1 you bought, and it is often chosen together with items you "
        "interacted with.",
        "与你买过的 Casio CT-S1 相似，且常与你互动过的商品一起被选择。",
    ),
    (
        [
            {"kind": "source", "source": "cf", "share": 0.8},
            {"kind": "rule", "rule": 'boost 0.3: brand == "Yamaha"'},
        ],
        "Liked by people with similar taste, and it is promoted by the shop.",
        "口味相似的用户也喜欢，且由店铺推荐。",
    ),
    (
        [
            {"kind": "constraint", "field": "category", "op": "in", "value": ["Music/Keyboards"]},
            {"kind": "constraint", "field": "price", "op": ">=", "value": 100},
            {"kind": "aspect", "field": "colour", "value": "black"},
        ],
        "It is in Music > Keyboards, costs 100 or more and has colour black.",
        "属于 Music > Keyboards 类别、价格不低于 100、colour 为 black。",
    ),
    (
        [{"kind": "constraint", "field": "attributes.weight_g", "op": "<", "value": 300}],
        "It has weight g under 300.",
        "weight g 低于 300。",
    ),
    (
        [{"kind": "personal", "similarity": 0.42}],
        "Close to your tastes.",
        "符合你的偏好。",
    ),
    (
        [{"kind": "similar_meaning", "item_id": "i42", "similarity": 0.9}],
        "Close in meaning to i42.",
        "与 i42 含义相近。",
    ),
    (
        [
            {"kind": "source", "source": "sequence", "share": 0.5},
            {"kind": "rule", "rule": 'pin: item_id == "A1"'},
            {"kind": "rule", "rule": "filter: price < 50"},
        ],
        "Often picked next after your latest items, and it is featured by the shop.",
        "常在你最近互动的商品之后被选择，且由店铺置顶。",
    ),
    (
        [
            {"kind": "mystery"},
            {"kind": "model", "model": "oracle"},
            {"kind": "source", "source": "horoscope", "share": 1.0},
            {"kind": "constraint", "field": "price", "op": "~=", "value": 5},
            {"kind": "constraint", "field": "brand", "op": "==", "value": None},
        ],
        "Recommended for you.",
        "为你推荐。",
    ),
    ([], "Recommended for you.", "为你推荐。"),
]


def test_doctests() -> None:
    failed, attempted = doctest.testmod(explain)
    assert attempted >= 2 and failed == 0


@pytest.mark.parametrize(("reasons", "english", "chinese"), TABLE)
def test_sentences_by_hand(reasons: list[dict[str, Any]], english: str, chinese: str) -> None:
    assert sentence(reasons) == english
    assert sentence(reasons, language="zh") == chinese


def test_long_lists_are_cut_but_a_rule_that_moved_the_item_is_always_told() -> None:
    constraints = [
        {"kind": "constraint", "field": "price", "op": "<=", "value": 500},
        {"kind": "constraint", "field": "brand", "op": "==", "value": "Yamaha"},
        {"kind": "aspect", "field": "keys", "value": 88},
        {"kind": "aspect", "field": "colour", "value": "black"},
        {"kind": "aspect", "field": "finish", "value": "matte"},
    ]
    text = sentence([P45, *constraints, {"kind": "rule", "rule": "bury 1: price > 400"}])
    assert text == (
        "Because you interacted with the Yamaha P-45, and it is under your 500 limit, "
        "is from Yamaha, has keys 88 and is ranked lower by a shop rule."
    )


SOURCE_LEADS = {
    "trending": "Popular right now",
    "popularity": "Popular overall",
    "covisitation": "Often chosen together",
    "sequence": "Often picked next",
    "semantic": "Close to your interests",
    "als": "Liked by people with similar taste",
}


@given(
    st.dictionaries(st.sampled_from(sorted(SOURCE_LEADS)), st.floats(0.01, 1), min_size=1),
    st.sampled_from(sorted(SOURCE_LEADS)),
)
def test_the_source_with_the_largest_share_leads(shares: dict[str, float], model: str) -> None:
    """Whichever source the model reason names, the largest source leads the sentence."""
    assume(len(set(shares.values())) == len(shares))
    reasons = [{"kind": "model", "model": model}] + [
        {"kind": "source", "source": name, "share": share} for name, share in shares.items()
    ]
    largest = max(shares, key=lambda name: shares[name])
    assert sentence(reasons).startswith(SOURCE_LEADS[largest])


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        sentence([P45], language="fr")
    assert caught.value.field == "language"


# -- property: the sentence cites only what the reasons hold ---------------------------------

NAMES = st.from_regex(r"\A[QXZ]{2,5}( [QXZ0-9]{1,4})?\Z")
NUMBERS = st.one_of(
    st.integers(0, 10**6), st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 2))
)
SCORES = st.floats(0, 1)
EVENTS = st.sampled_from(["", "view", "purchase", "click", "add_to_cart", "rate", "skip"])
VALUES = st.one_of(NUMBERS, NAMES, st.lists(st.one_of(NUMBERS, NAMES), max_size=3))


def _reason(kind: str, optional: Mapping[str, Any] | None = None, **fields: Any) -> Any:
    return st.fixed_dictionaries({"kind": st.just(kind), **fields}, optional=optional)


REASONS = st.one_of(
    _reason("because_of", {"event": EVENTS}, item_id=NAMES, title=st.just("") | NAMES),
    _reason("similar_to", {"event": EVENTS}, item_id=NAMES, title=NAMES, similarity=SCORES),
    _reason("similar_meaning", item_id=NAMES, similarity=SCORES),
    _reason(
        "source",
        source=st.sampled_from(
            [
                *("covisitation", "sequence", "trending", "popular", "popularity", "semantic"),
                *("cf", "ease", "als", "query", "x"),
            ]
        ),
        share=SCORES,
    ),
    _reason(
        "model",
        {"fallback": st.sampled_from(["", "no history"])},
        model=st.sampled_from(["ease", "als", "popularity", "semantic", "query", "trending", "x"]),
    ),
    _reason("search", semantic=SCORES, lexical=SCORES),
    _reason("matched_terms", terms=st.lists(NAMES, max_size=4)),
    _reason(
        "constraint",
        field=st.sampled_from(["price", "brand", "category", "text", "attributes.colour", "size"]),
        op=st.sampled_from(["==", "!=", "in", "not in", "<", "<=", ">", ">=", "not contains", "~"]),
        value=VALUES,
    ),
    _reason("aspect", field=st.sampled_from(["colour", "size"]), value=st.one_of(NAMES, NUMBERS)),
    _reason("personal", similarity=SCORES),
    _reason(
        "rule",
        rule=st.sampled_from(["boost 0.3: price > 7", "pin: brand == 'QZ'", "bury 1: tags == 'x'"]),
    ),
)


def _shown(value: Any) -> set[str]:
    """The ways a reason's value may appear in a sentence."""
    if isinstance(value, list | tuple):
        return set().union(*(_shown(v) for v in value)) if value else set()
    if isinstance(value, float):
        return {repr(value)} | ({str(int(value))} if value.is_integer() else set())
    return {str(value)}


def _support(reasons: list[dict[str, Any]]) -> set[str]:
    """Every value a sentence may cite: titles, ids, terms, constraint values (never scores)."""
    keys = ("title", "item_id", "terms", "value")
    return set().union(*(_shown(r[key]) for r in reasons for key in keys if key in r))


def _has(reasons: list[dict[str, Any]], **wanted: Any) -> Callable[[], bool]:
    return lambda: any(all(r.get(k) == v for k, v in wanted.items()) for r in reasons)


def _claims(reasons: list[dict[str, Any]]) -> dict[str, Callable[[], bool]]:
    """Phrase of a sentence -> whether the reasons support it."""
    rules = " ".join(r["rule"] for r in reasons if r["kind"] == "rule")
    trending = any("trending" in (r.get("source"), r.get("model")) for r in reasons)
    return {
        "Because you": _has(reasons, kind="because_of"),
        "因为你": _has(reasons, kind="because_of"),
        "bought": _has(reasons, event="purchase"),
        "买过": _has(reasons, event="purchase"),
        "viewed": _has(reasons, event="view"),
        "看过": _has(reasons, event="view"),
        "right now": lambda: trending,
        "当前热门": lambda: trending,
        "similar taste": lambda: any(r.get("source") in ("cf", "ease", "als") for r in reasons),
        "opular overall": lambda: any(
            r.get("source") in ("popular", "popularity")
            or r.get("model") == "popularity"
            or (r.get("model") in ("ease", "als") and r.get("fallback"))
            for r in reasons
        ),
        "from your history": lambda: any(r.get("model") in ("ease", "als") for r in reasons),
        "together with": _has(reasons, source="covisitation"),
        "promoted": lambda: "boost" in rules,
        "featured": lambda: "pin" in rules,
        "ranked lower": lambda: "bury" in rules,
        "does not mention": _has(reasons, field="text", op="not contains"),
        "search": lambda: any(
            r["kind"] in ("search", "matched_terms") or "query" in (r.get("source"), r.get("model"))
            for r in reasons
        ),
    }


@given(st.lists(REASONS, max_size=6))
def test_every_citation_and_claim_is_in_the_reasons(reasons: list[dict[str, Any]]) -> None:
    support = _support(reasons)
    for language in ("en", "zh"):
        text = sentence(reasons, language=language)
        for name in re.findall(r"[QXZ]{2,}", text):
            assert any(name in s for s in support), (name, text)
        for number in re.findall(r"\d+(?:\.\d+)?", text):
            assert any(number in s for s in support), (number, text)
        for phrase, supported in _claims(reasons).items():
            assert phrase not in text or supported(), (phrase, text)
        for limit in re.findall(r"under your (\S+) limit|价格在 (\S+) 以内", text):
            value = float(limit[0] or limit[1])
            assert any(r.get("field") == "price" and r.get("value") == value for r in reasons)
