"""Similar wording — find clauses that say nearly the same thing in nearly the same words.

Two stages, both pure given a postings callable:
1. candidate_docnums: idf-weighted vote over the input's character bigrams, through
   the index's bigram postings (cheap, recall-oriented, a few hundred candidates);
2. rank_similar: local alignment of the input against each candidate
   (analyzers.align), scored by how much of the input was found there.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Hashable, Iterable

import numpy as np

from analyzers.align import Passage, align_many, input_profile
from analyzers.normalize import normalize

COMMON_DF_SHARE = 0.05     # bigrams in more than 5% of clauses carry almost no evidence …
MIN_EVIDENCE = 24          # … but a short or very generic input keeps its rarest ones anyway
MAX_BIGRAMS = 1500         # a very long input votes with its rarest bigrams only

# A clause is "similar" when at least this share of the input's characters pair up with
# equal characters in it, in order. Unrelated text on the same subject (shared stock
# phrases such as 高中阶段教育) stays far below; a copy with a fifth of its characters
# changed scores about 0.8 (see tests/test_similar.py).
MIN_SCORE = 0.3
LONG_INPUT_MATCH = 40      # equal characters that count as similar wording in any input
COVER_SHARE = 0.6          # trigram coverage needed, as a share of min_score (pre-filter)
MIN_PASSAGE = 10           # equal characters a passage must pair up to count


@dataclass
class SimilarMatch:
    key: Hashable
    score: float                       # share of the input found in this clause, 0–1
    passages: list[Passage] = field(default_factory=list)


def content_length(text: str) -> int:
    """Characters that can match: letters, digits and CJK, not punctuation or spaces."""
    return sum(1 for ch in text if ch.isalnum())


def similarity_score(input_text: str, passages: Iterable[Passage]) -> float:
    """Share of the input's (non-punctuation) characters paired with an equal character.

    Counting equal pairs rather than the spans' length keeps edits visible: a passage
    copied with a fifth of its characters changed scores ~0.8, not 1.0.
    """
    total = content_length(input_text)
    if not total:
        return 0.0
    return min(1.0, sum(p.matched for p in passages) / total)


def input_bigrams(input_text: str) -> list[str]:
    """Distinct bigrams of adjacent content characters of the normalised input."""
    norm = normalize(input_text)
    seen: dict[str, None] = {}
    for a, b in zip(norm, norm[1:]):
        if a.isalnum() and b.isalnum():
            seen.setdefault(a + b, None)
    return list(seen)


def candidate_docnums(input_text: str, postings: Callable[[str], np.ndarray],
                      n_docs: int, limit: int = 200,
                      frequency: Callable[[str], int] | None = None) -> np.ndarray:
    """Clause numbers sharing the most idf-weighted bigrams with the input, best first.

    `frequency(bigram)`, when the index can count occurrences without listing them, lets
    the very common bigrams (which would be dropped anyway) skip fetching postings."""
    bigrams = input_bigrams(input_text)
    if not bigrams or n_docs <= 0:
        return np.zeros(0, dtype=np.int32)
    if frequency is not None:
        # occurrences ≥ clauses, so 3× the cutoff keeps every bigram that could pass it
        freq = np.array([frequency(bg) for bg in bigrams])
        keep = freq <= 3 * max(1.0, COMMON_DF_SHARE * n_docs)
        keep[np.argsort(freq, kind="stable")[:MIN_EVIDENCE]] = True
        bigrams = [bg for bg, k, f in zip(bigrams, keep, freq) if k and f > 0]
        if not bigrams:
            return np.zeros(0, dtype=np.int32)
    lists = [np.asarray(postings(bg), dtype=np.int64) for bg in bigrams]
    df = np.array([len(p) for p in lists])
    order = np.argsort(df, kind="stable")
    order = order[df[order] > 0]
    cutoff = max(1.0, COMMON_DF_SHARE * n_docs)
    n_rare = int(np.searchsorted(df[order], cutoff, side="right"))
    n_keep = min(len(order), MAX_BIGRAMS, max(n_rare, MIN_EVIDENCE))
    chosen = order[:n_keep]
    if not len(chosen):
        return np.zeros(0, dtype=np.int32)
    idf = np.log((n_docs + 1) / (df[chosen] + 0.5))
    docs = np.concatenate([lists[k] for k in chosen])
    weights = np.repeat(idf, df[chosen])
    votes = np.bincount(docs, weights=weights, minlength=n_docs)
    hit = np.flatnonzero(votes > 0)
    if len(hit) > limit:
        hit = hit[np.argpartition(-votes[hit], limit - 1)[:limit]]
    hit = hit[np.lexsort((hit, -votes[hit]))]
    return hit.astype(np.int32)


def rank_similar(input_text: str, candidates: Iterable[tuple[Hashable, str]],
                 min_score: float = MIN_SCORE, limit: int = 20,
                 min_len: int = MIN_PASSAGE) -> list[SimilarMatch]:
    """Align the input with each candidate clause; keep those above min_score, best first.

    An empty list is a real answer ("no similar wording found"), not a failure.
    """
    total = content_length(input_text)
    if not total:
        return []
    # a long input (a pasted section) is rarely found whole in one clause: a clause that
    # holds a long enough stretch of it counts even if that is a small share of the input
    need = min(min_score * total, LONG_INPUT_MATCH)
    # a short input cannot hold a 10-character passage; still demand most of it
    min_len = min(min_len, max(4, math.ceil(total * 0.6)))
    prof = input_profile(input_text)
    # matched characters are nearly always inside shared trigrams, so a clause whose
    # trigrams cover far less than min_score of the input cannot reach it: skip the DP
    min_cover = int(need * COVER_SHARE)
    keys, texts = [], []
    for key, clause_text in candidates:
        keys.append(key)
        texts.append(clause_text)
    out: list[SimilarMatch] = []
    for key, passages in zip(keys, align_many(prof, texts, min_len, min_cover)):
        if passages and sum(p.matched for p in passages) >= need:
            score = similarity_score(input_text, passages)
            out.append(SimilarMatch(key, round(score, 4), passages))
    # equal shares: the higher alignment score wins (same numbers beat changed numbers)
    out.sort(key=lambda m: (-m.score, -sum(p.score for p in m.passages)))
    return out[:limit]
