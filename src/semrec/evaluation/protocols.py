"""The evaluation protocols by name: how each one splits a data set for a given seed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from semrec.data.errors import ValidationError
from semrec.evaluation import splits
from semrec.evaluation.experiment import SplitFn
from semrec.evaluation.systems.base import EvalData

__all__ = ["PROTOCOLS", "Protocol", "protocol"]

Masks = tuple[NDArray[np.bool_], NDArray[np.bool_]]


def _temporal(data: EvalData, seed: int) -> Masks:
    return splits.per_user_temporal_split(data.user_idx, data.timestamps, test_fraction=0.2)


def _global(data: EvalData, seed: int) -> Masks:
    return splits.global_temporal_split(data.timestamps, test_fraction=0.2)


def _leave_last(data: EvalData, seed: int) -> Masks:
    return splits.leave_last_n_split(data.user_idx, data.timestamps, n=1)


def _random(data: EvalData, seed: int) -> Masks:
    return splits.random_ratio_split(data.user_idx, data.item_idx, ratio=0.75, seed=seed)


def _cold(data: EvalData, seed: int) -> Masks:
    cut = float(np.quantile(data.timestamps, 0.8))
    return splits.cold_item_split(data.item_idx, data.timestamps, cut)


@dataclass(frozen=True)
class Protocol:
    """A named protocol: its splitter (None for the replay) and whether seeds change it."""

    name: str
    description: str
    split: SplitFn | None
    seeded: bool = False


PROTOCOLS: Mapping[str, Protocol] = {
    p.name: p
    for p in (
        Protocol(
            "temporal",
            "Per-user temporal split: each user's latest 20% of events are the test.",
            _temporal,
        ),
        Protocol(
            "global-temporal",
            "Global temporal cut: the last 20% of all events in time are the test.",
            _global,
        ),
        Protocol("leave-last-1", "Each user's last event is the test.", _leave_last),
        Protocol(
            "random-75",
            "Stratified random split per user, 75% train / 25% test over distinct user-item "
            "pairs (the protocol of Microsoft Recommenders and RecBole), one split per seed.",
            _random,
            seeded=True,
        ),
        Protocol(
            "cold-items",
            "Cold-start items: test events are on items first seen after the 80% time cut.",
            _cold,
        ),
        Protocol(
            "replay",
            "Prequential replay: the first 90% of events in time order are given; the last 10% "
            "are replayed one by one, asking each system for the user's top-10 before each "
            "sampled event (items new to the user only), then letting it observe the event.",
            None,
        ),
    )
}


def protocol(name: str) -> Protocol:
    """The protocol called `name`, or a `ValidationError` listing the known ones."""
    if name not in PROTOCOLS:
        raise ValidationError("protocol", name, "one of " + ", ".join(PROTOCOLS))
    return PROTOCOLS[name]
