"""Versions: one work published several times (a law and its revisions).

Documents with the same title key (analyzers.titles: version notes and the 中华人民共和国
prefix ignored) from the same place are versions of one work. The newest is current;
older ones are 已修改 unless a source states their status. Search shows the current
version by default, the document page links them all.
"""
from __future__ import annotations

from analyzers.titles import title_key
from indexer.factparse import date_ordinal

CURRENT, AMENDED = "现行有效", "已修改"


def work_key(doc: dict) -> tuple[str, str, str] | None:
    key = title_key(doc.get("title") or "")
    if len(key) < 4:                       # too short to tell two works apart
        return None
    return key, doc.get("province") or "", doc.get("city") or ""


def annotate_versions(docs: list[dict]) -> None:
    """Sets on each document of a multi-version work: `versions` (doc ids, newest first),
    `current` (bool) and, where no source stated one, `status`. In place."""
    groups: dict[tuple, list[dict]] = {}
    for doc in docs:
        key = work_key(doc)
        if key is not None:
            groups.setdefault(key, []).append(doc)
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda d: (date_ordinal(d.get("date"), d.get("year")),
                                    d.get("doc_id") or ""), reverse=True)
        ids = [d["doc_id"] for d in members]
        for i, doc in enumerate(members):
            doc["versions"] = ids
            doc["current"] = i == 0
            if not doc.get("status"):
                doc["status"] = CURRENT if i == 0 else AMENDED
