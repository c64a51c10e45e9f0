"""Terminal output helpers."""

from __future__ import annotations

from semrec.cli.output import padded


def test_padded_counts_cjk_characters_as_two_columns() -> None:
    assert padded("华为 Wave", 6) == "华为 W"
    assert padded("华为", 3) == "华 "
    assert padded("ab", 4) == "ab  "
    assert padded("", 2) == "  "
