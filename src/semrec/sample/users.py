"""Latent user tastes: favourite subcategories and brands, price level, activity, language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from semrec.sample.catalog import Catalog
from semrec.sample.taxonomy import SUBCATEGORIES
from semrec.sample.vocabulary import TIER_NAMES

__all__ = ["MAX_SESSIONS", "Taste", "activity_level", "make_tastes"]

MAX_SESSIONS: Final = 60
_ZH_USERS: Final = 0.15


@dataclass(frozen=True, slots=True)
class Taste:
    """What a simulated user likes; behaviour is sampled from this."""

    user_id: str
    subs: tuple[int, ...]  # favourite subcategory indices, most liked first
    brands: tuple[str, ...]
    tier: int  # 0 budget, 1 mid, 2 premium
    n_sessions: int
    lang: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary of the taste (what ``users.jsonl`` holds)."""
        return {
            "user_id": self.user_id,
            "categories": [SUBCATEGORIES[s].path for s in self.subs],
            "brands": list(self.brands),
            "price_level": TIER_NAMES[self.tier],
            "activity": activity_level(self.n_sessions),
            "n_sessions": self.n_sessions,
            "lang": self.lang,
        }


def activity_level(n_sessions: int) -> str:
    """``"light"`` (<= 3 sessions), ``"regular"`` or ``"heavy"`` (>= 12 sessions)."""
    if n_sessions <= 3:
        return "light"
    return "heavy" if n_sessions >= 12 else "regular"


def _favourite_subs(rng: np.random.Generator, share: np.ndarray) -> tuple[int, ...]:
    n_fav = min(int(rng.choice(3, p=(0.35, 0.45, 0.2))) + 1, int(np.count_nonzero(share)))
    first = int(rng.choice(len(share), p=share))
    subs = [first]
    top = SUBCATEGORIES[first].top
    siblings = [k for k, s in enumerate(SUBCATEGORIES) if s.top == top and k != first]
    while len(subs) < n_fav:
        pool = siblings if siblings and rng.random() < 0.5 else range(len(share))
        candidate = int(rng.choice(list(pool)))
        if candidate not in subs and share[candidate] > 0:
            subs.append(candidate)
    return tuple(subs)


def _favourite_brands(
    rng: np.random.Generator, catalog: Catalog, subs: tuple[int, ...]
) -> tuple[str, ...]:
    n_brands = int(rng.choice(3, p=(0.3, 0.45, 0.25)))
    present = [catalog.brand[int(i)] for s in subs for i in catalog.by_sub[s]]
    options = sorted(set(present))
    if not options or n_brands == 0:
        return ()
    chosen = rng.choice(len(options), size=min(n_brands, len(options)), replace=False)
    return tuple(options[int(k)] for k in chosen)


def make_tastes(rng: np.random.Generator, catalog: Catalog, n_users: int) -> list[Taste]:
    """One taste per user; session counts are log-normal, so a few users are very active."""
    sizes = np.array([len(m) for m in catalog.by_sub], dtype=np.float64)
    share = sizes / sizes.sum()
    tastes = []
    for u in range(n_users):
        subs = _favourite_subs(rng, share)
        sessions = round(float(rng.lognormal(1.5, 1.0)))
        tastes.append(
            Taste(
                user_id=f"u{u + 1:04d}",
                subs=subs,
                brands=_favourite_brands(rng, catalog, subs),
                tier=int(rng.choice(3, p=(0.35, 0.4, 0.25))),
                n_sessions=min(max(sessions, 1), MAX_SESSIONS),
                lang="zh" if rng.random() < _ZH_USERS else "en",
            )
        )
    return tastes
