"""`semrec serve --help` and `semrec keys create|list|revoke` through the command line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
from typer.testing import CliRunner

from semrec.api import create_app
from semrec.cli.main import app
from semrec.cli.serve import how_to_query
from semrec.data.errors import SettingsError
from semrec.service import Recommender
from semrec.store.api_keys import ApiKeyStore

from .live import running

runner = CliRunner()


def test_serve_has_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "semrec", "serve", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    for option in ("--home", "--host", "--port", "--no-auth", "--rate", "--burst", "--max-body"):
        assert option in result.stdout


def test_keys_create_prints_a_working_key_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    created = runner.invoke(app, ["keys", "create", "--scope", "read", "--home", str(home)])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert key.startswith("sr_")
    store = ApiKeyStore.open(home)
    try:
        record = store.authenticate(key)
        assert record is not None and record.scopes == {"read"}
        listed = runner.invoke(app, ["keys", "list", "--home", str(home)])
        assert record.key_id in listed.stdout and "active" in listed.stdout
        assert key not in listed.stdout
        revoked = runner.invoke(app, ["keys", "revoke", record.key_id, "--home", str(home)])
        assert revoked.exit_code == 0 and "revoked" in revoked.stdout
        assert store.authenticate(key) is None
    finally:
        store.close()


def test_keys_create_refuses_an_unknown_scope(tmp_path: Path) -> None:
    result = runner.invoke(app, ["keys", "create", "--scope", "god", "--home", str(tmp_path)])
    assert result.exit_code != 0
    assert "scope" in str(result.exception)


def test_serve_refuses_to_start_without_any_key(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--home", str(tmp_path / "home"), "--port", "1"])
    assert isinstance(result.exception, SettingsError)
    assert "--no-auth" in str(result.exception)


def test_serve_prints_how_to_query_it_with_real_ids(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Recommender.open(home, {"text": {"enabled": False}}) as rec:
        rec.ingest([{"user_id": "alice", "item_id": "sku-9", "type": "view", "timestamp": 1e9}])
        keyed = how_to_query(rec.store, "http://127.0.0.1:8000", home, auth=True)
        open_ = how_to_query(rec.store, "http://127.0.0.1:8000", home, auth=False)
        rec.train()
        with running(create_app(rec, keys=None)) as url:  # the printed event is accepted
            body = json.loads(re.findall(r"-d '([^']+)'", open_)[0])
            answer = httpx.post(f"{url}/events", json=body).json()
    assert answer["accepted"] == 1
    assert f"$KEY; make one with: semrec keys create --scope admin --home {home}" in keyed
    assert (
        'curl -H "Authorization: Bearer $KEY" '
        "'http://127.0.0.1:8000/users/alice/recommendations?k=5'" in keyed
    )
    assert "'http://127.0.0.1:8000/items/sku-9/similar?k=5'" in keyed
    assert "Bearer" not in open_ and "keys create" not in open_
    assert "curl 'http://127.0.0.1:8000/users/alice/recommendations?k=5'" in open_
