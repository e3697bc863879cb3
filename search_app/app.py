"""Flask application factory for the clause search web interface.

Config (dict passed to create_app, else environment):
  INDEX_DIR      POLICY_SEARCH_INDEX   index directory built by `policy-search index`
  ENGINE         —                     an engine object (tests inject one)
  EXPORT_CAP     POLICY_SEARCH_EXPORT_CAP   max clauses in one export (2000)
The engine is opened once per app, on first use, so `create_app()` is cheap.
"""
from __future__ import annotations

import os
from datetime import date as _date
from pathlib import Path

from flask import Flask, jsonify, render_template, request

from indexer.writer import IndexMissing, default_index_dir

HERE = Path(__file__).resolve().parent
# static/ lives next to the package in the source tree; fall back to a packaged copy
STATIC_DIR = next((p for p in (HERE / "static", HERE.parent / "static") if p.is_dir()),
                  HERE.parent / "static")

from search_app.api import api  # noqa: E402
from search_app.appstate import get_engine, init_state  # noqa: E402,F401  (get_engine: re-export)
from search_app.compare_view import compare  # noqa: E402
from search_app.params import FACET_LABELS, PAGE_SIZES, SORTS as SORT_LABELS  # noqa: E402
from search_app.target_query import display_value  # noqa: E402
from search_app.targets_view import targets  # noqa: E402
from search_app.views import views  # noqa: E402


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=str(STATIC_DIR), static_url_path="/static",
                template_folder=str(HERE / "templates"))
    app.config.update(
        INDEX_DIR=str(default_index_dir()),
        EXPORT_CAP=int(os.environ.get("POLICY_SEARCH_EXPORT_CAP", "2000")),
        ENGINE=None,
        JSON_AS_ASCII=False,
    )
    app.config.update(config or {})
    app.json.ensure_ascii = False
    app.json.sort_keys = False                 # keep the engine's field order
    app.jinja_env.autoescape = True            # also for non-.html templates
    app.jinja_env.filters["cn_date"] = cn_date
    app.jinja_env.filters["target_text"] = lambda t: display_value(
        t["comparator"], t["value"], t["unit"])
    app.jinja_env.filters["num"] = lambda n: f"{int(n or 0):,}"   # 12,345 条
    app.jinja_env.globals.update(FACET_LABELS=FACET_LABELS, SORT_LABELS=SORT_LABELS,
                                 PAGE_SIZES=PAGE_SIZES)
    init_state(app)
    for blueprint in (views, api, targets, compare):
        app.register_blueprint(blueprint)
    _register_errors(app)
    app.after_request(_security_headers)
    return app


# A read-only site with no inline script or style: the browser may load nothing but our
# own files, may not frame the pages, and sends no query words to other sites.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.args.get("format") == "json"


def error_response(status: int, message: str):
    if wants_json():
        return jsonify({"error": message}), status
    return render_template("error.html", status=status, message=message), status


def _register_errors(app: Flask) -> None:
    messages = {404: "页面不存在", 405: "只支持 GET 请求", 400: "请求参数有误",
                500: "服务器内部错误，请稍后重试"}
    for status, msg in messages.items():
        app.register_error_handler(status, lambda e, s=status, m=msg: _with_allow(e, error_response(
            s, getattr(e, "description", None) if s in (400, 404) and _own(e) else m)))
    # no index yet (the admin has not run `policy-search index`): say so, don't 500
    app.register_error_handler(IndexMissing, lambda e: error_response(
        503, "索引尚未建立，请管理员先运行 policy-search index"))


def _with_allow(e, response):
    """A 405 says which methods the URL takes (RFC 9110 requires Allow)."""
    methods = getattr(e, "valid_methods", None)
    if methods:
        body, status = response
        from flask import make_response
        response = make_response(body, status)
        response.headers["Allow"] = ", ".join(methods)
    return response


def _own(e) -> bool:
    """Descriptions we set ourselves (abort(404, '未找到…')) are Chinese; keep them."""
    d = getattr(e, "description", "") or ""
    return any("\u4e00" <= ch <= "\u9fff" for ch in d)


def cn_date(value, year=None) -> str:
    """2019-05-30 → 2019年5月30日; year only → 2019年; nothing → ''."""
    if value:
        try:
            d = _date.fromisoformat(str(value)[:10])
            return f"{d.year}年{d.month}月{d.day}日"
        except ValueError:
            return str(value)
    return f"{year}年" if year else ""
