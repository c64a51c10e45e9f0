"""`make_index` picks the implementation by size; `load_index` restores either kind."""

from __future__ import annotations

import numpy as np
import pytest

from semrec.data.errors import ValidationError
from semrec.index import ExactIndex, HnswIndex, exact_below_for, load_index, make_index
from semrec.index.hnsw import auto_ef


def test_exact_below_the_threshold_hnsw_from_it() -> None:
    assert isinstance(make_index(64, 19_999), ExactIndex)
    assert isinstance(make_index(64, 20_000), HnswIndex)
    assert isinstance(make_index(8, 10, exact_below=10), HnswIndex)
    assert isinstance(make_index(8, 10, exact_below=11), ExactIndex)


def test_default_threshold_shrinks_as_vectors_grow() -> None:
    thresholds = [exact_below_for(d) for d in (32, 64, 128, 384, 512)]
    assert thresholds == [40000, 20000, 10000, 3333, 2500]
    assert isinstance(make_index(384, 3_332), ExactIndex)
    assert isinstance(make_index(384, 3_333), HnswIndex)
    assert isinstance(make_index(384, 19_999, exact_below=20_000), ExactIndex)


def test_settings_reach_the_index() -> None:
    index = make_index(3, 0, metric="cosine")
    assert (index.dim, index.metric, len(index)) == (3, "cosine", 0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"dim": 0, "n_expected": 1}, "dim"),
        ({"dim": 4, "n_expected": -1}, "n_expected"),
        ({"dim": 4, "n_expected": 1, "exact_below": -5}, "exact_below"),
        ({"dim": 4, "n_expected": 1, "metric": "l2"}, "metric"),
    ],
)
def test_bad_arguments_raise(kwargs: dict, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        make_index(**kwargs)
    assert raised.value.field == field


def test_load_index_rejects_unknown_kinds() -> None:
    with pytest.raises(ValidationError):
        load_index({"kind": np.array("lsh"), "dim": np.array(2), "metric": np.array("ip")})
    with pytest.raises(ValidationError):
        ExactIndex.from_arrays(HnswIndex(2).to_arrays())


def test_plain_python_lists_are_accepted() -> None:
    for index in (make_index(2, 0), make_index(2, 0, exact_below=0)):
        index.add([0, 1], [[1.0, 0.0], [0.0, 1.0]])
        ids, _ = index.search([1.0, 2.0], 5, allow=[True, True], exclude=[])
        assert ids.tolist() == [1, 0]


def test_search_beam_grows_with_the_graph() -> None:
    assert [auto_ef(n) for n in (0, 20_000, 100_000, 1_000_000, 10**9)] == [64, 64, 64, 256, 1024]
    assert HnswIndex(2, ef_search=32).ef == 32
