"""Query evaluation over the index snapshot: matching, filters, facets, ranking, marks.

Exact mode is a substring: a clause matches when its width-normalised text contains the
input, so results equal a substring scan by construction. Keyword mode turns typed words
into Concepts (search_app.keyword): all words first, then most, ranked by BM25F with
proximity and character pairs.
"""
from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

from indexer.snapshot import Snapshot, build_snapshot, snapshot_dir, snapshot_generations
from search_app import keyword, ranking
from search_app.evaluate import QueryContext, all_of, warm
from search_app.marks import fragment, mark_text
from search_app.params import QueryError, SearchParams
from search_app.query import MAX_QUERY_CHARS, QueryTooComplex, describe, literal, parse_query
from search_app.similar_search import similar_search


class SearchEngine:
    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._snap: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        """The newest complete snapshot; a newer generation is picked up on the next call.
        Callers keep the object they got for the whole request."""
        for _attempt in range(3):
            gens = snapshot_generations(self.index_dir)
            if gens:
                path = snapshot_dir(self.index_dir, gens[-1])
            else:
                from indexer.writer import open_index
                path = build_snapshot(open_index(self.index_dir), self.index_dir)
            current = self._snap
            if current is not None and current.generation == int(path.name[5:]):
                return current
            try:
                snap = Snapshot.load(path)
            except FileNotFoundError:      # replaced between listing and loading: list again
                continue
            _ = (snap.doc_rows, snap.doc_of, snap.titles)    # build the lookups before publishing
            warm(snap)                   # … and the query side's, not in a user's query
            self._snap = snap
            return snap
        if self._snap is not None:
            return self._snap
        raise FileNotFoundError(f"no loadable snapshot in {self.index_dir}")

    # ---- public API ----------------------------------------------------------------
    def search(self, params: SearchParams) -> dict:
        started = time.perf_counter()
        snap = self.snapshot()
        ctx = QueryContext(snap)
        node, message = self._understand(params)
        masks = ctx.facet_masks(params)
        filtered = all_of(masks.values())        # the user's filters alone
        hidden_versions = 0
        # a 时效性 choice (已修改 …) asks for those versions: it overrides the default
        if params.versions == "current" and snap.has_versions and not params.status:
            masks["versions"] = snap.current_rows
        mask = filtered if "versions" not in masks else \
            snap.current_rows if filtered is None else filtered & snap.current_rows
        query_rows = ctx.evaluate(node) if node is not None else np.arange(snap.n)
        full = query_rows[mask[query_rows]] if mask is not None else query_rows
        # partial matches follow only when the full ones do not fill a page; otherwise
        # they are not even counted (they would cost as much as the query itself)
        partial = None
        if len(full) < params.size and params.mode == "keyword":
            partial_rows = ctx.partial(node, query_rows)    # rows missing a word
            query_rows = np.concatenate([query_rows, partial_rows])
            partial = partial_rows[mask[partial_rows]] if mask is not None else partial_rows
        if "versions" in masks:
            shown_any = query_rows if filtered is None else query_rows[filtered[query_rows]]
            hidden_versions = int(np.count_nonzero(~snap.current_rows[shown_any]))
        shown = partial if partial is not None else np.zeros(0, dtype=np.int64)
        rows = np.concatenate([full, shown]).astype(np.int64)
        is_partial = np.r_[np.zeros(len(full), bool), np.ones(len(shown), bool)]
        total = int(len(rows))
        pages = max(1, math.ceil(total / params.size))
        page = params.page
        if page > pages and total:
            if not params.clamp_page:
                raise QueryError(f"页码超出范围：共 {pages} 页")
            page = pages              # a page jump past the end (or a larger 每页条数)
        sort = params.effective_sort
        exact = params.mode == "exact"
        start = (page - 1) * params.size
        # the first pages only: the expensive features go to the best candidates
        top, top_scores = ranking.rank(ctx, rows, is_partial, node, sort,
                                       start + params.size, with_pairs=not exact)
        marks = keyword.needles(node)
        hits = []
        row_doc = snap.arrays["row_doc"]
        facets = ctx.facets(query_rows, masks)
        # the facets counted the hits per document already: the query's rows under every
        # filter are exactly `rows` (a facet no filter names is counted over them)
        per_doc = ctx.per_doc.get(tuple(masks)) if total else np.zeros(0, dtype=np.int64)
        if per_doc is None:
            per_doc = np.bincount(row_doc[rows], minlength=len(snap.meta["docs"]))
        for i, score in zip(top[start:], top_scores[start:]):
            rec = snap.record(int(rows[i]))
            rec["rank"] = start + len(hits) + 1
            doc = snap.meta["docs"][int(row_doc[rows[i]])]
            rec["doc_matches"] = int(per_doc[row_doc[rows[i]]])
            for fact in ("status", "level", "co_issuers", "effective_date", "expiry"):
                if doc.get(fact):                       # the snapshot's reading wins
                    rec[fact] = doc[fact]
            rec["other_versions"] = max(0, len(doc.get("versions") or ()) - 1)
            rec["match"] = "partial" if is_partial[i] else "all"
            rec["score"] = round(float(score), 4)
            rec["fragment"] = fragment(rec["text"], marks)
            rec["highlighted"] = mark_text(rec["text"], marks)
            rec["heading_marked"] = mark_text(rec["heading"] or "", marks)
            hits.append(rec)
        words = sorted(keyword.concepts(node), key=lambda c: -keyword.idf(ctx, c)) \
            if params.mode == "keyword" else []
        return {
            "total": total, "page": page, "size": params.size, "pages": pages,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
            "query": {"q": params.q, "mode": params.mode, "parsed": describe(node),
                      "understood": " · ".join(describe(c) for c in words),
                      "words": [{"word": c.word, "equivalents": [w for w, _ in c.equivalents],
                                 "parts": list(c.parts),
                                 "weight": round(keyword.idf(ctx, c), 3)} for c in words],
                      "fallback": bool(message), "message": message},
            "counts": {"all": int(len(full)),
                       "partial": None if partial is None else int(len(partial)),
                       "partial_shown": int(len(shown))},
            "documents": int(np.count_nonzero(per_doc)),
            "hidden_versions": hidden_versions, "versions": params.versions,
            "filters": params.filters(), "sort": sort,
            "hits": hits, "facets": facets,
            "suggestion": self._keyword_suggestion(ctx, params) if not total else None,
        }

    @staticmethod
    def _understand(params: SearchParams):
        """(query tree, message for the user); past the caps a QueryError (400)."""
        if len(params.q) > MAX_QUERY_CHARS:
            raise QueryError(f"检索式过长（{len(params.q)} 字，最多 {MAX_QUERY_CHARS} 字）；"
                             "查找相似的长段文字请用“相似条款”")
        if params.mode == "exact":
            return literal(params.q), ""
        try:
            parsed, message = parse_query(params.q)
        except QueryTooComplex as exc:
            raise QueryError(str(exc)) from None
        dropped: list[int] = []
        node = keyword.understand(parsed, dropped=dropped)
        if dropped:
            message = (message + "；" if message else "") + \
                f"检索词过多，只按前 {keyword.MAX_WORDS} 个词检索"
        return node, message

    @staticmethod
    def _keyword_suggestion(ctx: "QueryContext", params: SearchParams) -> dict | None:
        """Nothing matched the exact string: offer keyword mode, with its count."""
        if params.mode != "exact" or not params.q:
            return None
        node = keyword.understand(parse_query(params.q)[0])
        if node is None:
            return None
        full = ctx.evaluate(node)
        rows = np.concatenate([full, ctx.partial(node, full)]).astype(np.int64)
        if params.filters():
            rows = rows[ctx.filter_mask(params)[rows]]
        return {"q": params.q, "mode": "keyword", "total": int(len(rows))} if len(rows) \
            else None

    def newest_documents(self, limit: int = 10) -> list[dict]:
        """The most recent documents (current versions), with their clause counts."""
        snap = self.snapshot()
        docs = snap.meta["docs"]
        counts = np.bincount(snap.arrays["row_doc"], minlength=len(docs))
        dated = sorted((j for j, d in enumerate(docs) if d.get("current", True) is not False),
                       key=lambda j: (docs[j].get("date") or str(docs[j].get("year") or ""),
                                      docs[j].get("title") or ""), reverse=True)
        return [{**docs[j], "clauses": int(counts[j])} for j in dated[:limit]]

    def clause(self, clause_id: str) -> dict | None:
        snap = self.snapshot()
        row = snap.row_of(clause_id)
        if row is None:
            return None
        return snap.record(row)

    def document(self, doc_id: str) -> dict | None:
        snap = self.snapshot()
        j = snap.doc_of.get(doc_id)
        if j is None:
            return None
        rows = np.flatnonzero(snap.arrays["row_doc"] == j)
        clauses = sorted((snap.record(int(r)) for r in rows), key=lambda r: r["seq"])
        doc = dict(snap.meta["docs"][j])
        doc["clauses"] = clauses
        docs = snap.meta["docs"]
        doc["version_list"] = [
            {k: docs[snap.doc_of[v]].get(k) for k in ("doc_id", "title", "date", "year", "status",
                                                     "current")}
            for v in doc.get("versions") or () if v in snap.doc_of]
        return doc

    def needles(self, q: str, mode: str = "keyword") -> list[str]:
        """What a page marks for a query (understood once, then used on every clause)."""
        try:
            node, _ = self._understand(SearchParams(q=(q or "").strip(), mode=mode))
        except QueryError:                   # too long or too deep: shown unmarked
            node = None
        return keyword.needles(node)

    def mark(self, text: str, q: str, mode: str = "keyword") -> str:
        return mark_text(text, self.needles(q, mode))

    def similar(self, text: str | None = None, clause_id: str | None = None,
                filters: SearchParams | None = None, limit: int = 20) -> dict:
        return similar_search(self, text=text, clause_id=clause_id, filters=filters, limit=limit)
