"""Reading a snapshot `snap_<gen>/` (its layout: indexer.snapshot): substring search
over the suffix array, per-row arrays, records. Every query goes through `Snapshot`."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from analyzers.normalize import normalize
from indexer.rowcodec import RowDecompressor, loads

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
    text: bytes            # memory-mapped text.bin
    records: bytes         # memory-mapped records.zst (records.jsonl in older snapshots)
    sa: np.ndarray         # memory-mapped suffix array
    arrays: dict
    meta: dict

    @classmethod
    def load(cls, path: Path, meta: dict | None = None) -> "Snapshot":
        """The snapshot at `path` (its meta.json already read: `meta`)."""
        text = _mmap(path / "text.bin")
        sa = np.load(path / "sa.npy", mmap_mode="r")
        with np.load(path / "arrays.npz") as z:
            arrays = {k: z[k] for k in z.files}
        meta = load_meta(path) if meta is None else meta
        if (path / "records.jsonl").exists():      # written before rows were compressed
            records, codec = _mmap(path / "records.jsonl"), RowDecompressor("raw", b"")
        else:
            records = _mmap(path / RECORDS)
            codec = RowDecompressor(meta.get("records_codec", "zstd"),
                                    (path / DICTIONARY).read_bytes())
        snap = cls(meta["generation"], text, records, sa, arrays, meta)
        snap._codec = codec
        return snap

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
    @cached_property
    def row_of(self) -> dict[str, int]:
        return {cid: i for i, cid in enumerate(self.meta["clause_ids"])}

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

    def _bound(self, q: bytes, upper: bool) -> int:
        sa, text, n = self.sa, self.text, len(q)
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

    def _range(self, needle: str) -> tuple[int, int]:
        """The suffix-array range of the normalised needle's occurrences."""
        q = normalize(needle).replace("\x00", "").encode("utf-16-be")
        if not q or not self.n:
            return 0, 0
        return self._bound(q, upper=False), self._bound(q, upper=True)

    def count(self, needle: str) -> int:
        """How often the needle occurs (an upper bound of the rows holding it); two
        binary searches, nothing materialised."""
        lo, hi = self._range(needle)
        return hi - lo

    def occurrences(self, needle: str) -> np.ndarray:
        """Byte offsets in text.bin of every occurrence of the normalised needle."""
        lo, hi = self._range(needle)
        return np.asarray(self.sa[lo:hi], dtype=np.int64)

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

    def record(self, row: int) -> dict:
        """The clause record of a row: its own fields after its document's (one dict per
        call, the caller may change it)."""
        off = self.arrays["rec_offsets"]
        raw = self.records[int(off[row]):int(off[row + 1])]
        part = loads(self._codec.decompress(raw) if self._codec is not None else raw)
        doc_records = self.meta.get("doc_records")
        if doc_records is None:
            return part
        return {**doc_records[int(self.arrays["row_doc"][row])], **part}

    def row_text(self, row: int) -> str:
        s, e = self.arrays["starts"][row:row + 2]
        return self.text[int(s):int(e) - len(SEP)].decode("utf-16-be")

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
