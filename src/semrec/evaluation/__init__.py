"""Offline evaluation: pure metrics and splitters, peer systems, protocols, reports.

The metric and split functions are pure (arrays in, numbers or masks out). The runner
(`suite.run_evaluation`) fits semrec and its peers on the same splits and returns plain data;
`report.write_report` turns it into report.md, results.json and plots.
"""

from semrec.evaluation.metrics import (
    average_precision_at_k,
    average_recommendation_popularity,
    catalog_coverage,
    f1_at_k,
    hit_rate_at_k,
    intra_list_diversity,
    metrics_at_k,
    mrr_at_k,
    ndcg_at_k,
    novelty,
    precision_at_k,
    recall_at_k,
)
from semrec.evaluation.runner import ScoreFn, evaluate_ranking
from semrec.evaluation.splits import (
    cold_item_split,
    global_temporal_split,
    leave_last_n_split,
    per_user_temporal_split,
    prequential_order,
    random_ratio_split,
)

__all__ = [
    "ScoreFn",
    "average_precision_at_k",
    "average_recommendation_popularity",
    "catalog_coverage",
    "cold_item_split",
    "evaluate_ranking",
    "f1_at_k",
    "global_temporal_split",
    "hit_rate_at_k",
    "intra_list_diversity",
    "leave_last_n_split",
    "metrics_at_k",
    "mrr_at_k",
    "ndcg_at_k",
    "novelty",
    "per_user_temporal_split",
    "precision_at_k",
    "prequential_order",
    "random_ratio_split",
    "recall_at_k",
]
