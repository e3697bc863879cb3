"""Top-k ranking (search_app.ranking): the pruned first page is the one scoring every
match gives, totals and facets stay exact, pages neither repeat nor skip rows; and the
faster paths under it (partial selection, set operations, facet counts per document,
counts in candidate text, the needle cache) give what the plain ones give."""
import random

import numpy as np
import pytest

from indexer.facets import FACETS
from search_app import features, proximity, ranking, rowsets
from search_app.evaluate import QueryContext, facet_counts
from search_app.keyword import concepts
from search_app.needle_cache import NeedleCache
from search_app.params import parse_search_params

WORDS = ["教师", "工资", "待遇", "学校", "安全", "管理", "经费", "保障", "义务教育", "县级",
         "人民政府", "编制", "培训", "学生", "资助", "监督", "检查", "落实", "责任", "考核"]
FILLER = ["应当", "加强", "建立", "完善", "制度", "工作", "有关", "部门", "按照", "规定"]
QUERIES = ["教师 工资", "学校安全管理", "义务教育 经费 保障", "县级人民政府 落实 责任",
           "教师培训经费", "学生资助 监督检查", "教师待遇如何保障？", "安全", "编制 考核 教师"]


def _article(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(1, 4)):
        words = rng.sample(WORDS, rng.randint(1, 5)) + rng.sample(FILLER, rng.randint(1, 4))
        rng.shuffle(words)
        sentences.append("".join(words))
    return "；".join(sentences) + "。"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A small corpus of clauses made of the same twenty words in random mixes: many
    matches per query, many near-ties, so a wrong cut shows."""
    from search_app.engine import SearchEngine
    from tests.conftest import _build_test_index
    rng = random.Random(11)
    files = {}
    for d in range(12):
        body = "\n".join(f"第{k + 1}条　{_article(rng)}" for k in range(60))
        files[f"{d:02d}.txt"] = f"某市教育工作办法第{d}号\n\n{body}\n"
    return SearchEngine(_build_test_index(tmp_path_factory.mktemp("ranking"), files))


def _search(engine, q, **args):
    raw = {"q": [q], "size": [str(args.pop("size", 10))]}
    raw.update({k: [str(v)] for k, v in args.items()})
    return engine.search(parse_search_params(raw))


def _reference(ctx, rows, partial, node, k):
    """What the ranking did before pruning: every feature for every match, the sentence
    feature for the first RERANK_DEPTH, one sort."""
    scores = proximity.scores(ctx, rows, node, True)
    order = ctx.order(rows, scores, "relevance", partial)
    if len(concepts(node)) > 1:
        top = order[:features.RERANK_DEPTH]
        bonus = features.sentence_bonus(ctx, rows[top], node)
        scores[top] += bonus
        order = ctx.order(rows, scores, "relevance", partial)
    return order[:k], scores[order[:k]]


def _query(engine, q):
    node, _ = engine._understand(parse_search_params({"q": [q]}))
    ctx = QueryContext(engine.snapshot())
    full = ctx.evaluate(node)
    part = ctx.partial(node, full)
    rows = np.concatenate([full, part]).astype(np.int64)
    partial = np.r_[np.zeros(len(full), bool), np.ones(len(part), bool)]
    return ctx, node, rows, partial


@pytest.mark.parametrize("q", QUERIES)
def test_pruned_top_equals_scoring_every_match(generated, monkeypatch, q):
    monkeypatch.setattr(ranking, "CANDIDATES", 6)            # far fewer than the matches
    monkeypatch.setattr(ranking, "MAX_CANDIDATES", 10**9)    # grow until the bound proves it
    monkeypatch.setattr(features, "RERANK_DEPTH", 12)
    ctx, node, rows, partial = _query(generated, q)
    assert len(rows) > 60
    top, top_scores = ranking.rank(ctx, rows, partial, node, "relevance", 10)
    ref, ref_scores = _reference(ctx, rows, partial, node, 10)
    assert rows[top].tolist() == rows[ref].tolist()
    assert np.allclose(top_scores, ref_scores, rtol=0, atol=1e-9)


@pytest.mark.parametrize("q", QUERIES)
def test_the_bound_holds_for_every_row(generated, q):
    ctx, node, rows, _ = _query(generated, q)
    words = concepts(node)
    extra = proximity.extra_scores(ctx, rows, words)
    assert extra.max() <= proximity.extra_bound(ctx, words)
    assert (extra.max() > 0) == (len(words) > 1)


def test_a_row_the_bound_lets_in_is_not_proven_out():
    cheap = np.array([5.0, 4.0, 3.0, 2.9])
    cand = np.array([0, 1, 2])
    full = cheap[cand]
    assert not ranking._proven(cheap, None, cand, full, 0.2, 3)   # 2.9 + 0.2 > 3.0
    assert ranking._proven(cheap, None, cand, full, 0.05, 3)
    assert ranking._proven(cheap, None, cand, full, 0.2, 2)       # only the first two asked
    partial = np.array([False, False, True, False])                # a full match left out
    assert not ranking._proven(cheap, partial, cand, full, 0.0, 3)


def test_without_the_bound_a_small_candidate_set_does_change_the_order(generated, monkeypatch):
    """The check above can fail: cut at a few candidates without proving the cut, and
    some first page differs from the unpruned one."""
    monkeypatch.setattr(ranking, "CANDIDATES", 6)
    monkeypatch.setattr(ranking, "MAX_CANDIDATES", 6)
    monkeypatch.setattr(features, "RERANK_DEPTH", 12)
    differ = 0
    for q in QUERIES:
        ctx, node, rows, partial = _query(generated, q)
        top, _ = ranking.rank(ctx, rows, partial, node, "relevance", 10)
        differ += rows[top].tolist() != rows[_reference(ctx, rows, partial, node, 10)[0]].tolist()
    assert differ


@pytest.mark.parametrize("sort", ["relevance", "date", "-date"])
def test_totals_facets_and_pages_hold_with_a_tiny_candidate_set(generated, monkeypatch, sort):
    def pages_of(q):
        first = _search(generated, q, sort=sort)
        return [first] + [_search(generated, q, page=p, sort=sort)
                          for p in range(2, min(3, first["pages"]) + 1)]
    plain = {q: pages_of(q) for q in QUERIES}
    monkeypatch.setattr(ranking, "CANDIDATES", 4)
    monkeypatch.setattr(ranking, "MAX_CANDIDATES", 4)
    for q in QUERIES:
        pages = pages_of(q)
        for got, want in zip(pages, plain[q]):
            for key in ("total", "counts", "documents", "facets", "hidden_versions"):
                assert got[key] == want[key], (q, key)
        ids = [h["clause_id"] for r in pages for h in r["hits"]]
        assert len(ids) == len(set(ids)) == min(30, pages[0]["total"])   # no repeats, no gaps
        if sort != "relevance":                                          # no scores needed
            assert ids == [h["clause_id"] for r in plain[q] for h in r["hits"]]


def test_first_k_equals_a_full_lexsort():
    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(0, 60))
        primary = rng.integers(0, 5, n).astype(float)          # many ties
        a, b = rng.integers(0, 3, n), rng.integers(0, 1000, n)
        group = rng.random(n) < 0.3
        k = int(rng.integers(0, 70))
        ties = lambda pos: (b[pos], a[pos])                    # noqa: E731
        want = np.lexsort((b, a, primary))[:k]
        assert ranking.first_k(primary, k, ties).tolist() == want.tolist()
        want = np.lexsort((b, a, primary, group))[:k]
        assert ranking.first_k_grouped(primary, group, k, ties).tolist() == want.tolist()


@pytest.mark.parametrize("share", [0.001, 0.05, 0.6])
def test_row_set_operations_equal_numpy(share):
    rng = np.random.default_rng(7)
    n = 20_000
    for _ in range(20):
        sets = [np.flatnonzero(rng.random(n) < share * rng.random()) for _ in range(3)]
        a, b = sets[0], sets[1]
        assert np.array_equal(rowsets.intersect(n, a, b), np.intersect1d(a, b))
        assert np.array_equal(rowsets.difference(n, a, b), np.setdiff1d(a, b))
        assert np.array_equal(rowsets.union(n, sets), np.union1d(np.union1d(a, b), sets[2]))


def test_facet_counts_by_document_equal_per_row_counts(engine):
    snap = engine.snapshot()
    rng = np.random.default_rng(3)
    for share in (0.0, 0.01, 0.3, 1.0):
        rows = np.flatnonzero(rng.random(snap.n) < share)
        for facet in FACETS:
            assert facet_counts(snap, facet, rows) == facet.counts(snap, rows), facet.name


def test_counts_in_candidate_text_equal_lookups(generated, monkeypatch):
    ctx = QueryContext(generated.snapshot())
    rows = np.arange(0, ctx.snap.n, 3)
    needles = ["教师", "工资教师", "教师工资", "规定", "应当应当", "育经", "不存在"]
    monkeypatch.setattr(proximity, "LOOKUP_MAX", -1)              # count in the text
    counted = proximity._counts(ctx, rows, needles)
    monkeypatch.setattr(proximity, "LOOKUP_MAX", 10**9)           # look the rows up
    looked = proximity._counts(ctx, rows, needles)
    for x, c, lk in zip(needles, counted, looked):
        assert np.array_equal(c, lk), x
    assert proximity.count_in("常常常", "常常") == 2 and proximity.count_in("常常常", "常") == 3


def test_bigram_rows_exact_when_rare_and_close_when_estimated(generated, monkeypatch):
    snap = generated.snapshot()
    monkeypatch.setattr(proximity, "DF_EXACT_MAX", 0)             # estimate every one
    fresh = type(generated)(generated.index_dir).snapshot()       # an empty needle cache
    for gram in ("教师", "安全", "管理", "应当"):
        exact = len(QueryContext(snap).text_rows(gram)[0])
        estimate = proximity.gram_rows(QueryContext(fresh), gram, fresh.count(gram))
        assert exact > 50 and abs(estimate - exact) <= 0.1 * exact, (gram, estimate, exact)
    monkeypatch.setattr(proximity, "DF_EXACT_MAX", 10**9)
    other = type(generated)(generated.index_dir).snapshot()
    for gram in ("教师", "安全"):
        assert proximity.gram_rows(QueryContext(other), gram, other.count(gram)) == \
            len(QueryContext(snap).text_rows(gram)[0])


def test_needle_cache_is_bounded_and_read_only():
    cache = NeedleCache(budget=10_000)
    for k in range(50):
        value = cache.get(k, lambda: np.zeros(200))               # 1600 bytes each
        with pytest.raises(ValueError):
            value[0] = 1
    assert cache.used <= 10_000 and len(cache._items) <= 6
    assert cache.get(49, lambda: None) is not None                # the newest stays
    assert cache.get(0, lambda: "rebuilt") == "rebuilt"           # the oldest went
    big = cache.get("big", lambda: np.zeros(10_000))              # over a quarter: not kept
    assert "big" not in cache._items and len(big) == 10_000
