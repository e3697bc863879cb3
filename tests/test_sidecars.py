"""Sidecar facts and incremental runs: a bad field is warned about and ignored, nothing
else is touched, and unchanged files stay unread run after run."""
import json
import os

import pytest

from indexer.writer import build_index
from search_app.engine import SearchEngine
from search_app.params import parse_search_params
from tests.test_writer import PLAN, total, write

BAD_FIELDS = [{"year": 99999}, {"year": 65535}, {"year": "abc"}, {"year": "二〇一九"},
              {"year": True}, {"title": ["x"]}, {"city": 42}, {"date": "昨天"},
              {"date": 20190530}, {"colour": "red"}]


def docs_with_sidecar(tmp_path, meta):
    docs = tmp_path / "docs"
    for i in range(5):
        write(docs, f"p{i}.txt", PLAN.format(city=f"{'甲乙丙丁戊'[i]}市", n=i + 1))
    (docs / "p0.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return docs


@pytest.mark.parametrize("meta", BAD_FIELDS, ids=[json.dumps(m, ensure_ascii=False)
                                                  for m in BAD_FIELDS])
def test_bad_sidecar_field_is_warned_and_ignored(tmp_path, meta):
    docs, index = docs_with_sidecar(tmp_path, {**meta, "issuer": "甲市教育局"}), tmp_path / "ix"
    lines = []
    r = build_index([docs], index, log=lines.append)
    assert (r.read, r.skipped, r.total_clauses) == (5, [], 10)     # nothing lost
    assert any(line.startswith("提示 p0.txt：元数据") for line in lines), lines
    doc = SearchEngine(index).search(parse_search_params(
        {"q": ["新建幼儿园1所"], "mode": ["exact"]}))["hits"][0]
    assert doc["issuer"] == "甲市教育局"                   # the good field still applies
    assert doc["year"] is None or 1900 <= doc["year"] <= 2100
    assert build_index([docs], index, log=lambda m: None).total_clauses == 10


def test_editing_only_the_sidecar_is_a_change(tmp_path):
    docs, index = docs_with_sidecar(tmp_path, {"issuer": "甲市教育局"}), tmp_path / "ix"
    build_index([docs], index, log=lambda m: None)
    (docs / "p0.meta.json").write_text('{"issuer": "甲市人民政府"}', encoding="utf-8")
    r = build_index([docs], index, log=lambda m: None)
    assert (r.read, r.unchanged) == (1, 4)
    assert total(SearchEngine(index), "") == 10


def test_carried_forward_files_keep_their_hash(tmp_path):
    docs, index = docs_with_sidecar(tmp_path, {}), tmp_path / "ix"
    build_index([docs], index, log=lambda m: None)
    for n in (7, 8, 9):                       # change one file, then nothing, three times
        write(docs, "p3.txt", PLAN.format(city="丁市", n=n))
        assert build_index([docs], index, log=lambda m: None).read == 1
        again = build_index([docs], index, log=lambda m: None)
        assert (again.read, again.unchanged) == (0, 5)


def test_killed_runs_leave_no_spool_and_snapshots_are_world_readable(tmp_path):
    docs, index = docs_with_sidecar(tmp_path, {}), tmp_path / "ix"
    build_index([docs], index, log=lambda m: None)
    stale = index / ".spool-999999999.jsonl"          # a pid that cannot be running
    stale.write_bytes(b"{}\n" * 1000)
    write(docs, "p1.txt", PLAN.format(city="乙市", n=42))
    build_index([docs], index, log=lambda m: None)
    assert not stale.exists()
    for snap in index.glob("snap_*"):
        assert os.stat(snap).st_mode & 0o005 == 0o005, oct(os.stat(snap).st_mode)


def test_index_exit_status_says_whether_files_were_skipped(tmp_path, capsys):
    from search_app.cli import main
    docs = docs_with_sidecar(tmp_path, {"year": 99999})
    assert main(["index", str(docs), "--index", str(tmp_path / "ix")]) == 0
    (docs / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["index", str(docs), "--index", str(tmp_path / "ix")]) == 1
    err = capsys.readouterr().err
    assert "跳过 broken.docx：" in err and "索引共 10 条" in err
