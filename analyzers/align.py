"""Character-level local alignment for "similar wording" (text reuse).

Smith-Waterman with affine gaps, as used in text-reuse studies of policy diffusion
(Wilkerson, Smith & Stramp, "Tracing the flow of policy ideas in legislatures"):
a borrowed sentence survives changed numbers (any two numerals pair at a small
bonus), inserted words (affine gaps) and reordered list items (several
non-overlapping local alignments per pair, not only the best one).

Speed comes from seed-and-extend: shared character trigrams (numerals folded to
one class) are grouped by input sentence and diagonal band, and the exact DP runs
only on the small window around each group, row-vectorised with numpy (the
in-row gap is a running maximum, so each row costs a handful of array ops).

Punctuation and whitespace are not aligned at all (a drafter's ， vs , or a
dropped 、 is not a difference in wording); every position is mapped back to an
offset in the ORIGINAL strings (normalize() is 1:1, so offsets carry over).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from analyzers.normalize import normalize

MATCH = 2          # same character
NUMERAL = 1        # two different numerals (2019 vs 2020, 三 vs 五): a changed number
MISMATCH = -1
GAP_OPEN = 3       # cost of the first character of a gap …
GAP_EXTEND = 1     # … and of each further one: a 4-char inserted word costs 6
SEED_N = 3         # trigram seeds: 20%-edited text keeps ~half of its trigrams
MAX_SEED_REPEAT = 8            # a trigram repeated more often in the input is boilerplate
MAX_SENTENCE = 300             # content chars; longer runs without 。；！？ are cut
MERGE_GAP = 4                  # content chars between pieces still counted as one passage
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
    matched: int       # aligned pairs of equal characters


_TABLES: tuple[np.ndarray, np.ndarray] | None = None


def _tables() -> tuple[np.ndarray, np.ndarray]:
    """Per-code-point lookup for the BMP: is it a content char, is it a numeral."""
    global _TABLES
    if _TABLES is None:
        content = np.array([chr(c).isalnum() for c in range(0x10000)], dtype=bool)
        numeral = np.zeros(0x10000, dtype=bool)
        numeral[[ord(c) for c in _NUMERALS]] = True
        _TABLES = content, numeral
    return _TABLES


class _Text:
    """Content characters (letters, digits, CJK) of a string as numpy codes."""

    __slots__ = ("pos", "codes", "seed_codes", "numeric")

    def __init__(self, text: str):
        content, numeral = _tables()
        allc = np.frombuffer(normalize(text).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        bmp = np.minimum(allc, 0xFFFF)
        is_content = np.where(allc > 0xFFFF, True, content[bmp])   # astral: CJK ext. letters
        self.pos = np.flatnonzero(is_content)
        self.codes = allc[self.pos]
        self.numeric = np.where(self.codes > 0xFFFF, False, numeral[bmp[self.pos]])
        self.seed_codes = np.where(self.numeric, _NUM_CODE, self.codes)

    def __len__(self) -> int:
        return len(self.codes)

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
        ok = self.sentence[starts] == self.sentence[starts + SEED_N - 1] if len(h) else starts > 0
        h, starts = h[ok], starts[ok]
        order = np.argsort(h, kind="stable")
        self.hashes = h[order]
        self.hash_pos = starts[order]
        bounds = np.flatnonzero(np.diff(self.sentence)) + 1 if n else np.zeros(0, dtype=np.int64)
        self.sent_start = np.concatenate(([0], bounds)).astype(np.int64)
        self.sent_end = np.concatenate((bounds, [n])).astype(np.int64)

    def _sentence_ids(self, text: str) -> np.ndarray:
        """Sentence number of each content char: split on 。；！？ and line breaks."""
        pos = self.t.pos
        if not len(pos):
            return np.zeros(0, dtype=np.int64)
        ends = np.zeros(len(text) + 1, dtype=np.int64)
        for k, ch in enumerate(text):
            if ch in _SENTENCE_END:
                ends[k + 1] = 1
        sid = np.cumsum(ends)[pos]
        # renumber 0..k and cut over-long sentences into chunks
        _, sid = np.unique(sid, return_inverse=True)
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
    """align_passages with a prepared input. min_cover: skip the clause outright (no DP)
    unless shared trigrams cover at least this many input characters — the cheap
    filter that lets a query try hundreds of candidates."""
    clause = _Text(clause_text)
    si, sj = _seeds(prof, clause)
    if not len(si) or _covered(si) < max(min_cover, 1):
        return []
    found: list[tuple[int, int, int, int, int, int]] = []   # content-index passages
    for i0, i1, j0, j1 in _windows(prof, si, sj, len(clause), min_len):
        found.extend(_align_window(prof.t, clause, i0, i1, j0, j1, min_len))
    kept = _non_overlapping(found)
    kept = _merge_adjacent(kept)
    return [_to_passage(p, prof.t, clause) for p in kept if p[5] >= min_len]


def _covered(seed_i: np.ndarray) -> int:
    """Number of distinct input characters inside some seed."""
    return len(np.unique((seed_i[:, None] + np.arange(SEED_N)).ravel()))


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
        i0, i1 = int(s0[a]), int(s1[a])
        slack = int(band[a])
        j0 = max(0, int(diag[a:b].min()) + i0 - slack)
        j1 = min(m, int(diag[a:b].max()) + i1 + slack)
        if j1 > j0:
            yield i0, i1, j0, j1


def _align_window(inp: _Text, clause: _Text, i0, i1, j0, j1, min_len):
    """Best local alignments in one window, re-aligning with found regions masked."""
    a, b = inp.codes[i0:i1], clause.codes[j0:j1]
    score = np.where(a[:, None] == b[None, :], MATCH,
                     np.where(inp.numeric[i0:i1, None] & clause.numeric[None, j0:j1],
                              NUMERAL, MISMATCH)).astype(np.int32)
    equal = a[:, None] == b[None, :]
    out = []
    for _ in range(MAX_REPEATS):
        res = _smith_waterman(score, equal)
        if res is None:
            break
        ai, ae, bj, be, sc, matched = res
        if matched < min_len:
            break
        out.append((ai + i0, ae + i0, bj + j0, be + j0, sc, matched))
        score[ai:ae, :] = -1000                      # mask: later alignments avoid these rows …
        score[:, bj:be] = -1000                      # … and columns
    return out


_NEG = -(10 ** 6)


def _smith_waterman(score: np.ndarray, equal: np.ndarray):
    """Affine-gap SW over a score matrix. Returns (i0, i1, j0, j1, score, matched) or None.

    Rows are filled one at a time with array ops: the vertical gap F is carried from
    the row above, the in-row gap E is a running maximum of T + extend*k (valid because
    opening costs at least as much as extending, so E never needs to extend from E).
    """
    la, lb = score.shape
    H = np.zeros((la + 1, lb + 1), np.int32)
    T = np.zeros((la + 1, lb + 1), np.int32)       # H without the in-row gap
    F = np.full((la + 1, lb + 1), _NEG, np.int32)  # gap in the clause (input char unpaired)
    ramp = np.arange(lb + 1, dtype=np.int32) * GAP_EXTEND
    for i in range(1, la + 1):
        hp = H[i - 1]
        f = F[i]
        np.maximum(hp - GAP_OPEN, F[i - 1] - GAP_EXTEND, out=f)
        t = T[i]
        np.maximum(hp[:-1] + score[i - 1], f[1:], out=t[1:])
        np.maximum(t, 0, out=t)
        run = np.maximum.accumulate(t + ramp)
        h = H[i]
        h[:] = t
        np.maximum(h[1:], run[:-1] - ramp[1:] - (GAP_OPEN - GAP_EXTEND), out=h[1:])
    best = int(H.argmax())
    end_i, end_j = divmod(best, lb + 1)
    top = int(H[end_i, end_j])
    if top <= 0:
        return None
    i0, i1, j0, j1, matched = _traceback(H, T, F, score, equal, end_i, end_j)
    return i0, i1, j0, j1, top, matched


def _traceback(H, T, F, score, equal, i, j):
    """Walk back from (i, j) to the alignment start; count equal pairs on the way."""
    end_i, end_j = i, j
    start_i, start_j = i, j
    matched = 0
    state = "H"
    while i > 0 and j > 0:
        if state == "H":
            if H[i, j] <= 0:
                break
            if T[i, j] == H[i, j]:
                state = "T"
                continue
            # in-row gap: find the cell it was opened from (nearest, i.e. shortest gap)
            v = int(H[i, j])
            k = np.arange(j)
            cand = T[i, :j] - GAP_OPEN - GAP_EXTEND * (j - 1 - k)
            j = int(np.flatnonzero(cand == v)[-1])
            state = "T"
        elif state == "T":
            v = int(T[i, j])
            if v <= 0:
                break
            if v == H[i - 1, j - 1] + score[i - 1, j - 1]:
                matched += int(equal[i - 1, j - 1])
                start_i, start_j = i - 1, j - 1
                i, j = i - 1, j - 1
                state = "H"
            else:
                state = "F"
        else:   # vertical gap: came down from row i-1
            state = "H" if F[i, j] == H[i - 1, j] - GAP_OPEN else "F"
            i -= 1
    return start_i, end_i, start_j, end_j, matched


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
                gap_cost = sum(GAP_OPEN + GAP_EXTEND * (g - 1) for g in (gi, gj) if g)
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
