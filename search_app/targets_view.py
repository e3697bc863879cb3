"""指标对比 pages: /targets (HTML, ?format=json), /api/targets (JSON), /targets.csv."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, jsonify, render_template, request

from search_app import export
from search_app.api import request_args
from search_app.appstate import get_engine
from search_app.params import FACET_LABELS
from search_app.chart import target_chart
from search_app.params import QueryError, parse_search_params
from search_app.target_query import ORDERS, target_table

targets = Blueprint("targets", __name__)
EXTRA = ("indicator", "order")
CSV_COLUMNS = ["城市", "省份", "指标", "目标", "期限", "范围", "文件", "文号", "原文", "链接"]


def _table() -> dict:
    args = request_args()
    try:
        params = parse_search_params(args, allowed_extra=EXTRA)
    except QueryError as e:
        abort(400, str(e))
    order = (args.get("order") or ["year"])[0] or "year"
    if order not in ORDERS:
        abort(400, f"排序方式“{order}”不存在，可选 year（期限）、value（目标值）、city（城市）")
    indicator = (args.get("indicator") or [""])[0].strip()
    try:
        return target_table(get_engine(), params, indicator, order)
    except QueryError as e:
        abort(400, str(e))


@targets.get("/api/targets")
def api_targets():
    return jsonify(_table())


@targets.get("/targets")
def targets_page():
    table = _table()
    if request.args.get("format") == "json":
        return jsonify(table)
    chart = target_chart(table["rows"], table["indicator_name"]) if table["indicator"] else ""
    base = [(k, v) for k, vs in request_args().items() for v in vs if k != "order"]
    return render_template("targets.html", table=table, chart=chart, ORDERS=ORDERS,
                           FACET_LABELS=FACET_LABELS, base=base)


@targets.get("/targets.csv")
def targets_csv():
    table = _table()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in table["rows"]:
        writer.writerow([export.csv_cell(str(v)) for v in (
            r["city"], r["province"], r["indicator"], r["target"], r["year"] or "", r["scope"],
            r["title"], r["doc_number"], r["span"],
            export.clause_url(request.url_root, r))])
    return Response(("\ufeff" + buf.getvalue()).encode("utf-8"),
                    content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": export.disposition("指标对比.csv")})
