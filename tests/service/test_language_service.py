"""Language through the public API: search constraints, the embedding cache, cold items."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import semrec
from semrec.data.records import Item
from semrec.rank.hybrid import SearchWeights, category_prior
from semrec.sample import generate
from semrec.service.searching import query_scores, weights_for
from semrec.text.intent import Intent, parse

SHOP = generate(seed=11, n_items=400, n_users=200)
BRANDS = sorted({str(it["brand"]) for it in SHOP.items if it["brand"]})
NOUNS = ["phone", "headphones", "running shoes", "guitar", "saucepan", "board game", "手机", "耳机"]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[semrec.Recommender]:
    """The small sample shop, trained, embedding with the hashing encoder."""
    home = tmp_path_factory.mktemp("shop")
    with semrec.Recommender.open(home, {"text": {"encoder": "hashing"}}) as rec:
        rec.upsert_items(SHOP.items)
        rec.ingest(SHOP.events)
        rec.train()
        yield rec


def _lexicon(rec: semrec.Recommender) -> Any:
    language = rec._language_index()
    assert language is not None
    return language.lexicon


def _violations(intent: Intent, item: Item) -> list[str]:
    """Every parsed hard constraint the item breaks, checked straight from the stored item."""
    wrong = []
    brand = item.brand.lower()
    if brand in {b.lower() for b in intent.exclude_brands}:
        wrong.append("excluded brand")
    if intent.brands and brand not in {b.lower() for b in intent.brands}:
        wrong.append("unwanted brand")
    if intent.price_max is not None and (item.price is None or item.price > intent.price_max):
        wrong.append("price above bound")
    if intent.price_min is not None and (item.price is None or item.price < intent.price_min):
        wrong.append("price below bound")
    path = tuple(p.lower() for p in item.category)
    if intent.categories and not any(
        path[: len(c)] == tuple(p.lower() for p in c) for c in intent.categories
    ):
        wrong.append("category")
    if any(path[: len(c)] == tuple(p.lower() for p in c) for c in intent.exclude_categories):
        wrong.append("excluded category")
    for key, values in intent.exclude_attributes.items():
        if str(item.attributes.get(key, "")).lower() in {v.lower() for v in values}:
            wrong.append(f"excluded {key}")
    return wrong


@st.composite
def queries(draw: st.DrawFn) -> str:
    """Queries mixing nouns, wanted and excluded brands and price bounds, English and Chinese."""
    noun = draw(st.sampled_from(NOUNS))
    brand = draw(st.sampled_from(BRANDS))
    bound = draw(st.integers(min_value=5, max_value=2000))
    return draw(
        st.sampled_from(
            [
                f"{noun} not {brand}",
                f"{brand} {noun} under {bound}",
                f"{noun} without {brand}, less than ${bound}",
                f"cheapest {noun} over {bound}",
                f"{bound}元以内的{noun}",
                f"不要{brand}的{noun}",
                f"{noun} between {bound} and {bound * 2}",
                f"{brand} {noun}",
            ]
        )
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries())
def test_no_result_ever_violates_a_parsed_hard_constraint(
    shop: semrec.Recommender, query: str
) -> None:
    intent = parse(query, _lexicon(shop))
    for result in shop.search(query, k=10):
        item = shop.get_item(result.item_id)
        assert not _violations(intent, item), (query, item)
    for result in shop.recommend("u0003", k=10, query=query):
        assert not _violations(intent, shop.get_item(result.item_id)), (query, result)


def test_search_results_cite_the_constraints_they_meet(shop: semrec.Recommender) -> None:
    results = shop.search("headphones under 150", k=5)
    assert results
    for r in results:
        item = shop.get_item(r.item_id)
        assert item.category[-1] == "Headphones" and item.price is not None and item.price <= 150
        cited = [x for x in r.reasons if x.get("kind") == "constraint"]
        assert {"kind": "constraint", "field": "price", "op": "<=", "value": 150.0} in cited


def test_chinese_query_finds_the_same_kind_of_item(shop: semrec.Recommender) -> None:
    english = {shop.get_item(r.item_id).category for r in shop.search("phone", k=5)}
    chinese = {shop.get_item(r.item_id).category for r in shop.search("手机", k=5)}
    assert english == chinese == {("Electronics", "Phones")}


def test_sort_intent_orders_by_price(shop: semrec.Recommender) -> None:
    prices = [shop.get_item(r.item_id).price for r in shop.search("cheapest headphones", k=5)]
    assert prices == sorted(prices)
    pool = [it["price"] for it in SHOP.items if it["category"][-1] == "Headphones"]
    assert prices[0] == min(pool)


def test_bad_query_is_a_validation_error(shop: semrec.Recommender) -> None:
    with pytest.raises(semrec.ValidationError, match="query"):
        shop.search("   ")


def test_second_train_encodes_nothing_and_a_changed_item_alone_is_encoded(
    tmp_path: Path,
) -> None:
    with semrec.Recommender.open(tmp_path, {"text": {"encoder": "hashing"}}) as rec:
        rec.upsert_items(SHOP.items)
        rec.ingest(SHOP.events)
        first = rec.train()
        second = rec.train()
        changed = dict(SHOP.items[0], description="Completely rewritten description.")
        rec.upsert_items([changed])
        third = rec.train()
    # item documents (all distinct) + review snippets (repeated texts are encoded once)
    n = first.language["encoded"]
    assert first.language["cached"] == 0
    assert len(SHOP.items) < n <= len(SHOP.items) + first.language["review_snippets"]
    assert (second.language["encoded"], second.language["cached"]) == (0, n)
    assert (third.language["encoded"], third.language["cached"]) == (1, n - 1)


def test_cache_survives_reopening_the_home(tmp_path: Path) -> None:
    with semrec.Recommender.open(tmp_path, {"text": {"encoder": "hashing"}}) as rec:
        rec.upsert_items(SHOP.items)
        rec.ingest(SHOP.events)
        rec.train()
    with semrec.Recommender.open(tmp_path, {"text": {"encoder": "hashing"}}) as again:
        report = again.train()
    assert report.language["encoded"] == 0


# -- the real bundled model: cold items and sparse users are served from meaning --------------
GUITARS = [f"g{i}" for i in range(6)]
PANS = [f"p{i}" for i in range(6)]


def _catalog() -> list[dict[str, Any]]:
    guitars = [
        "acoustic guitar with spruce top",
        "electric guitar, humbucker pickups",
        "classical nylon string guitar",
        "dreadnought acoustic guitar",
        "bass guitar, four strings",
        "travel size acoustic guitar",
    ]
    pans = [
        "non-stick frying pan",
        "cast iron skillet",
        "stainless steel saucepan",
        "wok for stir fry",
        "enamelled dutch oven",
        "copper sauté pan",
    ]
    items = [
        {"item_id": f"g{i}", "title": t, "category": "Music > Instruments"}
        for i, t in enumerate(guitars)
    ]
    items += [
        {"item_id": f"p{i}", "title": t, "category": "Kitchen > Cookware"}
        for i, t in enumerate(pans)
    ]
    return items


def _events() -> list[dict[str, Any]]:
    t0 = 1_700_000_000
    out = []
    for u in range(30):
        group = GUITARS if u % 2 == 0 else PANS
        for j in range(3):
            item = group[(u + j) % 6]
            out.append(
                {
                    "user_id": f"u{u}",
                    "item_id": item,
                    "type": "purchase",
                    "timestamp": t0 + 10 * u + j,
                }
            )
    return out


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[semrec.Recommender]:
    """A tiny two-taste shop on the default (bundled, multilingual) encoder."""
    home = tmp_path_factory.mktemp("bundled")
    with semrec.Recommender.open(home, {"text": {"encoder": "usem"}}) as rec:
        rec.upsert_items(_catalog())
        rec.ingest(_events())
        rec.train()
        yield rec


def test_a_cold_item_reaches_users_whose_history_is_close_in_meaning(
    bundled: semrec.Recommender,
) -> None:
    bundled.upsert_items(
        [
            {
                "item_id": "new-guitar",
                "title": "Twelve-string acoustic guitar, solid cedar top",
                "category": "Music > Instruments",
            }
        ]
    )
    guitar_fan = [r.item_id for r in bundled.recommend("u0", k=4)]
    cook = [r.item_id for r in bundled.recommend("u1", k=13)]
    assert "new-guitar" in guitar_fan  # u0 has three guitars; three others and the new one
    unseen_pans = [i for i in cook if i.startswith("p")]
    assert len(unseen_pans) == 3 and cook.index("new-guitar") > max(map(cook.index, unseen_pans))
    similar = [r.item_id for r in bundled.similar("new-guitar", k=3)]
    assert set(similar) <= set(GUITARS)


def test_a_user_known_only_from_one_search_gets_items_of_that_meaning(
    bundled: semrec.Recommender,
) -> None:
    bundled.ingest(
        [
            {
                "user_id": "searcher",
                "type": "search",
                "text": "炒锅和煎锅",
                "timestamp": 1_700_100_000,
            }
        ]
    )
    recs = [r.item_id for r in bundled.recommend("searcher", k=4)]
    assert sum(i.startswith("p") for i in recs) >= 3, recs


# -- evidence beyond the parsed constraints ---------------------------------------------------
def test_a_negated_word_excludes_items_by_their_own_text_not_by_their_reviews(
    tmp_path: Path,
) -> None:
    items = [
        {"item_id": "c1", "title": "Instrument cable", "description": "Braided, adds noise"},
        {"item_id": "c2", "title": "Patch cable", "description": "Gold-plated plugs"},
        {"item_id": "c3", "title": "Speaker cable", "description": "Heavy gauge copper"},
    ]
    review = "Quiet cable\n\nNo noise at all, even at high gain."
    events = [
        {
            "user_id": "u1",
            "item_id": "c2",
            "type": "review",
            "text": review,
            "timestamp": 1_700_000_000,
        }
    ]
    with semrec.Recommender.open(tmp_path, {"text": {"encoder": "hashing"}}) as rec:
        rec.upsert_items(items)
        rec.ingest(events)
        found = [r.item_id for r in rec.search("cable without noise", k=5)]
    assert "c1" not in found
    assert "c2" in found  # a reviewer's "no noise" is not the item saying "noise"
    assert set(found) == {"c2", "c3"}


def test_free_text_queries_lean_more_on_exact_words(shop: semrec.Recommender) -> None:
    lexicon = _lexicon(shop)
    base = SearchWeights(lexical=0.5, free_text_lexical=1.0)
    assert weights_for(parse("great strings for the price", lexicon), base).lexical == 1.0
    assert weights_for(parse("red phone", lexicon), base).lexical == 0.5  # colour understood
    assert weights_for(parse("anything under 40", lexicon), base).lexical == 0.5  # a bound


def test_category_prior_is_the_share_of_the_nearest_items_on_each_shelf() -> None:
    focus = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.95], dtype=np.float32)
    shelves = np.array([0, 0, 1, 1, -1, 2])
    allow = np.array([True, True, True, True, True, False])
    prior = category_prior(focus, shelves, allow, top=4)
    # nearest four allowed, shelved items: 0, 1 (shelf 0), 2, 3 (shelf 1); item 5 not allowed
    assert prior.tolist() == [0.5, 0.5, 0.5, 0.5, 0.0, 0.0]
    prior = category_prior(focus, shelves, allow, top=3)
    assert prior.tolist() == pytest.approx([2 / 3, 2 / 3, 1 / 3, 1 / 3, 0.0, 0.0])
    nothing = category_prior(focus, shelves, np.zeros(6, dtype=bool))
    assert not nothing.any()


def test_category_prior_only_when_the_query_names_no_category(shop: semrec.Recommender) -> None:
    language = shop._language_index()
    assert language is not None
    allow = np.ones(len(language), dtype=bool)
    named = query_scores(parse("red phone", language.lexicon), language, shop.encoder(), allow)
    assert named.category is None
    free = parse("something to keep my drinks warm", language.lexicon)
    assert free.categories == ()
    scores = query_scores(free, language, shop.encoder(), allow)
    assert scores.category is not None
    assert scores.category.shape == (len(language),)
    assert 0.0 < float(scores.category.max()) <= 1.0
