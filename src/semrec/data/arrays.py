"""Distinct values of integer arrays, found by sorting.

`np.unique` gives the same answers, but numpy 2 first puts integers through a hash table:
for the few hundred item indexes of one request that was 8x slower than sorting here (600
values: 38 us against 5 us with numpy 2.4), and the request path takes distinct values
several times.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["distinct", "distinct_inverse"]

Int = TypeVar("Int", bound=np.integer)


def _firsts(ordered: npt.NDArray[np.integer]) -> npt.NDArray[np.bool_]:
    """Where each run of equal values starts in a sorted array."""
    first = np.empty(ordered.shape[0], dtype=bool)
    if first.size:
        first[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


def distinct(values: npt.NDArray[Int]) -> npt.NDArray[Int]:
    """The sorted distinct values of a 1-d integer array (`np.unique(values)`).

    >>> distinct(np.array([7, 3, 7, 1])).tolist()
    [1, 3, 7]
    """
    ordered = np.sort(values)
    return ordered[_firsts(ordered)]


def distinct_inverse(values: npt.NDArray[Int]) -> tuple[npt.NDArray[Int], npt.NDArray[np.intp]]:
    """The sorted distinct values and, per value, its position among them
    (`np.unique(values, return_inverse=True)`).

    >>> [a.tolist() for a in distinct_inverse(np.array([7, 3, 7, 1]))]
    [[1, 3, 7], [2, 1, 2, 0]]
    """
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = _firsts(ordered)
    inverse = np.empty(values.shape[0], dtype=np.intp)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse
