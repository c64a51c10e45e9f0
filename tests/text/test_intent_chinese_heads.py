"""Chinese noun phrases are head-final: only the last noun names the category asked for."""

from __future__ import annotations

import pytest

from semrec.data.records import Item
from semrec.text.intent import parse
from semrec.text.lexicon import Lexicon

ITEMS = [
    Item("p1", title="Xiaomi Note Phone", category=("Electronics", "Phones"), brand="Xiaomi"),
    Item("p2", title="Pixel Phone", category=("Electronics", "Phones"), brand="Google"),
    Item("g1", title="Yamaha Acoustic Guitar", category=("Music", "Guitars"), brand="Yamaha"),
    Item("s1", title="Leather Guitar Strap", category=("Music", "Accessories"), brand="Fender"),
]
LEXICON = Lexicon.learn(ITEMS)


@pytest.mark.parametrize(
    ("query", "categories"),
    [
        ("拍照手机", (("Electronics", "Phones"),)),
        ("手机，五百以内", (("Electronics", "Phones"),)),
        ("手机五百以内", (("Electronics", "Phones"),)),
        ("便宜的吉他", (("Music", "Guitars"),)),
        ("吉他背带", ()),  # a guitar strap is not a guitar
        ("手机壳", ()),  # nor is a phone case a phone
    ],
)
def test_only_the_head_noun_sets_the_category(
    query: str, categories: tuple[tuple[str, ...], ...]
) -> None:
    assert parse(query, LEXICON).categories == categories
