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
from semrec.text.tokenize import STOP_WORDS_EN, STOP_WORDS_ZH, token_spans, words

__all__ = ["Intent", "SortOrder", "parse", "parse_amount"]

SortOrder = Literal["relevance", "price_asc", "price_desc", "newest", "rating"]
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


# ---------------------------------------------------------------- numbers and prices

_CN_DIGITS: Final = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS: Final = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九])?[十百千万][零〇一二两三四五六七八九十百千万]*"
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s?k(?![a-z]))?"
_PRE = r"us\$|\$|€|£|¥|usd|eur|gbp|rmb|cny"
_POST = (
    r"dollars?|bucks?|usd|euros?|eur|gbp|pounds?|quid|yuan|rmb|cny|块钱|块|元|美元|美金|欧元|英镑"
    r"|人民币|\$|€|£|¥"
)
_CURRENCY: Final = {
    "USD": words("us$ $ usd dollar dollars buck bucks 美元 美金"),
    "EUR": words("€ eur euro euros 欧元"),
    "GBP": words("£ gbp pound pounds quid 英镑"),
    "CNY": words("¥ rmb cny yuan 元 块 块钱 人民币"),
}


def _amount(n: str) -> str:
    return rf"(?:(?P<{n}p>{_PRE})\s?)?(?P<{n}>{_CN}|{_NUM})(?:\s?(?P<{n}s>{_POST}))?"


def parse_amount(text: str) -> float | None:
    """A number written with digits, thousands commas, a ``k`` or Chinese numerals.

    >>> [parse_amount(s) for s in ["1,200", "1.5k", "五百", "一千二", "两千", "3千", "1.5万"]]
    [1200.0, 1500.0, 500.0, 1200.0, 2000.0, 3000.0, 15000.0]
    """
    text = text.replace(",", "").replace(" ", "")
    if text.endswith("k"):
        inner = parse_amount(text[:-1])
        return None if inner is None else inner * 1000
    try:
        return float(text)
    except ValueError:
        return _chinese_number(text)


def _chinese_number(text: str) -> float | None:
    total = section = 0.0
    number: float | None = None
    last_unit = 0
    for part in re.findall(r"\d+(?:\.\d+)?|.", text):
        if part in _CN_UNITS:
            unit = _CN_UNITS[part]
            if unit == 10000:
                total += (section + (number or 0.0)) * unit
                section, last_unit = 0.0, 0
            else:
                section += (1.0 if number is None else number) * unit
                last_unit = unit
            number = None
        elif part in _CN_DIGITS or part[0].isdigit():
            number = float(_CN_DIGITS.get(part, 0) if part in _CN_DIGITS else part)
            if part in ("零", "〇"):
                last_unit = 0
        else:
            return None
    if number is not None:
        section += number * last_unit / 10 if last_unit else number
    return total + section


_MAX_EN = (
    r"under|below|less than|lower than|cheaper than|up to|upto|max(?:imum)?|at most|"
    r"no more than|not more than|not over|within|budget(?: of| is| around)?|<=|<|≤"
)
_MIN_EN = r"over|above|more than|greater than|at least|min(?:imum)?|starting at|from|>=|>|≥"
_ABOUT_EN = r"around|about|approximately|approx\.?|roughly|~"
_B = r"(?<![a-z0-9零〇一二两三四五六七八九十百千万])(?<!\d[.,])"
_PRICE_RULES: Final = [
    ("range", rf"{_B}(?:between|from)\s+{_amount('a')}\s*(?:and|to|-|–)\s*{_amount('b')}"),
    ("range", rf"{_B}{_amount('a')}\s*(?:-|–|~|to|到|至)\s*{_amount('b')}"),
    ("max", rf"(?<![a-z])(?:{_MAX_EN})\s*{_amount('a')}"),
    ("max", rf"(?:不超过|不高于|不多于|不到|低于|少于|小于|最多|预算)\s*{_amount('a')}"),
    ("max", rf"{_B}{_amount('a')}\s*(?:以内|以下|之内|内)"),
    ("min", rf"(?<![a-z])(?:{_MIN_EN})\s*{_amount('a')}"),
    ("min", rf"(?:不低于|不少于|至少|最少|高于|超过|大于|多于)\s*{_amount('a')}"),
    ("min", rf"{_B}{_amount('a')}\s*(?:以上|起)"),
    ("about", rf"(?<![a-z])(?:{_ABOUT_EN})\s*{_amount('a')}"),
    ("about", rf"(?:大约|大概)\s*{_amount('a')}"),
    ("about", rf"{_B}{_amount('a')}\s*左右"),
    ("amount", rf"{_B}{_amount('a')}"),
]
_PRICE_REGEXES: Final = [(kind, re.compile(p)) for kind, p in _PRICE_RULES]
_UNIT_AFTER: Final = re.compile(
    r"\s?(?:[a-z%]|克|千克|公斤|斤|毫安|小时|分钟|寸|英寸|岁|人|页|瓦|升|毫升|个|件|天|年|米|厘米|度)"
)
_WORD_AFTER: Final = re.compile(r"\s+([a-z]+)")
_WORD_BEFORE: Final = re.compile(r"([a-z]+)\s*$")
_NOT_PRICE_BEFORE: Final = words("size sizes age ages aged eu uk us players model version gen")


@dataclass(frozen=True, slots=True)
class _Price:
    start: int
    end: int
    low: float | None
    high: float | None
    currency: str


def _currency(match: re.Match[str]) -> str:
    for group in ("ap", "as", "bp", "bs"):
        found = match.groupdict().get(group)
        if found:
            return next((c for c, names in _CURRENCY.items() if found in names), "")
    return ""


def _plausible(low: str, match: re.Match[str], kind: str, currency: str) -> bool:
    """Reject amounts followed by a unit ("up to 60 hours") or preceded by "size"."""
    after = low[match.end() :]
    if not currency and _UNIT_AFTER.match(after):
        follower = _WORD_AFTER.match(after)
        if follower is None or follower.group(1) not in STOP_WORDS_EN:
            return False
    before = _WORD_BEFORE.search(low[: match.start()])
    if before is not None and before.group(1) in _NOT_PRICE_BEFORE:
        return False
    return kind != "amount" or bool(currency)


def _price_of(kind: str, match: re.Match[str]) -> tuple[float | None, float | None] | None:
    a = parse_amount(match.group("a"))
    b = parse_amount(match.group("b")) if "b" in match.groupdict() else None
    if a is None or (kind == "range" and b is None):
        return None
    if kind == "range" and b is not None:
        return (min(a, b), max(a, b))
    if kind == "about":
        return (round(a * 0.8, 2), round(a * 1.2, 2))
    return (a, None) if kind == "min" else (None, a)


def _find_prices(low: str, taken: list[bool]) -> list[_Price]:
    found: list[_Price] = []
    for kind, regex in _PRICE_REGEXES:
        for match in regex.finditer(low):
            if any(taken[match.start() : match.end()]):
                continue
            currency = _currency(match)
            bounds = _price_of(kind, match)
            if bounds is None or not _plausible(low, match, kind, currency):
                continue
            found.append(_Price(match.start(), match.end(), *bounds, currency))
            taken[match.start() : match.end()] = [True] * (match.end() - match.start())
    return found


# ---------------------------------------------------------------- sort words

_SORT_RULES: Final[list[tuple[SortOrder, str]]] = [
    (
        "price_asc",
        r"cheapest|lowest[- ]priced?|lowest cost|least expensive|(?:price:? )?low to high",
    ),
    ("price_asc", r"最便宜|价格最低|最低价|价格从低到高|从低到高"),
    ("price_desc", r"most expensive|priciest|highest[- ]priced?|(?:price:? )?high to low"),
    ("price_desc", r"最贵|价格最高|最高价|价格从高到低|从高到低"),
    ("rating", r"(?:best|top|highest)[- ](?:rated|reviewed)|best ratings?|highest ratings?"),
    ("rating", r"评分最高|评价最高|评分最好|好评最多|最高评分|口碑最好|高评分|好评"),
    ("newest", r"newest|latest|most recent|recently added|new arrivals?|just released"),
    ("newest", r"最新款|最新|新品|最近上架"),
]
_SORT_REGEXES: Final = [
    (order, re.compile(rf"(?<![a-z])(?:{p})(?![a-z])")) for order, p in _SORT_RULES
]


def _find_sort(low: str, taken: list[bool]) -> SortOrder:
    first: tuple[int, SortOrder] | None = None
    for order, regex in _SORT_REGEXES:
        for match in regex.finditer(low):
            if first is None or match.start() < first[0]:
                first = (match.start(), order)
            _take(low, taken, match.start(), match.end())
    return "relevance" if first is None else first[1]


def _take(low: str, taken: list[bool], start: int, end: int) -> int:
    """Mark ``[start, end)`` consumed (with a following 的); return the new end."""
    if end < len(low) and low[end] == "的":
        end += 1
    taken[start:end] = [True] * (end - start)
    return end


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
        return _take(self.low, self.taken, start, end)

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
    sort = _find_sort(p.low, p.taken)
    prices = _find_prices(p.low, p.taken)
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
