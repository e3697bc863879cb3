"""Character-level local alignment for "similar wording" (text reuse).

Smith-Waterman with affine gaps, as used in text-reuse studies of policy diffusion
(Wilkerson, Smith & Stramp, "Tracing the flow of policy ideas in legislatures"):
a borrowed sentence survives changed numbers (any two numerals pair at a small
bonus), inserted words (affine gaps) and reordered list items (several
non-overlapping local alignments per pair, not only the best one).

Speed comes from seed-and-extend: shared character trigrams (numerals folded to
one class) are grouped by input sentence and diagonal band, and the exact DP runs
only on the small window around each group, row-vectorised with numpy (the
in-row gap is a running maximum, so each row costs a handful of array ops) and
batched across all windows of all candidates (analyzers.align_dp).

Punctuation and whitespace are not aligned at all (a drafter's ， vs , or a
dropped 、 is not a difference in wording); every position is mapped back to an
offset in the ORIGINAL strings (normalize() is 1:1, so offsets carry over).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from analyzers import align_dp
from analyzers.normalize import normalize

SEED_N = 3         # trigram seeds: 20%-edited text keeps ~half of its trigrams
MAX_SEED_REPEAT = 8            # a trigram repeated more often in the input is boilerplate
SHORT_SENTENCE = 8             # content chars; a shorter piece joins the next sentence
MAX_SENTENCE = 300             # content chars; longer runs without 。；！？ are cut
MERGE_GAP = 4                  # content chars between pieces still counted as one passage
EDGE = 8                       # DP margin around a seed group, in characters
SEED_EVIDENCE = 0.7            # share of min_len a seed group must cover to get a DP
MAX_REPEATS = 4                # masked re-alignments per window (reordered items)

_NUMERALS = frozenset("0123456789零〇一二三四五六七八九十百千万两")
_SENTENCE_END = frozenset("。；！？;!?\n\r")
_NUM_CODE = ord("0")


@dataclass
class Passage:
    """One aligned region; offsets are into the original input and clause strings."""
    input_start: int
    input_end: int
    clause_start: int
    clause_end: int
    score: int
    matched: int       # aligned pairs of equal characters (any two numerals count as equal)


_TABLES: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-code-point lookups for the BMP, built once from normalize() itself:
    normalised code point, is it a content char (after normalising), is it a numeral.
    str.translate costs ~0.1 µs a character; hundreds of candidates a query add up."""
    global _TABLES
    if _TABLES is None:
        every = "".join(map(chr, range(0x10000)))
        norm = np.frombuffer(normalize(every).encode("utf-32-le", "surrogatepass"), np.uint32)
        norm = norm.astype(np.int64)
        content = np.array([chr(c).isalnum() for c in norm], dtype=bool)
        numeral = np.zeros(0x10000, dtype=bool)
        numeral[[ord(c) for c in _NUMERALS]] = True
        _TABLES = norm, content, numeral[norm]
    return _TABLES


class _Text:
    """Content characters (letters, digits, CJK) of a string, normalised, as numpy codes."""

    __slots__ = ("pos", "codes", "seed_codes", "numeric")

    def __init__(self, text: str):
        norm, content, numeral = _tables()
        raw = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32).astype(np.int64)
        astral = raw > 0xFFFF                       # CJK extension letters; no normalisation
        bmp = np.where(astral, 0, raw)
        self.pos = np.flatnonzero(astral | content[bmp])
        self.codes = np.where(astral, raw, norm[bmp])[self.pos]
        self.numeric = numeral[bmp[self.pos]] & ~astral[self.pos]
        self.seed_codes = np.where(self.numeric, _NUM_CODE, self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    @classmethod
    def many(cls, texts: list[str]) -> list["_Text"]:
        """_Text of each string, from one pass over their concatenation (hundreds of
        candidates a query: per-string encoding and lookups were a tenth of its cost)."""
        if len(texts) < 2:
            return [cls(t) for t in texts]
        whole = cls("".join(texts))
        ends = np.cumsum([len(t) for t in texts])
        cuts = np.searchsorted(whole.pos, ends)          # content chars before each end
        out, first, offset = [], 0, 0
        for end, cut in zip(ends, cuts):
            t = object.__new__(cls)
            t.pos = whole.pos[first:cut] - offset
            t.codes = whole.codes[first:cut]
            t.numeric = whole.numeric[first:cut]
            t.seed_codes = whole.seed_codes[first:cut]
            out.append(t)
            first, offset = cut, int(end)
        return out

    def ngram_hashes(self) -> np.ndarray:
        c = self.seed_codes
        if len(c) < SEED_N:
            return np.zeros(0, dtype=np.int64)
        # code points < 2**21, so three of them pack exactly into an int64
        return (c[:-2] << 42) | (c[1:-1] << 21) | c[2:]


class InputProfile:
    """Everything about the input that does not depend on the clause (built once per query)."""

    def __init__(self, text: str):
        self.text = text
        self.t = _Text(text)
        self.sentence = self._sentence_ids(text)
        n = len(self.t)
        h = self.t.ngram_hashes()
        starts = np.arange(len(h))
        # a seed must not straddle two sentences
        ok = self.sentence[starts] == self.sentence[starts + SEED_N - 1]
        h, starts = h[ok], starts[ok]
        order = np.argsort(h, kind="stable")
        self.hashes = h[order]
        self.hash_pos = starts[order]
        bounds = np.flatnonzero(np.diff(self.sentence)) + 1 if n else np.zeros(0, dtype=np.int64)
        self.sent_start = np.concatenate(([0], bounds)).astype(np.int64)
        self.sent_end = np.concatenate((bounds, [n])).astype(np.int64)

    def _sentence_ids(self, text: str) -> np.ndarray:
        """Sentence number of each content char: split on 。；！？ and line breaks.

        A piece too short to be a passage on its own (a heading such as 一、总体目标)
        joins the next sentence; an over-long run without sentence ends is cut in chunks.
        """
        pos = self.t.pos
        if not len(pos):
            return np.zeros(0, dtype=np.int64)
        ends = np.zeros(len(text) + 1, dtype=np.int64)
        ends[[k + 1 for k, ch in enumerate(text) if ch in _SENTENCE_END]] = 1
        _, sid, size = np.unique(np.cumsum(ends)[pos], return_inverse=True, return_counts=True)
        target = np.arange(len(size))
        for k in range(len(size) - 2, -1, -1):
            if size[k] < SHORT_SENTENCE:
                target[k] = target[k + 1]
        sid = target[sid]
        first = np.searchsorted(sid, sid)
        return sid * 1000 + (np.arange(len(sid)) - first) // MAX_SENTENCE


@lru_cache(maxsize=8)
def input_profile(text: str) -> InputProfile:
    return InputProfile(text)


def align_passages(input_text: str, clause_text: str, min_len: int = 10) -> list[Passage]:
    """Non-overlapping similar-wording passages between input and clause, in input order.

    min_len: minimum number of equal characters a passage must pair up.
    """
    return align_profile(input_profile(input_text), clause_text, min_len)


def align_profile(prof: InputProfile, clause_text: str, min_len: int = 10,
                  min_cover: int = 0) -> list[Passage]:
    """align_passages with a prepared input (see align_many)."""
    return align_many(prof, [clause_text], min_len, min_cover)[0]


def align_many(prof: InputProfile, clause_texts: list[str], min_len: int = 10,
               min_cover: int = 0) -> list[list[Passage]]:
    """Passages of the input in each clause; all DP windows are filled in one batch.

    min_cover: skip a clause outright (no DP) unless shared trigrams cover at least
    this many input characters — the cheap filter that lets a query try hundreds of
    candidates.
    """
    clauses = _Text.many(clause_texts)
    windows = _all_windows(prof, clauses, min_len, min_cover)    # (clause no., i0, i1, j0, j1)
    t = prof.t
    blocks = [align_dp.score_matrix(t.codes[i0:i1], clauses[k].codes[j0:j1],
                                    t.numeric[i0:i1], clauses[k].numeric[j0:j1])
              for k, i0, i1, j0, j1 in windows]
    found: list[list[tuple]] = [[] for _ in clauses]         # content-index passages
    todo = list(range(len(blocks)))
    for _ in range(MAX_REPEATS):
        results = align_dp.best_alignments([blocks[w] for w in todo])
        again = []
        for w, res in zip(todo, results):
            if res is None or res[5] < min_len:
                continue
            ai, ae, bj, be, score, matched = res
            k, i0, _, j0, _ = windows[w]
            found[k].append((ai + i0, ae + i0, bj + j0, be + j0, score, matched))
            # mask and look again: reordered list items give a second alignment
            blocks[w][ai:ae, :] = align_dp.MASKED
            blocks[w][:, bj:be] = align_dp.MASKED
            again.append(w)
        todo = again
        if not todo:
            break
    out = []
    for k, clause in enumerate(clauses):
        kept = _merge_adjacent(_non_overlapping(found[k]))
        out.append([_to_passage(p, t, clause) for p in kept if p[5] >= min_len])
    return out


def _group_cover(group: np.ndarray, seed_i: np.ndarray, n_groups: int) -> np.ndarray:
    """_covered of each group's seeds at once (group numbers 0..n_groups-1)."""
    order = np.lexsort((seed_i, group))
    g, i = group[order], seed_i[order]
    step = np.minimum(np.diff(i), SEED_N)
    step[g[1:] != g[:-1]] = 0
    cover = np.bincount(g[1:], weights=step, minlength=n_groups)
    return np.where(np.bincount(g, minlength=n_groups) > 0, cover + SEED_N, 0).astype(np.int64)


def _all_windows(prof: InputProfile, clauses: list[_Text], min_len: int, min_cover: int):
    """DP windows of every clause, as the per-clause _seeds, _covered and _windows give
    them (same windows, same order), computed for all candidates in a few array
    operations: per-clause numpy calls on small arrays were most of a query's cost."""
    if not clauses or not len(prof.hashes):
        return []
    hashes = [c.ngram_hashes() for c in clauses]
    sizes = np.array([len(h) for h in hashes])
    if not sizes.sum():
        return []
    hc = np.concatenate(hashes)
    owner = np.repeat(np.arange(len(clauses)), sizes)
    jpos = np.arange(len(hc)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    lo = np.searchsorted(prof.hashes, hc, "left")
    cnt = np.searchsorted(prof.hashes, hc, "right") - lo
    keep = (cnt > 0) & (cnt <= MAX_SEED_REPEAT)
    lo, cnt, owner, jpos = lo[keep], cnt[keep], owner[keep], jpos[keep]
    total = int(cnt.sum())
    if not total:
        return []
    offs = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    si = prof.hash_pos[np.repeat(lo, cnt) + offs]
    sj, k = np.repeat(jpos, cnt), np.repeat(owner, cnt)
    # the cheap filter: a clause whose seeds cover too little of the input gets no DP
    passing = _group_cover(k, si, len(clauses)) >= max(min_cover, 1)
    ok = passing[k]
    si, sj, k = si[ok], sj[ok], k[ok]
    if not len(si):
        return []
    sent = prof.sentence[si]
    diag = sj - si
    order = np.lexsort((diag, sent, k))
    si, sj, k, sent, diag = si[order], sj[order], k[order], sent[order], diag[order]
    sent_idx = np.searchsorted(prof.sent_start, si, "right") - 1
    s0, s1 = prof.sent_start[sent_idx], prof.sent_end[sent_idx]
    band = 10 + (s1 - s0) // 4                       # inserted words shift the diagonal
    cut = np.flatnonzero((np.diff(k) != 0) | (np.diff(sent) != 0) | (np.diff(diag) > band[1:])) + 1
    first = np.concatenate(([0], cut))
    group = np.repeat(np.arange(len(first)), np.diff(np.concatenate((first, [len(si)]))))
    need = max(3, int(min_len * SEED_EVIDENCE))      # seed evidence before paying for a DP
    good = _group_cover(group, si, len(first)) >= need
    m = np.array([len(c) for c in clauses])[k[first]]
    i0 = np.maximum(s0[first], np.minimum.reduceat(si, first) - EDGE)
    i1 = np.minimum(s1[first], np.maximum.reduceat(si, first) + SEED_N + EDGE)
    j0 = np.maximum(0, np.minimum.reduceat(diag, first) + i0 - EDGE)
    j1 = np.minimum(m, np.maximum.reduceat(diag, first) + i1 + EDGE)
    good &= j1 > j0
    return [(int(a), int(b), int(c), int(d), int(e)) for a, b, c, d, e in
            zip(k[first][good], i0[good], i1[good], j0[good], j1[good])]


def _covered(seed_i: np.ndarray) -> int:
    """Number of distinct input characters inside some seed."""
    if not len(seed_i):
        return 0
    step = np.diff(np.sort(seed_i))
    return SEED_N + int(np.minimum(step, SEED_N).sum())


def _seeds(prof: InputProfile, clause: _Text) -> tuple[np.ndarray, np.ndarray]:
    """(input index, clause index) pairs starting a shared trigram."""
    hc = clause.ngram_hashes()
    if not len(hc) or not len(prof.hashes):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    lo = np.searchsorted(prof.hashes, hc, "left")
    hi = np.searchsorted(prof.hashes, hc, "right")
    cnt = hi - lo
    keep = (cnt > 0) & (cnt <= MAX_SEED_REPEAT)
    j = np.flatnonzero(keep)
    lo, cnt = lo[keep], cnt[keep]
    total = int(cnt.sum())
    if not total:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    offs = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    i = prof.hash_pos[np.repeat(lo, cnt) + offs]
    return i, np.repeat(j, cnt)


def _windows(prof: InputProfile, si: np.ndarray, sj: np.ndarray, m: int, min_len: int):
    """DP windows (i0, i1, j0, j1) around seed groups on one input sentence and diagonal band."""
    sent = prof.sentence[si]
    diag = sj - si
    order = np.lexsort((diag, sent))
    si, sj, sent, diag = si[order], sj[order], sent[order], diag[order]
    # sentence index for start/end lookup
    sent_idx = np.searchsorted(prof.sent_start, si, "right") - 1
    s0, s1 = prof.sent_start[sent_idx], prof.sent_end[sent_idx]
    band = 10 + (s1 - s0) // 4                       # inserted words shift the diagonal
    cut = np.flatnonzero((np.diff(sent) != 0) | (np.diff(diag) > band[1:])) + 1
    need = max(3, int(min_len * SEED_EVIDENCE))      # seed evidence before paying for a DP
    for a, b in zip(np.concatenate(([0], cut)), np.concatenate((cut, [len(si)]))):
        gi = si[a:b]
        if _covered(gi) < need:
            continue
        # rows: the seeded stretch of the sentence plus a margin (an alignment rarely
        # extends far past its last shared trigram); columns: the diagonals they reach
        i0 = max(int(s0[a]), int(gi.min()) - EDGE)
        i1 = min(int(s1[a]), int(gi.max()) + SEED_N + EDGE)
        j0 = max(0, int(diag[a:b].min()) + i0 - EDGE)
        j1 = min(m, int(diag[a:b].max()) + i1 + EDGE)
        if j1 > j0:
            yield i0, i1, j0, j1


def _non_overlapping(found):
    """Greedy by score: keep passages disjoint on both the input and the clause side."""
    kept = []
    for p in sorted(found, key=lambda p: (-p[4], p[0])):
        if all(p[1] <= q[0] or q[1] <= p[0] for q in kept) and \
                all(p[3] <= q[2] or q[3] <= p[2] for q in kept):
            kept.append(p)
    return sorted(kept)


def _merge_adjacent(kept):
    """Join passages that continue each other on both sides (split only by a sentence end)."""
    out: list[list[int]] = []
    for p in kept:
        if out:
            q = out[-1]
            gi, gj = p[0] - q[1], p[2] - q[3]
            if 0 <= gi <= MERGE_GAP and 0 <= gj <= MERGE_GAP:
                gap_cost = sum(align_dp.GAP_OPEN + align_dp.GAP_EXTEND * (g - 1)
                               for g in (gi, gj) if g)
                q[1], q[3] = p[1], p[3]
                q[4] += p[4] - gap_cost
                q[5] += p[5]
                continue
        out.append(list(p))
    return out


def _to_passage(p, inp: _Text, clause: _Text) -> Passage:
    i0, i1, j0, j1, sc, matched = p
    return Passage(int(inp.pos[i0]), int(inp.pos[i1 - 1]) + 1,
                   int(clause.pos[j0]), int(clause.pos[j1 - 1]) + 1, int(sc), int(matched))
