"""Facets declared once (indexer/facets.py) and read everywhere; disjunctive counts;
versions of one work. On a small corpus written here, through the real engine."""
from __future__ import annotations

import pytest

from indexer.facets import BY_NAME, FACETS, FACET_LABELS
from search_app.engine import SearchEngine
from search_app.params import QueryError, parse_search_params
from tests.conftest import _build_test_index


def _regulation(title: str, adopted: str, body: str) -> str:
    return f"{title}\n\n{adopted}\n\n第一条 为了规范学生伤害事故的处理，{body}，制定本条例。\n\n" \
           "第二条 学校应当建立安全制度，预防学生伤害事故。\n"


FILES = {
    # the same regulation in two versions (another date of revision), and a third work
    "某省学生伤害事故处理条例(2010-05-01).md": _regulation(
        "# 某省学生伤害事故处理条例", "2010年5月1日 某省人民代表大会常务委员会通过", "保护学生"),
    "某省学生伤害事故处理条例(2021-09-01).md": _regulation(
        "# 某省学生伤害事故处理条例", "2021年9月1日 某省人民代表大会常务委员会修订", "保护学生和学校"),
    "某省学前教育条例(2019-03-01).md": "# 某省学前教育条例\n\n2019年3月1日 通过\n\n"
        "第一条 为了发展学前教育，保障幼儿园学生安全，制定本条例。\n\n"
        "第二条 义务教育阶段学校和幼儿园应当预防学生伤害事故。\n",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return SearchEngine(_build_test_index(tmp_path_factory.mktemp("facets"), FILES))


def run(engine, **args):
    return engine.search(parse_search_params(args))


def test_every_declared_facet_is_counted_and_accepted(engine):
    r = run(engine)
    assert set(r["facets"]) == set(BY_NAME)
    for f in FACETS:
        assert f.label == FACET_LABELS[f.name]
        parse_search_params({f.name: "2019" if f.name == "year" else "x"})   # accepted
    with pytest.raises(QueryError):
        parse_search_params({"colour": "red"})


def test_older_versions_hidden_behind_the_current_one(engine):
    r = run(engine, q="学生伤害事故")
    titles = {(h["title"], h["date"]) for h in r["hits"]}
    assert ("某省学生伤害事故处理条例", "2021-09-01") in titles
    assert all(d != "2010-05-01" for _, d in titles)
    assert r["hidden_versions"] == 2
    current = next(h for h in r["hits"] if h["date"] == "2021-09-01")
    assert current["other_versions"] == 1 and current["status"] == "现行有效"
    everything = run(engine, q="学生伤害事故", versions="all")
    assert everything["total"] == r["total"] + 2 and everything["hidden_versions"] == 0
    old = [h for h in everything["hits"] if h["date"] == "2010-05-01"]
    assert old and all(h["status"] == "已修改" for h in old)
    # choosing 已修改 in 时效性 asks for the old versions themselves
    amended = run(engine, q="学生伤害事故", status="已修改")
    assert amended["total"] == 2 and {h["date"] for h in amended["hits"]} == {"2010-05-01"}


def test_counts_are_disjunctive_and_values_combine(engine):
    alone = {f["value"]: f["count"] for f in run(engine, q="学生", versions="all")["facets"]["year"]}
    assert len(alone) >= 2
    one, other = sorted(alone)[:2]
    r = run(engine, q="学生", versions="all", year=one)
    # the year group is counted as if its own filter were off: every year stays listed
    assert {f["value"]: f["count"] for f in r["facets"]["year"]} == alone
    assert r["total"] == alone[one]
    both = run(engine, q="学生", versions="all", year=[one, other])
    assert both["total"] == alone[one] + alone[other]


def test_year_boxes_make_a_range():
    p = parse_search_params({"year_from": "2015", "year_to": "2020"})
    assert p.year == ["2015-2020"]
    assert parse_search_params({"year_from": "2019"}).year == ["2019-2099"]
    with pytest.raises(QueryError, match="四位年份"):
        parse_search_params({"year_to": "20x0"})


def test_browsing_without_words_is_newest_first(engine):
    r = run(engine, versions="all")
    assert r["sort"] == "-date"
    dates = [h["date"] for h in r["hits"]]
    assert dates == sorted(dates, reverse=True)


def test_pages_show_versions_and_new_facets(engine):
    from search_app.app import create_app
    client = create_app({"ENGINE": engine}).test_client()
    html = client.get("/?q=学生伤害事故").get_data(as_text=True)
    assert "其他版本 1" in html and "出自已修改的旧版本" in html
    old = run(engine, q="学生伤害事故", status="已修改")["hits"][0]
    page = client.get(f"/documents/{old['doc_id']}").get_data(as_text=True)
    assert "版本（2）" in page and "2021年9月1日版" in page and "已修改" in page
    html = client.get("/?q=学生伤害事故&versions=all").get_data(as_text=True)
    assert 'data-facet="status"' in html and "时效性" in html
