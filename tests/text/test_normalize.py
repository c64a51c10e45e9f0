"""Normalisation, case folding and the language guess."""

from __future__ import annotations

import pytest

from semrec.text.normalize import detect_language, fold_case, is_cjk, normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＰＰＬＥ　ｉＰｈｏｎｅ　１５", "APPLE iPhone 15"),
        ("<p>Great <b>sound</b></p>", "Great sound"),
        ("Tom &amp; Jerry &lt;3", "Tom & Jerry <3"),
        ("  many \n\t spaces  ", "many spaces"),
        ("五百以内，好吗？", "五百以内,好吗?"),
        ("", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_fold_case_keeps_length() -> None:
    assert len(fold_case("Straße İstanbul")) == len("Straße İstanbul")
    assert fold_case("SONY Drift") == "sony drift"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Sony wireless earbuds", "en"),
        ("索尼 Drift 3 蓝牙耳塞", "zh"),
        ("Anker Luma Lite 充电线 白色", "zh"),
        ("不要苹果的拍照手机", "zh"),
        ("Café crème brûlée", "en"),
        ("Sony headphones 黑", "en"),
        ("Наушники Sony", "other"),
        ("12345 !!", "other"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_is_cjk() -> None:
    assert is_cjk("Drift 3 耳机")
    assert not is_cjk("Drift 3")
