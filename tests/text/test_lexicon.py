"""The lexicon learned from a catalog: aliases, Chinese words, fuzzy matching, round trip."""

from __future__ import annotations

import json
from typing import Any

import pytest

from semrec.data.records import Item
from semrec.sample import generate
from semrec.text.lexicon import Lexicon


def _item(raw: dict[str, Any]) -> Item:
    return Item(
        item_id=raw["item_id"],
        title=raw["title"],
        description=raw["description"],
        category=tuple(raw["category"]),
        brand=raw["brand"],
        price=raw["price"],
        currency=raw["currency"],
        attributes=raw["attributes"],
        tags=tuple(raw["tags"]),
        created_at=raw["created_at"],
    )


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.learn([_item(raw) for raw in generate(seed=7, n_items=1500, n_users=1).items])


def _brands(lexicon: Lexicon, text: str) -> list[str]:
    return [m.canonical for m in lexicon.match_brands(text)]


def _paths(lexicon: Lexicon, text: str) -> list[tuple[str, ...]]:
    return [m.path for m in lexicon.match_categories(text)]


def _attrs(lexicon: Lexicon, text: str) -> list[tuple[str, str]]:
    return [(m.key, m.value) for m in lexicon.match_attributes(text)]


def test_learned_chinese_aliases(lexicon: Lexicon) -> None:
    assert _brands(lexicon, "索尼耳机") == ["Sony"]
    assert _brands(lexicon, "森海塞尔耳机") == ["Sennheiser"]  # learned, not built in
    assert _brands(lexicon, "西欧") == []  # only ever seen inside 卡西欧
    assert ("Electronics", "Phones") in _paths(lexicon, "拍照好的手机")
    assert ("Electronics", "Headphones") in _paths(lexicon, "降噪耳机")
    assert _attrs(lexicon, "红色的") == [("colour", "red")]
    assert _attrs(lexicon, "藏青色") == [("colour", "navy")]


@pytest.mark.parametrize(
    ("text", "brand"),
    [
        ("Samsng phone", "Samsung"),
        ("sonny headphones", "Sony"),
        ("appel laptop", "Apple"),
        ("ＳＯＮＹ", "Sony"),
        ("sony", "Sony"),
        ("new balance trainers", "New Balance"),
        ("levis jeans", "Levi's"),
        ("loreal mascara", "L'Oréal"),
        ("wusthof knife", "Wüsthof"),
    ],
)
def test_brand_variants_and_typos(lexicon: Lexicon, text: str, brand: str) -> None:
    assert _brands(lexicon, text)[:1] == [brand]


def test_fuzzy_scores_below_exact(lexicon: Lexicon) -> None:
    exact = lexicon.match_brands("Samsung")[0]
    typo = lexicon.match_brands("Samsng")[0]
    assert exact.score == 1.0 and 0.85 <= typo.score < 1.0
    assert (typo.start, typo.end, typo.surface) == (0, 6, "Samsng")


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("phone", ("Electronics", "Phones")),
        ("PHONES", ("Electronics", "Phones")),
        ("knife", ("Kitchen", "Knives")),
        ("hedphones", ("Electronics", "Headphones")),
        ("a smartphone", ("Electronics", "Phones")),
        ("dutch oven", ("Kitchen", "Cookware")),
        ("ｌａｐｔｏｐｓ", ("Electronics", "Laptops")),
        ("electronics", ("Electronics",)),
    ],
)
def test_category_aliases(lexicon: Lexicon, text: str, path: tuple[str, ...]) -> None:
    assert path in _paths(lexicon, text)


def test_no_matches_on_common_words(lexicon: Lexicon) -> None:
    text = "I would like something nice and simple that I can use every day, please"
    assert lexicon.match_brands(text) == []
    assert lexicon.match_categories(text) == []
    assert lexicon.match_attributes(text) == []
    assert _brands(lexicon, "some song apply sunny block") == []
    assert _brands(lexicon, "a global bestseller") == []  # the brand "Global" needs a capital
    assert _brands(lexicon, "Global chef knife") == ["Global"]


def test_marketing_tags_are_not_category_aliases(lexicon: Lexicon) -> None:
    assert _paths(lexicon, "premium budget bestseller") == []


def test_round_trip_through_json(lexicon: Lexicon) -> None:
    again = Lexicon.from_dict(json.loads(json.dumps(lexicon.to_dict())))
    for text in ["索尼 Samsng 红色手机", "not red knives", "sonny hedphones"]:
        assert lexicon.match_brands(text) == again.match_brands(text)
        assert lexicon.match_categories(text) == again.match_categories(text)
        assert lexicon.match_attributes(text) == again.match_attributes(text)
    assert again.to_dict() == lexicon.to_dict()


def test_hand_built_lexicon_and_builtin_chinese_names() -> None:
    items = [
        Item("a", "Apple iPhone", category=("Electronics", "Phones"), brand="Apple"),
        Item("b", "Acme Phone", category=("Electronics", "Phones"), brand="Acme"),
    ]
    lexicon = Lexicon.learn(items)
    assert _brands(lexicon, "苹果手机") == ["Apple"]
    assert _brands(lexicon, "三星手机") == []  # Samsung is not in this catalog
    assert lexicon.key_in_categories("colour", [("Electronics",)]) is False
