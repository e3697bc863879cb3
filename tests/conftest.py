"""Shared fixtures: real indexes built from real files, driven through the real code."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """An index of the bundled sample corpus (data/corpus/), built once per test run."""
    from indexer.writer import build_index
    index_dir = tmp_path_factory.mktemp("sample_index")
    report = build_index([CORPUS], index_dir, log=lambda _m: None)
    assert report.read == len(list(CORPUS.glob("*.txt"))), report.skipped
    return index_dir


@pytest.fixture(scope="session")
def engine(sample_index):
    from search_app.engine import SearchEngine
    return SearchEngine(sample_index)


def _build_test_index(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (name → text or bytes) into tmp_path/docs and index them."""
    from indexer.writer import build_index
    docs = tmp_path / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        p = docs / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index([docs], index_dir, log=lambda _m: None)
    return index_dir


@pytest.fixture
def build_test_index():
    return _build_test_index


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test (skipped with a reason when absent)."""
    from tests.browser_support import launch
    with launch() as b:
        yield b
