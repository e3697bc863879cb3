"""引用 at query time: the snapshot's citation graph (indexer.citegraph) on clauses,
documents and in clause text (links), for the API and the pages."""
from __future__ import annotations

import html
from urllib.parse import quote

from indexer.citegraph import load_citations
from search_app.marks import match_spans
from indexer.snapshot import snapshot_dir

EMPTY = {"clauses": {}, "cited_by": {}}


def graph(engine) -> tuple[dict, object]:
    """(cites.json of the engine's current snapshot, that snapshot)."""
    index_dir = getattr(engine, "index_dir", None)
    if index_dir is None:                        # an in-memory engine (tests): no graph
        return EMPTY, None
    snap = engine.snapshot()
    return load_citations(snapshot_dir(index_dir, snap.generation)), snap


def _doc(snap, doc_id: str) -> dict:
    j = snap.doc_of.get(doc_id) if snap is not None else None
    return snap.meta["docs"][j] if j is not None else {}


def clause_cites(engine, clause_id: str, cached=None) -> list[dict]:
    """The resolved references of one clause: span, target document and article."""
    g, snap = cached or graph(engine)
    out = []
    for start, end, doc_id, target_clause in g["clauses"].get(clause_id, ()):
        d = _doc(snap, doc_id)
        out.append({"start": start, "end": end, "doc_id": doc_id, "clause_id": target_clause,
                    "title": d.get("title") or "", "date": d.get("date") or ""})
    return out


def attach_cites(engine, clause: dict, cached=None) -> dict:
    clause["cites"] = clause_cites(engine, clause["clause_id"], cached)
    return clause


def attach_hits(engine, result: dict) -> dict:
    cached = graph(engine)
    for hit in (result or {}).get("hits", ()):
        attach_cites(engine, hit, cached)
    return result


def attach_document(engine, doc: dict) -> dict:
    """`cites` on every clause; `cited_by` (被以下文件引用) and `cites_documents` (本文引用)
    on the document, each {doc_id, title, date, count} with the count of citing clauses."""
    cached = graph(engine)
    g, snap = cached
    counts: dict[str, int] = {}
    for clause in doc.get("clauses", ()):
        attach_cites(engine, clause, cached)
        for c in clause["cites"]:
            counts[c["doc_id"]] = counts.get(c["doc_id"], 0) + 1
    doc["cites_documents"] = [_summary(snap, d, n) for d, n in
                              sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    doc["cited_by"] = [{**_summary(snap, src, n), "clause_id": first}
                       for src, n, first in g["cited_by"].get(doc.get("doc_id"), ())]
    return doc


def _summary(snap, doc_id: str, count: int) -> dict:
    d = _doc(snap, doc_id)
    return {"doc_id": doc_id, "title": d.get("title") or d.get("source") or doc_id,
            "date": d.get("date") or "", "year": d.get("year"), "count": count}


def cite_href(cite: dict) -> str:
    base = "/documents/" + quote(cite["doc_id"])
    return base + ("#" + quote(cite["clause_id"]) if cite.get("clause_id") else "")


def link_spans(text: str, links: list[tuple[int, int, str]],
               marks: list[tuple[int, int]] = ()) -> str:
    """Escaped text with <a href> around the link spans and <mark> around the mark spans.

    Pure; links do not overlap each other (references never do), marks may cross them:
    a mark is closed and reopened at a link's edge so the tags nest."""
    cuts = {0, len(text)}
    for s, e, _ in links:
        cuts.update((s, e))
    for s, e in marks:
        cuts.update((max(0, s), min(len(text), e)))
    out, open_link, open_mark = [], None, False
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    for a, b in zip(points, points[1:]):
        link = next((h for s, e, h in links if s <= a and b <= e), None)
        mark = any(s <= a and b <= e for s, e in marks)
        if open_mark and (link != open_link or not mark):
            out.append("</mark>")
            open_mark = False
        if link != open_link:
            if open_link is not None:
                out.append("</a>")
            if link is not None:
                out.append(f'<a class="cite-link" href="{html.escape(link)}">')
            open_link = link
        if mark and not open_mark:
            out.append("<mark>")
            open_mark = True
        out.append(html.escape(text[a:b]))
    if open_mark:
        out.append("</mark>")
    if open_link is not None:
        out.append("</a>")
    return "".join(out)


def linked_text(engine, clause: dict, needles=()) -> str | None:
    """The clause text with its references linked (and `needles`, the page's search
    words, marked), or None when it cites nothing (the page then shows it as before)."""
    cites = clause.get("cites")
    if cites is None:
        cites = clause_cites(engine, clause["clause_id"])
    if not cites:
        return None
    marks = match_spans(clause["text"], needles) if needles else []
    return link_spans(clause["text"], [(c["start"], c["end"], cite_href(c)) for c in cites],
                      marks)
