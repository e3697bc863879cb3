"""Query evaluation over the index snapshot: matching, filters, facets, ranking, marks.

Exact mode is a substring: a clause matches when its width-normalised text contains the
input, so results equal a substring scan by construction. Keyword mode turns typed words
into Concepts (search_app.keyword): all words first, then most, ranked by BM25F with
proximity and character pairs.
"""
from __future__ import annotations

import math
import re
import time
from pathlib import Path

import numpy as np

from analyzers.normalize import normalize
from indexer.snapshot import Snapshot, build_snapshot, snapshot_dir, snapshot_generations
from search_app.marks import fragment, mark_text
from search_app.params import FACET_PARAMS, QueryError, SearchParams
from search_app import keyword
from search_app.query import MAX_QUERY_CHARS, And, Concept, Near, Not, Or, QueryTooComplex, \
    Term, describe, literal, parse_query

GENERAL = "通用"
_SENTENCE_END = re.compile(r"[。！？；;!?\n]")


class SearchEngine:
    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._snap: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        """The newest complete snapshot; a newer generation is picked up on the next call.
        Callers keep the object they got for the whole request."""
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
        except FileNotFoundError:              # pruned between listing and loading
            if current is not None:
                return current
            raise
        _ = (snap.row_of, snap.doc_of, snap.titles)    # build the lookups before publishing
        self._snap = snap
        return snap

    # ---- public API ----------------------------------------------------------------
    def search(self, params: SearchParams) -> dict:
        started = time.perf_counter()
        snap = self.snapshot()
        ctx = QueryContext(snap)
        node, message = self._understand(params)
        mask = ctx.filter_mask(params) if params.filters() else None
        full = ctx.evaluate(node) if node is not None else np.arange(snap.n)
        if mask is not None:
            full = full[mask[full]]
        # partial matches follow only when the full ones do not fill a page; otherwise
        # they are not even counted (they would cost as much as the query itself)
        partial = None
        if len(full) < params.size and params.mode == "keyword":
            partial = ctx.partial(node, full)
            if mask is not None:
                partial = partial[mask[partial]]
        shown = partial if partial is not None else np.zeros(0, dtype=np.int64)
        rows = np.concatenate([full, shown]).astype(np.int64)
        is_partial = np.r_[np.zeros(len(full), bool), np.ones(len(shown), bool)]
        total = int(len(rows))
        pages = max(1, math.ceil(total / params.size))
        if params.page > pages and total:
            raise QueryError(f"页码超出范围：共 {pages} 页")
        exact = params.mode == "exact"
        scores = keyword.scores(ctx, rows, node, proximity=not exact)
        order = ctx.order(rows, scores, params.sort, is_partial)
        if params.sort == "relevance" and node is not None and not exact:
            top = order[:keyword.RERANK_DEPTH]
            bonus = keyword.sentence_bonus(ctx, rows[top], node)
            if bonus.any():
                scores[top] += bonus
                order = ctx.order(rows, scores, params.sort, is_partial)
        start = (params.page - 1) * params.size
        marks = keyword.needles(node)
        hits = []
        for i in order[start:start + params.size]:
            rec = snap.record(int(rows[i]))
            rec["match"] = "partial" if is_partial[i] else "all"
            rec["score"] = round(float(scores[i]), 4)
            rec["fragment"] = fragment(rec["text"], marks)
            rec["highlighted"] = mark_text(rec["text"], marks)
            rec["heading_marked"] = mark_text(rec["heading"] or "", marks)
            hits.append(rec)
        words = sorted(keyword.concepts(node), key=lambda c: -keyword.idf(ctx, c)) \
            if params.mode == "keyword" else []
        return {
            "total": total, "page": params.page, "size": params.size, "pages": pages,
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
            "filters": params.filters(), "sort": params.sort,
            "hits": hits, "facets": ctx.facets(rows),
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

    def clause(self, clause_id: str) -> dict | None:
        snap = self.snapshot()
        row = snap.row_of.get(clause_id)
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
        return doc

    def mark(self, text: str, q: str, mode: str = "keyword") -> str:
        try:
            node, _ = self._understand(SearchParams(q=(q or "").strip(), mode=mode))
        except QueryError:                   # too long or too deep: shown unmarked
            node = None
        return mark_text(text, keyword.needles(node))

    def similar(self, text: str | None = None, clause_id: str | None = None,
                filters: SearchParams | None = None, limit: int = 20) -> dict:
        from search_app.similar_search import similar_search
        return similar_search(self, text=text, clause_id=clause_id, filters=filters, limit=limit)


class QueryContext:
    """One query's evaluation: caches each needle's rows and counts."""

    def __init__(self, snap: Snapshot):
        self.snap = snap
        self.term_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def text_rows(self, needle: str) -> tuple[np.ndarray, np.ndarray]:
        if needle not in self.term_cache:
            self.term_cache[needle] = self.snap.rows_with(needle)
        return self.term_cache[needle]

    def partial(self, node, full: np.ndarray) -> np.ndarray:
        """Keyword mode: rows matching most of the query's words but not all of them
        (`full`). Only the plain words may be missed; see keyword.partial_rows."""
        soft, hard = keyword.soft_items(node) if node is not None else ([], [])
        if not soft:
            return np.zeros(0, dtype=np.int64)
        must = self.evaluate(And(tuple(hard))) if hard else None
        return keyword.partial_rows(self, soft, must, full)

    def evaluate(self, node) -> np.ndarray:
        snap = self.snap
        if isinstance(node, Concept):
            return keyword.concept_rows(self, node)
        if isinstance(node, Term):
            return self.field_rows(node)
        if isinstance(node, And):
            pos = [i for i in node.items if not isinstance(i, Not)]
            neg = [i.item for i in node.items if isinstance(i, Not)]
            rows = self.evaluate(pos[0]) if pos else np.arange(snap.n)
            for item in pos[1:]:
                rows = np.intersect1d(rows, self.evaluate(item), assume_unique=True)
            for item in neg:
                rows = np.setdiff1d(rows, self.evaluate(item), assume_unique=True)
            return rows
        if isinstance(node, Or):
            rows = self.evaluate(node.items[0])
            for item in node.items[1:]:
                rows = np.union1d(rows, self.evaluate(item))
            return rows
        if isinstance(node, Not):
            return np.setdiff1d(np.arange(snap.n), self.evaluate(node.item), assume_unique=True)
        if isinstance(node, Near):
            rows = self.evaluate(And(node.terms))
            if node.scope == "sentence":
                needles = [normalize(t.text) for t in node.terms]
                keep = [r for r in rows if _in_one_sentence(snap.row_text(int(r)), needles)]
                rows = np.asarray(keep, dtype=np.int64)
            return rows
        raise TypeError(node)

    def field_rows(self, term: Term) -> np.ndarray:
        snap, needle = self.snap, normalize(term.text)
        if term.field == "text":
            return self.text_rows(term.text)[0]
        if term.field in ("title", "doc_number", "city"):
            docs = snap.meta["docs"]
            if term.field == "title":
                hit = [needle in t for t in self.snap.titles]
            elif term.field == "doc_number":
                hit = [needle in normalize(d["doc_number"] or "") for d in docs]
            else:
                hit = [needle in normalize((d["city"] or "") + " " + (d["province"] or ""))
                       for d in docs]
            doc_mask = np.asarray(hit, dtype=bool)
            return np.flatnonzero(doc_mask[snap.arrays["row_doc"]]) if len(docs) else \
                np.zeros(0, dtype=np.int64)
        vocab = snap.meta["vocab"][term.field]
        codes = [i for i, v in enumerate(vocab) if needle in normalize(v)]
        return self.rows_with_codes(term.field, codes)

    def rows_with_codes(self, facet: str, codes) -> np.ndarray:
        values = self.snap.arrays[facet + "_values"]
        owner = self.snap.value_owner(facet)
        return np.unique(owner[np.isin(values, np.asarray(list(codes), dtype=np.int32))])

    def filter_mask(self, params: SearchParams) -> np.ndarray:
        snap, a = self.snap, self.snap.arrays
        mask = np.ones(snap.n, dtype=bool)
        vocab = snap.meta["vocab"]
        for facet in ("city", "province", "doc_type"):
            chosen = getattr(params, facet)
            if chosen:
                codes = [i for i, v in enumerate(vocab[facet]) if v in chosen]
                mask &= np.isin(a["doc_" + facet], codes)[a["row_doc"]]
        if params.year:
            ranges = params.year_ranges()
            codes = [i for i, v in enumerate(vocab["year"])
                     if v.isdigit() and any(lo <= int(v) <= hi for lo, hi in ranges)]
            mask &= np.isin(a["doc_year"], codes)[a["row_doc"]]
        for facet in ("stage", "unit", "lead_unit"):
            chosen = getattr(params, facet)
            if not chosen:
                continue
            codes = [i for i, v in enumerate(vocab[facet]) if v in chosen]
            m = np.zeros(snap.n, dtype=bool)
            m[self.rows_with_codes(facet, codes)] = True
            if facet == "stage" and GENERAL in chosen:
                m |= np.diff(a["stage_indptr"]) == 0
            mask &= m
        return mask

    def facets(self, rows: np.ndarray) -> dict:
        snap, a, vocab = self.snap, self.snap.arrays, self.snap.meta["vocab"]
        out = {}
        docs_of_rows = a["row_doc"][rows]
        for facet in ("city", "province", "doc_type", "year"):
            counts = np.bincount(a["doc_" + facet][docs_of_rows], minlength=len(vocab[facet]))
            out[facet] = _facet_list(vocab[facet], counts, by_value=facet == "year")
        for facet in ("stage", "unit", "lead_unit"):
            counts = np.bincount(snap.multi_values(facet, rows), minlength=len(vocab[facet]))
            out[facet] = _facet_list(vocab[facet], counts, by_value=False)
        general = int(np.count_nonzero(np.diff(a["stage_indptr"])[rows] == 0))
        if general:
            out["stage"].append({"value": GENERAL, "count": general})
        order = {"学前教育": 0, "义务教育": 1, "普通高中": 2, "职业教育": 3, "高等教育": 4,
                 "特殊教育": 5, "终身教育": 6, GENERAL: 7}
        out["stage"].sort(key=lambda f: order.get(f["value"], 8))
        return {f: out[f] for f in FACET_PARAMS}

    def order(self, rows: np.ndarray, scores: np.ndarray, sort: str,
              partial: np.ndarray | None = None) -> np.ndarray:
        """Full matches before partial ones, each group by the chosen sort."""
        a = self.snap.arrays
        date, seq, doc = a["date"][rows], a["seq"][rows], a["row_doc"][rows]
        group = np.zeros(len(rows), bool) if partial is None else partial
        if sort == "date":
            return np.lexsort((seq, doc, date, group))
        if sort == "-date":
            return np.lexsort((seq, doc, -date, group))
        return np.lexsort((seq, doc, -date, -np.round(scores, 6), group))


def _facet_list(vocab, counts, by_value: bool) -> list[dict]:
    items = [(vocab[i], int(c)) for i, c in enumerate(counts) if c and vocab[i] not in ("", "0")]
    items.sort(key=(lambda x: x[0]) if by_value else (lambda x: (-x[1], x[0])),
               reverse=by_value)
    return [{"value": v, "count": c} for v, c in items]


def _in_one_sentence(text: str, needles: list[str]) -> bool:
    return any(all(n in s for n in needles) for s in _SENTENCE_END.split(text))
