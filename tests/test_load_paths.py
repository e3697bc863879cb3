"""The faster paths behind the load figures give exactly what the plain ones give."""
import random

import numpy as np

from analyzers import align
from analyzers.normalize import normalize
from search_app import keyword
from search_app.evaluate import QueryContext, occurrence_rows, rows_with
from search_app.similar import candidate_docnums
from search_app.similar_search import _bigram_lookups


def _sample_texts(snap, k, seed=3):
    rng = random.Random(seed)
    return [snap.row_text(rng.randrange(snap.n)) for _ in range(k)]


def test_occurrence_rows_equal_binary_search(engine):
    snap = engine.snapshot()
    starts = snap.arrays["starts"]
    occ = np.arange(0, int(starts[-1]), 7, dtype=np.int64)
    assert np.array_equal(occurrence_rows(snap, occ),
                          np.searchsorted(starts, occ, side="right") - 1)


def test_rows_with_equals_snapshot(engine):
    snap = engine.snapshot()
    needles = ["的", "教育", "学校", "义务教育", "不存在的词语啊", "2020", "一"]
    needles += [t[:2] for t in _sample_texts(snap, 40)] + [t[3:7] for t in _sample_texts(snap, 40)]
    for needle in needles:
        a, b = snap.rows_with(needle), rows_with(snap, needle)
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]), needle


def test_bigram_lookups_give_the_same_candidates(engine):
    snap = engine.snapshot()
    for text in _sample_texts(snap, 20, seed=5):
        postings, frequency = _bigram_lookups(snap)
        plain = candidate_docnums(text, lambda bg: snap.rows_with(bg)[0], snap.n, limit=50,
                                  frequency=snap.count)
        fast = candidate_docnums(text, postings, snap.n, limit=50, frequency=frequency)
        assert np.array_equal(plain, fast)


def _windows_one_by_one(prof, clauses, min_len, min_cover):
    out = []
    for k, clause in enumerate(clauses):
        si, sj = align._seeds(prof, clause)
        if not len(si) or align._covered(si) < max(min_cover, 1):
            continue
        out += [(k, *w) for w in align._windows(prof, si, sj, len(clause), min_len)]
    return out


def test_batched_windows_equal_per_clause_windows(engine):
    snap = engine.snapshot()
    texts = _sample_texts(snap, 60, seed=7)
    for text in texts[:12]:
        prof = align.InputProfile(text)
        clauses = align._Text.many(texts)
        for min_len, cover in ((10, 0), (4, 0), (10, 12)):
            assert align._all_windows(prof, clauses, min_len, cover) == \
                _windows_one_by_one(prof, clauses, min_len, cover)


def test_texts_in_one_pass_equal_one_by_one():
    texts = ["第一条　为了规范２０２０年的工作，制定本办法。", "", "，，。", "𠀀字与ＡＢＣ abc 一二三",
             "各级人民政府应当保障义务教育经费。"]
    for one, many in zip((align._Text(t) for t in texts), align._Text.many(texts)):
        for slot in align._Text.__slots__:
            assert np.array_equal(getattr(one, slot), getattr(many, slot)), slot


def test_align_many_equals_one_clause_at_a_time(engine):
    snap = engine.snapshot()
    texts = _sample_texts(snap, 40, seed=9)
    for text in texts[:8]:
        prof = align.InputProfile(text)
        batch = align.align_many(prof, texts, 10, 6)
        single = [align.align_profile(prof, t, 10, 6) for t in texts]
        assert batch == single


def test_context_hits_by_value_rows_equal_gather(engine):
    snap = engine.snapshot()
    for word in ["教育", "人民政府", "通知", "学校", "办法", "不存在的词语啊"]:
        expected = np.zeros(snap.n)
        for name, field in snap.context.items():
            values = field.value_hits(normalize(word))
            if len(values):
                hit = np.zeros(len(field.starts))
                hit[values] = keyword.FIELD_WEIGHTS[name]
                expected += hit[field.owner]
        rows, weights = keyword.context_hits(QueryContext(snap), word)
        got = np.zeros(snap.n)
        got[rows] = weights
        assert np.all(np.diff(rows) > 0), word
        assert np.array_equal(got, expected), word
