"""Query intent: hard constraints, soft wishes and the free-text need of a shopping query.

`parse` reads English and Chinese queries against a catalog `Lexicon`: sort words first, then
price phrases (a number is a price only with a price cue: under/max/以内/元/$ ...), then
negations ("not Apple", "不要苹果"), then wanted brands, categories and attribute values; the
content words left over are the aspects. Price, sort, negation and wanted-brand phrases are cut
from `text`; category and attribute words stay in it, as they describe the need to an encoder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from semrec.text.lexicon import COMMON_WORDS, Lexicon
from semrec.text.normalize import CJK_CHARS, detect_language, fold_case, normalize_text
from semrec.text.quantities import (
    SortOrder,
    find_prices,
    find_sort,
    parse_amount,
    take_span,
)
from semrec.text.tokenize import STOP_WORDS_EN, STOP_WORDS_ZH, token_spans, words

__all__ = ["Intent", "SortOrder", "parse", "parse_amount"]

Path = tuple[str, ...]


@dataclass(frozen=True)
class Intent:
    """What a query asks for. Hard: categories, brands, exclusions, price bounds.

    Soft: `attributes` (wanted values), `aspects` (wanted qualities) and `text` (the query
    without price, sort, negation and brand phrases). `negations` are negated words that
    matched nothing in the lexicon. `currency` is "" when the query names none.
    """

    query: str
    text: str = ""
    language: Literal["zh", "en", "other"] = "other"
    categories: tuple[Path, ...] = ()
    brands: tuple[str, ...] = ()
    exclude_brands: tuple[str, ...] = ()
    price_min: float | None = None
    price_max: float | None = None
    currency: str = ""
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude_attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: SortOrder = "relevance"
    negations: tuple[str, ...] = ()
    aspects: tuple[str, ...] = ()
    exclude_categories: tuple[Path, ...] = ()

    @property
    def has_hard_constraints(self) -> bool:
        """Whether any hard constraint narrows the candidates."""
        return bool(
            self.categories
            or self.exclude_categories
            or self.brands
            or self.exclude_brands
            or self.price_min is not None
            or self.price_max is not None
            or any(self.exclude_attributes.values())
        )

    def to_dict(self) -> dict[str, Any]:
        """The intent as plain JSON-ready data."""
        return {
            "query": self.query,
            "text": self.text,
            "language": self.language,
            "categories": [list(p) for p in self.categories],
            "exclude_categories": [list(p) for p in self.exclude_categories],
            "brands": list(self.brands),
            "exclude_brands": list(self.exclude_brands),
            "price_min": self.price_min,
            "price_max": self.price_max,
            "currency": self.currency,
            "attributes": {k: list(v) for k, v in self.attributes.items()},
            "exclude_attributes": {k: list(v) for k, v in self.exclude_attributes.items()},
            "sort": self.sort,
            "negations": list(self.negations),
            "aspects": list(self.aspects),
        }


# ---------------------------------------------------------------- lexicon mentions

_PRIORITY: Final = {"brand": 0, "category": 1, "attribute": 2}


@dataclass(frozen=True, slots=True)
class _Mention:
    kind: str
    target: Any  # brand name, category path or (key, value)
    surface: str
    start: int
    end: int


#: Characters that may follow a Chinese noun that heads its phrase (function words, numbers,
#: price and comparison words); any other Chinese character means the noun is a modifier.
_AFTER_HEAD: Final = frozenset(
    "的以不要和与或在价元块左内下上最很比便贵吗呢吧，。、；！？一二三四五六七八九十两百千万"
)


def _heads_phrase(text: str, end: int) -> bool:
    """Chinese is head-final: in 吉他背带 (guitar strap) or 手机壳 (phone case) the category
    noun 吉他 / 手机 only modifies the real head, so it is not the category asked for."""
    if end >= len(text) or not _CJK_CHAR.match(text[end]) or end == 0:
        return True
    if not _CJK_CHAR.match(text[end - 1]):
        return True
    return text[end] in _AFTER_HEAD


def _mentions(text: str, lexicon: Lexicon) -> list[_Mention]:
    """Lexicon matches in `text`, overlaps resolved longest first (same-span ties all kept)."""
    found = [
        _Mention("brand", m.canonical, m.surface, m.start, m.end)
        for m in lexicon.match_brands(text, normalized=True)
    ]
    found += [
        _Mention("category", m.path, m.surface, m.start, m.end)
        for m in lexicon.match_categories(text, normalized=True)
        if _heads_phrase(text, m.end)
    ]
    found += [
        _Mention("attribute", (m.key, m.value), m.surface, m.start, m.end)
        for m in lexicon.match_attributes(text, normalized=True)
    ]
    found.sort(key=lambda m: (m.start - m.end, _PRIORITY[m.kind], m.start))
    kept: list[_Mention] = []
    for m in found:
        same = [k for k in kept if (k.start, k.end) == (m.start, m.end)]
        if (same and same[0].kind == m.kind) or not any(
            k.start < m.end and m.start < k.end for k in kept
        ):
            kept.append(m)
    return sorted(kept, key=lambda m: (m.start, _PRIORITY[m.kind]))


# ---------------------------------------------------------------- negations and the parse

_NEG_CUES: Final = [
    (False, re.compile(
        r"(?<![a-z])(?:anything but|anything except|anything other than|other than|except for"
        r"|except|excluding|without|not|no|never|don't want|do not want|dont want|avoid)(?![a-z'])"
    )),
    (True, re.compile(r"(?<![a-z])non-?(?=[a-z])")),
    (False, re.compile(r"不想要|不要|不是|除了|除去|排除|不含|没有|别要|别买")),
    (True, re.compile(r"(?<![特区类性级差分])别|(?<![并是])非(?!常)")),
]  # fmt: skip
_FILLER: Final = words("a an the any too so very really 要 是 买 太 那么 这么 用 选")
_CONNECTORS: Final = words("or nor and , / 、 或 或者 和 与 及")
_SCOPE_END: Final = words(
    """and but with for that which in at from to or nor only please is are less more cheaper
    priced costing under over below above between 的 但 但是 而且 并且 以及 还有 和 或 或者"""
)
_AFTER_EXCEPT: Final = words("以外 之外")
_EDGE = re.compile(r"^[\s,.;:!?，。；：！？、/\-]+|[\s,.;:!?，。；：！？、/\-]+$")
_PUNCT_RUN = re.compile(r"\s*([,;，；、])(?:\s*[,;，；、])+")
_SPACE = re.compile(r"\s+")
_DANGLING = re.compile(
    r"(?:\s+(?:for|with|and|but|or|at|in|of|priced|costing|that|which|is|are|from|to|a|an|the))+$"
)
_CJK_CHAR = re.compile(f"[{CJK_CHARS}]")

Unit = tuple[str, int, int]


def _is_content(word: str) -> bool:
    return word.isalnum() and word not in STOP_WORDS_EN and word not in STOP_WORDS_ZH


def _ends_scope(word: str) -> bool:
    return not word.isalnum() or word in _SCOPE_END


class _Parser:
    """One parse: the query, what has been consumed so far, and the fields found."""

    def __init__(self, query: str, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.norm = normalize_text(query)
        self.low = fold_case(self.norm).replace("’", "'")
        self.taken = [False] * len(self.low)
        self.exclude: dict[str, list[Any]] = {"brand": [], "category": [], "attribute": []}
        self.negations: list[str] = []
        self.context: list[Path] = []

    def working(self) -> str:
        """The query (original case) with consumed characters blanked."""
        return "".join(" " if t else c for c, t in zip(self.norm, self.taken, strict=True))

    def take(self, start: int, end: int) -> int:
        return take_span(self.low, self.taken, start, end)

    def accepts(self, mention: _Mention) -> bool:
        """Attribute values that are everyday words ("light") need a category that has them."""
        if mention.kind != "attribute" or fold_case(mention.surface) not in COMMON_WORDS:
            return True
        return self.lexicon.key_in_categories(mention.target[0], self.context)

    def negate_all(self) -> None:
        work = self.working()
        low = fold_case(work)
        mentions = [m for m in _mentions(work, self.lexicon) if self.accepts(m)]
        units = [u for u in token_spans(low) if u[0].strip()]
        cues = sorted(
            (m.start(), m.end(), strict) for strict, rx in _NEG_CUES for m in rx.finditer(low)
        )
        for start, end, strict in cues:
            if not any(self.taken[start:end]):
                self._negate(start, end, strict, units, mentions)

    def _negate(
        self, start: int, end: int, strict: bool, units: list[Unit], mentions: list[_Mention]
    ) -> None:
        i = next((j for j, u in enumerate(units) if u[1] >= end), len(units))
        while i < len(units) and units[i][0] in _FILLER:
            i += 1
        stop = self._exclude_mentions(i, units, mentions)
        if stop is None and not strict:
            group = self._group_at(units[i], mentions) if i < len(units) else []
            stop = self._free_words(i, units, mentions, group[0].end if group else 0)
        if stop is None:
            return
        after = next((u for u in units if u[1] >= stop), None)
        if after is not None and after[0] in _AFTER_EXCEPT:
            stop = after[2]
        self.take(start, stop)

    def _group_at(self, unit: Unit, mentions: list[_Mention]) -> list[_Mention]:
        first = next((m for m in mentions if unit[1] <= m.start < unit[2]), None)
        if first is None:
            return []
        return [m for m in mentions if (m.start, m.end) == (first.start, first.end)]

    def _exclude_mentions(self, i: int, units: list[Unit], mentions: list[_Mention]) -> int | None:
        if i >= len(units):
            return None
        groups = [self._group_at(units[i], mentions)]
        if not groups[0] or groups[0][0].start > units[i][1]:
            return None
        kind, end = groups[0][0].kind, groups[0][0].end
        while True:
            j = next((k for k, u in enumerate(units) if u[1] >= end), len(units))
            if j + 1 >= len(units) or units[j][0] not in _CONNECTORS:
                break
            nxt = self._group_at(units[j + 1], mentions)
            if not nxt or nxt[0].kind != kind or kind == "category":
                break
            groups.append(nxt)
            end = nxt[0].end
        follower = next((u for u in units if u[1] >= end), None)
        if kind == "category" and follower is not None and not _ends_scope(follower[0]):
            return None
        for group in groups:
            self.exclude[kind].extend(m.target for m in group)
        return end

    def _free_words(
        self, i: int, units: list[Unit], mentions: list[_Mention], skip_until: int
    ) -> int | None:
        """Negated words that name nothing ("not too heavy" -> heavy), up to three."""
        free: list[str] = []
        end: int | None = None
        for word, s, e in units[i:]:
            named = s >= skip_until and self._group_at((word, s, e), mentions)
            if len(free) >= 3 or _ends_scope(word) or named:
                break
            if _is_content(word):
                free.append(word)
            end = e
        if not free:
            return None
        self.negations.extend(free)
        return end

    def aspects(self, covered: list[tuple[int, int]]) -> list[str]:
        """Runs of content words left over, e.g. "light", "great camera", "88-key", "拍照"."""
        work = fold_case(self.working())
        units = [u for u in token_spans(work) if u[0].strip()]
        runs: list[list[Unit]] = [[]]
        for k, (word, start, end) in enumerate(units):
            inside = any(a < end and start < b for a, b in covered)
            if not inside and (_is_content(word) or _joins(units, k)):
                runs[-1].append((word, start, end))
            else:
                runs.append([])
        return [_SPACE.sub(" ", work[run[0][1] : run[-1][2]]) for run in runs if run]

    def text(self) -> str:
        """The query without consumed phrases, tidied."""
        text = _SPACE.sub(" ", self.working())
        text = _PUNCT_RUN.sub(r"\1", text)
        text = re.sub(r"\s+([,.;!?，。；！？、])", r"\1", text)
        previous = None
        while previous != text:
            previous = text
            text = _DANGLING.sub("", _EDGE.sub("", text))
        return text


def _joins(units: list[Unit], k: int) -> bool:
    """A hyphen, apostrophe or dot glued between two words ("88-key", "non-stick")."""
    word, start, end = units[k]
    if word not in {"-", "'", ".", "&"} or k == 0 or k + 1 >= len(units):
        return False
    before, after = units[k - 1], units[k + 1]
    return before[2] == start and after[1] == end and _is_content(after[0])


def _specific(paths: Sequence[Path]) -> list[Path]:
    """Distinct paths, without top-level nodes when a deeper one is named, and no ancestors."""
    unique = list(dict.fromkeys(paths))
    if any(len(p) >= 2 for p in unique):
        unique = [p for p in unique if len(p) >= 2]
    return [p for p in unique if not any(q != p and q[: len(p)] == p for q in unique)]


def _dedupe(values: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(values))


def parse(query: str, lexicon: Lexicon) -> Intent:
    """Read a shopping query (English or Chinese) into an `Intent` against `lexicon`."""
    p = _Parser(query, lexicon)
    sort = find_sort(p.low, p.taken)
    prices = find_prices(p.low, p.taken)
    for price in prices:
        p.take(price.start, price.end)
    p.context = _specific(
        [m.target for m in _mentions(p.working(), lexicon) if m.kind == "category"]
    )
    p.negate_all()
    mentions = [m for m in _mentions(p.working(), lexicon) if p.accepts(m)]
    for m in mentions:
        if m.kind == "brand":
            p.take(m.start, m.end)
    covered = [(m.start, m.end) for m in mentions if m.kind != "brand"]
    attributes: dict[str, list[str]] = {}
    for m in mentions:
        if m.kind == "attribute":
            attributes.setdefault(m.target[0], []).append(m.target[1])
    excluded_attributes: dict[str, list[str]] = {}
    for key, value in p.exclude["attribute"]:
        excluded_attributes.setdefault(key, []).append(value)
    lows = [x.low for x in prices if x.low is not None]
    highs = [x.high for x in prices if x.high is not None]
    return Intent(
        query=query,
        text=p.text(),
        language=detect_language(p.norm),
        categories=tuple(_specific([m.target for m in mentions if m.kind == "category"])),
        brands=_dedupe([m.target for m in mentions if m.kind == "brand"]),
        exclude_brands=_dedupe(p.exclude["brand"]),
        price_min=max(lows) if lows else None,
        price_max=min(highs) if highs else None,
        currency=next((x.currency for x in prices if x.currency), ""),
        attributes={k: _dedupe(v) for k, v in attributes.items()},
        exclude_attributes={k: _dedupe(v) for k, v in excluded_attributes.items()},
        sort=sort,
        negations=_dedupe(p.negations),
        aspects=_dedupe(p.aspects(covered)),
        exclude_categories=_dedupe(p.exclude["category"]),
    )
