"""MovieLens readers on small files in the exact formats GroupLens ships."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from semrec.data import ImportFileError, Limits, ValidationError, validate_event, validate_item
from semrec.importers import DATASETS, Dataset, read_dataset

LIMITS = Limits()


def all_rows(dataset: Dataset) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    items = [row for source in dataset.items for _, row in source.rows()]
    events = [row for source in dataset.events for _, row in source.rows()]
    for row in items:
        validate_item(row, LIMITS)
    for row in events:
        validate_event(row, LIMITS)
    return items, events


def ml_100k_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "ml-100k"
    folder.mkdir()
    (folder / "u.data").write_text("196\t242\t3\t881250949\n186\t302\t3\t891717742\n")
    flags = ["0"] * 19
    drama_musical = flags.copy()
    drama_musical[8] = drama_musical[12] = "1"
    lines = [
        "242|Kolya (1996)|24-Jan-1997||http://us.imdb.com/M/title-exact?Kolya%20(1996)|"
        + "|".join([*flags[:5], "1", *flags[6:]]),
        "543|Misérables, Les (1995)|01-Jan-1995||http://imdb/Mis%E9rables|"
        + "|".join(drama_musical),
        "267|unknown||||" + "|".join(["1", *flags[1:]]),
    ]
    (folder / "u.item").write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    return folder


def test_ml_100k(tmp_path: Path) -> None:
    items, events = all_rows(read_dataset("ml-100k", ml_100k_folder(tmp_path)))
    assert events[0] == {"user_id": "196", "item_id": "242", "type": "rate", "value": "3",
                         "timestamp": "881250949"}  # fmt: skip
    assert items[0]["category"] == ["Movies", "Comedy"] and items[0]["tags"] == ["Comedy"]
    assert items[0]["attributes"]["release_date"] == "24-Jan-1997"
    assert items[1]["title"] == "Misérables, Les (1995)"
    assert items[1]["tags"] == ["Drama", "Musical"]
    assert items[2] == {"item_id": "267", "title": "unknown", "tags": ["unknown"],
                        "category": ["Movies"]}  # fmt: skip


def test_ml_100k_bad_line_names_file_and_line(tmp_path: Path) -> None:
    folder = ml_100k_folder(tmp_path)
    (folder / "u.data").write_text("196\t242\t3\t881250949\n\n186 302 3 891717742\n")
    source = read_dataset("ml-100k", folder).events[0]
    with pytest.raises(ImportFileError) as info:
        list(source.rows())
    assert (info.value.path, info.value.line) == (str(folder / "u.data"), 3)


def test_ml_1m(tmp_path: Path) -> None:
    folder = tmp_path / "ml-1m"
    folder.mkdir()
    (folder / "ratings.dat").write_text("1::1193::5::978300760\n1::661::3::978302109\n")
    (folder / "movies.dat").write_bytes(
        "1::Toy Story (1995)::Animation|Children's|Comedy\n"
        "73::Misérables, Les (1995)::Drama|Musical\n".encode("latin-1")
    )
    items, events = all_rows(read_dataset("ml-1m", folder))
    assert [e["value"] for e in events] == ["5", "3"]
    assert items[0]["category"] == ["Movies", "Animation"]
    assert items[0]["tags"] == ["Animation", "Children's", "Comedy"]
    assert items[1]["title"] == "Misérables, Les (1995)"


def test_ml_latest(tmp_path: Path) -> None:
    folder = tmp_path / "ml-latest-small"
    folder.mkdir()
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,1,4.0,964982703\n")
    (folder / "movies.csv").write_text(
        "movieId,title,genres\n"
        '11,"American President, The (1995)",Comedy|Drama|Romance\n'
        "182727,A Christmas Story Live! (2017),(no genres listed)\n"
    )
    (folder / "tags.csv").write_text("userId,movieId,tag,timestamp\n2,60756,funny,1445714994\n")
    dataset = read_dataset("ml-latest-small", folder)
    assert [s.path.name for s in dataset.events] == ["ratings.csv", "tags.csv"]
    items, events = all_rows(dataset)
    assert items[0]["title"] == "American President, The (1995)"
    assert items[0]["category"] == ["Movies", "Comedy"]
    assert items[1] == {"item_id": "182727", "title": "A Christmas Story Live! (2017)",
                        "tags": [], "category": ["Movies"]}  # fmt: skip
    assert events[1] == {"user_id": "2", "item_id": "60756", "type": "review", "text": "funny",
                         "timestamp": "1445714994"}  # fmt: skip
    assert validate_event(events[1], LIMITS).value is None


def test_ml_latest_csv_without_an_expected_column(tmp_path: Path) -> None:
    (tmp_path / "ratings.csv").write_text("user,movieId,rating,timestamp\n1,1,4.0,964982703\n")
    (tmp_path / "movies.csv").write_text("movieId,title,genres\n")
    with pytest.raises(ImportFileError) as info:
        list(read_dataset("ml-latest", tmp_path).events[0].rows())
    assert (info.value.line, info.value.field) == (1, "userId")


def test_registry_errors(tmp_path: Path) -> None:
    assert {"ml-100k", "ml-1m", "ml-latest", "amazon-2014", "amazon-2018"} <= set(DATASETS)
    with pytest.raises(ValidationError) as info:
        read_dataset("netflix", tmp_path)
    assert info.value.field == "dataset" and "ml-100k" in info.value.expected
    with pytest.raises(ValidationError, match=r"u\.data"):
        read_dataset("ml-100k", tmp_path)
    with pytest.raises(ValidationError, match="meta"):
        read_dataset("ml-100k", ml_100k_folder(tmp_path), meta=tmp_path / "meta.json")
