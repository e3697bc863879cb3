"""The build's storage layout: Whoosh keeps one small document a file, the snapshot is
where clause records live (compressed, document facts once per document), and a run
stopped between the Whoosh commit and its snapshot loses nothing."""
import pytest
from whoosh import index as whoosh_index

from indexer.snapshot import IndexMissing, Snapshot, snapshot_dir, snapshot_generations
from indexer.writer import INDEX_NAME, build_index, parse_file
from search_app.engine import SearchEngine
from tests.test_writer import PLAN, total, write

QUIET = {"log": lambda m: None}


def corpus(folder, n=4):
    for i in range(n):
        write(folder, f"d{i}.txt", PLAN.format(city=f"城{i}市", n=i))
    write(folder, "d0.meta.json", '{"city": "宁安市", "year": 2016, "doc_number": "宁政发〔2016〕8号"}')


def newest(index):
    return Snapshot.load(snapshot_dir(index, snapshot_generations(index)[-1]))


def test_records_come_back_as_parsed(tmp_path):
    docs, index = tmp_path / "docs", tmp_path / "ix"
    corpus(docs)
    build_index([docs], index, **QUIET)
    snap = newest(index)
    seen = 0
    for path in sorted(docs.glob("*.txt")):
        _, _, records, _, _ = parse_file(path, path.name)
        for rec in records:
            rec.pop("content_hash")
            row = snap.row_of(rec["clause_id"])
            got = snap.record(row)
            assert snap.clause_id(row) == rec["clause_id"]
            assert got == rec and list(got) == list(rec), "same values, same key order"
            seen += 1
    assert seen == snap.n == 8
    assert not (snapshot_dir(index, snap.generation) / "records.jsonl").exists()
    got = snap.record(0)
    got["title"] = "changed"
    assert snap.record(0)["title"] != "changed", "each call returns its own dict"


def test_whoosh_keeps_one_small_document_per_file(tmp_path):
    docs, index = tmp_path / "docs", tmp_path / "ix"
    corpus(docs)
    build_index([docs], index, **QUIET)
    ix = whoosh_index.open_dir(index, INDEX_NAME)
    with ix.reader() as r:
        stored = list(r.all_stored_fields())
    assert sorted(f["source"] for f in stored) == [f"d{i}.txt" for i in range(4)]
    assert all(set(f) == {"source", "doc_id", "content_hash", "clauses"} for f in stored)
    assert all(f["clauses"] == 2 for f in stored)


def _stop_before_snapshot(monkeypatch):
    def boom(*a, **k):
        raise KeyboardInterrupt("killed between commit and snapshot")
    monkeypatch.setattr("indexer.writer.write_snapshot", boom)     # an update's
    monkeypatch.setattr("indexer.snapshot.PendingSnapshot.finish", boom)   # a build's


def test_run_stopped_after_commit_keeps_old_snapshot_and_next_run_catches_up(tmp_path, monkeypatch):
    docs, index, clean = tmp_path / "docs", tmp_path / "ix", tmp_path / "clean"
    corpus(docs)
    build_index([docs], index, **QUIET)
    engine = SearchEngine(index)
    old_gen = engine.snapshot().generation
    assert total(engine, "新建幼儿园1所") == 1

    write(docs, "d1.txt", PLAN.format(city="城1市", n=77))        # changed
    write(docs, "d9.txt", PLAN.format(city="城9市", n=9))         # new
    (docs / "d2.txt").unlink()                                     # pruned
    with monkeypatch.context() as m:
        _stop_before_snapshot(m)
        with pytest.raises(KeyboardInterrupt):
            build_index([docs], index, prune=True, **QUIET)
    ix = whoosh_index.open_dir(index, INDEX_NAME)
    assert ix.latest_generation() > old_gen, "Whoosh committed"
    assert snapshot_generations(index) == [old_gen], "no new snapshot"
    assert engine.snapshot().generation == old_gen
    assert total(engine, "新建幼儿园1所") == 1 and total(engine, "新建幼儿园77所") == 0
    assert not list(index.glob(".spool-*"))

    r = build_index([docs], index, **QUIET)          # no --prune: Whoosh already dropped d2
    assert (r.read, r.unchanged) == (2, 2), "the files the old snapshot lacks are read again"
    build_index([docs], clean, **QUIET)
    assert newest(index).meta["sources"] == newest(clean).meta["sources"]
    assert sorted(_ids(newest(index))) == sorted(_ids(newest(clean)))
    assert total(engine, "新建幼儿园77所") == 1 and total(engine, "新建幼儿园1所") == 0
    assert total(engine, "新建幼儿园2所") == 0 and total(engine, "新建幼儿园9所") == 1


def test_stopped_rebuild_then_unchanged_run_writes_the_snapshot(tmp_path, monkeypatch):
    docs, index = tmp_path / "docs", tmp_path / "ix"
    corpus(docs)
    build_index([docs], index, **QUIET)
    with monkeypatch.context() as m:
        _stop_before_snapshot(m)
        with pytest.raises(KeyboardInterrupt):
            build_index([docs], index, rebuild=True, **QUIET)
    r = build_index([docs], index, **QUIET)
    assert (r.read, r.unchanged, r.total_clauses) == (0, 4, 8)
    latest = whoosh_index.open_dir(index, INDEX_NAME).latest_generation()
    assert snapshot_generations(index) == [latest]


def test_first_run_stopped_after_commit(tmp_path, monkeypatch):
    """No snapshot at all while Whoosh holds files: the server says the index is not
    there yet (Whoosh keeps no records to build one from), and the next run reads all."""
    docs, index = tmp_path / "docs", tmp_path / "ix"
    corpus(docs)
    with monkeypatch.context() as m:
        _stop_before_snapshot(m)
        with pytest.raises(KeyboardInterrupt):
            build_index([docs], index, **QUIET)
    with pytest.raises(IndexMissing):
        SearchEngine(index).snapshot()
    r = build_index([docs], index, **QUIET)
    assert (r.read, r.unchanged, r.total_clauses) == (4, 0, 8)
    assert total(SearchEngine(index), "大班额") == 4


def test_empty_index_gets_an_empty_snapshot(tmp_path):
    from indexer.writer import open_index
    index = tmp_path / "ix"
    open_index(index, create=True)
    assert SearchEngine(index).snapshot().n == 0


def _ids(snap) -> list[str]:
    return [snap.clause_id(i) for i in range(snap.n)]


def _rows_by_id(snap):
    return {cid: (snap.record(i), snap.row_text(i), int(snap.arrays["lengths"][i]))
            for i, cid in enumerate(_ids(snap))}


@pytest.mark.parametrize("train_rows", [8000, 300])
def test_update_carries_rows_exactly(tmp_path, monkeypatch, train_rows):
    """Carried rows reuse the previous snapshot's normalised text and (with a dictionary
    trained on a full sample: train_rows=300 here) its compressed frames; what comes out
    equals a clean build of the same files."""
    from tests.test_kill import corpus as big_corpus
    monkeypatch.setattr("indexer.snapshot_rows.TRAIN_ROWS", train_rows)
    docs, index, clean = tmp_path / "docs", tmp_path / "ix", tmp_path / "clean"
    big_corpus(docs, 40)
    write(docs, "plan007.meta.json", '{"city": "宁安市", "year": 2016}')
    build_index([docs], index, **QUIET)
    first = newest(index)
    first_dict = (snapshot_dir(index, first.generation) / "records.dict").read_bytes()
    write(docs, "plan003.txt", PLAN.format(city="城3市", n=333) + "\n三、全角ＡＢＣ１２３和𠀀字。\n")
    (docs / "plan005.txt").unlink()
    r = build_index([docs], index, prune=True, **QUIET)
    assert (r.read, r.removed) == (1, 1)
    build_index([docs], clean, **QUIET)
    got, want = newest(index), newest(clean)
    assert _rows_by_id(got) == _rows_by_id(want)
    assert got.meta["sources"] == want.meta["sources"]
    assert sorted(map(str, got.meta["docs"])) == sorted(map(str, want.meta["docs"]))
    reused = (snapshot_dir(index, got.generation) / "records.dict").read_bytes() == first_dict
    assert reused == (first.n >= train_rows) and first_dict != b""
    assert total(SearchEngine(index), "新建幼儿园333所") == 1
    assert total(SearchEngine(index), "ABC123和𠀀字") == 1


def _sorted_by_row_text(text: bytes, sa) -> bool:
    """Every suffix ≤ the next, compared up to and including its row's separator: the
    order a binary search for a query (which never holds U+0000) needs."""
    keys = []
    for p in (int(p) for p in sa):
        e = text.find(b"\x00\x00", p)
        while e % 2:
            e = text.find(b"\x00\x00", e + 1)
        keys.append(text[p:e + 2])
    return all(a <= b for a, b in zip(keys, keys[1:]))


def _answers_as(got, want, extra=()):
    """Every substring query answers on `got` as on `want` (rows and counts a row), the
    suffix arrays' answer and the query side's (hot lists first, indexer.hot) alike."""
    from search_app.evaluate import rows_with
    ids_got, ids_want = _ids(got), _ids(want)
    texts = [want.row_text(i) for i in range(want.n)]
    needles = {t[k:k + n] for t in texts for k in range(0, len(t), 7) for n in (1, 2, 4, 9)}
    hot = set(got.hot.keys) if got.hot is not None else set()
    for q in sorted(needles | set(extra) | hot):
        if not q.strip():
            continue
        b_rows, b_n = want.rows_with(q)
        for a_rows, a_n in (got.rows_with(q), rows_with(got, q)):
            assert dict(zip((ids_got[r] for r in a_rows), a_n.tolist())) == \
                dict(zip((ids_want[r] for r in b_rows), b_n.tolist())), q
        assert len(got.occurrences(q)) == want.count(q) <= got.count(q), q
    assert [got.row_text(got.row_of(c)) for c in ids_want] == texts
    assert [got.record(got.row_of(c)) for c in ids_want] == \
        [want.record(i) for i in range(want.n)]


def test_updates_add_segments_and_compact(tmp_path, monkeypatch):
    """An update links the previous snapshot's text, suffix arrays and records and adds
    one segment holding the new rows (its suffix array sorted on its own); dropped rows'
    bytes stay behind, found by no query; past MAX_SEGMENTS the next update compacts
    into one segment. After every step every query answers as from a clean build."""
    import os
    import indexer.segments as segments
    from search_app.evaluate import hot_dropped
    from tests.test_kill import corpus as big_corpus
    monkeypatch.setattr("indexer.snapshot_rows.TRAIN_ROWS", 100)
    monkeypatch.setattr("indexer.carry.MAX_SEGMENTS", 3)
    monkeypatch.setattr("indexer.carry.MAX_DEAD_SHARE", 0.5)     # a small corpus
    monkeypatch.setattr("indexer.hot.HOT_OCCURRENCES", 20)      # … with hot words
    docs, index = tmp_path / "docs", tmp_path / "ix"
    big_corpus(docs, 12)
    build_index([docs], index, **QUIET)
    first = snapshot_dir(index, newest(index).generation)
    assert len(newest(index).hot.keys) >= 5
    inode = os.stat(first / "text.bin").st_ino
    edits = [lambda: write(docs, "plan004.txt", PLAN.format(city="城4市", n=444)
                           + "\n三、加强学校建设，新增ＡＢ和𠀀。\n"),
             lambda: write(docs, "plan099.txt", PLAN.format(city="城99市", n=99)),
             lambda: (docs / "plan008.txt").unlink(),
             lambda: write(docs, "plan001.txt", PLAN.format(city="城1市", n=111))]
    seen, dropped = [], []
    for k, edit in enumerate(edits):
        edit()
        build_index([docs], index, prune=True, **QUIET)
        clean = tmp_path / f"clean{k}"
        build_index([docs], clean, **QUIET)
        got, want = newest(index), newest(clean)
        segs = segments.segments_of(got.meta)
        seen.append((len(segs), len(got.dead)))
        dropped.append(len(hot_dropped(got)))
        for text, sa, _base in got.parts:
            assert sorted(int(p) for p in sa) == list(range(0, len(text), 2))
            assert _sorted_by_row_text(bytes(text), sa)
        _answers_as(got, want, {"学校建设", "444所", "ＡＢ", "AB", "𠀀", "城99市", "第8市"})
        assert got.meta["sources"] == want.meta["sources"]
    # a change (a segment; the old rows dead), an addition (a segment), a removal with
    # MAX_SEGMENTS reached (the two small segments merged into one; the first segment,
    # never rewritten, keeps its dead rows), a change again
    assert seen == [(2, 1), (3, 1), (2, 2), (3, 3)]
    assert dropped[0] > 0 and dropped[2] > dropped[1]    # hot lists read past dropped rows
    assert not os.path.exists(first)
    assert os.stat(snapshot_dir(index, newest(index).generation) / "text.bin").st_ino == inode
    # past MAX_DEAD_SHARE dropped bytes, everything is compacted into one segment
    monkeypatch.setattr("indexer.carry.MAX_DEAD_SHARE", 0.01)
    (docs / "plan002.txt").unlink()
    build_index([docs], index, prune=True, **QUIET)
    build_index([docs], tmp_path / "clean-last", **QUIET)
    got = newest(index)
    assert (len(segments.segments_of(got.meta)), len(got.dead)) == (1, 0)
    _answers_as(got, newest(tmp_path / "clean-last"))


def test_an_update_links_the_old_segments(tmp_path, monkeypatch):
    import os
    monkeypatch.setattr("indexer.snapshot_rows.TRAIN_ROWS", 100)
    from tests.test_kill import corpus as big_corpus
    docs, index = tmp_path / "docs", tmp_path / "ix"
    big_corpus(docs, 12)
    build_index([docs], index, **QUIET)
    before = {f: os.stat(snapshot_dir(index, newest(index).generation) / f).st_ino
              for f in ("text.bin", "sa.npy", "records.zst")}
    (docs / "plan003.txt").unlink()
    build_index([docs], index, prune=True, **QUIET)
    snap_dir = snapshot_dir(index, newest(index).generation)
    assert {f: os.stat(snap_dir / f).st_ino for f in before} == before
    assert total(SearchEngine(index), "第3号文件") == 0 and total(SearchEngine(index), "第4号文件") == 29


def test_clause_ids_are_made_from_each_rows_document_and_seq(tmp_path):
    """No id is stored: a row's id comes from its document and seq, and an id finds its
    row again; ids of no clause find none."""
    import numpy as np
    from tests.conftest import _build_test_index
    index = _build_test_index(tmp_path, {"a.txt": PLAN.format(city="甲市", n=3),
                                         "b.txt": PLAN.format(city="乙市", n=5)})
    snap = newest(index)
    ids = _ids(snap)
    assert len(set(ids)) == snap.n >= 4 and all(snap.row_of(c) == i for i, c in enumerate(ids))
    assert [snap.record(i)["clause_id"] for i in range(snap.n)] == ids
    doc = snap.meta["docs"][0]["doc_id"]
    for bad in ("", "-0001", doc, doc + "-", doc + "-9999", doc + "-x1", "nodoc-0001", doc + "-٣"):
        assert snap.row_of(bad) is None, bad

    class Unsorted:               # rows not grouped by document still find their document's
        arrays = {"row_doc": np.array([1, 0, 1, 0])}
        meta = {"docs": [{}, {}]}
    order, offsets = Snapshot.doc_rows.func(Unsorted())
    assert [order[offsets[j]:offsets[j + 1]].tolist() for j in (0, 1)] == [[1, 3], [0, 2]]


def test_kept_versions_are_annotated_again_over_the_new_set_of_documents(tmp_path):
    """A kept document carries its facts as its records state them, not the status its
    versions gave it: dropping the newer version leaves the older one as a clean build
    of the remaining files has it (no longer 已被修改)."""
    import json
    from indexer.versions import AMENDED
    docs = tmp_path / "docs"
    for year, note in (("2015", ""), ("2021", "（2021年修订）")):
        write(docs, f"v{year}.txt", f"某市学前教育管理条例{note}\n\n第一条 为了发展学前教育，制定本条例。\n")
        write(docs, f"v{year}.meta.json", json.dumps({"date": f"{year}-06-01"}))
    index = tmp_path / "ix"
    build_index([docs], index, **QUIET)
    status = {d["source"]: d.get("status") for d in newest(index).meta["docs"]}
    assert status["v2015.txt"] == AMENDED
    (docs / "v2021.txt").unlink()
    (docs / "v2021.meta.json").unlink()
    build_index([docs], index, prune=True, **QUIET)
    build_index([docs], tmp_path / "clean", **QUIET)
    assert newest(index).meta["docs"] == newest(tmp_path / "clean").meta["docs"]
    assert newest(index).meta["docs"][0].get("status") != AMENDED
