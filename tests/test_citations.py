"""引用: references in clause text found, resolved at index time, shown and served."""
from __future__ import annotations

import json

import pytest

from analyzers.citations import article_number, find_references, issuer_free
from analyzers.titles import title_key


def test_reference_forms():
    text = ("根据《中华人民共和国教育法》第二十九条第二款和本法第十条，贯彻《国务院办公厅关于加强学校安全的意见》"
            "（国办发[2017]35号）和（教基〔2018〕3号）文件，参照《教育部关于做好招生工作的通知》。")
    refs = find_references(text)
    assert [(text[r.start:r.end], r.title, r.doc_number, r.article, r.paragraph) for r in refs] == [
        ("《中华人民共和国教育法》第二十九条第二款", "中华人民共和国教育法", "", 29, 2),
        ("《国务院办公厅关于加强学校安全的意见》（国办发[2017]35号）",
         "国务院办公厅关于加强学校安全的意见", "国办发〔2017〕35号", None, None),
        ("（教基〔2018〕3号）", "", "教基〔2018〕3号", None, None),
        ("《教育部关于做好招生工作的通知》", "教育部关于做好招生工作的通知", "", None, None),
    ]
    # 本法 / 本条例 and a bare 第X条 point into the document itself
    assert find_references("依照本条例第十条和第十二条的规定执行。") == []
    # a bracket holding a date or a note is not a 文号
    assert find_references("（2019年修订）（试行）") == []
    assert [r.doc_number for r in find_references("（盘政办发【2019】24号）")] == ["盘政办发〔2019〕24号"]


def test_title_keys_and_articles():
    assert title_key("《中华人民共和国教育法（2021年修正）》") == title_key("教育法") == "教育法"
    assert issuer_free("国务院办公厅关于加强学校安全的意见") == "关于加强学校安全的意见"
    assert issuer_free("关于加强学校安全的意见") == ""
    assert article_number("第一百零五条") == 105 and article_number("（一）") is None
    assert find_references("《教育法》第105条")[0].article_label == "第一百零五条"


def _law(title: str, article29: str) -> str:
    return (f"{title}\n\n第一条 为了发展教育事业，制定本法。\n\n第二十八条 学校行使下列权利。\n\n"
            f"第二十九条 {article29}\n\n第三十条 学校应当遵守法律。\n")


FILES = {
    "jyf2009.txt": _law("中华人民共和国教育法（2009年修正）", "学校及其他教育机构应当履行下列义务（旧）。"),
    "jyf2009.meta.json": json.dumps({"date": "2009-08-27"}),
    "jyf2021.txt": _law("中华人民共和国教育法", "学校及其他教育机构应当履行下列义务（新）。"),
    "jyf2021.meta.json": json.dumps({"date": "2021-04-29"}),
    "safety.txt": "关于加强学校安全的意见\n\n一、总体要求。加强中小学幼儿园安全工作。\n",
    "safety.meta.json": json.dumps({"date": "2017-04-25", "doc_number": "国办发〔2017〕35号",
                                    "issuer": "国务院办公厅"}),
    "old.txt": ("某市中小学管理办法\n\n第一条 根据《中华人民共和国教育法》第二十九条，制定本办法。\n\n"
                "第二条 学校落实《国务院办公厅关于加强学校安全的意见》的要求。\n\n"
                "第三条 依照本办法第一条和《教育部关于不存在的文件的通知》执行。\n"),
    "old.meta.json": json.dumps({"date": "2015-06-01"}),
    "new.txt": ("某市中小学安全条例\n\n第一条 根据《教育法》第二十九条第二款和（国办发[2017]35号）文件，"
                "结合本市实际，制定本条例。\n"),
    "new.meta.json": json.dumps({"date": "2022-01-10"}),
}


@pytest.fixture(scope="module")
def cited(tmp_path_factory):
    from search_app.app import create_app, get_engine
    from tests.conftest import _build_test_index
    index = _build_test_index(tmp_path_factory.mktemp("cites"), FILES)
    app = create_app({"INDEX_DIR": str(index)})
    with app.app_context():
        snap = get_engine().snapshot()
        docs = {d["source"].split(".")[0]: d["doc_id"] for d in snap.meta["docs"]}
        art29 = {d: next(cid for cid in map(snap.clause_id, range(snap.n))
                         if cid.startswith(docs[d]) and
                         snap.record(snap.row_of(cid))["label"] == "第二十九条")
                 for d in ("jyf2009", "jyf2021")}
    return app.test_client(), docs, art29


def _cites(client, docs, name):
    doc = client.get(f"/api/documents/{docs[name]}").get_json()
    return doc, [(c["clause_id"].split("-")[-1], x["doc_id"], x["clause_id"])
                 for c in doc["clauses"] for x in c["cites"]]


def test_resolution_by_title_version_article_and_doc_number(cited):
    client, docs, art29 = cited
    _, old = _cites(client, docs, "old")
    # 2015: the 2009 version was in force; the article resolves to its 第二十九条;
    # the issuer written inside the marks still finds the title published without it;
    # the unknown notice stays plain text
    assert old == [("0001", docs["jyf2009"], art29["jyf2009"]),
                   ("0002", docs["safety"], None)]
    _, new = _cites(client, docs, "new")
    assert new == [("0001", docs["jyf2021"], art29["jyf2021"]),     # newest on or before 2022
                   ("0001", docs["safety"], None)]                 # by 文号, brackets normalised


def test_cited_by_and_cites_documents(cited):
    client, docs, _ = cited
    safety = client.get(f"/api/documents/{docs['safety']}").get_json()
    assert sorted(d["doc_id"] for d in safety["cited_by"]) == sorted([docs["old"], docs["new"]])
    assert all(d["count"] == 1 and d["clause_id"] for d in safety["cited_by"])
    old, _ = _cites(client, docs, "old")
    assert {d["doc_id"]: d["count"] for d in old["cites_documents"]} == \
        {docs["jyf2009"]: 1, docs["safety"]: 1}
    clause = client.get(f"/api/clauses/{docs['new']}-0001").get_json()
    assert [c["doc_id"] for c in clause["cites"]] == [docs["jyf2021"], docs["safety"]]
    assert {"start", "end", "doc_id", "clause_id", "title"} <= set(clause["cites"][0])
    hits = client.get("/api/search", query_string={"q": "结合本市实际"}).get_json()["hits"]
    assert any(h["cites"] for h in hits)


def test_document_page_links_references_and_lists_citers(cited):
    client, docs, art29 = cited
    page = client.get(f"/documents/{docs['new']}", query_string={"q": "教育法"}).get_data(as_text=True)
    assert f'href="/documents/{docs["jyf2021"]}#{art29["jyf2021"]}">' in page
    assert "<mark>教育法</mark>" in page                 # marks and links together
    assert "本文引用" in page
    law = client.get(f"/documents/{docs['jyf2021']}").get_data(as_text=True)
    law = law[law.index('<div class="citations">'):law.index("</div>", law.index('class="citations"'))]
    assert "被以下文件引用" in law and "某市中小学安全条例" in law
    assert "某市中小学管理办法" not in law            # that one cites the 2009 version


def test_clause_page_links_its_references(cited):
    client, docs, art29 = cited
    page = client.get(f"/clauses/{docs['new']}-0001").get_data(as_text=True)
    assert f'href="/documents/{docs["jyf2021"]}#{art29["jyf2021"]}">' in page
    assert 'class="cite-link"' in page


def test_search_hits_link_references_in_their_full_text(cited):
    client, docs, art29 = cited
    page = client.get("/", query_string={"q": "结合本市实际"}).get_data(as_text=True)
    assert 'class="cite-link"' in page and f'href="/documents/{docs["jyf2021"]}' in page


def test_link_spans_nest_marks_and_escape():
    from search_app.citelinks import link_spans
    out = link_spans("见《a<b》第一条", [(1, 9, "/documents/x#y")], [(0, 3)])
    assert out == ('<mark>见</mark><a class="cite-link" href="/documents/x#y"><mark>《a</mark>'
                   '&lt;b》第一条</a>')


def test_a_code_published_in_parts_resolves_the_article_to_its_part():
    from indexer.citegraph import build_graph
    docs = [{"doc_id": p, "title": "中华人民共和国民法典", "date": "2020-05-28", "year": 2020,
             "doc_number": ""} for p in ("part1", "part2")] + \
        [{"doc_id": "citing", "title": "某规定", "date": "2021-01-01", "year": 2021, "doc_number": ""}]
    records = [{"doc_id": "part1", "clause_id": "part1-1", "label": "第一条", "text": "总则。"},
               {"doc_id": "part2", "clause_id": "part2-1", "label": "第四百六十三条", "text": "合同。"},
               {"doc_id": "citing", "clause_id": "citing-1", "label": "第一条",
                "text": "依照《民法典》第四百六十三条和《民法典》第一条。"}]
    graph = build_graph(records, docs)
    assert [(c[2], c[3]) for c in graph["clauses"]["citing-1"]] == \
        [("part2", "part2-1"), ("part1", "part1-1")]
    assert sorted(graph["cited_by"]) == ["part1", "part2"]


def test_amendments_named_by_year_keep_their_year():
    assert title_key("中华人民共和国宪法修正案（1988年）") != title_key("中华人民共和国宪法修正案（2018年）")
    assert title_key("中华人民共和国宪法（2018年修正）") == title_key("宪法")


def _graph(index):
    from indexer.citegraph import load_citations
    from indexer.snapshot import snapshot_dir, snapshot_generations
    graph = load_citations(snapshot_dir(index, snapshot_generations(index)[-1]))
    return graph["clauses"], graph["cited_by"]


def test_updates_re_resolve_kept_clauses_as_a_clean_build_does(tmp_path):
    """A clause kept from the previous snapshot cites a file added later once it is there
    (its references are kept in cites.json, not read from its record again), and stops
    citing it once it is gone: each update's graph equals a clean build's."""
    from indexer.writer import build_index
    quiet = {"log": lambda m: None}
    docs = tmp_path / "docs"
    docs.mkdir()
    later = {"jyf2009.txt", "jyf2009.meta.json", "safety.txt", "safety.meta.json"}
    for name, text in FILES.items():
        if name not in later:
            (docs / name).write_text(text, encoding="utf-8")
    index = tmp_path / "ix"
    build_index([docs], index, **quiet)
    before = _graph(index)
    for name in sorted(later):
        (docs / name).write_text(FILES[name], encoding="utf-8")
    build_index([docs], index, prune=True, **quiet)
    build_index([docs], tmp_path / "clean1", **quiet)
    added = _graph(index)
    assert added == _graph(tmp_path / "clean1") and added != before
    assert len(added[1]) == 3, "the 2009 law, the 2021 law and the 意见 are cited"
    (docs / "safety.txt").unlink()
    build_index([docs], index, prune=True, **quiet)
    build_index([docs], tmp_path / "clean2", **quiet)
    assert _graph(index) == _graph(tmp_path / "clean2")
    assert len(_graph(index)[1]) == 2


def test_an_update_resolves_only_the_references_a_changed_file_can_answer(tmp_path, monkeypatch):
    """Kept references whose 文号 and title keys no added or dropped file shares keep
    their resolution (resolution looks at no other document): a file that nothing cites
    resolves nothing again; a new version of a cited law resolves its citers again."""
    from indexer import citegraph
    from indexer.writer import build_index
    quiet = {"log": lambda m: None}
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in FILES.items():
        if name not in ("jyf2009.txt", "jyf2009.meta.json"):
            (docs / name).write_text(text, encoding="utf-8")
    index = tmp_path / "ix"
    build_index([docs], index, **quiet)
    resolved = []
    real = citegraph.resolve_reference
    monkeypatch.setattr(citegraph, "resolve_reference",
                        lambda ref, *a: resolved.append(ref.title or ref.doc_number) or real(ref, *a))
    (docs / "other.txt").write_text("某县食堂管理办法\n\n第一条 为了管好食堂，制定本办法。\n", encoding="utf-8")
    build_index([docs], index, prune=True, **quiet)
    assert resolved == []
    for name in ("jyf2009.txt", "jyf2009.meta.json"):
        (docs / name).write_text(FILES[name], encoding="utf-8")
    build_index([docs], index, prune=True, **quiet)
    # old's first clause, and new's, whose 文号 reference is resolved again with it
    assert sorted(resolved) == ["中华人民共和国教育法", "国办发〔2017〕35号", "教育法"]
    build_index([docs], tmp_path / "clean", **quiet)
    assert _graph(index) == _graph(tmp_path / "clean")
