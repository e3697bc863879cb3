"""Similar wording over the index: bigram-vote candidates from the snapshot, then align."""
from __future__ import annotations

import time

import numpy as np

from search_app.evaluate import QueryContext, occurrence_rows, rows_with
from search_app.params import QueryError, SearchParams
from search_app.marks import mark_spans
from search_app.similar import candidate_docnums, mark_pair, rank_similar

MAX_INPUT_CHARS = 5000
CANDIDATES = 200
NOT_FOUND = "未找到措辞相近的条款"


def _bigram_lookups(snap):
    """(postings, frequency) callables for candidate_docnums. Both need the bigram's
    suffix-array range (two binary searches in Python over the mapped text); the vote
    asks for the frequency of every bigram and then the postings of most of them, so
    each range is found once per request, not twice."""
    if not hasattr(snap, "ranges"):
        return (lambda bg: rows_with(snap, bg)[0]), snap.count
    ranges: dict[str, list] = {}

    def span(bg):
        if bg not in ranges:
            ranges[bg] = snap.ranges(bg)
        return ranges[bg]

    def postings(bg):
        found = span(bg)
        if not found:
            return np.zeros(0, dtype=np.int64)
        return np.unique(occurrence_rows(snap, snap.offsets(found)))

    return postings, (lambda bg: sum(hi - lo for _, lo, hi in span(bg)))


def similar_search(engine, text: str | None = None, clause_id: str | None = None,
                   filters: SearchParams | None = None, limit: int = 20) -> dict:
    started = time.perf_counter()
    snap = engine.snapshot()
    exclude_doc = None
    source = None
    if clause_id:
        source = engine.clause(clause_id)
        if source is None:
            raise LookupError(f"条款不存在：{clause_id}")
        text = source["text"]
        exclude_doc = source["doc_id"]
    text = (text or "").strip()
    if not text:
        raise QueryError("请输入要比对的文字（一句话或一段）")
    if len(text) > MAX_INPUT_CHARS:
        raise QueryError(f"输入过长：最多 {MAX_INPUT_CHARS} 字，当前 {len(text)} 字")

    ctx = QueryContext(snap)
    mask = ctx.filter_mask(filters) if filters is not None and filters.filters() else None
    if exclude_doc is not None:
        j = snap.doc_of.get(exclude_doc)
        own = snap.arrays["row_doc"] == j
        mask = ~own if mask is None else mask & ~own
    wanted = CANDIDATES if mask is None else CANDIDATES * 5
    postings, frequency = _bigram_lookups(snap)
    rows = candidate_docnums(text, postings, snap.n, limit=wanted, frequency=frequency)
    if mask is not None:
        rows = rows[mask[rows]][:CANDIDATES]
    records = {int(r): snap.record(int(r)) for r in rows}
    matches = rank_similar(text, ((r, rec["text"]) for r, rec in records.items()), limit=limit)

    hits = []
    for m in matches:
        rec = records[m.key]
        rec["score"] = m.score
        rec["passages"] = [{"input_start": p.input_start, "input_end": p.input_end,
                            "clause_start": p.clause_start, "clause_end": p.clause_end}
                           for p in m.passages]
        # shared wording in <mark>, differences (numbers, inserted words) in <mark class="diff">
        rec.update(mark_pair(text, rec["text"], rec["passages"]))
        hits.append(rec)
    hit_rows = np.asarray(sorted(m.key for m in matches), dtype=np.int64)
    return {
        "total": len(hits),
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
        "input": text,
        "source_clause": source,
        "input_highlighted": mark_spans(text, [(p["input_start"], p["input_end"])
                                                  for h in hits for p in h["passages"]]),
        "hits": hits,
        "facets": ctx.facets(hit_rows),
        "message": "" if hits else NOT_FOUND,
    }
