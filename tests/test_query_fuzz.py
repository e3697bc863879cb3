"""No input to the query language gives a server error: property-based (Hypothesis) runs
through the real app on the sample index, bounded, plus the pasted-text cases users hit."""
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from search_app.app import create_app

# the characters the grammar gives meaning to, and some text around them
SYNTAX = list('()（）"“”「」:：-|') + ["OR", "NOT", "AND", "同句:", "同条:", "标题:", "文号:",
                                        "单位:", "牵头:", "城市:", " ", "  ", "\t"]
TEXT = ["大班额", "县中", "教师", "如何", "吗", "？", "，", "。", "双减", "x", "1", "〔2019〕",
        "<script>", "&amp;", "%", "\u3000"]
QUERY = st.lists(st.sampled_from(SYNTAX + TEXT), max_size=24).map("".join)


@pytest.fixture(scope="module")
def client(sample_index):
    return create_app({"INDEX_DIR": str(sample_index)}).test_client()


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=QUERY, mode=st.sampled_from(["keyword", "exact"]))
def test_any_query_is_answered_or_refused_politely(client, q, mode):
    r = client.get("/api/search", query_string={"q": q, "mode": mode, "size": "5"})
    assert r.status_code in (200, 400), (q, r.status_code)
    body = r.get_json()
    assert ("error" in body) == (r.status_code == 400)


@pytest.mark.parametrize("q", [
    "落实“双减”政策”：要求",          # a closing quote before a colon: pasted text
    "(" * 300 + "教师" + ")" * 300,
    "同句:(" * 200 + "教师" + ")" * 200,
    "NOT " * 1000 + "教师",
    "教育" * 1500,                     # past the length cap
    "大班额 " * 300,                   # many words, one of them
])
def test_pasted_and_hostile_queries(client, q):
    for url in ("/api/search", "/", "/export.csv", "/export.md"):
        r = client.get(url, query_string={"q": q})
        assert r.status_code in (200, 400), (url, q[:30], r.status_code)
    r = client.get("/api/search", query_string={"q": q})
    if r.status_code == 400:
        assert "检索式过长" in r.get_json()["error"] or "嵌套过深" in r.get_json()["error"]


PARAM = st.sampled_from(["q", "mode", "sort", "page", "size", "versions", "year", "year_from",
                         "year_to", "stage", "city", "status", "level", "a", "b", "from",
                         "clause_id", "all"])
VALUE = st.sampled_from(TEXT + SYNTAX + ["0", "-1", "99999", "2019", "2015-2020", "current",
                                          "all", "exact", "-date", "1", "", "q=教育&page=2"])


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=st.lists(st.tuples(PARAM, VALUE), max_size=6),
       url=st.sampled_from(["/", "/api/search", "/compare", "/api/compare", "/compare/cities",
                            "/api/compare/cities", "/similar", "/targets", "/export.docx",
                            "/export.csv"]))
def test_any_parameters_on_any_page_are_answered_or_refused(client, args, url):
    """Every page and JSON twin, with any mix of known and unknown parameters and values:
    never a 5xx."""
    r = client.get(url, query_string=args)
    assert r.status_code < 500, (url, args, r.status_code)
