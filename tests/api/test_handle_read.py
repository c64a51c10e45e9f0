"""`ServiceHandle.short`: short requests run on the event loop, never blocking it on the lock."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from semrec.api.handle import ServiceHandle
from semrec.service import Recommender


def _built(rec: Recommender) -> bool:
    with rec.catalog_built() as built:
        return built


def test_a_request_checks_the_catalog_once_and_the_next_request_checks_again(
    tmp_path: Path,
) -> None:
    from semrec.sample import generate

    data = generate(seed=4, n_items=40, n_users=10)
    home = tmp_path / "home"
    settings = {"text": {"enabled": False}}
    with Recommender.open(home, settings) as rec, Recommender.open(home, settings) as other:
        rec.upsert_items(data.items[:30])
        first = rec._catalog.view()
        with rec.catalog_built() as built:
            assert built
            other.upsert_items(data.items[30:])  # lands between the check and the read
            assert rec._catalog.view() is first  # the request's reads trust its one check
        second = rec._catalog.view()
        assert len(second) == 40  # the next read asks the store again
        with pytest.raises(RuntimeError), rec.catalog_built() as built:
            assert built
            raise RuntimeError("a failed request")
        other.upsert_items([{**data.items[0], "title": "renamed"}])
        assert rec._catalog.view() is not second  # a failed request left no trust behind
        assert rec.get_item(data.items[0]["item_id"]).title == "renamed"


def test_a_free_lock_runs_the_read_on_the_loop_and_a_held_one_waits_off_it(
    tmp_path: Path,
) -> None:
    with Recommender.open(tmp_path / "home", {"text": {"enabled": False}}) as rec:
        handle = ServiceHandle(rec)
        rec._catalog.view()  # built, as after the server's warm-up

        async def scenario() -> None:
            loop_thread = threading.get_ident()
            inline = await handle.short(lambda _: threading.get_ident())
            assert inline == loop_thread

            held, release = threading.Event(), threading.Event()

            def writer(_: Recommender) -> None:
                held.set()
                release.wait(10)

            holder = threading.Thread(target=handle.call, args=(writer,))
            holder.start()
            assert held.wait(10)
            waiting = asyncio.ensure_future(handle.short(lambda _: threading.get_ident()))
            # The loop stays free while the read waits for the lock: other work gets done.
            ticks = 0
            for _ in range(5):
                await asyncio.sleep(0.01)
                ticks += 1
            assert ticks == 5 and not waiting.done()
            release.set()
            assert await asyncio.wait_for(waiting, 10) != loop_thread
            holder.join(10)

        asyncio.run(scenario())


def test_a_write_waits_off_the_loop_and_off_the_lock_while_another_process_writes(
    tmp_path: Path,
) -> None:
    from semrec.store.home_lock import WRITE_LOCK, HomeLock

    event = {"user_id": "u1", "item_id": "i1", "type": "view", "timestamp": 1.7e9}
    with Recommender.open(tmp_path / "home", {"text": {"enabled": False}}) as rec:
        handle = ServiceHandle(rec)
        assert rec.home is not None

        async def scenario() -> None:
            loop_thread = threading.get_ident()
            first = await handle.ingest([event], skip_invalid=False, short=True)
            assert first.accepted == 1
            rec._catalog.view()  # (re)built with the item the event brought, as a read would
            importer = HomeLock(rec.home / WRITE_LOCK)  # another process's long write
            assert importer.acquire(wait=False)
            assert not importer.free() and not HomeLock(rec.home / WRITE_LOCK).free()

            second = {**event, "item_id": "i2"}
            waiting = asyncio.ensure_future(handle.ingest([second], skip_invalid=False, short=True))
            try:
                for _ in range(5):
                    await asyncio.sleep(0.01)  # the loop is free meanwhile
                assert not waiting.done()
                # ... and so is the handle's lock: reads are still answered on the loop
                assert await handle.short(lambda _: threading.get_ident()) == loop_thread
                assert rec.store.event_count() == 1
            finally:
                importer.release()
            report = await asyncio.wait_for(waiting, 10)
            assert report.accepted == 1 and rec.store.event_count() == 2
            # the next read sees the event stored from the other thread
            seen = await handle.short(lambda r: r.store.user_events("u1").item_idx.size)
            assert seen == 2

        asyncio.run(scenario())


def test_a_read_that_must_rebuild_the_catalog_runs_off_the_loop(tmp_path: Path) -> None:
    from semrec.sample import generate

    data = generate(seed=3, n_items=40, n_users=10)
    home = tmp_path / "home"
    with Recommender.open(home, {"text": {"enabled": False}}) as rec:
        rec.upsert_items(data.items[:30])
        rec.ingest(
            [e for e in data.events if e["item_id"] in {i["item_id"] for i in data.items[:30]}]
        )
        rec.train()
        handle = ServiceHandle(rec)

        def where(r: Recommender) -> int:
            r.recommend("u-new", k=3)
            return threading.get_ident()

        async def scenario() -> None:
            loop_thread = threading.get_ident()
            await handle.short(where)  # builds the catalog view if training did not
            assert _built(rec)
            assert await handle.short(where) == loop_thread
            # another process (here: another recommender on the home) edits the catalog
            with Recommender.open(home, {"text": {"enabled": False}}) as other:
                other.upsert_items(data.items[30:])
            assert not _built(rec)
            assert await handle.short(where) != loop_thread
            assert _built(rec) and len(rec._catalog.view()) == 40
            assert await handle.short(where) == loop_thread

        asyncio.run(scenario())
