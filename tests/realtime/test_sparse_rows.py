"""The growable sparse rows behind co-visitation and transitions: merging and trimming."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from semrec.realtime.sparse_rows import SparseRows, dense


def test_a_full_delta_merges_into_the_row_trimmed_to_top_n() -> None:
    rows = SparseRows(top_n=2, merge_at=3)
    rows.add(0, 1, 1.0)
    rows.add(0, 2, 5.0)
    rows.add(0, 2, 1.0)  # same column: still two pending columns
    assert rows.get(0, 2) == 6.0 and rows.get(0, 1) == 1.0
    rows.add(0, 3, 3.0)  # third column: merge, keep the two largest (2: 6, 3: 3)
    assert rows.get(0, 1) == 0.0 and rows.get(0, 2) == 6.0 and rows.get(0, 3) == 3.0
    rows.add(0, 1, 0.5)  # a trimmed neighbour starts again from zero
    assert rows.get(0, 1) == 0.5
    assert rows.nnz == 3
    np.testing.assert_allclose(rows.to_csr(2, 4).toarray(), [[0, 0.5, 6, 3], [0, 0, 0, 0]])


def test_bulk_rows_are_trimmed_with_ties_to_the_lower_column() -> None:
    csr = sp.csr_matrix(np.array([[1.0, 5, 3, 2], [0, 7, 0, 0], [2, 2, 2, 0]]))
    rows = SparseRows.from_csr(csr, top_n=2)
    expected = [[0, 5, 3, 0], [0, 7, 0, 0], [2, 2, 0, 0]]
    np.testing.assert_allclose(rows.to_csr(3, 4).toarray(), expected)
    rows.add(2, 3, 4.0)  # pending on top of the bulk row
    cols, vals = rows.row(2)
    assert sorted(zip(cols.tolist(), vals.tolist(), strict=True)) == [(0, 2), (1, 2), (3, 4)]


def test_dense_sums_repeated_columns() -> None:
    cols, vals = np.array([0, 2, 2, 5]), np.array([2.0, 4.0, 0.5, 0.5])
    # column 5 lies beyond n = 4 and is dropped
    np.testing.assert_allclose(dense(cols, vals, 4), [2.0, 0.0, 4.5, 0.0])


@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), st.floats(0.5, 4.0)), max_size=60),
    st.lists(st.integers(-2, 40), max_size=25),
)
def test_rows_reads_base_rewritten_and_pending_rows_like_row(
    writes: list[tuple[int, int, float]], wanted: list[int]
) -> None:
    coo = sp.coo_matrix(
        (np.arange(1.0, 41.0), (np.arange(40) % 20, (np.arange(40) * 7) % 25)), shape=(20, 25)
    )
    rows = SparseRows.from_csr(coo.tocsr(), top_n=3, merge_at=2)
    for row, col, value in writes:  # rows 0-19 in the base, 20-30 only written
        rows.add(row, col, value)
    asked = np.array(wanted, dtype=np.int64)
    (cols, vals), counts = rows.rows(asked)
    parts = [rows.row(r) if r >= 0 else (np.zeros(0), np.zeros(0)) for r in wanted]
    assert counts.tolist() == [c.size for c, _ in parts]
    assert cols.tolist() == [int(c) for c, _ in parts for c in c]
    assert vals.tolist() == [float(v) for _, v in parts for v in v]
