"""Alias tables learned from a catalog: spellings of brands, category nodes and attribute values.

Folded name forms (case, width, accents, apostrophes, hyphens), singular and plural category
names, category-specific tags, and well-known Chinese names of big brands, common category
nodes and attribute values (used only for those the catalog has). `Lexicon.learn` combines
these with the Chinese words of `chinese_aliases`.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Final

from semrec.data.records import Item
from semrec.text.normalize import fold_case, normalize_text

__all__ = [
    "BUILTIN_ZH_BRANDS",
    "BUILTIN_ZH_CATEGORIES",
    "BUILTIN_ZH_VALUES",
    "add_builtin_chinese",
    "brand_table",
    "category_tags",
    "drop_free_text",
    "fold",
    "name_forms",
    "number_forms",
    "string_attributes",
]

Path = tuple[str, ...]

_MARKETING_TAGS: Final = frozenset(
    {"premium", "budget", "new-arrival", "new arrival", "bestseller", "best seller", "sale", "new"}
)
_SKIP_ATTRIBUTES: Final = frozenset({"lang", "rating"})
_MAX_VALUES: Final = 64  # string attributes with more distinct values are free text (author)
_TAG_PRECISION: Final = 0.9  # a tag names a node when this share of its items sit under it

#: Well-known Chinese names of big consumer brands, used only for brands in the catalog.
BUILTIN_ZH_BRANDS: Final[Mapping[str, str]] = {
    "apple": "苹果", "samsung": "三星", "xiaomi": "小米", "huawei": "华为", "sony": "索尼",
    "google": "谷歌", "oneplus": "一加", "lenovo": "联想", "dell": "戴尔", "asus": "华硕",
    "hp": "惠普", "nike": "耐克", "adidas": "阿迪达斯", "new balance": "新百伦", "li-ning": "李宁",
    "uniqlo": "优衣库", "decathlon": "迪卡侬", "philips": "飞利浦", "panasonic": "松下",
    "canon": "佳能", "nikon": "尼康", "lego": "乐高", "ikea": "宜家", "muji": "无印良品",
    "starbucks": "星巴克", "nestle": "雀巢", "l'oréal": "欧莱雅", "chanel": "香奈儿",
    "dior": "迪奥", "yamaha": "雅马哈", "casio": "卡西欧", "dyson": "戴森", "microsoft": "微软",
    "oppo": "欧珀", "vivo": "维沃", "midea": "美的", "haier": "海尔", "zara": "飒拉",
}  # fmt: skip

#: Chinese names of common retail category nodes and attribute values, used only for nodes and
#: values the catalog has; aliases learned from the catalog's own Chinese titles come on top.
BUILTIN_ZH_CATEGORIES: Final[Mapping[str, tuple[str, ...]]] = {
    "phones": ("手机", "智能手机"), "smartphones": ("智能手机", "手机"),
    "headphones": ("耳机", "耳塞"), "laptops": ("笔记本", "笔记本电脑"),
    "tablets": ("平板", "平板电脑"), "cameras": ("相机", "照相机"), "watches": ("手表",),
    "fitness trackers": ("手环", "运动手环"), "running shoes": ("跑鞋", "跑步鞋"),
    "sneakers": ("运动鞋", "球鞋"), "shoes": ("鞋",), "jackets": ("夹克", "外套"),
    "jeans": ("牛仔裤",), "bags": ("包", "背包"), "guitars": ("吉他",), "keyboards": ("键盘",),
    "amplifiers": ("音箱", "功放"), "cookware": ("锅", "锅具"), "knives": ("刀", "刀具"),
    "coffee makers": ("咖啡机",), "coffee": ("咖啡", "咖啡豆"), "books": ("书", "图书"),
    "board games": ("桌游",), "toys": ("玩具",), "skincare": ("护肤", "护肤品"),
    "makeup": ("彩妆", "化妆品"), "fragrance": ("香水",), "bedding": ("床品", "床上用品"),
    "lighting": ("灯", "灯具"), "yoga": ("瑜伽",), "electronics": ("电子产品", "数码"),
}  # fmt: skip
BUILTIN_ZH_VALUES: Final[Mapping[str, tuple[str, ...]]] = {
    "black": ("黑色",), "white": ("白色",), "silver": ("银色",), "blue": ("蓝色",),
    "red": ("红色",), "green": ("绿色",), "grey": ("灰色",), "gray": ("灰色",),
    "pink": ("粉色",), "gold": ("金色",), "navy": ("藏青色",), "beige": ("米色",),
    "yellow": ("黄色",), "purple": ("紫色",), "brown": ("棕色",), "orange": ("橙色",),
    "leather": ("皮革", "真皮"), "cotton": ("纯棉", "棉"), "wool": ("羊毛",),
    "stainless steel": ("不锈钢",), "cast iron": ("铸铁",), "glass": ("玻璃",),
}  # fmt: skip


def fold(text: str) -> str:
    """The form aliases are compared in: normalised, lowercased, curly apostrophes made straight."""
    return fold_case(normalize_text(text)).replace("’", "'")


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def name_forms(name: str) -> set[str]:
    """Folded spellings of a name: as is, accents dropped, apostrophes and hyphens loosened."""
    base = fold(name)
    forms = {base, _ascii(base)}
    for form in list(forms):
        forms.add(form.replace("'", ""))
        forms.add(form.replace("-", " "))
        forms.add(form.replace("-", ""))
    return {f for f in forms if f.strip()}


def number_forms(name: str) -> set[str]:
    """Singular and plural spellings of a (folded) name, inflecting its last word."""
    base = fold(name)
    head, _, last = base.rpartition(" ")
    prefix = f"{head} " if head else ""
    forms = {base}
    if last.endswith("ies") and len(last) > 4:
        forms.add(prefix + last[:-3] + "y")
    elif last.endswith("ves"):
        forms.update({prefix + last[:-3] + "fe", prefix + last[:-3] + "f"})
    elif last.endswith(("ches", "shes", "sses", "xes")):
        forms.add(prefix + last[:-2])
    elif last.endswith("s") and not last.endswith("ss") and len(last) > 3:
        forms.add(prefix + last[:-1])
    elif last.endswith("y") and len(last) > 2 and last[-2] not in "aeiou":
        forms.add(prefix + last[:-1] + "ies")
    elif last.endswith(("ch", "sh", "x", "ss")):
        forms.add(prefix + last + "es")
    elif last[-1:].isalpha():
        forms.add(prefix + last + "s")
    return forms


def add_builtin_chinese(
    categories: dict[Path, set[str]], attributes: dict[tuple[str, str], set[str]]
) -> None:
    """Add the built-in Chinese names of the category nodes and values the catalog has."""
    for path, aliases in categories.items():
        aliases.update(BUILTIN_ZH_CATEGORIES.get(path[-1].lower(), ()))
    for (_, value), aliases in attributes.items():
        aliases.update(BUILTIN_ZH_VALUES.get(value.lower(), ()))


def brand_table(items: Sequence[Item]) -> dict[str, set[str]]:
    """Each brand (its most common spelling) with its folded forms and built-in Chinese name."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        if item.brand.strip():
            spellings[fold(item.brand)][normalize_text(item.brand)] += 1
    table: dict[str, set[str]] = {}
    for key, counts in spellings.items():
        canonical = counts.most_common(1)[0][0]
        aliases = set().union(*(name_forms(s) for s in counts))
        chinese = BUILTIN_ZH_BRANDS.get(key) or BUILTIN_ZH_BRANDS.get(_ascii(key))
        table[canonical] = aliases | ({chinese} if chinese else set())
    return table


def string_attributes(item: Item) -> list[tuple[str, str]]:
    """The item's (key, value) pairs that can be named in a query: short strings with letters."""
    return [
        (key, normalize_text(value))
        for key, value in item.attributes.items()
        if isinstance(value, str)
        and key not in _SKIP_ATTRIBUTES
        and len(value.strip()) >= 2
        and any(c.isalpha() for c in value)
    ]


def drop_free_text(table: dict[tuple[str, str], set[str]]) -> dict[tuple[str, str], set[str]]:
    """The table without keys that have too many distinct values to be a closed vocabulary."""
    per_key = Counter(key for key, _ in table)
    return defaultdict(set, {kv: a for kv, a in table.items() if per_key[kv[0]] <= _MAX_VALUES})


def category_tags(items: Sequence[Item], taken: set[str]) -> dict[str, Path]:
    """Folded tags that (nearly) only items under one category node carry, with that node.

    The deepest node holding at least 90% of a tag's items wins; marketing tags and tags that
    already name a brand or an attribute value (`taken`) are skipped.
    """
    counts: dict[str, Counter[Path]] = defaultdict(Counter)
    for item in items:
        for tag in {fold(t) for t in item.tags}:
            if item.category and tag not in _MARKETING_TAGS and tag not in taken:
                counts[tag][item.category] += 1
    out: dict[str, Path] = {}
    for tag, leaves in counts.items():
        total = sum(leaves.values())
        for depth in range(max(len(p) for p in leaves), 0, -1):
            nodes: Counter[Path] = Counter()
            for path, n in leaves.items():
                nodes[path[:depth]] += n
            node, n = nodes.most_common(1)[0]
            if len(node) == depth and n >= _TAG_PRECISION * total:
                out[tag] = node
                break
    return out
