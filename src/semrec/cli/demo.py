"""The end of `make demo`: show a few sample users' recommendations with their reasons."""

from __future__ import annotations

import argparse
from pathlib import Path

from semrec.cli.output import describe_reasons, padded
from semrec.service import Recommender

DEMO_QUERIES = (
    "a light phone with a great camera, not Apple, under 500",
    "不要苹果的拍照手机，五百以内",
    "cheapest wireless headphones",
)


def _show(rec: Recommender, user_id: str) -> None:
    history = rec.store.user_events(user_id)
    print(f"\n== {user_id}: {len(history)} events ==")
    for item in rec.recommend(user_id, k=5):
        meta = rec.store.get_item(item.item_id)
        title = meta.title if meta is not None else item.item_id
        print(f"  {padded(title, 50)}  {describe_reasons(item)}")


def main() -> None:
    """Pick a heavy, a light and an unknown user and print their top 5."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, required=True)
    args = parser.parse_args()
    with Recommender.open(args.home) as rec:
        counts: dict[str, int] = {}
        for user_id in rec.store.user_ids():
            if user_id:
                counts[user_id] = len(rec.store.user_events(user_id))
        ranked = sorted(counts, key=lambda u: (-counts[u], u))
        for user_id in (ranked[0], ranked[len(ranked) // 2], "a-brand-new-visitor"):
            _show(rec, user_id)
        first = next(rec.store.iter_items())
        print(f"\n== similar to {padded(first.title, 50).rstrip()} ==")
        for item in rec.similar(first.item_id, k=5):
            meta = rec.store.get_item(item.item_id)
            print(f"  {padded(meta.title if meta else item.item_id, 50)}  {describe_reasons(item)}")
        for query in DEMO_QUERIES:
            print(f"\n== search: {query} ==")
            for item in rec.search(query, k=3):
                meta = rec.store.get_item(item.item_id)
                title = meta.title if meta else item.item_id
                print(f"  {padded(title, 50)}  {describe_reasons(item)}")
        print(f"\nTry: semrec recommend {ranked[0]} --home {args.home}")
        print(f'     semrec search "red running shoes under 100, not Nike" --home {args.home}')


if __name__ == "__main__":
    main()
