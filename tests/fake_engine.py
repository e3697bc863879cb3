"""A tiny in-memory stand-in for search_app.engine, following docs ENGINE_API.md.

Used by web tests that must not depend on the index builder (error paths, XSS,
exports). Records are real clauses copied by hand from data/corpus.
"""
from __future__ import annotations

import html
import re
import time

from indexer.facets import FACETS as FACET_DECLS, GENERAL
from search_app.params import FACET_PARAMS as FACETS, QueryError, SearchParams


def _values(c: dict, f) -> list[str]:
    """A fake clause's values of one facet (通用 for a clause naming no stage)."""
    v = c.get(f.key)
    if f.multi:
        return list(v or ([GENERAL] if f.name == "stage" else []))
    return [str(v)] if v not in (None, "") else []

_PANJIN = dict(source="002_b243c2944faa9261.txt", doc_id="b243c2944faa9261",
               title="盘锦市推进教育高质量发展行动计划", doc_type="行动计划", city="盘锦市",
               province="辽宁省", year=2019, date="2019-05-30",
               doc_number="盘政办发〔2019〕24号", issuer="盘锦市人民政府办公室")
_ZJK = dict(source="004_57cabfa954bdb4bd.txt", doc_id="57cabfa954bdb4bd",
            title="张家口市推进教育高质量发展实施方案", doc_type="实施方案", city="张家口市",
            province="河北省", year=2021, date="2021-11-09", doc_number="",
            issuer="张家口市教育局")


def _clause(doc, seq, label, heading, path, text, units=(), lead=(), stages=(), kind="clause"):
    return {**doc, "clause_id": f"{doc['doc_id']}-{seq:04d}", "seq": seq, "kind": kind,
            "label": label, "heading": heading, "path": list(path), "text": text,
            "units": list(units), "lead_units": list(lead), "stages": list(stages)}


CLAUSES = [
    _clause(_PANJIN, 1, "", "", [], "为切实推进全市教育高质量发展,加快推进教育现代化进程,"
            "助力盘锦全面振兴、全方位振兴,结合实际,制定本计划。"),
    _clause(_PANJIN, 2, "(三)", "实施学前教育优质普惠行动计划", ["二、重点任务"],
            "(三)实施学前教育优质普惠行动计划。多方式扩大普惠性幼儿园供给,健全学前教育发展体制机制,"
            "提高学前教育质量。到2020年,普惠性幼儿园在园儿童占比达到80%以上。",
            ["各区县政府", "市教育局", "市自然资源局"], ["各区县政府"], ["学前教育"]),
    _clause(_PANJIN, 3, "(四)", "实施义务教育优质均衡行动计划", ["二、重点任务"],
            "(四)实施义务教育优质均衡行动计划。到2019年底,全面消除56人以上大班额,"
            "到2022年,实现小学班额不超过45人,初中不超过50人,基本消除大校额。",
            ["各区县政府", "市教育局"], ["各区县政府"], ["义务教育"]),
    _clause(_PANJIN, 4, "(九)", "实施教师队伍管理体制改革行动计划", ["二、重点任务"],
            "(九)实施教师队伍管理体制改革行动计划。通过“县管校聘”等管理体制改革,"
            "初步建立中小学教师良性流动常态机制。", ["市教育局", "市委编办"], ["市教育局"],
            ["义务教育"]),
    _clause(_ZJK, 1, "(三)", "实现农村学前教育全覆盖", ["三、科学推进学前教育建设,提升普及普惠水平"],
            "(三)实现农村学前教育全覆盖。实施农村学前教育全覆盖工程,实现农村学前教育全覆盖。"
            "(责任单位:市教育局、市发改委、市财政局,各县区党委、政府)",
            ["市教育局", "市发改委", "市财政局"], ["市教育局"], ["学前教育"]),
    _clause(_ZJK, 2, "(四)", "全面提升城镇学前教育普惠水平",
            ["三、科学推进学前教育建设,提升普及普惠水平"],
            "(四)全面提升城镇学前教育普惠水平。采取多种措施扩大城乡公办园和普惠性民办园覆盖面。"
            "到2025年,全市新增普惠性幼儿园100所,普惠性幼儿园覆盖率达到85%。",
            ["市教育局", "市财政局"], ["市教育局"], ["学前教育"]),
]


def _terms(q: str) -> list[str]:
    return [t for t in re.split(r"\s+", q) if t]


class FakeEngine:
    def __init__(self, clauses: list[dict] | None = None):
        self.clauses = clauses if clauses is not None else [dict(c) for c in CLAUSES]

    # -- helpers -------------------------------------------------------------
    def needles(self, q: str, mode: str = "keyword") -> list[str]:
        return [t for t in ([q.strip()] if mode == "exact" else _terms(q)) if t]

    def mark(self, text: str, q: str, mode: str = "keyword") -> str:
        terms = [q.strip()] if mode == "exact" else _terms(q)
        terms = [t for t in terms if t]
        if not terms:
            return html.escape(text)
        pat = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
        out, last = [], 0
        for m in pat.finditer(text):
            out.append(html.escape(text[last:m.start()]))
            out.append(f"<mark>{html.escape(m.group())}</mark>")
            last = m.end()
        out.append(html.escape(text[last:]))
        return "".join(out)

    def _matches(self, c: dict, p: SearchParams) -> bool:
        if p.q:
            terms = [p.q] if p.mode == "exact" else _terms(p.q)
            if not all(t in c["text"] for t in terms):
                return False
        for f in FACET_DECLS:
            chosen = p.filters().get(f.name)
            if not chosen:
                continue
            if f.name == "year":
                if not any(_year_in(c["year"], y) for y in chosen):
                    return False
            elif not set(chosen) & set(_values(c, f)):
                return False
        return True

    # -- contract ------------------------------------------------------------
    def search(self, p: SearchParams) -> dict:
        t0 = time.perf_counter()
        hits = [c for c in self.clauses if self._matches(c, p)]
        if p.sort == "date" or not p.q:
            hits.sort(key=lambda c: (c["date"], -c["seq"]), reverse=True)
        elif p.sort == "-date":
            hits.sort(key=lambda c: (c["date"], c["seq"]))
        total = len(hits)
        pages = max(1, -(-total // p.size))
        if p.page > pages:
            if not p.clamp_page:
                raise QueryError(f"页码超出范围：共 {pages} 页")
            p.page = pages
        facets = {name: {} for name in FACETS}
        for c in hits:
            for f in FACET_DECLS:
                for v in _values(c, f):
                    facets[f.name][v] = facets[f.name].get(v, 0) + 1
        page = hits[(p.page - 1) * p.size: p.page * p.size]
        out_hits = []
        per_doc: dict[str, int] = {}
        for c in hits:
            per_doc[c["doc_id"]] = per_doc.get(c["doc_id"], 0) + 1
        for i, c in enumerate(page):
            hl = self.mark(c["text"], p.q, p.mode)
            out_hits.append({**c, "score": 1.0, "fragment": hl[:120], "highlighted": hl,
                             "match": "all", "heading_marked": html.escape(c["heading"]),
                             "rank": (p.page - 1) * p.size + i + 1,
                             "doc_matches": per_doc[c["doc_id"]], "other_versions": 0})
        return {"total": total, "page": p.page, "size": p.size, "pages": pages,
                "took_ms": round((time.perf_counter() - t0) * 1000, 2),
                "query": {"q": p.q, "mode": p.mode, "parsed": p.q, "understood": p.q,
                          "words": [], "fallback": False, "message": ""},
                "counts": {"all": total, "partial": 0, "partial_shown": 0},
                "documents": len(per_doc), "hidden_versions": 0, "versions": p.versions,
                "filters": {n: getattr(p, n) for n in FACETS if getattr(p, n)},
                "sort": p.sort, "hits": out_hits,
                "facets": {n: [{"value": v, "count": k} for v, k in
                               sorted(d.items(), key=lambda kv: -kv[1])] for n, d in facets.items()}}

    def clause(self, clause_id: str) -> dict | None:
        return next((dict(c) for c in self.clauses if c["clause_id"] == clause_id), None)

    def newest_documents(self, limit: int = 10) -> list[dict]:
        seen: dict[str, dict] = {}
        for c in self.clauses:
            d = seen.setdefault(c["doc_id"], {**{k: c[k] for k in (
                "doc_id", "source", "title", "city", "province", "year", "date", "doc_number")},
                "clauses": 0})
            d["clauses"] += 1
        return sorted(seen.values(), key=lambda d: d["date"] or "", reverse=True)[:limit]

    def document(self, doc_id: str) -> dict | None:
        cl = [dict(c) for c in self.clauses if c["doc_id"] == doc_id]
        if not cl:
            return None
        keys = ("doc_id", "source", "title", "doc_type", "city", "province", "year", "date",
                "doc_number", "issuer")
        return {**{k: cl[0][k] for k in keys}, "clauses": sorted(cl, key=lambda c: c["seq"])}

    def similar(self, text=None, clause_id=None, filters=None, limit=20) -> dict:
        t0 = time.perf_counter()
        if clause_id:
            src = self.clause(clause_id)
            if src is None:
                raise QueryError(f"未找到条款：{clause_id}")
            text = src["text"]
        text = (text or "").strip()
        if not text:
            raise QueryError("请输入一段文字或指定条款")
        grams = {text[i:i + 2] for i in range(len(text) - 1)}
        hits = []
        for c in self.clauses:
            if c["clause_id"] == clause_id or (filters and not self._matches(
                    c, SearchParams(**{**filters.__dict__, "q": ""}))):
                continue
            cg = {c["text"][i:i + 2] for i in range(len(c["text"]) - 1)}
            score = len(grams & cg) / max(1, len(grams))
            if score >= 0.1:
                hits.append({**c, "score": round(score, 3), "passages": [],
                             "highlighted": html.escape(c["text"]),
                             "input_highlighted": html.escape(text)})
        hits.sort(key=lambda h: -h["score"])
        hits = hits[:limit]
        return {"total": len(hits), "took_ms": round((time.perf_counter() - t0) * 1000, 2),
                "input": text, "input_highlighted": html.escape(text), "hits": hits,
                "message": "" if hits else "未找到措辞相近的条款"}


def _year_in(year, spec: str) -> bool:
    if year is None:
        return False
    lo, _, hi = spec.partition("-")
    return int(lo) <= int(year) <= int(hi or lo)
