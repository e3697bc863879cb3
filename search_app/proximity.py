"""The features computed for the best candidates only (search_app.ranking): adjacent
typed words as a phrase (the sequential dependence model's ordered window, Metzler &
Croft 2005) and BM25 over the character bigrams of the typed words, which catches
wording jieba cuts differently in the query and in the text.

Both only need counts in the candidates' own text, so for a few thousand rows a common
needle is counted there (str.count per row, constant in the corpus size) instead of
looking up every row of a bigram such as 规定, whose occurrences grow with the corpus;
a rare one is looked up (cheap, and kept with the snapshot). A bigram's
idf needs the number of rows holding it: exact when it is rare, otherwise estimated
from evenly spaced occurrences (each occurrence in a row holding the bigram t times
stands for 1/t of a row), and kept with the snapshot.
"""
from __future__ import annotations

import re

import numpy as np

from analyzers.normalize import normalize
from search_app.evaluate import occurrence_rows
from search_app.features import K1, _bm25, _norm, _tf, base_scores, has_extra
from search_app.keyword import Concept, _idf, concepts, idf
from search_app.needle_cache import needle_cache

PAIR_WEIGHT = 0.15          # SDM ordered window: two query words adjacent as typed
BIGRAM_WEIGHT = 0.3         # character pairs of the typed words
TEXT_COUNT_MAX = 5000       # up to this many rows, counted in their text, not looked up …
LOOKUP_MAX = 32768          # … unless the needle is this rare: then its rows are cheap
DF_EXACT_MAX = 32768         # a bigram up to this often: its rows counted exactly
DF_SAMPLE = 256             # … more often: estimated from this many occurrences
_CJK = re.compile(r"[\u3400-\u9fff]{2}")


def _needle(text: str) -> str:
    return normalize(text).replace("\x00", "")      # as the snapshot looks it up


def _pairs(ctx, words):
    """(idf, needle) of each adjacent typed pair the corpus holds as a phrase."""
    weights = {c: idf(ctx, c) for c in words}
    out = []
    for a, b in zip(words, words[1:]):
        if ctx.snap.count(a.word + b.word):
            # the pair weighs what its weaker word weighs: a rare accidental
            # concatenation must not outweigh the words themselves
            out.append((min(weights[a], weights[b]), a.word + b.word))
    return out


def _grams(ctx, words):
    """(idf, bigram) of each character pair of the typed runs, and (divisor, factor) of
    their summed BM25: the mean over the pairs, times the number of words."""
    n = max(ctx.snap.n, 1)
    grams = set()
    by_run: dict[int, str] = {}
    for c in words:
        by_run[c.run] = by_run.get(c.run, "") + normalize(c.word)
    for text in by_run.values():
        grams.update(text[i:i + 2] for i in range(len(text) - 1) if _CJK.fullmatch(text[i:i + 2]))
    out = []
    for g in sorted(grams):
        count = ctx.snap.count(g)
        if count > n // 4 or not count:      # as common as a stop word: skip the cost
            continue
        out.append((_idf(n, gram_rows(ctx, g, count)), g))
    return out, (max(len(grams), 1), max(len(words), 1))


def gram_rows(ctx, gram: str, count: int) -> int:
    """How many rows hold the bigram: exact up to DF_EXACT_MAX occurrences, estimated
    beyond (kept with the snapshot either way)."""
    def build():
        if count <= DF_EXACT_MAX:
            return int(len(ctx.text_rows(gram)[0]))
        occ = np.sort(ctx.snap.occurrences(gram)[
            np.linspace(0, count - 1, DF_SAMPLE).astype(np.int64)])
        rows = occurrence_rows(ctx.snap, occ)
        per_row = np.array([count_in(ctx.snap.row_text(int(r)), gram) for r in rows])
        return max(1, int(round(count * float(np.mean(1.0 / np.maximum(per_row, 1))))))
    return needle_cache(ctx.snap).get(("gram_rows", gram), build)


def _overlaps(needle: str) -> bool:
    """Whether two occurrences of the needle can overlap (它们 no, 常常 yes)."""
    return any(needle[:k] == needle[-k:] for k in range(1, len(needle)))


def count_in(text: str, needle: str, overlaps: bool | None = None) -> int:
    """Occurrences of needle in text, overlapping ones too (as the suffix array counts)."""
    if not (_overlaps(needle) if overlaps is None else overlaps):
        return text.count(needle)
    found, at = 0, text.find(needle)
    while at >= 0:
        found += 1
        at = text.find(needle, at + 1)
    return found


def _counts(ctx, rows: np.ndarray, needles: list[str]) -> list[np.ndarray]:
    """Per needle, its count in each row: from the needle's rows when it is rare or the
    rows are many, otherwise counted in the rows' text."""
    out, texts = [], None
    for x in needles:
        if len(rows) > TEXT_COUNT_MAX or ctx.snap.count(x) <= LOOKUP_MAX:
            out.append(_tf(*ctx.text_rows(x), rows, ctx.snap.n))
            continue
        if texts is None:
            texts = [ctx.snap.row_text(int(r)) for r in rows]
        x = _needle(x)
        if _overlaps(x):
            out.append(np.array([count_in(t, x, True) for t in texts], dtype=np.float64))
        else:
            out.append(np.array([t.count(x) for t in texts], dtype=np.float64))
    return out


def extra_scores(ctx, rows: np.ndarray, words: list[Concept]) -> np.ndarray:
    """Adjacent pairs and character pairs, per row."""
    total = np.zeros(len(rows))
    if not has_extra(words) or not len(rows):
        return total
    norm = _norm(ctx, rows)
    pairs = _pairs(ctx, words)
    grams, (per, times) = _grams(ctx, words)
    counts = _counts(ctx, rows, [x for _, x in pairs] + [g for _, g in grams])
    for (pair_idf, _), tf in zip(pairs, counts):
        total += PAIR_WEIGHT * _bm25(pair_idf, tf, norm)
    bigrams = np.zeros(len(rows))
    for (gram_idf, _), tf in zip(grams, counts[len(pairs):]):
        bigrams += _bm25(gram_idf, tf, norm)
    return total + BIGRAM_WEIGHT * (bigrams / per * times)


def extra_bound(ctx, words: list[Concept]) -> float:
    """No row's extra_scores reaches this: each BM25 term stays below idf·(k1+1)."""
    if not has_extra(words):
        return 0.0
    bound = sum(PAIR_WEIGHT * i * (K1 + 1) for i, _ in _pairs(ctx, words))
    grams, (per, times) = _grams(ctx, words)
    bound += BIGRAM_WEIGHT * (sum(i * (K1 + 1) for i, _ in grams) / per * times)
    return bound * (1 + 1e-9) + 1e-9


def scores(ctx, rows: np.ndarray, node, proximity: bool = True) -> np.ndarray:
    """Every feature but the sentence one, for the given rows (what the ranking used to
    compute for every match; per row, so any subset gets the same values)."""
    words = concepts(node)
    total = base_scores(ctx, rows, words)
    if proximity:
        total = total + extra_scores(ctx, rows, words)
    return total
