"""The peer registry: every system semrec is compared with, and the grid it is tuned over.

The grids are small on purpose: tuning all of them on MovieLens-100k takes a few minutes on
two cores (one thread per library call). Values not in a grid keep the system's defaults.

* ``popularity`` - no parameters.
* ``ease`` - the ridge penalty `l2` over two decades.
* ``implicit-als`` - size x ridge x confidence scale: 3 x 2 x 2 points, 15 iterations.
* ``implicit-bpr`` - size x learning rate, 100 epochs.
* ``lightfm-warp`` - size x epochs, item side features used when the data has them.
* ``rtrec-slim`` - the ElasticNet penalty `alpha` (its main regularisation), l1_ratio 0.1.
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
    "ease": Peer(EASESystem, {"l2": (50.0, 200.0, 500.0, 1000.0)}),
    "implicit-als": Peer(
        ImplicitALSSystem,
        {"factors": (32, 64, 128), "regularization": (0.01, 0.1), "alpha": (1.0, 10.0)},
    ),
    "implicit-bpr": Peer(ImplicitBPRSystem, {"factors": (32, 64), "learning_rate": (0.01, 0.05)}),
    "lightfm-warp": Peer(LightFMSystem, {"no_components": (32, 64), "epochs": (10, 30)}),
    "rtrec-slim": Peer(RtrecSLIMSystem, {"alpha": (0.01, 0.1, 1.0)}),
}


def make_peer(name: str, params: Mapping[str, Any] | None = None) -> System:
    """A new, unfitted peer system by registry name, or `ValidationError` listing the names."""
    if name not in PEERS:
        raise ValidationError("peer", name, f"one of {', '.join(PEERS)}")
    return PEERS[name].factory(**dict(params or {}))
