"""The past item closest in meaning, for many recommended items at once."""

from __future__ import annotations

import numpy as np

from semrec.service.profiles import closest_past_items

# Four unit vectors in the plane: 0 and 1 are 90 degrees apart, 2 sits between them (closer to
# 0), 3 has no text.
VECTORS = np.array([[1, 0], [0, 1], [0.8, 0.6], [0, 0]], dtype=np.float32)
HAS_TEXT = np.array([True, True, True, False])


def test_each_item_gets_its_nearest_past_item_and_the_cosine() -> None:
    past, sims = closest_past_items(VECTORS, HAS_TEXT, np.array([0, 1]), np.array([2, 1, 0]))
    # item 2: cos to 0 is 0.8, to 1 is 0.6 -> 0; item 1 is past itself -> only 0 is left (cos 0);
    # item 0 likewise -> 1 (cos 0).
    assert past.tolist() == [0, 0, 1]
    assert np.allclose(sims, [0.8, 0.0, 0.0])


def test_no_reason_without_text_or_without_other_past_items() -> None:
    past, sims = closest_past_items(VECTORS, HAS_TEXT, np.array([2, 3, -1]), np.array([3, 2, 0]))
    # item 3 has no text; item 2's only past item with text is itself; item 0 -> 2 (cos 0.8)
    assert past.tolist() == [-1, -1, 2]
    assert np.allclose(sims, [0.0, 0.0, 0.8])


def test_an_empty_history_gives_no_reasons() -> None:
    past, sims = closest_past_items(VECTORS, HAS_TEXT, np.zeros(0, np.int64), np.array([0, 1]))
    assert past.tolist() == [-1, -1]
    assert sims.tolist() == [0.0, 0.0]
