"""对比 pages: /compare?a=&b= (HTML, ?format=json) and /api/compare; 按城市对比
/compare/cities?q=&city=… and /api/compare/cities. GET only; caller errors are 400."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request

from search_app.appstate import get_engine
from search_app.compare import compare_documents, find_document
from search_app.params import QueryError, parse_search_params

compare = Blueprint("compare", __name__)
MAX_REF = 300
CITY_TOP = 5
MIN_CITIES, MAX_CITIES = 2, 4


def _doc_param(name: str) -> str:
    value = (request.args.get(name) or "").strip()
    if not value:
        abort(400, f"请提供要对比的两份文件：参数 a 和 b（文件编号、文件名或标题），缺少 {name}")
    if len(value) > MAX_REF:
        abort(400, f"参数 {name} 过长（最多 {MAX_REF} 字）")
    doc_id = find_document(get_engine(), value)
    if doc_id is None:
        abort(404, f"未找到文件：{value}")
    return doc_id


def _comparison() -> dict:
    return compare_documents(get_engine(), _doc_param("a"), _doc_param("b"))


@compare.get("/api/compare")
def api_compare():
    return jsonify(_comparison())


@compare.get("/compare")
def compare_page():
    result = _comparison()
    if request.args.get("format") == "json":
        return jsonify(result)
    return render_template("compare.html", result=result)


def _cities() -> dict:
    q = (request.args.get("q") or "").strip()
    cities = list(dict.fromkeys(c.strip() for c in request.args.getlist("city") if c.strip()))
    if not q:
        abort(400, "请输入检索词（参数 q）")
    if not MIN_CITIES <= len(cities) <= MAX_CITIES:
        abort(400, f"请选择 {MIN_CITIES} 至 {MAX_CITIES} 个城市（参数 city），当前 {len(cities)} 个")
    mode = request.args.get("mode") or "keyword"
    engine = get_engine()
    columns = []
    for city in cities:
        try:
            params = parse_search_params({"q": [q], "mode": [mode], "city": [city],
                                          "size": [str(CITY_TOP)]})
            result = engine.search(params)
        except QueryError as e:
            abort(400, str(e) or "请求参数有误")
        columns.append({"city": city, "total": result["total"], "hits": result["hits"]})
    return {"q": q, "mode": mode, "cities": cities, "columns": columns}


@compare.get("/api/compare/cities")
def api_compare_cities():
    return jsonify(_cities())


@compare.get("/compare/cities")
def compare_cities_page():
    data = _cities()
    if request.args.get("format") == "json":
        return jsonify(data)
    return render_template("compare_cities.html", data=data)
