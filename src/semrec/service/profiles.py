"""A user's language profile, and the past item closest in meaning to a recommended one.

The profile is a recency-weighted mean of the embeddings of the items the user touched and of
their own review and search texts; `semrec.service.sources` turns it into the ``semantic``
source. Recency counts from the user's own latest event, so an account idle for a month keeps
its taste rather than fading to nothing.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from semrec.service.language import LanguageIndex
from semrec.store import EventArrays
from semrec.text.documents import pool_profile

__all__ = ["closest_past_items", "user_profile"]

#: Half-life of a past interaction's pull on the language profile.
PROFILE_HALF_LIFE_S = 30 * 86400.0


def user_profile(
    events: EventArrays,
    weights: npt.NDArray[np.float64],
    language: LanguageIndex,
    text_vectors: npt.NDArray[np.float32] | None,
    text_times: npt.NDArray[np.float64] | None,
    now: float,
) -> npt.NDArray[np.float32] | None:
    """Recency-weighted mean of the user's items' embeddings and of their own texts.

    `weights` are the per-event interaction weights (by event type); the user's review and
    search texts count like a purchase-strength event each. Ages count from the user's latest
    event (`now` only when there is none).
    """
    keep = (events.item_idx >= 0) & (events.item_idx < len(language))
    vectors = language.vectors[events.item_idx[keep]]
    w = weights[keep]
    times = events.timestamps[keep]
    if text_vectors is not None and text_times is not None and len(text_vectors):
        vectors = np.vstack([vectors, text_vectors])
        strength = float(w.max()) if w.size else 1.0
        w = np.concatenate([w, np.full(len(text_vectors), strength)])
        times = np.concatenate([times, text_times])
    latest = float(times.max()) if times.size else now
    return pool_profile(vectors, w, times, latest, PROFILE_HALF_LIFE_S)


def closest_past_items(
    vectors: npt.NDArray[np.float32],
    has_text: npt.NDArray[np.bool_],
    history_items: npt.NDArray[np.int64],
    items: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """For each of `items`, the past item most similar in meaning and the cosine.

    `vectors` are unit item embeddings (rows without text are flagged false in `has_text`).
    An item is never its own closest past item; -1 and 0.0 where there is none (no text, or no
    other past item with text). One matrix product for all items.
    """
    items = np.asarray(items, dtype=np.int64)
    best = np.full(items.shape, -1, dtype=np.int64)
    sims = np.zeros(items.shape, dtype=np.float32)
    past = history_items[(history_items >= 0) & (history_items < len(has_text))]
    past = np.unique(past[has_text[past]])
    with_text = (items >= 0) & (items < len(has_text))
    with_text[with_text] = has_text[items[with_text]]
    if past.size == 0 or not with_text.any():
        return best, sims
    table = vectors[past] @ vectors[items[with_text]].T
    table[past[:, None] == items[with_text][None, :]] = -np.inf
    rows = np.argmax(table, axis=0)
    top = table[rows, np.arange(rows.size)]
    found = np.isfinite(top)
    where = np.flatnonzero(with_text)[found]
    best[where], sims[where] = past[rows[found]], top[found]
    return best, sims
