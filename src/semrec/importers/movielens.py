"""MovieLens data sets (GroupLens): ml-100k, ml-1m and ml-latest / ml-latest-small.

Ratings become ``rate`` events with the rating as `value`. Movies become items with the title,
the category ``["Movies", <first genre>]`` (the placeholders "unknown" and "(no genres
listed)" are not used as a category) and every listed genre as a tag. ml-latest tags
(``tags.csv``) become ``review`` events with the tag as `text` and no rating: a tag is a short
opinion a user wrote about a movie, which is what a review event carries.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Final

from semrec.data.errors import ImportFileError, ValidationError
from semrec.importers._files import ProgressFn, text_lines
from semrec.importers.formats import csv_rows
from semrec.importers.sources import Dataset, Source, need_file, split_line

__all__ = ["ML_100K_GENRES", "ml_1m", "ml_100k", "ml_latest"]

#: The genre flags of ml-100k's u.item, in the order of u.genre.
ML_100K_GENRES: Final = (
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
    "Sci-Fi", "Thriller", "War", "Western",
)  # fmt: skip
_NO_GENRE: Final = frozenset(("unknown", "(no genres listed)"))

Rows = Iterator[tuple[int, dict[str, Any]]]


def _no_meta(meta: Path | None, name: str) -> None:
    if meta is not None:
        raise ValidationError("meta", str(meta), f"no metadata file: {name} holds its own movies")


def _movie(item_id: str, title: str, genres: Sequence[str]) -> dict[str, Any]:
    tags = [g for g in genres if g != "(no genres listed)"]
    first = next((g for g in tags if g not in _NO_GENRE), None)
    row: dict[str, Any] = {"item_id": item_id, "title": title, "tags": tags}
    row["category"] = ["Movies", first] if first else ["Movies"]
    return row


def _rating(user: str, item: str, rating: str, stamp: str) -> dict[str, Any]:
    return {"user_id": user, "item_id": item, "type": "rate", "value": rating, "timestamp": stamp}


def _delimited(
    path: Path, sep: str, width: int, encoding: str, on_progress: ProgressFn | None
) -> Iterator[tuple[int, list[str]]]:
    for number, line in text_lines(path, encoding, on_progress):
        if line:
            yield number, split_line(path, number, line, sep, width)


def ml_100k(path: Path, meta: Path | None = None) -> Dataset:
    """ml-100k folder: ``u.data`` (tab-separated ratings) and ``u.item`` (latin-1 movies)."""
    _no_meta(meta, "ml-100k")
    ratings = need_file(path, "u.data", "ml-100k")
    movies = need_file(path, "u.item", "ml-100k")
    return Dataset(
        items=[Source(movies, partial(_ml_100k_movies, movies))],
        events=[Source(ratings, partial(_ml_100k_ratings, ratings))],
    )


def _ml_100k_ratings(path: Path, on_progress: ProgressFn | None = None) -> Rows:
    for number, cells in _delimited(path, "\t", 4, "utf-8", on_progress):
        yield number, _rating(*cells)


def _ml_100k_movies(path: Path, on_progress: ProgressFn | None = None) -> Rows:
    width = 5 + len(ML_100K_GENRES)
    for number, cells in _delimited(path, "|", width, "latin-1", on_progress):
        genres = [name for name, flag in zip(ML_100K_GENRES, cells[5:], strict=True) if flag == "1"]
        row = _movie(cells[0], cells[1], genres)
        names = ("release_date", "video_release_date", "imdb_url")
        attributes = {name: value for name, value in zip(names, cells[2:5], strict=True) if value}
        if attributes:
            row["attributes"] = attributes
        yield number, row


def ml_1m(path: Path, meta: Path | None = None) -> Dataset:
    """ml-1m folder: ``ratings.dat`` and ``movies.dat`` (latin-1), fields separated by "::"."""
    _no_meta(meta, "ml-1m")
    ratings = need_file(path, "ratings.dat", "ml-1m")
    movies = need_file(path, "movies.dat", "ml-1m")
    return Dataset(
        items=[Source(movies, partial(_ml_1m_movies, movies))],
        events=[Source(ratings, partial(_ml_1m_ratings, ratings))],
    )


def _ml_1m_ratings(path: Path, on_progress: ProgressFn | None = None) -> Rows:
    for number, cells in _delimited(path, "::", 4, "utf-8", on_progress):
        yield number, _rating(*cells)


def _ml_1m_movies(path: Path, on_progress: ProgressFn | None = None) -> Rows:
    for number, (item_id, title, genres) in _delimited(path, "::", 3, "latin-1", on_progress):
        yield number, _movie(item_id, title, genres.split("|") if genres else [])


def ml_latest(path: Path, meta: Path | None = None) -> Dataset:
    """ml-latest or ml-latest-small folder: ``ratings.csv``, ``movies.csv`` and ``tags.csv``.

    ``tags.csv`` is optional; its tags become ``review`` events with the tag as text.
    """
    _no_meta(meta, "ml-latest")
    ratings = need_file(path, "ratings.csv", "ml-latest")
    movies = need_file(path, "movies.csv", "ml-latest")
    events = [Source(ratings, partial(_ml_latest_ratings, ratings))]
    tags = path / "tags.csv"
    if tags.is_file():
        events.append(Source(tags, partial(_ml_latest_tags, tags)))
    return Dataset(items=[Source(movies, partial(_ml_latest_movies, movies))], events=events)


def _columns(
    path: Path, names: Sequence[str], on_progress: ProgressFn | None
) -> Iterator[tuple[int, list[str]]]:
    """The cells of the `names` columns of each row of a CSV file with a header."""
    rows = csv_rows(path, on_progress)
    _, header = next(rows, (1, []))
    for name in names:
        if name not in header:
            raise ImportFileError(str(path), 1, name, header, f"a header with column {name!r}")
    where = [header.index(name) for name in names]
    for number, cells in rows:
        yield number, [cells[i] for i in where]


def _ml_latest_ratings(path: Path, on_progress: ProgressFn | None = None) -> Rows:
    names = ("userId", "movieId", "rating", "timestamp")
    for number, cells in _columns(path, names, on_progress):
        yield number, _rating(*cells)


def _ml_latest_tags(path: Path, on_progress: ProgressFn | None = None) -> Rows:
    names = ("userId", "movieId", "tag", "timestamp")
    for number, (user, item, tag, stamp) in _columns(path, names, on_progress):
        yield number, {
            "user_id": user, "item_id": item, "type": "review", "text": tag, "timestamp": stamp,
        }  # fmt: skip


def _ml_latest_movies(path: Path, on_progress: ProgressFn | None = None) -> Rows:
    names = ("movieId", "title", "genres")
    for number, (item_id, title, genres) in _columns(path, names, on_progress):
        yield number, _movie(item_id, title, genres.split("|") if genres else [])
