"""The suffix array of a snapshot's text.bin (UTF-16-BE clause texts, each followed by
the separator U+0000): built whole, or carried forward from the previous snapshot.

Queries never contain U+0000, so a binary search only needs the suffixes ordered by
their text up to and including the first separator; how two suffixes equal that far are
ordered does not matter. That is what lets an update reuse the previous array: the rows
it keeps are the same bytes in the same order (only moved down over the rows it drops),
so their entries keep their relative order, and only the suffixes of the new rows at the
end are sorted and merged in. One changed file on lawrefbook: ~0.2 s instead of the 2 s
of sorting all 36 MB again, and none of divsufsort's 4-bytes-a-byte working array.
"""
from __future__ import annotations

import numpy as np

MAX_MERGED_UNITS = 1 << 20       # more new text than this: sorting everything is faster


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


def read_chunks(path, chunk: int = 1 << 20):
    """An .npy array in pieces read from the file (not mapped: a mapping's pages would
    count in this process's memory)."""
    with open(path, "rb") as fh:
        version = np.lib.format.read_magic(fh)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, _fortran, dtype = read_header(fh)
        left = shape[0] if shape else 0
        while left > 0:
            part = np.fromfile(fh, dtype=dtype, count=min(chunk, left))
            if not len(part):
                raise OSError(f"{path}: truncated")
            left -= len(part)
            yield part


def extend(blob, starts: np.ndarray, kept: int, base_sa, base_starts: np.ndarray,
           base_rows: np.ndarray) -> "np.ndarray | Merged | None":
    """The suffix array of `blob`, whose first `kept` rows (offsets `starts`, n + 1 of
    them) are the previous snapshot's rows `base_rows` (increasing) copied in order and
    the rest new; `base_sa` (chunks of it, in order) and `base_starts` are that
    snapshot's. None when a whole build is the better deal."""
    tail_at = int(starts[kept])
    if (len(blob) - tail_at) // 2 > MAX_MERGED_UNITS:
        return None
    # the old text as segments, each kept (moved down by what was dropped before it) or
    # dropped; a document's rows are contiguous, so there are few segments
    n_old = len(base_starts) - 1
    alive = np.zeros(n_old, dtype=bool)
    alive[base_rows] = True
    # the old text's dropped byte ranges (a document's rows are contiguous: a few ranges);
    # a kept suffix moves down by the bytes dropped before it
    flips = np.flatnonzero(np.diff(np.r_[True, alive, True].astype(np.int8)))
    dropped = [(int(base_starts[a]), int(base_starts[b])) for a, b in
               zip(flips[0::2].tolist(), flips[1::2].tolist())]
    sa = np.empty(tail_at // 2, dtype=np.int32)           # filled in place: no second copy
    w = 0
    for part in base_sa:
        moved = np.asarray(part, dtype=np.int32)
        if dropped:
            shift = np.zeros(len(moved), dtype=np.int32)
            keep = np.ones(len(moved), dtype=bool)
            for lo, hi in dropped:            # offsets fit int32: the array is int32
                keep &= (moved < lo) | (moved >= hi)
                shift += np.where(moved >= hi, hi - lo, 0).astype(np.int32)
            moved = (moved - shift)[keep]
        if w + len(moved) > len(sa):
            return None
        sa[w:w + len(moved)] = moved
        w += len(moved)
    if w != len(sa):                  # the rows do not add up: build instead
        return None
    if tail_at == len(blob):
        return sa
    tail = build(bytearray(blob[tail_at:])).astype(np.int64) + tail_at
    # each new suffix up to its row's end (separator included) is its sort key
    ends = starts[np.searchsorted(starts, tail, side="right")]
    at = np.empty(len(tail), dtype=np.int64)
    lo = 0
    for i, (t, e) in enumerate(zip(tail.tolist(), ends.tolist())):
        key, n = bytes(blob[t:e]), e - t
        hi = len(sa)                 # keys come in order: each search starts at the last
        while lo < hi:
            mid = (lo + hi) // 2
            p = int(sa[mid])
            if blob[p:p + n] < key:
                lo = mid + 1
            else:
                hi = mid
        at[i] = lo
    return Merged(sa, at, tail.astype(np.int32))


class Merged:
    """A carried suffix array and the new suffixes to insert: the merged array is only
    ever written (save), in chunks, so it never exists twice in memory."""

    def __init__(self, sa: np.ndarray, at: np.ndarray, tail: np.ndarray):
        self.sa, self.at, self.tail = sa, at, tail

    def __len__(self) -> int:
        return len(self.sa) + len(self.tail)

    def chunks(self, size: int = 1 << 20):
        sa, at = self.sa, self.at
        for c0 in range(0, max(len(sa), 1), size):
            c1 = min(c0 + size, len(sa))
            last = c1 == len(sa)
            i, j = np.searchsorted(at, [c0, c1], side="left")
            if last:
                j = len(at)
            if i == j:
                yield sa[c0:c1]
                continue
            # np.insert's result, without its generality: new entries at their places
            out = np.empty(c1 - c0 + j - i, dtype=np.int32)
            placed = at[i:j] - c0 + np.arange(j - i)
            new = np.zeros(len(out), dtype=bool)
            new[placed] = True
            out[placed] = self.tail[i:j]
            out[~new] = sa[c0:c1]
            yield out


def save(path, sa) -> None:
    """sa.npy from an array or a Merged."""
    if not isinstance(sa, Merged):
        np.save(path, sa)
        return
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.int32)),
              "fortran_order": False, "shape": (len(sa),)}
    with open(path, "wb") as fh:
        np.lib.format.write_array_header_1_0(fh, header)
        for part in sa.chunks():
            fh.write(np.ascontiguousarray(part, dtype=np.int32).tobytes())
