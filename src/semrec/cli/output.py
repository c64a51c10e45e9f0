"""How the command line prints recommendations and errors."""

from __future__ import annotations

import json
import sys
import unicodedata
from typing import NoReturn

import typer

from semrec.data.errors import SemrecError
from semrec.data.records import Recommendation
from semrec.service import Recommender

__all__ = ["describe_reasons", "fail", "padded", "print_recommendations"]


def padded(text: str, width: int) -> str:
    """`text` cut or padded to `width` terminal columns (CJK characters take two)."""
    out, used = [], 0
    for char in text:
        size = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        if used + size > width:
            break
        out.append(char)
        used += size
    return "".join(out) + " " * (width - used)


def describe_reasons(rec: Recommendation) -> str:
    """A short human-readable line from a recommendation's machine-readable reasons."""
    parts: list[str] = []
    for reason in rec.reasons:
        if reason.get("kind") == "model":
            text = f"model {reason['model']}"
            if reason.get("fallback"):
                text += f" ({reason['fallback']})"
            parts.append(text)
        elif reason.get("kind") in ("because_of", "similar_to"):
            title = reason.get("title") or reason["item_id"]
            word = "because of" if reason["kind"] == "because_of" else "like"
            parts.append(f"{word} {title!s} [{reason['item_id']}]")
        elif reason.get("kind") == "constraint":
            value = reason["value"]
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            parts.append(f"{reason['field']} {reason['op']} {shown}")
        elif reason.get("kind") == "matched_terms":
            parts.append("matches " + " ".join(reason["terms"]))
        elif reason.get("kind") == "aspect":
            parts.append(f"{reason['field']} {reason['value']}")
    return "; ".join(parts)


def print_recommendations(rec: Recommender, recs: list[Recommendation], as_json: bool) -> None:
    """Print recommendations as a table with titles and reasons, or as JSON."""
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in recs], indent=2, ensure_ascii=False))
        return
    for rank, item in enumerate(recs, 1):
        meta = rec.store.get_item(item.item_id)
        title = meta.title if meta is not None and meta.title else ""
        typer.echo(f"{rank:>3}. {item.item_id:<12} {item.score:8.4f}  {padded(title, 48).rstrip()}")
        typer.echo(f"     why: {describe_reasons(item)}")


def fail(exc: SemrecError) -> NoReturn:
    """Print a semrec error as one line on stderr and exit with status 2."""
    print(f"error: {exc}", file=sys.stderr)
    raise SystemExit(2)
