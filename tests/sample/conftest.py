"""Shared fixtures: one default-sized sample shop per test session."""

from __future__ import annotations

from typing import Any

import pytest

from semrec.sample import SampleData, generate


@pytest.fixture(scope="session")
def sample() -> SampleData:
    """The default sample shop (seed 42, 2000 items, 1000 users)."""
    return generate()


@pytest.fixture(scope="session")
def items_by_id(sample: SampleData) -> dict[str, dict[str, Any]]:
    """Items of the default sample keyed by id."""
    return {item["item_id"]: item for item in sample.items}
