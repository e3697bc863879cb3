"""Row lists of a segment's most frequent words (its hot needles), written with its
suffix array.

A needle's rows come from its suffix-array range: one offset per occurrence, in suffix
order, each mapped to its row by a random probe. That is cheap for a rare word and the
largest cost of a query for a common one (人民政府 occurs 784k times at 16× lawrefbook:
~60 ms before any scoring), and it is paid again by every process that serves the index.
So, as an inverted index keeps postings, a build keeps for the words that occur at least
HOT_OCCURRENCES times the sorted start of each row holding them and the count in each
row: the same answer as the suffix array's, read instead of computed. The threshold is
absolute because the cost it removes is (it grows with occurrences, not with their
share), so a small corpus has few hot words and a large one many.

Candidates are the words jieba cuts from an even sample of the rows (the words a query
is cut into); their counts are then taken exactly from the suffix array. The lists hold
row numbers as the build wrote them. An update keeps the first segment's live rows
first and in order (indexer.segments) and drops some: a kept row's number is then its
build number less the dropped rows before it, and which rows were dropped is read off
the dead byte ranges (each dropped row left its text and separator there), so the lists
stay right without being rewritten.

Files, beside the segment's text: hot.json ({"rows": rows at build, "needles": needle →
[offset, postings, row form, count width]}) and hot.bin, each needle's rows (a bitmap over
the rows when that is smaller than 4 bytes a row, as Roaring containers choose) and then
its counts (1 or 2 bytes each, saturated at 65535: a row holding a word that often would
be a 128 KB clause).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np

from indexer.rowmap import block_table, rows_of

HOT_OCCURRENCES = 1 << 16    # about 4 ms of probes: below it the suffix array is as quick
HOT_BUDGET = 12              # postings kept per row of the segment at most, all words together
SAMPLE_ROWS = 2000           # rows cut to find candidates (a hot word shows in them ≥ 40 times)
FILES = ("hot.json", "hot.bin")


def candidates(texts: list[str], scale: float) -> list[str]:
    """Words cut from the sampled row texts whose estimated occurrences in the segment
    (count in the sample × scale) reach half the threshold, most frequent first. Single
    characters and stop words are left out: a query keeps them as words rarely, and they
    would take most of the budget (的 is in nearly every row)."""
    import rjieba

    from analyzers.tokenizer import CHINESE_STOP_WORDS, HMM, ensure_userdict
    ensure_userdict()
    # search mode: the words and the dictionary words inside them, as the index cuts
    counts = Counter(rjieba.cut_for_search("\n".join(texts), HMM))
    return [w for w, c in counts.most_common() if c * scale >= HOT_OCCURRENCES / 2
            and len(w) > 1 and w not in CHINESE_STOP_WORDS and any(ch.isalnum() for ch in w)]


def candidates_of(blob, starts: np.ndarray) -> list[str]:
    """candidates() of a segment's text `blob` (UTF-16-BE) with row starts `starts`
    (local, ascending, the end last): needs no suffix array, so a build runs it while
    the suffix array sorts."""
    n = len(starts) - 1
    if n <= 0:
        return []
    step = max(1, n // SAMPLE_ROWS)
    texts = [bytes(blob[int(starts[r]):int(starts[r + 1]) - 2]).decode("utf-16-be")
             for r in range(0, n, step)]
    return candidates(texts, step)


def build(words: list[str], sa: np.ndarray, starts: np.ndarray, bound) -> dict:
    """Hot needles of one segment among `words`: `sa` its suffix array, `starts` as for
    candidates_of, `bound(q, upper)` the suffix-array search for the UTF-16 needle q.
    Returns {needle: (rows, counts)}, most frequent first."""
    n = len(starts) - 1
    budget, out, blocks = HOT_BUDGET * max(n, 0), {}, None
    for word in words:
        q = word.encode("utf-16-be")
        lo, hi = bound(q, False), bound(q, True)
        if hi - lo < HOT_OCCURRENCES:
            continue
        blocks = block_table(starts) if blocks is None else blocks
        rows = rows_of(starts, blocks, np.asarray(sa[lo:hi], dtype=np.int64))
        counts = np.bincount(rows, minlength=n)
        found = np.flatnonzero(counts)
        if len(found) > budget:
            continue
        budget -= len(found)
        out[word] = (found, counts[found])
    return out


def _encoded(found: np.ndarray, counts: np.ndarray, n: int) -> tuple[list[bytes], str, int]:
    if len(found) * 32 > n:
        bits = np.zeros(n, dtype=bool)
        bits[found] = True
        rows, form = np.packbits(bits).tobytes(), "bits"
    else:
        rows, form = found.astype("<u4").tobytes(), "u4"
    width = 1 if counts.max() <= 0xFF else 2
    data = np.minimum(counts, 0xFFFF).astype("<u1" if width == 1 else "<u2").tobytes()
    pad = -(len(rows) + len(data)) % 4               # the next rows start 4-byte aligned
    return [rows, data, b"\0" * pad], form, width


def save(folder: Path, hot: dict, rows: int) -> None:
    keys, offset = {}, 0
    with open(folder / FILES[1], "wb") as out:
        for word, (found, counts) in hot.items():
            pieces, form, width = _encoded(found, counts, rows)
            keys[word] = [offset, len(found), form, width]
            for piece in pieces:
                out.write(piece)
                offset += len(piece)
    (folder / FILES[0]).write_text(json.dumps({"rows": rows, "needles": keys},
                                              ensure_ascii=False), encoding="utf-8")


def dropped_rows(starts: np.ndarray, dead: np.ndarray, text0, built: int) -> np.ndarray | None:
    """Build numbers of the first segment's rows that updates dropped, ascending, from
    the dead byte ranges (`dead`, merged and sorted) inside its text `text0`; None when
    the snapshot's rows do not start with that segment's `built` rows less those."""
    end0, out = len(text0), []
    for a, b in dead.tolist():
        if a >= end0:
            break
        units = np.frombuffer(bytes(text0[a:min(b, end0)]), dtype=">u2")
        k = int(np.count_nonzero(units == 0))        # one separator a dropped row
        first = int(np.searchsorted(starts, a)) + len(out)    # live rows before it + dropped
        out.extend(range(first, first + k))
    live = built - len(out)
    n = len(starts) - 1
    if live < 0 or live > n or (live and starts[live - 1] >= end0) or \
            (live < n and starts[live] < end0):
        return None
    return np.asarray(out, dtype=np.int64)


class HotLists:
    """A snapshot's hot needles (those of its first segment), memory-mapped."""

    def __init__(self, folder: Path):
        keys = json.loads((folder / FILES[0]).read_text(encoding="utf-8"))
        self.built, self.keys = keys["rows"], keys["needles"]
        size = (folder / FILES[1]).stat().st_size
        self.data = np.memmap(folder / FILES[1], dtype=np.uint8, mode="r") if size else \
            np.zeros(0, dtype=np.uint8)

    @classmethod
    def load(cls, folder: Path) -> "HotLists | None":
        """The folder's hot lists; None without them (queries then use the suffix arrays
        alone, as for snapshots written before hot lists) or in a form not this one."""
        try:
            return cls(folder)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _decoded(self, span) -> tuple[np.ndarray, np.ndarray]:
        offset, count, form, width = span
        if form == "bits":
            size = (self.built + 7) // 8
            rows = np.flatnonzero(np.unpackbits(self.data[offset:offset + size],
                                                count=self.built)).astype(np.int32)
        else:
            size = 4 * count
            rows = self.data[offset:offset + size].view("<u4").astype(np.int32)
        counts = self.data[offset + size:offset + size + width * count]
        return rows, (counts if width == 1 else counts.view("<u2")).astype(np.int32)

    def get(self, needle: str, dropped: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """(rows, counts) of the first segment's live rows holding the normalised needle,
        rows ascending, `dropped` from dropped_rows(); None when the needle is not hot."""
        span = self.keys.get(needle)
        if span is None:
            return None
        rows, counts = self._decoded(span)
        if not len(dropped):
            return rows, counts
        before = np.searchsorted(dropped, rows)
        live = dropped[np.minimum(before, len(dropped) - 1)] != rows
        return rows[live] - before[live].astype(np.int32), counts[live]
