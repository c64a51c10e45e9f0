"""Chinese aliases learned from a catalog's own Chinese titles.

A Chinese word that is in most titles of one group (a brand, a category node, an attribute value
or a category-specific tag) and rarely elsewhere becomes that group's alias: ``索尼`` -> Sony,
``红色`` -> colour red, ``弹力带`` -> the tag "resistance bands" -> its node Sports/Yoga.
Candidate words are jieba's words, pairs of adjacent words and whole space-separated chunks of
a title, so a compound such as ``跑步夹克`` (a running jacket, sportswear) is learned whole and
wins over its head ``夹克`` (jackets) when a query is matched longest alias first.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any, Final

from semrec.data.records import Item
from semrec.text.aliases import fold, string_attributes
from semrec.text.normalize import CJK_CHARS
from semrec.text.tokenize import token_spans, tokenize

__all__ = ["learn_chinese", "title_words"]

Path = tuple[str, ...]
Group = tuple[str, Any]  # ("brand", folded name) | ("category", path) | ("attribute", (k, v))

_MIN_RECALL: Final = 0.5  # a learned word is in at least half the group's Chinese titles
_MIN_PRECISION: Final = 0.85  # ... and at least 85% of the titles holding it are the group's
_MAX_CHUNK: Final = 10  # longer space-separated chunks are phrases, not names
_CJK_CHAR = re.compile(f"[{CJK_CHARS}]")
_CJK_WORD = re.compile(f"[{CJK_CHARS}]{{2,}}")
_CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
_CHUNK = re.compile(r"[\w'&+.-]{2,}")


def title_words(title: str) -> set[str]:
    """The folded Chinese words a title offers as aliases.

    >>> sorted(title_words("露露乐蒙 Flow 2 瑜伽垫 黑色"))
    ['乐蒙', '瑜伽', '瑜伽垫', '露露', '露露乐蒙', '黑色']
    """
    folded = fold(title)
    found = {t for t in tokenize(folded) if _CJK_WORD.fullmatch(t)}
    for chunk in folded.split():
        if not _CJK_CHAR.search(chunk):
            continue
        if len(chunk) <= _MAX_CHUNK and _CHUNK.fullmatch(chunk):
            found.add(chunk)
        spans = [s for s in token_spans(chunk) if _CJK_RUN.fullmatch(s[0])]
        found.update(a[0] + b[0] for a, b in pairwise(spans) if a[2] == b[1])
    return found


def _groups(item: Item, attributes: set[tuple[str, str]], tags: Mapping[str, Path]) -> set[Group]:
    groups: set[Group] = {("brand", fold(item.brand))} if item.brand.strip() else set()
    groups |= {("category", item.category[:d]) for d in range(1, len(item.category) + 1)}
    groups |= {("attribute", kv) for kv in string_attributes(item) if kv in attributes}
    groups |= {("tag", tag) for tag in (fold(t) for t in item.tags) if tag in tags}
    return groups


def learn_chinese(
    items: Sequence[Item],
    attributes: set[tuple[str, str]],
    tags: Mapping[str, Path],
    min_support: int,
) -> dict[Group, set[str]]:
    """Chinese title words found in most titles of one group and rarely elsewhere.

    A word goes to the single group where it is most telling: highest precision across
    groups, then best F1 with recall within the group, then the most specific group. Words
    learned for a tag of `tags` (tag -> category node) are returned under that node.
    """
    sizes: Counter[Group] = Counter()
    per_word: dict[str, Counter[Group]] = defaultdict(Counter)
    df: Counter[str] = Counter()
    for item in items:
        if not _CJK_CHAR.search(item.title):
            continue
        of_item = _groups(item, attributes, tags)
        sizes.update(of_item)
        for word in title_words(item.title):
            df[word] += 1
            per_word[word].update(of_item)
    learned: dict[Group, set[str]] = defaultdict(set)
    for word, groups in per_word.items():
        best = _best_group(groups, sizes, df[word], min_support)
        if best is not None:
            learned[best].add(word)
    out: dict[Group, set[str]] = defaultdict(set)
    for (kind, target), found in learned.items():
        group = ("category", tags[target]) if kind == "tag" else (kind, target)
        out[group] |= _maximal(found, df)
    return out


def _best_group(
    groups: Counter[Group], sizes: Counter[Group], df: int, min_support: int
) -> Group | None:
    best: tuple[float, float, int, str] | None = None
    chosen: Group | None = None
    for group, n in groups.items():
        recall, precision = n / sizes[group], n / df
        if n >= min_support and recall >= _MIN_RECALL and precision >= _MIN_PRECISION:
            f1 = 2 * recall * precision / (recall + precision)
            candidate = (precision, f1, _specificity(group), repr(group))
            if best is None or candidate > best:
                best, chosen = candidate, group
    return chosen


def _specificity(group: Group) -> int:
    """On ties: a brand, then an attribute value, then a tag, then the deepest category node."""
    kind, target = group
    return {"brand": 100, "attribute": 50, "tag": 40}.get(kind, len(target))


def _maximal(found: set[str], df: Counter[str]) -> set[str]:
    """Drop sub-words seen only inside a longer learned word (卡西 and 西欧 inside 卡西欧)."""
    return {
        w
        for w in found
        if not any(w in longer and w != longer and df[w] == df[longer] for longer in found)
    }
