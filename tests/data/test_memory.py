"""`prefer_huge_pages` marks memory for transparent huge pages without changing it.

numpy already asks for huge pages for its own large arrays, so the memory here comes from
`mmap` (as a C++ library's would, from malloc): nothing else marks it.
"""

from __future__ import annotations

import mmap
import sys
from pathlib import Path

import faiss
import numpy as np
import pytest

from semrec.data.memory import HUGE_PAGE, prefer_huge_pages
from semrec.index.hnsw import HnswIndex

_THP = Path("/sys/kernel/mm/transparent_hugepage/enabled")
needs_madvise_mode = pytest.mark.skipif(
    not sys.platform.startswith("linux")
    or not _THP.exists()
    or "[madvise]" not in _THP.read_text(),
    reason="needs Linux transparent huge pages in madvise mode",
)


def _eligible(address: int) -> bool:
    """Whether the kernel may back the mapping holding `address` with huge pages."""
    inside = False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()[0]
        if "-" in head and not line[0].isupper():
            lo, hi = (int(x, 16) for x in head.split("-"))
            inside = lo <= address < hi
        elif inside and line.startswith("THPeligible:"):
            return line.split()[1] == "1"
    raise AssertionError(f"no mapping holds {address:#x}")


def test_small_arrays_are_left_alone() -> None:
    assert prefer_huge_pages(np.ones(1000)) is False


@needs_madvise_mode
def test_large_memory_becomes_eligible_and_keeps_its_contents() -> None:
    region = mmap.mmap(-1, 8 * HUGE_PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    values = np.frombuffer(region, dtype=np.float64)
    values[:] = np.arange(values.size)
    middle = values.ctypes.data + 4 * HUGE_PAGE
    assert not _eligible(middle)
    assert prefer_huge_pages(values) is True
    assert _eligible(middle)
    assert np.array_equal(values, np.arange(values.size))
    del values
    region.close()


@needs_madvise_mode
def test_a_loaded_hnsw_graph_asks_for_huge_pages() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((40_000, 32)).astype(np.float32)  # 5 MB of vectors
    built = HnswIndex(32, ef_construction=20)
    built.add(np.arange(vectors.shape[0]), vectors)
    loaded = HnswIndex.from_arrays(built.to_arrays())
    storage = faiss.downcast_index(loaded._index.storage)
    middle = faiss.rev_swig_ptr(storage.codes.data(), storage.codes.size()).ctypes.data
    assert _eligible(middle + storage.codes.size() // 2)
    assert loaded.search(vectors[7], 3)[0].tolist() == built.search(vectors[7], 3)[0].tolist()
