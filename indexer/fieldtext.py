"""Substring lookup in the short fields around a clause: heading, outline path, and its
document's title, place, issuer and 文号.

These fields are small (a few MB on 147k clauses) and highly repetitive: a document's
title is shared by all its clauses, a path by all its siblings, an issuer by many
documents. Each field is kept once per distinct value, joined into one string, with a
suffix array over it (indexer.sufarray, built when the snapshot loads: 0.1 s at 16×
lawrefbook), so a lookup is two binary searches, not a scan: a keyword-mode word looks up
itself, its equivalents and its parts in every field, and scanning the 2 MB of fields
at 16× took 1.5 ms a needle, 20–40 ms of a 30-character question. A word then matches a
clause through any of them (BM25F-style fields).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analyzers.normalize import normalize
from indexer import sufarray

SEP = "\x00"


@dataclass
class FieldText:
    """Distinct values of one field, searchable for substrings, and the unit each row
    takes its value from (`owner[row]` indexes the values)."""
    blob: str
    starts: np.ndarray          # start offset of each value in blob
    owner: np.ndarray           # row → value index
    text: bytes = b""           # blob as UTF-16-BE, and its suffix array
    sa: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    units: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # starts in UTF-16 units

    @classmethod
    def build(cls, values: list[str], owner) -> "FieldText":
        values = [normalize(v or "").replace(SEP, " ") for v in values]
        starts = np.cumsum([0] + [len(v) + 1 for v in values[:-1]]) if values else np.zeros(0)
        blob = SEP.join(values)
        text = blob.encode("utf-16-be")
        # a character past U+FFFF is two UTF-16 units: the suffix array counts units
        units = starts if len(text) == 2 * len(blob) else np.cumsum(
            [0] + [len(v.encode("utf-16-be")) // 2 + 1 for v in values[:-1]])
        return cls(blob, np.asarray(starts, dtype=np.int64), np.asarray(owner, dtype=np.int64),
                   text, sufarray.build(bytearray(text)), np.asarray(units, dtype=np.int64))

    def value_hits(self, needle: str) -> np.ndarray:
        """Indexes of the values containing the (normalised) needle."""
        if not needle or SEP in needle or not self.blob:
            return np.zeros(0, dtype=np.int64)
        q = needle.encode("utf-16-be")
        lo = sufarray.bound(self.text, self.sa, q, upper=False)
        hi = sufarray.bound(self.text, self.sa, q, upper=True)
        if hi <= lo:
            return np.zeros(0, dtype=np.int64)
        at = np.asarray(self.sa[lo:hi], dtype=np.int64) // 2
        return np.unique(np.searchsorted(self.units, at, side="right") - 1)


def context_fields(meta: dict, arrays: dict) -> dict[str, FieldText]:
    """The context fields of a snapshot, by name (heading, path, title, place, issuer,
    doc_number)."""
    docs, row_doc = meta["docs"], arrays["row_doc"]
    n = len(row_doc)
    heads = meta["headings"]
    head_vocab = list(dict.fromkeys(heads))
    code = {h: i for i, h in enumerate(head_vocab)}
    out = {
        "heading": FieldText.build(head_vocab, [code[h] for h in heads]),
        # snapshots written before paths were kept have none: every row's path is ""
        "path": FieldText.build(meta.get("paths", [""]),
                                arrays.get("row_path", np.zeros(n, dtype=np.int64))),
        "title": _per_document([d["title"] or "" for d in docs], row_doc),
        "place": _per_document([f'{d["city"] or ""} {d["province"] or ""}' for d in docs], row_doc),
        "issuer": _per_document([d.get("issuer") or "" for d in docs], row_doc),
        "doc_number": _per_document([d.get("doc_number") or "" for d in docs], row_doc),
    }
    return out


def _per_document(values: list[str], row_doc: np.ndarray) -> FieldText:
    """A document fact as a field: each distinct value once (most documents of a city
    share its issuer; most have no 文号), each row owning its document's."""
    vocab = list(dict.fromkeys(values))
    code = {v: i for i, v in enumerate(vocab)}
    per_doc = np.array([code[v] for v in values] or [0], dtype=np.int64)
    return FieldText.build(vocab, per_doc[row_doc] if len(row_doc) else np.zeros(0, np.int64))
