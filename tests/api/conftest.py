"""Fixtures: one real uvicorn server on a free loopback port, serving a trained sample shop."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from semrec.api import create_app
from semrec.sample import generate
from semrec.service import Recommender
from semrec.store.api_keys import ApiKeyStore

from .live import MAX_BODY, SETTINGS, Shop, running, wait_ready


@pytest.fixture(scope="session")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """One trained home served for the whole session, with admin, ingest, read, revoked keys."""
    home = tmp_path_factory.mktemp("api") / "home"
    data = generate(seed=11, n_items=150, n_users=120)
    with Recommender.open(home, SETTINGS) as rec:
        rec.upsert_items(data.items)
        rec.ingest(data.events)
        rec.train()
        keys = ApiKeyStore.open(home)
        made = {role: keys.create([role], name=role) for role in ("admin", "ingest", "read")}
        made["revoked"] = keys.create(["admin"], name="revoked")
        keys.revoke(made["revoked"][1].key_id)
        app = create_app(rec, keys=keys, rate=1000.0, burst=1000, max_body=MAX_BODY)
        with running(app) as url:
            wait_ready(url)
            yield Shop(
                url,
                home,
                data,
                {role: key for role, (key, _) in made.items()},
                {role: record.key_id for role, (_, record) in made.items()},
            )
        keys.close()


@pytest.fixture
def admin(shop: Shop) -> Iterator[httpx.Client]:
    """A client with the admin key."""
    with shop.client("admin") as client:
        yield client


@pytest.fixture
def reader(shop: Shop) -> Iterator[httpx.Client]:
    """A client with the read key."""
    with shop.client("read") as client:
        yield client


@pytest.fixture
def writer(shop: Shop) -> Iterator[httpx.Client]:
    """A client with the ingest key."""
    with shop.client("ingest") as client:
        yield client
