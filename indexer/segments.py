"""A snapshot's text, suffix arrays and records as segments, the way Lucene keeps an
index: an update that adds or changes a few files writes one small segment (the new
rows' text, its own suffix array, their records) and hard-links the older segments
into the new snapshot instead of rewriting them, so it costs what the files cost, not
what the corpus costs.

Offsets are global: segment k's text holds bytes [text_base, text_base + size) of one
virtual text, and likewise its records; its suffix array holds offsets local to it.
Rows keep their global offsets for as long as they live. A dropped row's bytes stay in
their segment as dead bytes that no row points to; occurrences inside them are
filtered out (`dead_ranges`). When there are MAX_SEGMENTS, the next update merges the
small ones after the first into its new segment (a tiered merge, as Lucene's); when dead
bytes or those later segments grow past a share of the text, it compacts everything
into one segment (indexer.carry decides).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

MAX_SEGMENTS = 4           # this many: the next update merges all but the first into one
MAX_DEAD_SHARE = 0.125     # dead bytes past this share of the text: the next update compacts
MAX_TAIL_SHARE = 0.25      # segments after the first holding more than this share of the
                           # live text when they are merged: compact instead (each query
                           # searches every segment; a merge rewrites all but the first)


@dataclass
class Segment:
    """File names of one segment inside its snapshot directory, and its global bases."""
    text: str
    sa: str
    records: str
    text_base: int = 0
    rec_base: int = 0

    def as_json(self) -> dict:
        return self.__dict__.copy()


# the one segment of a snapshot written whole (and of every snapshot before segments)
WHOLE = Segment("text.bin", "sa.npy", "records.zst")


def segments_of(meta: dict) -> list[Segment]:
    return [Segment(**s) for s in meta.get("segments") or [WHOLE.as_json()]]


def appended(generation: int, text_base: int, rec_base: int) -> Segment:
    """The segment an update adds (named after its generation, so names never clash)."""
    return Segment(f"text.{generation}.bin", f"sa.{generation}.npy",
                   f"records.{generation}.zst", text_base, rec_base)


class Concat:
    """Byte strings read as one: part i holds bytes [bases[i], bases[i + 1]). A slice
    must lie inside one part (a row's text or record always does)."""

    def __init__(self, parts: list, bases: list[int]):
        self.parts, self.bases = parts, list(bases)
        self.end = bases[-1] + len(parts[-1]) if parts else 0

    def __len__(self) -> int:
        return self.end

    def __getitem__(self, s: slice):
        i = max(bisect.bisect_right(self.bases, s.start) - 1, 0)
        b = self.bases[i]
        return self.parts[i][s.start - b:s.stop - b]


def dead_ranges(starts: np.ndarray, row_bytes: np.ndarray) -> np.ndarray:
    """[start, end) byte ranges of the global text no row holds (dropped rows), merged,
    as an (m, 2) array; a row's separator belongs to it."""
    n = len(row_bytes)
    if not n:
        return np.zeros((0, 2), dtype=np.int64)
    ends = starts[:n] + row_bytes + 2
    gap = np.flatnonzero(starts[1:n + 1] > ends)
    out = np.stack([ends[gap], starts[1:n + 1][gap]], axis=1).astype(np.int64)
    if starts[0] > 0:
        out = np.vstack([[[0, int(starts[0])]], out])
    return out


def alive(occ: np.ndarray, dead: np.ndarray) -> np.ndarray:
    """The offsets of `occ` outside the dead ranges."""
    if not len(dead) or not len(occ):
        return occ
    i = np.searchsorted(dead[:, 0], occ, side="right") - 1
    inside = (i >= 0) & (occ < dead[np.maximum(i, 0), 1])
    return occ[~inside]
