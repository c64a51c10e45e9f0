"""The catalog's own vocabulary: brands, category nodes and attribute values with their aliases.

Learned from the items themselves: case/width/accent-folded names, singular and plural
category names, category-specific tags, and Chinese words that co-occur with one brand,
category or attribute value in Chinese titles (``索尼`` -> Sony, ``手机`` -> Phones,
``红色`` -> colour red). Matching is exact first, then fuzzy (rapidfuzz) for typos.
Match offsets index into ``normalize_text(text)`` (into `text` itself with ``normalized=True``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from semrec.data.records import Item
from semrec.text.normalize import CJK_CHARS, fold_case, normalize_text
from semrec.text.tokenize import STOP_WORDS_EN, tokenize, words

__all__ = [
    "COMMON_WORDS",
    "AttributeMatch",
    "BrandMatch",
    "CategoryMatch",
    "Lexicon",
    "fold",
]

#: Everyday English words that must never be read as a typo of a name, and that count as a
#: brand or attribute mention only with help (capitalised, or a category that has the key).
COMMON_WORDS: Final[frozenset[str]] = STOP_WORDS_EN | words(
    """all any best better big bright cheap clean cool dark day deal dry double down
    easy fast fine free fresh full gift good great hard heavy high hot kids large last
    light little long low medium men mini natural new nice old oily open plain plus pro
    quick quiet real right sale set short simple single size slim slow small smart soft
    solid sport strong style super thin top travel ultra warm wide women work year
    apply block bike bold brand brands cable camera case cases class classic color colour
    colors cover daily deals edge first free game games guess gap global home kind lake like
    love make model more music name next orbit portfolio lodge coach boss vintage target mac
    ty tor shun casper converse brooks taylor illy ordinary items item price prices product
    products quality review reviews shoe shop some song stuff sunny value write"""
)

_MARKETING_TAGS: Final = frozenset(
    {"premium", "budget", "new-arrival", "new arrival", "bestseller", "best seller", "sale", "new"}
)
_SKIP_ATTRIBUTES: Final = frozenset({"lang", "rating"})
_MAX_VALUES: Final = 64  # string attributes with more distinct values are free text (author)
_FUZZY_CUTOFF: Final = 85.0
_MIN_RECALL: Final = 0.5  # a learned word is in at least half the group's Chinese titles
_MIN_PRECISION: Final = 0.85  # ... and at least 85% of the titles holding it are the group's
_FUZZY_MIN_LEN: Final = 4
_LATIN = "0-9a-z\u00c0-\u024f"
_WORD = re.compile(f"[{_LATIN}][{_LATIN}'&-]*")
_CJK_WORD = re.compile(f"[{CJK_CHARS}]{{2,}}")

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


def fold(text: str) -> str:
    """The form aliases are compared in: normalised, lowercased, curly apostrophes made straight."""
    return fold_case(normalize_text(text)).replace("’", "'")


@dataclass(frozen=True, slots=True)
class BrandMatch:
    """A brand mentioned in a text: canonical name, surface, span, score in (0, 1]."""

    canonical: str
    surface: str
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class CategoryMatch:
    """A category node mentioned in a text (its full path from the root)."""

    path: tuple[str, ...]
    surface: str
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class AttributeMatch:
    """An attribute value mentioned in a text, e.g. ``key="colour", value="red"``."""

    key: str
    value: str
    surface: str
    start: int
    end: int
    score: float


class _Matcher:
    """Exact (longest alias first) then fuzzy lookup of aliases in a folded text."""

    def __init__(self, aliases: Mapping[str, Sequence[Any]]) -> None:
        self.targets = {a: tuple(t) for a, t in aliases.items() if a}
        ordered = sorted(self.targets, key=lambda a: (-len(a), a))
        pattern = "|".join(_bounded(a) for a in ordered)
        self.regex = re.compile(pattern) if pattern else None
        latin = [a for a in ordered if len(a) >= _FUZZY_MIN_LEN and _WORD.fullmatch(a)]
        self.fuzzy_words = [a for a in latin if " " not in a]
        self.fuzzy_pairs = [a for a in ordered if a.count(" ") == 1 and len(a) >= 2 * 4]

    def exact(self, folded: str) -> list[tuple[str, int, int]]:
        if self.regex is None:
            return []
        return [(m.group(), m.start(), m.end()) for m in self.regex.finditer(folded)]

    def fuzzy(
        self, folded: str, taken: list[tuple[int, int]], known: frozenset[str]
    ) -> list[tuple[str, int, int, float]]:
        words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded)]
        words = [w for w in words if not any(a < w[2] and w[1] < b for a, b in taken)]
        found: list[tuple[str, int, int, float]] = []
        for i, (word, start, end) in enumerate(words):
            if _fuzzable(word, known):
                hit = _closest(word, self.fuzzy_words)
                if hit is not None:
                    found.append((hit[0], start, end, hit[1]))
                    continue
            if i + 1 < len(words) and self.fuzzy_pairs:
                nxt = words[i + 1]
                pair = f"{word} {nxt[0]}"
                if nxt[1] == end + 1 and pair not in known and len(pair) >= 8:
                    hit = _closest(pair, self.fuzzy_pairs)
                    if hit is not None:
                        found.append((hit[0], start, nxt[2], hit[1]))
        return found


def _bounded(alias: str) -> str:
    head = f"(?<![{_LATIN}])" if re.match(f"[{_LATIN}]", alias[0]) else ""
    tail = f"(?![{_LATIN}])" if re.match(f"[{_LATIN}]", alias[-1]) else ""
    return f"{head}{re.escape(alias)}{tail}"


def _fuzzable(word: str, known: frozenset[str]) -> bool:
    return len(word) >= _FUZZY_MIN_LEN and word not in COMMON_WORDS and word not in known


def _closest(word: str, choices: Sequence[str]) -> tuple[str, float] | None:
    choices = [c for c in choices if c[0] == word[0]]  # typos rarely hit the first letter
    if not choices:
        return None
    best = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    if best is not None:
        return str(best[0]), float(best[1]) / 100.0
    if len(word) >= 5:
        for choice in choices:
            if OSA.distance(word, choice) == 1 and Levenshtein.distance(word, choice) == 2:
                return choice, 0.85
    return None


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


def _invert(table: Mapping[Any, Iterable[str]]) -> dict[str, list[Any]]:
    inverted: dict[str, list[Any]] = defaultdict(list)
    for target, aliases in table.items():
        for alias in aliases:
            if target not in inverted[alias]:
                inverted[alias].append(target)
    return inverted


def _folded(aliases: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({fold(a) for a in aliases} - {""}))


def _spans_of(found: Iterable[tuple[Any, ...]]) -> list[tuple[int, int]]:
    return [(f[1], f[2]) for f in found]


class Lexicon:
    """Brands, category nodes and attribute values of a catalog, each with its aliases."""

    def __init__(
        self,
        brands: Mapping[str, Iterable[str]],
        categories: Mapping[tuple[str, ...], Iterable[str]],
        attributes: Mapping[tuple[str, str], Iterable[str]],
        attribute_categories: Mapping[str, Iterable[tuple[str, ...]]],
    ) -> None:
        """Build the matchers; `Lexicon.learn` makes the tables from a catalog."""
        self.brands = {b: _folded(al) for b, al in brands.items()}
        self.categories = {p: _folded(al) for p, al in categories.items()}
        self.attributes = {kv: _folded(al) for kv, al in attributes.items()}
        self.attribute_categories = {k: frozenset(v) for k, v in attribute_categories.items()}
        self._brand = _Matcher(_invert(self.brands))
        self._category = _Matcher(_invert(self.categories))
        self._attribute = _Matcher(_invert(self.attributes))
        self._known = frozenset(
            {*self._brand.targets, *self._category.targets, *self._attribute.targets}
        )

    @classmethod
    def learn(cls, items: Sequence[Item], *, min_support: int = 2) -> Lexicon:
        """Learn the tables from the catalog; Chinese aliases need `min_support` titles."""
        brands = _brand_table(items)
        categories: dict[tuple[str, ...], set[str]] = defaultdict(set)
        attributes: dict[tuple[str, str], set[str]] = defaultdict(set)
        attribute_categories: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for item in items:
            for depth in range(1, len(item.category) + 1):
                name = item.category[depth - 1]
                categories[item.category[:depth]] |= name_forms(name) | number_forms(name)
            for key, value in _string_attributes(item):
                attributes[(key, value)] |= name_forms(value)
            for key in item.attributes:
                if item.category:
                    attribute_categories[key].add(item.category)
        attributes = _drop_free_text(attributes)
        taken = {a for al in (*brands.values(), *attributes.values()) for a in al}
        for path, tags in _tag_aliases(items, taken).items():
            categories[path] |= tags
        _builtin_chinese(categories, attributes)
        canonical = {fold(b): b for b in brands}
        for (kind, target), learned in _learn_cjk(items, set(attributes), min_support).items():
            if kind == "brand":
                brands[canonical[target]] |= learned
            elif kind == "category":
                categories[target] |= learned
            else:
                attributes[target] |= learned
        return cls(brands, categories, attributes, attribute_categories)

    def match_brands(self, text: str, *, normalized: bool = False) -> list[BrandMatch]:
        """Brands named in `text`, in order; exact aliases (score 1) first, then typos."""
        norm = text if normalized else normalize_text(text)
        exact, fuzzy = self._find(self._brand, norm)
        out = [
            BrandMatch(str(t), norm[s:e], s, e, 1.0)
            for alias, s, e in exact
            for t in self._brand.targets[alias]
            if alias not in COMMON_WORDS or norm[s:e] != norm[s:e].lower()
        ]
        out += [BrandMatch(str(t), norm[s:e], s, e, sc) for t, s, e, sc in fuzzy]
        return sorted(out, key=lambda m: (m.start, -m.score))

    def match_categories(self, text: str, *, normalized: bool = False) -> list[CategoryMatch]:
        """Category nodes named in `text` (one match per node an alias stands for)."""
        norm = text if normalized else normalize_text(text)
        exact, fuzzy = self._find(self._category, norm)
        out = [
            CategoryMatch(tuple(t), norm[s:e], s, e, 1.0)
            for alias, s, e in exact
            for t in self._category.targets[alias]
        ]
        out += [CategoryMatch(tuple(t), norm[s:e], s, e, sc) for t, s, e, sc in fuzzy]
        return sorted(out, key=lambda m: (m.start, -m.score))

    def match_attributes(self, text: str, *, normalized: bool = False) -> list[AttributeMatch]:
        """Attribute values named in `text`, e.g. ``red`` or ``红色`` -> colour=red."""
        norm = text if normalized else normalize_text(text)
        exact, fuzzy = self._find(self._attribute, norm)
        out = [
            AttributeMatch(k, v, norm[s:e], s, e, 1.0)
            for alias, s, e in exact
            for k, v in self._attribute.targets[alias]
        ]
        out += [AttributeMatch(t[0], t[1], norm[s:e], s, e, sc) for t, s, e, sc in fuzzy]
        return sorted(out, key=lambda m: (m.start, -m.score))

    def _find(
        self, matcher: _Matcher, norm: str
    ) -> tuple[list[tuple[str, int, int]], list[tuple[Any, int, int, float]]]:
        folded = fold_case(norm).replace("’", "'")
        exact = matcher.exact(folded)
        fuzzy = [
            (target, s, e, score)
            for alias, s, e, score in matcher.fuzzy(folded, _spans_of(exact), self._known)
            for target in matcher.targets[alias]
        ]
        return exact, fuzzy

    def key_in_categories(self, key: str, paths: Iterable[tuple[str, ...]]) -> bool:
        """Whether some item under one of `paths` (or above it) has attribute `key`."""
        leaves = self.attribute_categories.get(key, frozenset())
        return any(leaf[: len(p)] == p or p[: len(leaf)] == leaf for p in paths for leaf in leaves)

    def to_dict(self) -> dict[str, Any]:
        """The tables as plain JSON-ready data (`from_dict` reads it back)."""
        return {
            "version": 1,
            "brands": {b: list(a) for b, a in sorted(self.brands.items())},
            "categories": [
                {"path": list(p), "aliases": list(a)} for p, a in self.categories.items()
            ],
            "attributes": [
                {"key": k, "value": v, "aliases": list(a)} for (k, v), a in self.attributes.items()
            ],
            "attribute_categories": {
                k: sorted(list(p) for p in v) for k, v in self.attribute_categories.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Lexicon:
        """The lexicon saved by `to_dict`."""
        return cls(
            brands={str(b): list(a) for b, a in data["brands"].items()},
            categories={tuple(c["path"]): list(c["aliases"]) for c in data["categories"]},
            attributes={(a["key"], a["value"]): list(a["aliases"]) for a in data["attributes"]},
            attribute_categories={
                k: [tuple(p) for p in v] for k, v in data["attribute_categories"].items()
            },
        )


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


def _builtin_chinese(
    categories: dict[tuple[str, ...], set[str]], attributes: dict[tuple[str, str], set[str]]
) -> None:
    for path, aliases in categories.items():
        aliases.update(BUILTIN_ZH_CATEGORIES.get(path[-1].lower(), ()))
    for (_, value), aliases in attributes.items():
        aliases.update(BUILTIN_ZH_VALUES.get(value.lower(), ()))


def _brand_table(items: Sequence[Item]) -> dict[str, set[str]]:
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


def _string_attributes(item: Item) -> list[tuple[str, str]]:
    return [
        (key, normalize_text(value))
        for key, value in item.attributes.items()
        if isinstance(value, str)
        and key not in _SKIP_ATTRIBUTES
        and len(value.strip()) >= 2
        and any(c.isalpha() for c in value)
    ]


def _drop_free_text(table: dict[tuple[str, str], set[str]]) -> dict[tuple[str, str], set[str]]:
    per_key = Counter(key for key, _ in table)
    return defaultdict(set, {kv: a for kv, a in table.items() if per_key[kv[0]] <= _MAX_VALUES})


def _tag_aliases(items: Sequence[Item], taken: set[str]) -> dict[tuple[str, ...], set[str]]:
    """Tags that (nearly) only items of one category node carry become aliases of that node."""
    counts: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
    for item in items:
        for tag in {fold(t) for t in item.tags}:
            if item.category and tag not in _MARKETING_TAGS and tag not in taken:
                counts[tag][item.category] += 1
    out: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for tag, leaves in counts.items():
        total = sum(leaves.values())
        for depth in range(max(len(p) for p in leaves), 0, -1):
            nodes: Counter[tuple[str, ...]] = Counter()
            for path, n in leaves.items():
                nodes[path[:depth]] += n
            node, n = nodes.most_common(1)[0]
            if len(node) == depth and n >= 0.9 * total:
                out[node] |= number_forms(tag)
                break
    return out


def _doc_groups(item: Item, attributes: set[tuple[str, str]]) -> list[tuple[str, Any]]:
    groups: list[tuple[str, Any]] = [("brand", fold(item.brand))] if item.brand.strip() else []
    groups += [("category", item.category[:d]) for d in range(1, len(item.category) + 1)]
    groups += [("attribute", kv) for kv in _string_attributes(item) if kv in attributes]
    return groups


def _learn_cjk(
    items: Sequence[Item], attributes: set[tuple[str, str]], min_support: int
) -> dict[tuple[str, Any], set[str]]:
    """Chinese title words found in most titles of one group and rarely elsewhere.

    A word goes to the single brand, category node or attribute value where it is most
    telling: highest precision across groups, then best F1 with recall within the group,
    then the most specific group.
    """
    sizes: Counter[tuple[str, Any]] = Counter()
    per_word: dict[str, Counter[tuple[str, Any]]] = defaultdict(Counter)
    df: Counter[str] = Counter()
    for item in items:
        if not _CJK_WORD.search(item.title):
            continue
        of_item = _doc_groups(item, attributes)
        sizes.update(of_item)
        for word in {t for t in tokenize(item.title) if _CJK_WORD.fullmatch(t)}:
            df[word] += 1
            per_word[word].update(of_item)
    learned: dict[tuple[str, Any], set[str]] = defaultdict(set)
    for word, groups in per_word.items():
        best: tuple[float, float, int, str, tuple[str, Any]] | None = None
        for group, n in groups.items():
            recall, precision = n / sizes[group], n / df[word]
            if n >= min_support and recall >= _MIN_RECALL and precision >= _MIN_PRECISION:
                f1 = 2 * recall * precision / (recall + precision)
                candidate = (precision, f1, _specificity(group), repr(group), group)
                if best is None or candidate[:4] > best[:4]:
                    best = candidate
        if best is not None:
            learned[best[4]].add(word)
    return {group: _maximal(found, df, per_word) for group, found in learned.items()}


def _specificity(group: tuple[str, Any]) -> int:
    """On ties: a brand, then an attribute value, then the deepest category node."""
    kind, target = group
    return {"brand": 100, "attribute": 50}.get(kind, len(target))


def _maximal(
    found: set[str], df: Counter[str], per_word: Mapping[str, Counter[tuple[str, Any]]]
) -> set[str]:
    """Drop sub-words seen only inside a longer learned word (卡西 and 西欧 inside 卡西欧)."""
    return {
        w
        for w in found
        if not any(w in longer and w != longer and df[w] == df[longer] for longer in found)
    }
