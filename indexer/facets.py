"""Facets, declared once: what users filter and count on.

Each facet is one object that knows its URL parameter and label, where its values come
from in a clause record, how the snapshot stores them, how a filter on it selects rows
and how its counts are listed (as Datasette declares one class per kind of facet). The
snapshot writer, the engine, the parameter parser, the API and the pages all read
`FACETS`; adding a facet is one line here.

Two kinds of storage:
- a document fact (city, year, 时效性 …): one code per document, `doc_<name>` in
  arrays.zst, a row's value is `doc_<name>[row_doc[row]]`;
- a clause list (学段, 责任单位 …): CSR arrays `<name>_values` / `<name>_indptr`.
"""
from __future__ import annotations

import re

import numpy as np

GENERAL = "通用"          # 学段: a clause that names no stage applies to all of them
_YEAR = re.compile(r"^\s*(\d{4})\s*(?:[-–—~至到]\s*(\d{4})\s*)?$")


class FacetValueError(ValueError):
    """A filter value the caller wrote wrongly; the message is shown to the user."""


class Facet:
    """A document fact with one value per document."""
    multi = False

    def __init__(self, name: str, label: str, key: str | None = None, order=None,
                 counts_by: str = "count"):
        self.name, self.label, self.key = name, label, key or name
        self.fixed_order = tuple(order or ())
        self.counts_by = counts_by          # "count" (most first), "value" (newest first), "fixed"

    # ---- index side -------------------------------------------------------------
    def doc_value(self, doc: dict) -> str:
        v = doc.get(self.key)
        return "" if v in (None, 0) else str(v)

    def encode(self, docs: list[dict], arrays: dict, vocab: dict) -> None:
        values = sorted({self.doc_value(d) for d in docs})
        code = {v: i for i, v in enumerate(values)}
        vocab[self.name] = values
        arrays["doc_" + self.name] = np.array([code[self.doc_value(d)] for d in docs],
                                              dtype=np.int32)

    # ---- query side -------------------------------------------------------------
    def parse(self, values: list[str]) -> list[str]:
        return values

    def _codes(self, vocab: list[str], chosen: list[str]) -> list[int]:
        wanted = set(chosen)
        return [i for i, v in enumerate(vocab) if v in wanted]

    def mask(self, snap, chosen: list[str]) -> np.ndarray:
        """Rows whose document has one of the chosen values (OR within a facet)."""
        a = snap.arrays
        codes = self._codes(snap.meta["vocab"][self.name], chosen)
        return np.isin(a["doc_" + self.name], codes)[a["row_doc"]]

    def counts(self, snap, rows: np.ndarray) -> list[dict]:
        vocab = snap.meta["vocab"][self.name]
        docs_of_rows = snap.arrays["row_doc"][rows]
        counts = np.bincount(snap.arrays["doc_" + self.name][docs_of_rows],
                             minlength=len(vocab))
        return self.listing(vocab, counts)

    def listing(self, vocab, counts) -> list[dict]:
        items = [(vocab[i], int(c)) for i, c in enumerate(counts)
                 if c and vocab[i] not in ("", "0")]
        if self.counts_by == "value":
            items.sort(key=lambda x: x[0], reverse=True)
        elif self.fixed_order:
            rank = {v: i for i, v in enumerate(self.fixed_order)}
            items.sort(key=lambda x: (rank.get(x[0], len(rank)), -x[1], x[0]))
        else:
            items.sort(key=lambda x: (-x[1], x[0]))
        return [{"value": v, "count": c} for v, c in items]


class YearFacet(Facet):
    """Years, filtered by single years or ranges (2019, 2015-2020)."""

    def parse(self, values: list[str]) -> list[str]:
        out = []
        for v in values:
            lo, hi = parse_year(v)
            out.append(str(lo) if lo == hi else f"{lo}-{hi}")
        return out

    def _codes(self, vocab: list[str], chosen: list[str]) -> list[int]:
        ranges = [parse_year(v) for v in chosen]
        return [i for i, v in enumerate(vocab)
                if v.isdigit() and any(lo <= int(v) <= hi for lo, hi in ranges)]


class ListFacet(Facet):
    """A list of values per clause (CSR arrays)."""
    multi = True

    def builder(self, vocab=(), codes=(), indptr=(0,)) -> "_ListBuilder":
        """Collects each row's values as the snapshot writer streams the records, after
        the rows a snapshot carried (their `vocab`, value `codes` and `indptr`)."""
        return _ListBuilder(self, vocab, codes, indptr)

    def encode(self, docs, arrays, vocab) -> None:      # written row by row instead
        pass

    def rows_with_codes(self, snap, codes) -> np.ndarray:
        values = snap.arrays[self.name + "_values"]
        owner = snap.value_owner(self.name)
        return np.unique(owner[np.isin(values, np.asarray(list(codes), dtype=np.int32))])

    def mask(self, snap, chosen: list[str]) -> np.ndarray:
        m = np.zeros(snap.n, dtype=bool)
        m[self.rows_with_codes(snap, self._codes(snap.meta["vocab"][self.name], chosen))] = True
        return m

    def counts(self, snap, rows: np.ndarray) -> list[dict]:
        vocab = snap.meta["vocab"][self.name]
        counts = np.bincount(snap.multi_values(self.name, rows), minlength=len(vocab))
        return self.listing(vocab, counts)


class StageFacet(ListFacet):
    """学段: clauses naming no stage count as 通用 and are found by it."""

    def mask(self, snap, chosen: list[str]) -> np.ndarray:
        m = super().mask(snap, chosen)
        if GENERAL in chosen:
            m |= np.diff(snap.arrays[self.name + "_indptr"]) == 0
        return m

    def counts(self, snap, rows: np.ndarray) -> list[dict]:
        vocab = snap.meta["vocab"][self.name]
        counts = np.bincount(snap.multi_values(self.name, rows), minlength=len(vocab))
        indptr = snap.arrays[self.name + "_indptr"]      # the rows' sizes, not all n
        general = int(np.count_nonzero(indptr[rows + 1] == indptr[rows]))
        return self.listing(list(vocab) + [GENERAL], np.r_[counts, general])


class _ListBuilder:
    """Compact while streaming: an int code per value, interned strings once."""

    def __init__(self, facet: ListFacet, vocab=(), codes=(), indptr=(0,)):
        from array import array
        self.facet, self.index = facet, {v: i for i, v in enumerate(vocab)}
        self.codes = array("i", np.asarray(codes, dtype=np.int32).tobytes())
        self.indptr = array("q", np.asarray(indptr, dtype=np.int64).tobytes())

    def add(self, rec: dict) -> None:
        self.codes.extend(self.index.setdefault(v, len(self.index))
                          for v in rec.get(self.facet.key) or ())
        self.indptr.append(len(self.codes))

    def finish(self, arrays: dict, vocab: dict) -> None:
        name, index = self.facet.name, self.index
        codes = np.frombuffer(self.codes, dtype=np.int32) if self.codes else \
            np.zeros(0, dtype=np.int32)
        used = np.zeros(max(len(index), 1), dtype=bool)
        used[codes] = True                  # values only dropped rows had are left out
        values = sorted(v for v, i in index.items() if used[i])
        remap = np.zeros(max(len(index), 1), dtype=np.int32)
        for rank, v in enumerate(values):
            remap[index[v]] = rank
        vocab[name] = values
        arrays[name + "_values"] = remap[codes]
        arrays[name + "_indptr"] = np.asarray(self.indptr, dtype=np.int64)


def parse_year(value: str) -> tuple[int, int]:
    m = _YEAR.match(value or "")
    if not m:
        raise FacetValueError(f"年份“{value}”格式不对，请写成 2019 或 2015-2020")
    lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
    return (lo, hi) if lo <= hi else (hi, lo)


STAGE_ORDER = ("学前教育", "义务教育", "普通高中", "职业教育", "高等教育", "特殊教育",
               "终身教育", GENERAL)

# display order of the filter column; the order here is the order on the page
FACETS: tuple[Facet, ...] = (
    StageFacet("stage", "学段", key="stages", order=STAGE_ORDER, counts_by="fixed"),
    Facet("city", "城市"),
    Facet("province", "省份"),
    YearFacet("year", "年份", counts_by="value"),
    Facet("status", "时效性", order=("现行有效", "尚未生效", "征求意见稿", "已修改", "已废止",
                                   "失效"), counts_by="fixed"),
    Facet("level", "发文级别", order=("国家", "省", "市", "县区"), counts_by="fixed"),
    ListFacet("lead_unit", "牵头单位", key="lead_units"),
    ListFacet("unit", "责任单位", key="units"),
    Facet("doc_type", "文种"),
)
BY_NAME: dict[str, Facet] = {f.name: f for f in FACETS}
FACET_NAMES: tuple[str, ...] = tuple(BY_NAME)
FACET_LABELS: dict[str, str] = {f.name: f.label for f in FACETS}
