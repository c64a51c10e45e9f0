"""Property: whatever the data, filters and re-adds, no index ever returns a forbidden id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from semrec.index import HnswIndex, VectorIndex, make_index

DIM = 3
BUILDERS: dict[str, Callable[[], VectorIndex]] = {
    "exact": lambda: make_index(DIM, 10),
    "hnsw": lambda: make_index(DIM, 10, exact_below=1),
    # exact_per_ef=0: filtered searches always walk the graph (with its exact top-up)
    "hnsw-graph-only": lambda: HnswIndex(DIM, exact_per_ef=0),
}
coords = st.floats(-1, 1, width=32, allow_subnormal=False)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    """Sparse shuffled ids with vectors, some ids re-added, an allow mask, exclusions, a query."""
    n = draw(st.integers(1, 40))
    ids = draw(st.permutations(range(3 * n)))[:n]
    readd = draw(st.lists(st.sampled_from(ids), max_size=5))
    return {
        "ids": np.array(ids, np.int64),
        "vectors": draw(hnp.arrays(np.float32, (n, DIM), elements=coords)),
        "readd": np.array(readd, np.int64),
        "readd_vectors": draw(hnp.arrays(np.float32, (len(readd), DIM), elements=coords)),
        "allow": None if draw(st.booleans()) else np.array(draw(st.lists(st.booleans())), bool),
        "exclude": np.array(draw(st.lists(st.integers(-3, 3 * n + 3), max_size=8)), np.int64),
        "query": draw(hnp.arrays(np.float32, (2, DIM), elements=coords)),
        "k": draw(st.integers(0, n + 3)),
    }


def current_vectors(case: dict[str, Any]) -> dict[int, np.ndarray]:
    """What each id should hold after all adds: the last vector given for it."""
    held = dict(zip(case["ids"].tolist(), case["vectors"], strict=True))
    held.update(zip(case["readd"].tolist(), case["readd_vectors"], strict=True))
    return held


@pytest.mark.parametrize("name", sorted(BUILDERS))
@settings(max_examples=60, deadline=None)
@given(case=cases())
def test_filters_are_never_violated(name: str, case: dict[str, Any]) -> None:
    index = BUILDERS[name]()
    index.add(case["ids"], case["vectors"])
    if case["readd"].size:
        index.add(case["readd"], case["readd_vectors"])
    held = current_vectors(case)
    allow, excluded = case["allow"], set(case["exclude"].tolist())
    passing = {
        i
        for i in held
        if i not in excluded and (allow is None or (i < allow.size and bool(allow[i])))
    }
    ids, scores = index.search(case["query"], case["k"], allow=allow, exclude=case["exclude"])
    assert ids.shape == scores.shape == (2, min(case["k"], len(passing)))
    for q, row_ids, row_scores in zip(case["query"], ids.tolist(), scores, strict=True):
        assert set(row_ids) <= passing
        assert len(set(row_ids)) == len(row_ids)
        expected = [float(np.dot(q, held[i])) for i in row_ids]
        np.testing.assert_allclose(row_scores, expected, rtol=1e-5, atol=1e-6)
        assert (np.diff(row_scores) <= 1e-6).all()
        if name == "exact":
            best = sorted((float(np.dot(q, held[i])) for i in passing), reverse=True)
            np.testing.assert_allclose(row_scores, best[: len(row_ids)], rtol=1e-5, atol=1e-6)
