"""The admin's command line, run as a user runs it."""
import json
import subprocess
import sys
from pathlib import Path

from search_app.cli import JSONL_FIELDS, main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "corpus" / "002_b243c2944faa9261.txt"


def test_parse_jsonl_has_every_field_unescaped(capsys):
    assert main(["parse", str(SAMPLE), "--jsonl"]) == 0
    out = capsys.readouterr().out
    assert "\\u" not in out and "盘锦市" in out
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and all(set(JSONL_FIELDS) <= set(r) for r in rows)
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert len({r["clause_id"] for r in rows}) == len(rows)
    assert rows[0]["kind"] == "cover"
    assert all(r["doc_number"] == "盘政办发〔2019〕24号" for r in rows)


def test_parse_reports_bad_files_and_goes_on(tmp_path, capsys):
    (tmp_path / "good.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "empty.md").write_bytes(b"")
    assert main(["parse", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "盘锦市推进教育高质量发展行动计划" in captured.out
    err = captured.err.splitlines()
    assert any(line.startswith("跳过 bad.docx：") for line in err)
    assert any(line.startswith("跳过 empty.md：") for line in err)
    assert err[-1] == "读取 1 个文件，跳过 2 个"


def test_index_and_search_commands(tmp_path, capsys):
    index = tmp_path / "index"
    assert main(["index", str(SAMPLE.parent), "--index", str(index)]) == 0
    assert "读取 5 个文件" in capsys.readouterr().err
    assert main(["search", "县管校聘", "--index", str(index), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["total"] >= 2 and "盘锦市" in {h["city"] for h in result["hits"]}
    assert main(["search", "大班额", "--index", str(index), "--page", "99"]) == 2
    assert "页码超出范围" in capsys.readouterr().err


def test_console_script_entry_point_runs():
    out = subprocess.run([sys.executable, "-m", "search_app.cli", "--help"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and "parse" in out.stdout and "serve" in out.stdout


def test_similar_command(tmp_path, capsys):
    index = tmp_path / "index"
    assert main(["index", str(SAMPLE.parent), "--index", str(index)]) == 0
    capsys.readouterr()
    text = "实施化解普通高中大班额专项行动，加大消除大班额专项规划实施力度，确保到2024年全面消除55人以上大班额。"
    assert main(["similar", text, "--index", str(index), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["hits"] and result["hits"][0]["city"] == "广元市"
    (tmp_path / "draft.txt").write_text("今天天气晴朗，适合出游踏青。", encoding="utf-8")
    assert main(["similar", "--file", str(tmp_path / "draft.txt"), "--index", str(index)]) == 0
    assert "未找到措辞相近的条款" in capsys.readouterr().out
