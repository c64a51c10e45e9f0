"""`ServiceHandle.short`: short requests run on the event loop, never blocking it on the lock."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from semrec.api.handle import ServiceHandle
from semrec.service import Recommender


def test_a_free_lock_runs_the_read_on_the_loop_and_a_held_one_waits_off_it(
    tmp_path: Path,
) -> None:
    with Recommender.open(tmp_path / "home", {"text": {"enabled": False}}) as rec:
        handle = ServiceHandle(rec)

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


def test_a_write_waits_off_the_loop_while_another_process_holds_the_write_lock(
    tmp_path: Path,
) -> None:
    from semrec.store.home_lock import WRITE_LOCK, HomeLock

    with Recommender.open(tmp_path / "home", {"text": {"enabled": False}}) as rec:
        handle = ServiceHandle(rec)
        assert rec.home is not None

        async def scenario() -> None:
            loop_thread = threading.get_ident()
            assert await handle.write(lambda _: threading.get_ident()) == loop_thread
            importer = HomeLock(rec.home / WRITE_LOCK)  # another process's long write
            assert importer.acquire(wait=False)
            assert not importer.free() and not HomeLock(rec.home / WRITE_LOCK).free()

            def store_one(r: Recommender) -> int:
                r.ingest([{"user_id": "u1", "item_id": "i1", "type": "view", "timestamp": 1.7e9}])
                return threading.get_ident()

            waiting = asyncio.ensure_future(handle.write(store_one))
            for _ in range(5):
                await asyncio.sleep(0.01)  # the loop is free meanwhile
            assert not waiting.done()
            importer.release()
            assert await asyncio.wait_for(waiting, 10) != loop_thread
            assert rec.store.event_count() == 1

        asyncio.run(scenario())
