"""Numbers, prices and sort words in shopping queries, English and Chinese.

A number is a price only with a price cue (under / max / between ... / a currency word or
symbol / 以内 / 以下 / 元 / 块); amounts followed by a unit ("60 hours", "200g") or after "size"
or "age" are not prices. Chinese numerals (五百, 一千二, 1.5万) are read too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from semrec.text.tokenize import STOP_WORDS_EN, words

__all__ = ["PricePhrase", "SortOrder", "find_prices", "find_sort", "parse_amount", "take_span"]

SortOrder = Literal["relevance", "price_asc", "price_desc", "newest", "rating"]

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
class PricePhrase:
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


def find_prices(low: str, taken: list[bool]) -> list[PricePhrase]:
    found: list[PricePhrase] = []
    for kind, regex in _PRICE_REGEXES:
        for match in regex.finditer(low):
            if any(taken[match.start() : match.end()]):
                continue
            currency = _currency(match)
            bounds = _price_of(kind, match)
            if bounds is None or not _plausible(low, match, kind, currency):
                continue
            found.append(PricePhrase(match.start(), match.end(), *bounds, currency))
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


def find_sort(low: str, taken: list[bool]) -> SortOrder:
    first: tuple[int, SortOrder] | None = None
    for order, regex in _SORT_REGEXES:
        for match in regex.finditer(low):
            if first is None or match.start() < first[0]:
                first = (match.start(), order)
            take_span(low, taken, match.start(), match.end())
    return "relevance" if first is None else first[1]


def take_span(low: str, taken: list[bool], start: int, end: int) -> int:
    """Mark ``[start, end)`` consumed (with a following 的); return the new end."""
    if end < len(low) and low[end] == "的":
        end += 1
    taken[start:end] = [True] * (end - start)
    return end
