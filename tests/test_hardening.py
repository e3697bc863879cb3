"""What a hardened read-only site does with hostile document text and requests."""
import csv
import io
import logging
import re

from search_app.app import create_app
from search_app.cli import request_log
from search_app.export import to_markdown
from tests import fake_engine

FORMULA = "-2+3+cmd|' /C calc'!A0"
HOSTILE_MD = '<script>alert(1)</script> [点我](javascript:alert(2)) <img onerror=alert(3)>'


def evil_client(text: str):
    clauses = [dict(c) for c in fake_engine.CLAUSES[:2]]
    for c in clauses:
        c.update(text=text, title=text, units=[text])
    return create_app({"ENGINE": fake_engine.FakeEngine(clauses)}).test_client()


def test_csv_cells_that_a_spreadsheet_would_evaluate_are_neutralised():
    client = evil_client(FORMULA)
    rows = list(csv.reader(io.StringIO(client.get("/export.csv").data.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells and not any(cell[:1] in "=+-@\t\r" for cell in cells if cell)
    assert f"'{FORMULA}" in cells


def test_markdown_export_carries_no_live_html_or_links():
    md = to_markdown({"query": {"q": "<b>q</b>"}, "total": 1,
                      "hits": [{**fake_engine.CLAUSES[0], "text": HOSTILE_MD,
                                "title": HOSTILE_MD}]}, "http://x/")
    text = "\n".join(line.removeprefix("> ") for line in md.splitlines()   # our quote marks
                     if not line.startswith("- 链接：<http"))                 # our own links
    assert not re.search(r"(?<!\\)[<>\[\]]", text)      # every < > [ ] escaped
    assert "\\<script\\>" in md and "\\[点我\\]" in md


def test_security_headers_on_every_page():
    client = evil_client("正文")
    for url in ("/", "/api/search?q=正文", "/export.csv", "/export.md", "/help", "/nope"):
        h = client.get(url).headers
        assert "frame-ancestors 'none'" in h["Content-Security-Policy"], url
        assert "unsafe-inline" not in h["Content-Security-Policy"]
        assert h["X-Content-Type-Options"] == "nosniff" and h["X-Frame-Options"] == "DENY"
        assert h["Referrer-Policy"] == "same-origin"


def test_exports_declare_one_charset():
    client = evil_client("正文")
    for url in ("/export.csv", "/export.md"):
        assert client.get(url).headers["Content-Type"].count("charset") == 1, url


def test_method_not_allowed_says_what_is():
    r = evil_client("正文").post("/api/search")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]


def test_access_log_escapes_control_characters(caplog):
    app = request_log(lambda environ, start: (start("200 OK", []), [b""])[1])
    with caplog.at_level(logging.INFO, logger="policy_search.access"):
        app({"PATH_INFO": "/x\n2026-01-01 FORGED 200", "QUERY_STRING": "q=\r\n",
             "REQUEST_METHOD": "GET"}, lambda *a: None)
    line = caplog.records[-1].getMessage()
    assert "\n" not in line and "\r" not in line and "\\n" in line


def test_access_log_shows_chinese_paths_as_written(caplog):
    app = request_log(lambda environ, start: (start("200 OK", []), [b""])[1])
    wsgi_path = "/clauses/大班额".encode("utf-8").decode("latin-1")      # as PEP 3333 passes it
    with caplog.at_level(logging.INFO, logger="policy_search.access"):
        app({"PATH_INFO": wsgi_path, "QUERY_STRING": "", "REQUEST_METHOD": "GET"},
            lambda *a: None)
    assert "/clauses/大班额" in caplog.records[-1].getMessage()
