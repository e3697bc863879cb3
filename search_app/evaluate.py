"""One query's evaluation over a snapshot: the query tree's rows, facet masks, disjunctive
counts and the order of the hits. Shared by search, similar wording and 指标对比; it
knows nothing of pages or parameters beyond SearchParams' filters."""
from __future__ import annotations

import re

import numpy as np
import numpy.ma  # noqa: F401 — np.unique imports it on first use (numpy 2): at start-up, not in a query

from analyzers.normalize import normalize
from indexer.facets import BY_NAME, FACETS, GENERAL, Facet, ListFacet, StageFacet
from indexer.hot import dropped_rows
from indexer.rowmap import block_table, rows_of
from indexer.snapshot import Snapshot
from search_app import keyword, rowsets
from search_app.needle_cache import needle_cache
from search_app.params import SearchParams
from search_app.query import And, Concept, Near, Not, Or, Term

_SENTENCE_END = re.compile(r"[。！？；;!?\n]")


class QueryContext:
    """One query's evaluation; each needle's rows and counts are kept with the snapshot,
    what only this query needs in `term_cache`."""

    def __init__(self, snap: Snapshot):
        self.snap = snap
        self.term_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        # the rows' count per document of each filter combination facets() counted
        # (by the names of the filters applied), for the caller to reuse
        self.per_doc: dict[tuple, np.ndarray] = {}

    def text_rows(self, needle: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows holding the needle, sorted; its count in each), kept with the snapshot
        (search_app.needle_cache): read-only arrays."""
        return needle_cache(self.snap).get(("text", needle),
                                           lambda: rows_with(self.snap, needle))

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
                rows = rowsets.intersect(snap.n, rows, self.evaluate(item))
            for item in neg:
                rows = rowsets.difference(snap.n, rows, self.evaluate(item))
            return rows
        if isinstance(node, Or):
            return rowsets.union(snap.n, [self.evaluate(item) for item in node.items])
        if isinstance(node, Not):
            return rowsets.difference(snap.n, np.arange(snap.n), self.evaluate(node.item))
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
        return BY_NAME[facet].rows_with_codes(self.snap, codes)

    def facet_masks(self, params: SearchParams) -> dict[str, np.ndarray]:
        """One row mask per filtered facet: OR within a facet, AND across them."""
        return {name: BY_NAME[name].mask(self.snap, chosen)
                for name, chosen in params.filters().items()}

    def filter_mask(self, params: SearchParams) -> np.ndarray:
        mask = all_of(self.facet_masks(params).values())
        return mask if mask is not None else np.ones(self.snap.n, dtype=bool)

    def facets(self, rows: np.ndarray, masks: dict[str, np.ndarray] | None = None) -> dict:
        """Counts per facet value. With `masks`, `rows` are the query's rows before any
        filter and each facet is counted as if its own filter were off (disjunctive
        counts, as faceted-search sites do): every value of a group stays visible with
        the count it would have when ticked as well. Exact, over all the rows."""
        masks = masks or {}
        out, per_doc, subsets, chosen = {}, self.per_doc, {}, {}
        for facet in FACETS:
            key = tuple(k for k in masks if k != facet.name)
            if key not in subsets:       # most facets share one: all the masks
                others = all_of(masks[k] for k in key)
                subsets[key] = rows if others is None else rows[others[rows]]
            out[facet.name] = facet_counts(self.snap, facet, subsets[key], per_doc, key, chosen)
        return out
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


# ---- occurrences → rows ------------------------------------------------------------------
SPARSE_SHARE = 8            # occurrences below n / SPARSE_SHARE: sorted, not counted (a count
                            # over n rows costs as much as sorting n / 10 occurrences)


def row_blocks(snap) -> np.ndarray:
    """indexer.rowmap's block table, kept with the snapshot (so a request never pairs
    one generation's table with another's arrays)."""
    return snap.derived("row_blocks", lambda s: block_table(s.arrays["starts"]))


def occurrence_rows(snap, occ: np.ndarray) -> np.ndarray:
    """Row of each byte offset (== searchsorted(starts, occ, 'right') - 1)."""
    return rows_of(snap.arrays["starts"], row_blocks(snap), occ)


def rows_with(snap, needle: str) -> tuple[np.ndarray, np.ndarray]:
    """Snapshot.rows_with, with occurrence_rows: (rows containing needle, sorted;
    occurrence count per row)."""
    if not hasattr(snap, "occurrences") or not snap.n:
        return snap.rows_with(needle)
    dropped = hot_dropped(snap)
    hot = snap.hot.get(normalize(needle).replace("\x00", ""), dropped) \
        if dropped is not None else None
    if hot is None:
        return _counted_rows(snap, snap.occurrences(needle))
    later = [r for r in snap.ranges(needle) if r[0] > 0]     # segments an update added
    if not later:
        return hot
    rows, counts = _counted_rows(snap, snap.offsets(later))
    order = np.argsort(np.r_[hot[0], rows], kind="stable")  # disjoint row sets
    return np.r_[hot[0], rows][order], np.r_[hot[1], counts][order]


def hot_dropped(snap) -> np.ndarray | None:
    """indexer.hot.dropped_rows of the snapshot (None: no usable hot lists), kept with it."""
    if snap.hot is None:
        return None
    return snap.derived("hot_dropped", lambda s: dropped_rows(
        s.arrays["starts"], s.dead, s.parts[0][0], s.hot.built))


def _counted_rows(snap, occ: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows holding these occurrences, sorted; occurrences in each)."""
    if not len(occ):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rows = occurrence_rows(snap, occ)
    # sparse: sorting beats a dense count (of 4-byte rows: half the memory to sort and
    # to keep in the needle cache)
    if len(rows) * SPARSE_SHARE < snap.n:
        return np.unique(rows.astype(np.int32), return_counts=True)
    counts = np.bincount(rows, minlength=snap.n)
    found = np.flatnonzero(counts)
    return found.astype(np.int32), counts[found].astype(np.int32)


def facet_counts(snap, facet, rows: np.ndarray, per_doc: dict | None = None, key=(),
                 chosen: dict | None = None) -> list:
    """facet.counts(snap, rows), for a document fact from the rows' count per document
    (one pass over the rows shared by every such facet, then one over the documents)
    instead of a pass over the rows for each facet; the clause-list facets of many rows
    share one mask of them (`chosen`, by `key` as `per_doc`)."""
    if type(facet) in (ListFacet, StageFacet) and len(rows) * 64 > snap.n:
        chosen = {} if chosen is None else chosen
        if key not in chosen:
            chosen[key] = np.zeros(snap.n, dtype=bool)
            chosen[key][rows] = True
        return _list_counts(snap, facet, rows, chosen[key])
    if facet.multi or type(facet).counts is not Facet.counts or \
            "doc_" + facet.name not in snap.arrays:
        return facet.counts(snap, rows)
    per_doc = {} if per_doc is None else per_doc
    if key not in per_doc:
        per_doc[key] = np.bincount(snap.arrays["row_doc"][rows],
                                   minlength=len(snap.meta["docs"]))
    vocab = snap.meta["vocab"][facet.name]
    weights = per_doc[key]
    codes = snap.arrays["doc_" + facet.name][:len(weights)]
    counts = np.bincount(codes, weights=weights[:len(codes)], minlength=len(vocab))
    return facet.listing(vocab, np.rint(counts).astype(np.int64))


def _list_counts(snap, facet, rows: np.ndarray, chosen: np.ndarray) -> list:
    """A clause-list facet's counts for many rows: through `chosen`, the mask of the
    rows, and the owner of each value (kept with the snapshot), one pass over the
    values, instead of gathering each row's values."""
    name = facet.name
    owner, empty = _list_tables(snap, name)
    vocab = snap.meta["vocab"][name]
    counts = np.bincount(snap.arrays[name + "_values"][chosen[owner]], minlength=len(vocab))
    if type(facet) is not StageFacet:
        return facet.listing(vocab, counts)
    general = int(np.count_nonzero(empty[rows]))
    return facet.listing(list(vocab) + [GENERAL], np.r_[counts, general])


def _list_tables(snap, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(row owning each value, rows with no value) of a clause-list facet."""
    def build(s):
        sizes = np.diff(s.arrays[name + "_indptr"])
        return np.repeat(np.arange(s.n, dtype=np.int32), sizes), sizes == 0
    return snap.derived("list:" + name, build)


def warm(snap) -> None:
    """Build the query side's per-snapshot tables when the snapshot loads, not in a
    user's query (at 16× lawrefbook they cost ~40 ms each)."""
    if not snap.n:
        return
    row_blocks(snap)
    keyword.context_rows(snap)
    hot_dropped(snap)
    for facet in FACETS:
        if type(facet) in (ListFacet, StageFacet) and facet.name + "_indptr" in snap.arrays:
            _list_tables(snap, facet.name)


def all_of(masks) -> np.ndarray | None:
    out = None
    for m in masks:
        out = m.copy() if out is None else out & m
    return out


def _in_one_sentence(text: str, needles: list[str]) -> bool:
    return any(all(n in s for n in needles) for s in _SENTENCE_END.split(text))
