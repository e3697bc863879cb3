"""The citation graph of a snapshot: which clause cites which document (and article).

Built once when a snapshot is written (write_citations, from the rows of its one pass) and
stored as `cites.json` beside it:
  {"clauses":  {clause_id: [[start, end, doc_id, clause_id_or_null], ...]},
   "cited_by": {doc_id: [[citing_doc_id, count, first_citing_clause_id], ...]},
   "refs":     {doc_id: [[clause_id, [[start, end, title, doc_number, article], ...]], ...]}}
   "doc_keys": {doc_id: [title key, ...]}, "title_keys": {cited title: [key, ...]}}
`clauses` feeds the links in clause text and the `cites` of the API, `cited_by` the
被以下文件引用 list and the documents' `cited_by`. Unresolved references are not linked:
they stay plain text. `refs` holds every reference found, resolved or not, and the keys
say what each document and cited title resolve by. An update (indexer.carry) reads no
kept clause again: a kept reference resolves as before unless a document added or
dropped shares its 文号 or a title key (a new file may be what an old clause cites), for
resolution looks at no other document; only those are resolved again (`Prior`).

Resolution (resolve_reference, pure over a DocTable): the 文号 first, then the title key
(analyzers.titles) with and without the issuer written inside the marks; among several
versions of one title the one in force at the citing document's date (the newest dated
on or before it), else the newest.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from analyzers.citations import Reference, article_number, find_references, issuer_free
from analyzers.titles import title_key
from indexer.factparse import date_ordinal
from indexer.records import clause_id_for
from indexer.rowcodec import loads

CITES_FILE = "cites.json"


class Articles:
    """doc_id → {article number → its first clause_id}. The rows an update keeps come as
    columns (each row's document, its article number or -1, its seq) and a
    document's dict is made when a reference first names that document: an update
    resolves a few thousand references, not the 150k rows it keeps. Rows added one by
    one (`add`, the new rows) follow the kept ones, as in the snapshot."""

    def __init__(self, docs: list[dict] = (), row_doc=None, article=None, seq=()):
        self._seq = seq
        self._new: dict[str, dict[int, str]] = defaultdict(dict)
        self._made: dict[str, dict[int, str]] = {}
        self._of_doc: dict[str, list[int]] = defaultdict(list)    # doc_id → doc numbers
        for j, doc in enumerate(docs if row_doc is not None else ()):
            self._of_doc[doc["doc_id"]].append(j)
        row_doc = np.zeros(0, np.int64) if row_doc is None else np.asarray(row_doc)
        numbered = np.flatnonzero(np.asarray(article) >= 0) if len(row_doc) else row_doc
        self._rows = numbered[np.argsort(row_doc[numbered], kind="stable")]
        self._article = article
        self._bounds = np.searchsorted(row_doc[self._rows], np.arange(len(docs) + 1)) \
            if len(row_doc) else None

    def add(self, doc_id: str, n: int | None, clause_id: str) -> None:
        if n is not None and n >= 0:
            self._new[doc_id].setdefault(n, clause_id)     # the article's first clause

    def get(self, doc_id: str, default=None) -> dict[int, str] | None:
        made = self._made.get(doc_id)
        if made is None:
            made = self._made[doc_id] = self._make(doc_id)
        return made or default

    def _make(self, doc_id: str) -> dict[int, str]:
        out: dict[int, str] = {}
        docs = self._of_doc.get(doc_id, ())
        if docs and self._bounds is not None:
            rows = np.sort(np.concatenate([self._rows[self._bounds[j]:self._bounds[j + 1]]
                                           for j in docs]))
            for n, s in zip(self._article[rows].tolist(), self._seq[rows].tolist()):
                out.setdefault(n, clause_id_for(doc_id, s))
        for n, clause_id in self._new.get(doc_id, {}).items():
            out.setdefault(n, clause_id)
        return out


@dataclass
class DocTable:
    """What resolution needs to know about the indexed documents."""
    by_number: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_title: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    dated: dict[str, int] = field(default_factory=dict)           # doc_id → date ordinal
    articles: Articles = field(default_factory=Articles)

    def add_document(self, doc: dict, keys: list[str] | None = None) -> list[str]:
        """Index one document; returns its title keys (`keys`: already known)."""
        doc_id = doc["doc_id"]
        self.dated[doc_id] = date_ordinal(doc.get("date"), doc.get("year"))
        if doc.get("doc_number"):
            self.by_number[doc["doc_number"]].append(doc_id)
        if keys is None:
            title = doc.get("title") or ""
            keys = sorted({title_key(title), title_key(issuer_free(title))} - {""})
        for key in keys:
            self.by_title[key].append(doc_id)
        return keys

    def add_article(self, doc_id: str, n: int | None, clause_id: str) -> None:
        """Article `n` (第n条) of a document is at this clause (when n is not None)."""
        self.articles.add(doc_id, n, clause_id)


def clause_article(label: str | None) -> int:
    """The 第N条 number a clause's label names, -1 for none (an int column of the snapshot)."""
    n = article_number(label) if label else None
    return -1 if n is None else n


def add_clause_refs(refs: dict[str, list], rec: dict) -> None:
    """A clause record's references, in cites.json's `refs` form, into `refs`."""
    text = rec.get("text") or ""
    if "《" not in text and "号" not in text:
        return
    found = [[r.start, r.end, r.title, r.doc_number, r.article] for r in find_references(text)]
    if found:
        refs.setdefault(rec["doc_id"], []).append([rec["clause_id"], found])


@lru_cache(maxsize=65536)
def _title_keys(title: str) -> tuple[str, str]:
    """A cited title's keys, with and without its issuer (the same titles recur)."""
    return title_key(title), title_key(issuer_free(title))


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
        for key in _title_keys(ref.title):
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


@dataclass
class Prior:
    """What the previous snapshot's graph resolved, for an update to keep."""
    clauses: dict           # clause_id → its resolved references (cites.json `clauses`)
    title_keys: dict        # cited title → its keys
    doc_keys: dict          # doc_id → its title keys, of the documents kept
    dropped: set            # 文号 and title keys of the documents not kept


def prior_of(graph: dict, docs: list[dict], kept_ids: set[str]) -> Prior | None:
    """The Prior of a previous snapshot's graph and documents (`kept_ids` stay); None
    for a graph written without its keys (everything is then resolved again)."""
    doc_keys, title_keys = graph.get("doc_keys"), graph.get("title_keys")
    if doc_keys is None or title_keys is None:
        return None
    dropped: set[str] = set()
    for doc in docs:
        if doc["doc_id"] not in kept_ids:
            dropped.update(doc_keys.get(doc["doc_id"], ()))
            dropped.add(doc.get("doc_number") or "")
    return Prior(graph.get("clauses", {}), title_keys,
                 {d: k for d, k in doc_keys.items() if d in kept_ids}, dropped - {""})


def build_graph(records, docs: list[dict], articles: Articles | None = None,
                refs: dict | None = None, prior: Prior | None = None) -> dict:
    """cites.json's content from the snapshot's documents and rows, in row order: first
    the rows kept from the previous snapshot, as their `articles` and their documents'
    `refs` from its cites.json, then `records`, the new rows (clause_id, doc_id, label,
    text …). With the previous graph's `prior`, a kept clause none of whose references
    shares a key with a document added or dropped keeps its resolution."""
    table = DocTable(articles=articles if articles is not None else Articles())
    known = prior.doc_keys if prior is not None else {}
    touched = set(prior.dropped) if prior is not None else set()
    doc_keys = {}
    for doc in docs:
        keys = doc_keys[doc["doc_id"]] = table.add_document(doc, known.get(doc["doc_id"]))
        if doc["doc_id"] not in known:                  # added (or changed)
            touched.update(keys)
            touched.add(doc.get("doc_number") or "")
    touched.discard("")
    title_keys = dict(prior.title_keys) if prior is not None else {}

    def keys_of(title: str):
        keys = title_keys.get(title)
        if keys is None:
            keys = title_keys[title] = list(_title_keys(title))
        return keys

    # the cited titles a changed file can answer (every kept reference's title has its
    # keys in the prior graph), found once instead of per reference
    answered = {t for t, keys in title_keys.items() if not touched.isdisjoint(keys)}

    def unchanged(found) -> bool:
        return not any(ref[3] in touched or ref[2] in answered or ref[2] not in title_keys
                       for ref in found)

    refs = dict(refs or {})
    for rec in records:
        table.add_article(rec["doc_id"], clause_article(rec.get("label")), rec["clause_id"])
        add_clause_refs(refs, rec)
    clauses: dict[str, list] = {}
    cited: dict[str, Counter] = defaultdict(Counter)
    first: dict[tuple[str, str], str] = {}
    for doc_id, in_doc in refs.items():
        on = table.dated.get(doc_id, 0)
        kept = doc_id in known
        for clause_id, found in in_doc:
            if kept and unchanged(found):
                out = prior.clauses.get(clause_id, [])
            else:
                out = []
                for start, end, title, number, article in found:
                    keys_of(title)
                    ref = Reference(start, end, title=title, doc_number=number, article=article)
                    hit = resolve_reference(ref, table, doc_id, on)
                    if hit is not None:
                        out.append([start, end, hit[0], hit[1]])
            for _start, _end, target, _clause in out:
                cited[target][doc_id] += 1
                first.setdefault((target, doc_id), clause_id)
            if out:
                clauses[clause_id] = out
    cited_by = {target: [[src, n, first[(target, src)]] for src, n in
                         sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
                for target, counts in cited.items()}
    cited_titles = {ref[2] for in_doc in refs.values() for _c, found in in_doc for ref in found}
    return {"clauses": clauses, "cited_by": cited_by, "refs": refs, "doc_keys": doc_keys,
            "title_keys": {t: k for t, k in title_keys.items() if t in cited_titles}}


def write_citations(snap_dir: Path, rows, docs: list[dict], dumps, articles=None,
                    refs: dict | None = None, prior: Prior | None = None) -> None:
    """cites.json into a snapshot directory being built, from the clause rows (clause_id,
    doc_id, label, text …) the writer collected in its one pass and the rows it carried."""
    (Path(snap_dir) / CITES_FILE).write_bytes(
        dumps(build_graph(rows, docs, articles, refs, prior)))


_CACHE: dict[str, dict] = {}


def load_citations(snap_dir: Path) -> dict:
    """cites.json of a snapshot (cached per directory: snapshots never change once
    written); an empty graph for a snapshot written before citations existed."""
    key = str(snap_dir)
    graph = _CACHE.get(key)
    if graph is None:
        try:
            graph = loads((Path(snap_dir) / CITES_FILE).read_bytes())
        except (OSError, ValueError):
            graph = {"clauses": {}, "cited_by": {}}
        if len(_CACHE) > 4:
            _CACHE.clear()
        _CACHE[key] = graph
    return graph
