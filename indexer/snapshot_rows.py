"""The rows of a snapshot being written: per-row columns (indexer.arrayfile), the records file.

`write_rows` turns the carried rows (indexer.carry) and a stream of new clause records
into the snapshot's columns, writing records.zst (or an added segment's records) as it
goes; indexer.snapshot writes the rest (text, suffix array, citations, meta) and
publishes the directory.
"""
from __future__ import annotations

from array import array
from pathlib import Path

import numpy as np

from analyzers.normalize import normalize
from indexer.carry import Carried
from indexer.citegraph import clause_article
from indexer.facets import FACETS
from indexer.factparse import date_ordinal
from indexer.rowcodec import TRAIN_ROWS, RowCompressor, dumps, train
from indexer.segments import Segment
from indexer.snapshot_read import DICTIONARY, DOC_FACTS, RECORDS, SEP
from indexer.versions import annotate_versions


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


def reuses_frames(carried: Carried | None) -> bool:
    """Carried frames are copied as they are when their dictionary was trained on a full
    sample; a small index's rows are recompressed with a dictionary trained anew."""
    return carried is not None and carried.dictionary is not None \
        and carried.base_n >= TRAIN_ROWS


def _packed(row_bytes: np.ndarray, base: int) -> np.ndarray:
    """Start offsets of rows laid one after another from `base`, each with its separator."""
    return base + np.r_[0, np.cumsum(row_bytes.astype(np.int64) + 2)[:-1]][:len(row_bytes)]


def write_rows(records, tmp: Path, known_hashes: dict[str, str], carried: Carried | None,
                segment: Segment | None = None):
    """The snapshot's columns: the carried rows' as they were, then each new record's.
    With `segment` (an update adding one, indexer.segments) the carried rows keep their
    global offsets and their bytes where they are, and `blob` and the records file hold
    the new rows only; else everything is written into one segment."""
    c = carried
    if segment is not None:                     # new rows after the old global text
        # rows of the segments being merged move into the new one, before the new rows
        blob, text_base = c.text(c.stay), segment.text_base
        kept_starts = np.r_[c.starts[:c.stay], _packed(c.row_bytes[c.stay:], text_base)]
    else:
        blob, text_base = (c.text() if c else bytearray()), 0   # appended to in place
        kept_starts = _packed(c.row_bytes, 0) if c else ()
    # compact per-row columns: array('q') costs 8 bytes a row, a list of ints ~36
    starts = _column("q", kept_starts)
    lengths, seqs, dates, row_doc = (_column("q", c.__dict__[k] if c else ())
                                     for k in ("lengths", "seq", "date", "row_doc"))
    row_bytes = _column("i", c.row_bytes if c else ())
    row_path = _column("i", c.row_path if c else ())     # outline paths, each stored once
    article = _column("i", c.article if c else ())
    path_code = {p: i for i, p in enumerate(c.paths)} if c else {}
    headings = list(c.headings) if c else []
    # [row, key, indicator, comparator, value, unit, year, scope, span]
    targets: list[list] = list(c.targets) if c else []
    sources: dict[str, str] = dict(c.sources) if c else {}
    docs: list[dict] = list(c.docs) if c else []
    doc_records: list[dict] = list(c.doc_records) if c else []  # each document's part of its clause records
    doc_index: dict[str, int] = {d["doc_id"]: j for j, d in enumerate(docs)}
    cite_rows: list[dict] = []                # what the citation graph reads of a new row
    lists = [f.builder(*(c.lists[f.name] if c else ())) for f in FACETS if f.multi]
    reuse = reuses_frames(c)
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
            headings.append(normalize(rec["heading"]))
            row_path.append(path_code.setdefault(normalize(" ".join(rec["path"])), len(path_code)))
            targets.extend([len(lengths) - 1, t["indicator_key"], t["indicator"], t["comparator"],
                            t["value"], t["unit"], t["year"], t["scope"], t["span"]]
                           for t in rec.get("targets", ()))
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
    # the codes in use, ascending (np.unique would import numpy.ma: 13 ms of an update)
    used = np.flatnonzero(np.bincount(arrays["row_path"], minlength=len(paths)))
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
    meta = {"headings": headings, "docs": docs,
            "paths": paths, "targets": targets, "vocab": vocab_out,
            "sources": sources, "doc_records": doc_records, "records_codec": codec}
    return arrays, meta, blob, cite_rows
