"""Systems under evaluation: the `System` contract, the peer systems and their tuning.

Peers needing optional packages (`lightfm`, `rtrec`) import them only when fitted, so this
package loads without the ``peers`` extra.
"""

from semrec.evaluation.systems.base import EvalData, ScoringSystem, System, interactions
from semrec.evaluation.systems.baselines import EASESystem, PopularitySystem
from semrec.evaluation.systems.implicit_peers import ImplicitALSSystem, ImplicitBPRSystem
from semrec.evaluation.systems.lightfm_peer import LightFMSystem
from semrec.evaluation.systems.peers import PEERS, Peer, make_peer
from semrec.evaluation.systems.rtrec_slim import RtrecSLIMSystem
from semrec.evaluation.systems.tuning import grid_points, tune, validation_score

__all__ = [
    "PEERS",
    "EASESystem",
    "EvalData",
    "ImplicitALSSystem",
    "ImplicitBPRSystem",
    "LightFMSystem",
    "Peer",
    "PopularitySystem",
    "RtrecSLIMSystem",
    "ScoringSystem",
    "System",
    "grid_points",
    "interactions",
    "make_peer",
    "tune",
    "validation_score",
]
