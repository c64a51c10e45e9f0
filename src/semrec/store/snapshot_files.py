"""Model snapshots on disk: one folder per version, arrays in .npz (no pickle), a checksum."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from semrec.data.errors import StoreError

__all__ = [
    "publish_snapshot_folder",
    "read_snapshot_arrays",
    "remove_snapshot",
    "stage_snapshot_folder",
]

_MANIFEST = "manifest.json"


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stage_snapshot_folder(root: Path, arrays: Mapping[str, Mapping[str, npt.NDArray[Any]]]) -> Path:
    """Write the arrays and their checksums into a new private folder under `root`.

    The folder's name starts with a dot, so it is never taken for a version; publish it with
    `publish_snapshot_folder` once its version is known.
    """
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    tmp.chmod(0o755)
    sums: dict[str, str] = {}
    for name, group in arrays.items():
        target = tmp / f"{name}.npz"
        save: Any = np.savez  # numpy's stub cannot type **arrays beside allow_pickle
        save(target, allow_pickle=False, **{k: np.asarray(v) for k, v in group.items()})
        sums[name] = _digest(target)
    (tmp / _MANIFEST).write_text(json.dumps({"sha256": sums}), encoding="utf-8")
    return tmp


def publish_snapshot_folder(staged: Path, root: Path, version: int) -> Path:
    """Rename a staged folder to `<root>/v<version>/` (replacing a leftover of a crash)."""
    final = root / f"v{version:06d}"
    shutil.rmtree(final, ignore_errors=True)
    os.replace(staged, final)
    return final


def read_snapshot_arrays(folder: Path) -> dict[str, dict[str, npt.NDArray[Any]]]:
    """Read every model's arrays back, refusing files whose checksum does not match."""
    try:
        manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"snapshot {folder} is unreadable: {exc}") from exc
    out: dict[str, dict[str, npt.NDArray[Any]]] = {}
    for name, expected in manifest["sha256"].items():
        path = folder / f"{name}.npz"
        if _digest(path) != expected:
            raise StoreError(f"snapshot file {path} is corrupt (checksum mismatch)")
        with np.load(path, allow_pickle=False) as data:
            out[name] = {key: data[key] for key in data.files}
    return out


def remove_snapshot(folder: Path) -> None:
    """Delete a snapshot folder (old versions beyond the kept number)."""
    shutil.rmtree(folder, ignore_errors=True)
