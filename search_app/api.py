"""JSON API: /api/search, /api/clauses/<id>, /api/documents/<id>, /api/similar.

The data functions here are shared with the HTML views (?format=json answers the
same JSON as the /api twin). Caller mistakes raise BadRequest (400 {"error": …}),
unknown ids NotFound (404).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

from search_app.appstate import get_engine
from search_app.params import QueryError, parse_search_params
from search_app.citation import cite, locator, reference
from search_app.citelinks import attach_cites, attach_document, attach_hits

api = Blueprint("api", __name__, url_prefix="/api")

# request parameters that belong to the page, not to the search
PAGE_PARAMS = {"format", "clause", "text", "clause_id"}


def request_args(drop=PAGE_PARAMS) -> dict[str, list[str]]:
    return {k: v for k, v in request.args.to_dict(flat=False).items() if k not in drop}


def parse_params(args: dict[str, list[str]], max_size: int | None = None):
    """SearchParams from request args; QueryError → 400 with the engine's Chinese message."""
    try:
        if max_size is None:
            return parse_search_params(args)
        return parse_search_params(args, max_size=max_size)
    except QueryError as e:
        abort(400, str(e) or "请求参数有误")


def search_data(params) -> dict:
    try:
        return attach_hits(get_engine(), get_engine().search(params))
    except QueryError as e:
        abort(400, str(e) or "请求参数有误")


def with_citation(clause: dict) -> dict:
    return {**clause, "citation": cite(clause), "reference": reference(clause),
            "locator": locator(clause)}


def clause_data(clause_id: str) -> dict:
    clause = get_engine().clause(clause_id)
    if clause is None:
        abort(404, f"未找到条款：{clause_id}")
    return with_citation(attach_cites(get_engine(), clause))


def document_data(doc_id: str) -> dict:
    doc = get_engine().document(doc_id)
    if doc is None:
        abort(404, f"未找到文件：{doc_id}")
    return attach_document(get_engine(), doc)


def similar_request():
    """(text, clause_id, params) from the request; text/clause_id may both be empty."""
    text = (request.args.get("text") or "").strip()
    clause_id = (request.args.get("clause_id") or "").strip()
    params = parse_params(request_args())
    if clause_id and get_engine().clause(clause_id) is None:
        abort(404, f"未找到条款：{clause_id}")
    return text, clause_id, params


def similar_data(text: str, clause_id: str, params) -> dict:
    try:
        return get_engine().similar(text=text or None, clause_id=clause_id or None,
                                    filters=params, limit=params.size)
    except QueryError as e:
        abort(400, str(e) or "请求参数有误")
    except LookupError as e:
        abort(404, str(e))


@api.get("/search")
def api_search():
    return jsonify(search_data(parse_params(request_args())))


@api.get("/clauses/<clause_id>")
def api_clause(clause_id):
    return jsonify(clause_data(clause_id))


@api.get("/documents/<doc_id>")
def api_document(doc_id):
    return jsonify(document_data(doc_id))


@api.get("/similar")
def api_similar():
    text, clause_id, params = similar_request()
    if not text and not clause_id:
        abort(400, "请提供 text（一段文字）或 clause_id（条款编号）")
    return jsonify(similar_data(text, clause_id, params))


def export_cap() -> int:
    return int(current_app.config["EXPORT_CAP"])
