"""One evaluation run: systems (semrec's and the peers'), tuned alike, over several protocols."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from semrec.data.errors import ValidationError
from semrec.evaluation.experiment import run_static
from semrec.evaluation.protocols import protocol
from semrec.evaluation.replay import run_replay
from semrec.evaluation.semrec_system import ABLATIONS, SEMREC_CONFIGS, SemrecSystem
from semrec.evaluation.systems import PEERS, tune
from semrec.evaluation.systems.base import EvalData, System

__all__ = ["DEFAULT_SYSTEMS", "SYSTEM_NAMES", "run_evaluation"]

Factory = Callable[..., System]
#: semrec configurations get the same grids as the peers that share their algorithm
#: (as settings paths); the default configuration "semrec" is not tuned.
_SEMREC_GRIDS: Mapping[str, Mapping[str, Sequence[Any]]] = {
    "semrec-ease": {"models.ease.l2": [200.0, 500.0, 1000.0, 2000.0, 5000.0]},
    "semrec-als": {
        "models.als.factors": [32, 64, 128],
        "models.als.regularization": [3.0, 10.0, 30.0],
        "models.als.alpha": [0.1, 0.3, 1.0],
    },
    "semrec-itemknn": {"models.itemknn.neighbors": [50, 100, 200, 400]},
}
SYSTEM_NAMES = (*PEERS, *SEMREC_CONFIGS, *ABLATIONS)
DEFAULT_SYSTEMS = (*PEERS, *SEMREC_CONFIGS)
_CONFIGS = {**SEMREC_CONFIGS, **ABLATIONS}


def _semrec_factory(name: str) -> Factory:
    def make(**params: Any) -> System:
        settings: dict[str, Any] = {k: dict(v) for k, v in _CONFIGS[name].items()}
        for path, value in params.items():
            section, model, key = path.split(".")
            settings.setdefault(section, {}).setdefault(model, {})[key] = value
        return SemrecSystem(name, settings)

    return make


def _registry(name: str) -> tuple[Factory, Mapping[str, Sequence[Any]]]:
    if name in PEERS:
        factory, grid = PEERS[name]
        return factory, grid
    if name in _CONFIGS:
        return _semrec_factory(name), _SEMREC_GRIDS.get(name, {})
    raise ValidationError("system", name, "one of " + ", ".join(SYSTEM_NAMES))


def _subset(data: EvalData, mask: NDArray[np.bool_]) -> EvalData:
    return dataclasses.replace(
        data,
        user_idx=data.user_idx[mask],
        item_idx=data.item_idx[mask],
        type_codes=data.type_codes[mask],
        values=data.values[mask],
        timestamps=data.timestamps[mask],
    )


def _tuned(
    names: Sequence[str], data: EvalData, split_name: str, progress: bool
) -> tuple[dict[str, Factory], dict[str, dict[str, Any]]]:
    """Factories with hyper-parameters chosen on a validation split inside the train part."""
    split = protocol(split_name).split or protocol("temporal").split
    assert split is not None
    train, _ = split(data, 0)
    inner = _subset(data, train)
    fit_mask, valid_mask = split(inner, 1000)
    factories: dict[str, Factory] = {}
    chosen: dict[str, dict[str, Any]] = {}
    for name in names:
        factory, grid = _registry(name)
        params: dict[str, Any] = {}
        if grid and any(len(v) > 1 for v in grid.values()):
            params, _ = tune(factory, grid, inner, fit_mask, valid_mask, k=10)
        chosen[name] = dict(params)
        factories[name] = _bind(factory, params)
    return factories, chosen


def _bind(factory: Factory, params: Mapping[str, Any]) -> Callable[[], System]:
    return lambda: factory(**params)


def run_evaluation(
    data: EvalData,
    protocols: Sequence[str],
    systems: Sequence[str] = DEFAULT_SYSTEMS,
    ks: Sequence[int] = (5, 10, 20),
    seeds: int = 1,
    tune_params: bool = True,
    max_requests: int = 2000,
    progress: bool = True,
) -> dict[str, Any]:
    """Run every protocol on `data` for every system; plain data for `write_report`."""
    for name in systems:
        _registry(name)
    results: dict[str, Any] = {
        "dataset": {
            "name": data.name,
            "events": len(data),
            "users": int(np.unique(data.user_idx).size),
            "items": int(np.unique(data.item_idx).size),
            "item_features": data.item_features is not None,
        },
        "protocols": {},
    }
    # Tuned once per data set, on a validation split carved out of the train part of the first
    # static protocol (temporal for a replay-only run), then used in every protocol.
    first = next((p for p in protocols if protocol(p).split is not None), "temporal")
    factories, params = (
        _tuned(systems, data, first, progress)
        if tune_params
        else ({s: _bind(_registry(s)[0], {}) for s in systems}, {})
    )
    results["tuned_on"] = first if tune_params else None
    for name in protocols:
        spec = protocol(name)
        if spec.split is None:
            out = run_replay(data, factories, 10, max_requests=max_requests, progress=progress)
        else:
            n_seeds = seeds if spec.seeded else 1
            out = run_static(data, spec.split, factories, ks, range(n_seeds), progress)
        results["protocols"][name] = {
            "kind": "replay" if spec.split is None else "static",
            "description": spec.description,
            "systems": out,
            "params": params,
        }
    return results
