"""The substring side of the index: a suffix array over every clause's normalised text.

Whoosh's pure-Python posting intersection cannot answer exact substring queries fast
enough (a bigram phrase field measured p95 755 ms on 158k clauses), so each committed
Whoosh generation gets a snapshot directory `snap_<gen>/` holding:
- text.bin   normalised clause texts, UTF-16-BE (two bytes a character, so the suffix
             array needs only the even offsets), joined by U+0000
- sa.npy     suffix array of text.bin's even offsets (int32, memory-mapped at query time)
- arrays.npz row offsets, lengths, dates, facet codes (CSR for multi-valued facets)
- records.zst    the clause records hits show, one zstd frame a row (offsets in
             arrays.npz, dictionary records.dict), without the document facts, which
             meta.json's doc_records keeps once per document
- cites.json which clause cites which document/article, and each document's citers
             (indexer.citegraph)
- meta.json  vocabularies, clause ids, headings, distinct outline paths (row_path in
             arrays.npz points into them), per-document facts, every clause's targets
             (指标: row, indicator key, value, deadline …) for 指标对比
Queries read only the snapshot, so a search never mixes two generations.
A substring is then two binary searches plus numpy: exact, any length, with counts.
Snapshots are written to a temp dir and renamed, so readers see whole snapshots only.
Rows are in the order the writer carried them forward and added them. The snapshot is
where clause records live (Whoosh keeps one small document a file, indexer.schema); this
module writes snapshots, indexer.snapshot_read reads them.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from array import array
from pathlib import Path

import numpy as np

from analyzers.normalize import normalize
from indexer.citegraph import write_citations
from indexer.facets import FACETS
from indexer.factparse import date_ordinal
from indexer import sufarray
from indexer.rowcodec import TRAIN_ROWS, RowCompressor, dumps, train
from indexer.snapshot_read import SEP, Snapshot, iter_snapshot_records, load_meta, snapshot_dir
from indexer.versions import annotate_versions

__all__ = ["Snapshot", "IndexMissing", "build_snapshot", "write_snapshot", "snapshot_dir",
           "snapshot_generations", "iter_snapshot_records", "load_meta", "drop_orphans"]

DOC_FACTS = ("doc_id", "source", "title", "doc_type", "city", "province", "year", "date",
             "doc_number", "issuer", "co_issuers", "status", "level", "effective_date",
             "expiry", "effectiveness_level", "index_number")


class IndexMissing(FileNotFoundError):
    """There is no index yet: the admin has not run `policy-search index`."""


RECORDS = "records.zst"
DICTIONARY = "records.dict"


def build_snapshot(ix, index_dir: Path) -> Path:
    """The snapshot of Whoosh's latest generation when there is none on disk at all.
    Whoosh keeps no clause records (indexer.schema), so only an index holding no file can
    be snapshotted from it (a new index, or every file skipped); an index whose snapshots
    are gone (its first run killed after the commit) needs `policy-search index` again,
    which re-reads the files no snapshot holds."""
    with ix.reader() as reader:
        generation = reader.generation()
        if generation is None:         # a new index with nothing committed yet
            generation = ix.latest_generation()
        if snapshot_dir(index_dir, generation).exists():
            return snapshot_dir(index_dir, generation)
        if reader.doc_count():
            raise IndexMissing(f"索引尚未写完：{index_dir}，请重新运行 policy-search index")
    return write_snapshot(index_dir, generation, ())


def write_snapshot(index_dir: Path, generation: int, records,
                   known_hashes: dict[str, str] | None = None,
                   dictionary: bytes | None = None, base: Path | None = None) -> Path:
    """Write snapshot `generation` from a stream of clause records; returns its directory.
    Records carried forward from a snapshot have no content hash any more (hits do not
    show it): `known_hashes` (source → hash of the previous snapshot) supplies theirs.
    Rows carried from a snapshot (carried_rows) bring their normalised text and, when
    `dictionary` is that snapshot's, their compressed frame, so they are not redone;
    when they come first and `base` is their snapshot, its suffix array is carried
    forward too (indexer.sufarray.extend).

    The peak is the text plus its suffix array."""
    index_dir = Path(index_dir)
    target = snapshot_dir(index_dir, generation)
    if target.exists():
        return target
    tmp = Path(tempfile.mkdtemp(prefix=f".snap-tmp-{os.getpid()}-", dir=index_dir))
    try:
        os.chmod(tmp, 0o755)      # mkdtemp makes it 0700: a server of another user reads it
        arrays, meta, blob, cite_rows, base_rows = _write_rows(records, tmp, known_hashes or {},
                                                               dictionary)
        meta["generation"] = generation
        write_citations(tmp, cite_rows, meta["docs"], dumps)
        del cite_rows
        sa = None
        if base is not None and base_rows is not None and len(base_rows):
            with np.load(Path(base) / "arrays.npz") as z:
                base_starts = z["starts"]
            sa = sufarray.extend(blob, arrays["starts"], len(base_rows),
                                 sufarray.read_chunks(Path(base) / "sa.npy"), base_starts,
                                 np.asarray(base_rows, dtype=np.int64))
        if sa is None:
            sa = sufarray.build(blob)
        (tmp / "text.bin").write_bytes(blob)
        del blob
        np.save(tmp / "sa.npy", sa)
        del sa
        np.savez_compressed(tmp / "arrays.npz", **arrays)    # mostly offsets: 9 MB → 1 MB
        (tmp / "meta.json").write_bytes(dumps(meta))
        os.rename(tmp, target)
    except OSError:
        if not target.exists():
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _drop_old_snapshots(index_dir)
    return target


class _RowFile:
    """records.zst: one compressed frame a row. The first TRAIN_ROWS rows are held back
    to train the dictionary, then everything streams."""

    def __init__(self, tmp: Path, dictionary: bytes | None = None):
        self.tmp, self.out = tmp, open(tmp / RECORDS, "wb")
        self.pending: list[bytes] | None = []
        self.offsets = array("q", [0])
        self.codec = None
        if dictionary is not None:          # the previous snapshot's: no training
            self.pending = None
            (tmp / DICTIONARY).write_bytes(dictionary)
            self.codec = RowCompressor(dictionary)

    def add_frame(self, frame: bytes) -> None:
        """A row already compressed with this file's dictionary."""
        self.out.write(frame)
        self.offsets.append(self.offsets[-1] + len(frame))

    def add(self, row: bytes) -> None:
        if self.pending is not None:
            self.pending.append(row)
            if len(self.pending) >= TRAIN_ROWS:
                self._start()
            return
        self._write(row)

    def _start(self) -> None:
        dictionary = train(self.pending)
        (self.tmp / DICTIONARY).write_bytes(dictionary)
        self.codec = RowCompressor(dictionary)
        pending, self.pending = self.pending, None
        for row in pending:
            self._write(row)

    def _write(self, row: bytes) -> None:
        frame = self.codec.compress(row)
        self.out.write(frame)
        self.offsets.append(self.offsets[-1] + len(frame))

    def close(self) -> str:
        if self.pending is not None:
            self._start()
        self.out.close()
        return self.codec.codec


# keys no record has: what a carried row brings from its snapshot
CARRIED_TEXT, CARRIED_LEN, CARRIED_FRAME, CARRIED_ROW = "\x00text", "\x00len", "\x00frame", "\x00row"


def carried_rows(path: Path, keep=lambda source: True, frames: bool = True):
    """The records of snapshot `path` whose source `keep` accepts, in row order, each with
    its normalised text (and compressed frame, for a snapshot written with the same
    dictionary) under private keys: what write_snapshot would otherwise redo per row."""
    snap = Snapshot.load(Path(path))
    if (Path(path) / "records.jsonl").exists():
        frames = False
    wanted = np.array([keep(d["source"]) for d in snap.meta["docs"]] or [False], dtype=bool)
    keep_row = wanted[snap.arrays["row_doc"]] if snap.n else np.zeros(0, dtype=bool)
    off, starts, text = snap.arrays["rec_offsets"], snap.arrays["starts"], snap.text
    lengths = snap.arrays["lengths"]
    for row in np.flatnonzero(keep_row).tolist():
        rec = snap.record(row)
        rec[CARRIED_TEXT] = text[int(starts[row]):int(starts[row + 1]) - len(SEP)]
        rec[CARRIED_LEN] = int(lengths[row])
        rec[CARRIED_ROW] = row
        if frames:
            rec[CARRIED_FRAME] = snap.records[int(off[row]):int(off[row + 1])]
        yield rec


def reusable_dictionary(path: Path | None) -> bytes | None:
    """A snapshot's dictionary when it was trained on a full sample (small indexes retrain)."""
    if path is None or not (Path(path) / DICTIONARY).exists():
        return None
    data = (Path(path) / DICTIONARY).read_bytes()
    return data if data and len(load_meta(path)["clause_ids"]) >= TRAIN_ROWS else None


def _write_rows(records, tmp: Path, known_hashes: dict[str, str], dictionary=None):
    blob = bytearray()
    # compact per-row columns: array('q') costs 8 bytes a row, a list of ints ~36
    starts, lengths, seqs, dates, row_doc = (array("q") for _ in range(5))
    clause_ids, headings, kinds = [], [], []
    row_path, path_code = array("i"), {}      # outline paths, each distinct one stored once
    targets: list[list] = []                  # [row, key, indicator, comparator, value, unit, year, scope, span]
    sources: dict[str, str] = {}
    doc_index: dict[str, int] = {}
    docs: list[dict] = []
    doc_records: list[dict] = []              # each document's part of its clause records
    cite_rows: list[dict] = []                # what the citation graph reads of a row
    lists = [f.builder() for f in FACETS if f.multi]
    rows = _RowFile(tmp, dictionary)
    base_rows, fresh = array("q"), 0           # carried rows' rows in their snapshot; new rows
    try:
        for rec in records:
            old_row = rec.pop(CARRIED_ROW, None)
            if old_row is None:
                fresh += 1
            elif not fresh:                    # only a prefix of carried rows keeps its order
                base_rows.append(old_row)
            norm = rec.pop(CARRIED_TEXT, None)                   # UTF-16-BE, normalised
            length = rec.pop(CARRIED_LEN, None)                  # in characters
            frame = rec.pop(CARRIED_FRAME, None)
            digest = rec.pop("content_hash", None)                 # not part of a hit
            sources[rec["source"]] = digest if digest is not None else \
                known_hashes.get(rec["source"], "")
            items = list(rec.items())
            cut = next(i for i, (k, _) in enumerate(items) if k == "clause_id")
            doc_part = dict(items[:cut])
            j = doc_index.get(rec["doc_id"])
            if j is None:
                j = doc_index[rec["doc_id"]] = len(docs)
                docs.append({k: rec.get(k) for k in DOC_FACTS})
                doc_records.append(doc_part)
            if frame is not None and dictionary is not None:
                rows.add_frame(frame)
            else:   # a row whose document part differs from its document's keeps it whole
                rows.add(dumps(dict(items[cut:]) if doc_part == doc_records[j] else rec))
            if norm is None:
                text = normalize(rec["text"]).replace("\x00", " ")
                norm, length = text.encode("utf-16-be"), len(text)
            starts.append(len(blob))
            blob += norm + SEP
            lengths.append(length)
            seqs.append(rec["seq"])
            dates.append(date_ordinal(rec["date"], rec["year"]))
            clause_ids.append(rec["clause_id"])
            headings.append(normalize(rec["heading"]))
            row_path.append(path_code.setdefault(normalize(" ".join(rec["path"])), len(path_code)))
            targets.extend([len(clause_ids) - 1, t["indicator_key"], t["indicator"], t["comparator"],
                            t["value"], t["unit"], t["year"], t["scope"], t["span"]]
                           for t in rec.get("targets", ()))
            kinds.append(rec["kind"])
            row_doc.append(j)
            for builder in lists:
                builder.add(rec)
            raw = rec.get("text") or ""
            if rec.get("label") or "《" in raw or "号" in raw:
                cite_rows.append({"clause_id": rec["clause_id"], "doc_id": rec["doc_id"],
                                  "label": rec.get("label"),
                                  "text": raw if "《" in raw or "号" in raw else ""})
        codec = rows.close()
    finally:
        rows.out.close()
    starts.append(len(blob))
    arrays = {
        "starts": np.asarray(starts, dtype=np.int64),      # n + 1 entries
        "lengths": np.asarray(lengths, dtype=np.int32),
        "row_doc": np.asarray(row_doc, dtype=np.int32),
        "seq": np.asarray(seqs, dtype=np.int32),
        "date": np.asarray(dates, dtype=np.int32),
        "rec_offsets": np.asarray(rows.offsets, dtype=np.int64),
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
            "sources": sources, "doc_records": doc_records, "records_codec": codec}
    in_order = all(a < b for a, b in zip(base_rows, base_rows[1:]))
    prefix_only = len(base_rows) + fresh == len(clause_ids)
    return arrays, meta, blob, cite_rows, base_rows if in_order and prefix_only else None


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


