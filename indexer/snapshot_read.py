"""Reading a snapshot `snap_<gen>/` (its layout: indexer.snapshot): substring search
over the suffix array, per-row arrays, records. Every query goes through `Snapshot`."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from analyzers.normalize import normalize
from indexer import arrayfile, sufarray
from indexer.hot import HotLists
from indexer.records import clause_id_for, split_clause_id
from indexer.rowcodec import RowDecompressor, loads
from indexer.segments import Concat, alive, dead_ranges, segments_of

SEP = b"\x00\x00"          # U+0000 in UTF-16-BE


DOC_FACTS = ("doc_id", "source", "title", "doc_type", "city", "province", "year", "date",
             "doc_number", "issuer", "co_issuers", "status", "level", "effective_date",
             "expiry", "effectiveness_level", "index_number")
RECORDS = "records.zst"
DICTIONARY = "records.dict"


def snapshot_dir(index_dir: Path, generation: int) -> Path:
    return Path(index_dir) / f"snap_{generation}"


def load_meta(path: Path) -> dict:
    return loads((Path(path) / "meta.json").read_bytes())


def iter_snapshot_records(path: Path):
    """The clause records of an existing snapshot, in row order (streamed)."""
    path = Path(path)
    if (path / "records.jsonl").exists():          # written before rows were compressed
        with open(path / "records.jsonl", "rb") as fh:
            for line in fh:
                yield loads(line)
        return
    snap = Snapshot.load(path)
    for row in range(snap.n):
        yield snap.record(row)


@dataclass
class Snapshot:
    """A loaded snapshot: substring search and per-row facet arrays."""
    generation: int
    text: bytes            # memory-mapped text (a Concat of its segments' files)
    records: bytes         # memory-mapped records (records.jsonl in older snapshots)
    sa: np.ndarray | None  # memory-mapped suffix array of a one-segment snapshot
    arrays: dict
    meta: dict
    parts: list = field(default_factory=list)    # (text, suffix array, text base) a segment

    @classmethod
    def load(cls, path: Path, meta: dict | None = None) -> "Snapshot":
        """The snapshot at `path` (its meta.json already read: `meta`)."""
        arrays = arrayfile.load(path)
        meta = load_meta(path) if meta is None else meta
        segs = segments_of(meta)
        # the suffix arrays as plain ndarray views of their maps: np.memmap's own
        # __getitem__ is Python, ~20 µs a probe, and a lookup probes ~50 times a segment
        parts = [(_mmap(path / g.text), np.asarray(np.load(path / g.sa, mmap_mode="r")),
                  g.text_base) for g in segs]
        if (path / "records.jsonl").exists():      # written before rows were compressed
            records, codec = _mmap(path / "records.jsonl"), RowDecompressor("raw", b"")
        else:
            records = [_mmap(path / g.records) for g in segs]
            records = records[0] if len(segs) == 1 else Concat(records, [g.rec_base for g in segs])
            codec = RowDecompressor(meta.get("records_codec", "zstd"),
                                    (path / DICTIONARY).read_bytes())
        text = parts[0][0] if len(parts) == 1 else Concat([t for t, _, _ in parts],
                                                          [b for _, _, b in parts])
        snap = cls(meta["generation"], text, records, parts[0][1] if len(parts) == 1 else None,
                   arrays, meta, parts)
        snap._codec = codec
        snap.hot = HotLists.load(path)
        return snap

    @cached_property
    def dead(self) -> np.ndarray:
        """Byte ranges of dropped rows still in older segments (indexer.segments)."""
        if "row_bytes" not in self.arrays:
            return np.zeros((0, 2), dtype=np.int64)
        return dead_ranges(self.arrays["starts"], self.arrays["row_bytes"])

    def derived(self, key: str, build):
        """A query-side table derived from this snapshot (the row of each text block, the
        rows of each context value …), built on first use and kept with it, like the
        lookups below."""
        tables = self.__dict__.setdefault("_derived", {})
        if key not in tables:
            tables[key] = build(self)
        return tables[key]

    # lookups derived once per snapshot; they live on it so a request never pairs the
    # arrays of one generation with the lookups of another
    def clause_id(self, row: int) -> str:
        """The id of the clause at `row`, made from its document and seq (none is stored)."""
        a = self.arrays
        return clause_id_for(self.meta["docs"][int(a["row_doc"][row])]["doc_id"], int(a["seq"][row]))

    def row_of(self, clause_id: str) -> int | None:
        """The row of a clause id, None when this snapshot has no such clause."""
        parts = split_clause_id(clause_id)
        j = self.doc_of.get(parts[0]) if parts else None
        if j is None:
            return None
        order, offsets = self.doc_rows
        rows = order[offsets[j]:offsets[j + 1]]
        found = rows[self.arrays["seq"][rows] == parts[1]]
        return int(found[0]) if len(found) else None

    @cached_property
    def doc_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Each document's rows: order[offsets[j]:offsets[j + 1]] (CSR). Rows come grouped
        by document, so `order` is usually just every row in turn."""
        row_doc = self.arrays["row_doc"]
        docs = np.arange(len(self.meta["docs"]) + 1)
        if not len(row_doc) or bool(np.all(row_doc[1:] >= row_doc[:-1])):
            return np.arange(len(row_doc)), np.searchsorted(row_doc, docs)
        order = np.argsort(row_doc, kind="stable")
        return order, np.searchsorted(row_doc[order], docs)

    @cached_property
    def doc_of(self) -> dict[str, int]:
        return {d["doc_id"]: i for i, d in enumerate(self.meta["docs"])}

    @cached_property
    def titles(self) -> list[str]:
        return [normalize(d["title"] or "") for d in self.meta["docs"]]

    @cached_property
    def has_versions(self) -> bool:
        return any(d.get("versions") for d in self.meta["docs"])

    @cached_property
    def current_rows(self) -> np.ndarray:
        """Rows of documents that are no older version of another (see indexer.versions)."""
        current = np.array([d.get("current", True) is not False for d in self.meta["docs"]]
                           or [True], dtype=bool)
        return current[self.arrays["row_doc"]] if self.n else np.zeros(0, dtype=bool)

    @cached_property
    def context(self) -> dict:
        """The short fields around each clause (heading, path, title, place, issuer,
        文号), searchable for substrings; see indexer.fieldtext."""
        from indexer.fieldtext import context_fields
        return context_fields(self.meta, self.arrays)

    @property
    def n(self) -> int:
        return len(self.arrays["lengths"])

    def ranges(self, needle: str) -> list[tuple[int, int, int]]:
        """(segment, lo, hi): the suffix-array range of the normalised needle's
        occurrences in each segment that holds it."""
        q = normalize(needle).replace("\x00", "").encode("utf-16-be")
        if not q or not self.n:
            return []
        out = []
        for k, (text, sa, _base) in enumerate(self.parts):
            lo = sufarray.bound(text, sa, q, upper=False)
            hi = sufarray.bound(text, sa, q, upper=True)
            if hi > lo:
                out.append((k, lo, hi))
        return out

    def count(self, needle: str) -> int:
        """How often the needle occurs (an upper bound of the rows holding it: dropped
        rows' bytes count until compaction); binary searches, nothing materialised."""
        return sum(hi - lo for _, lo, hi in self.ranges(needle))

    def offsets(self, ranges) -> np.ndarray:
        """Global byte offsets of the occurrences in `ranges` (from ranges()), dropped
        rows' left out; in suffix order within each segment."""
        parts = [np.asarray(self.parts[k][1][lo:hi], dtype=np.int64) + self.parts[k][2]
                 for k, lo, hi in ranges]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        occ = parts[0] if len(parts) == 1 else np.concatenate(parts)
        return alive(occ, self.dead)

    def occurrences(self, needle: str) -> np.ndarray:
        """Global byte offsets of every occurrence of the normalised needle."""
        return self.offsets(self.ranges(needle))

    def rows_with(self, needle: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows containing needle, sorted; occurrence count per row)."""
        occ = self.occurrences(needle)
        if not len(occ):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        rows = np.searchsorted(self.arrays["starts"], occ, side="right") - 1
        if len(rows) < self.n // 8:            # sparse: sorting beats a dense count
            return np.unique(rows, return_counts=True)
        counts = np.bincount(rows, minlength=self.n)
        found = np.flatnonzero(counts)
        return found, counts[found]

    _codec = None          # set by load(): how records are compressed
    hot = None             # set by load(): the first segment's hot needles (indexer.hot)

    def record(self, row: int) -> dict:
        """The clause record of a row: its own fields after its document's (one dict per
        call, the caller may change it)."""
        off, start = self.arrays["rec_offsets"], int(self.arrays["rec_offsets"][row])
        sizes = self.arrays.get("rec_sizes")
        raw = self.records[start:int(off[row + 1]) if sizes is None else start + int(sizes[row])]
        part = loads(self._codec.decompress(raw) if self._codec is not None else raw)
        doc_records = self.meta.get("doc_records")
        if doc_records is None:
            return part
        return {**doc_records[int(self.arrays["row_doc"][row])], **part}

    def row_text(self, row: int) -> str:
        s = int(self.arrays["starts"][row])
        size = self.arrays.get("row_bytes")
        e = int(self.arrays["starts"][row + 1]) - len(SEP) if size is None else s + int(size[row])
        return self.text[s:e].decode("utf-16-be")

    def multi_values(self, facet: str, rows: np.ndarray) -> np.ndarray:
        """Value codes of a multi-valued facet for the given rows (with repeats)."""
        indptr = self.arrays[facet + "_indptr"]
        values = self.arrays[facet + "_values"]
        if not len(rows):
            return values[:0]
        lens = indptr[rows + 1] - indptr[rows]
        idx = np.repeat(indptr[rows] - np.cumsum(np.r_[0, lens[:-1]]), lens) + np.arange(lens.sum())
        return values[idx]

    def value_owner(self, facet: str) -> np.ndarray:
        indptr = self.arrays[facet + "_indptr"]
        return np.repeat(np.arange(self.n), np.diff(indptr))


def _mmap(path: Path):
    import mmap
    if not os.path.getsize(path):
        return b""
    with open(path, "rb") as fh:
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
