"""Offline evaluation as a library: pure metrics, splitters and a small ranking runner."""

from semrec.evaluation.metrics import hit_rate_at_k, ndcg_at_k, recall_at_k
from semrec.evaluation.runner import ScoreFn, evaluate_ranking
from semrec.evaluation.splits import per_user_temporal_split

__all__ = [
    "ScoreFn",
    "evaluate_ranking",
    "hit_rate_at_k",
    "ndcg_at_k",
    "per_user_temporal_split",
    "recall_at_k",
]
