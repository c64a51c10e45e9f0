"""A deterministic feature-hashing encoder: no model, no I/O, for fast tests only.

Features are lower-cased word tokens and character trigrams of the NFKC-normalised text, each
hashed with BLAKE2b (never Python's salted ``hash()``, so vectors are the same in every process)
to a column and a sign. Texts that share words or spellings come out close; paraphrases with
different words do not, so this encoder is never the default.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

import numpy as np

from semrec.text.encoders.base import BatchEncoder, EncoderError, Matrix

__all__ = ["HashingEncoder"]

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
WORD_WEIGHT = 1.0
GRAM_WEIGHT = 0.5
GRAM = 3


@lru_cache(maxsize=1 << 16)
def _bucket(feature: str) -> int:
    """A stable 64-bit hash of one feature."""
    return int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "big")


def features(text: str) -> list[tuple[str, float]]:
    """The weighted features of `text`: its words and its character trigrams."""
    clean = _SPACE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()
    words = [("w:" + word, WORD_WEIGHT) for word in _WORD.findall(clean)]
    padded = f" {clean} "
    grams = [("c:" + padded[i : i + GRAM], GRAM_WEIGHT) for i in range(len(padded) - GRAM + 1)]
    return words + grams or [("c:" + text, GRAM_WEIGHT)]


class HashingEncoder(BatchEncoder):
    """Signed feature hashing of words and character trigrams into `dim` columns."""

    def __init__(self, dim: int = 256, batch_size: int = 256) -> None:
        if dim < 2:
            raise EncoderError(f"hashing encoder dim must be at least 2, got {dim}")
        self.dim = dim
        self.batch_size = batch_size
        self.name = f"hashing-{dim}-v1"

    def _encode_batch(self, texts: list[str]) -> Matrix:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            self._fill(out[row], text)
        return out

    def _fill(self, row: Matrix, text: str) -> None:
        first = -1
        for feature, weight in features(text):
            code = _bucket(feature)
            column = code % self.dim
            row[column] += weight if code >> 63 else -weight
            first = column if first < 0 else first
        if first >= 0 and not row.any():
            row[first] = 1.0  # every feature cancelled out; a non-empty text keeps a non-zero row
