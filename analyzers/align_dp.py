"""Affine-gap Smith-Waterman, many small windows at once (the kernel of analyzers.align).

A query aligns its sentences against hundreds of candidate clauses, which gives
hundreds of small DP windows (tens of rows each). Done one by one, numpy's per-call
overhead dominates; here windows of similar height are laid side by side in one
matrix, separated by a column that no alignment may cross, and filled row by row:

* the vertical gap F is carried from the row above;
* the in-row gap E is a running maximum of T[k] + extend*k (valid because opening
  costs at least as much as extending, so E never has to extend from E);
* a per-window offset (window number × _SEG, larger than any window's score) added
  before the running maximum makes it restart at each separator: values from an
  earlier window are always smaller than the separator's own.

Scores are small integers, so the traceback compares exactly.
"""
from __future__ import annotations

import numpy as np

MATCH = 2          # same character
NUMERAL = 1        # two different numerals (2019 vs 2020, 三 vs 五): a changed number
MISMATCH = -2      # break-even at 50% identity: stretches of unrelated wording end a passage
GAP_OPEN = 4       # cost of the first character of a gap …
GAP_EXTEND = 1     # … and of each further one: a 4-char inserted word costs 7
MASKED = -1000     # score of a cell whose row or column is already in a passage

CELL_BUDGET = 1_000_000        # cells per batch (3 int32 matrices of this size)
MAX_BATCH = 50_000             # windows per batch: keeps window × _SEG inside int32
_SEP = -(1 << 20)              # separator column score
_SEG = 1 << 12                 # > any window's score (rows are ≤ 300 chars: ≤ 600)
_NEG = -(1 << 24)


def score_matrix(a: np.ndarray, b: np.ndarray, num_a: np.ndarray, num_b: np.ndarray) -> np.ndarray:
    """Pair scores for input codes a (rows) against clause codes b (columns)."""
    eq = a[:, None] == b[None, :]
    num = num_a[:, None] & num_b[None, :]
    return np.where(eq, MATCH, np.where(num, NUMERAL, MISMATCH)).astype(np.int32)


def best_alignments(blocks: list[np.ndarray]) -> list[tuple | None]:
    """Best local alignment of each score matrix: (i0, i1, j0, j1, score, matched) or None.

    i0:i1 and j0:j1 are half-open row/column ranges; matched counts equal pairs (two
    numerals count as equal: a changed year or quota is still the same wording).
    """
    out: list[tuple | None] = [None] * len(blocks)
    order = sorted(range(len(blocks)), key=lambda k: blocks[k].shape[0])
    batch: list[int] = []
    cols = 0
    for k in order:
        r, c = blocks[k].shape
        if batch and (r * (cols + c + 1) > CELL_BUDGET or len(batch) >= MAX_BATCH):
            _run(batch, blocks, out)
            batch, cols = [], 0
        batch.append(k)
        cols += c + 1
    if batch:
        _run(batch, blocks, out)
    return out


def _run(batch: list[int], blocks: list[np.ndarray], out: list) -> None:
    rows = max(blocks[k].shape[0] for k in batch)
    widths = np.array([blocks[k].shape[1] + 1 for k in batch])
    offs = np.concatenate(([0], np.cumsum(widths)[:-1]))
    C = int(widths.sum())
    S = np.full((rows, C), _SEP, np.int32)
    for k, o in zip(batch, offs):
        r, c = blocks[k].shape
        S[:r, o + 1:o + 1 + c] = blocks[k]
    segoff = np.repeat(np.arange(len(batch), dtype=np.int32) * _SEG, widths)
    ramp = np.arange(C, dtype=np.int32) * GAP_EXTEND
    base = ramp + segoff
    sub = base[1:] + (GAP_OPEN - GAP_EXTEND)
    # rows are overwritten whole below; only row 0 (and T's column 0) need a value
    H = np.empty((rows + 1, C), np.int32)
    T = np.empty((rows + 1, C), np.int32)          # H without the in-row gap
    F = np.empty((rows + 1, C), np.int32)          # gap in the clause (input char unpaired)
    H[0] = 0
    T[0] = 0
    T[:, 0] = 0
    F[0] = _NEG
    for i in range(1, rows + 1):
        hp = H[i - 1]
        f = F[i]
        np.maximum(hp - GAP_OPEN, F[i - 1] - GAP_EXTEND, out=f)
        t = T[i]
        np.maximum(hp[:-1] + S[i - 1, 1:], f[1:], out=t[1:])
        np.maximum(t, 0, out=t)
        run = np.maximum.accumulate(t + base)
        h = H[i]
        h[:] = t
        np.maximum(h[1:], run[:-1] - sub, out=h[1:])
    for k, o in zip(batch, offs):
        r, c = blocks[k].shape
        Hv = H[:r + 1, o:o + c + 1]
        best = int(Hv.argmax())
        end_i, end_j = divmod(best, c + 1)
        top = int(Hv[end_i, end_j])
        if top <= 0:
            continue
        i0, j0, matched = _traceback(Hv, T[:r + 1, o:o + c + 1], F[:r + 1, o:o + c + 1],
                                     S[:r, o + 1:o + 1 + c], end_i, end_j)
        out[k] = (i0, end_i, j0, end_j, top, matched)


def _traceback(H, T, F, score, i, j):
    """Walk back from cell (i, j) to the alignment start; count equal pairs on the way."""
    start_i, start_j = i, j
    matched = 0
    state = "H"
    while i > 0 and j > 0:
        if state == "H":
            if H[i, j] <= 0:
                break
            if T[i, j] != H[i, j]:
                # in-row gap: jump to the cell it was opened from (shortest gap)
                k = np.arange(j)
                cand = T[i, :j] - GAP_OPEN - GAP_EXTEND * (j - 1 - k)
                j = int(np.flatnonzero(cand == H[i, j])[-1])
            state = "T"
        elif state == "T":
            if T[i, j] <= 0:
                break
            s = score[i - 1, j - 1]
            if T[i, j] == H[i - 1, j - 1] + s:
                matched += int(s >= NUMERAL)       # a changed number still counts as kept wording
                start_i, start_j = i - 1, j - 1
                i, j = i - 1, j - 1
                state = "H"
            else:
                state = "F"
        else:   # vertical gap: came down from row i-1
            state = "H" if F[i, j] == H[i - 1, j] - GAP_OPEN else "F"
            i -= 1
    return start_i, start_j, matched
