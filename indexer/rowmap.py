"""Byte offset → row, for offsets in suffix-array order (i.e. random).

A binary search over all row starts costs ~20 cache-missing probes per offset, the
largest single cost of mapping a common word's occurrences to rows. A table of the row
at each 64-byte block of the text (one int32 per block, ~2 MB on the 36 MB lawrefbook
text) gives the row in one probe plus a step or two forward; the answer is the same.
"""
from __future__ import annotations

import numpy as np

ROW_BLOCK_SHIFT = 6


def block_table(starts: np.ndarray) -> np.ndarray:
    """Row holding the first byte of each 64-byte block (`starts`: the rows' start
    offsets, ascending, the text's end last)."""
    marks = np.arange(0, int(starts[-1]) + 1, 1 << ROW_BLOCK_SHIFT, dtype=np.int64)
    return (np.searchsorted(starts, marks, side="right") - 1).astype(np.int32)


def rows_of(starts: np.ndarray, blocks: np.ndarray, occ: np.ndarray) -> np.ndarray:
    """Row of each offset (== searchsorted(starts, occ, 'right') - 1)."""
    rows = blocks[occ >> ROW_BLOCK_SHIFT].astype(np.int64)
    todo = np.arange(len(occ))
    while len(todo):              # a block may hold the ends of a few short rows
        # occ < starts[n], so rows + 1 <= n stays inside starts
        todo = todo[starts[rows[todo] + 1] <= occ[todo]]
        rows[todo] += 1
    return rows
