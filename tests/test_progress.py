"""Index progress: a bar with the clause rate on a terminal, silence in CI and in pipes."""
import io
import os
import subprocess
import sys
from pathlib import Path

from indexer.progress import IndexProgress, wants_progress
from tests.test_writer import PLAN

ROOT = Path(__file__).resolve().parent.parent


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_bar_only_on_a_terminal_outside_ci_unless_asked_for():
    assert wants_progress(Terminal(), env={})
    assert not wants_progress(io.StringIO(), env={}), "a pipe or a log file"
    assert not wants_progress(Terminal(), env={"CI": "true"})
    assert not wants_progress(Terminal(), env={"CI": "1"})
    assert wants_progress(Terminal(), env={"CI": "false"})
    assert wants_progress(io.StringIO(), env={"CI": "true"}, forced=True), "--progress"
    closed = io.StringIO()
    closed.close()
    assert not wants_progress(closed, env={})


def test_bar_shows_files_and_clause_rate():
    out = Terminal()
    bar = IndexProgress(4, stream=out, every=0)
    for clauses in (10, 20, 30):
        bar.step(clauses)
    bar.close()
    shown = out.getvalue()
    assert "3/4" in shown and "60 条" in shown and "条/秒" in shown


def test_piped_index_run_prints_only_its_summary(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"p{i}.txt").write_text(PLAN.format(city=f"城{i}市", n=i), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    res = subprocess.run([sys.executable, "-m", "search_app.cli", "index", str(docs),
                          "--index", str(tmp_path / "index")], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip().splitlines() == [res.stderr.strip()], res.stderr
    assert res.stderr.startswith("读取 3 个文件") and "\r" not in res.stderr
