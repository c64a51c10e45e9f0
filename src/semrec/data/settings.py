"""One typed settings tree: defaults in code, an optional TOML file, `SEMREC_*` overrides.

Environment variables name a section and a key joined by a double underscore, e.g.
``SEMREC_TRAIN__SERVE_MODEL=als`` or ``SEMREC_VALIDATION__RATING_MAX=10``.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from semrec.data.errors import SettingsError
from semrec.data.validation import Limits

__all__ = [
    "ENCODER_NAMES",
    "SETTINGS_FILE",
    "ModelSettings",
    "RemoteEncoderSettings",
    "ServeSettings",
    "Settings",
    "TextSettings",
    "load_settings",
]

SETTINGS_FILE = "semrec.toml"
MODEL_NAMES = ("popularity", "itemknn", "ease", "als", "bpr")
_FROZEN = ConfigDict(extra="forbid", frozen=True)


class ValidationSettings(BaseModel):
    """Limits applied to every item and event that enters the system."""

    model_config = _FROZEN
    max_id_length: int = Field(256, ge=1, le=4096)
    max_text_bytes: int = Field(65536, ge=1)
    rating_min: float = 0.0
    rating_max: float = 5.0

    @model_validator(mode="after")
    def _ratings_ordered(self) -> ValidationSettings:
        if self.rating_min >= self.rating_max:
            raise ValueError("rating_min must be below rating_max")
        return self

    def limits(self) -> Limits:
        """The validation limits these settings describe."""
        return Limits(self.max_id_length, self.max_text_bytes, self.rating_min, self.rating_max)


class WeightSettings(BaseModel):
    """How much each event type counts in the interaction matrix (ratings are scaled)."""

    model_config = _FROZEN
    view: float = 1.0
    click: float = 2.0
    add_to_cart: float = 4.0
    purchase: float = 8.0
    rate: float = 5.0
    review: float = 5.0
    search: float = 0.0
    skip: float = 0.0
    half_life_days: float | None = Field(None, gt=0)


class ModelSettings(BaseModel):
    """Hyper-parameters of the models `train()` fits."""

    model_config = _FROZEN
    als: dict[str, Any] = Field(default_factory=lambda: {"factors": 64, "iterations": 15})
    bpr: dict[str, Any] = Field(default_factory=dict)
    ease: dict[str, Any] = Field(default_factory=lambda: {"l2": 2000.0})
    itemknn: dict[str, Any] = Field(default_factory=lambda: {"neighbors": 100})
    popularity: dict[str, Any] = Field(default_factory=dict)


class TrainSettings(BaseModel):
    """Which models `train()` fits and which one answers `recommend()`."""

    model_config = _FROZEN
    models: tuple[Literal["popularity", "itemknn", "ease", "als", "bpr"], ...] = (
        "popularity",
        "itemknn",
        "ease",
        "als",
    )
    serve_model: Literal["auto", "popularity", "itemknn", "ease", "als", "bpr"] = "auto"
    ease_max_items: int = Field(20000, ge=1)
    keep_snapshots: int = Field(3, ge=1)

    @model_validator(mode="after")
    def _serves_a_trained_model(self) -> TrainSettings:
        if "popularity" not in self.models:
            raise ValueError("models must include 'popularity' (the fallback for unknown users)")
        if self.serve_model != "auto" and self.serve_model not in self.models:
            raise ValueError(f"serve_model {self.serve_model!r} is not in models")
        return self


class ServeSettings(BaseModel):
    """Background work of `semrec serve`: when to retrain, how often to look at the store.

    Scheduled training is off by default; a server still serves snapshots that `semrec train`
    or `semrec rollback` chose in another process, looking every `check_interval_s` seconds.
    """

    model_config = _FROZEN
    #: Train every this many seconds (None: no timed training).
    train_interval_s: float | None = Field(None, gt=0)
    #: Train once this many new events were appended to the log, by anyone (None: never).
    train_every_events: int | None = Field(None, ge=1)
    #: Seconds between looks at the clock and at the store's served snapshot.
    check_interval_s: float = Field(2.0, gt=0)
    #: From this many catalog items on, a request fuses and re-ranks a candidate pool (each
    #: source's best `candidate_depth` items) instead of the whole catalog, and training also
    #: builds an HNSW index over the serving model's item factors for the CF candidates.
    candidates_above: int = Field(100_000, ge=0)
    #: How many of its best items each source adds to the candidate pool.
    candidate_depth: int = Field(100, ge=10, le=10_000)


class StoreSettings(BaseModel):
    """Where and how data is kept."""

    model_config = _FROZEN
    synchronous: Literal["normal", "full"] = "normal"
    batch_size: int = Field(10000, ge=1)


ENCODER_NAMES = ("usem", "minilm-onnx", "minilm-torch", "hashing", "remote")
EncoderName = Literal["usem", "minilm-onnx", "minilm-torch", "hashing", "remote"]


class RemoteEncoderSettings(BaseModel):
    """An OpenAI-compatible `/v1/embeddings` endpoint (Ollama, vLLM, llama.cpp, hosted APIs)."""

    model_config = _FROZEN
    url: str = "http://127.0.0.1:11434/v1"
    model: str = "nomic-embed-text"
    api_key_env: str = "SEMREC_EMBEDDINGS_API_KEY"
    timeout_s: float = Field(10.0, gt=0)
    retries: int = Field(3, ge=0, le=10)
    backoff_s: float = Field(0.5, ge=0)
    batch_size: int = Field(64, ge=1, le=4096)
    fallback: Literal["usem", "minilm-onnx", "minilm-torch", "hashing"] | None = None


#: The candidate sources `recommend` fuses, and their weights before any tuning.
DEFAULT_SOURCE_WEIGHTS: dict[str, float] = {
    "cf": 1.0,
    "covisitation": 0.5,
    "sequence": 0.5,
    "trending": 0.1,
    "popular": 0.1,
    "semantic": 1.0,
    "query": 2.0,
}


SourceName = Literal["cf", "covisitation", "sequence", "trending", "popular", "semantic", "query"]
SOURCE_NAMES: tuple[SourceName, ...] = (
    "cf", "covisitation", "sequence", "trending", "popular", "semantic", "query",
)  # fmt: skip


class RankSettings(BaseModel):
    """How `recommend` fuses its candidate sources into one ranking.

    `fusion` "auto" serves whichever of the weighted blend, reciprocal-rank fusion and the
    learned ranker (LambdaRank over per-candidate features; "ranker") scores better on a
    validation replay of the newest events at training time; with `tune` the blend's weights
    (and the ranker) are learned on that replay too (else `weights` are used as given, and
    "ranker" blends).
    """

    model_config = _FROZEN
    fusion: Literal["auto", "blend", "rrf", "ranker"] = "auto"
    #: The sources `recommend` may use (drop some to serve without them, e.g. for ablations).
    sources: tuple[SourceName, ...] = SOURCE_NAMES
    tune: bool = True
    #: Replayed requests used to tune (more: steadier weights, slower training).
    tune_requests: int = Field(600, ge=10)
    #: Below this many replayable requests the weights are not tuned.
    tune_min_requests: int = Field(50, ge=1)
    weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_SOURCE_WEIGHTS))
    #: Business rules applied to every request, e.g. "bury 0.5: brand == 'X'" (see docs).
    rules: tuple[str, ...] = ()
    #: 0 (off) to 1: how far maximal marginal relevance trades relevance for variety.
    diversity: float = Field(0.0, ge=0.0, le=1.0)
    #: At most this many items of one category in a list (None: no cap).
    category_cap: int | None = Field(None, ge=1)
    objective: Literal["relevance", "revenue", "margin"] = "relevance"
    #: How much item value counts against relevance for "revenue" and "margin".
    objective_weight: float = Field(1.0, ge=0.0)

    @model_validator(mode="before")
    @classmethod
    def _merge_weights(cls, data: Any) -> Any:
        """Weights given for some sources keep the defaults of the others."""
        if isinstance(data, Mapping) and isinstance(data.get("weights"), Mapping):
            data = {**data, "weights": {**DEFAULT_SOURCE_WEIGHTS, **data["weights"]}}
        return data

    @model_validator(mode="after")
    def _known_sources(self) -> RankSettings:
        for name, weight in self.weights.items():
            if name not in DEFAULT_SOURCE_WEIGHTS:
                raise ValueError(
                    f"rank.weights has unknown source {name!r}; known: "
                    + ", ".join(DEFAULT_SOURCE_WEIGHTS)
                )
            if not weight >= 0:
                raise ValueError(f"rank.weights.{name} must be >= 0, got {weight}")
        return self


class TextSettings(BaseModel):
    """Language understanding: which encoder embeds item text, queries and user text."""

    model_config = _FROZEN
    enabled: bool = True
    encoder: EncoderName = "usem"
    hashing_dim: int = Field(256, ge=8, le=8192)
    batch_size: int = Field(64, ge=1, le=4096)
    #: History size (distinct items) at which CF and language weigh the same in `recommend`.
    history_half: float = Field(2.0, ge=0)
    remote: RemoteEncoderSettings = Field(default_factory=RemoteEncoderSettings)


class Settings(BaseModel):
    """Every setting of semrec, validated at start-up; unknown keys are refused."""

    model_config = _FROZEN
    validation: ValidationSettings = Field(default_factory=ValidationSettings)
    weights: WeightSettings = Field(default_factory=WeightSettings)
    train: TrainSettings = Field(default_factory=TrainSettings)
    models: ModelSettings = Field(default_factory=ModelSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)
    text: TextSettings = Field(default_factory=TextSettings)
    rank: RankSettings = Field(default_factory=RankSettings)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Settings:
        """Settings from a nested mapping; a bad key or value raises `SettingsError`."""
        try:
            return cls.model_validate(dict(data))
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "settings"
            raise SettingsError(field, first.get("input"), first["msg"]) from None


def _env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith("SEMREC_") or "__" not in key:
            continue
        section, _, name = key[len("SEMREC_") :].lower().partition("__")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        tree.setdefault(section, {})[name] = value
    return tree


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_settings(
    home: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Defaults, then `<home>/semrec.toml`, then `SEMREC_*` variables, then `overrides`."""
    tree: dict[str, Any] = {}
    path = home / SETTINGS_FILE if home is not None else None
    if path is not None and path.is_file():
        try:
            tree = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(str(path), "<file>", f"valid TOML ({exc})") from None
    tree = _merge(tree, _env_overrides(os.environ if environ is None else environ))
    tree = _merge(tree, overrides or {})
    return Settings.from_mapping(tree)
