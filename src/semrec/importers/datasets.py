"""Named public data sets: a registry from name to a reader that lists the data set's files.

``read_dataset("ml-100k", Path("data/ml-100k"))`` returns a `Dataset` whose `items` and
`events` are `Source`s: a path and a function that reads the rows of that file, so that the
caller validates each file with its own path in error messages (see `validated`). Readers check
that the files exist at once; the rows are read only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final

from semrec.data.errors import ValidationError
from semrec.importers.amazon import amazon_2014, amazon_2018
from semrec.importers.movielens import ml_1m, ml_100k, ml_latest
from semrec.importers.sources import Dataset

__all__ = ["DATASETS", "DatasetReader", "read_dataset"]

#: Reads a data set from its folder (or, for Amazon, the reviews file) and optional metadata.
DatasetReader = Callable[[Path, Path | None], Dataset]

#: Data set name -> reader.
DATASETS: Final[Mapping[str, DatasetReader]] = MappingProxyType(
    {
        "ml-100k": ml_100k,
        "ml-1m": ml_1m,
        "ml-latest": ml_latest,
        "ml-latest-small": ml_latest,
        "amazon-2014": amazon_2014,
        "amazon-2018": amazon_2018,
    }
)


def read_dataset(name: str, path: Path, meta: Path | None = None) -> Dataset:
    """The files of the data set `name` at `path`, with `meta` as its item metadata file.

    Raises `ValidationError` for an unknown name or when `path` does not hold the data set.
    """
    reader = DATASETS.get(name)
    if reader is None:
        raise ValidationError("dataset", name, "one of " + ", ".join(DATASETS))
    return reader(Path(path), None if meta is None else Path(meta))
