"""对比: two made-up documents aligned clause by clause, the pages and the API."""
from __future__ import annotations

import html
import re

import pytest

from search_app.compare import align_documents, diff_clauses, tokens

A = """某市学前教育发展办法

第一条 为了推进本市学前教育普及普惠发展，根据有关法律法规，结合本市实际，制定本办法。

第二条 到2025年，全市学前三年毛入园率达到90%以上，普惠性幼儿园覆盖率达到80%以上。

第三条 各区人民政府应当统筹规划幼儿园布局，将幼儿园建设纳入城乡公共服务设施配套建设规划。

第四条 教育行政部门负责幼儿园教师的培训工作，每五年对教师进行一轮全员培训。

第五条 本办法自发布之日起施行。
"""

B = """某市学前教育发展条例

第一条 为了推进本市学前教育普及普惠发展，根据有关法律法规，结合本市实际，制定本办法。

第二条 教育行政部门负责幼儿园教师的培训工作，每五年对教师进行一轮全员培训。

第三条 到2025年，全市学前三年毛入园率达到95%以上，普惠性幼儿园覆盖率达到80%以上。

第四条 区政府要科学规划幼儿园的布点，把幼儿园建设列入城乡公共服务设施配套规划，并优先保障用地。

第五条 鼓励社会力量举办普惠性民办幼儿园，对符合条件的给予生均补助。

第六条 本办法自发布之日起施行。
"""

EVIL = """<b>某市</b>托育服务办法

第一条 托育机构应当公示收费标准<script>alert(1)</script>，不得另收费用 & 押金。

第二条 本办法自发布之日起施行。
"""


def _clauses(text: str) -> list[dict]:
    out = []
    for k, m in enumerate(re.finditer(r"^(第.条) (.+)$", text, re.M)):
        out.append({"clause_id": f"x-{k}", "label": m.group(1), "seq": k, "text": m.group(2)})
    return out


def _strip_edits(marked: str) -> str:
    return re.sub(r"<(del|ins)[^>]*>.*?</\1>", "", marked)


def test_alignment_of_reordered_rewritten_added_and_renumbered_clauses():
    result = align_documents(_clauses(A), _clauses(B))
    rows = [(r["kind"], r["a"] and r["a"]["label"], r["b"] and r["b"]["label"])
            for r in result["rows"]]
    assert rows == [
        ("same", "第一条", "第一条"),
        ("same", "第二条", "第三条"),          # the number changed, the clause is the same
        ("rewritten", "第三条", "第四条"),
        ("only_b", None, "第五条"),            # added: after the A clause B's predecessor pairs with
        ("same", "第四条", "第二条"),          # moved in B, still found (one-to-one assignment)
        ("same", "第五条", "第六条"),
    ]
    s = result["summary"]
    assert s["counts"] == {"same": 4, "rewritten": 1, "only_a": 0, "only_b": 1}
    assert [c["label"] for c in s["added"]] == ["第五条"]
    assert 0.8 < s["a_in_b"] < 1 and 0.6 < s["b_in_a"] < s["a_in_b"]
    changed = result["rows"][1]
    assert changed["numbers"] == [["90", "95"]]
    assert '<del class="num">90</del>' in changed["a"]["html"]
    assert '<ins class="num">95</ins>' in changed["b"]["html"]
    rewritten = result["rows"][2]
    assert 0.35 <= rewritten["score"] < 0.85
    assert "<ins>" in rewritten["b"]["html"] and "城乡公共服务设施配套" in \
        _strip_edits(rewritten["b"]["html"])


def test_each_clause_is_matched_at_most_once():
    one = _clauses("第一条 本办法自发布之日起施行。\n")
    two = _clauses("第一条 本办法自发布之日起施行。\n第二条 本办法自发布之日起施行。\n")
    result = align_documents(one, two)
    assert [r["kind"] for r in result["rows"]] == ["same", "only_b"]


def test_a_differing_number_is_never_marked_shared():
    d = diff_clauses("到2020年完成", "到2025年完成")
    assert d.numbers == [("2020", "2025")]
    assert "202" not in _strip_edits(d.html_a) and "202" not in _strip_edits(d.html_b)
    # the same number in another notation is the same number
    assert diff_clauses("未满十八周岁", "未满18周岁").numbers == []
    assert [t[0] for t in tokens("达到3.5%。")] == ["达", "到", "3.5", "%", "。"]


def test_diff_escapes_text():
    d = diff_clauses("收费<script>x</script>", "收费<b>y</b>")
    assert "<script" not in d.html_a and "<b>" not in d.html_b
    plain = lambda h: html.unescape(re.sub(r"</?(del|ins)[^>]*>", "", h))   # noqa: E731
    assert plain(d.html_a) == "收费<script>x</script>" and plain(d.html_b) == "收费<b>y</b>"


@pytest.fixture(scope="module")
def cmp_app(tmp_path_factory):
    from search_app.app import create_app
    from tests.conftest import _build_test_index
    index = _build_test_index(tmp_path_factory.mktemp("cmp"), {
        "a.txt": A, "b.txt": B, "evil.txt": EVIL,
        "b.meta.json": '{"city": "某市", "date": "2021-03-01"}'})
    app = create_app({"INDEX_DIR": str(index)})
    from search_app.app import get_engine
    with app.app_context():
        docs = {d["source"]: d["doc_id"] for d in get_engine().snapshot().meta["docs"]}
    return app.test_client(), docs


def test_api_compare_shape_and_references_by_name(cmp_app):
    client, docs = cmp_app
    r = client.get("/api/compare", query_string={"a": docs["a.txt"], "b": "某市学前教育发展条例"})
    assert r.status_code == 200
    data = r.get_json()
    assert set(data) >= {"a", "b", "rows", "summary", "took_ms"}
    assert data["a"]["doc_id"] == docs["a.txt"] and data["b"]["doc_id"] == docs["b.txt"]
    assert {"kind", "kind_label", "a", "b", "score", "numbers"} <= set(data["rows"][0])
    assert data["summary"]["counts"]["only_b"] == 1
    # a file name works too, and the HTML page's JSON twin is the same data
    twin = client.get("/compare", query_string={"a": "a.txt", "b": "b", "format": "json"})
    assert twin.get_json()["rows"] == data["rows"]


@pytest.mark.parametrize("query, status", [
    ({}, 400), ({"a": "a.txt"}, 400), ({"a": "", "b": "b.txt"}, 400),
    ({"a": "a.txt", "b": "x" * 400}, 400), ({"a": "a.txt", "b": "没有这个文件"}, 404)])
def test_bad_or_missing_documents(cmp_app, query, status):
    client, _ = cmp_app
    for url in ("/api/compare", "/compare"):
        r = client.get(url, query_string=query)
        assert r.status_code == status
        if url.startswith("/api"):
            assert r.get_json()["error"]
        else:
            assert "text/html" in r.content_type and "文件" in r.get_data(as_text=True)


def test_compare_page_escapes_document_text(cmp_app):
    client, _ = cmp_app
    r = client.get("/compare", query_string={"a": "evil.txt", "b": "a.txt"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>某市</b>" not in page and "&lt;b&gt;某市&lt;/b&gt;" in page
    assert "仅A有" in page and "相同" in page


def test_compare_cli(cmp_app, capsys):
    from search_app.cli import main
    client, _ = cmp_app
    index = client.application.config["INDEX_DIR"]
    assert main(["compare", "a.txt", "某市学前教育发展条例", "--index", index]) == 0
    out = capsys.readouterr().out
    assert "相同 4 · 改写 1 · 仅A有 0 · 仅B有 1" in out and "[-90-]" in out and "{+95+}" in out
    assert main(["compare", "a.txt", "没有", "--index", index]) == 2


def test_document_page_offers_the_similar_document(cmp_app):
    client, docs = cmp_app
    page = client.get(f"/documents/{docs['a.txt']}").get_data(as_text=True)
    assert "与…对比" in page
    assert f"/compare?a={docs['a.txt']}&amp;b={docs['b.txt']}" in page


def test_compare_cities(sample_index):
    from search_app.app import create_app
    client = create_app({"INDEX_DIR": str(sample_index)}).test_client()
    r = client.get("/api/compare/cities", query_string=[("q", "大班额"), ("city", "广元市"),
                                                          ("city", "盘锦市")])
    data = r.get_json()
    assert r.status_code == 200 and data["cities"] == ["广元市", "盘锦市"]
    assert [c["city"] for c in data["columns"]] == ["广元市", "盘锦市"]
    assert all(h["city"] == c["city"] for c in data["columns"] for h in c["hits"])
    assert data["columns"][0]["hits"]
    page = client.get("/compare/cities", query_string=[("q", "大班额"), ("city", "广元市"),
                                                       ("city", "盘锦市")]).get_data(as_text=True)
    assert "按城市对比" in page and "广元市" in page and "<mark>" in page
    for bad in ([("q", "大班额"), ("city", "广元市")], [("city", "广元市"), ("city", "盘锦市")],
                [("q", "x")] + [("city", c) for c in "甲乙丙丁戊"]):
        assert client.get("/api/compare/cities", query_string=bad).status_code == 400
    # the search page offers it
    search = client.get("/", query_string={"q": "大班额"}).get_data(as_text=True)
    assert 'action="/compare/cities"' in search
