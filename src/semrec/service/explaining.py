"""Structured reasons for one fused recommendation, each a fact the service can back.

The first reason names the source that gave the item most of its score and every source's
weighted contribution. Then, for each source that gave at least `CITE_SHARE` of the score, the
evidence behind it: the past item CF leaned on most, the recent item seen together with it or
followed by it most often, the past item closest in meaning, or the query's matched
constraints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from semrec.data.arrays import distinct, distinct_inverse
from semrec.data.records import Recommendation
from semrec.rank.explain import sentence
from semrec.realtime import LiveState
from semrec.service.catalog_view import CatalogView
from semrec.service.language import LanguageIndex
from semrec.service.profiles import closest_past_items
from semrec.service.searching import QueryScores, search_reasons

__all__ = ["CITE_SHARE", "Explainer"]

#: A source is cited in the reasons only when it gave at least this share of the score.
CITE_SHARE = 0.3
#: How reason names map the internal source names (the CF source is named by its model).
_MODEL_NAMES = {"popular": "popularity"}


@dataclass(frozen=True)
class Explainer:
    """Everything one request knows for explaining its items."""

    view: CatalogView
    #: each source's weighted score of every item, or of the `pool` items when one is given
    parts: Mapping[str, npt.NDArray[np.float32]]
    serve_model: str
    history_items: npt.NDArray[np.int64]
    recent_items: npt.NDArray[np.int64]
    live: LiveState | None = None
    language: LanguageIndex | None = None
    searched: QueryScores | None = None
    pool: npt.NDArray[np.int64] | None = None  # sorted catalog indexes that `parts` cover
    _rows: dict[str, tuple[npt.NDArray[Any], ...]] = field(default_factory=dict)
    _closest_cache: dict[int, tuple[int, float]] = field(default_factory=dict)
    _parts_cache: dict[int, dict[str, float]] = field(default_factory=dict)
    _strongest: dict[str, dict[int, int]] = field(default_factory=dict)

    def recommendation(
        self,
        item: int,
        score: float,
        because_of: int,
        rules: Sequence[str] = (),
        locale: str = "en",
    ) -> Recommendation:
        """The item as a `Recommendation` with its reasons and a sentence built from them."""
        parts = self._parts(item)
        total = sum(parts.values())
        reasons: list[dict[str, Any]] = [self._lead(parts, total)]
        for name in _cited(parts, total):
            reasons.extend(self._evidence(name, item, because_of, parts[name] / total))
        if self.searched is not None and self.language is not None:
            reasons.extend(search_reasons(item, self.searched, self.language))
        reasons.extend({"kind": "rule", "rule": rule} for rule in rules)
        return Recommendation(
            self.view.item_ids[item], score, tuple(reasons), sentence(reasons, locale)
        )

    def _lead(self, parts: dict[str, float], total: float) -> dict[str, Any]:
        if total <= 0:
            why = "no history" if self.history_items.size == 0 else "no personalised evidence"
            return {"kind": "model", "model": "popularity", "fallback": why}
        lead = max(parts, key=parts.__getitem__)
        reason: dict[str, Any] = {"kind": "model", "model": self._model_name(lead)}
        reason["contributions"] = parts
        if self.history_items.size == 0 and self.searched is None:
            reason["fallback"] = "no history"
        return reason

    def _model_name(self, source: str) -> str:
        return self.serve_model if source == "cf" else _MODEL_NAMES.get(source, source)

    def _item(self, item: int) -> dict[str, Any]:
        return {"item_id": self.view.item_ids[item], "title": self.view.titles[item]}

    def _evidence(
        self, name: str, item: int, because_of: int, share: float
    ) -> list[dict[str, Any]]:
        source = {"kind": "source", "source": self._model_name(name), "share": round(share, 4)}
        if name == "cf" and because_of >= 0:
            return [source, {"kind": "because_of", **self._item(because_of)}]
        if name in ("covisitation", "sequence") and self.live is not None:
            past = self._strongest_recent(name, item)
            return [source, {"kind": "because_of", **self._item(past)}] if past >= 0 else [source]
        if name == "semantic" and self.language is not None:
            past, similarity = self._closest(item)
            if past >= 0:
                return [
                    source,
                    {"kind": "similar_to", **self._item(past), "similarity": round(similarity, 4)},
                ]
        return [source] if name != "query" else []

    def _parts(self, item: int) -> dict[str, float]:
        """Each source's weighted score of `item`, rounded to 4 decimals."""
        found = self._parts_cache.get(item)
        if found is None:
            at = item if self.pool is None else int(np.searchsorted(self.pool, item))
            found = {name: round(float(part[at]), 4) for name, part in self.parts.items()}
        return found

    def prepare(self, items: npt.NDArray[np.int64]) -> None:
        """Read the source scores of all `items`, and find the evidence of every item citing
        a recent item (co-visitation, sequence) or meaning, at once."""
        at = items if self.pool is None else np.searchsorted(self.pool, items)
        columns = [[round(v, 4) for v in part[at].tolist()] for part in self.parts.values()]
        for n, item in enumerate(items.tolist()):
            self._parts_cache[item] = {
                name: col[n] for name, col in zip(self.parts, columns, strict=True)
            }
        cites = [(item, _cited(p := self._parts(item), sum(p.values()))) for item in items.tolist()]

        def citing(name: str) -> npt.NDArray[np.int64]:
            return np.asarray([item for item, names in cites if name in names], dtype=np.int64)

        if self.live is not None:
            for name in ("covisitation", "sequence"):
                if (cited := citing(name)).size:
                    self._strongest.setdefault(name, {}).update(self._strongest_among(name, cited))
        if self.language is not None and (cited := citing("semantic")).size:
            past, sims = closest_past_items(
                self.language.vectors, self.language.has_text, self.history_items, cited
            )
            found = zip(past.tolist(), sims.tolist(), strict=True)
            self._closest_cache.update(zip(cited.tolist(), found, strict=True))

    def _closest(self, item: int) -> tuple[int, float]:
        found = self._closest_cache.get(item)
        if found is None:
            assert self.language is not None
            past, sims = closest_past_items(
                self.language.vectors, self.language.has_text, self.history_items, np.array([item])
            )
            found = self._closest_cache[item] = (int(past[0]), float(sims[0]))
        return found

    def _strongest_recent(self, name: str, item: int) -> int:
        """The recent item with the largest co-visitation or successor count to `item`."""
        strongest = self._strongest.setdefault(name, {})
        if item not in strongest:
            strongest.update(self._strongest_among(name, np.array([item], dtype=np.int64)))
        return strongest[item]

    def _strongest_among(self, name: str, items: npt.NDArray[np.int64]) -> dict[int, int]:
        """`_strongest_recent` of each of `items` (-1 where no recent item counts it)."""
        past, cols, vals = self._recent_rows(name)
        keep = np.isin(cols, items)
        found = dict.fromkeys(items.tolist(), -1)
        found.update(_strongest_by_column(past[keep], cols[keep], vals[keep]))
        return found

    def _recent_rows(self, name: str) -> tuple[npt.NDArray[np.int64], ...]:
        """The recent items' count rows, concatenated as (past item, column, value) arrays."""
        cached = self._rows.get(name)
        if cached is None:
            assert self.live is not None
            counter = self.live.covisitation if name == "covisitation" else self.live.transitions
            recent = distinct(self.recent_items)
            (cols, vals), counts = counter.rows(recent)
            cached = (np.repeat(recent, counts), cols.astype(np.int64), vals.astype(np.float64))
            self._rows[name] = cached
        return cached


def _cited(parts: dict[str, float], total: float) -> list[str]:
    """The sources that gave at least `CITE_SHARE` of the score, largest first."""
    if total <= 0:
        return []
    cited = [name for name, part in parts.items() if part >= CITE_SHARE * total]
    return sorted(cited, key=parts.__getitem__, reverse=True) if len(cited) > 1 else cited


def _strongest_by_column(
    past: npt.NDArray[Any], cols: npt.NDArray[Any], vals: npt.NDArray[Any]
) -> dict[int, int]:
    """For each column, the past item whose summed values there are largest (lowest on ties).

    >>> _strongest_by_column(np.array([4, 4, 2, 7]), np.array([9, 9, 9, 3]),
    ...                      np.array([1.0, 1.0, 2.0, 0.5]))
    {3: 7, 9: 2}
    """
    if cols.size == 0:
        return {}
    width = int(past.max()) + 1
    pairs, where = distinct_inverse(cols * width + past)
    sums = np.bincount(where, weights=vals)
    col, src = pairs // width, pairs % width
    order = np.lexsort((src, -sums, col))
    first = np.ones(order.size, dtype=bool)
    first[1:] = col[order][1:] != col[order][:-1]
    return dict(zip(col[order][first].tolist(), src[order][first].tolist(), strict=True))
