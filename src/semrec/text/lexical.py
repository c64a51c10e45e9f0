"""BM25 keyword search over our own tokens (jieba-segmented Chinese included), through bm25s."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import bm25s
import numpy as np
import numpy.typing as npt

from semrec.text.tokenize import tokenize, tokenize_many

__all__ = ["LexicalIndex"]

logging.getLogger("bm25s").setLevel(logging.WARNING)


class LexicalIndex:
    """A BM25 index over a fixed list of documents, addressed by their dense position."""

    def __init__(self, retriever: bm25s.BM25 | None, vocab: frozenset[str], n_docs: int) -> None:
        """Wrap a built retriever; use `LexicalIndex.build` rather than this."""
        self._retriever = retriever
        self._vocab = vocab
        self.n_docs = n_docs

    @classmethod
    def build(cls, docs: Sequence[str], *, k1: float = 1.5, b: float = 0.75) -> LexicalIndex:
        """Index `docs` (document ``i`` is position ``i``) with BM25 over `tokenize` tokens."""
        corpus = tokenize_many(docs)
        vocab = frozenset(t for tokens in corpus for t in tokens)
        if not vocab:
            return cls(None, vocab, len(docs))
        retriever = bm25s.BM25(k1=k1, b=b)
        retriever.index(corpus, show_progress=False)
        return cls(retriever, vocab, len(docs))

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        """BM25 score of every document for `query`: shape ``(n_docs,)``, 0 where no term hits."""
        tokens = [t for t in dict.fromkeys(tokenize(query)) if t in self._vocab]
        if self._retriever is None or not tokens:
            return np.zeros(self.n_docs, dtype=np.float32)
        out = self._retriever.get_scores(tokens)
        return np.asarray(out, dtype=np.float32)

    def search(
        self, query: str, k: int, allow: npt.NDArray[np.bool_] | None = None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """The best `k` documents scoring above 0 (and allowed by `allow`), best first."""
        scores = self.scores(query)
        if allow is not None:
            if allow.shape != (self.n_docs,):
                raise ValueError(f"allow must have shape ({self.n_docs},), got {allow.shape}")
            scores = np.where(allow, scores, np.float32(0.0))
        hits = np.flatnonzero(scores > 0)
        if k <= 0 or hits.size == 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        if hits.size > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        order = np.lexsort((hits, -scores[hits]))
        best = hits[order].astype(np.int64)
        return best, scores[best]
