"""BM25 over our own tokens, English and jieba-segmented Chinese."""

from __future__ import annotations

import numpy as np
import pytest

from semrec.text.lexical import LexicalIndex
from semrec.text.tokenize import tokenize

DOCS = [
    "Nike Vista 3 running shorts, red. Made of nylon.",
    "Sony Drift 3 wireless earbuds with noise cancelling, black",
    "索尼 Drift 3 蓝牙耳塞 黑色 续航长达44小时",
    "小米 Echo Go 智能手机 蓝色 拍照出色",
    "Le Creuset cast iron dutch oven, red",
    "Roland 88-key digital piano with weighted keys",
]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build(DOCS)


def test_tokenize_mixed_text() -> None:
    assert tokenize("Ｎｉｋｅ 88-key Levi's, 3.8 stars") == [
        "nike",
        "88",
        "key",
        "levis",
        "3.8",
        "stars",
    ]
    assert "手机" in tokenize("智能手机")
    assert tokenize("the best of the best", drop_stop_words=False)[:2] == ["the", "best"]
    assert "the" not in tokenize("the best of the best")


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("red running shorts", 0),
        ("noise cancelling earbuds", 1),
        ("蓝牙耳塞", 2),
        ("拍照好的手机", 3),
        ("cast iron pot", 4),
        ("88 key piano", 5),
    ],
)
def test_obvious_document_ranks_first(index: LexicalIndex, query: str, best: int) -> None:
    ids, scores = index.search(query, 3)
    assert ids[0] == best
    assert scores.dtype == np.float32 and ids.dtype == np.int64
    assert np.all(np.diff(scores) <= 0) and np.all(scores > 0)


def test_scores_are_zero_without_shared_terms(index: LexicalIndex) -> None:
    scores = index.scores("guitar strings")
    assert scores.shape == (len(DOCS),) and not scores.any()
    assert index.search("guitar strings", 5)[0].size == 0
    assert index.scores("").shape == (len(DOCS),)


def test_allow_mask_is_respected(index: LexicalIndex) -> None:
    allow = np.ones(len(DOCS), dtype=bool)
    allow[[1, 2]] = False
    ids, _ = index.search("Drift 3 earbuds 耳塞", 5, allow=allow)
    assert 1 not in ids and 2 not in ids
    with pytest.raises(ValueError, match="shape"):
        index.search("drift", 2, allow=np.ones(2, dtype=bool))


def test_only_positive_hits_and_k_limit(index: LexicalIndex) -> None:
    ids, _ = index.search("red", 10)
    assert sorted(ids.tolist()) == [0, 4]
    assert index.search("red", 1)[0].size == 1
    assert index.search("red", 0)[0].size == 0


def test_empty_corpus_and_empty_docs() -> None:
    assert LexicalIndex.build([]).scores("red").shape == (0,)
    blank = LexicalIndex.build(["", "the of"])
    assert blank.search("red", 3)[0].size == 0
    mixed = LexicalIndex.build(["", "red shoes"])
    assert mixed.search("red", 3)[0].tolist() == [1]
