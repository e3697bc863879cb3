"""Keyword mode's ranking features, each a score per row (search_app.ranking decides for
which rows each is computed).

- BM25F over the words (context fields weigh less than the clause's own text,
  equivalents less than the typed word): `base_scores`, cheap, computed for every match.
- The sequential dependence model's unordered window (Metzler & Croft 2005): query
  words together in one sentence, `sentence_bonus`, for the first rows only. Its
  ordered window (adjacent words as a phrase) and character bigrams are in
  search_app.proximity.
"""
from __future__ import annotations

import re

import numpy as np

from analyzers.normalize import normalize
from search_app import rowsets
from search_app.keyword import (PARTS_MAX_OCCURRENCES, Concept, concepts, context_hits, idf,
                                parts_rows)

K1, B = 1.2, 0.75
PARTS_WEIGHT = 0.6          # all parts of a compound close together, beside the word itself
PART_ALONE_WEIGHT = 0.3     # one part of a compound without the others
SENTENCE_WEIGHT = 0.3       # SDM unordered window: query words in one sentence
RERANK_DEPTH = 200          # rows the sentence feature is computed for
_SENTENCE = re.compile(r"[^。！？；;!?\n]+")
# above this share of the corpus's rows a dense table beats a binary search per row
_DENSE_SHARE = 16


def _tf(found: np.ndarray, counts: np.ndarray, rows: np.ndarray, n: int = 0,
        table: np.ndarray | None = None) -> np.ndarray:
    """Counts of `found` rows (sorted) looked up for `rows`, 0 elsewhere. With the
    corpus size `n` and many rows, through a dense table (one pass, no searching);
    `table`, when given, is n zeros to use for it and is left zeroed."""
    if not len(found):
        return np.zeros(len(rows))
    if len(found) == len(rows) and (found is rows or np.array_equal(found, rows)):
        return counts.astype(np.float64)
    if n and len(rows) * _DENSE_SHARE > n:
        if table is None:
            table = np.zeros(n)
        try:
            table[found] = counts
            return table[rows]
        finally:
            table[found] = 0
    tf = np.zeros(len(rows))
    pos = np.minimum(np.searchsorted(found, rows), len(found) - 1)
    ok = found[pos] == rows
    tf[ok] = counts[pos[ok]]
    return tf


def _bm25(idf_value: float, tf: np.ndarray, norm: np.ndarray) -> np.ndarray:
    return idf_value * tf * (K1 + 1) / (tf + norm)


def _avg_length(ctx) -> float:
    def build(snap):
        lengths = snap.arrays["lengths"]
        return float(lengths.mean()) if len(lengths) else 1.0
    return ctx.snap.derived("length_mean", build) if hasattr(ctx.snap, "derived") \
        else build(ctx.snap)


def _norm(ctx, rows: np.ndarray) -> np.ndarray:
    avg = _avg_length(ctx)
    lengths = ctx.snap.arrays["lengths"]
    return K1 * (1 - B + B * lengths[rows].astype(np.float64) / max(avg, 1.0))


def concept_tf(ctx, c: Concept, rows: np.ndarray) -> np.ndarray:
    """BM25F pseudo-frequency: the best of the word, its equivalents and its parts, each
    its text count plus the weighted context fields holding it."""
    n = ctx.snap.n
    t = rowsets.scratch(ctx.snap) if len(rows) * _DENSE_SHARE > n else None
    best = np.zeros(len(rows))
    for word, weight in ((c.word, 1.0), *c.equivalents):
        tf = _tf(*ctx.text_rows(word), rows, n, t) + _tf(*context_hits(ctx, word), rows, n, t)
        best = np.maximum(best, weight * tf)
    if c.parts:
        best = np.maximum(best, PARTS_WEIGHT * _tf(*parts_rows(ctx, c.parts), rows, n, t))
        # each part alone holds its share, as in partial_rows: 教师 alone, half of 教师待遇
        # (a part as common as 政府 says little and costs much: it is left out)
        alone = sum(_tf(*ctx.text_rows(p), rows, n, t) for p in c.parts
                    if ctx.snap.count(p) <= PARTS_MAX_OCCURRENCES) / len(c.parts)
        best = np.maximum(best, PART_ALONE_WEIGHT * alone)
    return best


def base_scores(ctx, rows: np.ndarray, words: list[Concept]) -> np.ndarray:
    """BM25F over the words (exact mode ranks its one literal by this alone)."""
    total = np.zeros(len(rows))
    if not words or not len(rows):
        return total
    norm = _norm(ctx, rows)
    for c in words:
        total += _bm25(idf(ctx, c), concept_tf(ctx, c, rows), norm)
    return total


def has_extra(words: list[Concept]) -> bool:
    """Whether the proximity and character-pair features can add anything: one word
    holds no pairs (every full match holds its own characters' pairs anyway)."""
    return len(words) > 1


def sentence_bonus(ctx, rows: np.ndarray, node) -> np.ndarray:
    """Per row, the idf weight of the query words found together in its best sentence
    (two words at least), scaled by SENTENCE_WEIGHT."""
    words = concepts(node)
    out = np.zeros(len(rows))
    if len(words) < 2:
        return out
    forms = [(idf(ctx, c), [normalize(w) for w in (c.word, *(e for e, _ in c.equivalents))],
              [normalize(p) for p in c.parts]) for c in words]
    for k, row in enumerate(rows):
        text = ctx.snap.row_text(int(row))
        # a word the clause lacks is in none of its sentences: look for the others only
        present = [f for f in forms if any(a in text for a in f[1])
                   or (f[2] and all(p in text for p in f[2]))]
        if len(present) < 2:
            continue
        best = 0.0
        for sentence in _SENTENCE.findall(text):
            held = [w for w, alts, parts in present
                    if any(a in sentence for a in alts)
                    or (parts and all(p in sentence for p in parts))]
            if len(held) >= 2:
                best = max(best, sum(held))
        out[k] = SENTENCE_WEIGHT * best
    return out
