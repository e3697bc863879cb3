"""Keyword mode's ranking features, each a score per row (search_app.ranking decides for
which rows each is computed).

- BM25F over the words (context fields weigh less than the clause's own text,
  equivalents less than the typed word): `base_scores`, cheap, computed for every match.
- The sequential dependence model's proximity features (Metzler & Croft 2005):
  adjacent query words as a phrase, and query words together in one sentence; plus BM25
  over character bigrams, which catches wording jieba cuts differently in the query and
  in the text: `extra_scores` and `sentence_bonus`, computed for the best candidates by
  the base score only; `extra_bound` caps what `extra_scores` can add to any row.
"""
from __future__ import annotations

import re

import numpy as np

from analyzers.normalize import normalize
from search_app.keyword import (PARTS_MAX_OCCURRENCES, Concept, _idf, concepts, context_hits,
                                idf, parts_rows)

K1, B = 1.2, 0.75
PARTS_WEIGHT = 0.6          # all parts of a compound close together, beside the word itself
PART_ALONE_WEIGHT = 0.3     # one part of a compound without the others
PAIR_WEIGHT = 0.15          # SDM ordered window: two query words adjacent as typed
SENTENCE_WEIGHT = 0.3       # SDM unordered window: query words in one sentence
BIGRAM_WEIGHT = 0.3         # character pairs of the typed words
RERANK_DEPTH = 200          # rows the sentence feature is computed for
_SENTENCE = re.compile(r"[^。！？；;!?\n]+")
_CJK = re.compile(r"[\u3400-\u9fff]{2}")
# above this share of the corpus's rows a dense table beats a binary search per row
_DENSE_SHARE = 16


def _tf(found: np.ndarray, counts: np.ndarray, rows: np.ndarray, n: int = 0) -> np.ndarray:
    """Counts of `found` rows (sorted) looked up for `rows`, 0 elsewhere. With the
    corpus size `n` and many rows, through a dense table (one pass, no searching)."""
    if not len(found):
        return np.zeros(len(rows))
    if len(found) == len(rows) and (found is rows or np.array_equal(found, rows)):
        return counts.astype(np.float64)
    if n and len(rows) * _DENSE_SHARE > n:
        table = np.zeros(n)
        table[found] = counts
        return table[rows]
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
        return (float(lengths.mean()) if len(lengths) else 1.0,
                float(lengths.min()) if len(lengths) else 0.0)
    return ctx.snap.derived("length_stats", build) if hasattr(ctx.snap, "derived") \
        else build(ctx.snap)


def _norm(ctx, rows: np.ndarray) -> np.ndarray:
    avg, _ = _avg_length(ctx)
    lengths = ctx.snap.arrays["lengths"]
    return K1 * (1 - B + B * lengths[rows].astype(np.float64) / max(avg, 1.0))


def _min_norm(ctx) -> float:
    avg, shortest = _avg_length(ctx)
    return K1 * (1 - B + B * shortest / max(avg, 1.0))


def concept_tf(ctx, c: Concept, rows: np.ndarray) -> np.ndarray:
    """BM25F pseudo-frequency: the best of the word, its equivalents and its parts, each
    its text count plus the weighted context fields holding it."""
    n = ctx.snap.n
    best = np.zeros(len(rows))
    for word, weight in ((c.word, 1.0), *c.equivalents):
        tf = _tf(*ctx.text_rows(word), rows, n) + _tf(*context_hits(ctx, word), rows, n)
        best = np.maximum(best, weight * tf)
    if c.parts:
        best = np.maximum(best, PARTS_WEIGHT * _tf(*parts_rows(ctx, c.parts), rows, n))
        # each part alone holds its share, as in partial_rows: 教师 alone, half of 教师待遇
        # (a part as common as 政府 says little and costs much: it is left out)
        alone = sum(_tf(*ctx.text_rows(p), rows, n) for p in c.parts
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


def _pair_features(ctx, words):
    """(idf, (rows, counts)) of each adjacent typed pair found as a phrase."""
    weights = {c: idf(ctx, c) for c in words}
    out = []
    for a, b in zip(words, words[1:]):
        found = ctx.text_rows(a.word + b.word)
        if len(found[0]):
            # the pair weighs what its weaker word weighs: a rare accidental
            # concatenation must not outweigh the words themselves
            out.append((min(weights[a], weights[b]), found))
    return out


def _bigram_features(ctx, words):
    """(idf, (rows, counts)) of each character pair of the typed runs, and (divisor,
    factor) of their summed BM25: the mean over the pairs, times the number of words."""
    n = max(ctx.snap.n, 1)
    grams = set()
    by_run: dict[int, str] = {}
    for c in words:
        by_run[c.run] = by_run.get(c.run, "") + normalize(c.word)
    for text in by_run.values():
        grams.update(text[i:i + 2] for i in range(len(text) - 1) if _CJK.fullmatch(text[i:i + 2]))
    out = []
    for g in sorted(grams):
        if ctx.snap.count(g) > n // 4:       # as common as a stop word: skip the cost
            continue
        found = ctx.text_rows(g)
        if len(found[0]):
            out.append((_idf(n, len(found[0])), found))
    return out, (max(len(grams), 1), max(len(words), 1))


def extra_scores(ctx, rows: np.ndarray, words: list[Concept]) -> np.ndarray:
    """Adjacent pairs and character pairs, per row."""
    if not has_extra(words) or not len(rows):
        return np.zeros(len(rows))
    order = np.argsort(rows, kind="stable")        # sorted lookups stay in cache
    if np.any(order != np.arange(len(rows))):
        out = np.empty(len(rows))
        out[order] = _extra_sorted(ctx, rows[order], words)
        return out
    return _extra_sorted(ctx, rows, words)


def _extra_sorted(ctx, rows: np.ndarray, words: list[Concept]) -> np.ndarray:
    total = np.zeros(len(rows))
    norm = _norm(ctx, rows)
    n = ctx.snap.n
    for pair_idf, found in _pair_features(ctx, words):
        total += PAIR_WEIGHT * _bm25(pair_idf, _tf(*found, rows, n), norm)
    grams, (per, times) = _bigram_features(ctx, words)
    bigrams = np.zeros(len(rows))
    for gram_idf, found in grams:
        bigrams += _bm25(gram_idf, _tf(*found, rows, n), norm)
    return total + BIGRAM_WEIGHT * (bigrams / per * times)


def extra_bound(ctx, words: list[Concept]) -> float:
    """No row's extra_scores exceeds this: each BM25 term is below idf·(k1+1)·t/(t+norm)
    with t its largest count and norm the shortest row's."""
    if not has_extra(words):
        return 0.0
    least = _min_norm(ctx)

    def cap(idf_value, counts):
        top = float(counts.max()) if len(counts) else 0.0
        return idf_value * top * (K1 + 1) / (top + least) if top else 0.0
    bound = sum(PAIR_WEIGHT * cap(i, f[1]) for i, f in _pair_features(ctx, words))
    grams, (per, times) = _bigram_features(ctx, words)
    bound += BIGRAM_WEIGHT * (sum(cap(i, f[1]) for i, f in grams) / per * times)
    return bound * (1 + 1e-9) + 1e-9


def scores(ctx, rows: np.ndarray, node, proximity: bool = True) -> np.ndarray:
    """Every feature but the sentence one, for the given rows (what the ranking used to
    compute for every match; per row, so any subset gets the same values)."""
    words = concepts(node)
    total = base_scores(ctx, rows, words)
    if proximity:
        total = total + extra_scores(ctx, rows, words)
    return total


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
