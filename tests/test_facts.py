from pathlib import Path

import pytest

from analyzers import places
from indexer.facts import (apply_overrides, doc_type_of, extract_facts, normalize_doc_number,
                           parse_date)
from indexer.records import DocFacts

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def facts_of(prefix):
    path = next(CORPUS.glob(prefix + "_*.txt"))
    text = path.read_text(encoding="utf-8")
    return extract_facts(text, [s.strip() for s in text.splitlines() if s.strip()], path.name)


def facts_text(text, source="x.txt"):
    return extract_facts(text, [s.strip() for s in text.splitlines() if s.strip()], source)


# --- divisions table ---------------------------------------------------------------------

def test_every_province_and_samples_places():
    assert places.province_of("宁安市") == "黑龙江省"          # county-level city
    assert places.province_of("张家口市") == "河北省"
    assert places.province_of("盘锦市") == "辽宁省"
    assert places.province_of("北京市") == "北京市"
    assert places.province_of("海淀区") == "北京市"
    assert places.province_of("仙桃市") == "湖北省"            # 省直辖 county-level city
    assert places.province_of("许昌县") == "河南省"            # former name, still known
    assert sum(1 for n in ["河北省", "广西壮族自治区", "新疆维吾尔自治区", "重庆市", "香港特别行政区"]
               if places.is_province(n)) == 5


def test_ambiguous_county_needs_evidence():
    assert places.province_of("朝阳区") == ""
    assert places.province_of("朝阳区", hints=("吉林省",)) == "吉林省"
    assert places.first_place("北京市朝阳区教育委员会") == ("朝阳区", "北京市")
    assert places.first_place("朝阳区教育局") == ("朝阳区", "")


def test_two_character_names_only_in_place_position():
    assert places.first_place("全面消除县城区大班额") is None
    assert places.first_place("蔚县人民政府") == ("蔚县", "河北省")
    assert places.first_place("张家口市蔚县教育局") == ("蔚县", "河北省")


# --- small rules ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["盘政办发[2019]24号", "盘政办发(2019)24号", "盘政办发（2019）24号",
                                 "盘政办发【2019】24号", "盘政办发〔2019 〕24号", "盘政办发2019〕24号",
                                 "盘政办发〔2019〕24 号"])
def test_doc_number_variants(raw):
    assert normalize_doc_number(raw) == "盘政办发〔2019〕24号"


@pytest.mark.parametrize("text, iso", [("2019-05-30", "2019-05-30"), ("2019年5月30日", "2019-05-30"),
                                       ("二〇一九年五月三十日", "2019-05-30"), ("2019/5/3", "2019-05-03"),
                                       ("无日期", "")])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("title, doc_type", [
    ("盘锦市推进教育高质量发展行动计划", "行动计划"),
    ("宁安市普及高中阶段教育攻坚计划(2017-2020年)实施方案", "实施方案"),
    ("关于进一步加强学校体育工作的实施意见", "实施意见"),
    ("某市中小学校管理办法（试行）", "办法"),
    ("中华人民共和国学位法", "法"),
    ("某市教育发展规划（2021-2025年）", "规划"),
    ("某某随笔", ""),
])
def test_doc_type(title, doc_type):
    assert doc_type_of(title) == doc_type


# --- the five samples ----------------------------------------------------------------------

def test_sample_000_title_joined_year_from_cited_doc_number():
    f = facts_of("000")
    assert f.title == "宁安市普及高中阶段教育攻坚计划(2017-2020年)实施方案"
    assert (f.city, f.province) == ("宁安市", "黑龙江省")
    assert (f.year, f.year_rule, f.date) == (2018, "doc_number", "")
    assert f.doc_number == ""                             # 黑教联〔2018〕11号 is cited, not its own


def test_sample_001_draft_attachment():
    f = facts_of("001")
    # a draft keeps its note in the title, as written, and says so in its status
    assert f.title == "广元市“十四五”县域普通高中发展提升行动计划实施方案（征求意见稿）"
    assert (f.doc_type, f.status, f.level) == ("实施方案", "征求意见稿", "市")
    assert (f.city, f.province, f.year, f.year_rule) == ("广元市", "四川省", 2022, "doc_number")


def test_sample_002_notice_carrying_plan():
    f = facts_of("002")
    assert f == DocFacts(title="盘锦市推进教育高质量发展行动计划", doc_type="行动计划", city="盘锦市",
                         province="辽宁省", year=2019, year_rule="date", date="2019-05-30",
                         doc_number="盘政办发〔2019〕24号", issuer="盘锦市人民政府办公室",
                         level="市", index_number="pjsrmzf-2019-000657")


def test_sample_003_web_meta():
    f = facts_of("003")
    assert f.title == "攀枝花市均衡配置义务教育资源促进教育公平专项改革方案"
    assert (f.city, f.province, f.date, f.doc_number) == ("攀枝花市", "四川省", "2015-01-22", "攀办发〔2015〕2号")
    assert f.issuer == "攀枝花市人民政府办公室"


def test_sample_004_time_line_and_source():
    f = facts_of("004")
    assert (f.title, f.doc_type) == ("张家口市推进教育高质量发展实施方案", "实施方案")
    assert (f.city, f.province, f.year, f.date) == ("张家口市", "河北省", 2021, "2021-11-09")
    assert f.issuer == "张家口市教育局"


# --- other evidence ------------------------------------------------------------------------

def test_lawrefbook_national_law():
    text = ("# 中华人民共和国学位法\n\n2024年4月26日 第十四届全国人民代表大会常务委员会第九次会议通过\n\n"
            "<!-- INFO END -->\n\n## 第一章 总 则\n\n第一条 为了规范学位授予工作，制定本法。\n")
    f = facts_text(text, "学位法(2024-04-26).md")
    assert (f.title, f.doc_type, f.city, f.province) == ("中华人民共和国学位法", "法", "", "全国")
    assert (f.year, f.date, f.issuer) == (2024, "2024-04-26", "全国人民代表大会常务委员会")


def test_local_regulation_and_municipality():
    text = "# 北京市中小学校管理条例\n\n<!-- INFO END -->\n\n第一条 为了……制定本条例。\n"
    f = facts_text(text, "北京市中小学校管理条例.md")
    assert (f.city, f.province, f.year, f.year_rule) == ("北京市", "北京市", None, "")


def test_district_issuer_with_own_doc_number_and_signature():
    text = ("北京市朝阳区教育委员会关于印发《朝阳区课后服务工作方案》的通知\n朝教发〔2021 〕8号\n"
            "各中小学：\n现将方案印发给你们，请认真执行。\n北京市朝阳区教育委员会\n2021年9月1日\n"
            "朝阳区课后服务工作方案\n一、总体要求\n坚持……（2017-2020年）")
    f = facts_text(text)
    assert (f.title, f.doc_type) == ("朝阳区课后服务工作方案", "工作方案")
    assert (f.city, f.province) == ("朝阳区", "北京市")
    assert (f.doc_number, f.date, f.issuer) == ("朝教发〔2021〕8号", "2021-09-01", "北京市朝阳区教育委员会")


def test_year_from_title_start_year():
    f = facts_text("某某县教育事业发展规划（2021-2025年）\n一、总体要求\n全面推进。")
    assert (f.year, f.year_rule) == (2021, "title")


def test_year_from_own_doc_number_beats_cited():
    f = facts_text("蔚县教育振兴方案\n蔚政发〔2020〕3号\n根据冀政发〔2019〕5号、冀教〔2021〕9号……\n一、目标")
    assert (f.doc_number, f.year, f.year_rule) == ("蔚政发〔2020〕3号", 2020, "doc_number")
    assert (f.city, f.province) == ("蔚县", "河北省")


def test_apply_overrides():
    warnings = []
    f = apply_overrides(facts_of("000"), {"year": "2017", "city": "盘锦市", "title": "某方案",
                                           "colour": "red"}, warnings)
    assert (f.year, f.year_rule, f.city, f.province, f.doc_type) == (2017, "meta", "盘锦市", "辽宁省", "方案")
    assert warnings and "colour" in warnings[0]
    f = apply_overrides(DocFacts(), {"date": "2020年3月5日", "doc_number": "冀教[2020]1号"})
    assert (f.date, f.year, f.year_rule, f.doc_number) == ("2020-03-05", 2020, "meta", "冀教〔2020〕1号")


def test_issuer_from_title_and_national_ministry():
    f = facts_text("盘锦市委宣传部关于开展读书活动的通知\n一、活动内容")
    assert (f.issuer, f.city, f.province, f.doc_type) == ("盘锦市委宣传部", "盘锦市", "辽宁省", "通知")
    f = facts_text("教育部等九部门关于印发《“十四五”县域普通高中发展提升行动计划》的通知\n教基〔2021〕8号\n一、")
    assert (f.title, f.province, f.city, f.doc_number) == ("“十四五”县域普通高中发展提升行动计划", "全国", "",
                                                          "教基〔2021〕8号")


def test_place_names_are_found_leftmost_then_longest_without_overlap():
    """What a regex alternation of every name, longest first, finds: 黑龙江省宁安市 is two
    names back to back; 北京市朝阳区 is 北京市 then 朝阳区, not 北京 or 朝阳; two-character
    names count only at the start, after 中共 or right after another name."""
    from analyzers.places import find_places
    names = lambda t: [(m.start, m.name) for m in find_places(t)]
    assert names("黑龙江省宁安市教育局") == [(0, "黑龙江省"), (4, "宁安市")]
    assert names("关于北京市朝阳区的通知") == [(2, "北京市"), (5, "朝阳区")]
    assert names("中共盘锦市委 盘锦市人民政府") == [(2, "盘锦市"), (7, "盘锦市")]
    assert names("三明市沙县区教育局") == [(0, "三明市"), (3, "沙县区")]      # not 沙县
    assert names("") == [] and names("没有地名的一句话") == []
    text = "张家口市、宁安市和海淀区"
    assert [text[m.start:m.end] for m in find_places(text)] == ["张家口市", "宁安市", "海淀区"]
