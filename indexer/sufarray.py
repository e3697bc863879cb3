"""The suffix array of one segment's text (UTF-16-BE clause texts, each followed by
the separator U+0000), by divsufsort.

Queries never contain U+0000, so a binary search only needs the suffixes ordered by
their text up to and including the first separator; divsufsort's full order is one of
those orders. Each segment (indexer.segments) has its own array over its own text, with
offsets local to it: an update sorts only its new rows' text.
"""
from __future__ import annotations

import numpy as np


def build(blob) -> np.ndarray:
    """Sorted even byte offsets (suffixes starting a character) of the whole text."""
    import pydivsufsort
    if not len(blob):
        return np.zeros(0, dtype=np.int32)
    return _even(pydivsufsort.divsufsort(np.frombuffer(blob, dtype=np.uint8)))


def _even(sa: np.ndarray, chunk: int = 1 << 22) -> np.ndarray:
    """The entries at even offsets, compacted in place chunk by chunk (the write position
    never passes the read position), so the peak stays the suffix array itself."""
    w = 0
    for i in range(0, len(sa), chunk):
        part = sa[i:i + chunk]
        even = part[(part & 1) == 0]            # a copy: safe to write over `part` next
        sa[w:w + len(even)] = even
        w += len(even)
    return sa[:w]


def bound(text, sa, q: bytes, upper: bool) -> int:
    """First suffix-array position whose suffix is >= q (upper: > q, as a prefix)."""
    n = len(q)
    lo, hi = 0, len(sa)
    while lo < hi:
        mid = (lo + hi) // 2
        p = int(sa[mid])
        s = text[p:p + n]
        if s < q or (upper and s == q):
            lo = mid + 1
        else:
            hi = mid
    return lo
