"""kill -9 during builds: the old index keeps serving, the next run cleans up after the
killed one (spools, half-written snapshots, sub-writers), and the folder ends up the size
of a clean build. A few iterations here; scripts can loop longer."""
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_writer import PLAN

ROOT = Path(__file__).resolve().parent.parent
FILES = 240                      # ≥ 200: the bulk path with Whoosh's sub-writer processes


def corpus(folder: Path, n: int = FILES) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        body = PLAN.format(city=f"第{i}市", n=i) + "\n".join(
            f"{k}. 落实第{i}号文件第{k}项措施，加强学校建设，保障经费投入。" for k in range(1, 30))
        (folder / f"plan{i:03d}.txt").write_text(body, encoding="utf-8")


def index_cmd(docs: Path, index: Path, *extra) -> list[str]:
    return [sys.executable, "-m", "search_app.cli", "index", str(docs), "--index", str(index),
            *extra]


def children(pid: int) -> set[int]:
    out, stack = set(), [pid]
    while stack:
        p = stack.pop()
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as fh:
                    kids = {int(c) for c in fh.read().split()}
                out |= kids
                stack.extend(kids)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def clauses_in(index: Path) -> int:
    from search_app.engine import SearchEngine
    from search_app.params import parse_search_params
    return SearchEngine(index).search(parse_search_params({"size": ["1"]}))["total"]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_kill_9_during_builds_loses_nothing_and_leaves_nothing(tmp_path):
    docs, index, clean = tmp_path / "docs", tmp_path / "ix", tmp_path / "clean"
    corpus(docs)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(index_cmd(docs, clean), cwd=ROOT, env=env, check=True, capture_output=True)
    expected = clauses_in(clean)
    subprocess.run(index_cmd(docs, index), cwd=ROOT, env=env, check=True, capture_output=True)
    rng = random.Random(9)
    for _ in range(4):
        proc = subprocess.Popen(index_cmd(docs, index, "--rebuild"), cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + rng.uniform(0.8, 2.5)
        kids: set[int] = set()
        while time.time() < deadline and proc.poll() is None:
            kids |= children(proc.pid)
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        time.sleep(0.5)
        assert not [k for k in kids if alive(k)], "sub-processes outlived the killed indexer"
        assert clauses_in(index) == expected, "the old index must keep serving"
    final = subprocess.run(index_cmd(docs, index), cwd=ROOT, env=env, capture_output=True,
                           text=True)
    assert final.returncode == 0, final.stderr
    assert clauses_in(index) == expected
    assert not list(index.glob(".spool-*")) and not list(index.glob(".snap-tmp-*"))
    assert folder_mb(index) <= 1.1 * folder_mb(clean) + 0.5, (folder_mb(index), folder_mb(clean))
