"""The order of one query's matches, for the first `need` of them: top-k, not a sort of
every match.

Every match gets the cheap score (BM25F over the words, search_app.features); the
expensive features (adjacent pairs, character pairs, then the sentence feature for the
first RERANK_DEPTH) are computed for the best CANDIDATES rows by the cheap score only.
The candidates are enough when the best row left out, given the most the pair features
can add to it (`proximity.extra_bound`, MaxScore's upper bound), still stays below the
RERANK_DEPTH-th candidate: then the first RERANK_DEPTH rows, and with them the sentence
feature's rows and the first pages, are the ones scoring every match would give. Until
then the candidates grow, up to MAX_CANDIDATES. Rows past the candidates (pages deeper
than that) follow in cheap-score order. The choice depends on the query alone, never on
the page asked for, so pages neither repeat nor skip rows.

Ordering by date needs no scores: the first rows by date are picked the same way, and
only the shown rows are scored.
"""
from __future__ import annotations

import numpy as np

from search_app import features, proximity
from search_app.keyword import concepts

CANDIDATES = 1000          # rows the pair features are computed for at first
MAX_CANDIDATES = 1000     # … and at most, when the bound does not yet prove the top
_ROUND = 6                 # scores compare at this many decimals (ties go by date)
_EMPTY = np.zeros(0, dtype=np.int64)


def first_k(primary: np.ndarray, k: int, ties) -> np.ndarray:
    """Positions of the first k rows of np.lexsort((*ties(all), primary)), sorting only
    the rows whose primary key is among the k smallest. `ties(positions)` gives the
    secondary keys (last most significant) of those positions."""
    n = len(primary)
    if k <= 0 or not n:
        return _EMPTY
    if k >= n:
        cand = np.arange(n)
    else:
        kth = np.partition(primary, k - 1)[k - 1]
        cand = np.flatnonzero(primary <= kth)
    return cand[np.lexsort((*ties(cand), primary[cand]))[:k]]


def first_k_grouped(primary: np.ndarray, group: np.ndarray | None, k: int, ties) -> np.ndarray:
    """first_k with the rows of `group` (partial matches) after all the others."""
    if group is None or not group.any():
        return first_k(primary, k, ties)
    out = []
    for members in (np.flatnonzero(~group), np.flatnonzero(group)):
        if k - sum(len(o) for o in out) <= 0 or not len(members):
            continue
        got = first_k(primary[members], k - sum(len(o) for o in out),
                      lambda pos, m=members: ties(m[pos]))
        out.append(members[got])
    return np.concatenate(out) if out else _EMPTY


def _tie_keys(ctx, rows: np.ndarray, sort: str):
    a = ctx.snap.arrays
    date, doc, seq = a["date"], a["row_doc"], a["seq"]

    def ties(pos):
        r = rows[pos]
        if sort == "relevance":
            return seq[r], doc[r], -date[r]
        return seq[r], doc[r]
    return ties


def _key(scores: np.ndarray) -> np.ndarray:
    return -np.round(scores, _ROUND)


def rank(ctx, rows: np.ndarray, partial: np.ndarray | None, node, sort: str, need: int,
         with_pairs: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(positions in `rows` of the first `need` hits in order, their scores): full
    matches before partial ones, each group by the chosen sort."""
    need = min(need, len(rows))
    words = concepts(node)
    ties = _tie_keys(ctx, rows, sort)
    if sort != "relevance":
        date = ctx.snap.arrays["date"][rows]
        top = first_k_grouped(date if sort == "date" else -date, partial, need, ties)
        return top, proximity.scores(ctx, rows[top], node, with_pairs)
    cheap = features.base_scores(ctx, rows, words)
    if not with_pairs or not features.has_extra(words):
        top = first_k_grouped(_key(cheap), partial, need, ties)
        return top, cheap[top]
    cand, full = _candidates(ctx, rows, partial, words, cheap, ties)
    group = partial[cand] if partial is not None else np.zeros(len(cand), bool)

    def order_of(s):
        return np.lexsort((*ties(cand), _key(s), group))
    order = order_of(full)
    best = order[:features.RERANK_DEPTH]
    bonus = features.sentence_bonus(ctx, rows[cand[best]], node)
    if bonus.any():
        full = full.copy()
        full[best] += bonus
        order = order_of(full)
    top, top_scores = cand[order], full[order]
    if need <= len(top):
        return top[:need], top_scores[:need]
    # deeper than the candidates: the rest in cheap-score order, scored as shown
    rest = np.ones(len(rows), bool)
    rest[cand] = False
    rest = np.flatnonzero(rest)
    more = rest[first_k_grouped(_key(cheap[rest]), None if partial is None else partial[rest],
                                need - len(top), lambda pos: ties(rest[pos]))]
    more_scores = cheap[more] + proximity.extra_scores(ctx, rows[more], words)
    return np.concatenate([top, more]), np.concatenate([top_scores, more_scores])


def _candidates(ctx, rows, partial, words, cheap, ties) -> tuple[np.ndarray, np.ndarray]:
    """(positions of the candidate rows, their scores with the pair features)."""
    bound = proximity.extra_bound(ctx, words) if MAX_CANDIDATES > CANDIDATES else 0.0
    size = CANDIDATES
    while True:
        cand = first_k_grouped(_key(cheap), partial, size, ties)
        full = cheap[cand] + proximity.extra_scores(ctx, rows[cand], words)
        if len(cand) == len(rows) or size >= MAX_CANDIDATES or \
                _proven(cheap, partial, cand, full, bound, features.RERANK_DEPTH):
            return cand, full
        size *= 4


def _proven(cheap, partial, cand, full, bound: float, depth: int) -> bool:
    """Whether no row outside `cand` can be among the first `depth` by the full score:
    the best cheap score left out plus `bound` stays below the depth-th candidate."""
    group = np.zeros(len(cheap), bool) if partial is None else partial
    rest = np.ones(len(cheap), bool)
    rest[cand] = False
    if not rest.any():
        return True
    in_group = group[cand]
    firsts = np.count_nonzero(~in_group)
    if firsts >= depth:                          # the first `depth` are all full matches
        pool, left_out = full[~in_group], rest & ~group
        need = depth
    else:
        if (rest & ~group).any():                # a full match left out: not proven
            return False
        pool, left_out = full[in_group], rest & group
        need = depth - firsts
    if not left_out.any():
        return True
    if len(pool) < need:
        return False
    theta = np.partition(pool, len(pool) - need)[len(pool) - need]
    return float(cheap[left_out].max()) + bound < theta - 10.0 ** -_ROUND
