"""The substring side of the index: a suffix array over every clause's normalised text.

Whoosh's pure-Python posting intersection cannot answer exact substring queries fast
enough (a bigram phrase field measured p95 755 ms on 158k clauses), so each committed
Whoosh generation gets a snapshot directory `snap_<gen>/` holding:
Rows are in Whoosh docnum order when read back from Whoosh, and otherwise in the order the
writer carried them forward; nothing depends on docnums, queries read only the snapshot.
- text.bin   normalised clause texts, UTF-16-BE (two bytes a character, so the suffix
             array needs only the even offsets), joined by U+0000
- sa.npy     suffix array of text.bin's even offsets (int32, memory-mapped at query time)
- arrays.npz row offsets, lengths, dates, facet codes (CSR for multi-valued facets)
- records.jsonl  the clause records hits show (offsets in arrays.npz)
- cites.json which clause cites which document/article, and each document's citers
             (indexer.citegraph)
- meta.json  vocabularies, clause ids, headings, distinct outline paths (row_path in
             arrays.npz points into them), per-document facts, every clause's targets
             (指标: row, indicator key, value, deadline …) for 指标对比
Queries read only the snapshot, so a search never mixes two generations.
A substring is then two binary searches plus numpy: exact, any length, with counts.
Snapshots are written to a temp dir and renamed, so readers see whole snapshots only.
"""
from __future__ import annotations

import datetime as _dt
from array import array
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from analyzers.normalize import normalize
from indexer.facets import FACETS
from indexer.versions import annotate_versions

SEP = b"\x00\x00"          # U+0000 in UTF-16-BE
DOC_FACTS = ("doc_id", "source", "title", "doc_type", "city", "province", "year", "date",
             "doc_number", "issuer", "co_issuers", "status", "level", "effective_date",
             "expiry", "effectiveness_level", "index_number")


def snapshot_dir(index_dir: Path, generation: int) -> Path:
    return Path(index_dir) / f"snap_{generation}"


def _date_ordinal(date: str, year: int | None) -> int:
    try:
        return _dt.date.fromisoformat(date).toordinal()
    except (TypeError, ValueError):
        try:
            return _dt.date(year, 12, 31).toordinal() if year else 0
        except (TypeError, ValueError, OverflowError):   # no calendar year: undated
            return 0


def build_snapshot(ix, index_dir: Path) -> Path:
    """Snapshot of the index's latest generation, read back from Whoosh's stored records.
    The fallback when no previous snapshot can be carried forward (see write_snapshot)."""
    with ix.reader() as reader:
        generation = reader.generation()
        if generation is None:         # a new index with nothing committed yet
            generation = ix.latest_generation()
        if snapshot_dir(index_dir, generation).exists():
            return snapshot_dir(index_dir, generation)
        return write_snapshot(index_dir, generation,
                              (fields["record"] for _, fields in reader.iter_docs()))


def iter_snapshot_records(path: Path):
    """The clause records of an existing snapshot, in row order (streamed)."""
    with open(Path(path) / "records.jsonl", "rb") as fh:
        for line in fh:
            yield json.loads(line)


def write_snapshot(index_dir: Path, generation: int, records,
                   known_hashes: dict[str, str] | None = None) -> Path:
    """Write snapshot `generation` from a stream of clause records; returns its directory.
    Records carried forward from a snapshot have no content hash any more (hits do not
    show it): `known_hashes` (source → hash of the previous snapshot) supplies theirs.

    Only small per-row values are kept in memory while streaming, so the peak is the text
    plus its suffix array."""
    import pydivsufsort

    index_dir = Path(index_dir)
    target = snapshot_dir(index_dir, generation)
    if target.exists():
        return target
    tmp = Path(tempfile.mkdtemp(prefix=f".snap-tmp-{os.getpid()}-", dir=index_dir))
    try:
        os.chmod(tmp, 0o755)      # mkdtemp makes it 0700: a server of another user reads it
        arrays, meta, blob = _write_rows(records, tmp, known_hashes or {})
        meta["generation"] = generation
        from indexer.citegraph import write_citations
        write_citations(tmp, meta["docs"])        # cites.json: the citation graph
        # suffixes of the UTF-16 text; only even byte offsets start a character
        sa = _even_suffixes(pydivsufsort.divsufsort(np.frombuffer(blob, dtype=np.uint8)))
        (tmp / "text.bin").write_bytes(blob)
        del blob
        np.save(tmp / "sa.npy", sa)
        del sa
        np.savez(tmp / "arrays.npz", **arrays)
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.rename(tmp, target)
    except OSError:
        if not target.exists():
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _drop_old_snapshots(index_dir)
    return target


def _even_suffixes(sa: np.ndarray, chunk: int = 1 << 22) -> np.ndarray:
    """The entries at even offsets, filtered chunk by chunk to keep the peak low."""
    return np.concatenate([part[(part & 1) == 0] for part in
                           (sa[i:i + chunk] for i in range(0, len(sa), chunk))]
                          or [np.zeros(0, dtype=np.int32)])


def _write_rows(records, tmp: Path, known_hashes: dict[str, str]):
    blob = bytearray()
    # compact per-row columns: array('q') costs 8 bytes a row, a list of ints ~36
    starts, lengths, seqs, dates, row_doc = (array("q") for _ in range(5))
    rec_offsets = array("q", [0])
    clause_ids, headings, kinds = [], [], []
    row_path, path_code = array("i"), {}      # outline paths, each distinct one stored once
    targets: list[list] = []                  # [row, key, indicator, comparator, value, unit, year, scope, span]
    sources: dict[str, str] = {}
    doc_index: dict[str, int] = {}
    docs: list[dict] = []
    lists = [f.builder() for f in FACETS if f.multi]
    with open(tmp / "records.jsonl", "wb") as out:
        for rec in records:
            digest = rec.pop("content_hash", None)                 # not part of a hit
            sources[rec["source"]] = digest if digest is not None else \
                known_hashes.get(rec["source"], "")
            line = json.dumps(rec, ensure_ascii=False).encode("utf-8") + b"\n"
            out.write(line)
            rec_offsets.append(rec_offsets[-1] + len(line))
            text = normalize(rec["text"]).replace("\x00", " ")
            starts.append(len(blob))
            blob += text.encode("utf-16-be") + SEP
            lengths.append(len(text))
            seqs.append(rec["seq"])
            dates.append(_date_ordinal(rec["date"], rec["year"]))
            clause_ids.append(rec["clause_id"])
            headings.append(normalize(rec["heading"]))
            row_path.append(path_code.setdefault(normalize(" ".join(rec["path"])), len(path_code)))
            targets.extend([len(clause_ids) - 1, t["indicator_key"], t["indicator"], t["comparator"],
                            t["value"], t["unit"], t["year"], t["scope"], t["span"]]
                           for t in rec.get("targets", ()))
            kinds.append(rec["kind"])
            j = doc_index.get(rec["doc_id"])
            if j is None:
                j = doc_index[rec["doc_id"]] = len(docs)
                docs.append({k: rec.get(k) for k in DOC_FACTS})
            row_doc.append(j)
            for builder in lists:
                builder.add(rec)
    starts.append(len(blob))
    arrays = {
        "starts": np.asarray(starts, dtype=np.int64),      # n + 1 entries
        "lengths": np.asarray(lengths, dtype=np.int32),
        "row_doc": np.asarray(row_doc, dtype=np.int32),
        "seq": np.asarray(seqs, dtype=np.int32),
        "date": np.asarray(dates, dtype=np.int32),
        "rec_offsets": np.asarray(rec_offsets, dtype=np.int64),
        "row_path": np.asarray(row_path, dtype=np.int32),
    }
    vocab_out: dict[str, list[str]] = {}
    annotate_versions(docs)
    for facet in FACETS:
        facet.encode(docs, arrays, vocab_out)
    for builder in lists:
        builder.finish(arrays, vocab_out)
    meta = {"clause_ids": clause_ids, "headings": headings, "kinds": kinds, "docs": docs,
            "paths": list(path_code), "targets": targets, "vocab": vocab_out,
            "sources": sources}
    return arrays, meta, blob


def snapshot_generations(index_dir: Path) -> list[int]:
    """Generations with a complete snapshot, oldest first."""
    return sorted(int(p.name[5:]) for p in Path(index_dir).glob("snap_*") if p.name[5:].isdigit())


def _drop_old_snapshots(index_dir: Path) -> None:
    """Keep only the newest snapshot. A server still answering from an older one keeps
    working: its text, suffix array and records are memory-mapped (POSIX keeps a
    deleted file's pages until they are unmapped) and the rest is in its memory; an
    engine that listed the old one just before it went away loads the newest instead."""
    index_dir = Path(index_dir)
    for g in snapshot_generations(index_dir)[:-1]:
        shutil.rmtree(snapshot_dir(index_dir, g), ignore_errors=True)
    drop_orphans(index_dir)


def _pid_alive(pid: str) -> bool:
    return pid.isdigit() and (int(pid) == os.getpid() or Path(f"/proc/{pid}").exists())


def drop_orphans(index_dir: Path) -> None:
    """What a killed run left behind: its spool and its half-written snapshot (both named
    after the run's pid, so a run still going keeps its own); unnamed temp dirs from
    older versions once they are an hour old."""
    index_dir = Path(index_dir)
    for spool in index_dir.glob(".spool-*.jsonl"):
        if not _pid_alive(spool.stem.split("-", 1)[-1]):
            spool.unlink(missing_ok=True)
    for tmp in index_dir.glob(".snap-tmp-*"):
        pid = tmp.name[len(".snap-tmp-"):].split("-", 1)[0]
        if (pid.isdigit() and not _pid_alive(pid)) or \
                (not pid.isdigit() and time.time() - tmp.stat().st_mtime > 3600):
            shutil.rmtree(tmp, ignore_errors=True)


@dataclass
class Snapshot:
    """A loaded snapshot: substring search and per-row facet arrays."""
    generation: int
    text: bytes            # memory-mapped text.bin
    records: bytes         # memory-mapped records.jsonl
    sa: np.ndarray         # memory-mapped suffix array
    arrays: dict
    meta: dict

    @classmethod
    def load(cls, path: Path) -> "Snapshot":
        text = _mmap(path / "text.bin")
        records = _mmap(path / "records.jsonl")
        sa = np.load(path / "sa.npy", mmap_mode="r")
        with np.load(path / "arrays.npz") as z:
            arrays = {k: z[k] for k in z.files}
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        return cls(meta["generation"], text, records, sa, arrays, meta)

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

    def record(self, row: int) -> dict:
        off = self.arrays["rec_offsets"]
        return json.loads(self.records[int(off[row]):int(off[row + 1])])

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
