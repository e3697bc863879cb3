"""The rows an update keeps from the previous snapshot, taken over as whole columns.

An update that adds, changes or drops a few files keeps almost every row. Decoding each
kept row's record and writing it again cost seconds on lawrefbook, growing with the
corpus; here the kept rows' per-row columns are numpy subsets and their citation
references come from cites.json: no kept row is decoded. Their text, suffix array and
records stay where they are, in the previous snapshot's segments (indexer.segments),
which the next snapshot links; only a compaction reads their bytes (read_ranges).
The snapshot writer (indexer.snapshot) starts from these columns and appends the new
rows after them.
"""
from __future__ import annotations

import bisect
import os
from itertools import chain
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer.citegraph import Prior, add_clause_refs, clause_article, load_citations, prior_of
from indexer.facets import FACETS
from indexer.segments import MAX_DEAD_SHARE, MAX_SEGMENTS, MAX_TAIL_SHARE, segments_of
from indexer.snapshot_read import DICTIONARY, DOC_FACTS, Snapshot

# the keys annotate_versions adds to a document: recomputed over the new set of documents
VERSION_KEYS = ("versions", "current")


@dataclass
class Carried:
    """Kept rows of one snapshot, in their order, as the next snapshot's first rows."""
    starts: np.ndarray              # their global text offsets (indexer.segments)
    row_bytes: np.ndarray           # bytes of each row's text, separator not included
    rec_starts: np.ndarray          # their global record offsets
    rec_sizes: np.ndarray           # bytes of each row's compressed record
    lengths: np.ndarray
    seq: np.ndarray
    date: np.ndarray
    row_path: np.ndarray            # codes into `paths`
    article: np.ndarray             # 第N条 number of each row, -1 for none
    row_doc: np.ndarray             # into `docs`
    headings: list
    paths: list
    targets: list
    docs: list                      # kept documents, as their records state them
    doc_records: list
    sources: dict
    lists: dict                     # facet name → (vocab, value codes, indptr from 0)
    refs: dict                      # doc_id → citation references (indexer.citegraph)
    path: Path                      # the old snapshot
    segments: list                  # its segments (indexer.segments.Segment)
    text_end: int                   # where its global text and records end
    rec_end: int
    base_n: int                     # its row count
    can_append: bool                # few dead bytes: keep segments, add one
    linked: int = 0                 # how many leading segments the next snapshot links
    stay: int = 0                   # the kept rows in those (the first `stay` rows)
    records: object = None          # its records (memory-mapped)
    dictionary: bytes | None = field(default=None)   # its records.dict (None: not zstd)
    codec: object = None            # decompresses its records
    prior: Prior | None = None      # its citation graph's resolutions, to keep

    @property
    def n(self) -> int:
        return len(self.lengths)

    def _files(self, kind: str) -> list[tuple[Path, int]]:
        return [(self.path / getattr(g, kind), g.text_base if kind == "text" else g.rec_base)
                for g in self.segments]

    def text(self, first: int = 0) -> bytearray:
        """Their text bytes from row `first` on, separators included, one after the other
        (a merge, a compaction)."""
        return read_ranges(self._files("text"), _ranges(self.starts[first:],
                                                        self.row_bytes[first:] + 2))

    def frames(self) -> list[bytes]:
        """Their compressed records (a small index's, recompressed)."""
        return [self.records[s:s + z] for s, z in zip(self.rec_starts.tolist(),
                                                      self.rec_sizes.tolist())]

    def copy_frames(self, out, first: int = 0) -> None:
        """Their compressed records from row `first` on onto the end of file object `out`,
        one after the other, file to file (copy_file_range: the bytes need not pass
        through here)."""
        out.flush()
        for path, at, size in _pieces(self._files("records"),
                                      _ranges(self.rec_starts[first:], self.rec_sizes[first:])):
            with open(path, "rb") as src:
                while size:
                    try:
                        done = os.copy_file_range(src.fileno(), out.fileno(), size, at)
                    except (AttributeError, OSError):
                        done = 0
                    if not done:                 # no copy_file_range here: through memory
                        src.seek(at)
                        out.write(src.read(size))
                        out.flush()
                        break
                    at, size = at + done, size - done


def _ranges(starts: np.ndarray, sizes: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) byte ranges covering the given (start, size) pieces, adjacent ones merged."""
    if not len(starts):
        return []
    ends = starts + sizes
    breaks = np.flatnonzero(starts[1:] != ends[:-1]) + 1
    firsts = np.r_[starts[0], starts[breaks]]
    lasts = np.r_[ends[breaks - 1], ends[-1]]
    return list(zip(firsts.tolist(), lasts.tolist()))


def _pieces(files: list[tuple[Path, int]], ranges):
    """(file, offset in it, size) of global byte ranges over segment files (path, base),
    a range spanning segments cut at their bounds."""
    bases = [base for _, base in files]
    for a, b in ranges:
        while a < b:
            k = max(bisect.bisect_right(bases, a) - 1, 0)
            stop = min(b, bases[k + 1]) if k + 1 < len(bases) else b
            yield files[k][0], a - bases[k], stop - a
            a = stop


def read_ranges(files: list[tuple[Path, int]], ranges) -> bytearray:
    """Global byte ranges read from segment files (path, base), in order, into one buffer
    (read, not mapped: mapped pages would count in this process's memory, and the writer
    appends to the result in place)."""
    out = bytearray(sum(b - a for a, b in ranges))
    view, w = memoryview(out), 0
    for path, at, size in _pieces(files, ranges):
        with open(path, "rb", buffering=0) as fh:
            fh.seek(at)
            while size:
                got = fh.readinto(view[w:w + size])
                if not got:
                    raise OSError(f"{path}: truncated")
                w, size = w + got, size - got
    return out


def _take(values: list, runs) -> list:
    """The items of the rows in `runs`, by slices (a few runs cover almost every row)."""
    return list(chain.from_iterable(values[a:b] for a, b in runs))


def _runs(rows: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive runs [a, b) of an increasing row list."""
    if not len(rows):
        return []
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    firsts = np.r_[rows[0], rows[breaks]]
    lasts = np.r_[rows[breaks - 1], rows[-1]] + 1
    return list(zip(firsts.tolist(), lasts.tolist()))


def carry(path: Path, keep, meta: dict | None = None) -> Carried:
    """The rows of snapshot `path` (its meta.json already read: `meta`) whose source
    `keep` accepts."""
    path = Path(path)
    snap = Snapshot.load(path, meta)
    a, meta = snap.arrays, snap.meta
    docs = meta["docs"]
    kept_docs = np.array([bool(keep(d["source"])) for d in docs] or [False], dtype=bool)
    rows = np.flatnonzero(kept_docs[a["row_doc"]]) if snap.n else np.zeros(0, dtype=np.int64)
    runs = _runs(rows)
    new_doc = np.cumsum(kept_docs) - 1
    doc_ids = np.flatnonzero(kept_docs[:len(docs)]).tolist()
    lists = {}
    for f in FACETS:
        if f.multi:
            indptr, values = a[f.name + "_indptr"], a[f.name + "_values"]
            counts = np.diff(indptr)[rows]
            take = np.concatenate([np.arange(indptr[x], indptr[y]) for x, y in runs]) \
                if runs else np.zeros(0, dtype=np.int64)
            lists[f.name] = (meta["vocab"][f.name], values[take],
                             np.r_[0, np.cumsum(counts)].astype(np.int64))
    row_map = np.full(max(snap.n, 1), -1, dtype=np.int64)
    row_map[rows] = np.arange(len(rows))
    targets = [[int(row_map[t[0]]), *t[1:]] for t in meta["targets"] if row_map[t[0]] >= 0]
    kept_sources = {docs[j]["source"] for j in doc_ids}
    kept_ids = {docs[j]["doc_id"] for j in doc_ids}
    dict_path = path / DICTIONARY
    zstd = not (path / "records.jsonl").exists() and dict_path.exists()
    graph = load_citations(path)
    refs, article, prior = graph.get("refs"), a.get("article"), None
    if refs is None or article is None:     # a snapshot of an older version: read its rows
        refs, article = _read_citations(snap, rows)
    else:
        refs = {d: r for d, r in refs.items() if d in kept_ids}
        article = article[rows]
        prior = prior_of(graph, docs, kept_ids)
    starts, offsets = a["starts"], a["rec_offsets"]
    row_bytes = a["row_bytes"] if "row_bytes" in a else np.diff(starts) - 2
    rec_sizes = a["rec_sizes"] if "rec_sizes" in a else np.diff(offsets)
    segs = segments_of(meta)
    text_end = int(starts[-1]) if len(starts) else 0
    live = int((row_bytes[rows] + 2).sum())
    can_append = zstd and "row_bytes" in a and text_end - live <= MAX_DEAD_SHARE * text_end
    # past MAX_SEGMENTS the small segments after the first are merged into the new one (a
    # tiered merge, as Lucene's): the big first segment is not rewritten
    linked = len(segs) if len(segs) < MAX_SEGMENTS else 1
    stay = int(np.searchsorted(starts[rows], segs[linked].text_base)) \
        if linked < len(segs) else len(rows)
    tail = int((row_bytes[rows][stay:] + 2).sum())
    if linked < len(segs) and tail > MAX_TAIL_SHARE * live:
        can_append = False
    return Carried(
        starts=starts[rows], row_bytes=row_bytes[rows], rec_starts=offsets[rows],
        rec_sizes=rec_sizes[rows],
        lengths=a["lengths"][rows], seq=a["seq"][rows], date=a["date"][rows],
        row_path=a["row_path"][rows], article=article, row_doc=new_doc[a["row_doc"][rows]],
        headings=_take(meta["headings"], runs), paths=list(meta["paths"]),
        targets=targets,
        docs=[_as_recorded(docs[j], meta["doc_records"][j]) for j in doc_ids],
        doc_records=[meta["doc_records"][j] for j in doc_ids],
        sources={s: h for s, h in meta["sources"].items() if s in kept_sources},
        lists=lists, refs=refs, path=path, segments=segs, text_end=text_end,
        rec_end=int(offsets[-1]) if len(offsets) else 0, base_n=snap.n,
        can_append=can_append, linked=linked, stay=stay, records=snap.records,
        dictionary=dict_path.read_bytes() if zstd else None, codec=snap._codec, prior=prior)


_FACTS = frozenset(DOC_FACTS)


def _as_recorded(doc: dict, record: dict) -> dict:
    """A kept document's facts as its records state them (the version keys and the
    status annotate_versions gave it are worked out again over the new set)."""
    out = {k: doc.get(k) for k in DOC_FACTS}
    for k in _FACTS.intersection(record):
        out[k] = record[k]
    return out


def _read_citations(snap: Snapshot, rows: np.ndarray) -> tuple[dict, np.ndarray]:
    """Article numbers and references of the given rows, from their records (once, for a
    snapshot written before cites.json kept its references)."""
    refs: dict[str, list] = {}
    article = np.full(len(rows), -1, dtype=np.int32)
    for k, row in enumerate(rows.tolist()):
        rec = snap.record(row)
        article[k] = clause_article(rec.get("label"))
        add_clause_refs(refs, rec)
    return refs, article
