"""The learned ranker on synthetic replayed requests whose right answer is known by design."""

from __future__ import annotations

import doctest
import json
import math

import numpy as np
import pytest

from semrec.data.errors import ValidationError
from semrec.rank import learned_ranker
from semrec.rank.learned_ranker import (
    ABSENT_RANK,
    FEATURES,
    LearnedRanker,
    candidate_features,
    ranker_candidates,
    train_ranker,
)
from semrec.rank.tuning import (
    FusionChoice,
    TuningRequest,
    blend_candidates,
    choose_fusion,
    mean_ndcg,
)

M = 20  # candidates per synthetic request
NDCG_5TH = 1 / math.log2(6)  # four candidates ahead of the target


def _ranks_of(scores: np.ndarray) -> np.ndarray:
    """0-based rank of each candidate by its score, best first."""
    ranks = np.empty(scores.size, dtype=np.int64)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(scores.size)
    return ranks


def _request(target: int, scores: dict[str, np.ndarray], rng: np.random.Generator) -> TuningRequest:
    return TuningRequest(
        target,
        {name: s.astype(np.float32) for name, s in scores.items()},
        {name: _ranks_of(s) for name, s in scores.items()},
        int(rng.integers(1, 30)),
        rng.random(M).astype(np.float32),
    )


def sequence_world(n: int, seed: int) -> list[TuningRequest]:
    """The target is sequence's first; cf is noise that always ranks it 10th or lower."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        target = int(rng.integers(M))
        sequence = rng.random(M) * 0.9
        sequence[target] = 1.0
        cf = np.linspace(1.0, 0.0, M)[rng.permutation(M)]
        lower = int(np.flatnonzero(cf < np.sort(cf)[::-1][9])[rng.integers(M - 10)])
        cf[[target, lower]] = cf[[lower, target]]
        out.append(_request(target, {"cf": cf, "sequence": sequence}, rng))
    return out


def middle_band_world(n: int, seed: int) -> list[TuningRequest]:
    """cf alone: the target scores about 0.5, four candidates above 0.8, the rest below 0.3."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        cf = np.concatenate(
            [[1.0], rng.uniform(0.8, 0.99, 3), [rng.uniform(0.45, 0.55)],
             rng.uniform(0.01, 0.3, M - 6), [0.0]]
        )  # fmt: skip
        order = rng.permutation(M)
        out.append(_request(int(np.flatnonzero(order == 4)[0]), {"cf": cf[order]}, rng))
    return out


def test_doctests() -> None:
    failed, attempted = doctest.testmod(learned_ranker)
    assert attempted >= 1 and failed == 0


# -- features ------------------------------------------------------------------------------------


def test_features_of_present_and_absent_sources() -> None:
    scores = {"cf": np.array([1.0, 0.25], np.float32), "query": np.array([0.0, 0.5], np.float32)}
    ranks = {"cf": np.array([0, 7]), "query": np.array([3, 1])}
    popularity = np.array([0.75, 0.5], np.float32)
    features = candidate_features(scores, ranks, 3, popularity)
    assert features.shape == (2, 7 * 3 + 2) == (2, len(FEATURES)) and features.dtype == np.float32
    absent = math.log1p(ABSENT_RANK)
    # cf: score, log1p(rank), present; then covisitation .. semantic absent; query last
    assert features[1, :3].tolist() == pytest.approx([0.25, math.log(8), 1.0])
    for column in range(1, 6):
        assert features[0, 3 * column : 3 * column + 3].tolist() == pytest.approx([0, absent, 0])
    assert features[0, 18:21].tolist() == pytest.approx([0.0, math.log(4), 1.0])
    assert features[:, 21].tolist() == [0.75, 0.5]  # popularity
    assert features[:, 22].tolist() == pytest.approx([math.log(4)] * 2)  # log1p(3 items)
    assert FEATURES[:3] == ("cf_score", "cf_log_rank", "cf_present")


# -- training and scoring ------------------------------------------------------------------------


def test_the_ranker_learns_what_the_blend_of_cf_cannot() -> None:
    ranker = LearnedRanker.from_text(train_ranker(sequence_world(200, seed=1)))
    held_out = sequence_world(100, seed=2)
    # cf alone puts ten candidates ahead of every target: NDCG@10 0
    assert mean_ndcg(held_out, lambda r: blend_candidates(r, {"cf": 1.0}, 2.0)) == 0.0
    assert mean_ndcg(held_out, lambda r: ranker_candidates(r, ranker)) > 0.9


def test_model_text_round_trips_through_json_with_identical_predictions() -> None:
    requests = sequence_world(60, seed=3)
    text = train_ranker(requests, seed=0)
    assert train_ranker(requests, seed=0) == text  # deterministic
    again = json.loads(json.dumps({"ranker": text}))["ranker"]
    first, second = LearnedRanker.from_text(text), LearnedRanker.from_text(again)
    for request in requests[:5]:
        a, b = ranker_candidates(request, first), ranker_candidates(request, second)
        assert a.dtype == np.float32 and a.shape == (M,)
        assert np.array_equal(a, b)
    assert first.predict(np.zeros((0, len(FEATURES)), np.float32)).shape == (0,)


def test_candidates_outside_every_sources_top_rank_last() -> None:
    # the target (0) is 60th in cf and 55th in sequence: no source's top 50 holds it
    request = TuningRequest(
        0,
        {"cf": np.array([0.1, 1.0], np.float32), "sequence": np.array([0.0, 1.0], np.float32)},
        {"cf": np.array([60, 0]), "sequence": np.array([55, 0])},
        2,
        np.zeros(2, np.float32),
    )
    ranker = LearnedRanker.from_text(train_ranker(sequence_world(40, seed=4)))
    scores = ranker_candidates(request, ranker)
    assert scores[0] == -np.inf and np.isfinite(scores[1])
    # ranked after the other candidate (as served): second
    assert mean_ndcg([request], lambda r: ranker_candidates(r, ranker)) == pytest.approx(
        1 / math.log2(3)
    )
    # such a request cannot train a ranker, nor can a request whose target is not a candidate
    missing = TuningRequest(-1, request.scores, request.ranks, 2, request.popularity)
    with pytest.raises(ValidationError):
        train_ranker([request, missing])
    with pytest.raises(ValidationError):
        LearnedRanker.from_text("")


# -- choose_fusion -------------------------------------------------------------------------------


def test_choose_fusion_picks_the_ranker_when_no_blend_can_rank_the_middle() -> None:
    requests = middle_band_world(300, seed=5)  # 150 held out: enough to trust the ranker
    choice = choose_fusion(requests, {"cf": 1.0}, 2.0)
    # every monotone fusion of cf puts the four high candidates first: the target 5th
    assert choice.validation["blend_learned"] == pytest.approx(NDCG_5TH)
    assert choice.validation["blend_default"] == pytest.approx(NDCG_5TH)
    assert choice.validation["rrf"] == pytest.approx(NDCG_5TH)
    assert choice.validation["ranker"] > 0.9
    assert choice.mode == "ranker" and choice.ranker
    assert choice.weights == {"cf": 1.0}  # kept for the items the ranker does not order
    served = LearnedRanker.from_text(choice.ranker)  # retrained on all requests
    assert mean_ndcg(middle_band_world(50, seed=6), lambda r: ranker_candidates(r, served)) > 0.9


def test_choose_fusion_does_not_trust_a_ranker_judged_on_few_requests() -> None:
    requests = middle_band_world(120, seed=5)  # 60 held out
    choice = choose_fusion(requests, {"cf": 1.0}, 2.0)
    assert (
        choice.validation["ranker"]
        > 0.9
        > NDCG_5TH
        == pytest.approx(choice.validation["blend_learned"])
    )
    assert choice.mode == "blend" and choice.ranker == ""


def test_choose_fusion_keeps_the_blend_when_it_is_already_perfect() -> None:
    requests = sequence_world(100, seed=7)
    choice = choose_fusion(requests, {"cf": 0.0, "sequence": 1.0}, 2.0)
    assert choice.validation["blend_default"] == 1.0
    assert choice.validation["ranker"] <= 1.0
    assert choice.mode == "blend" and choice.ranker == ""


def test_a_fusion_choice_has_no_ranker_by_default() -> None:
    assert FusionChoice("blend", {"cf": 1.0}, 2.0).ranker == ""
