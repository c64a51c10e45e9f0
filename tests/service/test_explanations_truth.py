"""Explanations cite only true facts: every reason is checked against the store.

On the sample shop (default settings: tuned fusion, every source), for many users, plain,
with their own searches as queries and with shop rules: past items cited are in the user's
history, items "seen together" or "picked next" really were so in the event log, constraints
hold for the item, rules match it, and the sentence names no item the reasons do not.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from typing import Any

import numpy as np
import pytest

import semrec
from semrec.data.records import EVENT_TYPE_CODES
from semrec.rank.rules import ItemColumns, parse_rule, rule_mask
from semrec.service.language import build_language_index

RULES = ["boost 0.3: brand == 'Apple'", "bury 0.2: price > 1000", "pin: category startswith 'Toys'"]
#: Queries with constraints the intent parser understands (price bounds, brands).
QUERIES = ["headphones under 200", "Apple laptop", "running shoes not Nike", "便宜的口红"]
#: Sentence phrases (English) and the reason each needs.
CLAIMS = {
    "promoted by the shop": lambda rs: _has_rule(rs, "boost"),
    "ranked lower by a shop rule": lambda rs: _has_rule(rs, "bury"),
    "featured by the shop": lambda rs: _has_rule(rs, "pin"),
    "often chosen together": lambda rs: _cites(rs, "covisitation"),
    "often picked next": lambda rs: _cites(rs, "sequence"),
    "popular right now": lambda rs: _cites(rs, "trending"),
    "close to your interests": lambda rs: _cites(rs, "semantic"),
    "matches your search": lambda rs: any(r["kind"] == "search" for r in rs),
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _has_rule(reasons: list[dict[str, Any]], action: str) -> bool:
    return any(r["kind"] == "rule" and r["rule"].startswith(action) for r in reasons)


def _cites(reasons: list[dict[str, Any]], source: str) -> bool:
    return any(r.get("source") == source or r.get("model") == source for r in reasons)


class Truth:
    """What the store says: each user's items, pairs seen together, direct successors."""

    def __init__(self, rec: semrec.Recommender) -> None:
        self.rec = rec
        self.ids = rec.store.item_ids()
        self.vectors = build_language_index(rec.store, self.ids, rec.encoder()).vectors
        events = rec.store.all_events()
        counted = (events.item_idx >= 0) & np.isin(
            events.type_codes, [c for t, c in EVENT_TYPE_CODES.items() if t not in ("search",
                                                                                    "skip")]
        )  # fmt: skip
        self.by_user: dict[int, list[int]] = defaultdict(list)
        order = np.lexsort((np.arange(len(events)), events.timestamps))
        for pos in order[counted[order]].tolist():
            self.by_user[int(events.user_idx[pos])].append(int(events.item_idx[pos]))
        self.together: set[tuple[int, int]] = set()
        self.next: set[tuple[int, int]] = set()
        for items in self.by_user.values():
            for a, b in itertools.pairwise(items):
                self.next.add((a, b))
            for a in set(items):
                self.together.update((a, b) for b in set(items) if a != b)

    def history(self, user_id: str) -> set[str]:
        events = self.rec.store.user_events(user_id)
        return {self.ids[i] for i in events.item_idx.tolist() if i >= 0}

    def engaged(self, user_id: str) -> set[str]:
        """Items the user did more than skip (skips weigh 0: they never count for a score)."""
        events = self.rec.store.user_events(user_id)
        skip = EVENT_TYPE_CODES["skip"]
        pairs = zip(events.item_idx.tolist(), events.type_codes.tolist(), strict=True)
        return {self.ids[i] for i, code in pairs if i >= 0 and code != skip}

    def index(self, item_id: str) -> int:
        return self.ids.index(item_id)

    def cosine(self, a: str, b: str) -> float:
        return float(self.vectors[self.index(a)] @ self.vectors[self.index(b)])


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from semrec.sample import generate

    data = generate(seed=23, n_items=200, n_users=100)
    home = tmp_path_factory.mktemp("truth")
    with semrec.Recommender.open(home, {"train": {"models": ["popularity", "ease"]}}) as rec:
        rec.upsert_items(data.items)
        rec.ingest(data.events)
        rec.train()
        yield rec, data, Truth(rec)


def _searches(data: Any) -> dict[str, str]:
    return {e["user_id"]: e["text"] for e in data.events if e["type"] == "search"}


def _requests(data: Any) -> list[tuple[str, dict[str, Any]]]:
    users = sorted({e["user_id"] for e in data.events})[:40]
    searches = _searches(data)
    out: list[tuple[str, dict[str, Any]]] = []
    for n, user in enumerate(users):
        out.append((user, {}))
        out.append((user, {"rules": RULES}))
        query = searches.get(user) or QUERIES[n % len(QUERIES)]
        out.append((user, {"query": query}))
        out.append((user, {"query": QUERIES[n % len(QUERIES)], "rules": RULES[:1]}))
    out.append(("someone-new", {}))
    return out


def test_every_reason_is_a_true_fact(shop: Any) -> None:
    rec, data, truth = shop
    kinds: set[str] = set()
    for user, request in _requests(data):
        history = truth.history(user)
        for item in rec.recommend(user, k=10, **request):
            reasons = [dict(r) for r in item.reasons]
            kinds.update(r["kind"] for r in reasons)
            _check_item(truth, user, history, item.item_id, reasons)
    # the checks above met every kind of reason at least once
    assert kinds >= {"model", "source", "because_of", "similar_to", "constraint", "rule"}


def _check_item(
    truth: Truth, user: str, history: set[str], item_id: str, reasons: list[dict[str, Any]]
) -> None:
    item = truth.rec.get_item(item_id)
    lead = reasons[0]
    assert lead["kind"] == "model"
    parts = lead.get("contributions", {})
    if parts and sum(parts.values()) > 0:
        assert max(parts.values()) > 0
    source = ""
    for reason in reasons:
        kind = reason["kind"]
        if kind == "source":
            source = reason["source"]
            assert 0.3 - 1e-3 <= reason["share"] <= 1.0
        elif kind in ("because_of", "similar_to"):
            past = reason["item_id"]
            assert past in history, (user, item_id, reason)
            assert reason["title"] == truth.rec.get_item(past).title
            pair = (truth.index(past), truth.index(item_id))
            if source == "covisitation":
                assert pair in truth.together, (past, item_id)
            if source == "sequence":
                assert pair in truth.next, (past, item_id)
            if kind == "similar_to":  # the closest in meaning of the user's engaged items
                assert reason["similarity"] == pytest.approx(truth.cosine(past, item_id), abs=1e-3)
                others = truth.engaged(user) - {item_id}
                closest = max((truth.cosine(p, item_id) for p in others), default=-1.0)
                assert reason["similarity"] >= closest - 1e-3
        elif kind == "constraint":
            assert _holds(item, reason), (item_id, reason)
        elif kind == "aspect":
            assert str(item.attributes.get(reason["field"])) == reason["value"]
        elif kind == "rule":
            columns = ItemColumns.from_items([item])
            assert bool(rule_mask(parse_rule(reason["rule"]), columns)[0]), (item_id, reason)


def _holds(item: semrec.Item, reason: dict[str, Any]) -> bool:
    field, op, value = reason["field"], reason["op"], reason["value"]
    if field == "price":
        assert item.price is not None
        return item.price <= value if op == "<=" else item.price >= value
    if field == "brand":
        named = {v.casefold() for v in value}
        return (item.brand.casefold() in named) == (op == "in")
    if field == "category":
        path = [c.casefold() for c in item.category]
        under = any(path[: len(p)] == p for p in ([c.casefold() for c in v.split("/")]
                                                  for v in value))  # fmt: skip
        return under == (op == "in")
    if field == "text":
        words = f"{item.title} {item.description} {item.brand}".casefold()
        return op == "not contains" and str(value).casefold() not in words
    return op == "not in" and item.attributes.get(field) not in value


def test_cited_past_items_were_engaged_with_not_only_skipped(shop: Any) -> None:
    # BUG (service/recommender.py -> Explainer.history_items): "similar_to" is chosen among
    # every past item, skipped ones included, although skips weigh 0 and never shape the
    # language profile: "Similar to the X you interacted with" for an X the user skipped.
    rec, data, truth = shop
    wrong = []
    for user, request in _requests(data):
        engaged = truth.engaged(user)
        for item in rec.recommend(user, k=10, **request):
            wrong += [
                (user, item.item_id, r["kind"], r["item_id"])
                for r in item.reasons
                if r["kind"] in ("because_of", "similar_to") and r["item_id"] not in engaged
            ]
    assert wrong == []


def test_an_item_is_never_its_own_reason(shop: Any) -> None:
    # BUG (service/profiles.closest_past_items): with exclude_seen=False a seen item comes
    # back "similar to" itself (cosine 1): "Similar to the X you interacted with" for X.
    rec, data, _ = shop
    users = sorted({e["user_id"] for e in data.events})[:40]
    selfish = [
        (user, item.item_id, r["kind"])
        for user in users
        for item in rec.recommend(user, k=10, exclude_seen=False)
        for r in item.reasons
        if r.get("item_id") == item.item_id
    ]
    assert selfish == []


def test_sentences_name_only_items_and_claims_in_the_reasons(shop: Any) -> None:
    rec, data, truth = shop
    titles = sorted({i["title"] for i in data.items}, key=len, reverse=True)
    checked = 0
    for user, request in _requests(data)[::2]:
        for item in rec.recommend(user, k=10, **request):
            reasons = [dict(r) for r in item.reasons]
            cited = [r["title"] for r in reasons if r.get("title")]
            sentence = item.explanation
            for title in titles:
                if title in sentence:
                    assert any(title in c for c in cited), (sentence, cited)
            for phrase, needs in CLAIMS.items():
                if phrase in sentence.lower():
                    assert needs(reasons), (phrase, reasons)
            limit = re.search(r"under your ([\d.]+) limit", sentence)
            if limit:
                bound = float(limit.group(1))
                assert any(r.get("field") == "price" and r["value"] == bound for r in reasons)
                assert (truth.rec.get_item(item.item_id).price or 0) <= bound
            checked += 1
    assert checked >= 500


def test_chinese_sentences(shop: Any) -> None:
    rec, data, _ = shop
    titles = {i["title"] for i in data.items}
    for user, request in _requests(data)[:40]:
        english = rec.recommend(user, k=5, **request)
        chinese = rec.recommend(user, k=5, locale="zh", **request)
        assert [r.item_id for r in chinese] == [r.item_id for r in english]
        for en, zh in zip(english, chinese, strict=True):
            assert zh.reasons == en.reasons  # the same facts, told in another language
            assert _CJK.search(zh.explanation) and zh.explanation.endswith("。")
            assert not re.search(r"\b(Because|you|and it)\b", zh.explanation)
            cited = [r["title"] for r in zh.reasons if r.get("title")]
            for title in titles:
                if title in zh.explanation:
                    assert any(title in c for c in cited), (zh.explanation, cited)
