"""Indexing as the admin runs it: incremental updates, pruning, bad files, concurrency."""
import threading

from indexer.writer import build_index
from search_app.engine import SearchEngine
from search_app.params import parse_search_params

PLAN = """{city}学前教育三年行动计划

一、扩大普惠性资源。新建幼儿园{n}所，化解大班额。

二、加强教师队伍建设。落实县管校聘改革。
"""


def total(engine, q=""):
    """Clauses holding q as written: exact mode, so only the indexed text decides."""
    return engine.search(parse_search_params({"q": [q], "mode": ["exact"]}))["total"]


def write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_incremental_update_prune_and_rebuild(tmp_path):
    docs, index = tmp_path / "docs", tmp_path / "index"
    write(docs, "a.txt", PLAN.format(city="甲市", n=3))
    write(docs, "b.txt", PLAN.format(city="乙市", n=5))
    r = build_index([docs], index, log=lambda m: None)
    assert (r.read, r.unchanged, r.total_clauses) == (2, 0, 4)

    r = build_index([docs], index, log=lambda m: None)
    assert (r.read, r.unchanged, r.total_clauses) == (0, 2, 4)

    write(docs, "a.txt", PLAN.format(city="甲市", n=9))
    r = build_index([docs], index, log=lambda m: None)
    assert (r.read, r.unchanged, r.total_clauses) == (1, 1, 4)
    engine = SearchEngine(index)
    assert total(engine, "新建幼儿园9所") == 1 and total(engine, "新建幼儿园3所") == 0

    (docs / "b.txt").unlink()
    r = build_index([docs], index, log=lambda m: None)
    assert r.total_clauses == 4, "without --prune nothing is dropped"
    r = build_index([docs], index, prune=True, log=lambda m: None)
    assert (r.removed, r.total_clauses) == (1, 2)
    assert total(engine, "新建幼儿园5所") == 0

    r = build_index([docs], index, rebuild=True, log=lambda m: None)
    assert (r.read, r.total_clauses) == (1, 2)


def test_bad_files_are_reported_and_keep_what_was_indexed(tmp_path):
    docs, index = tmp_path / "docs", tmp_path / "index"
    write(docs, "a.txt", PLAN.format(city="甲市", n=3))
    build_index([docs], index, log=lambda m: None)
    (docs / "a.txt").write_bytes(b"\x00\x01\x02binary\xff" * 100)
    (docs / "empty.txt").write_bytes(b"")
    (docs / "table.xls").write_bytes(b"whatever")
    messages = []
    r = build_index([docs], index, log=messages.append)
    assert {s for s, _ in r.skipped} == {"a.txt", "empty.txt", "table.xls"}
    assert len(messages) == 3 and all(m.startswith("跳过 ") for m in messages)
    assert r.total_clauses == 2, "the old version of a.txt stays searchable"
    assert total(SearchEngine(index), "大班额") == 1
    assert "读取 0 个文件，跳过 3 个" in r.summary()


def test_sidecar_meta_overrides_facts(tmp_path):
    docs, index = tmp_path / "docs", tmp_path / "index"
    write(docs, "a.txt", PLAN.format(city="甲市", n=3))
    write(docs, "a.meta.json", '{"city": "宁安市", "year": 2016, "doc_number": "宁政发〔2016〕8号"}')
    build_index([docs], index, log=lambda m: None)
    hit = SearchEngine(index).search(parse_search_params({"q": ["大班额"]}))["hits"][0]
    assert (hit["city"], hit["year"], hit["doc_number"]) == ("宁安市", 2016, "宁政发〔2016〕8号")


def test_search_during_update_sees_old_or_new_index(tmp_path):
    docs, index = tmp_path / "docs", tmp_path / "index"
    for i in range(6):
        write(docs, f"d{i}.txt", PLAN.format(city=f"城{i}市", n=i))
    build_index([docs], index, log=lambda m: None)
    engine = SearchEngine(index)
    before = total(engine, "大班额")
    errors, seen = [], set()
    stop = threading.Event()

    def searcher():
        while not stop.is_set():
            try:
                seen.add(total(engine, "大班额"))
                seen.add(total(SearchEngine(index), "大班额"))
            except Exception as exc:  # any error is a failure of the guarantee
                errors.append(exc)
    t = threading.Thread(target=searcher)
    t.start()
    try:
        for round_ in range(3):
            for i in range(6, 9 + round_):
                write(docs, f"d{i}.txt", PLAN.format(city=f"城{i}市", n=i))
            build_index([docs], index, log=lambda m: None)
    finally:
        stop.set()
        t.join()
    assert not errors
    after = total(engine, "大班额")
    assert after == 11 and before == 6
    assert seen <= {6, 9, 10, 11}


def test_huge_single_line_file_is_indexed(tmp_path):
    docs, index = tmp_path / "docs", tmp_path / "index"
    write(docs, "long.txt", "一、总体要求。" + "加强学校建设，落实大班额化解，" * 20000)
    lines = []
    r = build_index([docs], index, log=lines.append)
    assert r.read == 1 and r.total_clauses == 16          # 300k characters, ≤ 20k a clause
    assert any("过长" in line and "已按句分为 16 段" in line for line in lines)
    assert total(SearchEngine(index), "落实大班额化解") >= 15


def test_old_snapshot_keeps_answering_after_it_is_replaced(tmp_path):
    """Only the newest snapshot is kept on disk; a reader holding the previous one (a
    server mid-request) keeps answering from its mapped files."""
    from indexer.writer import build_index
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("某市教育实施方案\n一、总体要求\n推进学前教育普及普惠。\n", encoding="utf-8")
    index = tmp_path / "ix"
    build_index([docs], index, log=lambda _m: None)
    engine = SearchEngine(index)
    old = engine.snapshot()
    rows, _ = old.rows_with("学前教育")
    (docs / "a.txt").write_text("某市教育实施方案\n一、总体要求\n推进学前教育和义务教育。\n", encoding="utf-8")
    build_index([docs], index, log=lambda _m: None)
    assert [p.name for p in index.glob("snap_*")] == [f"snap_{old.generation + 1}"]
    assert list(old.rows_with("学前教育")[0]) == list(rows)          # still mapped
    assert "学前教育" in old.record(int(rows[0]))["text"]
    assert engine.snapshot().generation == old.generation + 1


def test_unchanged_files_are_known_by_size_and_time_without_reading(tmp_path, monkeypatch):
    """As git's index does: a file whose size and modification time (and its sidecar's)
    are what the last run saw is not read again; a change of either, even to the same
    size, is read and re-indexed; a file modified just now is always read (a coarse clock
    could hide a second change within the same tick)."""
    import os
    import indexer.writer as writer
    docs, index = tmp_path / "docs", tmp_path / "ix"
    for i in range(3):
        write(docs, f"d{i}.txt", PLAN.format(city=f"城{i}市", n=i))
    write(docs, "d1.meta.json", '{"year": 2016}')
    old = 1_600_000_000
    for p in docs.iterdir():
        os.utime(p, (old, old))
    build_index([docs], index, log=lambda m: None)
    digests = []
    real = writer.file_digest
    monkeypatch.setattr(writer, "file_digest", lambda *a: digests.append(a[0].name) or real(*a))
    r = build_index([docs], index, log=lambda m: None)
    assert (r.read, r.unchanged, digests) == (0, 3, [])
    (docs / "d2.txt").write_text(PLAN.format(city="城2市", n=7), encoding="utf-8")   # same size
    os.utime(docs / "d2.txt", (old + 5, old + 5))
    (docs / "d1.meta.json").write_text('{"year": 2017}', encoding="utf-8")
    os.utime(docs / "d1.meta.json", (old + 5, old + 5))
    r = build_index([docs], index, log=lambda m: None)
    assert (r.read, r.unchanged) == (2, 1) and set(digests) == {"d1.txt", "d2.txt"}
    assert (total(SearchEngine(index), "新建幼儿园7所"), total(SearchEngine(index), "幼儿园2所")) == (1, 0)
    digests.clear()
    (docs / "d0.txt").write_text(PLAN.format(city="城0市", n=0), encoding="utf-8")  # now
    r = build_index([docs], index, log=lambda m: None)
    assert (r.read, r.unchanged, digests) == (0, 3, ["d0.txt"])


def test_a_file_without_clauses_is_not_parsed_again_until_it_changes(tmp_path, monkeypatch):
    """Every run still names the empty file, but only a run that sees new bytes (another
    size or time) parses it: an office's folder of cover letters costs nothing per update."""
    import os
    import indexer.writer as writer
    docs, index = tmp_path / "docs", tmp_path / "ix"
    write(docs, "plan.txt", PLAN.format(city="甲市", n=1))
    write(docs, "cover.txt", "关于转发文件的通知\n")
    old = 1_600_000_000
    for p in docs.iterdir():
        os.utime(p, (old, old))
    r = build_index([docs], index, log=lambda m: None)
    assert [s for s, _ in r.skipped] == ["cover.txt"]
    parsed = []
    real = writer.parse_for_index
    monkeypatch.setattr(writer, "parse_for_index", lambda p, s, *a: parsed.append(s) or real(p, s, *a))
    # parsed in this process, where the list is (not in an update's forked parse worker)
    monkeypatch.setattr(writer.ParseAhead, "start", classmethod(lambda cls, parse: None))
    said = []
    r = build_index([docs], index, log=said.append)
    assert parsed == [] and r.skipped == [("cover.txt", writer.NO_CLAUSES)]
    assert any("cover.txt" in m for m in said)
    (docs / "cover.txt").write_text("一、本条是新加的正文内容，已有条款可以检索。\n", encoding="utf-8")
    os.utime(docs / "cover.txt", (old + 5, old + 5))
    r = build_index([docs], index, log=lambda m: None)
    assert parsed == ["cover.txt"] and r.skipped == [] and r.read == 1
    assert total(SearchEngine(index), "新加的正文") == 1
