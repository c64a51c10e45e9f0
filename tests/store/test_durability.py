"""An acknowledged event survives the process being killed right after `ingest` returns."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import semrec

WRITER = textwrap.dedent(
    """
    import os, sys, time
    import semrec
    r = semrec.Recommender.open(sys.argv[1])
    n = 0
    while True:
        batch = [{"user_id": f"u{n % 7}", "item_id": f"i{n % 11}", "type": "view",
                  "timestamp": 1_600_000_000 + n, "event_id": f"e{n}"}]
        report = r.ingest(batch)
        assert report.accepted == 1
        print(n, flush=True)
        n += 1
    """
)


def test_acknowledged_events_survive_sigkill(tmp_path: Path) -> None:
    home = tmp_path / "home"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(home)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    acknowledged = -1
    for line in proc.stdout:
        acknowledged = int(line)
        if acknowledged >= 300:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with semrec.Recommender.open(home) as rec:
        stored = rec.store.event_count()
    assert stored >= acknowledged + 1
