"""The catalog's own vocabulary: brands, category nodes and attribute values with their aliases.

Learned from the items themselves (`aliases`: case/width/accent-folded names, singular and
plural category names, category-specific tags; `chinese_aliases`: Chinese words that co-occur
with one brand, category, attribute value or tag in Chinese titles, ``索尼`` -> Sony,
``手机`` -> Phones, ``红色`` -> colour red). Matching is exact first, then fuzzy (rapidfuzz)
for typos.
Match offsets index into ``normalize_text(text)`` (into `text` itself with ``normalized=True``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from semrec.data.records import Item
from semrec.text.aliases import (
    add_builtin_chinese,
    brand_table,
    category_tags,
    drop_free_text,
    fold,
    name_forms,
    number_forms,
    string_attributes,
)
from semrec.text.chinese_aliases import learn_chinese
from semrec.text.normalize import fold_case, normalize_text
from semrec.text.tokenize import STOP_WORDS_EN, words

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

_FUZZY_CUTOFF: Final = 85.0
_FUZZY_MIN_LEN: Final = 4
_LATIN = "0-9a-z\u00c0-\u024f"
_WORD = re.compile(f"[{_LATIN}][{_LATIN}'&-]*")


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
        brands = brand_table(items)
        categories: dict[tuple[str, ...], set[str]] = defaultdict(set)
        attributes: dict[tuple[str, str], set[str]] = defaultdict(set)
        attribute_categories: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for item in items:
            for depth in range(1, len(item.category) + 1):
                name = item.category[depth - 1]
                categories[item.category[:depth]] |= name_forms(name) | number_forms(name)
            for key, value in string_attributes(item):
                attributes[(key, value)] |= name_forms(value)
            for key in item.attributes:
                if item.category:
                    attribute_categories[key].add(item.category)
        attributes = drop_free_text(attributes)
        taken = {a for al in (*brands.values(), *attributes.values()) for a in al}
        tags = category_tags(items, taken)
        for tag, node in tags.items():
            categories[node] |= number_forms(tag)
        add_builtin_chinese(categories, attributes)
        canonical = {fold(b): b for b in brands}
        chinese = learn_chinese(items, set(attributes), tags, min_support)
        for (kind, target), learned in chinese.items():
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
