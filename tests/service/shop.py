"""A tiny hand-made shop whose co-purchase structure is obvious, for service tests."""

from __future__ import annotations

from typing import Any

T0 = 1_700_000_000

ITEMS: list[dict[str, Any]] = [
    {
        "item_id": f"g{i}",
        "title": f"Guitar {i}",
        "category": "Music > Guitars",
        "brand": "Yamaha" if i % 2 else "Fender",
        "price": 100.0 + 50 * i,
    }
    for i in range(6)
] + [
    {
        "item_id": f"b{i}",
        "title": f"Book {i}",
        "category": "Books > Fiction",
        "brand": "Penguin",
        "price": 10.0 + i,
    }
    for i in range(6)
]


def events() -> list[dict[str, Any]]:
    """Guitar people buy guitars, book people buy books; b0 is the most popular overall."""
    out: list[dict[str, Any]] = []
    for u in range(20):
        prefix = "g" if u < 10 else "b"
        for j in range(4):
            item = f"{prefix}{(u + j) % 6}"
            out.append(
                {
                    "user_id": f"u{u}",
                    "item_id": item,
                    "type": "purchase",
                    "timestamp": T0 + 100 * u + j,
                }
            )
    for u in range(20, 40):
        out.append({"user_id": f"u{u}", "item_id": "b0", "type": "view", "timestamp": T0 + u})
    return out
