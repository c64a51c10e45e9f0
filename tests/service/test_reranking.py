"""Re-ranking through `recommend`: rules, objective, category caps and MMR diversity.

The six-item shop ranks by popularity alone for a new user (i1 viewed 6 times ... i6 once),
so the fused scores are 1.001 x (1, 0.8, 0.6, 0.4, 0.2, 0): popularity scaled over the six,
plus 0.001 x the same as a tie-break.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import semrec
from semrec import ValidationError
from semrec.rank.diversity import intra_list_diversity
from semrec.service.language import build_language_index

T0 = 1_700_000_000

SIX = [
    {"item_id": "i1", "title": "Stage Piano", "brand": "Yamaha", "price": 100.0,
     "category": "Audio > Keyboards"},
    {"item_id": "i2", "title": "Mini Keys", "brand": "Roland", "price": 10.0,
     "category": "Audio > Keyboards"},
    {"item_id": "i3", "title": "Studio Headphones", "brand": "Roland", "price": 190.0,
     "category": "Audio > Headphones"},
    {"item_id": "i4", "title": "Piano Method", "brand": "Casio", "price": 40.0,
     "category": "Books > Music"},
    {"item_id": "i5", "title": "Chord Book", "brand": "Casio", "price": 25.0,
     "category": "Books > Music"},
    {"item_id": "i6", "title": "Full Score", "brand": "Korg", "price": 200.0,
     "category": "Books > Scores"},
]  # fmt: skip
POPULAR_ONLY = {"tune": False, "sources": ["popular"], "weights": {"popular": 1.0}}


@pytest.fixture(scope="module")
def six(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("six")
    views = [
        {"user_id": f"u{n}-{i}", "item_id": f"i{n}", "type": "view", "timestamp": T0 + i}
        for n in range(1, 7)
        for i in range(7 - n)
    ]
    with semrec.Recommender.open(home, {"train": {"models": ["popularity"]}}) as rec:
        rec.upsert_items(SIX)
        rec.ingest(views)
        rec.train()
    return home


def _open(home: Path, **rank: Any) -> semrec.Recommender:
    return semrec.Recommender.open(home, {"rank": {**POPULAR_ONLY, **rank}})


def _ids(home: Path, settings: dict[str, Any] | None = None, **request: Any) -> list[str]:
    with _open(home, **(settings or {})) as rec:
        return [r.item_id for r in rec.recommend("newcomer", k=6, **request)]


# -- business rules ----------------------------------------------------------------------------


def test_the_base_order_is_popularity(six: Path) -> None:
    assert _ids(six) == ["i1", "i2", "i3", "i4", "i5", "i6"]


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        # prices 10, 40, 25 pass
        (["filter: price < 50"], ["i2", "i4", "i5"]),
        # scale 1.001; Casio +0.5005: i4 0.4004 -> 0.9009, i5 0.2002 -> 0.7007
        (["boost 0.5: brand == 'Casio'"], ["i1", "i4", "i2", "i5", "i3", "i6"]),
        # Yamaha -0.5005: i1 1.001 -> 0.5005, between i3 (0.6006) and i4 (0.4004)
        (["bury 0.5: brand == 'yamaha'"], ["i2", "i3", "i1", "i4", "i5", "i6"]),
        (["pin: item_id == 'i6'"], ["i6", "i1", "i2", "i3", "i4", "i5"]),
        # category starts with "Books", pinned in score order, after the filter
        (["filter: price <= 100", "pin: category startswith 'Books'"], ["i4", "i5", "i1", "i2"]),
        # a mapping: +2 x 1.001 on prices >= 150 (i3 0.6006 -> 2.6026, i6 0 -> 2.002)
        (
            [{"action": "boost", "field": "price", "op": ">=", "value": 150, "amount": 2}],
            ["i3", "i6", "i1", "i2", "i4", "i5"],
        ),
    ],
)
def test_rules_per_request_by_hand(six: Path, rules: list[Any], expected: list[str]) -> None:
    assert _ids(six, rules=rules) == expected


def test_settings_rules_apply_first_and_request_rules_add_to_them(six: Path) -> None:
    settings = {"rules": ["filter: category startswith 'Audio'"]}
    assert _ids(six, settings) == ["i1", "i2", "i3"]
    assert _ids(six, settings, rules=["pin: brand == 'Roland'"]) == ["i2", "i3", "i1"]


def test_a_rule_that_moved_an_item_is_in_its_reasons_and_sentence(six: Path) -> None:
    with _open(six) as rec:
        recs = rec.recommend("newcomer", k=6, rules=["boost 0.5: brand == 'Casio'"])
    moved = {r.item_id: r for r in recs}
    rule = {"kind": "rule", "rule": 'boost 0.5: brand == "Casio"'}
    assert rule in moved["i4"].reasons and rule in moved["i5"].reasons
    assert "promoted by the shop" in moved["i4"].explanation.lower()
    for other in ("i1", "i2", "i3", "i6"):
        assert all(r["kind"] != "rule" for r in moved[other].reasons)
        assert "promoted" not in moved[other].explanation.lower()


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        (["boost: colour == 'red'"], "rules[0]"),  # unknown field
        (["filter: price < 50", "sort: price > 3"], "rules[1]"),  # unknown action
        (["filter: price < 'cheap'"], "rules[0]"),  # a price is a number
        (["bury -1: brand == 'X'"], "rules[0]"),  # amounts are > 0
        ([{"action": "pin", "field": "brand"}], "rules[0]"),  # op and value missing
        ("filter: price < 50", "rules"),  # one string is not a list of rules
    ],
)
def test_bad_rules_name_the_rule(six: Path, rules: Any, field: str) -> None:
    with _open(six) as rec, pytest.raises(ValidationError) as caught:
        rec.recommend("newcomer", rules=rules)
    assert caught.value.field == field


def test_a_bad_rule_in_the_settings_fails_at_open(six: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        _open(six, rules=["filter: price < 50", "boost: price startswith 'x'"])
    assert caught.value.field == "rank.rules[1]"


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        ({"diversity": 1.5}, "diversity"),
        ({"diversity": -0.1}, "diversity"),
        ({"diversity": True}, "diversity"),
        ({"diversity": "high"}, "diversity"),
        ({"objective": "profit"}, "objective"),
        ({"category_cap": 0}, "category_cap"),
        ({"category_cap": 1.5}, "category_cap"),
        ({"locale": "fr"}, "locale"),
    ],
)
def test_bad_reranking_requests_name_the_field(
    six: Path, request_: dict[str, Any], field: str
) -> None:
    with _open(six) as rec, pytest.raises(ValidationError) as caught:
        rec.recommend("newcomer", **request_)
    assert caught.value.field == field


# -- objective and caps ------------------------------------------------------------------------


def test_revenue_moves_pricier_items_up(six: Path) -> None:
    # relevance 1, .8, .6, .4, .2, 0; prices scaled over 10..200: .474, 0, .947, .158, .079, 1;
    # rel x (1 + value): 1.474, .8, 1.168, .463, .216, 0 -> i3 (190) passes i2 (10)
    assert _ids(six, objective="revenue") == ["i1", "i3", "i2", "i4", "i5", "i6"]
    assert _ids(six, {"objective": "revenue"}) == ["i1", "i3", "i2", "i4", "i5", "i6"]
    assert _ids(six, objective="relevance") == ["i1", "i2", "i3", "i4", "i5", "i6"]


def test_category_cap_defers_items_over_the_cap(six: Path) -> None:
    # cap 1 per category path: keyboards i1 (i2 deferred), headphones i3, music i4 (i5
    # deferred), scores i6; then the deferred in order
    assert _ids(six, category_cap=1) == ["i1", "i3", "i4", "i6", "i2", "i5"]
    assert _ids(six, {"category_cap": 1})[:4] == ["i1", "i3", "i4", "i6"]
    assert _ids(six, category_cap=2) == ["i1", "i2", "i3", "i4", "i5", "i6"]


# -- on the sample shop ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    from semrec.sample import generate

    data = generate(seed=11, n_items=200, n_users=100)
    home = tmp_path_factory.mktemp("shop")
    settings = {"train": {"models": ["popularity", "ease"]}, "rank": {"tune": False}}
    with semrec.Recommender.open(home, settings) as rec:
        rec.upsert_items(data.items)
        rec.ingest(data.events)
        rec.train()
    return home, data


def _users(data: Any, n: int = 30) -> list[str]:
    return sorted({e["user_id"] for e in data.events})[:n]


def test_mmr_raises_intra_list_diversity_at_a_bounded_relevance_cost(
    shop: tuple[Path, Any],
) -> None:
    home, data = shop
    with semrec.Recommender.open(home, {"rank": {"tune": False}}) as rec:
        ids = rec.store.item_ids()
        vectors = build_language_index(rec.store, ids, rec.encoder()).vectors
        position = {item: i for i, item in enumerate(ids)}
        diversity: dict[float, list[float]] = {0.0: [], 0.2: [], 0.5: []}
        relevance: dict[float, float] = dict.fromkeys(diversity, 0.0)
        for user in _users(data):
            for lam in diversity:
                recs = rec.recommend(user, k=10, diversity=lam)
                assert len(recs) == 10
                diversity[lam].append(
                    intra_list_diversity(vectors, [position[r.item_id] for r in recs])
                )
                relevance[lam] += sum(r.score for r in recs)  # the fused relevance of the list
    ild = {lam: float(np.mean(values)) for lam, values in diversity.items()}
    assert ild[0.0] < ild[0.2] < ild[0.5]
    assert ild[0.5] >= ild[0.0] + 0.03  # measurably more varied lists
    assert relevance[0.5] >= 0.9 * relevance[0.0]  # while keeping 90% of the relevance
    assert relevance[0.2] >= 0.97 * relevance[0.0]


def test_diversity_from_settings_equals_the_same_per_request(shop: tuple[Path, Any]) -> None:
    home, data = shop
    users = _users(data, 5)
    with semrec.Recommender.open(home, {"rank": {"tune": False}}) as rec:
        asked = [[r.item_id for r in rec.recommend(u, k=10, diversity=0.5)] for u in users]
        plain = [[r.item_id for r in rec.recommend(u, k=10)] for u in users]
    with semrec.Recommender.open(home, {"rank": {"tune": False, "diversity": 0.5}}) as rec:
        configured = [[r.item_id for r in rec.recommend(u, k=10)] for u in users]
        undone = [[r.item_id for r in rec.recommend(u, k=10, diversity=0.0)] for u in users]
    assert configured == asked != plain
    assert undone == plain


def test_revenue_and_caps_on_the_sample_shop(shop: tuple[Path, Any]) -> None:
    home, data = shop
    items = {item["item_id"]: item for item in data.items}
    raised = 0
    capped_changed = 0
    users = _users(data, 20)
    with semrec.Recommender.open(home, {"rank": {"tune": False}}) as rec:
        for user in users:
            plain = rec.recommend(user, k=10)
            rich = rec.recommend(user, k=10, objective="revenue")
            capped = rec.recommend(user, k=10, category_cap=1)
            # an item only enters the list by passing a less relevant or cheaper one
            assert _price(rich, items, 0) >= _price(plain, items, 0) - 1e-6
            raised += _price(rich, items, 1) > _price(plain, items, 1)
            groups = Counter(" > ".join(items[r.item_id]["category"]) for r in capped)
            assert len(capped) == 10 and max(groups.values()) == 1
            capped_changed += [r.item_id for r in capped] != [r.item_id for r in plain]
    assert raised >= 0.75 * len(users)  # pricier items move up the list for most users
    assert capped_changed > 0


def _price(recs: list[semrec.Recommendation], items: dict[str, Any], by_position: int) -> float:
    """The list's mean price; with `by_position`, each discounted by 1 / log2(position + 2)."""
    prices = np.array([items[r.item_id].get("price") or 0.0 for r in recs])
    if by_position:
        return float(np.sum(prices / np.log2(np.arange(prices.size) + 2)))
    return float(np.mean(prices))
