"""Text normalisation and a cheap language guess for product text and queries."""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Final, Literal

__all__ = ["CJK_CHARS", "detect_language", "fold_case", "is_cjk", "normalize_text"]

#: Character class body of the CJK ideographs we segment with jieba.
CJK_CHARS: Final = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

_TAG = re.compile(r"<[^<>]{0,500}>")
_SPACE = re.compile(r"\s+")
_CJK = re.compile(f"[{CJK_CHARS}]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LETTER = re.compile(r"[^\W\d_]")
_ZH_WEIGHT: Final = 4  # one ideograph carries about as much as four Latin letters


def normalize_text(text: str) -> str:
    """NFKC (full-width to half-width), HTML tags stripped, entities unescaped, spaces collapsed."""
    text = html.unescape(_TAG.sub(" ", text))
    text = unicodedata.normalize("NFKC", text)
    return _SPACE.sub(" ", text).strip()


def fold_case(text: str) -> str:
    """Lowercase `text` character by character, keeping its length (so offsets stay valid)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def is_cjk(text: str) -> bool:
    """Whether `text` holds at least one CJK ideograph."""
    return _CJK.search(text) is not None


def detect_language(text: str) -> Literal["zh", "en", "other"]:
    """Guess the language from the share of CJK ideographs against Latin letters.

    Mixed product text such as ``"索尼 Drift 3 蓝牙耳塞"`` is Chinese; text with letters of
    neither script (or none at all) is ``"other"``.
    """
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    if cjk and cjk * _ZH_WEIGHT >= latin:
        return "zh"
    letters = len(_LETTER.findall(text)) - cjk
    if latin and latin * 2 >= letters:
        return "en"
    return "other"
