"""Query intents against a small hand-built catalog, with hand-written expectations."""

from __future__ import annotations

from typing import Any

import pytest

from semrec.data.records import Item
from semrec.text.intent import Intent, parse, parse_amount
from semrec.text.lexicon import Lexicon

PHONES = ("Electronics", "Phones")
HEADPHONES = ("Electronics", "Headphones")
LAPTOPS = ("Electronics", "Laptops")
SHOES = ("Sports", "Running Shoes")
KEYS = ("Music", "Keyboards")
COFFEE = ("Kitchen", "Coffee")


def _i(iid: str, title: str, path: tuple[str, ...], brand: str, price: float, **attrs: Any) -> Item:
    lang = "zh" if any("\u4e00" <= c <= "\u9fff" for c in title) else "en"
    return Item(
        iid, title, category=path, brand=brand, price=price, attributes={**attrs, "lang": lang}
    )


ITEMS = [
    _i("p1", "Apple iPhone 15 Smartphone, Black", PHONES, "Apple", 799, colour="black"),
    _i("p2", "Samsung Galaxy S24 5G Phone, Red", PHONES, "Samsung", 699, colour="red"),
    _i("p3", "小米 14 智能手机 红色", PHONES, "Xiaomi", 499, colour="red"),
    _i("p4", "华为 Mate 60 拍照手机 黑色", PHONES, "Huawei", 899, colour="black"),
    _i("p5", "三星 Galaxy A55 手机 白色", PHONES, "Samsung", 399, colour="white"),
    _i("h1", "Sony Drift 3 Wireless Earbuds, Black", HEADPHONES, "Sony", 199, colour="black"),
    _i("h2", "索尼 Vibe 2 头戴式耳机 红色", HEADPHONES, "Sony", 249, colour="red"),
    _i("h3", "Bose QuietComfort Headphones, White", HEADPHONES, "Bose", 349, colour="white"),
    _i("h4", "森海塞尔 Momentum 4 降噪耳机 黑色", HEADPHONES, "Sennheiser", 299, colour="black"),
    _i("s1", "Nike Pegasus Running Shoes, Red", SHOES, "Nike", 120, colour="red", size_eu=42),
    _i("s2", "耐克 Vista 3 竞速跑鞋 蓝色", SHOES, "Nike", 130, colour="blue", size_eu=39),
    _i("s3", "亚瑟士 Nimbus 跑鞋 黑色", SHOES, "Asics", 140, colour="black", size_eu=40),
    _i("k1", "Roland FP-30 88-key Digital Piano", KEYS, "Roland", 699, colour="black", keys=88),
    _i("c1", "Lavazza Light Roast Coffee Beans", COFFEE, "Lavazza", 15, roast="light"),
    _i("c2", "Lavazza Dark Roast Espresso Beans", COFFEE, "Lavazza", 14, roast="dark"),
    _i("l1", "Apple MacBook Air 13, Silver", LAPTOPS, "Apple", 999, colour="silver"),
    _i("l2", "苹果 MacBook Pro 笔记本电脑 银色", LAPTOPS, "Apple", 1999, colour="silver"),
    _i("l3", "联想 ThinkPad 笔记本电脑 黑色", LAPTOPS, "Lenovo", 1299, colour="black"),
]


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.learn(ITEMS)


# Fields left out of a row must keep their defaults (no constraint, relevance order).
DEFAULTS: dict[str, Any] = {
    "categories": (),
    "brands": (),
    "exclude_brands": (),
    "exclude_categories": (),
    "price_min": None,
    "price_max": None,
    "exclude_attributes": {},
    "sort": "relevance",
}

ENGLISH: list[tuple[str, dict[str, Any]]] = [
    (
        "a light phone with a great camera, not Apple, under 500",
        {
            "categories": (PHONES,),
            "exclude_brands": ("Apple",),
            "price_max": 500.0,
            "aspects": ("light", "great camera"),
            "text": "a light phone with a great camera",
            "language": "en",
            "attributes": {},
            "currency": "",
        },
    ),
    ("under $50", {"price_max": 50.0, "currency": "USD"}),
    ("below 50 dollars", {"price_max": 50.0, "currency": "USD"}),
    ("headphones less than 500", {"categories": (HEADPHONES,), "price_max": 500.0}),
    ("max 300", {"price_max": 300.0}),
    ("cheaper than 80", {"price_max": 80.0}),
    ("over 100", {"price_min": 100.0}),
    ("at least 100", {"price_min": 100.0}),
    ("laptops more than 1,200", {"categories": (LAPTOPS,), "price_min": 1200.0}),
    ("between 100 and 200", {"price_min": 100.0, "price_max": 200.0}),
    ("100-200", {"price_min": 100.0, "price_max": 200.0}),
    ("100 to 200 USD", {"price_min": 100.0, "price_max": 200.0, "currency": "USD"}),
    ("€80 running shoes", {"categories": (SHOES,), "price_max": 80.0, "currency": "EUR"}),
    ("¥3000 phone", {"categories": (PHONES,), "price_max": 3000.0, "currency": "CNY"}),
    ("phones no more than 400", {"categories": (PHONES,), "price_max": 400.0, "negations": ()}),
    ("iPhone 15 under 800", {"price_max": 800.0, "aspects": ("iphone 15",)}),
    ("Sony Drift 3 headphones", {"brands": ("Sony",), "categories": (HEADPHONES,)}),
    ("88-key keyboard", {"categories": (KEYS,), "aspects": ("88-key",)}),
    ("EU size 39 running shoes", {"categories": (SHOES,)}),
    ("long battery headphones up to 60 hours", {"categories": (HEADPHONES,)}),
    (
        "cheapest red running shoes",
        {"sort": "price_asc", "categories": (SHOES,), "attributes": {"colour": ("red",)}},
    ),
    ("lowest price phone", {"sort": "price_asc", "categories": (PHONES,)}),
    ("most expensive laptops", {"sort": "price_desc", "categories": (LAPTOPS,)}),
    ("newest Samsung phones", {"sort": "newest", "brands": ("Samsung",), "categories": (PHONES,)}),
    ("latest headphones", {"sort": "newest", "categories": (HEADPHONES,)}),
    ("best rated headphones", {"sort": "rating", "categories": (HEADPHONES,)}),
    ("top-rated coffee", {"sort": "rating", "categories": (COFFEE,)}),
    ("cheap phone", {"categories": (PHONES,), "aspects": ("cheap",)}),
    (
        "no black headphones",
        {"exclude_attributes": {"colour": ("black",)}, "categories": (HEADPHONES,)},
    ),
    ("without Apple", {"exclude_brands": ("Apple",)}),
    (
        "phones except Samsung or Xiaomi",
        {"categories": (PHONES,), "exclude_brands": ("Samsung", "Xiaomi")},
    ),
    ("anything but Sony", {"exclude_brands": ("Sony",)}),
    ("non-Apple laptops", {"categories": (LAPTOPS,), "exclude_brands": ("Apple",)}),
    ("non-stick pan", {"aspects": ("non-stick pan",), "negations": ()}),
    ("not too heavy laptop", {"categories": (LAPTOPS,), "negations": ("heavy",)}),
    ("headphones, no laptops", {"categories": (HEADPHONES,), "exclude_categories": (LAPTOPS,)}),
    ("ＡＰＰＬＥ phones", {"brands": ("Apple",), "categories": (PHONES,), "text": "phones"}),
    ("apple laptop", {"brands": ("Apple",), "categories": (LAPTOPS,)}),
    ("Samsng phone", {"brands": ("Samsung",), "categories": (PHONES,)}),
    ("light roast coffee", {"categories": (COFFEE,), "attributes": {"roast": ("light",)}}),
    ("a light phone", {"categories": (PHONES,), "attributes": {}, "aspects": ("light",)}),
]

CHINESE: list[tuple[str, dict[str, Any]]] = [
    (
        "不要苹果的拍照手机，五百以内",
        {
            "categories": (PHONES,),
            "exclude_brands": ("Apple",),
            "price_max": 500.0,
            "aspects": ("拍照",),
            "text": "拍照手机",
            "language": "zh",
        },
    ),
    ("300元以下的耳机", {"categories": (HEADPHONES,), "price_max": 300.0, "currency": "CNY"}),
    ("不超过300的跑鞋", {"categories": (SHOES,), "price_max": 300.0}),
    ("300以内", {"price_max": 300.0}),
    ("1.5万以内的笔记本电脑", {"categories": (LAPTOPS,), "price_max": 15000.0}),
    ("一千二以内的手机", {"categories": (PHONES,), "price_max": 1200.0}),
    ("两千以上的手机", {"categories": (PHONES,), "price_min": 2000.0}),
    ("3千以下", {"price_max": 3000.0}),
    ("100到200元", {"price_min": 100.0, "price_max": 200.0, "currency": "CNY"}),
    ("200元以上", {"price_min": 200.0, "currency": "CNY"}),
    ("至少100", {"price_min": 100.0}),
    ("500块的耳机", {"categories": (HEADPHONES,), "price_max": 500.0, "currency": "CNY"}),
    ("小米14 3000以内", {"brands": ("Xiaomi",), "price_max": 3000.0}),
    (
        "最便宜的红色手机",
        {"sort": "price_asc", "categories": (PHONES,), "attributes": {"colour": ("red",)}},
    ),
    ("评分最高的耳机", {"sort": "rating", "categories": (HEADPHONES,)}),
    ("好评的跑鞋", {"sort": "rating", "categories": (SHOES,)}),
    ("最新的小米手机", {"sort": "newest", "brands": ("Xiaomi",), "categories": (PHONES,)}),
    ("不要黑色的耳机", {"categories": (HEADPHONES,), "exclude_attributes": {"colour": ("black",)}}),
    (
        "除了三星以外的手机",
        {"categories": (PHONES,), "exclude_brands": ("Samsung",), "text": "手机"},
    ),
    ("不是华为的手机", {"categories": (PHONES,), "exclude_brands": ("Huawei",)}),
    ("非苹果手机", {"categories": (PHONES,), "exclude_brands": ("Apple",)}),
    ("别要红色的跑鞋", {"categories": (SHOES,), "exclude_attributes": {"colour": ("red",)}}),
    ("索尼耳机", {"brands": ("Sony",), "categories": (HEADPHONES,)}),
    ("非常轻的耳机", {"categories": (HEADPHONES,), "exclude_brands": (), "negations": ()}),
]


def _check(intent: Intent, expected: dict[str, Any]) -> None:
    for name, value in {**DEFAULTS, **expected}.items():
        got = getattr(intent, name)
        if isinstance(value, dict):
            got = dict(got)
        assert got == value, f"{intent.query!r}: {name} = {got!r}, expected {value!r}"


@pytest.mark.parametrize(("query", "expected"), ENGLISH, ids=[q for q, _ in ENGLISH])
def test_english_queries(lexicon: Lexicon, query: str, expected: dict[str, Any]) -> None:
    _check(parse(query, lexicon), expected)


@pytest.mark.parametrize(("query", "expected"), CHINESE, ids=[q for q, _ in CHINESE])
def test_chinese_queries(lexicon: Lexicon, query: str, expected: dict[str, Any]) -> None:
    intent = parse(query, lexicon)
    _check(intent, expected)
    assert intent.language == "zh"


def test_the_table_is_big_enough() -> None:
    assert len(ENGLISH) >= 25 and len(CHINESE) >= 15


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,200", 1200.0), ("1.5k", 1500.0), ("五百", 500.0), ("一千二", 1200.0), ("两千", 2000.0),
     ("3千", 3000.0), ("1.5万", 15000.0), ("三百五十", 350.0), ("三百零五", 305.0), ("十", 10.0)],
)  # fmt: skip
def test_parse_amount(text: str, value: float) -> None:
    assert parse_amount(text) == value


def test_intent_is_frozen_and_serialisable(lexicon: Lexicon) -> None:
    intent = parse("red phones under 500", lexicon)
    with pytest.raises(AttributeError):
        intent.price_max = 1.0  # type: ignore[misc]
    data = intent.to_dict()
    assert data["categories"] == [["Electronics", "Phones"]] and data["price_max"] == 500.0
    assert intent.has_hard_constraints and not parse("something nice", lexicon).has_hard_constraints


def test_empty_query(lexicon: Lexicon) -> None:
    intent = parse("", lexicon)
    assert intent.text == "" and intent.aspects == () and not intent.has_hard_constraints
