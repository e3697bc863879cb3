"""The citation graph of a snapshot: which clause cites which document (and article).

Built once when a snapshot is written (write_citations, from the rows of its one pass) and
stored as `cites.json` beside it:
  {"clauses":  {clause_id: [[start, end, doc_id, clause_id_or_null], ...]},
   "cited_by": {doc_id: [[citing_doc_id, count, first_citing_clause_id], ...]}}
`clauses` feeds the links in clause text and the `cites` of the API, `cited_by` the
被以下文件引用 list and the documents' `cited_by`. Unresolved references are not stored:
they stay plain text.

Resolution (resolve_reference, pure over a DocTable): the 文号 first, then the title key
(analyzers.titles) with and without the issuer written inside the marks; among several
versions of one title the one in force at the citing document's date (the newest dated
on or before it), else the newest.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from analyzers.citations import Reference, article_number, find_references, issuer_free
from analyzers.titles import title_key
from indexer.factparse import date_ordinal

CITES_FILE = "cites.json"


@dataclass
class DocTable:
    """What resolution needs to know about the indexed documents."""
    by_number: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_title: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    dated: dict[str, int] = field(default_factory=dict)           # doc_id → date ordinal
    articles: dict[str, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))

    def add_document(self, doc: dict) -> None:
        doc_id = doc["doc_id"]
        self.dated[doc_id] = date_ordinal(doc.get("date"), doc.get("year"))
        if doc.get("doc_number"):
            self.by_number[doc["doc_number"]].append(doc_id)
        title = doc.get("title") or ""
        for key in {title_key(title), title_key(issuer_free(title))} - {""}:
            self.by_title[key].append(doc_id)

    def add_article(self, doc_id: str, label: str, clause_id: str) -> None:
        n = article_number(label)
        if n is not None:
            self.articles[doc_id].setdefault(n, clause_id)   # the article's first clause


def pick_version(candidates: list[str], dated: dict[str, int], on: int) -> str | None:
    """The version in force on date `on`: newest dated on or before it, else the newest."""
    if not candidates:
        return None
    ranked = sorted(set(candidates), key=lambda d: (dated.get(d, 0), d))
    if on:
        before = [d for d in ranked if 0 < dated.get(d, 0) <= on]
        if before:
            return before[-1]
    return ranked[-1]


def resolve_reference(ref: Reference, table: DocTable, citing_doc: str,
                      on: int) -> tuple[str, str | None] | None:
    """(target doc_id, target clause_id of the named article or None), or None."""
    target, found = None, []
    if ref.doc_number:
        found = [d for d in table.by_number.get(ref.doc_number, ()) if d != citing_doc]
        target = pick_version(found, table.dated, on)
    if target is None and ref.title:
        for key in (title_key(ref.title), title_key(issuer_free(ref.title))):
            found = [d for d in table.by_title.get(key, ()) if d != citing_doc] if key else []
            if found:
                target = pick_version(found, table.dated, on)
                break
    if target is None:
        return None
    if ref.article and ref.article not in table.articles.get(target, {}):
        # a code published in parts under one title (民法典's 编 as separate files): the
        # part of the same version that holds the article
        target = next((d for d in sorted(set(found)) if table.dated.get(d) == table.dated.get(target)
                       and ref.article in table.articles.get(d, {})), target)
    clause = table.articles.get(target, {}).get(ref.article) if ref.article else None
    return target, clause


def build_graph(records, docs: list[dict]) -> dict:
    """cites.json's content from the snapshot's records (streamed once) and documents."""
    table = DocTable()
    for doc in docs:
        table.add_document(doc)
    pending: list[tuple[str, str, list[Reference]]] = []
    for rec in records:
        if rec.get("label"):
            table.add_article(rec["doc_id"], rec["label"], rec["clause_id"])
        text = rec.get("text") or ""
        if "《" in text or "号" in text:
            refs = find_references(text)
            if refs:
                pending.append((rec["clause_id"], rec["doc_id"], refs))
    clauses: dict[str, list] = {}
    cited: dict[str, Counter] = defaultdict(Counter)
    first: dict[tuple[str, str], str] = {}
    for clause_id, doc_id, refs in pending:
        on = table.dated.get(doc_id, 0)
        out = []
        for ref in refs:
            hit = resolve_reference(ref, table, doc_id, on)
            if hit is None:
                continue
            out.append([ref.start, ref.end, hit[0], hit[1]])
            cited[hit[0]][doc_id] += 1
            first.setdefault((hit[0], doc_id), clause_id)
        if out:
            clauses[clause_id] = out
    cited_by = {target: [[src, n, first[(target, src)]] for src, n in
                         sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
                for target, counts in cited.items()}
    return {"clauses": clauses, "cited_by": cited_by}


def write_citations(snap_dir: Path, rows, docs: list[dict], dumps) -> None:
    """cites.json into a snapshot directory being built, from the clause rows (clause_id,
    doc_id, text, date …) the writer collected in its one pass."""
    (Path(snap_dir) / CITES_FILE).write_bytes(dumps(build_graph(rows, docs)))


_CACHE: dict[str, dict] = {}


def load_citations(snap_dir: Path) -> dict:
    """cites.json of a snapshot (cached per directory: snapshots never change once
    written); an empty graph for a snapshot written before citations existed."""
    key = str(snap_dir)
    graph = _CACHE.get(key)
    if graph is None:
        try:
            graph = json.loads((Path(snap_dir) / CITES_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            graph = {"clauses": {}, "cited_by": {}}
        if len(_CACHE) > 4:
            _CACHE.clear()
        _CACHE[key] = graph
    return graph
