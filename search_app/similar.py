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


# ---------------------------------------------------------------- marking a pair
# Within each aligned passage the wording is compared character by character, so the
# page can show what is shared (<mark>) and what differs (<mark class="diff">): a
# changed number, an inserted word. Any two numerals pair up in the alignment, so
# without this step 2020 and 2025 would be painted as "the same wording".

NUMERALS = frozenset("0123456789零〇一二三四五六七八九十百千万亿两")
SAME, DIFF = "same", "diff"


def _content(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """Normalised content characters of text[start:end] and their offsets in text
    (a decimal point between digits counts: 1.5 and 15 are different numbers)."""
    norm = normalize(text)
    chars, pos = [], []
    for k in range(start, end):
        ch = norm[k]
        if ch.isalnum() or (ch == "." and 0 < k < len(norm) - 1
                            and norm[k - 1].isdigit() and norm[k + 1].isdigit()):
            chars.append(ch)
            pos.append(k)
    return "".join(chars), pos


def _numeral_runs(s: str) -> list[tuple[int, int]]:
    runs, k = [], 0
    while k < len(s):
        if s[k] in NUMERALS or s[k] == ".":
            j = k
            while j < len(s) and (s[j] in NUMERALS or s[j] == "."):
                j += 1
            runs.append((k, j))
            k = j
        else:
            k += 1
    return runs


def _numbers_differ(a: str, b: str, same_a: list[bool], same_b: list[bool],
                    pair: dict[int, int]) -> None:
    """A number is shared only when it is equal as a whole: every numeral run that is
    partly different, or maps onto a different run, is marked different on both sides."""
    runs_b = _numeral_runs(b)
    run_of_b = {j: r for r in runs_b for j in range(*r)}
    back = {j: i for i, j in pair.items()}
    for i0, i1 in _numeral_runs(a):
        mapped = [pair.get(i) for i in range(i0, i1)]
        targets = {run_of_b.get(j) for j in mapped if j is not None}
        whole = (None not in mapped and len(targets) == 1 and None not in targets
                 and next(iter(targets)) == (mapped[0], mapped[-1] + 1))
        if not whole:
            for i in range(i0, i1):
                same_a[i] = False
            for r in targets:
                if r is not None:
                    for j in range(*r):
                        same_b[j] = False
    for j0, j1 in runs_b:                  # numbers only the other side has (inserted)
        if not all(same_b[j0:j1]) or any(j not in back for j in range(j0, j1)):
            for j in range(j0, j1):
                same_b[j] = False
                if j in back:
                    same_a[back[j]] = False


def _spans(pos: list[int], same: list[bool]) -> list[tuple[int, int, str]]:
    """Runs of equal flags as (start, end, kind) in the original text's offsets."""
    out: list[tuple[int, int, str]] = []
    k = 0
    while k < len(pos):
        j = k
        while j + 1 < len(pos) and same[j + 1] == same[k]:
            j += 1
        out.append((pos[k], pos[j] + 1, SAME if same[k] else DIFF))
        k = j + 1
    return out


def passage_diff(input_text: str, clause_text: str, passage: dict
                 ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """(input spans, clause spans) of one passage, each (start, end, 'same'|'diff')."""
    from difflib import SequenceMatcher
    a, pos_a = _content(input_text, passage["input_start"], passage["input_end"])
    b, pos_b = _content(clause_text, passage["clause_start"], passage["clause_end"])
    same_a, same_b = [False] * len(a), [False] * len(b)
    pair: dict[int, int] = {}
    for blk in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for d in range(blk.size):
            same_a[blk.a + d] = same_b[blk.b + d] = True
            pair[blk.a + d] = blk.b + d
    _numbers_differ(a, b, same_a, same_b, pair)
    return _spans(pos_a, same_a), _spans(pos_b, same_b)


def render_marks(text: str, spans: Iterable[tuple[int, int, str]], start: int = 0,
                 end: int | None = None) -> str:
    """Escape text[start:end]; shared wording in <mark>, differences in <mark class="diff">."""
    import html
    end = len(text) if end is None else end
    out, at = [], start
    for s, e, kind in sorted(spans):
        s, e = max(s, at), min(e, end)
        if s >= e:
            continue
        out.append(html.escape(text[at:s]))
        tag = "<mark>" if kind == SAME else '<mark class="diff">'
        out.append(tag + html.escape(text[s:e]) + "</mark>")
        at = e
    out.append(html.escape(text[at:end]))
    return "".join(out)


def mark_pair(input_text: str, clause_text: str, passages: list[dict]) -> dict:
    """The marked clause, the marked input, and the input cut down to its passages
    (each hit shows only the part of the input it shares, not the whole input again)."""
    spans_in: list[tuple[int, int, str]] = []
    spans_cl: list[tuple[int, int, str]] = []
    for p in passages:
        a, b = passage_diff(input_text, clause_text, p)
        spans_in += a
        spans_cl += b
    pieces = []
    for p in sorted(passages, key=lambda p: p["input_start"]):
        pieces.append(render_marks(input_text, spans_in, p["input_start"], p["input_end"]))
    excerpt = "…".join(pieces)
    if passages:
        first = min(p["input_start"] for p in passages)
        last = max(p["input_end"] for p in passages)
        excerpt = ("…" if content_length(input_text[:first]) else "") + excerpt + \
                  ("…" if content_length(input_text[last:]) else "")
    return {"highlighted": render_marks(clause_text, spans_cl),
            "input_highlighted": render_marks(input_text, spans_in),
            "input_excerpt": excerpt}
