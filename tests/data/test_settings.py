"""Settings: defaults, TOML file, SEMREC_* overrides, unknown keys and cross-field checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from semrec.data.errors import SettingsError
from semrec.data.settings import SETTINGS_FILE, load_settings


def test_defaults_without_file_or_environment() -> None:
    settings = load_settings(None, environ={})
    assert settings.train.serve_model == "auto"
    assert settings.validation.rating_max == 5.0


def test_file_then_environment_then_overrides(tmp_path: Path) -> None:
    (tmp_path / SETTINGS_FILE).write_text(
        '[train]\nmodels = ["popularity", "als"]\n[validation]\nrating_max = 10\n'
    )
    env = {"SEMREC_VALIDATION__RATING_MAX": "7", "SEMREC_STORE__BATCH_SIZE": "50"}
    settings = load_settings(tmp_path, {"store": {"batch_size": 20}}, environ=env)
    assert settings.train.models == ("popularity", "als")
    assert settings.validation.rating_max == 7
    assert settings.store.batch_size == 20


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"trian": {}}, "trian"),
        ({"train": {"serve_model": "magic"}}, "train.serve_model"),
        ({"train": {"models": ["popularity"], "serve_model": "ease"}}, "train"),
        ({"train": {"models": ["ease"]}}, "train"),
        ({"validation": {"rating_min": 5, "rating_max": 1}}, "validation"),
        ({"store": {"batch_size": 0}}, "store.batch_size"),
    ],
)
def test_bad_settings_are_refused_at_start(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(None, overrides, environ={})
    assert info.value.field == field


def test_a_broken_file_names_itself(tmp_path: Path) -> None:
    (tmp_path / SETTINGS_FILE).write_text("[train\n")
    with pytest.raises(SettingsError, match=SETTINGS_FILE):
        load_settings(tmp_path, environ={})
