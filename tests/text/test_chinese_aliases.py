"""Chinese aliases learned from titles: compounds, tags that name a node, whole brand names."""

from __future__ import annotations

import pytest

from semrec.data.records import Item
from semrec.text.chinese_aliases import title_words
from semrec.text.intent import parse
from semrec.text.lexicon import Lexicon

SPORTSWEAR = ("Sports", "Sportswear")
JACKETS = ("Fashion", "Jackets")
YOGA = ("Sports", "Yoga")


def _item(item_id: str, title: str, path: tuple[str, ...], brand: str, tag: str) -> Item:
    return Item(item_id, title, category=path, brand=brand, tags=(tag,))


ITEMS = [
    # Chinese titles: "running jacket" is sportswear, while a plain 夹克 is a fashion jacket.
    _item("s1", "迪卡侬 Swift 跑步夹克 灰色", SPORTSWEAR, "Decathlon", "running jacket"),
    _item("s2", "露露乐蒙 Core 跑步夹克 黑色", SPORTSWEAR, "Lululemon", "running jacket"),
    _item("s3", "Nike Aero Running Jacket, Red", SPORTSWEAR, "Nike", "running jacket"),
    _item("s4", "露露乐蒙 Flow 运动袜 白色", SPORTSWEAR, "Lululemon", "sports socks"),
    _item("s5", "Nike Swift 运动袜 黑色", SPORTSWEAR, "Nike", "sports socks"),
    _item("s6", "Nike Swift Sports Socks, Black", SPORTSWEAR, "Nike", "sports socks"),
    _item("j1", "Zara Metro 牛仔夹克 蓝色", JACKETS, "Zara", "denim jacket"),
    _item("j2", "Uniqlo Wave 牛仔夹克 黑色", JACKETS, "Uniqlo", "denim jacket"),
    _item("j3", "Columbia Peak Denim Jacket, Grey", JACKETS, "Columbia", "denim jacket"),
    # Resistance bands sit under Yoga, beside mats: 弹力带 is learned through its tag.
    _item("y1", "露露乐蒙 Zen 弹力带 粉色", YOGA, "Lululemon", "resistance bands"),
    _item("y2", "Manduka Ion 弹力带 灰色", YOGA, "Manduka", "resistance bands"),
    _item("y3", "Manduka Peak 瑜伽垫 蓝色", YOGA, "Manduka", "yoga mat"),
    _item("y4", "Manduka Echo 瑜伽垫 黑色", YOGA, "Manduka", "yoga mat"),
    _item("y5", "Gaiam Orbit Yoga Mat, Green", YOGA, "Gaiam", "yoga mat"),
]
LEXICON = Lexicon.learn(ITEMS)


def test_title_words_are_jieba_words_adjacent_pairs_and_whole_chunks() -> None:
    assert title_words("Nike Aero Running Jacket, Red") == set()
    expected = {"迪卡侬", "跑步", "夹克", "跑步夹克", "灰色"}
    assert title_words("迪卡侬 Swift 跑步夹克 灰色") == expected
    # no spaces: adjacent jieba words pair up ("降噪耳机"), the over-long chunk does not count
    words = title_words("索尼WH-1000XM4无线降噪耳机黑色")
    assert {"无线", "降噪", "耳机", "降噪耳机", "黑色"} <= words
    assert "索尼wh-1000xm4无线降噪耳机黑色" not in words


def test_a_compound_is_learned_for_its_own_node_and_beats_its_head_noun() -> None:
    assert SPORTSWEAR in [m.path for m in LEXICON.match_categories("跑步夹克")]
    assert parse("灰色跑步夹克", LEXICON).categories == (SPORTSWEAR,)
    assert parse("蓝色牛仔夹克", LEXICON).categories == (JACKETS,)


@pytest.mark.parametrize(("query", "path"), [("白色弹力带", YOGA), ("黑色运动袜", SPORTSWEAR)])
def test_a_word_of_a_category_tag_names_the_tags_node(query: str, path: tuple[str, ...]) -> None:
    assert parse(query, LEXICON).categories == (path,)


def test_a_brand_split_by_jieba_is_learned_whole() -> None:
    assert [m.canonical for m in LEXICON.match_brands("露露乐蒙")] == ["Lululemon"]
    assert "露露" not in LEXICON.brands["Lululemon"]  # only ever seen inside 露露乐蒙
    intent = parse("粉色弹力带，不要露露乐蒙", LEXICON)
    assert intent.exclude_brands == ("Lululemon",)
    assert intent.brands == ()


def test_colour_words_stay_attribute_values_not_categories() -> None:
    intent = parse("灰色", LEXICON)
    assert intent.categories == ()
    assert LEXICON.match_categories("灰色") == []
