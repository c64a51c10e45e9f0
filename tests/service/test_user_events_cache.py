"""A request reads its user's history from memory, kept current with every writer of the home."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import semrec

from .shop import ITEMS, T0, events


def _purchase(n: int, user: str, item: str) -> dict[str, object]:
    return {
        "event_id": f"late{n}", "user_id": user, "item_id": item,
        "type": "purchase", "timestamp": T0 + 10**6 + n,
    }  # fmt: skip


def _same(a: semrec.Recommender, user: str) -> bool:
    cached, stored = a._live.user_events(user), a.store.user_events(user)
    return all(
        np.array_equal(getattr(cached, f), getattr(stored, f), equal_nan=True)
        for f in ("user_idx", "item_idx", "type_codes", "values", "timestamps")
    )


def test_events_written_here_or_by_another_process_reach_the_cached_history(home: Path) -> None:
    with semrec.Recommender.open(home) as a, semrec.Recommender.open(home) as b:
        a.upsert_items(ITEMS)
        a.ingest(events())
        a.train()
        first = a.recommend("u1")[0].item_id  # u1's history is now cached in `a`
        b.ingest([_purchase(1, "u1", first)])  # another writer of the same home
        assert first not in [r.item_id for r in a.recommend("u1")]
        second = a.recommend("u1")[0].item_id
        a.ingest([_purchase(2, "u1", second)])  # this instance
        after = [r.item_id for r in a.recommend("u1")]
        assert first not in after and second not in after
        assert _same(a, "u1") and len(a._live.user_events("u1")) == 4 + 2


def test_forgetting_a_user_drops_their_cached_history(home: Path) -> None:
    with semrec.Recommender.open(home) as rec:
        rec.upsert_items(ITEMS)
        rec.ingest(events())
        rec.train()
        seen = {r.item_id for r in rec.recommend("u2", k=12, exclude_seen=False)}
        assert len(rec._live.user_events("u2")) == 4
        rec.forget_user("u2")
        assert len(rec._live.user_events("u2")) == 0
        assert rec.store.user_index("u2") == -1
        # served as a new user now: nothing of theirs is left to explain or exclude
        assert seen and all(
            r.reasons[0].get("fallback") == "no history" for r in rec.recommend("u2")
        )


def test_a_user_forgotten_by_another_process_is_forgotten_here_too(home: Path) -> None:
    with semrec.Recommender.open(home) as a, semrec.Recommender.open(home) as b:
        a.upsert_items(ITEMS)
        a.ingest(events())
        a.train()
        b.reload_snapshot()
        a.recommend("u2")
        assert len(a._live.user_events("u2")) == 4  # cached in `a`, live state built
        assert b.forget_user("u2") == 4  # the other writer forgets them
        recommended = a.recommend("u2")  # the first read here follows the forget
        assert len(a._live.user_events("u2")) == 0
        assert all(r.reasons[0].get("fallback") == "no history" for r in recommended)
        # the forgotten index may be given to a new user: `a` must not mix the two up
        a.ingest([_purchase(3, "newcomer", "g1")])
        assert a.store.user_index("u2") == -1
        new = a.store.user_events("newcomer")
        assert len(new) == 1 and len(a.store.user_events("u2")) == 0
        assert b.store.user_index("newcomer") == a.store.user_index("newcomer") >= 0
        assert len(b.store.user_events("newcomer")) == 1


def test_items_edited_by_another_process_are_seen_here(home: Path) -> None:
    with semrec.Recommender.open(home) as a, semrec.Recommender.open(home) as b:
        a.upsert_items(ITEMS)
        a.ingest(events())
        a.train()
        top = a.recommend("u1")[0].item_id
        b.delete_items([top])  # same item count: only the change log tells `a`
        assert top not in [r.item_id for r in a.recommend("u1", k=12, exclude_seen=False)]
        b.upsert_items([{**next(i for i in ITEMS if i["item_id"] == top), "price": 1.0}])
        back = {r.item_id for r in a.recommend("u1", k=12, exclude_seen=False)}
        assert top in back and a.get_item(top).price == 1.0


def test_an_event_after_the_newest_ones_were_forgotten_reaches_another_process(home: Path) -> None:
    with semrec.Recommender.open(home) as a, semrec.Recommender.open(home) as b:
        a.upsert_items(ITEMS)
        a.ingest(events())
        a.train()
        b.ingest([_purchase(4, "passer-by", "g1")])
        a.recommend("u1")  # `a` has now seen the passer-by's purchase, the newest event
        assert b.forget_user("passer-by") == 1
        b.ingest([_purchase(5, "u1", "g2")])  # numbered above the forgotten one, not reusing it
        a.recommend("u1")
        g2 = a.store.item_index(["g2"])[0]
        assert a._live.state().recent_items(a.store.user_index("u1")).tolist()[-1] == g2
