"""Natural-language search and the language side of `recommend`: intent -> filters -> scores.

Hard constraints parsed from the query (category, brands wanted or excluded, price bounds,
excluded attribute values) become part of the `allow` mask before anything is ranked, so no
result can violate them; wanted attributes, aspects and free text only change scores. When no
category was parsed, the meaning of the query's aspects alone (its head noun, without colour or
brand words) points to a category as soft evidence (`rank.hybrid.category_prior`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from semrec.models import top_k
from semrec.rank.hybrid import SearchWeights, category_prior, hybrid_relevance, order_by_key
from semrec.service.language import LanguageIndex
from semrec.text.constraints import hard_mask, matched_constraints, soft_scores, sort_keys
from semrec.text.encoders.base import Encoder
from semrec.text.intent import Intent
from semrec.text.tokenize import tokenize

__all__ = [
    "QueryScores",
    "SearchHit",
    "query_relevance",
    "query_scores",
    "rank_query",
    "search_reasons",
    "weights_for",
]

_DESCENDING_SORTS = frozenset({"price_desc", "newest", "rating"})


@dataclass(frozen=True)
class QueryScores:
    """A query's evidence per item: the allow mask and each source's raw scores.

    `category` is the category prior from the aspects' meaning (None: a category was parsed,
    the query has no aspects, or the catalog has no categories).
    """

    intent: Intent
    allow: npt.NDArray[np.bool_]
    semantic: npt.NDArray[np.float32]
    lexical: npt.NDArray[np.float32]
    attributes: npt.NDArray[np.float32]
    sort_key: npt.NDArray[np.float64] | None
    category: npt.NDArray[np.float32] | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result by dense index with its relevance."""

    item: int
    score: float


def query_text(intent: Intent) -> str:
    """What the encoder and BM25 read: the free-text need, else the whole query."""
    return intent.text if tokenize(intent.text) else intent.query


def query_scores(
    intent: Intent, language: LanguageIndex, encoder: Encoder, allow: npt.NDArray[np.bool_]
) -> QueryScores:
    """Apply the intent's hard constraints to `allow` and score every item against the query."""
    allow = allow & hard_mask(intent, language.facts) & language.has_text
    for term in intent.negations:
        mentioned = language.mentions(term)
        allow &= ~mentioned
        brand = _brand_named_by(mentioned, language)
        if brand:
            allow &= language.facts.brands != brand
    text = query_text(intent)
    vector = encoder.encode([text])[0]
    semantic = language.semantic_scores(vector)
    lexical = language.lexical.scores(text)
    facts = language.facts
    focus = _focus(intent, language)
    prior = None
    if focus:
        near = semantic if focus == text else language.semantic_scores(encoder.encode([focus])[0])
        prior = category_prior(near, facts.category_ids, allow)
    return QueryScores(
        intent,
        allow,
        semantic,
        lexical,
        soft_scores(intent, facts),
        sort_keys(intent, facts),
        prior,
    )


def _focus(intent: Intent, language: LanguageIndex) -> str:
    """What the category prior reads: the aspects, when no category was parsed ("": none)."""
    if intent.categories or not language.facts.category_paths:
        return ""
    return " ".join(a for a in intent.aspects if tokenize(a))


def _brand_named_by(mentioned: npt.NDArray[np.bool_], language: LanguageIndex) -> str:
    """The brand (lowercased) of nearly all items mentioning a term, else "".

    A negated word the lexicon does not know ("不要德龙") that only ever appears in one brand's
    items is that brand's name in another language: exclude the brand in every language.
    """
    brands = language.facts.brands[mentioned]
    brands = brands[brands != ""]
    if brands.size == 0:
        return ""
    values, counts = np.unique(brands, return_counts=True)
    best = int(np.argmax(counts))
    return str(values[best]) if counts[best] >= 0.8 * brands.size else ""


def rank_query(
    scores: QueryScores,
    k: int,
    personal: npt.NDArray[np.float32] | None = None,
    weights: SearchWeights = SearchWeights(),  # noqa: B008 - frozen, so safe as a default
) -> list[SearchHit]:
    """The top-k allowed items by hybrid relevance, or by the sort the query asked for."""
    relevance = hybrid_relevance(
        scores.semantic,
        scores.lexical,
        scores.attributes,
        personal,
        scores.allow,
        weights_for(scores.intent, weights),
        category=scores.category,
    )
    if scores.sort_key is not None:
        descending = scores.intent.sort in _DESCENDING_SORTS
        ids = order_by_key(relevance, scores.sort_key, k, descending=descending)
        return [SearchHit(int(i), float(relevance[i])) for i in ids]
    ids, vals = top_k(relevance, k, allow=scores.allow)
    return [SearchHit(int(i), float(v)) for i, v in zip(ids, vals, strict=True)]


def query_relevance(scores: QueryScores) -> npt.NDArray[np.float32]:
    """The query's hybrid relevance of every item, without personalisation (-inf: not allowed)."""
    return hybrid_relevance(
        scores.semantic,
        scores.lexical,
        scores.attributes,
        None,
        scores.allow,
        weights_for(scores.intent),
        category=scores.category,
    )


def weights_for(
    intent: Intent,
    weights: SearchWeights = SearchWeights(),  # noqa: B008 - frozen, so safe as a default
) -> SearchWeights:
    """`weights`, with `free_text_lexical` as the lexical weight when nothing was understood.

    A query with no constraint, category or wanted attribute is free text ("great strings
    for the price"): its exact words are the best evidence left.
    """
    understood = intent.has_hard_constraints or any(intent.attributes.values())
    return weights if understood else replace(weights, lexical=weights.free_text_lexical)


def search_reasons(
    item: int, scores: QueryScores, language: LanguageIndex, personal_sim: float | None = None
) -> list[dict[str, Any]]:
    """Why an item matched: constraints and attributes it satisfies, terms, similarity."""
    reasons: list[dict[str, Any]] = [
        {
            "kind": "search",
            "semantic": round(float(scores.semantic[item]), 4),
            "lexical": round(float(scores.lexical[item]), 4),
        }
    ]
    terms = sorted(
        set(tokenize(query_text(scores.intent))) & set(tokenize(language.documents[item]))
    )
    if terms:
        reasons.append({"kind": "matched_terms", "terms": terms})
    reasons.extend(matched_constraints(scores.intent, language.facts, item))
    for term in scores.intent.negations:
        reasons.append({"kind": "constraint", "field": "text", "op": "not contains", "value": term})
    if personal_sim is not None:
        reasons.append({"kind": "personal", "similarity": round(personal_sim, 4)})
    return reasons
