import re
from pathlib import Path

import pytest

from analyzers.units import assign_units, find_unit_specs, normalize_unit

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def one(text):
    return assign_units([text])[0]


# --- normalize_unit ----------------------------------------------------------------

@pytest.mark.parametrize("name, canonical", [
    ("市人社局", "市人力资源社会保障局"),
    ("市人力资源和社会保障局", "市人力资源社会保障局"),
    ("市人力资源社会保障局", "市人力资源社会保障局"),
    ("盘锦市人社局", "盘锦市人力资源社会保障局"),
    ("市发改委", "市发展改革委"),
    ("市发展和改革委员会", "市发展改革委"),
    ("市住建局", "市住房城乡建设局"),
    ("市住房和城乡建设局", "市住房城乡建设局"),
    ("市卫健委", "市卫生健康委"),
    ("各区县政府", "县区政府"),
    ("各县区政府", "县区政府"),
    ("县区人民政府", "县区政府"),
    ("各县（区）人民政府", "县区政府"),
    ("各县(区)人民政府", "县区政府"),
    ("宁安市人民政府", "宁安市政府"),
    ("市编办", "市委编办"),
    ("中共盘锦市委教育工作委员会", "盘锦市委教育工委"),
    ("各有关单位", "有关单位"),
    ("相关部门", "有关部门"),
    ("市市场监管局", "市市场监督管理局"),
    ("市市场监督管理局", "市市场监督管理局"),
    ("县市场监督管理局", "县市场监督管理局"),     # 县 + 市场…, not 县市 + 场…
    ("各级政府", "各级政府"),
])
def test_normalize_unit(name, canonical):
    assert normalize_unit(name) == canonical


def test_education_sports_bureau_stays_distinct_from_education_bureau():
    assert normalize_unit("市教体局") == normalize_unit("市教育体育局") == "市教育体育局"
    assert normalize_unit("市教育体育局") != normalize_unit("市教育局")


# --- statement forms -----------------------------------------------------------------

def test_inline_statement_with_nested_brackets():
    units, leads = one("加强建设。（责任单位：市教育局、各县（区）人民政府）其后文字")
    assert units == ["市教育局", "县区政府"]
    assert leads == []


def test_trailing_line_statement():
    units, _ = one("（一）加强建设。全面推进。\n责任单位:市教育局、市财政局")
    assert units == ["市教育局", "市财政局"]


def test_text_without_statement_has_no_units():
    assert one("建立督导责任区制度，市教育局要加强指导。") == ([], [])


def test_shared_ending_expanded():
    units, _ = one("(责任单位:市委教育工委、市教育局,各县区党委、政府)")
    assert units == ["市委教育工委", "市教育局", "县区党委", "县区政府"]
    assert one("（责任单位：市委、政府）")[0] == ["市委", "市政府"]


def test_and_splits_only_between_units():
    units, _ = one("（责任单位：市委和市政府、市住房和城乡建设局等）")
    assert units == ["市委", "市政府", "市住房城乡建设局"]


def test_explicit_lead_and_partner_labels():
    units, leads = one("加强管理。（牵头单位：市教育局；配合单位：市财政局、市人社局）")
    assert units == ["市教育局", "市财政局", "市人力资源社会保障局"]
    assert leads == ["市教育局"]


def test_lead_partner_lines_and_time_limit_ignored():
    units, leads = one("任务。\n牵头单位：市教育局\n配合单位：市财政局\n完成时限：2020年底")
    assert (units, leads) == (["市教育局", "市财政局"], ["市教育局"])
    units, leads = one("（责任单位：市教育局（牵头）、市财政局；完成时限：2020年底）")
    assert (units, leads) == (["市教育局", "市财政局"], ["市教育局"])


def test_xx_qiantou_form():
    assert one("做好工作(市教育局牵头,市财政局、市住建局配合)") == (
        ["市教育局", "市财政局", "市住房城乡建设局"], ["市教育局"])
    assert one("做好工作（市教育局牵头）") == (["市教育局"], ["市教育局"])
    assert find_unit_specs("（详见附件）") == []


# --- lead conventions -----------------------------------------------------------------

def test_no_convention_no_leads():
    assert one("（责任单位：市教育局，市财政局）")[1] == []


def test_first_listed_convention_with_carry_forward():
    out = assign_units([
        "（一）任务。\n责任单位:市教育体育局,市发改委、市财政局、市委农工委。(列首位为牵头单位,下同)",
        "（二）任务。\n责任单位:市财政局,市教育体育局。",
    ])
    assert out[0] == (["市教育体育局", "市发展改革委", "市财政局", "市委农工委"], ["市教育体育局"])
    assert out[1] == (["市财政局", "市教育体育局"], ["市财政局"])


def test_convention_stated_once_without_xiatong_governs_the_document():
    # drafters often leave out 下同: a note stated once is still the document's convention
    out = assign_units(["（责任单位：市教育局、市财政局。排名第一的为牵头单位）",
                        "（责任单位：市财政局，市教育局）"])
    assert out[0][1] == ["市教育局"]
    assert out[1][1] == ["市财政局"]


def test_conflicting_local_conventions_stay_local():
    out = assign_units(["（责任单位：市教育局、市财政局。排名第一的为牵头单位）",
                        "（责任单位：市发改委、市财政局，市教育局。逗号前为牵头单位）",
                        "（责任单位：市财政局，市教育局）"])
    assert out[0][1] == ["市教育局"]
    assert out[1][1] == ["市发展改革委", "市财政局"]
    assert out[2][1] == []                               # no single convention to apply


def test_comma_convention():
    out = assign_units(["（一）任务。（责任单位：市教育局，市财政局）",
                        "（二）任务。（责任单位：市教育局、市人社局，市财政局。逗号前为牵头单位，下同）",
                        "（三）任务。（责任单位：市发改委、市财政局，市教育局、县区人民政府）"])
    # stated at （二） with 下同, the convention also explains （一）'s list
    assert out[0][1] == ["市教育局"]
    assert out[1] == (["市教育局", "市人力资源社会保障局", "市财政局"], ["市教育局", "市人力资源社会保障局"])
    assert out[2][1] == ["市发展改革委", "市财政局"]


def test_convention_stated_in_preamble():
    out = assign_units(["各项任务中列首位的为牵头单位。", "工作（责任单位：市教育局、市财政局）"])
    assert out[0] == ([], [])                           # the note itself names no unit
    assert out[1][1] == ["市教育局"]


# --- the samples -----------------------------------------------------------------------

def sample_clauses(prefix):
    """Paragraphs; a trailing 责任单位 line is appended to the paragraph before it."""
    text = next(CORPUS.glob(prefix + "_*.txt")).read_text(encoding="utf-8")
    clauses = []
    for line in (s.strip() for s in text.splitlines()):
        if not line:
            continue
        if clauses and re.match(r"责任单位", line):
            clauses[-1] += "\n" + line
        else:
            clauses.append(line)
    return clauses


def by_label(prefix):
    clauses = sample_clauses(prefix)
    return {c[:4]: r for c, r in zip(clauses, assign_units(clauses)) if r[0]}


def test_sample_002_no_convention():
    got = by_label("002")
    assert got["(一)实"][0] == ["市委组织部", "市委宣传部", "市委教育工委", "市教育局", "县区政府",
                              "大连理工大学盘锦校区", "盘锦职业技术学院"]
    assert got["(九)实"][0][0] == "县区政府"
    assert all(leads == [] for _, leads in got.values())


def test_sample_003_first_listed_lead_carried():
    got = by_label("003")
    assert got["(一)启"] == (["市教育体育局", "市发展改革委", "市财政局", "市委农工委"], ["市教育体育局"])
    assert "市人力资源社会保障局" in got["(二)交"][0]
    assert len(got) == 6 and all(leads == ["市教育体育局"] for _, leads in got.values())


def test_sample_004_inline_units():
    got = by_label("004")
    assert got["(一)构"] == (["市委教育工委", "市委宣传部", "市教育局", "县区党委", "县区政府"], [])
    assert got["(二)全"][0] == ["市教育局", "市体育局", "市卫生健康委"]
    assert len(got) == 32


def test_sample_001_comma_convention_stated_at_clause_three_governs_all():
    got = by_label("001")
    # before the note, the same convention: no comma in the list, so all of it leads
    assert got["（二）加"][1] == ["市教育局", "市人力资源社会保障局"]
    assert got["（三）健"][1] == ["市教育局", "市人力资源社会保障局"]
    assert got["（八）提"][1] == ["市发展改革委", "市财政局"]


# --- bracketed and collective units (issue 10) -------------------------------------------

@pytest.mark.parametrize("statement, units", [
    ("（责任单位：市教育局、各县（市、区）政府）", ["市教育局", "县区政府"]),
    ("（责任单位：各县（市、区）人民政府、市财政局）", ["县区政府", "市财政局"]),
    ("（责任单位：各县(市、区)教育局）", ["县区教育局"]),
    # one collective unit: the districts' and county-level cities' governments, not 市政府
    ("（责任单位：各区、市政府，市教育局）", ["区市政府", "市教育局"]),
    ("（责任单位：各区市政府）", ["区市政府"]),
    ("（责任单位：市发改委、各县、市、区政府）", ["市发展改革委", "县区政府"]),
    # 、 between units still splits, and a bracket with no 、 is left alone
    ("（责任单位：市教育局、区政府）", ["市教育局", "区政府"]),
    ("（责任单位：市财政局（市国资委）、市教育局）", ["市财政局（市国资委）", "市教育局"]),
])
def test_bracketed_inner_enumeration_never_splits_a_unit(statement, units):
    assert one(statement)[0] == units


def test_single_responsible_unit_leads():
    assert one("加强管理。（责任单位：市教育局）") == (["市教育局"], ["市教育局"])
    assert one("加强管理。\n责任单位：各县（市、区）人民政府") == (["县区政府"], ["县区政府"])
    # a unit named only as a partner is not the lead
    assert one("（配合单位：市财政局）") == (["市财政局"], [])
    assert one("（责任单位：市教育局；配合单位：市财政局）") == (["市教育局", "市财政局"], ["市教育局"])


def test_lead_convention_applies_to_items_before_the_note():
    out = assign_units([
        "（一）任务。（责任单位：市教育局、市财政局）",
        "（二）任务。（责任单位：市发改委，市教育局）",
        "（三）任务。（责任单位：市人社局、市教育局，市财政局。逗号前为牵头单位，下同）",
        "（四）任务。（责任单位：市财政局，县区政府）",
    ])
    assert [leads for _, leads in out] == [
        ["市教育局", "市财政局"], ["市发展改革委"], ["市人力资源社会保障局", "市教育局"], ["市财政局"]]
    first = assign_units(["（一）任务。（责任单位：市教育局、市财政局）",
                          "（二）任务。（责任单位：市财政局、市教育局。列第一位者为牵头单位，下同）"])
    assert [leads for _, leads in first] == [["市教育局"], ["市财政局"]]
