"""Each candidate source and each fusion mode through `recommend`, on tiny hand-made shops.

The camping shop's events are built so that each source alone has one obvious answer:

- co-visitation: 5 people view the tent then the sleeping bag, 3 the tent then the stove, and
  30 more view only the stove (the most popular item, but rarely seen with the tent);
- sequence: 8 people go map -> boots -> socks, 8 go rod -> reel (a minute apart);
- CF: 6 people view the kayak and, ten days later (too far apart to count as seen together),
  the paddle;
- trending: 6 people view the lantern a fortnight after everything else;
- language: a wool scarf is reviewed by one person, another person only searched.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import semrec
from semrec.data.settings import DEFAULT_SOURCE_WEIGHTS
from semrec.rank.tuning import RANKER_MIN_HELD_OUT, FusionChoice
from semrec.service.sources import fuse, live_sources, normalised_ranks, with_evidence

T0 = 1_700_000_000
DAY = 86_400


def _item(item_id: str, title: str, category: str, price: float, text: str = "") -> dict[str, Any]:
    return {
        "item_id": item_id,
        "title": title,
        "category": category,
        "brand": "Trailhead",
        "price": price,
        "description": text,
    }


CAMPING = [
    _item("tent", "Dome Tent", "Outdoor > Tents", 120.0),
    _item("bag", "Sleeping Bag", "Outdoor > Sleeping", 60.0),
    _item("stove", "Camping Stove", "Outdoor > Cooking", 45.0),
    _item("map", "Trail Map", "Books > Maps", 9.0),
    _item("boots", "Hiking Boots", "Shoes > Boots", 99.0),
    _item("socks", "Trekking Socks", "Shoes > Socks", 12.0),
    _item("rod", "Fishing Rod", "Outdoor > Fishing", 70.0),
    _item("reel", "Fishing Reel", "Outdoor > Fishing", 40.0),
    _item("kayak", "Touring Kayak", "Water > Boats", 900.0),
    _item("paddle", "Carbon Paddle", "Water > Paddles", 150.0),
    _item("lantern", "LED Lantern", "Outdoor > Lighting", 25.0),
    _item("scarf-red", "Red Wool Scarf", "Clothing > Scarves", 30.0, "Warm knitted wool."),
    _item("scarf-grey", "Grey Wool Scarf", "Clothing > Scarves", 32.0, "Soft knitted wool."),
    _item("knife", "Steel Chef Knife", "Kitchen > Knives", 80.0, "A sharp forged blade."),
    _item("pan", "Cast Iron Pan", "Kitchen > Cookware", 45.0, "A heavy skillet."),
]
#: Summed view weights at training time (every event below is a view of weight 1).
POPULARITY = {"stove": 33, "boots": 10, "rod": 10, "tent": 9}


def _views(user: str, items: list[str], start: float, gap: float = 60.0) -> list[dict[str, Any]]:
    return [
        {"user_id": user, "item_id": item, "type": "view", "timestamp": start + n * gap}
        for n, item in enumerate(items)
    ]


def camping_events() -> list[dict[str, Any]]:
    """The camping shop's log, user by user, each user's events in time order."""
    out: list[dict[str, Any]] = []
    for i in range(5):
        out += _views(f"cv{i}", ["tent", "bag"], T0 + DAY + 1000 * i)
    for i in range(3):
        out += _views(f"cw{i}", ["tent", "stove"], T0 + 2 * DAY + 1000 * i)
    for i in range(30):
        out += _views(f"cs{i}", ["stove"], T0 + 1.5 * DAY + 100 * i)
    for i in range(8):
        out += _views(f"sq{i}", ["map", "boots", "socks"], T0 + 3 * DAY + 1000 * i)
        out += _views(f"sd{i}", ["rod", "reel"], T0 + 4 * DAY + 1000 * i)
    for i in range(6):
        out += _views(f"kf{i}", ["kayak", "paddle"], T0 + 5 * DAY + 1000 * i, gap=10 * DAY)
        out += _views(f"lz{i}", ["lantern"], T0 + 30 * DAY + 60 * i)
    probe = T0 + 6 * DAY
    out += _views("probe-covis", ["tent"], probe)
    out += _views("probe-x", ["boots", "rod"], probe, gap=7200)  # two hours: no transition
    out += _views("probe-y", ["rod", "boots"], probe, gap=7200)
    out += _views("probe-cf", ["kayak"], probe)
    review = "Lovely warm wool scarf, soft and cosy"
    out.append(
        {"user_id": "probe-review", "item_id": "scarf-red", "type": "review", "text": review,
         "timestamp": probe}
    )  # fmt: skip
    out.append({"user_id": "probe-search", "type": "search", "text": "wool scarf",
                "timestamp": probe})  # fmt: skip
    return out


@pytest.fixture(scope="module")
def camping(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, semrec.TrainReport]:
    """A trained camping shop home (CF: EASE; fusion not tuned: too few events)."""
    home = tmp_path_factory.mktemp("camping")
    settings = {"train": {"models": ["popularity", "ease"]}, "rank": {"tune": False}}
    with semrec.Recommender.open(home, settings) as rec:
        rec.upsert_items(CAMPING)
        rec.ingest(camping_events())
        report = rec.train()
    return home, report


def _open(home: Path, **rank: Any) -> semrec.Recommender:
    return semrec.Recommender.open(home, {"rank": {"tune": False, **rank}})


def _ids(rec: semrec.Recommender, user: str, k: int = 5, **kwargs: Any) -> list[str]:
    return [r.item_id for r in rec.recommend(user, k=k, **kwargs)]


@pytest.fixture
def camping_home(camping: tuple[Path, semrec.TrainReport]) -> Path:
    return camping[0]


# -- each source alone -------------------------------------------------------------------------


def test_covisitation_puts_the_item_seen_together_first(camping_home: Path) -> None:
    # recent [tent]: bag 5 / sqrt(8 * 5) = 0.79, stove 3 / sqrt(8 * 3) = 0.61, nothing else
    with _open(camping_home, sources=["covisitation"]) as rec:
        recs = rec.recommend("probe-covis", k=3)
    assert [r.item_id for r in recs[:2]] == ["bag", "stove"]
    lead = recs[0].reasons[0]
    assert lead["model"] == "covisitation" and set(lead["contributions"]) == {"covisitation"}
    assert {"kind": "because_of", "item_id": "tent", "title": "Dome Tent"} in recs[0].reasons
    with _open(camping_home, sources=["popular"]) as rec:
        assert _ids(rec, "probe-covis", k=1) == ["stove"]  # popularity alone says otherwise


def test_sequence_follows_the_order_of_the_latest_items(camping_home: Path) -> None:
    # probe-x saw boots then rod: reel (after rod) weighs 1, socks (after boots) 0.7;
    # probe-y saw them the other way round. The map comes before the boots: never next.
    with _open(camping_home, sources=["sequence"]) as rec:
        x = rec.recommend("probe-x", k=2)
        y = rec.recommend("probe-y", k=2)
    assert [r.item_id for r in x] == ["reel", "socks"]
    assert [r.item_id for r in y] == ["socks", "reel"]
    assert x[0].reasons[0]["model"] == "sequence"
    assert x[0].score > x[1].score


def test_cf_finds_items_bought_by_the_same_people_far_apart(camping_home: Path) -> None:
    with _open(camping_home, sources=["cf"]) as rec:
        recs = rec.recommend("probe-cf", k=1)
    assert recs[0].item_id == "paddle"
    assert recs[0].reasons[0]["model"] == "ease"
    assert {"kind": "because_of", "item_id": "kayak", "title": "Touring Kayak"} in recs[0].reasons


def test_a_source_without_evidence_falls_back_to_popularity(camping_home: Path) -> None:
    # kayak and paddle were ten days apart: no co-visitation at all for probe-cf
    with _open(camping_home, sources=["covisitation"]) as rec:
        recs = rec.recommend("probe-cf", k=2)
    assert recs[0].item_id == "stove"
    lead = recs[0].reasons[0]
    assert lead == {"kind": "model", "model": "popularity", "fallback": "no personalised evidence"}


def test_trending_favours_the_recent_burst_and_popular_the_all_time_count(
    camping_home: Path,
) -> None:
    # lantern: 6 views now; stove: 33 views four weeks earlier (2 ** -9.5 * 33 = 0.05)
    with _open(camping_home, sources=["trending"]) as rec:
        assert _ids(rec, "newcomer", k=1) == ["lantern"]
    with _open(camping_home, sources=["popular"]) as rec:
        ids = _ids(rec, "newcomer", k=4)
    assert ids[0] == "stove" and set(ids[1:3]) == {"boots", "rod"} and ids[3] == "tent"
    assert [POPULARITY[i] for i in ids] == [33, 10, 10, 9]


def test_semantic_serves_a_cold_user_from_one_review(camping_home: Path) -> None:
    with _open(camping_home, sources=["semantic"]) as rec:
        reviewed = rec.recommend("probe-review", k=1)
        searched = _ids(rec, "probe-search", k=2)
    assert reviewed[0].item_id == "scarf-grey"  # the reviewed red scarf itself is excluded
    similar = [r for r in reviewed[0].reasons if r["kind"] == "similar_to"]
    assert similar and similar[0]["item_id"] == "scarf-red"
    assert set(searched) == {"scarf-red", "scarf-grey"}


def test_query_source_ranks_the_matching_item_first(camping_home: Path) -> None:
    with _open(camping_home, sources=["query"]) as rec:
        assert _ids(rec, "newcomer", k=1, query="chef knife") == ["knife"]
        assert set(_ids(rec, "probe-cf", k=2, query="wool scarf")) == {"scarf-red", "scarf-grey"}


def test_a_brand_new_user_always_gets_k_items(camping_home: Path) -> None:
    with _open(camping_home) as rec:
        recs = rec.recommend("nobody-yet", k=5)
        everything = rec.recommend("nobody-yet", k=len(CAMPING))
    assert len(recs) == 5 and len({r.item_id for r in recs}) == 5
    assert recs[0].reasons[0]["fallback"] == "no history"
    assert {r.item_id for r in everything} == {i["item_id"] for i in CAMPING}
    # only sources that need a history: the chain ends at popularity, still k items
    with _open(camping_home, sources=["cf", "covisitation", "sequence", "semantic"]) as rec:
        recs = rec.recommend("nobody-yet", k=5)
    assert len(recs) == 5 and recs[0].item_id == "stove"
    assert recs[0].reasons[0] == {"kind": "model", "model": "popularity", "fallback": "no history"}


def test_untuned_training_reports_the_settings_fusion(
    camping: tuple[Path, semrec.TrainReport],
) -> None:
    fusion = camping[1].fusion
    assert fusion["mode"] == "blend" and fusion["weights"] == DEFAULT_SOURCE_WEIGHTS
    assert fusion["history_half"] == 2.0


# -- fusion modes through recommend ------------------------------------------------------------


@pytest.fixture(scope="module")
def three_items(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """old: 10 views two years ago; mid: 5 views; new: 4 views 3 days later, after training."""
    home = tmp_path_factory.mktemp("fusion")
    items = [_item(i, i.title(), "Things", 10.0) for i in ("old", "mid", "new", "none")]
    recent = T0 + 800 * DAY
    with semrec.Recommender.open(home, {"train": {"models": ["popularity"]}}) as rec:
        rec.upsert_items(items)
        rec.ingest([e for i in range(10) for e in _views(f"o{i}", ["old"], T0 + i)])
        rec.ingest([e for i in range(5) for e in _views(f"m{i}", ["mid"], recent + i)])
        rec.train()
        rec.ingest([e for i in range(4) for e in _views(f"n{i}", ["new"], recent + 3 * DAY)])
    return home


@pytest.mark.parametrize(
    ("fusion", "expected"),
    [
        # popular (weight 1), over the four items: old 1, mid 0.5, new 0, none 0;
        # trending (weight 0.5): new 1, mid 2.5 / 4 = 0.625, old 2 ** -267 -> 0, none 0;
        # popularity adds 0.001 x its scaled value. old 1.001, mid 0.813, new 0.5, none 0
        ("blend", ["old", "mid", "new", "none"]),
        # ranks: popular old 0, mid 1; trending new 0, mid 1 (zeros are not ranked).
        # mid 2 / 62 = 0.0323; old 1 / 61, new 1 / 61: a tie that popularity breaks
        ("rrf", ["mid", "old", "new", "none"]),
    ],
)
def test_each_fusion_mode_gives_the_hand_worked_order(
    three_items: Path, fusion: str, expected: list[str]
) -> None:
    weights = {"popular": 1.0, "trending": 0.5}
    with _open(three_items, fusion=fusion, sources=["popular", "trending"], weights=weights) as rec:
        recs = rec.recommend("newcomer", k=4)
    assert [r.item_id for r in recs] == expected
    parts = recs[0].reasons[0]["contributions"]
    if fusion == "rrf":
        assert parts == {"popular": pytest.approx(1 / 62, abs=1e-4),
                         "trending": pytest.approx(1 / 62, abs=1e-4)}  # fmt: skip
    else:
        assert parts == {"popular": 1.0, "trending": 0.0}  # "old" is not trending at all


def test_rrf_with_one_source_keeps_that_source_order(camping_home: Path) -> None:
    # co-visitation ranks bag (0.79) before stove (0.61); the stove is the most popular item.
    # Neighbouring RRF ranks differ by 1/61 - 1/62 = 0.00026: a tie-break as large as the
    # blend's (0.001 x scaled popularity) would put the stove first.
    with _open(camping_home, sources=["covisitation"], fusion="rrf") as rec:
        assert _ids(rec, "probe-covis", k=2) == ["bag", "stove"]


# -- fuse and its helpers on arrays ------------------------------------------------------------

ALLOW = np.array([True, True, True, False])
SOURCES = {
    "cf": np.array([2.0, 1.0, 0.0, 5.0], np.float32),
    "semantic": np.array([0.0, 1.0, 0.5, 9.0], np.float32),
}
NO_POPULARITY = np.zeros(4, np.float32)


def test_normalised_ranks_over_allowed_items() -> None:
    norm, ranks = normalised_ranks(np.array([3.0, 1.0, 2.0, 9.0], np.float32), ALLOW)
    assert norm.tolist() == [1.0, 0.0, 0.5, 0.0]
    assert ranks.tolist() == [0, 2, 1, 4]  # the item not allowed ranks last (n)


def test_fuse_blend_by_hand() -> None:
    # 2 past items, half 2: cf 0.5, semantic 0.5. Scaled over allowed items:
    # cf 1, 0.5, 0; semantic 0, 1, 0.5 -> 0.5, 0.75, 0.25; the fourth is not allowed
    fusion = FusionChoice("blend", {"cf": 1.0, "semantic": 1.0}, 2.0)
    fused = fuse(SOURCES, ALLOW, fusion, 2, NO_POPULARITY)
    assert fused.scores.tolist() == [0.5, 0.75, 0.25, -np.inf]
    assert fused.parts["cf"].tolist() == [0.5, 0.25, 0.0, 0.0]
    # a heavy user (6 items): cf 0.75, semantic 0.25 -> 0.75, 0.625, 0.125
    heavy = fuse(SOURCES, ALLOW, fusion, 6, NO_POPULARITY)
    assert heavy.scores[:3].tolist() == pytest.approx([0.75, 0.625, 0.125])


def test_fuse_rrf_by_hand() -> None:
    # cf ranks 0, 1 (the third scores the minimum: not counted); semantic ranks item 1 then 2
    fused = fuse(SOURCES, ALLOW, FusionChoice("rrf", {}, 2.0), 0, NO_POPULARITY)
    expected = [1 / 61, 1 / 62 + 1 / 61, 1 / 62]
    assert fused.scores[:3].tolist() == pytest.approx(expected, rel=1e-6)
    assert fused.scores[3] == -np.inf


def test_fuse_popularity_only_breaks_ties_in_rrf() -> None:
    # one source ranks item 0 first and item 1 second; item 1 is the most popular. RRF must
    # keep 0 before 1 (see test_rrf_with_one_source_keeps_that_source_order)
    one = {"covisitation": np.array([0.9, 0.8, 0.0, 0.0], np.float32)}
    popularity = np.array([0.0, 1.0, 0.0, 0.0], np.float32)
    fused = fuse(one, ALLOW, FusionChoice("rrf", {}, 2.0), 0, popularity)
    assert fused.scores[0] > fused.scores[1]
    # the blend already keeps it: 1 + 0 against 0.89 + 0.001
    blended = fuse(one, ALLOW, FusionChoice("blend", {"covisitation": 1.0}, 2.0), 0, popularity)
    assert blended.scores[0] > blended.scores[1]


def test_only_sources_that_tell_items_apart_count() -> None:
    flat = np.zeros(3, np.float32)
    sources: dict[str, np.ndarray | None] = {
        "covisitation": flat,  # no evidence: all zero
        "trending": np.array([0.0, 0.5, 1.0], np.float32),
        "popular": None,
        "query": np.array([-1.0, -2.0, -np.inf], np.float32),  # negative, still an order
        "sequence": np.array([0.3, 0.3, 0.3], np.float32),  # constant
    }
    assert set(with_evidence(sources)) == {"trending", "query"}
    assert set(with_evidence(sources, enabled=("trending",))) == {"trending"}
    assert live_sources(None, 3, 3) == {}


# -- tuning at training time -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_shop() -> Any:
    from semrec.sample import generate

    return generate(seed=5, n_items=200, n_users=100)


def _train_sample(home: Path, data: Any, users: list[str], **rank: Any) -> tuple[Any, list[Any]]:
    """Train on the sample shop; the report and the users' top 5 from the training instance."""
    settings = {"train": {"models": ["popularity", "ease"]}, "rank": rank}
    with semrec.Recommender.open(home, settings) as rec:
        rec.upsert_items(data.items)
        rec.ingest(data.events)
        report = rec.train()
        return report, [r for u in users for r in rec.recommend(u, k=5)]


def _users(data: Any) -> list[str]:
    return sorted({e["user_id"] for e in data.events})[:4]


@pytest.fixture(scope="module")
def tuned(tmp_path_factory: pytest.TempPathFactory, sample_shop: Any) -> Iterator[Any]:
    home = tmp_path_factory.mktemp("tuned")
    yield home, *_train_sample(home, sample_shop, _users(sample_shop))


def test_tuning_saves_the_validation_winner_in_the_snapshot(tuned: Any) -> None:
    home, report, _ = tuned
    fusion = report.fusion
    validation = fusion["validation"]
    assert validation["requests"] >= 50  # enough replayed requests to tune on
    best = max(("blend_learned", "blend_default", "rrf"), key=lambda n: validation[n])
    # the learned ranker was judged too, but on too few held-out requests to be trusted
    assert "ranker" in validation and validation["requests"] / 2 < RANKER_MIN_HELD_OUT
    assert fusion["mode"] == ("rrf" if best == "rrf" else "blend")
    assert set(fusion["weights"]) == set(DEFAULT_SOURCE_WEIGHTS)
    if best == "blend_learned":
        assert fusion["weights"] != DEFAULT_SOURCE_WEIGHTS  # something was learned
    with semrec.Recommender.open(home) as rec:
        snapshot = rec.store.latest_snapshot()
    assert snapshot is not None and snapshot.meta["fusion"] == fusion


def test_a_reopened_home_serves_the_same_fusion(tuned: Any, sample_shop: Any) -> None:
    home, report, served = tuned
    with semrec.Recommender.open(home) as rec:
        again = [r for u in _users(sample_shop) for r in rec.recommend(u, k=5)]
    assert [r.to_dict() for r in again] == [r.to_dict() for r in served]
    weights = report.fusion["weights"]
    for rec_ in again:  # each source's share is at most its learned weight; weight 0: absent
        parts = rec_.reasons[0].get("contributions", {})
        if report.fusion["mode"] == "blend":
            assert all(weights[name] > 0 and v <= weights[name] + 1e-4 for name, v in
                       parts.items())  # fmt: skip


def test_forced_rrf_is_served_after_tuning(tmp_path: Path, sample_shop: Any) -> None:
    user = sample_shop.events[-1]["user_id"]
    report, served = _train_sample(tmp_path, sample_shop, [user], fusion="rrf")
    assert report.fusion["mode"] == "rrf"
    assert report.fusion["validation"]["requests"] >= 50
    with semrec.Recommender.open(tmp_path) as rec:  # default settings: "auto", tuned
        recs = rec.recommend(user, k=5)
    assert [r.to_dict() for r in recs] == [r.to_dict() for r in served]
    # every RRF share is at most one first place per source: 1 / 61
    for rec_ in recs:
        parts = rec_.reasons[0].get("contributions", {})
        assert parts and all(0 <= v <= 1 / 61 + 1e-4 for v in parts.values())
