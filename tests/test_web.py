"""Web interface and JSON API, driven through Flask's test client.

Part 1 uses tests/fake_engine.py (contract-exact, in memory) for the web layer's own
behaviour: errors, escaping, exports. Part 2 drives the real app on the real sample
index (tests/conftest.py: sample_index, build_test_index).
"""
from __future__ import annotations

import csv
import io
import re

import pytest

from search_app.app import cn_date, create_app
from tests import fake_engine

EVIL = '<script>alert("x")</script> "onload=alert(1) <img src=x onerror=alert(2)>'


@pytest.fixture
def fake():
    return fake_engine.FakeEngine()


@pytest.fixture
def client(fake):
    app = create_app({"ENGINE": fake, "TESTING": True})
    return app.test_client()


def text(resp) -> str:
    return resp.get_data(as_text=True)


# ---------------------------------------------------------------- search page

def test_search_page_shows_clauses_with_facts(client):
    r = client.get("/?q=大班额")
    assert r.status_code == 200
    html = text(r)
    assert '<html lang="zh-CN">' in html
    assert "<mark>大班额</mark>" in html
    assert "盘政办发〔2019〕24号" in html
    assert "2019年5月30日" in html
    assert "二、重点任务" in html
    # lead unit set apart
    assert re.search(r'<strong class="lead">各区县政府<span class="lead-tag">牵头</span>', html)
    # result links into the document at the clause, carrying the query
    assert "/documents/b243c2944faa9261?q=%E5%A4%A7%E7%8F%AD%E9%A2%9D&amp;clause=b243c2944faa9261-0003#b243c2944faa9261-0003" in html


def test_browse_by_stage_without_query_and_chip_removes_it(client):
    r = client.get("/?stage=学前教育")
    html = text(r)
    assert r.status_code == 200
    assert "共 <strong>3</strong> 条" in html
    assert 'class="chip" href="/"' in html          # removing the only filter → home
    assert "农村学前教育全覆盖" in html


def test_general_tag_when_no_stage(client):
    html = text(client.get("/?q=全方位振兴"))
    assert '<span class="tag tag-general">通用</span>' in html


def test_facet_links_add_filter_and_reset_page(client):
    html = text(client.get("/?q=教育&size=1&page=2"))
    links = re.findall(r'href="(/\?[^"]*city=[^"]*)"', html)
    assert links and all("page=" not in l for l in links)


def test_pagination_and_sort_links_keep_state(client):
    html = text(client.get("/?stage=学前教育&size=1"))
    assert 'rel="next" href="/?stage=%E5%AD%A6%E5%89%8D%E6%95%99%E8%82%B2&amp;size=1&amp;page=2"' in html
    assert "sort=-date" in html


def test_empty_state_is_helpful(client):
    html = text(client.get("/?q=不存在的词&mode=exact&stage=学前教育"))
    assert "没有找到相关条款" in html
    assert "检查拼写" in html and "去掉“学前教育”" in html and "改用关键词模式" in html


@pytest.mark.parametrize("query", ["page=abc", "size=0", "year=abcd",
                                   "sort=bogus", "bogus=1", "mode=fuzzy"])
def test_bad_parameters_are_friendly_400(client, query):
    r = client.get("/?" + query)
    assert r.status_code == 400
    assert 'role="alert"' in text(r)
    r = client.get("/api/search?" + query)
    assert r.status_code == 400
    assert r.is_json and r.get_json()["error"]
    assert client.get("/?format=json&" + query).status_code == 400


def test_only_get(client):
    for method in ("post", "put", "delete"):
        for url in ("/", "/api/search", "/documents/b243c2944faa9261", "/export.csv"):
            assert getattr(client, method)(url).status_code == 405
    assert client.post("/api/search").get_json() == {"error": "只支持 GET 请求"}


# ---------------------------------------------------------------- JSON twins

def test_api_search_is_engine_result(client, fake):
    data = client.get("/api/search?q=学前教育&stage=学前教育").get_json()
    assert data["total"] == 3 and data["filters"] == {"stage": ["学前教育"]}
    assert set(data["facets"]) == {"city", "province", "year", "stage", "unit", "lead_unit",
                                   "doc_type", "status", "level"}
    twin = client.get("/?q=学前教育&stage=学前教育&format=json").get_json()
    assert {**twin, "took_ms": 0} == {**data, "took_ms": 0}


def test_api_clause_document_and_404(client):
    c = client.get("/api/clauses/b243c2944faa9261-0004").get_json()
    assert c["citation"].startswith("《盘锦市推进教育高质量发展行动计划》（盘政办发〔2019〕24号）第二部分第（九）条\n")
    d = client.get("/api/documents/b243c2944faa9261").get_json()
    assert [x["seq"] for x in d["clauses"]] == sorted(x["seq"] for x in d["clauses"])
    for url in ("/api/clauses/nope", "/api/documents/nope", "/clauses/nope?format=json"):
        r = client.get(url)
        assert r.status_code == 404 and r.is_json and "nope" in r.get_json()["error"]
    r = client.get("/documents/nope")
    assert r.status_code == 404 and "未找到文件" in text(r) and "<form" in text(r)


def test_api_similar(client):
    r = client.get("/api/similar?clause_id=57cabfa954bdb4bd-0001")
    assert r.status_code == 200 and "hits" in r.get_json()
    assert client.get("/api/similar").status_code == 400
    assert client.get("/api/similar?clause_id=nope").status_code == 404


# ---------------------------------------------------------------- pages

def test_document_page_marks_target_and_words(client):
    r = client.get("/documents/b243c2944faa9261?q=大班额&clause=b243c2944faa9261-0003")
    html = text(r)
    assert r.status_code == 200
    assert 'id="b243c2944faa9261-0003" class="clause kind-clause is-target"' in html
    assert "<mark>大班额</mark>" in html
    assert "<dt>文号</dt><dd>盘政办发〔2019〕24号</dd>" in html
    assert '<nav class="toc"' in html and "二、重点任务</h2>" in html
    # every clause has its own anchor
    for cid in ("0001", "0002", "0003", "0004"):
        assert f'id="b243c2944faa9261-{cid}"' in html


def test_clause_page_permalink(client):
    html = text(client.get("/clauses/b243c2944faa9261-0004"))
    assert 'href="/documents/b243c2944faa9261#b243c2944faa9261-0004"' in html
    assert 'href="/similar?clause_id=b243c2944faa9261-0004"' in html
    # citation visible without JS
    assert "<textarea readonly" in html and "第二部分第（九）条" in html


def test_similar_page(client, fake):
    html = text(client.get("/similar?clause_id=57cabfa954bdb4bd-0001"))
    assert "%</span>" in html
    html = text(client.get("/similar?text=完全无关的一句话内容"))
    assert "未找到措辞相近的条款" in html
    assert client.get("/similar").status_code == 200
    assert client.get("/similar?clause_id=nope").status_code == 404


def test_help_renders_markdown(client):
    html = text(client.get("/help"))
    assert "<h1" in html and "检索帮助" in html and "<table>" in html


def test_no_external_resources(client):
    for url in ("/", "/documents/b243c2944faa9261", "/help", "/similar"):
        html = text(client.get(url))
        assert not re.search(r'(src|href)="(https?:)?//', html), url


# ---------------------------------------------------------------- escaping

def test_document_text_is_escaped_everywhere():
    evil = [dict(c) for c in fake_engine.CLAUSES[:2]]
    for c in evil:
        c.update(title="标题" + EVIL, doc_number=EVIL, path=[EVIL], units=[EVIL],
                 lead_units=[EVIL], stages=[EVIL], text="正文" + EVIL, label="(一)")
    eng = fake_engine.FakeEngine(evil)
    client = create_app({"ENGINE": eng}).test_client()
    cid, doc = evil[0]["clause_id"], evil[0]["doc_id"]
    for url in ("/?q=正文", f"/documents/{doc}?q=正文", f"/clauses/{cid}",
                f"/similar?clause_id={evil[1]['clause_id']}", f"/documents/{doc}"):
        html = text(client.get(url))
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert '"onload=' not in html, url
        assert "&lt;script&gt;" in html, url


# ---------------------------------------------------------------- exports

def test_export_csv_has_bom_and_columns(client):
    r = client.get("/export.csv?stage=学前教育&page=1")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0] == ["标题", "文号", "发文机关", "城市", "年份", "成文日期", "时效性", "发文级别",
                       "条款", "路径", "内容", "责任单位", "牵头单位", "学段", "链接"]
    assert len(rows) == 4
    col = {name: i for i, name in enumerate(rows[0])}
    panjin = next(r for r in rows[1:] if r[1])
    assert panjin[col["条款"]] == "第二部分第（三）条"
    assert panjin[col["链接"]].endswith("/clauses/" + "b243c2944faa9261-0002")
    assert "attachment" in r.headers["Content-Disposition"]


def test_export_ignores_page_and_caps(fake):
    fake.clauses = fake.clauses * 1          # 6 clauses
    app = create_app({"ENGINE": fake, "EXPORT_CAP": 4})
    rows = app.test_client().get("/export.csv?page=2&size=1").data.decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + 4


def test_export_markdown(client):
    r = client.get("/export.md?q=大班额")
    body = text(r)
    assert r.status_code == 200 and body.startswith("# 检索结果：大班额")
    assert "## 1. 《盘锦市推进教育高质量发展行动计划》（盘政办发〔2019〕24号）第二部分第（四）条" in body
    assert "**各区县政府**（牵头）" in body


def test_export_docx_selection(client):
    from docx import Document
    r = client.get("/export.docx?clause_id=b243c2944faa9261-0004&clause_id=57cabfa954bdb4bd-0001")
    assert r.status_code == 200
    paras = [p.text for p in Document(io.BytesIO(r.data)).paragraphs]
    assert "《盘锦市推进教育高质量发展行动计划》（盘政办发〔2019〕24号）第二部分第（九）条" in paras
    assert "《张家口市推进教育高质量发展实施方案》第三部分第（三）条" in paras
    assert client.get("/export.docx").status_code == 400
    assert client.get("/export.docx?clause_id=nope").status_code == 404


def test_cn_date():
    assert cn_date("2019-05-30") == "2019年5月30日"
    assert cn_date("", 2021) == "2021年"
    assert cn_date(None) == ""


# ================================================================ real app, real index

@pytest.fixture(scope="module")
def real(sample_index):
    return create_app({"INDEX_DIR": str(sample_index), "TESTING": True}).test_client()


def _hit(real, **args):
    from urllib.parse import urlencode
    data = real.get("/api/search?" + urlencode(args)).get_json()
    assert data["hits"], args
    return data["hits"][0]


def test_real_search_marks_and_shows_facts(real):
    r = real.get("/?q=大班额")
    html = text(r)
    assert r.status_code == 200
    assert "<mark>大班额</mark>" in html
    assert "盘政办发〔2019〕24号" in html and "2019年5月30日" in html
    assert " › " in html or "重点任务" in html


def test_real_browse_stage_without_query(real):
    data = real.get("/api/search?stage=学前教育").get_json()
    assert data["total"] > 0
    assert all("学前教育" in h["stages"] for h in data["hits"])
    html = text(real.get("/?stage=学前教育"))
    assert f"共 <strong>{data['total']}</strong> 条" in html
    assert 'class="chip" href="/"' in html


def test_real_citation_of_issue_example(real):
    hit = _hit(real, q="县管校聘", city="盘锦市")
    from search_app.citation import reference
    assert reference(hit) == "《盘锦市推进教育高质量发展行动计划》（盘政办发〔2019〕24号）第二部分第（九）条"
    html = text(real.get(f"/clauses/{hit['clause_id']}"))
    assert "第二部分第（九）条" in html


def test_real_document_page(real):
    hit = _hit(real, q="大班额")
    r = real.get(f"/documents/{hit['doc_id']}?q=大班额&clause={hit['clause_id']}")
    html = text(r)
    assert r.status_code == 200
    assert f'id="{hit["clause_id"]}" class="clause kind-{hit["kind"]} is-target"' in html
    assert "<mark>大班额</mark>" in html
    doc = real.get(f"/api/documents/{hit['doc_id']}").get_json()
    for c in doc["clauses"]:
        assert f'id="{c["clause_id"]}"' in html
    assert f'<h1 id="doc-h">{doc["title"]}' in html     # (a status badge may follow)
    assert "<dt>成文日期</dt>" in html or not (doc["date"] or doc["year"])


def test_page_past_the_end(real):
    """The page shows the last page (a jump past the end, a larger 每页条数); the API,
    which a script reads, says the page does not exist."""
    r = real.get("/?q=教育&page=9999")
    assert r.status_code == 200
    last = real.get("/api/search?q=教育").get_json()["pages"]
    assert f'<strong aria-current="page">{last}</strong>' in text(r)
    r = real.get("/api/search?q=教育&page=9999")
    assert r.status_code == 400 and "页码超出范围" in r.get_json()["error"]


@pytest.mark.parametrize("query", ["page=abc", "size=0", "year=abcd",
                                   "sort=bogus", "bogus=1", "year_from=20x1", "versions=old"])
def test_real_bad_parameters(real, query):
    r = real.get("/?q=教育&" + query)
    assert r.status_code == 400 and 'role="alert"' in text(r)
    r = real.get("/api/search?q=教育&" + query)
    assert r.status_code == 400 and r.get_json()["error"]


def test_real_unknown_ids(real):
    assert real.get("/documents/nope").status_code == 404
    assert real.get("/clauses/nope").status_code == 404
    assert real.get("/api/clauses/nope").get_json()["error"]


def test_real_similar_and_exports(real):
    hit = _hit(real, q="大班额")
    r = real.get(f"/similar?clause_id={hit['clause_id']}")
    assert r.status_code == 200
    assert real.get(f"/api/similar?clause_id={hit['clause_id']}").status_code == 200
    r = real.get("/export.csv?q=教育")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    total = real.get("/api/search?q=教育").get_json()["total"]
    assert len(rows) == 1 + min(total, 2000)
    assert real.get(f"/export.docx?clause_id={hit['clause_id']}").status_code == 200
    assert real.get("/export.md?q=大班额").status_code == 200


def test_real_indexed_script_is_shown_not_run(build_test_index, tmp_path):
    doc = ("某某市<script>alert(1)</script>教育实施方案\n\n"
           "一、总体要求\n"
           "（一）加强管理。学校不得在页面中插入<script>alert(\"x\")</script>，也不得使用"
           "\"onload=alert(1) 这样的属性。<img src=x onerror=alert(2)>\n"
           "责任单位：市教育局<b>\n")
    index_dir = build_test_index(tmp_path, {"evil.txt": doc})
    client = create_app({"INDEX_DIR": str(index_dir)}).test_client()
    data = client.get("/api/search?q=加强管理").get_json()
    assert data["total"] >= 1
    hit = data["hits"][0]
    for url in ("/?q=加强管理", "/?q=script", f"/documents/{hit['doc_id']}?q=script",
                f"/clauses/{hit['clause_id']}", f"/similar?clause_id={hit['clause_id']}"):
        html = text(client.get(url))
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert '"onload=' not in html, url
        assert "&lt;script&gt;" in html or "&lt;<mark>script</mark>&gt;" in html, url


def test_missing_index_is_a_clear_503(tmp_path):
    client = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    r = client.get("/api/search?q=x")
    assert r.status_code == 503 and "policy-search index" in r.get_json()["error"]
    r = client.get("/")
    assert r.status_code == 503 and "索引尚未建立" in r.get_data(as_text=True)
