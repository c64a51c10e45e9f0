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

__all__ = ["closest_past_item", "user_profile"]

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


def closest_past_item(
    language: LanguageIndex, history_items: npt.NDArray[np.int64], item: int
) -> tuple[int, float]:
    """The past item most similar in meaning to `item` and the cosine (-1, 0.0 when none)."""
    past = history_items[(history_items >= 0) & (history_items < len(language))]
    past = past[language.has_text[past] & (past != item)]
    if past.size == 0 or not language.has_text[item]:
        return -1, 0.0
    sims = language.vectors[past] @ language.vectors[item]
    best = int(np.argmax(sims))
    return int(past[best]), float(sims[best])
