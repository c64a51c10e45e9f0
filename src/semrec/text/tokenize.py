"""Tokenisation of mixed English / Chinese text: jieba for CJK runs, a regex for the rest."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Final

import jieba

from semrec.text.normalize import CJK_CHARS, fold_case, normalize_text

__all__ = [
    "STOP_WORDS_EN",
    "STOP_WORDS_ZH",
    "token_spans",
    "tokenize",
    "tokenize_many",
    "words",
]


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text` as a set (for built-in word lists)."""
    return frozenset(text.split())


STOP_WORDS_EN: Final[frozenset[str]] = words(
    """a about above after again all also am an and any are as at be been being but by can
    could did do does doing don for from had has have having he her here hers him his how i if
    in into is it its itself just me more most my myself of off on once only or other our ours
    out over own same she should so some such than that the their theirs them then there these
    they this those through to too under until up very was we were what when where which while
    who whom why will with would you your yours yourself i'm im want wants wanted need needs
    looking look find show give get buy please something anything thing things one ones
    recommend suggest like would i'd id"""
)

STOP_WORDS_ZH: Final[frozenset[str]] = words(
    """的 了 和 与 及 或 是 在 我 你 他 她 它 我们 你们 他们 有 也 就 都 而 把 被 给 让 要 想
    请 吗 呢 吧 啊 呀 哦 这 那 这个 那个 这款 那款 一个 一款 个 款 些 一些 什么 怎么 哪 哪个
    还 又 很 太 比较 更 最好 买 推荐 需要 找 帮 帮我 一下 能 可以 会 对 用 之 其 为 以 于 上 中
    下 里 着 过 得 地 来 去 说 看 给我 我想 想要 适合"""
)

_CJK_RUN = re.compile(f"[{CJK_CHARS}]+|[^{CJK_CHARS}]+")
_WORD = re.compile(r"\d+(?:\.\d+)?(?:[^\W\d_]+)?|[^\W_]+")
_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")
_init_lock = threading.Lock()
_ready = False


def _jieba() -> None:
    """Load jieba's dictionary once, quietly, whichever thread asks first."""
    global _ready
    if _ready:
        return
    with _init_lock:
        if not _ready:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _ready = True


def _is_cjk_run(run: str) -> bool:
    return "\u3400" <= run[0] <= "\u9fff" or "\uf900" <= run[0] <= "\ufaff"


def _keep(token: str) -> bool:
    if token in STOP_WORDS_EN or token in STOP_WORDS_ZH:
        return False
    return not (len(token) == 1 and token.isascii() and token.isalpha())


def tokenize(text: str, *, drop_stop_words: bool = True) -> list[str]:
    """Normalised, lowercased tokens of `text`.

    CJK runs are segmented by jieba in search mode (``"智能手机"`` gives ``智能``, ``手机`` and
    ``智能手机``); Latin words and numbers by a regex: ``"88-key"`` gives ``88``, ``key``;
    ``"3.8"`` stays one token; apostrophes inside words vanish (``"levi's"`` gives ``levis``).
    """
    text = _APOSTROPHE.sub("", fold_case(normalize_text(text)))
    tokens: list[str] = []
    for run in _CJK_RUN.findall(text):
        if _is_cjk_run(run):
            _jieba()
            tokens.extend(w for w in jieba.lcut_for_search(run) if w.strip())
        else:
            tokens.extend(_WORD.findall(run))
    if drop_stop_words:
        tokens = [t for t in tokens if _keep(t)]
    return tokens


def tokenize_many(texts: Iterable[str]) -> list[list[str]]:
    """`tokenize` each text (stop words dropped)."""
    return [tokenize(text) for text in texts]


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """Words of an already normalised text with their ``[start, end)`` offsets, in order.

    CJK runs are cut by jieba (default mode, no overlaps); every other non-space character
    that is not part of a word comes out as a one-character punctuation token.
    """
    spans: list[tuple[str, int, int]] = []
    for run in _CJK_RUN.finditer(text):
        start = run.start()
        if _is_cjk_run(run.group()):
            _jieba()
            spans.extend((w, start + a, start + b) for w, a, b in jieba.tokenize(run.group()))
            continue
        pos = 0
        for word in _WORD.finditer(run.group()):
            spans.extend(_punct(run.group(), pos, word.start(), start))
            spans.append((word.group(), start + word.start(), start + word.end()))
            pos = word.end()
        spans.extend(_punct(run.group(), pos, len(run.group()), start))
    return spans


def _punct(run: str, lo: int, hi: int, offset: int) -> list[tuple[str, int, int]]:
    return [(run[i], offset + i, offset + i + 1) for i in range(lo, hi) if not run[i].isspace()]
