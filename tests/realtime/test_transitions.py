"""Next-item transitions: successor counts and order-aware scores, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from semrec.models.interactions import EventWeights
from semrec.realtime import RecentItems, Transitions

from .streams import as_arrays

A, B, C, D, X, Y = 0, 1, 2, 3, 4, 5
VIEW, CART = 0, 2


def replay(tr: Transitions, events: list[tuple[int, int, int, float]]) -> Transitions:
    """Feed (user, item, type, ts) events one by one through `update`."""
    weights = EventWeights().type_weights()
    recent = RecentItems(capacity=5)
    for user, item, code, ts in events:
        w = float(weights[code])
        tr.update(recent.window(user), item, w, ts)
        recent.push(user, item, w, ts)
    return tr


def sequences(*seqs: list[int], gap: float = 10.0) -> list[tuple[int, int, int, float]]:
    """One user per sequence, views `gap` seconds apart."""
    return [(u, item, VIEW, k * gap) for u, seq in enumerate(seqs) for k, item in enumerate(seq)]


def test_successor_of_b_is_c() -> None:
    tr = replay(Transitions(recency=0.5), sequences([A, B, C], [A, B, C], [B, D]))
    assert tr.count(A, B) == 2.0 and tr.count(B, C) == 2.0 and tr.count(B, D) == 1.0
    assert tr.count(B, A) == 0.0 and tr.count(A, C) == 0.0  # direct successors only, ordered
    # P(C|B) = 2/3 weighs 1, P(D|B) = 1/3; P(B|A) = 1 weighs 0.5 (A is one step older)
    scores = tr.scores([A, B], n_items=6)
    np.testing.assert_allclose(scores, [0.0, 0.5, 2 / 3, 1 / 3, 0.0, 0.0], rtol=1e-6)
    assert int(np.argmax(scores)) == C


def test_reversing_the_last_two_items_changes_the_top_item() -> None:
    tr = replay(Transitions(recency=0.5), sequences([A, X], [B, Y]))
    assert int(np.argmax(tr.scores([A, B], 6))) == Y
    assert int(np.argmax(tr.scores([B, A], 6))) == X


def test_only_the_last_order_steps_count_and_repeats_collapse() -> None:
    tr = replay(Transitions(order=2, recency=0.5), sequences([A, X], [B, Y], [C, D]))
    scores = tr.scores([A, B, C, C], 6)  # C repeated counts once; A is three steps back
    assert scores[X] == 0.0
    assert scores[D] == pytest.approx(1.0) and scores[Y] == pytest.approx(0.5)


def test_session_gap_and_repeats_are_respected() -> None:
    # A then B two hours later: a new session. A viewed then added to cart (a repeat), then C.
    events = [(0, A, VIEW, 0.0), (0, B, VIEW, 7200.0), (1, A, VIEW, 0.0), (1, A, CART, 5.0)]
    events.append((1, C, CART, 10.0))
    tr = replay(Transitions(session_gap=1800.0), events)
    assert tr.count(A, B) == 0.0
    assert tr.count(A, A) == 0.0
    assert tr.count(A, C) == 4.0  # the add-to-cart weight of the successor event


def test_bulk_build_matches_the_incremental_counts() -> None:
    events = sequences([A, B, C], [A, B, C], [B, D], [A, A, X])
    bulk = Transitions.from_events(as_arrays(events), EventWeights(), n_items=6)
    inc = replay(Transitions(), events)
    np.testing.assert_allclose(bulk.to_csr(6).toarray(), inc.to_csr(6).toarray())
    assert bulk.count(B, C) == 2.0 and bulk.count(A, X) == 1.0
    np.testing.assert_allclose(bulk.scores([A, B], 6), inc.scores([A, B], 6))


def test_rows_are_each_items_successor_row_in_turn() -> None:
    tr = replay(Transitions(merge_at=2), sequences([A, B, C], [A, B, D], [B, C, A]))
    (cols, vals), counts = tr.rows(np.array([B, A, 9, B], dtype=np.int64))  # 9 is unknown
    assert counts.tolist() == [tr.row(B)[0].size, tr.row(A)[0].size, 0, tr.row(B)[0].size]
    sums = np.zeros(6)
    np.add.at(sums, cols[: counts[0]], vals[: counts[0]])
    assert sums.tolist() == [tr.count(B, j) for j in range(6)]
