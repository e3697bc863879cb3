"""Substring lookup in the short fields around a clause: heading, outline path, and its
document's title, place, issuer and 文号.

These fields are small (a few MB on 147k clauses) and highly repetitive: a document's
title is shared by all its clauses, a path by all its siblings. Each field is kept once
per distinct value, joined into one string, and searched with `str.find`, which runs in
C at memory speed, so one lookup costs well under a millisecond on lawrefbook. A
keyword-mode word then matches a clause through any of them (BM25F-style fields).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from analyzers.normalize import normalize

SEP = "\x00"


@dataclass
class FieldText:
    """Distinct values of one field, searchable for substrings, and the unit each row
    takes its value from (`owner[row]` indexes the values)."""
    blob: str
    starts: np.ndarray          # start offset of each value in blob
    owner: np.ndarray           # row → value index

    @classmethod
    def build(cls, values: list[str], owner) -> "FieldText":
        values = [normalize(v or "").replace(SEP, " ") for v in values]
        starts = np.cumsum([0] + [len(v) + 1 for v in values[:-1]]) if values else np.zeros(0)
        return cls(SEP.join(values), np.asarray(starts, dtype=np.int64),
                   np.asarray(owner, dtype=np.int64))

    def value_hits(self, needle: str) -> np.ndarray:
        """Indexes of the values containing the (normalised) needle."""
        if not needle or SEP in needle or not self.blob:
            return np.zeros(0, dtype=np.int64)
        offsets = [m.start() for m in re.finditer(re.escape(needle), self.blob)]
        if not offsets:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.searchsorted(self.starts, offsets, side="right") - 1)


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
        "title": FieldText.build([d["title"] or "" for d in docs], row_doc),
        "place": FieldText.build([f'{d["city"] or ""} {d["province"] or ""}' for d in docs],
                                 row_doc),
        "issuer": FieldText.build([d.get("issuer") or "" for d in docs], row_doc),
        "doc_number": FieldText.build([d.get("doc_number") or "" for d in docs], row_doc),
    }
    return out
