"""Set operations on sorted arrays of distinct row numbers, each done the cheaper way for
its sizes: a binary search of the smaller set in the larger when one is small, a mask
over every row when both are a good share of the corpus. np.intersect1d / np.isin sort
the concatenation of both instead, which is what made a query's cost grow with the
corpus faster than its matches did."""
from __future__ import annotations

import threading

import numpy as np

DENSE_SHARE = 32            # sets larger than n / DENSE_SHARE go through a mask


def union(n: int, sets) -> np.ndarray:
    """Sorted union of sorted row arrays."""
    sets = [s for s in sets if len(s)]
    if not sets:
        return np.zeros(0, dtype=np.int64)
    if len(sets) == 1:
        return sets[0]
    if sum(len(s) for s in sets) * DENSE_SHARE < n:
        out = np.concatenate(sets)
        out.sort(kind="stable")          # merges the sorted runs
        return out[np.r_[True, out[1:] != out[:-1]]]
    mask = np.zeros(n, dtype=bool)
    for s in sets:
        mask[s] = True
    return compact(np.flatnonzero(mask), n)


def scratch(snap, dtype=np.float64) -> np.ndarray:
    """A zeroed table over every row, one per serving thread and dtype, kept with the
    snapshot: a caller writes into it and leaves it zeroed, so a query neither clears
    nor faults in n values (19 MB of floats at 16× lawrefbook) for each use."""
    local = snap.derived("scratch", lambda _snap: threading.local()) \
        if hasattr(snap, "derived") else threading.local()
    key = np.dtype(dtype).str
    tables = local.__dict__
    if key not in tables:
        tables[key] = np.zeros(snap.n, dtype=dtype)
    return tables[key]


def compact(rows: np.ndarray, n: int) -> np.ndarray:
    """Row numbers in 4 bytes each when they fit (half the memory kept per needle)."""
    return rows.astype(np.int32) if n < 2**31 and rows.dtype != np.int32 else rows


def member(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each element of a, whether it is in b (both sorted, distinct)."""
    if not len(a) or not len(b):
        return np.zeros(len(a), dtype=bool)
    if len(b) * DENSE_SHARE > n and len(a) * DENSE_SHARE > n:
        mask = np.zeros(n, dtype=bool)
        mask[b] = True
        return mask[a]
    if len(b) < len(a):            # search the smaller set in the larger
        pos = np.minimum(np.searchsorted(a, b), len(a) - 1)
        out = np.zeros(len(a), dtype=bool)
        out[pos[a[pos] == b]] = True
        return out
    pos = np.searchsorted(b, a)
    pos[pos == len(b)] = len(b) - 1
    return b[pos] == a


def intersect(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if len(a) > len(b):
        a, b = b, a
    return a[member(n, a, b)]


def difference(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The rows of a not in b."""
    return a[~member(n, a, b)]
