"""A primary encoder (the remote endpoint) with a local encoder to use when it cannot be had.

The two encoders live in different vector spaces (different `dim`, different `name`), so
vectors of one must never be compared with vectors of the other. `FallbackEncoder` therefore
chooses once, on first use (the first `encode`, or the first look at `name` / `dim`), and keeps
that choice for its lifetime:

- the primary answers: every later call goes to the primary, and a later failure of it raises
  `EncoderError` (switching then would mix two spaces in one index);
- the primary fails with `EncoderError`: a warning is logged, the fallback is built, and every
  call from then on goes to it. `name` and `dim` are the fallback's, so cached vectors and
  indexes are keyed by the space actually used.

A new process (or a new `FallbackEncoder`) chooses again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from semrec.text.encoders.base import Encoder, EncoderError, Matrix

__all__ = ["FallbackEncoder"]

log = logging.getLogger(__name__)


class FallbackEncoder:
    """`primary` if it works at first use, else the encoder `make_fallback` builds, for good."""

    def __init__(self, primary: Encoder, make_fallback: Callable[[], Encoder]) -> None:
        self._primary = primary
        self._make_fallback = make_fallback
        self._chosen: Encoder | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The name of the encoder chosen at first use."""
        return self.active.name

    @property
    def dim(self) -> int:
        """The dimension of the encoder chosen at first use."""
        return self.active.dim

    @property
    def active(self) -> Encoder:
        """The encoder in use, choosing it now (with a probe of the primary) if not yet chosen."""
        if self._chosen is not None:
            return self._chosen
        with self._lock:
            if self._chosen is None:
                self._chosen = self._choose(lambda: self._primary.dim)
            return self._chosen

    @property
    def fell_back(self) -> bool:
        """Whether the fallback was chosen (False also before the choice)."""
        return self._chosen is not None and self._chosen is not self._primary

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> Matrix:
        """Vectors from the chosen encoder; the first call makes the choice."""
        if self._chosen is None:
            with self._lock:
                if self._chosen is None:
                    result: list[Matrix] = []
                    first = self._primary.encode
                    self._chosen = self._choose(
                        lambda: result.append(first(texts, progress=progress))
                    )
                    if result:
                        return result[0]
        return self.active.encode(texts, progress=progress)

    def _choose(self, try_primary: Callable[[], object]) -> Encoder:
        try:
            try_primary()
        except EncoderError as exc:
            fallback = self._make_fallback()
            log.warning("%s failed (%s); using %s instead", self._primary.name, exc, fallback.name)
            return fallback
        return self._primary
