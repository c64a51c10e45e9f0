"""Shared fixtures: where the public data sets are, and a fresh semrec home."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import semrec

# Unit tests embed text with the deterministic hashing encoder (fast, no model to load);
# tests of the real bundled models ask for them by name.
os.environ.setdefault("SEMREC_TEXT__ENCODER", "hashing")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_dataset(name: str, needs: str = "") -> Path:
    """The folder of a public data set under ../shared/data, or skip the test when absent.

    `needs` names a file that must be in the folder too.
    """
    path = SHARED_DATA / name
    if not (path / needs).exists():
        pytest.skip(f"public data set {name} is not on this machine ({path / needs})")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Callable[..., Path]:
    """`shared_data(name, needs="")`: a data set's folder; skips the test when it is absent."""
    return shared_dataset


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty semrec home directory."""
    return tmp_path / "home"


@pytest.fixture
def rec(home: Path) -> Iterator[semrec.Recommender]:
    """A Recommender on a real SQLite file in a fresh home."""
    with semrec.Recommender.open(home) as opened:
        yield opened
