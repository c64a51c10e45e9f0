"""Behaviour follows the latent tastes, reviews agree with ratings, and the data is learnable."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import numpy as np

from semrec.sample import SampleData
from semrec.sample.phrases import ASPECTS, MIXED_OPENERS, negative_phrases, positive_phrases
from semrec.sample.taxonomy import SUBCATEGORIES

Items = dict[str, dict[str, Any]]


def _sub(item: dict[str, Any]) -> tuple[str, ...]:
    return tuple(item["category"])


def test_sentiment_phrases_are_disjoint() -> None:
    positive = [p.lower() for p in positive_phrases()]
    negative = [p.lower() for p in negative_phrases()]
    assert not any(p in n or n in p for p in positive for n in negative)


def test_reviews_agree_with_ratings(sample: SampleData, items_by_id: Items) -> None:
    positive = [p.lower() for p in positive_phrases()]
    negative = [p.lower() for p in negative_phrases()]
    mixed = [p.lower() for group in MIXED_OPENERS for p in group]
    aspects = {tuple(s.path): s.aspects for s in SUBCATEGORIES}
    reviews = [e for e in sample.events if e["type"] == "review"]
    assert len(reviews) >= 200
    for review in reviews:
        text, rating = review["text"].lower(), review["value"]
        own = aspects[_sub(items_by_id[review["item_id"]])]
        own_phrases = [p.lower() for a in own for group in ASPECTS[a] for p in group]
        assert any(p in text for p in own_phrases), text
        if rating <= 2:
            assert not any(p in text for p in positive), text
            assert any(p in text for p in negative), text
        elif rating >= 4:
            assert not any(p in text for p in negative), text
            assert any(p in text for p in positive), text
        else:
            assert any(text.startswith(p) for p in mixed), text


def test_heavy_users_view_their_favourite_categories(
    sample: SampleData, items_by_id: Items
) -> None:
    per_sub = Counter(_sub(item) for item in sample.items)
    viewed: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for event in sample.events:
        if event["type"] == "view":
            viewed[event["user_id"]].append(_sub(items_by_id[event["item_id"]]))
    heavy = [t for t in sample.tastes if t["activity"] == "heavy"]
    assert len(heavy) >= 50
    for taste in heavy:
        favourites = {tuple(c) for c in taste["categories"]}
        base = sum(per_sub[c] for c in favourites) / len(sample.items)
        share = float(np.mean([sub in favourites for sub in viewed[taste["user_id"]]]))
        assert share >= max(3 * base, 0.4), (taste, share, base)


def test_price_level_shows_in_purchases(sample: SampleData, items_by_id: Items) -> None:
    prices: dict[tuple[str, ...], list[float]] = defaultdict(list)
    for item in sample.items:
        prices[_sub(item)].append(item["price"])
    median = {sub: float(np.median(p)) for sub, p in prices.items()}
    level = {t["user_id"]: t["price_level"] for t in sample.tastes}
    ratios: dict[str, list[float]] = defaultdict(list)
    for event in sample.events:
        if event["type"] == "purchase":
            sub = _sub(items_by_id[event["item_id"]])
            ratios[level[event["user_id"]]].append(event["value"] / median[sub])
    mean = {name: float(np.mean(r)) for name, r in ratios.items()}
    assert mean["budget"] < 0.9 * mean["mid"] < 0.9 * mean["premium"], mean


def _views_by_user(sample: SampleData, items: Items) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in sample.events:
        if event["type"] == "view":
            out[event["user_id"]].append(items[event["item_id"]])
    return out


def test_favourite_brands_are_preferred(sample: SampleData, items_by_id: Items) -> None:
    views = _views_by_user(sample, items_by_id)
    seen, expected = [], []
    for taste in sample.tastes:
        favourites = {tuple(c) for c in taste["categories"]}
        in_favourites = [i for i in views[taste["user_id"]] if _sub(i) in favourites]
        if taste["activity"] == "regular" or not taste["brands"] or not in_favourites:
            continue
        catalog = [i for i in sample.items if _sub(i) in favourites]
        seen.append(np.mean([i["brand"] in taste["brands"] for i in in_favourites]))
        expected.append(np.mean([i["brand"] in taste["brands"] for i in catalog]))
    assert len(seen) >= 100
    assert np.mean(seen) >= 1.5 * np.mean(expected), (np.mean(seen), np.mean(expected))


def test_purchases_lead_to_complementary_categories(sample: SampleData, items_by_id: Items) -> None:
    guitars, accessories = (
        ("Music", "Guitars"),
        {("Music", "Guitar Accessories"), ("Music", "Amplifiers")},
    )
    favourites = {t["user_id"]: {tuple(c) for c in t["categories"]} for t in sample.tastes}
    first_guitar: dict[str, int] = {}
    later_accessory: set[str] = set()
    viewers: set[str] = set()
    for event in sample.events:
        user, sub = (
            event["user_id"],
            _sub(items_by_id[event["item_id"]]) if event["item_id"] else (),
        )
        if favourites[user] & accessories:
            continue
        if event["type"] == "purchase" and sub == guitars:
            first_guitar.setdefault(user, event["timestamp"])
        if event["type"] == "view" and sub in accessories:
            viewers.add(user)
            if user in first_guitar:
                later_accessory.add(user)
    buyers = len(first_guitar)
    others = len(favourites) - buyers
    assert buyers >= 10
    after_purchase = len(later_accessory) / buyers
    baseline = len(viewers - set(first_guitar)) / others
    assert after_purchase >= 3 * baseline, (after_purchase, baseline)


def test_popularity_is_skewed_within_categories(sample: SampleData, items_by_id: Items) -> None:
    counts = Counter(e["item_id"] for e in sample.events if e["type"] == "view")
    by_sub: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for item in sample.items:
        by_sub[_sub(item)].append(counts[item["item_id"]])
    shares = []
    for views in by_sub.values():
        views.sort(reverse=True)
        shares.append(sum(views[: max(1, len(views) // 10)]) / max(1, sum(views)))
    assert float(np.median(shares)) >= 0.25


def test_chinese_users_search_in_chinese(sample: SampleData) -> None:
    lang = {t["user_id"]: t["lang"] for t in sample.tastes}
    searches = [e for e in sample.events if e["type"] == "search"]
    zh = [e for e in searches if any("\u4e00" <= ch <= "\u9fff" for ch in e["text"])]
    assert 0.05 <= len(zh) / len(searches) <= 0.4
    assert all(lang[e["user_id"]] == "zh" for e in zh)
