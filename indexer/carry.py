"""The rows an update keeps from the previous snapshot, taken over as whole columns.

An update that adds, changes or drops a few files keeps almost every row. Decoding each
kept row's record and writing it again cost seconds on lawrefbook, growing with the
corpus; here the kept rows' text bytes and compressed frames are copied as byte runs
(a document's rows are contiguous, so a few runs), their per-row columns are numpy
subsets, and their citation references come from cites.json: no kept row is decoded.
The snapshot writer (indexer.snapshot) starts from these columns and appends the new
rows after them. Pure of I/O besides reading the snapshot it is given.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer.citegraph import clause_article, clause_refs, load_citations
from indexer.facets import FACETS
from indexer.snapshot_read import DICTIONARY, DOC_FACTS, RECORDS, Snapshot

# the keys annotate_versions adds to a document: recomputed over the new set of documents
VERSION_KEYS = ("versions", "current")


@dataclass
class Carried:
    """Kept rows of one snapshot, in their order, as the next snapshot's first rows."""
    text: bytearray                 # their text.bin bytes, separators included
    row_bytes: np.ndarray           # bytes of each row in `text`
    lengths: np.ndarray
    seq: np.ndarray
    date: np.ndarray
    row_path: np.ndarray            # codes into `paths`
    article: np.ndarray             # 第N条 number of each row, -1 for none
    frame_runs: list                # their records.zst frames: byte ranges of `records`
    records: object                 # the old snapshot's records (memory-mapped)
    frame_bytes: np.ndarray
    row_doc: np.ndarray             # into `docs`
    clause_ids: list
    headings: list
    kinds: list
    paths: list
    targets: list
    docs: list                      # kept documents, as their records state them
    doc_records: list
    sources: dict
    lists: dict                     # facet name → (vocab, value codes, indptr from 0)
    refs: dict                      # doc_id → citation references (indexer.citegraph)
    base_rows: np.ndarray           # the kept rows' numbers in the old snapshot
    path: Path                      # the old snapshot (its sa.npy is carried forward)
    base_starts: np.ndarray         # its row offsets
    base_n: int                     # its row count
    dictionary: bytes | None = field(default=None)   # its records.dict (None: not zstd)
    codec: object = None            # decompresses `frames` when the dictionary is not reused

    @property
    def n(self) -> int:
        return len(self.lengths)

    def frames(self) -> bytes:
        return b"".join(self.records[a:b] for a, b in self.frame_runs)

    def copy_frames(self, out) -> None:
        """Their frames onto the end of file object `out`, file to file (copy_file_range:
        the bytes need not pass through this process)."""
        out.flush()
        with open(self.path / RECORDS, "rb") as src:
            for a, b in self.frame_runs:
                at, left = a, b - a
                while left:
                    try:
                        done = os.copy_file_range(src.fileno(), out.fileno(), left, at)
                    except (AttributeError, OSError):
                        done = 0
                    if not done:             # no copy_file_range here: through memory
                        out.write(self.records[at:at + left])
                        out.flush()
                        break
                    at, left = at + done, left - done


def _runs(rows: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive runs [a, b) of an increasing row list."""
    if not len(rows):
        return []
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    firsts = np.r_[rows[0], rows[breaks]]
    lasts = np.r_[rows[breaks - 1], rows[-1]] + 1
    return list(zip(firsts.tolist(), lasts.tolist()))


def _cut(path: Path, offsets: np.ndarray, runs) -> bytearray:
    """The byte runs of a file, read (not mapped: mapped pages would count in this
    process's memory, and the writer appends to the result in place)."""
    out = bytearray(sum(int(offsets[b]) - int(offsets[a]) for a, b in runs))
    view, w = memoryview(out), 0
    with open(path, "rb", buffering=0) as fh:
        for a, b in runs:
            size = int(offsets[b]) - int(offsets[a])
            fh.seek(int(offsets[a]))
            while size:
                got = fh.readinto(view[w:w + size])
                if not got:
                    raise OSError(f"{path}: truncated")
                w, size = w + got, size - got
    return out


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
    ids = meta["clause_ids"]
    kept_sources = {docs[j]["source"] for j in doc_ids}
    kept_ids = {docs[j]["doc_id"] for j in doc_ids}
    dict_path = path / DICTIONARY
    zstd = (path / RECORDS).exists() and dict_path.exists()
    refs = load_citations(path).get("refs")
    article = a.get("article")
    if refs is None or article is None:     # a snapshot of an older version: read its rows
        refs, article = _read_citations(snap, rows)
    else:
        refs = {d: r for d, r in refs.items() if d in kept_ids}
        article = article[rows]
    return Carried(
        text=_cut(path / "text.bin", a["starts"], runs), row_bytes=np.diff(a["starts"])[rows],
        lengths=a["lengths"][rows], seq=a["seq"][rows], date=a["date"][rows],
        row_path=a["row_path"][rows],
        article=article,
        frame_runs=[(int(a["rec_offsets"][x]), int(a["rec_offsets"][y])) for x, y in runs],
        records=snap.records,
        frame_bytes=np.diff(a["rec_offsets"])[rows], row_doc=new_doc[a["row_doc"][rows]],
        clause_ids=[ids[r] for r in rows.tolist()],
        headings=[meta["headings"][r] for r in rows.tolist()],
        kinds=[meta["kinds"][r] for r in rows.tolist()], paths=list(meta["paths"]),
        targets=targets,
        docs=[{k: meta["doc_records"][j].get(k, docs[j].get(k)) for k in DOC_FACTS}
              for j in doc_ids],
        doc_records=[meta["doc_records"][j] for j in doc_ids],
        sources={s: h for s, h in meta["sources"].items() if s in kept_sources},
        lists=lists,
        refs=refs, base_rows=rows.astype(np.int64), path=path,
        base_starts=a["starts"], base_n=snap.n,
        dictionary=dict_path.read_bytes() if zstd else None, codec=snap._codec)


def _read_citations(snap: Snapshot, rows: np.ndarray) -> tuple[dict, np.ndarray]:
    """Article numbers and references of the given rows, from their records (once, for a
    snapshot written before cites.json kept its references)."""
    refs: dict[str, list] = {}
    article = np.full(len(rows), -1, dtype=np.int32)
    for k, row in enumerate(rows.tolist()):
        rec = snap.record(row)
        article[k] = clause_article(rec.get("label"))
        found = clause_refs(rec.get("text") or "")
        if found:
            refs.setdefault(rec["doc_id"], []).append([rec["clause_id"], found])
    return refs, article
