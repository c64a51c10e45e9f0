"""Read item and event files, and named public data sets, into rows ready for validation.

The importers read; they never write. A caller (the CLI or the service) validates the rows
with `validated` and writes the records to the store inside one transaction, so an import is
all or nothing: the first invalid row raises `ImportFileError` (path, line, field) and the
transaction rolls back, unless the caller asked to skip invalid rows into a rejects file.

    rows = read_rows(path, "events", mapping={"user_id": "customer"})
    with RejectWriter(default_rejects_path(path)) as rejects:
        events = validated(rows, lambda r: validate_event(r, limits), str(path), True, rejects)
        write_in_one_transaction(events)  # the caller's store
"""

from semrec.importers._files import FORMATS, ProgressFn
from semrec.importers.amazon import parse_price
from semrec.importers.datasets import DATASETS, DatasetReader, read_dataset
from semrec.importers.formats import Row, read_rows
from semrec.importers.movielens import ML_100K_GENRES
from semrec.importers.sources import Dataset, RowsFn, Source
from semrec.importers.validate import RejectWriter, Validated, default_rejects_path, validated

__all__ = [
    "DATASETS",
    "FORMATS",
    "ML_100K_GENRES",
    "Dataset",
    "DatasetReader",
    "ProgressFn",
    "RejectWriter",
    "Row",
    "RowsFn",
    "Source",
    "Validated",
    "default_rejects_path",
    "parse_price",
    "read_dataset",
    "read_rows",
    "validated",
]
