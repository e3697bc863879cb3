"""Query evaluation over the index snapshot: matching, filters, facets, ranking, marks.

Matching is exact: a word matches a clause when the clause's width-normalised text
contains it, so recall and precision against a substring scan are both 1 by
construction. Ranking is BM25 over those occurrences, with heading and title matches
boosted (BM25F-style field weights).
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
from search_app.query import And, Near, Not, Or, Term, describe, literal, parse_query, \
    positive_terms

GENERAL = "通用"
HEADING_WEIGHT, TITLE_WEIGHT = 2.0, 1.5
K1, B = 1.2, 0.75
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
        node, message = (literal(params.q), "") if params.mode == "exact" else parse_query(params.q)
        ctx = QueryContext(snap)
        rows = ctx.evaluate(node) if node is not None else np.arange(snap.n)
        rows = rows[ctx.filter_mask(params)[rows]] if params.filters() else rows
        total = int(len(rows))
        pages = max(1, math.ceil(total / params.size))
        if params.page > pages and total:
            raise QueryError(f"页码超出范围：共 {pages} 页")
        terms = [t for t in positive_terms(node) if t.field == "text"]
        scores = ctx.scores(rows, terms) if terms else np.zeros(total)
        order = ctx.order(rows, scores, params.sort)
        start = (params.page - 1) * params.size
        page_idx = order[start:start + params.size]
        needles = [t.text for t in terms]
        hits = []
        for i in page_idx:
            rec = snap.record(int(rows[i]))
            rec["score"] = round(float(scores[i]), 4)
            rec["fragment"] = fragment(rec["text"], needles)
            rec["highlighted"] = mark_text(rec["text"], needles)
            hits.append(rec)
        suggestion = self._split_suggestion(ctx, node, params) if not total and not message \
            else None
        return {
            "total": total, "page": params.page, "size": params.size, "pages": pages,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
            "query": {"q": params.q, "mode": params.mode, "parsed": describe(node),
                      "fallback": bool(message), "message": message},
            "filters": params.filters(), "sort": params.sort,
            "hits": hits, "facets": ctx.facets(rows),
            "suggestion": suggestion,
        }

    @staticmethod
    def _split_suggestion(ctx: "QueryContext", node, params: SearchParams) -> dict | None:
        """Nothing matched a long word as written: offer it cut into words (each must
        still occur), with the count that query would give. Bare-word queries only."""
        if params.mode != "keyword" or node is None:
            return None
        from analyzers.tokenizer import cut     # jieba loads only when it is needed
        terms = node.items if isinstance(node, And) else (node,)
        if not all(isinstance(t, Term) and t.field == "text" and not t.quoted for t in terms):
            return None
        pieces = [w for t in terms for w in (cut(t.text) if len(t.text) >= 4 else [t.text])]
        if len(pieces) <= len(terms):
            return None
        rows = ctx.evaluate(And(tuple(Term(w) for w in pieces)))
        if params.filters():
            rows = rows[ctx.filter_mask(params)[rows]]
        return {"q": " ".join(pieces), "total": int(len(rows))} if len(rows) else None

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
        node = literal(q) if mode == "exact" else parse_query(q)[0]
        return mark_text(text, [t.text for t in positive_terms(node) if t.field == "text"])

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

    def evaluate(self, node) -> np.ndarray:
        snap = self.snap
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

    def scores(self, rows: np.ndarray, terms: list[Term]) -> np.ndarray:
        snap, a = self.snap, self.snap.arrays
        n = max(snap.n, 1)
        lengths = a["lengths"][rows].astype(np.float64)
        avg = float(a["lengths"].mean()) if snap.n else 1.0
        norm = K1 * (1 - B + B * lengths / max(avg, 1.0))
        headings = snap.meta["headings"]
        row_doc = a["row_doc"][rows]
        total = np.zeros(len(rows))
        for t in {t.text: t for t in terms}.values():
            found, counts = self.text_rows(t.text)
            df = len(found)
            if not df:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = np.zeros(len(rows))
            pos = np.searchsorted(found, rows)
            ok = (pos < df) & (found[np.minimum(pos, df - 1)] == rows)
            tf[ok] = counts[pos[ok]]
            needle = normalize(t.text)
            tf += HEADING_WEIGHT * np.fromiter((needle in headings[r] for r in rows),
                                               dtype=np.float64, count=len(rows))
            in_title = np.fromiter((needle in title for title in self.snap.titles),
                                   dtype=np.float64, count=len(self.snap.titles))
            tf += TITLE_WEIGHT * in_title[row_doc] if len(in_title) else 0
            total += idf * tf * (K1 + 1) / (tf + norm)
        return total

    def order(self, rows: np.ndarray, scores: np.ndarray, sort: str) -> np.ndarray:
        a = self.snap.arrays
        date, seq, doc = a["date"][rows], a["seq"][rows], a["row_doc"][rows]
        if sort == "date":
            return np.lexsort((seq, doc, date))
        if sort == "-date":
            return np.lexsort((seq, doc, -date))
        return np.lexsort((seq, doc, -date, -np.round(scores, 6)))


def _facet_list(vocab, counts, by_value: bool) -> list[dict]:
    items = [(vocab[i], int(c)) for i, c in enumerate(counts) if c and vocab[i] not in ("", "0")]
    items.sort(key=(lambda x: x[0]) if by_value else (lambda x: (-x[1], x[0])),
               reverse=by_value)
    return [{"value": v, "count": c} for v, c in items]


def _in_one_sentence(text: str, needles: list[str]) -> bool:
    return any(all(n in s for n in needles) for s in _SENTENCE_END.split(text))
