"""Simulate shopping sessions that follow each user's latent taste.

A session picks a target subcategory (a favourite, a complement of an earlier purchase, or
an exploration), may start with a search, then browses items weighted by popularity, price
fit and brand affinity. Browsing leads to clicks, carts and purchases; purchases trigger
ratings and reviews (emitted at the start of the next session) and interest in
complementary subcategories (strings after a guitar, a case after a phone).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np

from semrec.sample import texts
from semrec.sample.catalog import Catalog
from semrec.sample.taxonomy import SUBCATEGORIES, subcategory_index
from semrec.sample.users import Taste

__all__ = ["EVENTS_FROM", "EVENTS_TO", "Row", "simulate"]

EVENTS_FROM: Final = 1735689600  # 2025-01-01T00:00:00Z
EVENTS_TO: Final = 1751327999  # 2025-06-30T23:59:59Z
_LAST_START: Final = EVENTS_TO - 10 * 86400
_PRICE_FIT: Final = np.array([1.0, 0.3, 0.05])
_BRAND_BOOST: Final = 4.0
_NOISE: Final = 0.12  # share of views driven by global popularity
_EXPLORE: Final = 0.15  # share of sessions outside the favourite subcategories

#: (timestamp, user index, sequence within user, type, item index or -1, value, text, session id)
Row = tuple[int, int, int, str, int, float | None, str, str]


@dataclass(slots=True)
class _User:
    taste: Taste
    index: int
    likes_brand: np.ndarray
    t: int = 0
    session: str = ""
    pending: list[int] = field(default_factory=list)  # complementary subcategories to visit
    considered: list[int] = field(default_factory=list)  # clicked, not bought
    reviews: list[tuple[int, int]] = field(default_factory=list)  # (item, rating) to post
    base: dict[int, np.ndarray] = field(default_factory=dict)  # subcategory -> item weights
    rows: list[Row] = field(default_factory=list)


class _Simulator:
    def __init__(self, rng: np.random.Generator, catalog: Catalog) -> None:
        self.rng = rng
        self.cat = catalog
        self.brands = np.array(catalog.brand)
        self.sub_share = np.array([len(m) for m in catalog.by_sub], dtype=np.float64)
        self.sub_share /= self.sub_share.sum()
        self.pop_cdf = np.cumsum(catalog.popularity)
        self.keys = subcategory_index()
        self.position = np.zeros(len(catalog.sub), dtype=np.int64)
        for members in catalog.by_sub:
            self.position[members] = np.arange(len(members))

    def emit(
        self, user: _User, kind: str, item: int = -1, value: float | None = None, text: str = ""
    ) -> None:
        user.t += int(self.rng.integers(5, 90))
        user.rows.append(
            (user.t, user.index, len(user.rows), kind, item, value, text, user.session)
        )

    def run_user(self, taste: Taste, index: int) -> list[Row]:
        user = _User(taste, index, np.isin(self.brands, taste.brands))
        starts = np.sort(self.rng.integers(EVENTS_FROM, _LAST_START, size=taste.n_sessions))
        for k, start in enumerate(starts):
            user.t = max(int(start), user.t + 1800)
            user.session = f"{taste.user_id}-s{k + 1:03d}"
            self.post_reviews(user)
            self.session(user)
        self.post_reviews(user)
        return user.rows

    def post_reviews(self, user: _User) -> None:
        for item, rating in user.reviews:
            if self.rng.random() < 0.45:
                sub = SUBCATEGORIES[int(self.cat.sub[item])]
                text = texts.review_text(self.rng, rating, sub, user.taste.lang)
                self.emit(user, "review", item, float(rating), text)
            else:
                self.emit(user, "rate", item, float(rating))
        user.reviews.clear()

    def target(self, user: _User) -> int:
        if user.pending and self.rng.random() < 0.6:
            return user.pending.pop(0)
        if self.rng.random() < _EXPLORE:
            return int(self.rng.choice(len(self.sub_share), p=self.sub_share))
        weights = 1.0 / np.arange(1, len(user.taste.subs) + 1)
        return user.taste.subs[int(self.rng.choice(len(weights), p=weights / weights.sum()))]

    def session(self, user: _User) -> None:
        sub = self.target(user)
        if self.rng.random() < 0.55:
            self.search(user, sub)
        seen: list[int] = []
        carted: list[int] = []
        for _ in range(min(1 + int(self.rng.poisson(3.0)), 12)):
            item, noise = self.next_item(user, sub, seen)
            if item < 0:
                continue
            seen.append(item)
            off_taste = int(self.cat.sub[item]) not in user.taste.subs
            if noise and off_taste and self.rng.random() < 0.6:
                self.emit(user, "skip", item)
            else:
                self.browse(user, item, carted)
        self.checkout(user, carted)

    def search(self, user: _User, sub: int) -> None:
        spec = SUBCATEGORIES[sub]
        brands = [b for b in user.taste.brands if b in spec.brands]
        brand = brands[0] if brands and self.rng.random() < 0.4 else None
        query = texts.search_query(self.rng, spec, user.taste.tier, brand, user.taste.lang)
        self.emit(user, "search", text=query)

    def next_item(self, user: _User, sub: int, seen: list[int]) -> tuple[int, bool]:
        r = self.rng.random()
        if r < _NOISE:
            return self.popular_item(user, seen), True
        revisit = [i for i in user.considered if self.cat.sub[i] == sub and i not in seen]
        if revisit and r < _NOISE + 0.15:
            return texts.pick(self.rng, revisit), False
        return self.taste_item(user, sub, seen), False

    def popular_item(self, user: _User, seen: list[int]) -> int:
        for _ in range(5):
            u = self.rng.random() * self.pop_cdf[-1]
            item = int(np.searchsorted(self.pop_cdf, u, side="right"))
            if self.cat.created[item] <= user.t and item not in seen:
                return item
        return -1

    def taste_item(self, user: _User, sub: int, seen: list[int]) -> int:
        members = self.cat.by_sub[sub]
        if len(members) == 0:
            return -1
        weights = self.base_weights(user, sub, members)
        weights[self.cat.created[members] > user.t] = 0.0
        for item in seen:
            if self.cat.sub[item] == sub:
                weights[self.position[item]] = 0.0
        cdf = np.cumsum(weights)
        if cdf[-1] <= 0:
            return -1
        return int(members[np.searchsorted(cdf, self.rng.random() * cdf[-1], side="right")])

    def base_weights(self, user: _User, sub: int, members: np.ndarray) -> np.ndarray:
        if sub not in user.base:
            fit = _PRICE_FIT[np.abs(self.cat.tier[members] - user.taste.tier)]
            brand = np.where(user.likes_brand[members], _BRAND_BOOST, 1.0)
            user.base[sub] = self.cat.popularity[members] * fit * brand
        return user.base[sub].copy()

    def browse(self, user: _User, item: int, carted: list[int]) -> None:
        self.emit(user, "view", item)
        liked = bool(user.likes_brand[item]) + (self.cat.tier[item] == user.taste.tier)
        if self.rng.random() >= 0.3 + 0.12 * liked:
            return
        self.emit(user, "click", item)
        if item not in user.considered:
            user.considered = [*user.considered[-19:], item]
        if self.cat.available[item] and self.rng.random() < 0.3:
            self.emit(user, "add_to_cart", item)
            carted.append(item)

    def checkout(self, user: _User, carted: list[int]) -> None:
        for item in carted:
            if self.rng.random() >= 0.6:
                continue
            self.emit(user, "purchase", item, float(self.cat.price[item]))
            user.considered = [i for i in user.considered if i != item]
            if self.rng.random() < 0.4:
                user.reviews.append((item, self.rating(user, item)))
            spec = SUBCATEGORIES[int(self.cat.sub[item])]
            if spec.complements and self.rng.random() < 0.7 and len(user.pending) < 3:
                nxt = self.keys[texts.pick(self.rng, spec.complements)]
                if len(self.cat.by_sub[nxt]):
                    user.pending.append(nxt)

    def rating(self, user: _User, item: int) -> int:
        gap = abs(int(self.cat.tier[item]) - user.taste.tier)
        score = 3.6 + 0.9 * self.cat.quality[item] + 0.5 * user.likes_brand[item] - 0.4 * gap
        return int(np.clip(round(float(score + self.rng.normal(0.0, 0.9))), 1, 5))


def simulate(rng: np.random.Generator, catalog: Catalog, tastes: list[Taste]) -> list[Row]:
    """Every user's events as rows, in (timestamp, user, sequence) order."""
    sim = _Simulator(rng, catalog)
    rows = [row for index, taste in enumerate(tastes) for row in sim.run_user(taste, index)]
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    return rows
