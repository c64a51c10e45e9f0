"""One human sentence, in English or Chinese, from a recommendation's structured reasons.

The sentence is built only from the reasons given: titles, brands, numbers and terms are the
reasons' own values, and every fixed phrase is tied to one reason kind that supports it (the
event verb "bought" needs ``"event": "purchase"``; without an event it says "interacted
with"). Reasons of unknown kinds, sources or operators are left out rather than guessed at.

Shape: a lead (the strongest reason: a past item, a similar item, a source, the search, the
model), then what else holds of the item: "Because you viewed the Yamaha P-45, and it is
under your 500 limit." / "因为你看过 Yamaha P-45，且价格在 500 以内。"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from semrec.data.errors import ValidationError
from semrec.models.factory import MODELS

__all__ = ["LANGUAGES", "sentence"]

LANGUAGES = ("en", "zh")
#: At most this many clauses follow the lead, so the sentence stays one sentence; a shop rule
#: that moved the item is always told, even beyond this.
MAX_CLAUSES = 4

# event: (en lead "you ...", en relative clause, zh lead "你 ...", zh relative clause)
_EVENTS = {
    "purchase": ("bought {x}", "you bought", "买过 {x}", "你买过的"),
    "view": ("viewed {x}", "you viewed", "看过 {x}", "你看过的"),
    "click": ("clicked on {x}", "you clicked on", "点开过 {x}", "你点开过的"),
    "add_to_cart": (
        "put {x} in your cart",
        "you put in your cart",
        "把 {x} 加入过购物车",
        "你加购过的",
    ),
    "rate": ("rated {x}", "you rated", "给 {x} 打过分", "你打过分的"),
    "review": ("reviewed {x}", "you reviewed", "评价过 {x}", "你评价过的"),
    "": ("interacted with {x}", "you interacted with", "与 {x} 互动过", "你互动过的"),
}
# source: (en lead, en clause, zh)
_SOURCES = {
    "covisitation": (
        "Often chosen together with items you interacted with",
        "is often chosen together with items you interacted with",
        "常与你互动过的商品一起被选择",
    ),
    "sequence": (
        "Often picked next after your latest items",
        "is often picked next after your latest items",
        "常在你最近互动的商品之后被选择",
    ),
    "trending": ("Popular right now", "is popular right now", "当前热门"),
    "popular": ("Popular overall", "is popular overall", "广受欢迎"),
    "semantic": ("Close to your interests", "is close to your interests", "与你的兴趣相近"),
    "cf": (
        "Liked by people with similar taste",
        "is liked by people with similar taste",
        "口味相似的用户也喜欢",
    ),
    "query": ("Matches your search", "matches your search", "符合你的搜索"),
}
_HISTORY = (
    "Picked for you from your history",
    "is picked for you from your history",
    "根据你的历史推荐",
)
_RULES = {
    "boost": ("Promoted by the shop", "is promoted by the shop", "由店铺推荐"),
    "pin": ("Featured by the shop", "is featured by the shop", "由店铺置顶"),
    "bury": ("Ranked lower by a shop rule", "is ranked lower by a shop rule", "被店铺规则调低"),
}
# op: (en clause, zh clause) for a constraint on any field; {f} the field, {v} the value(s)
_OPS = {
    "==": ("has {f} {v}", "{f} 为 {v}"),
    "!=": ("does not have {f} {v}", "{f} 不是 {v}"),
    "in": ("has {f} {v}", "{f} 为 {v}"),
    "not in": ("does not have {f} {v}", "{f} 不是 {v}"),
    "<": ("has {f} under {v}", "{f} 低于 {v}"),
    "<=": ("has {f} of at most {v}", "{f} 不超过 {v}"),
    ">": ("has {f} over {v}", "{f} 高于 {v}"),
    ">=": ("has {f} of at least {v}", "{f} 不低于 {v}"),
    "startswith": ("has {f} starting with {v}", "{f} 以 {v} 开头"),
    "contains": ("has {f} containing {v}", "{f} 包含 {v}"),
    "not contains": ("has no {f} containing {v}", "{f} 不包含 {v}"),
}
# (field, op): (en clause, zh clause) where a plainer wording exists
_FIELD_OPS = {
    ("price", "<="): ("is under your {v} limit", "价格在 {v} 以内"),
    ("price", "<"): ("is under your {v} limit", "价格低于 {v}"),
    ("price", ">="): ("costs {v} or more", "价格不低于 {v}"),
    ("price", ">"): ("costs more than {v}", "价格高于 {v}"),
    ("price", "=="): ("costs {v}", "价格为 {v}"),
    ("brand", "=="): ("is from {v}", "品牌为 {v}"),
    ("brand", "in"): ("is from {v}", "品牌为 {v}"),
    ("brand", "!="): ("is not from {v}", "品牌不是 {v}"),
    ("brand", "not in"): ("is not from {v}", "品牌不是 {v}"),
    ("category", "=="): ("is in {v}", "属于 {v} 类别"),
    ("category", "in"): ("is in {v}", "属于 {v} 类别"),
    ("category", "startswith"): ("is in {v}", "属于 {v} 类别"),
    ("category", "!="): ("is not in {v}", "不属于 {v} 类别"),
    ("category", "not in"): ("is not in {v}", "不属于 {v} 类别"),
    ("text", "contains"): ("mentions {q}", "提到{q}"),
    ("text", "not contains"): ("does not mention {q}", "不含{q}"),
}
_LEAD, _SOURCE, _SEARCH, _MODEL, _CLAUSE = 0, 2, 3, 5, 9


class _Phrase(NamedTuple):
    """One thing the reasons support, as a lead and as a clause in each language."""

    en_lead: str
    en_clause: str
    zh: str
    rank: int = _CLAUSE
    share: float = 0.0
    covers: frozenset[str] = frozenset()
    rule: bool = False


# Each source's phrase, and each model's (the CF model's names what it learned from)
_SOURCE_PHRASES = {
    name: _Phrase(*texts, rank=_SOURCE, covers=frozenset({name}))
    for name, texts in _SOURCES.items()
}
_MODEL_PHRASES = {
    name: _Phrase(*(_HISTORY if name == "cf" else texts), rank=_MODEL, covers=frozenset({name}))
    for name, texts in _SOURCES.items()
}


def sentence(reasons: Sequence[Mapping[str, Any]], language: str = "en") -> str:
    """One sentence explaining a recommendation, built only from its `reasons`.

    >>> sentence([{"kind": "because_of", "item_id": "p45", "title": "Yamaha P-45"},
    ...           {"kind": "constraint", "field": "price", "op": "<=", "value": 500.0}])
    'Because you interacted with the Yamaha P-45, and it is under your 500 limit.'
    >>> sentence([{"kind": "source", "source": "trending", "share": 0.7}], language="zh")
    '当前热门。'
    """
    if language not in LANGUAGES:
        raise ValidationError("language", language, "'en' or 'zh'")
    leads: list[_Phrase] = []
    rules: list[_Phrase] = []
    clauses: list[_Phrase] = []
    for p in _phrases(reasons):
        (rules if p.rule else leads if p.rank < _CLAUSE else clauses).append(p)
    leads.sort(key=_lead_order)
    lead = leads[0] if leads else None
    if lead is not None:
        second = [p for p in leads[1:] if p.rank < _MODEL and not p.covers & lead.covers]
        clauses = second[:1] + clauses
    clauses = clauses[: max(MAX_CLAUSES - len(rules), 0)] + rules
    if language == "zh":
        return _zh(lead, clauses)
    return _en(lead, clauses)


def _lead_order(phrase: _Phrase) -> tuple[int, float]:
    return phrase.rank, -phrase.share


def _en(lead: _Phrase | None, clauses: list[_Phrase]) -> str:
    parts = [p.en_clause for p in clauses]
    if lead is None:
        return f"It {_join(parts, ', ', ' and ')}." if parts else "Recommended for you."
    tail = f", and it {_join(parts, ', ', ' and ')}" if parts else ""
    return f"{lead.en_lead}{tail}."


def _zh(lead: _Phrase | None, clauses: list[_Phrase]) -> str:
    parts = "、".join(p.zh for p in clauses)
    if lead is None:
        return f"{parts}。" if parts else "为你推荐。"
    return f"{lead.zh}，且{parts}。" if parts else f"{lead.zh}。"


def _phrases(reasons: Sequence[Mapping[str, Any]]) -> list[_Phrase]:
    """Every phrase the reasons support, in their order, without repeats.

    Two reasons can support the same words (the model that led and its source); the phrase
    kept is the one that leads best, so the largest source still leads the sentence.
    """
    because = [r for r in reasons if r.get("kind") == "because_of"]
    found: list[_Phrase | None] = [_because(because)] if because else []
    terms: list[str] | None = None
    for reason in reasons:
        kind = reason.get("kind")
        maker = _MAKERS.get(kind)  # type: ignore[arg-type]
        if maker is not None:
            found.append(maker(reason))
        elif kind == "search" or kind == "matched_terms":
            if terms is None:
                terms = _search_terms(reasons)
            if kind == "search":
                found.append(_search(terms))
            elif not any(r.get("kind") == "search" for r in reasons):
                found.append(_terms_clause(terms))
    out: list[_Phrase] = []
    at: dict[str, int] = {}
    for phrase in found:
        if phrase is None:
            continue
        seen = at.get(phrase.en_clause)
        if seen is None:
            at[phrase.en_clause] = len(out)
            out.append(phrase)
        elif (phrase.rank, -phrase.share) < (out[seen].rank, -out[seen].share):
            out[seen] = phrase
    return out


def _search_terms(reasons: Sequence[Mapping[str, Any]]) -> list[str]:
    """The terms of the first `matched_terms` reason."""
    return next((_texts(r.get("terms")) for r in reasons if r.get("kind") == "matched_terms"), [])


def _because(reasons: list[Mapping[str, Any]]) -> _Phrase | None:
    objects = [(_object(r, "en"), _object(r, "zh")) for r in reasons]
    objects = list(dict.fromkeys(pair for pair in objects if pair[0]))
    if not objects:
        return None
    events = {str(r.get("event") or "") for r in reasons}
    event = events.pop() if len(events) == 1 else ""
    en, _, zh, _ = _EVENTS.get(event, _EVENTS[""])
    en_x = _join([o[0] for o in objects], ", ", " and ")
    zh_x = " 和 ".join(o[1] for o in objects)
    return _Phrase(
        f"Because you {en.format(x=en_x)}", f"relates to {en_x}, which you interacted with",
        f"因为你{zh.format(x=zh_x)}", _LEAD, covers=frozenset({"because_of", "cf"}),
    )  # fmt: skip


def _similar(reason: Mapping[str, Any]) -> _Phrase | None:
    en_x, zh_x = _object(reason, "en"), _object(reason, "zh")
    if not en_x:
        return None
    event = str(reason.get("event") or "")
    _, en_rel, _, zh_rel = _EVENTS.get(event, _EVENTS[""])
    en = f"similar to {en_x} {en_rel}"
    return _Phrase(
        en[0].upper() + en[1:], f"is {en}", f"与{zh_rel} {zh_x} 相似", _LEAD + 1,
        covers=frozenset({"similar", "semantic"}),
    )  # fmt: skip


def _similar_meaning(reason: Mapping[str, Any]) -> _Phrase | None:
    item = _text(reason.get("item_id"))
    if not item:
        return None
    return _Phrase(
        f"Close in meaning to {item}", f"is close in meaning to {item}",
        f"与 {item} 含义相近", _LEAD + 1, covers=frozenset({"similar"}),
    )  # fmt: skip


def _source_name(name: object) -> str:
    """The phrase key of a source or model name: CF models are "cf", popularity "popular"."""
    if name in ("popularity", "popular"):
        return "popular"
    if name == "cf" or (isinstance(name, str) and name in MODELS):
        return "cf"
    return name if isinstance(name, str) and name in _SOURCES else ""


def _source(reason: Mapping[str, Any]) -> _Phrase | None:
    name = _source_name(reason.get("source"))
    if not name:
        return None
    share = reason.get("share")
    p = _SOURCE_PHRASES[name]
    if not isinstance(share, int | float):
        return p
    return _Phrase(p.en_lead, p.en_clause, p.zh, p.rank, float(share), p.covers)


def _model(reason: Mapping[str, Any]) -> _Phrase | None:
    """The model reason: the source that led, or popularity filling in for a CF model."""
    name = _source_name(reason.get("model"))
    if name == "cf" and reason.get("fallback"):
        name = "popular"
    return _MODEL_PHRASES[name] if name else None


def _search(terms: list[str]) -> _Phrase:
    if not terms:
        return _Phrase(*_SOURCES["query"], rank=_SEARCH, covers=frozenset({"query"}))
    en, zh = _terms_text(terms)
    return _Phrase(
        f"Matches your search words {en}", f"matches your search words {en}",
        f"符合搜索词{zh}", _SEARCH, covers=frozenset({"query"}),
    )  # fmt: skip


def _terms_clause(terms: list[str]) -> _Phrase | None:
    if not terms:
        return None
    en, zh = _terms_text(terms)
    return _Phrase("", f"matches your search words {en}", f"符合搜索词{zh}")


def _personal(_: Mapping[str, Any]) -> _Phrase:
    texts = ("Close to your tastes", "is close to your tastes", "符合你的偏好")
    return _Phrase(*texts, rank=_SEARCH + 1, covers=frozenset({"personal", "semantic"}))


def _rule(reason: Mapping[str, Any]) -> _Phrase | None:
    action = _text(reason.get("rule")).split(":")[0].split(" ")[0]
    return _Phrase(*_RULES[action], rule=True) if action in _RULES else None


def _constraint(reason: Mapping[str, Any]) -> _Phrase | None:
    name, op, value = _text(reason.get("field")), reason.get("op"), reason.get("value")
    values = _values(value, category=name == "category")
    texts = _FIELD_OPS.get((name, op)) or _OPS.get(op)  # type: ignore[arg-type]
    if not name or not values or texts is None or (name == "price" and not _single(value)):
        return None
    label = name.removeprefix("attributes.").replace("_", " ")
    en_q, zh_q = _terms_text(values)
    en = texts[0].format(f=label, v=" or ".join(values), q=en_q)
    return _Phrase("", en, texts[1].format(f=label, v=" 或 ".join(values), q=zh_q))


def _aspect(reason: Mapping[str, Any]) -> _Phrase | None:
    return _constraint({"field": reason.get("field"), "op": "==", "value": reason.get("value")})


_MAKERS: dict[str, Callable[[Mapping[str, Any]], _Phrase | None]] = {
    "similar_to": _similar,
    "similar_meaning": _similar_meaning,
    "source": _source,
    "model": _model,
    "personal": _personal,
    "rule": _rule,
    "constraint": _constraint,
    "aspect": _aspect,
}


def _object(reason: Mapping[str, Any], language: str) -> str:
    """How the sentence names a reason's item: its title, else its id."""
    title, item = _text(reason.get("title")), _text(reason.get("item_id"))
    if language == "zh":
        return title or (f"商品 {item}" if item else "")
    if title:
        return title if title.lower().startswith(("the ", "a ", "an ")) else f"the {title}"
    return f"item {item}" if item else ""


def _values(value: Any, *, category: bool) -> list[str]:
    items = value if isinstance(value, list | tuple) else [value]
    out = [_text(v) for v in items]
    return [v.replace("/", " > ") if category else v for v in out if v]


def _single(value: Any) -> bool:
    """Whether `value` is one finite number (a price bound must be)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and bool(_text(value))


def _texts(value: Any) -> list[str]:
    return [t for t in (_text(v) for v in value) if t] if isinstance(value, list | tuple) else []


def _terms_text(terms: list[str]) -> tuple[str, str]:
    shown = terms[:3]
    return _join([f'"{t}"' for t in shown], ", ", " and "), "、".join(f"“{t}”" for t in shown)


def _text(value: Any) -> str:
    """A value as the sentence shows it: numbers plainly, text on one line, else nothing."""
    if type(value) is str:  # the common case first
        return " ".join(value.split())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, str):
        return " ".join(value.split())
    return ""


def _number(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _join(parts: list[str], sep: str, last: str) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return sep.join(parts[:-1]) + last + parts[-1]
