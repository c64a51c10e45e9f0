"""The peer registry: every system semrec is compared with, and the grid it is tuned over.

The grids are small on purpose: tuning all of them on MovieLens-100k took 134 s on two cores
(one thread per library call). Parameters not in a grid keep the system's defaults. The grids
were checked on MovieLens-100k (each user's last 10% of events as validation, NDCG@10; best
point and score in brackets) so that no peer sits at a poor edge of its grid there:

* ``popularity`` - no parameters (0.083).
* ``ease`` - ridge penalty `l2` over 1.5 decades (2000: 0.152).
* ``implicit-als`` - factors x ridge x confidence scale, 15 iterations (64, 10, 0.3: 0.153).
* ``implicit-bpr`` - factors x learning rate, 100 epochs (32, 0.005: 0.122; a plateau: 16-128
  factors, rates 0.0025-0.01 and 100-200 epochs all scored 0.109-0.123).
* ``lightfm-warp`` - components x epochs x learning rate, item side features when the data has
  them (64, 30, 0.1: 0.145; a rate of 0.2 or 60 epochs at 0.05 scored lower).
* ``rtrec-slim`` - the ElasticNet penalty `alpha`, its main regularisation; l1_ratio 0.1
  (0.3: 0.148; it costs 7-13 s per point, most of the tuning time with LightFM).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, NamedTuple

from semrec.data.errors import ValidationError
from semrec.evaluation.systems.base import System
from semrec.evaluation.systems.baselines import EASESystem, PopularitySystem
from semrec.evaluation.systems.implicit_peers import ImplicitALSSystem, ImplicitBPRSystem
from semrec.evaluation.systems.lightfm_peer import LightFMSystem
from semrec.evaluation.systems.rtrec_slim import RtrecSLIMSystem

__all__ = ["PEERS", "Peer", "make_peer"]


class Peer(NamedTuple):
    """A peer's factory (keyword parameters -> unfitted `System`) and its tuning grid."""

    factory: Callable[..., System]
    grid: Mapping[str, Sequence[Any]]


#: Every peer by its system name.
PEERS: Final[Mapping[str, Peer]] = {
    "popularity": Peer(PopularitySystem, {}),
    "ease": Peer(EASESystem, {"l2": (200.0, 500.0, 1000.0, 2000.0, 5000.0)}),
    "implicit-als": Peer(
        ImplicitALSSystem,
        {"factors": (32, 64, 128), "regularization": (3.0, 10.0, 30.0), "alpha": (0.1, 0.3, 1.0)},
    ),
    "implicit-bpr": Peer(
        ImplicitBPRSystem, {"factors": (32, 64, 128), "learning_rate": (0.005, 0.01, 0.02)}
    ),
    "lightfm-warp": Peer(
        LightFMSystem,
        {"no_components": (32, 64), "epochs": (15, 30), "learning_rate": (0.05, 0.1)},
    ),
    "rtrec-slim": Peer(RtrecSLIMSystem, {"alpha": (0.1, 0.3, 1.0, 3.0)}),
}


def make_peer(name: str, params: Mapping[str, Any] | None = None) -> System:
    """A new, unfitted peer system by registry name, or `ValidationError` listing the names."""
    if name not in PEERS:
        raise ValidationError("peer", name, f"one of {', '.join(PEERS)}")
    return PEERS[name].factory(**dict(params or {}))
