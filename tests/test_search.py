"""Queries against the real index of the sample corpus."""
import pytest

from analyzers.normalize import normalize
from search_app.params import QueryError, parse_search_params


def run(engine, **args):
    args = {k: v if isinstance(v, list) else [str(v)] for k, v in args.items()}
    return engine.search(parse_search_params(args, max_size=2000))


def all_clauses(engine):
    snap = engine.snapshot()
    out = []
    for d in snap.meta["docs"]:
        out.extend(engine.document(d["doc_id"])["clauses"])
    return out


def ids(result):
    return {h["clause_id"] for h in result["hits"]}


EXACT_QUERIES = ["大班额", "县管校聘", "生均公用经费", "教育经费", "条件保障", "普惠性幼儿园",
                 "随迁子女", "控辍保学", "学前教育", "责任单位", "教", "（", "2020年",
                 "ＡＢＣ不存在", "市教育局", "“双减”", "高中阶段教育毛入学率"]


@pytest.mark.parametrize("q", EXACT_QUERIES)
def test_exact_mode_equals_brute_force_substring_scan(engine, q):
    truth = {c["clause_id"] for c in all_clauses(engine) if normalize(q) in normalize(c["text"])}
    result = run(engine, q=q, mode="exact", size=2000)
    assert ids(result) == truth
    assert result["total"] == len(truth)


@pytest.mark.parametrize("q", ["大班额", "县管校聘", "生均公用经费", "随迁子女", "学前教育"])
def test_keyword_word_finds_every_clause_containing_it(engine, q):
    truth = {c["clause_id"] for c in all_clauses(engine) if q in c["text"]}
    r = run(engine, q=q, size=2000)
    assert truth and truth <= {h["clause_id"] for h in r["hits"] if h["match"] == "all"}


def test_word_cut_differently_in_text_still_matches(engine):
    hits = run(engine, q="教育经费", size=200)["hits"]
    assert any("学前教育经费保障" in h["text"] for h in hits)


TWO_CLAUSES = """某市学前教育行动计划

一、扩大普惠性幼儿园供给。新建一批普惠性幼儿园。

二、支持普惠性民办幼儿园发展。落实扶持政策。
"""


def test_exact_wording_first_and_exact_mode_strict(build_test_index, tmp_path):
    from search_app.engine import SearchEngine
    eng = SearchEngine(build_test_index(tmp_path, {"plan.txt": TWO_CLAUSES}))
    texts = [h["text"] for h in run(eng, q="普惠性幼儿园")["hits"]]
    assert texts and "普惠性幼儿园" in texts[0]          # the phrase as typed ranks first
    exact = [h["text"] for h in run(eng, q="普惠性幼儿园", mode="exact")["hits"]]
    assert exact and all("普惠性幼儿园" in t for t in exact)
    assert not any("普惠性民办幼儿园" in t for t in exact)
    assert run(eng, q="普惠性民办幼儿园", mode="exact")["total"] == 1


def test_quoted_phrase_and_single_character(engine):
    assert run(engine, q='"条件保障"')["total"] >= 1
    one = run(engine, q='"县"', size=2000)
    assert one["total"] == sum("县" in c["text"] for c in all_clauses(engine))


def test_every_word_must_match_for_a_full_match(engine):
    r = run(engine, q="大班额 普通高中", size=500)
    full = {h["clause_id"] for h in r["hits"] if h["match"] == "all"}
    assert {c["clause_id"] for c in all_clauses(engine)
            if "大班额" in c["text"] and "普通高中" in c["text"]} <= full
    for h in r["hits"]:
        where = h["text"] + h["title"] + "".join(h["path"])
        if h["match"] == "all":    # every word (or an equivalent) in the clause or its context
            assert any(w in where for w in ("大班额", "超大班额", "班额过大"))
            assert any(w in where for w in ("普通高中", "普高"))


def test_or_and_not(engine):
    clauses = all_clauses(engine)
    either = ids(run(engine, q="大班额 OR 县管校聘", size=500))
    assert either == {c["clause_id"] for c in clauses if "大班额" in c["text"] or "县管校聘" in c["text"]}
    minus = ids(run(engine, q="大班额 -普通高中", size=500))
    assert minus == {c["clause_id"] for c in clauses
                     if "大班额" in c["text"] and "普通高中" not in c["text"]}
    assert ids(run(engine, q="大班额 NOT 普通高中", size=500)) == minus
    grouped = ids(run(engine, q="(大班额 OR 县管校聘) 教师", size=500))
    assert grouped == {c["clause_id"] for c in clauses if "教师" in c["text"]
                       and ("大班额" in c["text"] or "县管校聘" in c["text"])}


def test_field_scopes(engine):
    r = run(engine, q="标题:行动计划", size=500)
    assert r["total"] and all("行动计划" in h["title"] for h in r["hits"])
    r = run(engine, q="文号:盘政办发", size=500)
    assert r["total"] and all(h["doc_number"].startswith("盘政办发") for h in r["hits"])
    r = run(engine, q="城市:张家口 学前教育", size=500)
    assert r["total"] and all(h["city"] == "张家口市" for h in r["hits"])
    assert all(any(w in h["text"] + "".join(h["path"]) for w in ("学前", "幼儿教育", "幼教"))
               for h in r["hits"] if h["match"] == "all")
    r = run(engine, q="单位:财政局", size=500)
    assert r["total"] and all(any("财政局" in u for u in h["units"]) for h in r["hits"])
    assert run(engine, q="unit:财政局", size=500)["total"] == r["total"]


def test_same_sentence_is_stricter_than_same_clause(engine):
    clause = ids(run(engine, q="同条:(教师 编制)", size=500))
    sentence = ids(run(engine, q="同句:(教师 编制)", size=500))
    assert sentence and sentence < clause


def test_filters_and_across_or_within(engine):
    everything = run(engine, size=1)
    cities = [f["value"] for f in everything["facets"]["city"]]
    assert len(cities) >= 4
    one = run(engine, city=cities[0], size=1)
    two = run(engine, city=cities[:2], size=1)
    assert two["total"] == one["total"] + run(engine, city=cities[1], size=1)["total"]
    both = run(engine, city=cities[0], stage="学前教育", size=500)
    assert all(h["city"] == cities[0] and "学前教育" in h["stages"] for h in both["hits"])


def test_year_and_year_range(engine):
    r = run(engine, year="2019", size=500)
    assert r["total"] and all(h["year"] == 2019 for h in r["hits"])
    r = run(engine, year="2015-2019", size=2000)
    assert r["total"] and all(2015 <= h["year"] <= 2019 for h in r["hits"])
    # disjunctive counts: every year stays listed; those in the range add up to the total
    assert r["total"] == sum(f["count"] for f in r["facets"]["year"]
                             if 2015 <= int(f["value"]) <= 2019)
    assert any(not 2015 <= int(f["value"]) <= 2019 for f in r["facets"]["year"])


def test_general_stage_means_no_stage(engine):
    r = run(engine, stage="通用", size=2000)
    assert r["total"] and all(h["stages"] == [] for h in r["hits"])


def test_unit_lead_unit_and_doc_type_filters(engine):
    facets = run(engine, size=1)["facets"]
    unit = facets["unit"][0]["value"]
    r = run(engine, unit=unit, size=2000)
    assert r["total"] == facets["unit"][0]["count"]
    assert all(unit in h["units"] for h in r["hits"])
    if facets["lead_unit"]:
        lead = facets["lead_unit"][0]["value"]
        r = run(engine, lead_unit=lead, size=2000)
        assert r["total"] and all(lead in h["lead_units"] for h in r["hits"])
    dt = facets["doc_type"][0]["value"]
    r = run(engine, doc_type=dt, size=2000)
    assert r["total"] and all(h["doc_type"] == dt for h in r["hits"])


def test_facet_counts_cover_whole_result_not_page(engine):
    r = run(engine, q="教育", size=1)
    assert len(r["hits"]) == 1
    assert sum(f["count"] for f in r["facets"]["city"]) == r["total"]
    stage_total = run(engine, q="教育", stage="学前教育", size=1)["total"]
    assert {"value": "学前教育", "count": stage_total} in r["facets"]["stage"]


@pytest.mark.parametrize("args", [{"q": "教育"}, {"q": "教育", "city": "盘锦市"},
                                  {"q": "教育 学前教育", "stage": "学前教育"},
                                  {"q": "幼儿园 财政投入 课后服务"},      # partial matches follow
                                  {"q": "学校", "mode": "exact", "year": "2019"}])
def test_documents_and_matches_per_document_count_every_hit(engine, args):
    from collections import Counter
    r = run(engine, size=2000, **args)
    assert r["total"] == len(r["hits"]) > 0
    per_doc = Counter(h["doc_id"] for h in r["hits"])
    assert r["documents"] == len(per_doc)
    assert all(h["doc_matches"] == per_doc[h["doc_id"]] for h in r["hits"])


def test_highlight_marks_exact_text_and_escapes(engine):
    r = run(engine, q="大班额")
    for h in r["hits"]:
        assert "<mark>大班额</mark>" in h["highlighted"]
        assert "<mark>大班额</mark>" in h["fragment"] or len(h["text"]) > 500
        assert h["highlighted"].replace("<mark>", "").replace("</mark>", "") == \
            h["text"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
            .replace('"', "&quot;").replace("'", "&#x27;")


def test_relevance_prefers_repeated_and_heading_matches(engine):
    hits = run(engine, q="大班额", size=50)["hits"]
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_sort_by_date_both_directions_and_pagination(engine):
    newest = run(engine, sort="-date", size=2000)["hits"]
    keys = [(h["date"] or str(h["year"])) for h in newest]
    assert keys == sorted(keys, reverse=True)
    oldest = run(engine, sort="date", size=2000)["hits"]
    assert [(h["date"] or str(h["year"])) for h in oldest] == sorted(keys)
    p1 = run(engine, sort="-date", size=5, page=1)["hits"]
    p2 = run(engine, sort="-date", size=5, page=2)["hits"]
    assert [h["clause_id"] for h in p1 + p2] == [h["clause_id"] for h in newest[:10]]


def test_browse_with_filter_only(engine):
    r = run(engine, stage="学前教育")
    assert r["total"] > 0 and r["query"]["parsed"] == ""


@pytest.mark.parametrize("args", [{"page": "0"}, {"page": "abc"}, {"size": "0"},
                                  {"size": "101"}, {"year": "20x9"}, {"sort": "bogus"},
                                  {"mode": "fuzzy"}, {"colour": "red"}])
def test_bad_parameters_raise_query_error(args):
    with pytest.raises(QueryError):
        parse_search_params({k: [v] for k, v in args.items()})


def test_page_out_of_range(engine):
    with pytest.raises(QueryError):
        run(engine, q="大班额", page=999)


def test_malformed_query_falls_back_and_says_so(engine):
    r = run(engine, q='(大班额 "县管')
    assert r["query"]["fallback"] and "已按普通文字检索" in r["query"]["message"]
    assert r["total"] >= 0


def test_exact_mode_without_match_suggests_keyword_mode(engine):
    r = run(engine, q="县管校聘管理体制", mode="exact")      # never written together
    assert r["total"] == 0
    sug = r["suggestion"]
    assert sug and sug["mode"] == "keyword" and sug["total"] >= 1
    assert run(engine, q=sug["q"])["total"] == sug["total"]
    assert run(engine, q="县管校聘管理体制")["total"] >= 1   # keyword mode finds it at once
    assert run(engine, q="大班额")["suggestion"] is None


def test_web_empty_state_links_the_suggestion(sample_index):
    from search_app.app import create_app
    html = create_app({"INDEX_DIR": str(sample_index)}).test_client().get(
        "/", query_string={"q": "县管校聘管理体制", "mode": "exact"}).get_data(as_text=True)
    assert "改用关键词检索" in html and "mode=exact" not in html.split("改用关键词检索")[1][:300]


def test_stage_counts_are_the_hits_own_stages(engine):
    """Both ways of counting (a mask over the values for a large result, each row's own
    values for a small one: here a single clause, found by its own opening words) give
    each stage's and 通用's count among the matches."""
    singles = [c["text"][:24] for c in all_clauses(engine)[::7]]
    kinds = set()
    for q in ["", "教育", "大班额", *singles]:
        r = run(engine, q=q, mode="exact", size=2000)
        want = {}
        for h in r["hits"]:
            for s in h["stages"] or ["通用"]:
                want[s] = want.get(s, 0) + 1
        got = {f["value"]: f["count"] for f in r["facets"]["stage"] if f["count"]}
        assert r["total"] == len(r["hits"]) and got == want, q
        if r["total"] == 1:
            kinds.add(bool(r["hits"][0]["stages"]))
    assert kinds == {True, False}       # single clauses with stages and without
