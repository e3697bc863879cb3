"""Similar wording end to end: bigram retrieval → alignment → score, on real text.

The corpus is ~60 paragraphs of the sample education policies plus articles of
education laws from lawrefbook (when the benchmark is present); postings are built
here the way an index would: every bigram of the normalised clause text.
"""
import difflib
import random
from pathlib import Path

import numpy as np
import pytest

from analyzers.normalize import normalize
from search_app.marks import mark_spans as mark_passages
from search_app.similar import (SimilarMatch, candidate_docnums, rank_similar,
                                similarity_score)

ROOT = Path(__file__).resolve().parents[1]
LAWREFBOOK = Path("/work/shared/bench/lawrefbook")
EDUCATION_LAWS = ["行政法/教师法(2009-08-27).md", "社会法/学位法(2024-04-26).md",
                  "社会法/未成年人保护法(2020-10-17).md"]
MARITIME_LAW = "民法商法/海商法(1992-11-07).md"


def _articles(rel: str, limit: int) -> list[str]:
    path = LAWREFBOOK / rel
    if not path.exists():
        return []
    lines = [l.strip() for l in path.read_text(encoding="utf-8").splitlines()]
    return [l for l in lines if l.startswith("第") and "条" in l[:8] and len(l) >= 40][:limit]


def _corpus() -> tuple[list[str], list[str]]:
    clauses, sources = [], []
    for f in sorted((ROOT / "data/corpus").glob("*.txt")):
        paras = [l.strip() for l in f.read_text(encoding="utf-8").splitlines()]
        paras = [p for p in paras if len(p) >= 60][:12]
        clauses += paras
        sources += [f.name] * len(paras)
    for rel in EDUCATION_LAWS:
        arts = _articles(rel, 15)
        clauses += arts
        sources += [rel] * len(arts)
    return clauses, sources


CLAUSES, SOURCES = _corpus()
POSTINGS: dict[str, np.ndarray] = {}
for _n, _text in enumerate(CLAUSES):
    _norm = normalize(_text)
    for _bg in {_norm[k:k + 2] for k in range(len(_norm) - 1)}:
        POSTINGS.setdefault(_bg, []).append(_n)
POSTINGS = {k: np.array(v, dtype=np.int32) for k, v in POSTINGS.items()}
_EMPTY = np.zeros(0, dtype=np.int32)


def postings(bigram: str) -> np.ndarray:
    return POSTINGS.get(bigram, _EMPTY)


def search(text: str, **kw) -> list[SimilarMatch]:
    docs = candidate_docnums(text, postings, len(CLAUSES), limit=200)
    return rank_similar(text, ((int(d), CLAUSES[d]) for d in docs), **kw)


def edit(text: str, share: float, seed: int) -> str:
    """Change about `share` of the characters: numbers, substituted and inserted words."""
    rng = random.Random(seed)
    chars = list(text)
    content = [k for k, ch in enumerate(chars) if ch.isalnum()]
    for k in rng.sample(content, int(len(content) * share)):
        ch = chars[k]
        if ch.isdigit():
            chars[k] = str((int(ch) + 3) % 10)
        elif rng.random() < 0.7:
            chars[k] = rng.choice("的和与及等对在为将其各并按有关")
        else:
            chars[k] = ch + rng.choice(["进一步", "切实", "的"])
    return "".join(chars)


def _content(s: str) -> str:
    return "".join(ch for ch in normalize(s) if ch.isalnum())


def test_corpus_is_real_and_mixed():
    assert len(CLAUSES) >= 50
    assert len(set(SOURCES)) >= 5


@pytest.mark.parametrize("n", [0, 7, 13, 22, 31, 40, 49])
def test_copy_with_a_fifth_changed_finds_its_source_first(n):
    source = CLAUSES[n]
    query = edit(source, 0.2, seed=n)
    assert query != source
    found = search(query)
    assert found, "the edited copy must still be found"
    assert found[0].key == n
    assert 0.5 <= found[0].score <= 0.95          # edits show in the score


def test_changed_numbers_alone_keep_a_high_score():
    source = next(c for c in CLAUSES if sum(ch.isdigit() for ch in c) >= 4)
    query = "".join(str((int(ch) + 1) % 10) if ch.isdigit() else ch for ch in source)
    found = search(query)
    assert found[0].key == CLAUSES.index(source)
    assert found[0].score >= 0.95             # numerals pair up as kept wording


def test_stitched_paragraph_finds_both_sources_with_their_own_passages():
    a = next(k for k, s in enumerate(SOURCES) if s.startswith("000"))
    b = next(k for k, s in enumerate(SOURCES) if s.startswith("003") and len(CLAUSES[k]) >= 80)
    first, second = CLAUSES[a][:70], CLAUSES[b][-70:]
    query = first + second
    found = {m.key: m for m in search(query)}
    assert a in found and b in found
    cut = len(first)
    pa, pb = found[a].passages, found[b].passages
    assert all(p.input_end <= cut + 1 for p in pa)
    assert all(p.input_start >= cut - 1 for p in pb)
    assert sum(p.input_end - p.input_start for p in pa) >= 0.8 * len(first)
    assert sum(p.input_end - p.input_start for p in pb) >= 0.8 * len(second)
    assert 0.3 <= found[a].score <= 0.7 and 0.3 <= found[b].score <= 0.7


def test_weather_report_finds_nothing():
    weather = ("今天白天到夜间，全市多云转阴，局部地区有小雨，偏东风3到4级，最高气温26摄氏度，"
               "最低气温18摄氏度。明天阴有中雨，雨量10到20毫米，请市民出行注意携带雨具，"
               "驾驶车辆注意减速慢行。")
    assert search(weather) == []


def test_maritime_law_article_finds_nothing_in_an_education_corpus():
    articles = _articles(MARITIME_LAW, 400)
    if not articles:
        pytest.skip("lawrefbook benchmark not available")
    for art in articles[10:400:40]:
        assert search(art) == [], art


def test_passage_offsets_point_at_the_matched_wording():
    n = 5
    query = "  " + edit(CLAUSES[n], 0.15, seed=99)
    match = search(query)[0]
    assert match.key == n
    clause = CLAUSES[n]
    for p in match.passages:
        left = _content(query[p.input_start:p.input_end])
        right = _content(clause[p.clause_start:p.clause_end])
        assert difflib.SequenceMatcher(None, left, right).ratio() >= 0.75
        # passages start and end on aligned characters, not on punctuation or space
        assert query[p.input_start].isalnum() and query[p.input_end - 1].isalnum()
        assert clause[p.clause_start].isalnum() and clause[p.clause_end - 1].isalnum()


def test_candidates_rank_the_source_high_and_skip_common_bigrams():
    n = 20
    docs = candidate_docnums(edit(CLAUSES[n], 0.2, seed=1), postings, len(CLAUSES), limit=5)
    assert len(docs) <= 5 and docs[0] == n
    assert docs.dtype == np.int32
    assert len(candidate_docnums("", postings, len(CLAUSES))) == 0


def test_candidates_of_a_generic_input_still_vote():
    # every bigram of this phrase is common; the rarest are kept as evidence anyway
    docs = candidate_docnums("教育教学", postings, len(CLAUSES))
    assert len(docs) > 0


def test_similarity_score_counts_equal_characters_of_the_input():
    from analyzers.align import Passage
    text = "一二三四五，六七八九十。"            # 10 content characters
    assert similarity_score(text, [Passage(0, 5, 0, 5, 10, 5)]) == 0.5
    assert similarity_score(text, []) == 0.0
    assert similarity_score("，。", [Passage(0, 1, 0, 1, 1, 1)]) == 0.0


def test_limit_and_min_score():
    n = 3
    assert len(search(CLAUSES[n], limit=1)) == 1
    strict = search(edit(CLAUSES[n], 0.3, seed=3), min_score=0.95)
    assert strict == []


def test_mark_passages_escapes_and_merges():
    text = "<b>甲</b>乙丙丁&戊"
    assert mark_passages(text, [(3, 4), (8, 10)]) == "&lt;b&gt;<mark>甲</mark>&lt;/b&gt;<mark>乙丙</mark>丁&amp;戊"
    # overlapping and touching spans merge into one mark; empty spans are ignored
    assert mark_passages("abcdef", [(1, 3), (2, 4), (4, 5), (0, 0)]) == "a<mark>bcde</mark>f"
    assert mark_passages("a&b", []) == "a&amp;b"
