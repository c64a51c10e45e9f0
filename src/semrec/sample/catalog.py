"""Invent the sample catalog: item dicts plus the arrays the behaviour simulation needs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from semrec.data.records import AttributeValue
from semrec.sample import texts
from semrec.sample import vocabulary as vc
from semrec.sample.taxonomy import SUBCATEGORIES, Subcategory

__all__ = ["CREATED_FROM", "CREATED_TO", "Catalog", "make_catalog"]

CREATED_FROM: Final = 1704067200  # 2024-01-01T00:00:00Z
CREATED_TO: Final = 1750377600  # 2025-06-20T00:00:00Z
_NEW_ARRIVAL: Final = 1740787200  # 2025-03-01T00:00:00Z
_TIER_PRICE: Final = (0.55, 1.0, 1.9)
_ZH_SHARE: Final = 0.15
_SUB_WEIGHT: Final = {"phones": 1.6, "headphones": 1.6, "laptops": 1.3, "accessories": 1.4}


@dataclass(frozen=True, slots=True)
class Catalog:
    """Items as documented dicts plus aligned arrays (one entry per item)."""

    items: list[dict[str, Any]]
    sub: np.ndarray  # subcategory index
    tier: np.ndarray  # 0 budget, 1 mid, 2 premium
    brand: list[str]
    price: np.ndarray
    popularity: np.ndarray  # Zipf-like weight within the subcategory
    quality: np.ndarray  # latent quality, standard normal
    created: np.ndarray  # unix seconds
    available: np.ndarray  # bool
    by_sub: list[np.ndarray]  # item indices of each subcategory


def _sub_counts(n_items: int) -> np.ndarray:
    weights = np.array([_SUB_WEIGHT.get(s.key, 1.0) for s in SUBCATEGORIES], dtype=np.float64)
    raw = weights / weights.sum() * n_items
    counts: np.ndarray = np.maximum(np.floor(raw).astype(np.int64), 1)
    order = np.argsort(-(raw - np.floor(raw)), kind="stable")
    for k in range(max(n_items - int(counts.sum()), 0)):
        counts[order[k % len(order)]] += 1
    return counts


def _price(rng: np.random.Generator, sub: Subcategory, tier: int) -> float:
    value = sub.price * _TIER_PRICE[tier] * math.exp(float(rng.normal(0.0, 0.3)))
    return round(math.floor(value) + 0.99, 2) if value >= 10 else round(value, 2)


def _brand_and_tier(rng: np.random.Generator, sub: Subcategory) -> tuple[str, int]:
    weights = 1.0 / np.arange(1, len(sub.brands) + 1) ** 0.6
    brand = sub.brands[int(rng.choice(len(sub.brands), p=weights / weights.sum()))]
    shift = int(rng.choice(3, p=(0.2, 0.6, 0.2))) - 1
    return brand, int(np.clip(vc.BRAND_TIER.get(brand, 1) + shift, 0, 2))


def _attributes(
    rng: np.random.Generator, sub: Subcategory, quality: float, lang: str
) -> dict[str, AttributeValue]:
    attrs: dict[str, AttributeValue] = {n: texts.pick(rng, opts) for n, opts in sub.attrs.items()}
    if sub.top == "Books":
        first, last = texts.pick(rng, vc.FIRST_NAMES), texts.pick(rng, vc.LAST_NAMES)
        attrs["author"] = f"{first} {last}"
    rating = 3.9 + 0.45 * quality + float(rng.normal(0.0, 0.15))
    attrs["rating"] = round(min(max(rating, 1.5), 5.0), 1)
    attrs["lang"] = lang
    return attrs


def _tags(
    sub: Subcategory, noun: str, tier: int, attrs: dict[str, Any], extra: list[str]
) -> list[str]:
    tags = [sub.name.lower(), texts.lower_noun(noun)]
    if tier != 1:
        tags.append(vc.TIER_NAMES[tier])
    if isinstance(attrs.get("colour"), str):
        tags.append(attrs["colour"])
    tags.extend(extra)
    return list(dict.fromkeys(tags))


def _item(rng: np.random.Generator, index: int, sub: Subcategory, quality: float) -> dict[str, Any]:
    brand, tier = _brand_and_tier(rng, sub)
    lang = "zh" if rng.random() < _ZH_SHARE else "en"
    noun = texts.pick(rng, sub.nouns)
    model = f"{texts.pick(rng, vc.MODEL_WORDS)} {texts.pick(rng, vc.TIER_SUFFIX[tier])}".strip()
    attrs = _attributes(rng, sub, quality, lang)
    title_attrs: dict[str, object] = dict(attrs)
    if sub.top == "Books":
        title_attrs["book_title"], title_attrs["book_title_zh"] = texts.book_titles(rng, sub.key)
    created = int(rng.integers(CREATED_FROM, CREATED_TO))
    return {
        "item_id": f"i{index + 1:05d}",
        "title": texts.item_title(sub, brand, model, noun, title_attrs),
        "description": texts.item_description(rng, sub, brand, model, noun, tier, title_attrs),
        "category": sub.path,
        "brand": brand,
        "price": _price(rng, sub, tier),
        "currency": "USD",
        "attributes": attrs,
        "tags": _tags(
            sub, noun[0], tier, attrs, ["new-arrival"] if created >= _NEW_ARRIVAL else []
        ),
        "available": bool(rng.random() < 0.95),
        "created_at": created,
        "_tier": tier,
    }


def _popularity(
    rng: np.random.Generator, by_sub: list[np.ndarray], quality: np.ndarray
) -> np.ndarray:
    popularity = np.zeros(len(quality))
    for members in by_sub:
        ranks = rng.permutation(len(members))
        popularity[members] = (ranks + 1.0) ** -1.0 * np.exp(0.3 * quality[members])
    return popularity


def make_catalog(rng: np.random.Generator, n_items: int) -> Catalog:
    """Generate `n_items` items spread over every subcategory."""
    counts = _sub_counts(n_items)
    sub_of = rng.permutation(np.repeat(np.arange(len(SUBCATEGORIES)), counts))[:n_items]
    quality = rng.normal(0.0, 1.0, size=len(sub_of))
    items = [_item(rng, i, SUBCATEGORIES[int(s)], float(quality[i])) for i, s in enumerate(sub_of)]
    by_sub = [np.flatnonzero(sub_of == k) for k in range(len(SUBCATEGORIES))]
    popularity = _popularity(rng, by_sub, quality)
    for members in by_sub:
        for i in members[np.argsort(-popularity[members], kind="stable")][:3]:
            items[int(i)]["tags"].append("bestseller")
    tier = np.array([item.pop("_tier") for item in items], dtype=np.int64)
    return Catalog(
        items=items,
        sub=sub_of.astype(np.int64),
        tier=tier,
        brand=[str(item["brand"]) for item in items],
        price=np.array([item["price"] for item in items]),
        popularity=popularity,
        quality=quality,
        created=np.array([item["created_at"] for item in items], dtype=np.int64),
        available=np.array([item["available"] for item in items], dtype=bool),
        by_sub=by_sub,
    )
