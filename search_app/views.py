"""HTML pages: search, document, clause, similar, help, exports.

Every page keeps its state in GET parameters so URLs can be shared; caller mistakes
render the page with a Chinese message and status 400, never a 500.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import markdown
from flask import (Blueprint, Response, abort, jsonify, render_template, request,
                   url_for)
from werkzeug.exceptions import BadRequest

from search_app import export, results
from search_app.api import (clause_data, document_data, export_cap, parse_params,
                            request_args, search_data, similar_data, similar_request,
                            with_citation)
from search_app.appstate import get_engine
from search_app.params import FACET_LABELS
from search_app.citation import locator_part
from search_app.params import QueryError, parse_search_params
from search_app.query import MAX_QUERY_CHARS
from search_app.citelinks import linked_text
from search_app.marks import mark_text
from search_app.compare import similar_documents

views = Blueprint("views", __name__)
HELP_FILE = Path(__file__).resolve().parent / "help.md"
FACET_ORDER = ("stage", "city", "province", "year", "lead_unit", "unit", "doc_type")


class UrlState:
    """Builds links that change one thing in the current search (shareable GET URLs)."""

    def __init__(self, endpoint: str, pairs: list[tuple[str, str]]):
        self.endpoint, self.pairs = endpoint, list(pairs)

    def _url(self, pairs) -> str:
        base = url_for(self.endpoint)
        return f"{base}?{urlencode(pairs)}" if pairs else base

    def _no_page(self):
        return [(k, v) for k, v in self.pairs if k != "page"]

    def has(self, name: str, value: str) -> bool:
        return (name, str(value)) in self.pairs

    def toggle(self, name: str, value: str) -> str:
        pair = (name, str(value))
        rest = self._no_page()
        return self._url([p for p in rest if p != pair] if pair in rest else rest + [pair])

    def set(self, name: str, value) -> str:
        rest = [p for p in self.pairs if p[0] != name and (name == "page" or p[0] != "page")]
        if value not in (None, ""):
            rest.append((name, str(value)))
        return self._url(rest)

    def with_endpoint(self, endpoint: str) -> str:
        return UrlState(endpoint, self._no_page())._url(self._no_page())


# what a search URL may carry; a `from=` holding anything else is not ours and is ignored
SEARCH_KEYS = ("q", "mode", "sort", "page", "size", "versions", *FACET_LABELS)


def search_state(raw: str) -> list[tuple[str, str]] | None:
    """The search parameters a `from=` value (a search URL's query string) holds, or None.

    Only known names with valid values pass, re-encoded by us: the return link can only
    lead to this site's own search page, whatever was put into `from=`."""
    try:
        pairs = parse_qsl((raw or "").removeprefix("?"), keep_blank_values=False,
                          max_num_fields=100, strict_parsing=True)
    except ValueError:
        return None
    if not pairs or any(k not in SEARCH_KEYS for k, _ in pairs):
        return None
    try:
        params = parse_search_params(dict_of(pairs))
    except QueryError:
        return None
    if len(params.q) > MAX_QUERY_CHARS:        # the search page would refuse it
        return None
    return params.to_args() or None


def _search_state_here() -> str:
    """On the search page: its state, when it holds more than the query (filters, sort,
    page), for the document's 返回检索结果 link."""
    if request.endpoint != "views.search":
        return ""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k in SEARCH_KEYS and v]
    return urlencode(pairs) if any(k not in ("q", "mode") for k, _ in pairs) else ""


def doc_link(hit: dict, q: str = "", mode: str = "keyword") -> str:
    """Document page scrolled to the clause, with the search words marked."""
    pairs = [("q", q)] if q else []
    if q and mode != "keyword":
        pairs.append(("mode", mode))
    back = _search_state_here()
    if back:
        pairs.append(("from", back))
    pairs.append(("clause", hit["clause_id"]))
    return f"{url_for('views.document', doc_id=hit['doc_id'])}?{urlencode(pairs)}#{hit['clause_id']}"


def display(clause: dict) -> dict:
    """Clause record plus what the templates show: citation, label/heading placement.

    The parser keeps the label apart from the text; a heading is either the text's first
    sentence (（九）实施……。) or a line of its own (一、总体要求) that the text lacks.
    """
    label, heading = clause.get("label") or "", clause.get("heading") or ""
    text = (clause.get("text") or "").lstrip()
    own_heading = bool(heading) and not text.startswith(heading)
    level = locator_part(label)
    return {**with_citation(clause),
            "head_line": f"{label}{heading}" if own_heading else "",
            "is_part": own_heading and level is not None and level[0] in ("part", "article"),
            "show_label": bool(label) and not own_heading and not text.startswith(label)}


def _render(template: str, status: int = 200, **ctx):
    return render_template(template, doc_link=doc_link, **ctx), status


@views.get("/")
def search(notice: str = "", status: int = 0):
    args = request_args()
    error, result, params = "", None, None
    try:
        params = parse_params(args)
        params.clamp_page = request.args.get("format") != "json"
        result = search_data(params)
    except BadRequest as e:
        if request.args.get("format") == "json":
            raise
        error = e.description
    if request.args.get("format") == "json":
        return jsonify(result)
    state = UrlState("views.search", params.to_args() if params else
                     [(k, v) for k, vs in args.items() for v in vs if k not in ("page",)])
    q = params.q if params else (args.get("q") or [""])[-1]
    mode = params.mode if params else "keyword"
    facets = results.facet_columns(result) if result else []
    chips = [(name, v) for name, v in state.pairs if name in FACET_LABELS]
    hits, needles = [], None
    for h in (result or {}).get("hits", []):
        h = display(h)
        if h.get("units") or h.get("lead_units"):
            h["fragment"] = results.without_units_note(h["fragment"])
        if h.get("cites"):                 # 引用 links in the full text under 展开全文
            if needles is None:            # the query understood once for the page
                needles = get_engine().needles(q, mode) if q else []
            h["highlighted"] = linked_text(get_engine(), h, needles) or h["highlighted"]
        hits.append(h)
    home = not error and results.is_home(args)
    newest = get_engine().newest_documents(8) if home else []
    return _render("search.html", status or (400 if error else 200), error=error,
                   result=result, hits=hits, groups=results.group_by_document(hits),
                   pager=results.pager(result) if result else None, notice=notice,
                   params=params, q=q, mode=mode, state=state, facets=facets, chips=chips,
                   export_cap=export_cap(), home=home, newest=newest)


@views.get("/documents/<doc_id>")
def document(doc_id):
    doc = document_data(doc_id)
    if request.args.get("format") == "json":
        return jsonify(doc)
    q = (request.args.get("q") or "").strip()
    mode = request.args.get("mode") if request.args.get("mode") in ("keyword", "exact") else "keyword"
    engine = get_engine()
    needles = engine.needles(q, mode) if q else []     # understood once for the page
    blocks, toc, prev, marks = [], [], [], 0
    for clause in doc["clauses"]:
        path = list(clause.get("path") or [])
        # a heading is new when it differs from the previous clause's path at that depth
        common = 0
        while common < min(len(path), len(prev)) and path[common] == prev[common]:
            common += 1
        for depth in range(common, len(path)):
            anchor = f"h-{clause['clause_id']}-{depth}"
            blocks.append({"type": "heading", "level": min(depth + 2, 6), "text": path[depth],
                           "anchor": anchor})
            if depth < 2:
                toc.append({"depth": depth, "text": path[depth], "anchor": anchor})
        prev = path
        # 引用 links (with the search words marked inside them), else just the marks
        marked = linked_text(engine, clause, needles) or \
            (mark_text(clause["text"], needles) if q else None)
        marks += marked.count("<mark") if marked else 0
        shown = display(clause)
        if shown["is_part"]:
            toc.append({"depth": len(path), "text": shown["head_line"], "anchor": clause["clause_id"]})
        blocks.append({"type": "clause", "clause": shown, "marked": marked,
                       "level": min(len(path) + 2, 6)})
    status = doc.get("status") or (doc["clauses"][0].get("status") if doc["clauses"] else "")
    return _render("document.html", doc=doc, blocks=blocks, toc=toc, q=q, mode=mode,
                   target=request.args.get("clause", ""), marks=marks, doc_status=status or "",
                   back=_back_link(q, mode), from_=_from_arg(),
                   compare_offer=similar_documents(engine, doc["doc_id"]))


def _from_arg() -> str:
    """The validated `from=` value, to carry on (取消标记) — '' when absent or not ours."""
    state = search_state(request.args.get("from", ""))
    return urlencode(state) if state else ""


def _back_link(q: str, mode: str) -> str:
    """返回检索结果: the search the reader came from (query, filters, sort, page)."""
    state = search_state(request.args.get("from", ""))
    if state is None and q:
        state = [("q", q)] + ([("mode", mode)] if mode != "keyword" else [])
    return f"{url_for('views.search')}?{urlencode(state)}" if state else ""


@views.get("/clauses/<clause_id>")
def clause(clause_id):
    data = clause_data(clause_id)
    if request.args.get("format") == "json":
        return jsonify(data)
    # 引用: references in the text link to the cited document or article
    return _render("clause.html", clause=display(data),
                   linked=linked_text(get_engine(), data))


@views.get("/similar")
def similar():
    error, result, params, text, clause_id, source = "", None, None, "", "", None
    try:
        text, clause_id, params = similar_request()
        if text or clause_id:
            result = similar_data(text, clause_id, params)
            source = result.get("source_clause")
    except BadRequest as e:
        if request.args.get("format") == "json":
            raise
        error = e.description
    if request.args.get("format") == "json":
        if result is None:
            abort(400, "请提供 text（一段文字）或 clause_id（条款编号）")
        return jsonify(result)
    base = [("text", text)] if text and not clause_id else []
    base += [("clause_id", clause_id)] if clause_id else []
    state = UrlState("views.similar", base + (params.to_args() if params else []))
    chips = [(name, v) for name, v in state.pairs if name in FACET_LABELS]
    facets = []
    for name in FACET_ORDER:
        values = ((result or {}).get("facets") or {}).get(name) or []
        if values:
            facets.append((name, FACET_LABELS[name], values))
    hits = [display(h) for h in (result or {}).get("hits", [])]
    if source:
        source = display(source)
    return _render("similar.html", 400 if error else 200, error=error, result=result,
                   hits=hits, text=text, clause_id=clause_id, source=source, chips=chips,
                   state=state, facets=facets, similar_base=base)


@views.get("/help")
def help_page():
    source = HELP_FILE.read_text(encoding="utf-8")
    if request.args.get("format") == "json":
        return jsonify({"help": source})
    body = markdown.markdown(source, extensions=["tables", "fenced_code", "toc"])
    return _render("help.html", body=body)


def _export_hits():
    args = {k: v for k, v in request_args().items() if k not in ("page", "size", "all")}
    cap = export_cap()
    params = parse_params({**args, "size": [str(cap)]}, max_size=cap)
    result = search_data(params)
    return params, result


@views.get("/export.csv")
def export_csv():
    params, result = _export_hits()
    body = export.to_csv(result["hits"], request.url_root)
    return Response(body, content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": export.disposition("检索结果.csv")})


@views.get("/export.md")
def export_md():
    params, result = _export_hits()
    body = export.to_markdown(result, request.url_root)
    return Response(body, content_type="text/markdown; charset=utf-8", headers={
        "Content-Disposition": export.disposition("检索结果.md")})


@views.get("/export.docx")
def export_docx():
    """Selected clauses (clause_id=…, repeatable), or with all=1 the whole search the other
    parameters describe (capped like CSV); the heading block names the search either way."""
    ids = [i for i in request.args.getlist("clause_id") if i.strip()]
    whole = request.args.get("all") == "1"
    if not ids and not whole:     # the results page again, with the message by the tray
        return search(notice="请先勾选要导出的条款（勾选条款下方的“选择”）", status=400)
    if len(ids) > export_cap():
        abort(400, f"一次最多导出 {export_cap()} 条")
    # the search the selection came from, for the heading; other form fields are not ours
    state = search_state(urlencode([(k, v) for k, v in request.args.items(multi=True)
                                    if k in SEARCH_KEYS and k not in ("page", "size")]))
    if whole:
        clauses = _export_hits()[1]["hits"]      # 400 for a malformed search, like CSV
    else:
        clauses = [clause_data(cid) for cid in dict.fromkeys(ids)]
    params = parse_search_params(dict_of(state or []))
    conditions = export.filter_lines(params.filters(), params.mode, params.sort)
    return Response(export.to_docx(clauses, request.url_root, params.q, conditions),
                    mimetype="application/vnd.openxmlformats-officedocument."
                             "wordprocessingml.document",
                    headers={"Content-Disposition": export.disposition("条款摘编.docx")})


def dict_of(pairs) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out
