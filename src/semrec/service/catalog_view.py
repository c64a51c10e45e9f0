"""An in-memory, array-shaped view of the catalog for fast filtering on the read path."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from semrec.data.errors import ValidationError
from semrec.data.records import Item

__all__ = ["FILTER_KEYS", "CatalogView"]

FILTER_KEYS = ("category", "brand", "min_price", "max_price", "exclude")


@dataclass(frozen=True)
class CatalogView:
    """Per dense item index: external id, metadata flags, category path, brand and price."""

    item_ids: list[str]
    has_meta: npt.NDArray[np.bool_]
    available: npt.NDArray[np.bool_]
    categories: list[tuple[str, ...]]
    brands: npt.NDArray[np.str_]
    prices: npt.NDArray[np.float64]
    titles: list[str]

    @classmethod
    def build(
        cls,
        item_ids: list[str],
        has_meta: npt.NDArray[np.bool_],
        available: npt.NDArray[np.bool_],
        items: Sequence[Item],
    ) -> CatalogView:
        """Assemble the view from the store's id list, flags and items with metadata."""
        n = len(item_ids)
        position = {item_id: i for i, item_id in enumerate(item_ids)}
        categories: list[tuple[str, ...]] = [()] * n
        brands = [""] * n
        titles = [""] * n
        prices = np.full(n, np.nan)
        for item in items:
            i = position[item.item_id]
            categories[i], brands[i], titles[i] = item.category, item.brand.lower(), item.title
            prices[i] = np.nan if item.price is None else item.price
        flags = (_fit(has_meta, n), _fit(available, n))
        return cls(item_ids, flags[0], flags[1], categories, np.array(brands), prices, titles)

    def __len__(self) -> int:
        return len(self.item_ids)

    @cached_property
    def _category_codes(self) -> tuple[list[tuple[str, ...]], npt.NDArray[np.int64]]:
        """The distinct category paths and each item's position among them (built once), so
        a category filter compares a few hundred paths rather than every item's."""
        distinct: dict[tuple[str, ...], int] = {}
        codes = np.fromiter(
            (distinct.setdefault(path, len(distinct)) for path in self.categories),
            dtype=np.int64,
            count=len(self.categories),
        )
        return list(distinct), codes

    @cached_property
    def _candidates(self) -> npt.NDArray[np.bool_]:
        if not self.has_meta.any():
            mask = self.available | ~self.has_meta
        else:
            mask = self.has_meta & self.available
        mask.setflags(write=False)
        return mask

    def candidates(self) -> npt.NDArray[np.bool_]:
        """Items that may be recommended: available catalog items (a new array, computed once
        per view).

        When the catalog holds no metadata at all (events imported alone), every item seen in
        events is a candidate.
        """
        return self._candidates.copy()

    def allowed(self, filters: Mapping[str, Any] | None) -> npt.NDArray[np.bool_]:
        """The candidates passing request `filters` (see `filter_mask`), read-only.

        Without filters this is the view's own candidate mask, shared and not copied (a copy
        of a million-item mask costs more than the rest of a cheap request's bookkeeping).
        """
        if not filters:
            return self._candidates
        mask = self._candidates & self.filter_mask(filters)
        mask.setflags(write=False)
        return mask

    def filter_mask(self, filters: Mapping[str, Any] | None) -> npt.NDArray[np.bool_]:
        """Items passing request filters (`category` prefix, `brand`, price bounds, `exclude`)."""
        mask = np.ones(len(self), dtype=bool)
        for key, value in (filters or {}).items():
            if key not in FILTER_KEYS:
                raise ValidationError(f"filters.{key}", value, f"one of {', '.join(FILTER_KEYS)}")
            mask &= self._one_filter(key, value)
        return mask

    def _one_filter(self, key: str, value: Any) -> npt.NDArray[np.bool_]:
        if key == "category":
            prefix = _path(value)
            paths, codes = self._category_codes
            return np.array([p[: len(prefix)] == prefix for p in paths], dtype=bool)[codes]
        if key == "brand":
            wanted = [value] if isinstance(value, str) else list(value)
            return np.isin(self.brands, [str(b).lower() for b in wanted])
        if key in ("min_price", "max_price"):
            bound = _number(f"filters.{key}", value)
            with np.errstate(invalid="ignore"):
                inside = self.prices >= bound if key == "min_price" else self.prices <= bound
            return np.asarray(inside, dtype=bool)
        excluded = [value] if isinstance(value, str) else [str(v) for v in value]
        mask = np.ones(len(self), dtype=bool)
        mask[self.positions(excluded)] = False
        return mask

    @cached_property
    def _sorted_ids(self) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.int64]]:
        """The item ids sorted, and each sorted id's item index (built on first use)."""
        ids = np.array(self.item_ids, dtype=str)
        order = np.argsort(ids, kind="stable")
        return ids[order], order.astype(np.int64)

    def positions(self, item_ids: Sequence[str]) -> npt.NDArray[np.int64]:
        """The item indexes of those of `item_ids` that are in the view (unknown ids skipped)."""
        ids, order = self._sorted_ids
        wanted = np.array(list(item_ids), dtype=str)
        if not wanted.size or not ids.size:
            return np.zeros(0, dtype=np.int64)
        at = np.clip(np.searchsorted(ids, wanted), 0, ids.size - 1)
        return np.asarray(order[at[ids[at] == wanted]], dtype=np.int64)


def _fit(flags: npt.NDArray[np.bool_], n: int) -> npt.NDArray[np.bool_]:
    out = np.zeros(n, dtype=bool)
    out[: min(n, flags.shape[0])] = flags[:n]
    return out


def _path(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(p.strip() for p in value.split(">") if p.strip())
    if isinstance(value, list | tuple) and all(isinstance(p, str) for p in value):
        return tuple(value)
    raise ValidationError("filters.category", value, "a path like 'A > B' or a list of names")


def _number(field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        raise ValidationError(field, value, "a finite number")
    return float(value)
