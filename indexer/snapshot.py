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
import queue
import shutil
import sys
import tempfile
import threading
import time
from array import array
from itertools import chain
from pathlib import Path

import numpy as np

from analyzers.normalize import normalize
from indexer.carry import Carried
from indexer.segments import WHOLE, Segment, appended
from indexer.citegraph import clause_article, write_citations
from indexer.facets import FACETS
from indexer.factparse import date_ordinal
from indexer import sufarray
from indexer.rowcodec import TRAIN_ROWS, RowCompressor, dumps, train
from indexer.snapshot_read import (DICTIONARY, DOC_FACTS, RECORDS, SEP, Snapshot,
                                   iter_snapshot_records, load_meta, snapshot_dir)
from indexer.versions import annotate_versions

__all__ = ["Snapshot", "IndexMissing", "build_snapshot", "write_snapshot", "snapshot_dir",
           "snapshot_generations", "iter_snapshot_records", "load_meta", "drop_orphans"]

class IndexMissing(FileNotFoundError):
    """There is no index yet: the admin has not run `policy-search index`."""




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
                   carried: Carried | None = None, stats: dict | None = None) -> Path:
    """Write snapshot `generation` from a stream of new clause records after the rows
    `carried` from the previous snapshot (indexer.carry); returns its directory.
    Records carried forward from a snapshot have no content hash any more (hits do not
    show it): `known_hashes` (source → hash of the previous snapshot) supplies theirs;
    `stats` (source → indexer.writer.file_signature) lets the next run skip reading them.
    Carried rows bring their columns and citation references; their text, suffix array
    and records stay in the previous snapshot's segments, linked into this one, and the
    new rows make a segment of their own (indexer.segments), unless it is time to
    compact: then everything is written again as one segment.

    The peak is the text plus its suffix array (a compaction's or a build's)."""
    target = snapshot_dir(index_dir, generation)
    if target.exists():
        return target
    segment = None
    if carried is not None and carried.can_append and _reuses_frames(carried):
        after = carried.segments[carried.linked:]      # merged into the new segment
        segment = appended(generation, after[0].text_base if after else carried.text_end,
                           after[0].rec_base if after else carried.rec_end)
    pending = PendingSnapshot(index_dir, known_hashes, carried, segment)
    pending.add(records)
    return pending.finish(generation, stats)


class PendingSnapshot:
    """A snapshot whose rows are written as they arrive, in a thread of their own (a
    build's parse workers leave the main process idle most of the time), and which is
    finished once its generation is known (after the Whoosh commit)."""

    def __init__(self, index_dir: Path, known_hashes: dict[str, str] | None = None,
                 carried: Carried | None = None, segment: Segment | None = None):
        self.index_dir, self.carried, self.segment = Path(index_dir), carried, segment
        self.tmp = Path(tempfile.mkdtemp(prefix=f".snap-tmp-{os.getpid()}-", dir=self.index_dir))
        os.chmod(self.tmp, 0o755)   # mkdtemp makes it 0700: a server of another user reads it
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._result, self._error = None, None
        self._thread = threading.Thread(target=self._rows, args=(known_hashes or {},),
                                        name="snapshot-rows", daemon=True)
        # the parse pool's feeder thread must get the GIL quickly, or the workers wait
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, 0.0002))
        self._thread.start()

    def _rows(self, known_hashes) -> None:
        try:
            batches = iter(self._queue.get, None)
            self._result = _write_rows(chain.from_iterable(batches), self.tmp, known_hashes,
                                       self.carried, self.segment)
        except BaseException as e:          # raised again by finish()
            self._error = e
            for _ in iter(self._queue.get, None):    # let the producer run to its end
                pass

    def add(self, records) -> None:
        """More clause records (any iterable), in row order."""
        if self._error is None:
            self._queue.put(records)

    def _wait(self):
        self._queue.put(None)
        self._thread.join()
        sys.setswitchinterval(self._interval)
        if self._error is not None:
            raise self._error

    def abandon(self) -> None:
        """Drop it (nothing changed, or the run failed: its error is the one to report)."""
        try:
            self._wait()
        except BaseException:
            pass
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def finish(self, generation: int, stats: dict | None = None) -> Path:
        target, tmp, carried = snapshot_dir(self.index_dir, generation), self.tmp, self.carried
        try:
            self._wait()
            arrays, meta, blob, cite_rows = self._result
            self._result = None
            meta["generation"] = generation
            meta["stats"] = {src: sig for src, sig in (stats or {}).items()
                             if sig is not None and src in meta["sources"]}
            kept = carried.n if carried is not None else 0
            # a build sorts in a thread (divsufsort is C and lets go of the GIL) while the
            # citation graph and the other files are written; an update sorts its new rows
            sorting = _Background(sufarray.build, blob) if len(blob) else None
            articles = zip((meta["docs"][j]["doc_id"] for j in arrays["row_doc"][:kept].tolist()),
                           meta["clause_ids"][:kept], arrays["article"][:kept].tolist())
            write_citations(tmp, cite_rows, meta["docs"], dumps, articles,
                            carried.refs if carried is not None else None)
            del cite_rows
            new = self._segments(meta, blob)
            if new is not None:
                (tmp / new.text).write_bytes(blob)
            _save_arrays(tmp / "arrays.npz", arrays)
            (tmp / "meta.json").write_bytes(dumps(meta))
            del meta
            if new is not None:
                sufarray.save(tmp / new.sa, sorting.result() if sorting else
                              np.zeros(0, dtype=np.int32))
            del blob, sorting
            os.rename(tmp, target)
        except OSError:
            if not target.exists():
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        _drop_old_snapshots(self.index_dir)
        return target


    def _segments(self, meta: dict, blob) -> Segment | None:
        """The segment whose text and suffix array are still to write (None: none), the
        snapshot's segments recorded in meta, the previous snapshot's files linked in
        when it keeps them."""
        if self.segment is None:
            return WHOLE
        old = self.carried.segments[:self.carried.linked]
        for g in old:
            for name in (g.text, g.sa, g.records):
                _link(self.carried.path / name, self.tmp / name)
        if not len(blob):                   # only files dropped: no segment to add
            (self.tmp / self.segment.records).unlink(missing_ok=True)
            meta["segments"] = [g.as_json() for g in old]
            return None
        meta["segments"] = [g.as_json() for g in old + [self.segment]]
        return self.segment


def _link(src: Path, dst: Path) -> None:
    """A hard link (the file is never written again); a copy where links fail."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


class _Background:
    """One call in a thread; result() joins it and returns or raises what it did."""

    def __init__(self, fn, *args):
        self._out, self._error = None, None
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True)
        self._thread.start()

    def _run(self, fn, args) -> None:
        try:
            self._out = fn(*args)
        except BaseException as e:
            self._error = e

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._out


def _save_arrays(path: Path, arrays: dict) -> None:
    """arrays.npz, deflated at level 1: mostly offsets, 9 MB → about 1 MB on lawrefbook,
    in a third of the time np.savez_compressed's level 6 takes for a few percent more."""
    import zipfile
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, value in arrays.items():
            with zf.open(name + ".npy", "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.asanyarray(value), allow_pickle=False)


class _RowFile:
    """records.zst: one compressed frame a row. The first TRAIN_ROWS rows are held back
    to train the dictionary, then everything streams."""

    def __init__(self, tmp: Path, dictionary: bytes | None = None, name: str = RECORDS,
                 base: int = 0):
        self.tmp, self.out = tmp, open(tmp / name, "wb")
        self.pending: list[bytes] | None = []
        self.offsets = array("q", [base])       # global offsets (indexer.segments)
        self.codec = None
        if dictionary is not None:          # the previous snapshot's: no training
            self.pending = None
            (tmp / DICTIONARY).write_bytes(dictionary)
            self.codec = RowCompressor(dictionary)

    def add_frames(self, carried: Carried, first: int = 0) -> None:
        """Carried rows from row `first` on, already compressed with this file's dictionary."""
        carried.copy_frames(self.out, first)
        sizes = carried.rec_sizes[first:]
        self.offsets.frombytes((np.cumsum(sizes, dtype=np.int64) + self.offsets[-1]).tobytes())

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


def _column(typecode: str, values=()) -> array:
    col = array(typecode)
    col.frombytes(np.ascontiguousarray(values, dtype=np.dtype(typecode)).tobytes())
    return col


def _reuses_frames(carried: Carried | None) -> bool:
    """Carried frames are copied as they are when their dictionary was trained on a full
    sample; a small index's rows are recompressed with a dictionary trained anew."""
    return carried is not None and carried.dictionary is not None \
        and carried.base_n >= TRAIN_ROWS


def _write_rows(records, tmp: Path, known_hashes: dict[str, str], carried: Carried | None,
                segment: Segment | None = None):
    """The snapshot's columns: the carried rows' as they were, then each new record's.
    With `segment` (an update adding one, indexer.segments) the carried rows keep their
    global offsets and their bytes where they are, and `blob` and the records file hold
    the new rows only; else everything is written into one segment."""
    c = carried
    if segment is not None:                     # new rows after the old global text
        # rows of the segments being merged move into the new one, before the new rows
        blob, text_base = c.text(c.stay), segment.text_base
        moved = np.r_[0, np.cumsum(c.row_bytes[c.stay:] + 2)[:-1]] if c.n > c.stay else []
        kept_starts = np.r_[c.starts[:c.stay], np.asarray(moved, dtype=np.int64) + text_base]
    else:
        blob, text_base = (c.text() if c else bytearray()), 0   # appended to in place
        kept_starts = np.r_[0, np.cumsum(c.row_bytes + 2)[:-1]] if c and c.n else ()
    # compact per-row columns: array('q') costs 8 bytes a row, a list of ints ~36
    starts = _column("q", kept_starts)
    lengths, seqs, dates, row_doc = (_column("q", c.__dict__[k] if c else ())
                                     for k in ("lengths", "seq", "date", "row_doc"))
    row_bytes = _column("i", c.row_bytes if c else ())
    row_path = _column("i", c.row_path if c else ())     # outline paths, each stored once
    article = _column("i", c.article if c else ())
    path_code = {p: i for i, p in enumerate(c.paths)} if c else {}
    clause_ids, headings, kinds = (list(c.__dict__[k]) if c else []
                                   for k in ("clause_ids", "headings", "kinds"))
    # [row, key, indicator, comparator, value, unit, year, scope, span]
    targets: list[list] = list(c.targets) if c else []
    sources: dict[str, str] = dict(c.sources) if c else {}
    docs: list[dict] = list(c.docs) if c else []
    doc_records: list[dict] = list(c.doc_records) if c else []  # each document's part of its clause records
    doc_index: dict[str, int] = {d["doc_id"]: j for j, d in enumerate(docs)}
    cite_rows: list[dict] = []                # what the citation graph reads of a new row
    lists = [f.builder(*(c.lists[f.name] if c else ())) for f in FACETS if f.multi]
    reuse = _reuses_frames(c)
    if segment is not None:
        rows = _RowFile(tmp, c.dictionary, segment.records, segment.rec_base)
        rec_starts = _column("q", c.rec_starts[:c.stay])
        if c.n > c.stay:
            rows.add_frames(c, c.stay)
    else:
        rows = _RowFile(tmp, c.dictionary if reuse else None)
        rec_starts = array("q")
    try:
        if segment is None and reuse:
            rows.add_frames(c)
        elif segment is None and c:
            for frame in c.frames():
                rows.add(c.codec.decompress(frame))
        for rec in records:
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
            # a row whose document part differs from its document's keeps it whole
            rows.add(dumps(dict(items[cut:]) if doc_part == doc_records[j] else rec))
            text = normalize(rec["text"]).replace("\x00", " ")
            encoded = text.encode("utf-16-be")
            starts.append(text_base + len(blob))
            blob += encoded + SEP
            row_bytes.append(len(encoded))
            lengths.append(len(text))
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
            article.append(clause_article(rec.get("label")))
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
    starts.append(text_base + len(blob))
    offsets = np.asarray(rows.offsets, dtype=np.int64)
    if segment is not None:        # the kept rows' records stay where they are
        offsets = np.r_[np.asarray(rec_starts, dtype=np.int64), offsets]
    sizes = np.diff(offsets)
    if c is not None and segment is not None:     # a kept row's record may be followed
        sizes[:c.stay] = c.rec_sizes[:c.stay]       # by dropped ones
    arrays = {
        "starts": np.asarray(starts, dtype=np.int64),      # n + 1 entries, global
        "lengths": np.asarray(lengths, dtype=np.int32),
        "row_doc": np.asarray(row_doc, dtype=np.int32),
        "seq": np.asarray(seqs, dtype=np.int32),
        "date": np.asarray(dates, dtype=np.int32),
        "row_bytes": np.asarray(row_bytes, dtype=np.int32),  # dropped rows may follow
        "rec_offsets": offsets,
        "rec_sizes": sizes.astype(np.int32),
        "row_path": np.asarray(row_path, dtype=np.int32),
        "article": np.asarray(article, dtype=np.int32),
    }
    paths = list(path_code)
    used = np.unique(arrays["row_path"])
    if len(used) < len(paths):              # paths only dropped rows had are left out
        remap = np.zeros(len(paths), dtype=np.int32)
        remap[used] = np.arange(len(used), dtype=np.int32)
        arrays["row_path"], paths = remap[arrays["row_path"]], [paths[i] for i in used.tolist()]
    vocab_out: dict[str, list[str]] = {}
    annotate_versions(docs)
    for facet in FACETS:
        facet.encode(docs, arrays, vocab_out)
    for builder in lists:
        builder.finish(arrays, vocab_out)
    meta = {"clause_ids": clause_ids, "headings": headings, "kinds": kinds, "docs": docs,
            "paths": paths, "targets": targets, "vocab": vocab_out,
            "sources": sources, "doc_records": doc_records, "records_codec": codec}
    return arrays, meta, blob, cite_rows


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


