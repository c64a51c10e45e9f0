"""The public Python API on a real SQLite home: the surface everything else builds on."""

from __future__ import annotations

from pathlib import Path

import pytest

import semrec
from semrec import NotFittedError, NotFoundError, ValidationError

from .shop import ITEMS, T0, events


@pytest.fixture
def trained(rec: semrec.Recommender) -> semrec.Recommender:
    rec.upsert_items(ITEMS)
    rec.ingest(events())
    rec.train()
    return rec


def test_open_creates_the_home_and_reopens_the_trained_snapshot(home: Path) -> None:
    with semrec.Recommender.open(home) as rec:
        rec.upsert_items(ITEMS)
        rec.ingest(events())
        report = rec.train()
        before = [r.item_id for r in rec.recommend("u1")]
    assert report.version == 1 and report.n_items == 12 and report.n_events == 100
    assert set(report.seconds) >= {"total", "popularity", "ease", "als"}
    with semrec.Recommender.open(home) as again:
        assert [r.item_id for r in again.recommend("u1")] == before


def test_recommend_before_train_says_what_to_call(rec: semrec.Recommender) -> None:
    rec.upsert_items(ITEMS)
    with pytest.raises(NotFittedError, match=r"call train\(\) first"):
        rec.recommend("u1")


def test_ingest_reports_accepted_and_duplicates(rec: semrec.Recommender) -> None:
    first = rec.ingest(events())
    again = rec.ingest(events()[:5])
    assert (first.accepted, first.duplicates, first.rejected) == (100, 0, 0)
    assert (again.accepted, again.duplicates) == (0, 5)


def test_one_bad_event_stores_nothing_and_names_its_position(rec: semrec.Recommender) -> None:
    batch = [*events()[:3], {"user_id": "u1", "item_id": "g1", "type": "buy", "timestamp": T0}]
    with pytest.raises(ValidationError) as info:
        rec.ingest(batch)
    assert info.value.field == "events[3].type"
    assert rec.store.event_count() == 0


def test_skip_invalid_stores_the_valid_events(rec: semrec.Recommender) -> None:
    batch = [*events()[:3], {"user_id": "", "item_id": "g1", "type": "view", "timestamp": T0}]
    report = rec.ingest(batch, skip_invalid=True)
    assert (report.accepted, report.rejected) == (3, 1)
    assert "events[3].user_id" in report.errors[0]


def test_recommendations_follow_taste_and_exclude_what_was_seen(
    trained: semrec.Recommender,
) -> None:
    recs = trained.recommend("u2", k=2)
    assert len(recs) == 2
    assert all(r.item_id.startswith("g") for r in recs)
    seen = {e["item_id"] for e in events() if e["user_id"] == "u2"}
    assert not seen & {r.item_id for r in recs}
    assert recs[0].score >= recs[1].score
    assert recs[0].reasons[0]["kind"] == "model"
    because = [r for r in recs[0].reasons if r["kind"] == "because_of"]
    assert because and because[0]["item_id"] in seen


def test_unknown_users_get_the_popularity_fallback(trained: semrec.Recommender) -> None:
    recs = trained.recommend("never-seen", k=3)
    assert recs[0].item_id == "b0"
    lead = recs[0].reasons[0]
    assert lead["kind"] == "model" and lead["fallback"] == "no history"
    assert lead["model"] in ("popularity", "trending")  # the only sources without a history
    assert set(lead["contributions"]) <= {"popular", "trending"}


def test_new_events_change_the_next_recommendation_without_retraining(
    trained: semrec.Recommender,
) -> None:
    before = [r.item_id for r in trained.recommend("newcomer", k=12)]
    assert before[0] == "b0"
    trained.ingest(
        [{"user_id": "newcomer", "item_id": "g3", "type": "purchase", "timestamp": T0 + 10_000}]
    )
    after = trained.recommend("newcomer", k=4)
    assert "g3" not in {r.item_id for r in after}
    assert all(r.item_id.startswith("g") for r in after[:3])
    assert after[0].reasons[0]["model"] != "popularity"


def test_filters_are_never_violated(trained: semrec.Recommender) -> None:
    recs = trained.recommend("u2", k=10, filters={"brand": "Yamaha", "max_price": 260})
    assert recs
    for r in recs:
        item = trained.store.get_item(r.item_id)
        assert item is not None and item.brand == "Yamaha" and (item.price or 0) <= 260
    books = trained.recommend("u2", k=10, filters={"category": "Books"})
    assert {r.item_id[0] for r in books} == {"b"}
    with pytest.raises(ValidationError, match=r"filters\.colour"):
        trained.recommend("u2", filters={"colour": "red"})


def test_exclude_seen_false_allows_seen_items(trained: semrec.Recommender) -> None:
    recs = trained.recommend("u2", k=12, exclude_seen=False)
    seen = {e["item_id"] for e in events() if e["user_id"] == "u2"}
    assert seen <= {r.item_id for r in recs}


def test_unavailable_and_unknown_items_are_never_recommended(
    trained: semrec.Recommender,
) -> None:
    trained.upsert_items([{**ITEMS[3], "available": False}])
    trained.ingest(
        [{"user_id": "x", "item_id": "not-in-catalog", "type": "purchase", "timestamp": T0}]
    )
    for user in ("u2", "u4", "x", "nobody"):
        ids = {r.item_id for r in trained.recommend(user, k=12)}
        assert "g3" not in ids and "not-in-catalog" not in ids


def test_similar_items_share_buyers(trained: semrec.Recommender) -> None:
    recs = trained.similar("g1", k=3)
    assert [r.item_id[0] for r in recs] == ["g", "g", "g"]
    assert recs[0].reasons[0]["model"] == "als"  # ALS answers `similar` when it is trained
    assert "g1" not in {r.item_id for r in recs}
    with pytest.raises(NotFoundError):
        trained.similar("no-such-item")


def test_forget_user_removes_events_and_personalisation(trained: semrec.Recommender) -> None:
    assert trained.forget_user("u2") == 4
    assert trained.store.get_user("u2") is None
    recs = trained.recommend("u2", k=3)
    assert recs[0].reasons[0]["model"] == "popularity"


@pytest.mark.parametrize("k", [0, -1, 1001, "3", True])
def test_bad_k_is_refused(trained: semrec.Recommender, k: object) -> None:
    with pytest.raises(ValidationError, match=r"^k: "):
        trained.recommend("u1", k=k)  # type: ignore[arg-type]


def test_an_in_memory_recommender_works_without_a_home() -> None:
    with semrec.Recommender.open(None) as rec:
        assert rec.upsert_items(ITEMS) == 12
        assert rec.ingest(events()).accepted == 100


def test_default_event_weights_match_the_default_settings() -> None:
    # The evaluation's peers build interactions with `EventWeights()`; semrec with its settings.
    from semrec.models import EventWeights
    from semrec.service.training import event_weights

    assert event_weights(semrec.Settings()) == EventWeights()
