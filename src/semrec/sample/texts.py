"""Render titles, descriptions, reviews and search queries from structured attributes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

import numpy as np

from semrec.sample import phrases as ph
from semrec.sample import vocabulary as vc
from semrec.sample.taxonomy import Subcategory

__all__ = [
    "item_description",
    "item_title",
    "lower_noun",
    "pick",
    "review_sentiment",
    "review_text",
    "search_query",
]

T = TypeVar("T")
_LANG = {"en": 0, "zh": 1}


def pick(rng: np.random.Generator, seq: Sequence[T]) -> T:
    """One element of `seq`, uniformly at random."""
    return seq[int(rng.integers(len(seq)))]


def _brand(brand: str, lang: str) -> str:
    return vc.BRAND_ZH.get(brand, brand) if lang == "zh" else brand


def item_title(
    sub: Subcategory, brand: str, model: str, noun: tuple[str, str], attrs: Mapping[str, object]
) -> str:
    """A product title such as ``"Sony Pulse Pro Wireless Headphones, Black"``.

    Books get ``"The Silent River"``-style titles; Chinese items (``attrs["lang"] == "zh"``)
    read like ``"索尼 Pulse Pro 无线耳机 黑色"``.
    """
    zh = attrs.get("lang") == "zh"
    if sub.top == "Books":
        return str(attrs["book_title_zh" if zh else "book_title"])
    colour = attrs.get("colour")
    if zh:
        parts = [_brand(brand, "zh"), model, noun[1]]
        if isinstance(colour, str):
            parts.append(vc.COLOUR_ZH[colour])
        return " ".join(parts)
    title = f"{brand} {model} {noun[0]}"
    return f"{title}, {colour.title()}" if isinstance(colour, str) else title


def book_titles(rng: np.random.Generator, sub_key: str) -> tuple[str, str]:
    """An English and a Chinese book title for a book subcategory."""
    adj = pick(rng, vc.BOOK_ADJECTIVES)
    noun = pick(rng, vc.BOOK_NOUNS[sub_key])
    return f"The {adj[0]} {noun[0]}", f"{adj[1]}的{noun[1]}"


def _attr_sentences(
    rng: np.random.Generator, attrs: Mapping[str, object], table: Mapping[str, Sequence[str]]
) -> list[str]:
    zh = table is vc.ATTR_SENTENCES_ZH
    names = [n for n in attrs if n in table]
    chosen = sorted(int(c) for c in rng.permutation(len(names))[:2])
    out = []
    for k in chosen:
        value = attrs[names[k]]
        if zh and names[k] == "colour":
            value = vc.COLOUR_ZH[str(value)]
        if zh and names[k] == "material":
            value = vc.MATERIAL_ZH.get(str(value), str(value))
        out.append(pick(rng, table[names[k]]).format(v=value))
    return out


def lower_noun(noun: str) -> str:
    """Lower-case a product noun, keeping acronyms: ``"GPS Watch"`` -> ``"GPS watch"``."""
    return " ".join(w if w.isupper() or w[0].isdigit() else w.lower() for w in noun.split())


def _intro(
    rng: np.random.Generator,
    sub: Subcategory,
    brand: str,
    model: str,
    noun: tuple[str, str],
    tier: int,
    attrs: Mapping[str, object],
) -> str:
    zh = attrs.get("lang") == "zh"
    fields = {
        "brand": _brand(brand, "zh" if zh else "en"),
        "model": model,
        "noun": noun[1] if zh else lower_noun(noun[0]),
        "tier": vc.TIER_WORDS_ZH[tier] if zh else vc.TIER_WORDS_EN[tier],
        "audience": vc.AUDIENCE[sub.top],
        "author": attrs.get("author", ""),
        "title": attrs.get("book_title_zh" if zh else "book_title", ""),
    }
    if sub.top == "Books":
        return pick(rng, vc.BOOK_INTRO_ZH if zh else vc.BOOK_INTRO_EN).format(**fields)
    return pick(rng, vc.INTRO_ZH if zh else vc.INTRO_EN).format(**fields)


def item_description(
    rng: np.random.Generator,
    sub: Subcategory,
    brand: str,
    model: str,
    noun: tuple[str, str],
    tier: int,
    attrs: Mapping[str, object],
) -> str:
    """Two or three sentences built from the brand, tier and attributes, in the item's language."""
    intro = _intro(rng, sub, brand, model, noun, tier, attrs)
    if attrs.get("lang") == "zh":
        body = _attr_sentences(rng, attrs, vc.ATTR_SENTENCES_ZH)
        outro = pick(rng, vc.OUTRO_ZH).format(rating=attrs["rating"])
        return "".join([intro, *body[:1], outro])
    sentences = [intro, *_attr_sentences(rng, attrs, vc.ATTR_SENTENCES_EN)]
    if len(sentences) < 3:
        sentences.append(pick(rng, vc.OUTRO_EN).format(rating=attrs["rating"]))
    return " ".join(sentences)


def review_sentiment(rating: int) -> str:
    """``"negative"`` for 1-2 stars, ``"mixed"`` for 3, ``"positive"`` for 4-5."""
    if rating <= 2:
        return "negative"
    return "mixed" if rating == 3 else "positive"


def _aspect_phrases(
    rng: np.random.Generator, sub: Subcategory, lang: int, signs: Sequence[bool]
) -> list[str]:
    """One phrase per sign (True: praise, False: complaint), each about a different aspect."""
    order = rng.permutation(len(sub.aspects))
    slots = [(0 if positive else 1) + 2 * lang for positive in signs]
    return [
        pick(rng, ph.ASPECTS[sub.aspects[int(order[k % len(order)])]][slot])
        for k, slot in enumerate(slots)
    ]


def _join(parts: Sequence[str], lang: int) -> str:
    if lang == 1:
        return "，".join(parts) + "。"
    text = ", ".join(parts) + "."
    return text[0].upper() + text[1:]


def review_text(rng: np.random.Generator, rating: int, sub: Subcategory, language: str) -> str:
    """A review in `language` whose wording agrees with `rating` and names the item's aspects."""
    lang = _LANG[language]
    sentiment = review_sentiment(rating)
    if sentiment == "positive":
        opener = pick(rng, ph.POSITIVE_OPENERS[lang])
        body = _join(_aspect_phrases(rng, sub, lang, [True] * (2 if rating == 5 else 1)), lang)
        return f"{opener} {body}" if lang == 0 else opener + body
    if sentiment == "mixed":
        good, bad = _aspect_phrases(rng, sub, lang, [True, False])
        opener = pick(rng, ph.MIXED_OPENERS[lang])
        if lang == 1:
            return f"{opener}{good}，但是{bad}。"
        return f"{opener} {good[0].upper()}{good[1:]}, but {bad}."
    opener = pick(rng, ph.NEGATIVE_OPENERS[lang])
    body = _join(_aspect_phrases(rng, sub, lang, [False] * (2 if rating == 1 else 1)), lang)
    closer = pick(rng, ph.NEGATIVE_CLOSERS[lang])
    return f"{opener} {body} {closer}" if lang == 0 else opener + body + closer


def search_query(
    rng: np.random.Generator, sub: Subcategory, tier: int, brand: str | None, lang: str
) -> str:
    """A shopper's query for `sub`, phrased for their price level, brand and language."""
    noun = pick(rng, sub.nouns)
    colour = pick(rng, sorted(vc.COLOUR_ZH))
    if lang == "zh":
        q = f"{_brand(brand, 'zh')}{noun[1]}" if brand else noun[1]
        template = pick(rng, ph.QUERY_TEMPLATES_ZH[tier])
        return template.format(q=q, colour=vc.COLOUR_ZH[colour])
    q = f"{brand.lower()} {lower_noun(noun[0])}" if brand else lower_noun(noun[0])
    return pick(rng, ph.QUERY_TEMPLATES_EN[tier]).format(q=q, colour=colour)
