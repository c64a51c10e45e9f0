"""Learning the fusion from replayed requests: every number below is worked out by hand."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from semrec.rank import tuning
from semrec.rank.tuning import (
    TuningRequest,
    adapted_weights,
    blend_candidates,
    choose_fusion,
    learn_weights,
    mean_ndcg,
    rrf_candidates,
)

NDCG_2ND = 1 / math.log2(3)  # the target one place down: 0.6309...
NDCG_3RD = 1 / math.log2(4)  # two places down: 0.5


def _f(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def _ranks(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _request(
    target: int,
    scores: dict[str, list[float]],
    ranks: dict[str, list[int]] | None = None,
    n_history: int = 0,
    popularity: list[float] | None = None,
) -> TuningRequest:
    n = len(next(iter(scores.values())))
    if ranks is None:  # each source's order of its own scores, best first (ties: earlier)
        ranks = {name: np.argsort(np.argsort(-np.array(v), kind="stable")) for name, v in
                 scores.items()}  # fmt: skip
    return TuningRequest(
        target,
        {name: _f(*v) for name, v in scores.items()},
        {name: _ranks(*r) for name, r in ranks.items()},
        n_history,
        _f(*(popularity or [0.0] * n)),
    )


def test_doctests() -> None:
    failed, attempted = doctest.testmod(tuning)
    assert attempted >= 4 and failed == 0


# -- adapted_weights -----------------------------------------------------------------------------


def test_history_moves_weight_from_meaning_to_behaviour() -> None:
    weights = {"cf": 2.0, "semantic": 1.0, "trending": 0.5}
    # 6 items, half 2: share = 6 / 8 = 0.75 -> cf 2 * 0.75, semantic 1 * 0.25; others as given
    assert adapted_weights(weights, 6, 2.0, True) == {"cf": 1.5, "semantic": 0.25, "trending": 0.5}
    # no history at all: CF counts nothing, meaning everything
    assert adapted_weights(weights, 0, 2.0, True) == {"cf": 0.0, "semantic": 1.0, "trending": 0.5}
    assert weights == {"cf": 2.0, "semantic": 1.0, "trending": 0.5}  # the input is not changed


def test_without_a_semantic_source_or_a_half_the_weights_stay() -> None:
    weights = {"cf": 2.0, "semantic": 1.0}
    assert adapted_weights(weights, 6, 2.0, False) == weights
    assert adapted_weights(weights, 6, 0.0, True) == weights
    # a missing cf or semantic weight counts as 0: share 2 / 4 = 0.5
    assert adapted_weights({"semantic": 1.0}, 2, 2.0, True) == {"semantic": 0.5, "cf": 0.0}


# -- blend_candidates ----------------------------------------------------------------------------


def test_blend_of_three_candidates() -> None:
    request = _request(
        0,
        {"cf": [1.0, 0.0, 0.5], "semantic": [0.0, 1.0, 0.5]},
        n_history=2,
        popularity=[0.0, 0.0, 1.0],
    )
    weights = {"cf": 1.0, "semantic": 1.0}
    # 2 items, half 2: cf 0.5, semantic 0.5 -> 0.5, 0.5, 0.5; popularity adds 0.001 to the third
    assert blend_candidates(request, weights, 2.0).tolist() == pytest.approx(
        [0.5, 0.5, 0.501], abs=1e-6
    )
    # half 6: share 2 / 8 = 0.25 -> cf 0.25, semantic 0.75 -> 0.25, 0.75, 0.5 (+0.001)
    assert blend_candidates(request, weights, 6.0).tolist() == pytest.approx(
        [0.25, 0.75, 0.501], abs=1e-6
    )


def test_blend_ignores_unweighted_and_absent_sources() -> None:
    request = _request(0, {"cf": [1.0, 0.0], "trending": [0.0, 1.0]}, n_history=3)
    # trending weighs 0, "query" is not in the request; no semantic source, so no adaptation
    blended = blend_candidates(request, {"cf": 2.0, "trending": 0.0, "query": 5.0}, 2.0)
    assert blended.tolist() == pytest.approx([2.0, 0.0])


# -- rrf_candidates ------------------------------------------------------------------------------


def test_rrf_sums_reciprocal_ranks_with_the_usual_constant() -> None:
    request = _request(
        0,
        {"a": [1.0, 0.2, 0.5], "b": [0.5, 1.0, 0.1]},
        ranks={"a": [0, 2, 1], "b": [1, 0, 5]},
    )
    # k = 60: 1 / (60 + rank + 1)
    expected = [1 / 61 + 1 / 62, 1 / 63 + 1 / 61, 1 / 62 + 1 / 66]
    assert rrf_candidates(request).tolist() == pytest.approx(expected, rel=1e-6)


def test_rrf_counts_the_top_depth_and_positive_scores_only() -> None:
    request = _request(
        0,
        {"a": [1.0, 0.2, 0.5], "b": [0.5, 1.0, 0.1], "c": [0.0, 1.0, 0.0]},
        ranks={"a": [0, 2, 1], "b": [1, 0, 5], "c": [1, 0, 2]},
    )
    # depth 2, k 1: rank 0 -> 1/2, rank 1 -> 1/3, deeper ranks nothing; c's score 0 counts
    # nothing even at rank 1. Item 0: a 1/2 + b 1/3; item 1: b 1/2 + c 1/2; item 2: a 1/3
    assert rrf_candidates(request, depth=2, k=1).tolist() == pytest.approx(
        [1 / 2 + 1 / 3, 1.0, 1 / 3]
    )


def test_rrf_breaks_ties_by_popularity_as_served() -> None:
    # BUG (rank/tuning.rrf_candidates): service.sources.fuse breaks RRF ties by popularity
    # (TIE_BREAK * 1e-3 x scaled popularity), the replay's RRF does not, so validation scores
    # a different RRF than the one served. a ranks candidate 0 first, b candidate 1: 1/61
    # each; candidate 1 is the more popular, so it is served first.
    request = _request(
        1,
        {"a": [1.0, 0.0], "b": [0.0, 1.0]},
        ranks={"a": [0, 1], "b": [1, 0]},
        popularity=[0.0, 1.0],
    )
    scores = rrf_candidates(request)
    assert scores[1] > scores[0]
    assert mean_ndcg([request], rrf_candidates) == 1.0


# -- mean_ndcg -----------------------------------------------------------------------------------


def _ndcg_of(scores: list[float], target: int, k: int = 10) -> float:
    request = _request(target, {"a": scores})
    return mean_ndcg([request], lambda r: r.scores["a"], k=k)


def test_ndcg_of_one_target_and_the_ties_rule() -> None:
    assert _ndcg_of([0.2, 0.9, 0.1], 1) == 1.0
    assert _ndcg_of([0.2, 0.9, 0.1], 0) == pytest.approx(NDCG_2ND)
    # ties go to the earlier candidate: a tied target is behind every earlier equal one
    assert _ndcg_of([0.5, 0.5, 0.5], 0) == 1.0
    assert _ndcg_of([0.5, 0.5, 0.5], 2) == pytest.approx(NDCG_3RD)
    # 0.9 is higher and candidate 2 is an earlier tie: two ahead
    assert _ndcg_of([0.9, 0.2, 0.5, 0.5], 3) == pytest.approx(NDCG_3RD)
    # two ahead is outside the top 2; a target not among the candidates is a miss
    assert _ndcg_of([0.5, 0.5, 0.5], 2, k=2) == 0.0
    assert _ndcg_of([0.5, 0.5, 0.5], -1) == 0.0


def test_mean_ndcg_averages_requests() -> None:
    first = _request(1, {"a": [0.2, 0.9]})
    second = _request(0, {"a": [0.2, 0.9]})
    assert mean_ndcg([first, second], lambda r: r.scores["a"]) == pytest.approx(
        (1.0 + NDCG_2ND) / 2
    )
    assert mean_ndcg([], lambda r: r.scores["a"]) == 0.0


@given(st.lists(st.integers(0, 5), min_size=1, max_size=12), st.data())
def test_ndcg_is_one_exactly_when_nothing_is_ahead(values: list[int], data: st.DataObject) -> None:
    target = data.draw(st.integers(0, len(values) - 1))
    ahead = sum(v > values[target] for v in values) + values[:target].count(values[target])
    got = _ndcg_of([float(v) for v in values], target)
    assert 0.0 <= got <= 1.0
    assert (got == 1.0) == (ahead == 0)


# -- learn_weights -------------------------------------------------------------------------------

# Two requests over three candidates in which CF points the wrong way and only the sequence
# source ranks the chosen item first.
SEQUENCE_WINS = [
    _request(2, {"cf": [1.0, 0.5, 0.0], "sequence": [0.0, 0.0, 1.0]}),
    _request(0, {"cf": [0.0, 1.0, 0.5], "sequence": [1.0, 0.0, 0.0]}),
]


def test_learning_finds_the_sequence_weight_the_requests_need() -> None:
    # start: sequence 0, the targets are third in both -> 0.5. Grid for sequence:
    # 0.1, 0.25: still third; 0.5: request 1 ties candidate 1 (earlier) -> still third;
    # 1.0: request 1 ties candidate 0 (earlier) -> second, request 2 ties candidate 1 (later)
    # -> first: mean (0.63 + 1) / 2, better; 2.0: first in both -> 1.0; 4.0: no strict gain.
    weights, half, score = learn_weights(SEQUENCE_WINS, {"cf": 1.0, "sequence": 0.0}, 2.0)
    assert weights == {"cf": 1.0, "sequence": 2.0}
    assert half == 2.0  # no semantic source: the history half is not searched
    assert score == 1.0


def test_learning_never_changes_cf_and_keeps_ties_at_the_start() -> None:
    # both sources agree: every grid value of sequence scores the same (1.0), so nothing moves
    agree = [_request(0, {"cf": [1.0, 0.0], "sequence": [1.0, 0.0]})]
    start = {"cf": 3.0, "sequence": 0.5, "trending": 0.1}
    weights, half, score = learn_weights(agree, start, 2.0)
    assert weights == start and half == 2.0 and score == 1.0


def test_learning_moves_the_history_half_when_weights_cannot_help() -> None:
    # a user with 4 items; CF ranks candidate 0 first, meaning the target (1). Half 0.5:
    # share 4 / 4.5 = 0.89, so cf 0.89 against semantic w * 0.11: even w = 4 gives 0.44,
    # still second. Half 4: share 0.5, a tie -> second. Half 8: share 1/3 -> cf 0.33 against
    # semantic 0.67: first.
    request = _request(1, {"cf": [1.0, 0.0], "semantic": [0.0, 1.0]}, n_history=4)
    weights, half, score = learn_weights([request], {"cf": 1.0, "semantic": 1.0}, 0.5)
    assert half == 8.0
    assert weights == {"cf": 1.0, "semantic": 1.0}
    assert score == 1.0


# -- choose_fusion -------------------------------------------------------------------------------


def test_the_learned_blend_wins_when_one_source_must_weigh_more() -> None:
    requests = SEQUENCE_WINS * 2  # older half and newer half alike
    choice = choose_fusion(requests, {"cf": 1.0, "sequence": 0.0}, 2.0)
    # held out: learned blend 1.0; the given blend 0.5 (targets third); RRF: the target ties
    # with CF's first (1/61 each) and comes after it in request 1 (0.63), wins request 2 (1.0)
    assert choice.mode == "blend"
    assert choice.weights == {"cf": 1.0, "sequence": 2.0}
    assert choice.validation["blend_learned"] == 1.0
    assert choice.validation["blend_default"] == pytest.approx(NDCG_3RD)
    assert choice.validation["rrf"] == pytest.approx((NDCG_2ND + 1.0) / 2)
    assert choice.validation["requests"] == 4.0


def test_rrf_wins_when_the_choice_is_second_in_every_source() -> None:
    # A tops CF, B tops sequence, the target C is second in both with low scores. Blend with
    # sequence weight w: A = 1, B = w, C = 0.1 + 0.1 w -- C is never first (it would need
    # w > 9 to pass A, and then B = w > C); at best second (w = 0: A 1, C 0.1, B 0).
    # RRF: A 1/61, B 1/61, C 2/62 -> C first.
    second_everywhere = _request(
        2,
        {"cf": [1.0, 0.0, 0.1], "sequence": [0.0, 1.0, 0.1]},
        ranks={"cf": [0, 2, 1], "sequence": [2, 0, 1]},
    )
    start = {"cf": 1.0, "sequence": 0.5}
    choice = choose_fusion([second_everywhere] * 4, start, 2.0)
    assert choice.mode == "rrf"
    assert choice.weights == start and choice.history_half == 2.0
    assert choice.validation["rrf"] == 1.0
    assert choice.validation["blend_learned"] == pytest.approx(NDCG_2ND)
    # the given blend: A 1, B 0.5, C 0.15 -> third
    assert choice.validation["blend_default"] == pytest.approx(NDCG_3RD)


def test_the_given_blend_wins_when_learning_overfits_the_older_half() -> None:
    # older requests need sequence weight 2 (see above); in the newer ones CF alone ranks the
    # target (1) first and sequence ranks candidate 0 first
    newer = _request(1, {"cf": [0.0, 1.0, 0.5], "sequence": [1.0, 0.0, 0.0]})
    start = {"cf": 1.0, "sequence": 0.0}
    choice = choose_fusion([*SEQUENCE_WINS, newer, newer], start, 2.0)
    # held out: given blend (CF alone) 1.0; learned (sequence 2): candidate 0 scores 2 > 1,
    # the target second; RRF: candidates 0 and 1 both 1/61, the target the later -> second
    assert choice.validation["blend_default"] == 1.0
    assert choice.validation["blend_learned"] == pytest.approx(NDCG_2ND)
    assert choice.validation["rrf"] == pytest.approx(NDCG_2ND)
    assert choice.mode == "blend"
    assert choice.weights == start and choice.history_half == 2.0
