"""The one-file update on a generated corpus: adding, changing and removing one file
touches that file's clauses only, and searches running in threads during the updates
each see one whole generation (old or new), never an error or a mix of two."""
import threading

from indexer.writer import build_index
from search_app.engine import SearchEngine
from search_app.params import parse_search_params
from tests.test_scale_corpus import make_source
import scale_corpus  # noqa: E402 — scripts/ is on the path after test_scale_corpus

MARKED = """# 规模测试标记办法

2021年5月1日 市人民政府发布

<!-- INFO END -->
第一条 标记{v}：本办法规定学校安全标记。

第二条 标记{v}：标记由教育行政部门发放。

第三条 本办法自发布之日起施行。
"""


def quiet(**kw):
    return dict(log=lambda _m: None, **kw)


def exact(engine, q, size=50):
    return engine.search(parse_search_params({"q": [q], "mode": ["exact"], "size": [str(size)]}))


def view(engine, q="标记"):
    """What one search shows: the count and the hits' texts (a mix of two generations
    would pair one generation's count with another's hits)."""
    res = exact(engine, q)
    return res["total"], tuple(sorted(h["text"] for h in res["hits"]))


def clause_ids(engine, source):
    snap = engine.snapshot()
    return {snap.record(i)["clause_id"] for i in range(snap.n)
            if snap.record(i)["source"] == source}


def corpus(tmp_path):
    docs = tmp_path / "docs"
    scale_corpus.make_corpus(make_source(tmp_path / "src"), docs, 3, seed=5)
    (docs / "marked.md").write_text(MARKED.format(v="甲"), encoding="utf-8")
    return docs


def test_add_change_remove_one_file_touch_only_that_file(tmp_path):
    docs, index = corpus(tmp_path), tmp_path / "index"
    r = build_index([docs], index, **quiet())
    engine = SearchEngine(index)
    start_gen, total = engine.snapshot().generation, r.total_clauses
    others = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")} - {"marked.md"}
    before = {s: clause_ids(engine, s) for s in others}

    (docs / "added.md").write_text(MARKED.format(v="乙").replace("标记办法", "新增办法"),
                                   encoding="utf-8")
    r = build_index([docs], index, **quiet(prune=True))
    assert (r.read, r.unchanged, r.removed) == (1, len(others) + 1, 0)
    assert r.total_clauses == total + 3
    assert exact(engine, "标记乙")["total"] == 2

    (docs / "marked.md").write_text(MARKED.format(v="丙"), encoding="utf-8")
    r = build_index([docs], index, **quiet(prune=True))
    assert (r.read, r.removed, r.total_clauses) == (1, 0, total + 3)
    assert exact(engine, "标记甲")["total"] == 0 and exact(engine, "标记丙")["total"] == 2

    gone = clause_ids(engine, "added.md")
    (docs / "added.md").unlink()
    r = build_index([docs], index, **quiet(prune=True))
    assert (r.read, r.removed, r.total_clauses) == (0, 1, total)
    assert exact(engine, "标记乙")["total"] == 0
    assert all(engine.clause(cid) is None for cid in gone)

    assert engine.snapshot().generation == start_gen + 3, "one new generation per update"
    assert {s: clause_ids(engine, s) for s in others} == before, "other files untouched"

    r = build_index([docs], index, **quiet(prune=True))
    assert (r.read, r.removed, r.unchanged) == (0, 0, len(others) + 1)
    assert engine.snapshot().generation == start_gen + 3, "nothing changed, no generation"


def test_searches_during_updates_see_one_generation_each(tmp_path):
    docs, index = corpus(tmp_path), tmp_path / "index"
    build_index([docs], index, **quiet())
    shared = SearchEngine(index)
    valid = {view(shared)}
    seen, errors = set(), []
    stop = threading.Event()

    def searcher(fresh: bool):
        while not stop.is_set():
            try:
                seen.add(view(SearchEngine(index) if fresh else shared))
            except Exception as exc:     # any error breaks the guarantee
                errors.append(exc)

    threads = [threading.Thread(target=searcher, args=(fresh,)) for fresh in (False, False, True)]
    for t in threads:
        t.start()
    try:
        steps = [lambda: (docs / "added.md").write_text(
                     MARKED.format(v="乙").replace("标记办法", "新增办法"), encoding="utf-8"),
                 lambda: (docs / "marked.md").write_text(MARKED.format(v="丙"), encoding="utf-8"),
                 lambda: (docs / "added.md").unlink()]
        for step in steps:
            step()
            build_index([docs], index, **quiet(prune=True))
            valid.add(view(SearchEngine(index)))
        last, waited = view(SearchEngine(index)), 0
        while last not in seen and waited < 100:      # let the searchers meet the last one
            stop.wait(0.05)
            waited += 1
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[:3]
    assert len(valid) == 4, "each update made a generation of its own"
    assert seen <= valid, seen - valid
    assert len(seen) >= 2, "the searchers ran across at least one swap"
