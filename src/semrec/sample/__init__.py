"""A deterministic generator of a realistic small shop (catalog, users, events)."""

from __future__ import annotations

from semrec.sample.files import SamplePaths, write_sample
from semrec.sample.generator import SampleData, generate

__all__ = ["SampleData", "SamplePaths", "generate", "write_sample"]
