"""The substring side of the index: a suffix array over every clause's normalised text.

Whoosh's pure-Python posting intersection cannot answer exact substring queries fast
enough (a bigram phrase field measured p95 755 ms on 158k clauses), so each committed
Whoosh generation gets a snapshot directory `snap_<gen>/` holding:
- text.bin   normalised clause texts, UTF-16-BE (two bytes a character, so the suffix
             array needs only the even offsets), joined by U+0000
- sa.npy     suffix array of text.bin's even offsets (int32, memory-mapped at query time)
- arrays.zst row offsets and byte sizes, lengths, dates, facet codes (CSR for
             multi-valued facets), each row's 第N条 number
- records.zst    the clause records hits show, one zstd frame a row (offsets in
             arrays.zst, dictionary records.dict), without the document facts, which
             meta.json's doc_records keeps once per document
- text.<g>.bin, sa.<g>.npy, records.<g>.zst   the same for each segment an update
             added (indexer.segments; the older segments' files are hard links)
- hot.json, hot.bin   rows and counts of the first segment's most frequent words
             (indexer.hot), read instead of their suffix-array ranges
- cites.json which clause cites which document/article, and each document's citers,
             and every reference found, for the next update (indexer.citegraph)
- meta.json  vocabularies, headings, distinct outline paths (row_path in
             arrays.zst points into them), per-document facts, every clause's targets
             (指标: row, indicator key, value, deadline …) for 指标对比, the segments,
             each file's size and modification time (`stats`)
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
from itertools import chain
from pathlib import Path

import numpy as np

from indexer import arrayfile, hot, sufarray
from indexer.carry import Carried
from indexer.citegraph import Articles, write_citations
from indexer.rowcodec import dumps
from indexer.segments import WHOLE, Segment, appended
from indexer.snapshot_read import Snapshot, iter_snapshot_records, load_meta, snapshot_dir
from indexer.snapshot_rows import reuses_frames, write_rows

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
                   carried: Carried | None = None, stats: dict | None = None,
                   empty: dict | None = None) -> Path:
    """Write snapshot `generation` from a stream of new clause records after the rows
    `carried` from the previous snapshot (indexer.carry); returns its directory.
    Records carried forward from a snapshot have no content hash any more (hits do not
    show it): `known_hashes` (source → hash of the previous snapshot) supplies theirs;
    `stats` (source → indexer.writer.file_signature) lets the next run skip reading them,
    and `empty` (the same, of files that held no clause) skip parsing those again.
    Carried rows bring their columns and citation references; their text, suffix array
    and records stay in the previous snapshot's segments, linked into this one, and the
    new rows make a segment of their own (indexer.segments), unless it is time to
    compact: then everything is written again as one segment.

    The peak is the text plus its suffix array (a compaction's or a build's)."""
    target = snapshot_dir(index_dir, generation)
    if target.exists():
        return target
    segment = None
    if carried is not None and carried.can_append and reuses_frames(carried):
        after = carried.segments[carried.linked:]      # merged into the new segment
        segment = appended(generation, after[0].text_base if after else carried.text_end,
                           after[0].rec_base if after else carried.rec_end)
    pending = PendingSnapshot(index_dir, known_hashes, carried, segment)
    pending.add(records)
    return pending.finish(generation, stats, empty)


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
            self._result = write_rows(chain.from_iterable(batches), self.tmp, known_hashes,
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

    def finish(self, generation: int, stats: dict | None = None,
               empty: dict | None = None) -> Path:
        target, tmp, carried = snapshot_dir(self.index_dir, generation), self.tmp, self.carried
        try:
            self._wait()
            arrays, meta, blob, cite_rows = self._result
            self._result = None
            meta["generation"] = generation
            meta["stats"] = {src: sig for src, sig in (stats or {}).items()
                             if sig is not None and src in meta["sources"]}
            meta["empty"] = dict(empty or {})
            kept = carried.n if carried is not None else 0
            # a build sorts in a thread (divsufsort is C and lets go of the GIL) while the
            # citation graph and the other files are written; an update sorts its new rows
            sorting = _Background(sufarray.build, blob) if len(blob) else None
            new = self._segments(meta, blob)
            # the first segment's hot-needle candidates are cut while it sorts
            words = hot.candidates_of(blob, arrays["starts"]) if new is WHOLE else []
            articles = Articles(meta["docs"], arrays["row_doc"][:kept], arrays["article"][:kept],
                                arrays["seq"][:kept])
            write_citations(tmp, cite_rows, meta["docs"], dumps, articles,
                            carried.refs if carried is not None else None,
                            carried.prior if carried is not None else None)
            del cite_rows
            if new is not None:
                (tmp / new.text).write_bytes(blob)
            arrayfile.save(tmp, arrays)
            (tmp / "meta.json").write_bytes(dumps(meta))
            del meta
            if new is not None:
                sa = sorting.result() if sorting else np.zeros(0, dtype=np.int32)
                np.save(tmp / new.sa, sa)
                if new is WHOLE:          # the first segment: its hot needles' rows
                    hot.save(tmp, hot.build(words, sa, arrays["starts"],
                                            lambda q, upper: sufarray.bound(blob, sa, q, upper)),
                             len(arrays["starts"]) - 1)
                del sa
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
        if old and (self.carried.path / hot.FILES[0]).exists():    # the first segment's
            for name in hot.FILES:
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


