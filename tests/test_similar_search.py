"""Similar wording through the real engine and app, on the sample corpus."""
import re

import pytest

from search_app.app import create_app


def clause_with(engine, needle):
    for d in engine.snapshot().meta["docs"]:
        for c in engine.document(d["doc_id"])["clauses"]:
            if needle in c["text"]:
                return c
    raise AssertionError(needle)


def edit_fifth(text):
    """Change about a fifth of the characters: numbers, and a few words swapped."""
    out = re.sub(r"\d+", lambda m: str(int(m.group()) + 7), text)
    chars = list(out)
    for i in range(3, len(chars), 9):
        if chars[i].isalnum():
            chars[i] = "某"
    return "".join(chars)


def test_edited_copy_finds_its_source_first(engine):
    source = clause_with(engine, "化解普通高中大班额大校额")
    text = edit_fifth(source["text"][:200])
    result = engine.similar(text=text)
    assert result["hits"][0]["clause_id"] == source["clause_id"]
    top = result["hits"][0]
    assert 0.5 <= top["score"] <= 1
    p = top["passages"][0]
    assert p["input_end"] > p["input_start"] and p["clause_end"] > p["clause_start"]
    assert "<mark>" in top["highlighted"] and "<mark>" in top["input_highlighted"]


def test_stitched_paragraph_finds_both_sources(engine):
    a = clause_with(engine, "化解普通高中大班额大校额")          # 广元市
    b = clause_with(engine, "实施教师队伍管理体制改革行动计划")    # 盘锦市
    part_a, part_b = a["text"][:120], b["text"][:120]
    result = engine.similar(text=part_a + part_b)
    found = {h["clause_id"]: h for h in result["hits"]}
    assert a["clause_id"] in found and b["clause_id"] in found
    pa = found[a["clause_id"]]["passages"]
    pb = found[b["clause_id"]]["passages"]
    assert all(p["input_end"] <= len(part_a) + 5 for p in pa)
    assert all(p["input_start"] >= len(part_a) - 5 for p in pb)


def test_unrelated_text_finds_nothing(engine):
    result = engine.similar(text="今天晴转多云，东南风三到四级，最高气温二十六度，夜间有小雨，"
                                 "请市民出行注意携带雨具，高速公路部分路段可能出现团雾。")
    assert result["hits"] == [] and result["message"] == "未找到措辞相近的条款"


def test_similar_clauses_leave_out_own_document(engine):
    source = clause_with(engine, "化解普通高中大班额大校额")
    result = engine.similar(clause_id=source["clause_id"])
    assert all(h["doc_id"] != source["doc_id"] for h in result["hits"])


@pytest.fixture
def client(sample_index):
    return create_app({"INDEX_DIR": str(sample_index)}).test_client()


def test_similar_api_and_page(client, engine):
    source = clause_with(engine, "化解普通高中大班额大校额")
    r = client.get("/api/similar", query_string={"text": source["text"][:150]})
    assert r.status_code == 200 and r.get_json()["hits"][0]["clause_id"] == source["clause_id"]
    assert client.get("/api/similar").status_code == 400
    assert client.get("/api/similar?clause_id=nope").status_code == 404
    page = client.get("/similar", query_string={"clause_id": source["clause_id"]})
    assert page.status_code == 200
    assert client.get("/similar?clause_id=nope").status_code == 404
