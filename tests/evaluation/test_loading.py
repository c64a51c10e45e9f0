"""Evaluation data comes through the real importers: MovieLens 1M in its exact format."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from semrec.evaluation.loading import load_dataset


def test_ml_1m_format_loads_with_genre_features(tmp_path: Path) -> None:
    folder = tmp_path / "ml-1m"
    folder.mkdir()
    (folder / "ratings.dat").write_text(
        "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n"
        "2::1::2::978299000\n3::73::5::978301000\n"
    )
    (folder / "movies.dat").write_bytes(
        "1::Toy Story (1995)::Animation|Children's|Comedy\n"
        "73::Misérables, Les (1995)::Drama|Musical\n"
        "661::James and the Giant Peach (1996)::Animation|Children's|Musical\n"
        "1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n".encode("latin-1")
    )
    data = load_dataset("ml-1m", folder)
    assert (len(data), data.n_users, data.n_items) == (5, 3, 4)
    assert np.all(np.diff(data.timestamps) >= 0)  # time order
    titles = dict(zip(data.item_ids, data.item_titles, strict=True))
    assert titles["73"] == "Misérables, Les (1995)"
    assert data.item_features is not None and data.item_categories is not None
    # "1" and "661" share the category Movies > Animation and the tag Children's.
    one, peach = data.item_ids.index("1"), data.item_ids.index("661")
    assert data.item_categories[one] == data.item_categories[peach]
    shared = data.item_features[one].multiply(data.item_features[peach]).sum()
    assert shared == 4  # cat:Movies, cat:Movies > Animation, tag:animation, tag:children's
    assert sorted(data.values.tolist()) == [2.0, 3.0, 4.0, 5.0, 5.0]
