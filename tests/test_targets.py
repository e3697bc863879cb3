"""Quantitative targets (指标) read from one clause: analyzers/targets.py."""
import dataclasses
from pathlib import Path

import pytest

from analyzers.targets import (INDICATORS_PATH, Target, extract_targets, indicator_name, load_indicators,
                               parse_indicators)

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def facts(text):
    """(indicator, key, comparator, value, unit, year, scope) of each target, in order."""
    return [(t.indicator, t.indicator_key, t.comparator, t.value, t.unit, t.year, t.scope)
            for t in extract_targets(text)]


def one(text):
    got = extract_targets(text)
    assert len(got) == 1, got
    return got[0]


# --- the patterns of the brief, one each -----------------------------------------------------

def test_enrolment_rate_with_deadline_and_scope():
    assert facts("到2020年，全市高中阶段教育毛入学率达到90%以上") == [
        ("高中阶段教育毛入学率", "高中阶段毛入学率", "≥", 90.0, "%", 2020, "全市")]


def test_class_size_caps_second_inherits_the_indicator():
    assert facts("到2022年,实现小学班额不超过45人,初中不超过50人") == [
        ("小学班额", "班额·小学", "≤", 45.0, "人", 2022, ""),
        ("初中班额", "班额·初中", "≤", 50.0, "人", 2022, "")]


def test_eliminating_large_classes_is_a_strict_cap():
    assert facts("全面消除56人以上大班额") == [("班额", "班额", "<", 56.0, "人", None, "")]
    assert facts("逐步化解66人以上超大班额")[0][2:4] == ("<", 66.0)


def test_count_to_add_is_a_floor():
    assert facts("全市新增普惠性幼儿园100所") == [
        ("新增普惠性幼儿园", "新增普惠性幼儿园", "≥", 100.0, "所", None, "全市")]


def test_training_hours_take_the_noun_after_the_value():
    t = one("每位教研员每年接受不少于72课时的培训")
    assert (t.indicator, t.indicator_key, t.comparator, t.value, t.unit) == ("教研员培训", "教研员培训学时", "≥", 72.0, "课时")
    assert t.span == "每位教研员每年接受不少于72课时的培训"


def test_ratio_one_to_x():
    assert facts("师生比1:12.5") == [("师生比", "师生比", "=", 12.5, "1:", None, "")]
    assert facts("全面达到师生比1：12.5的国家规定标准")[0][3:5] == (12.5, "1:")     # full-width colon
    assert facts("生师比不高于19:1") == [("生师比", "生师比", "≤", 19.0, ":1", None, "")]


def test_quota_places_to_schools():
    assert facts("优质普通高中指标到校不低于50%") == [
        ("优质普通高中指标到校", "优质高中指标到校比例", "≥", 50.0, "%", None, "")]


def test_coverage_rate_reached_is_a_floor():
    assert facts("普惠性幼儿园覆盖率达到80%") == [
        ("普惠性幼儿园覆盖率", "普惠性幼儿园覆盖率", "≥", 80.0, "%", None, "")]


# --- deadlines -------------------------------------------------------------------------

@pytest.mark.parametrize("text, year", [
    ("到2025年，普惠性幼儿园覆盖率达到85%", 2025),
    ("2022年底前，普惠性幼儿园覆盖率达到85%", 2022),
    ("2023年前，普惠性幼儿园覆盖率达到85%", 2023),
    ("在2024年底前，普惠性幼儿园覆盖率达到85%", 2024),
    ("到“十四五”末，普惠性幼儿园覆盖率达到85%", 2025),
    ("“十四五”期间，普惠性幼儿园覆盖率达到85%", 2025),
    ("十四五期间，普惠性幼儿园覆盖率达到85%", 2025),
    ("到“十三五”末，普惠性幼儿园覆盖率达到85%", 2020),
    ("“十五五”时期，普惠性幼儿园覆盖率达到85%", 2030),
    ("落实“十四五”规划，普惠性幼儿园覆盖率达到85%", None),          # 十四五 by itself is no deadline
    ("截至2018年底前后，普惠性幼儿园覆盖率达到85%", None),            # a status date, and a past figure
    ("截至2018年底，普惠性幼儿园覆盖率达到85%", None),
    ("在2020年基础上，普惠性幼儿园覆盖率达到85%", None),              # a baseline
])
def test_deadline_forms(text, year):
    got = extract_targets(text)
    assert [t.year for t in got] == ([year] if "截至" not in text else [])


def test_two_stages_in_one_sentence_keep_their_own_years():
    got = facts("2019年，学前三年毛入园率达到85%；到2022年，学前三年毛入园率达到90%。")
    assert [(k, v, y) for _, k, _, v, _, y, _ in got] == [("学前教育毛入园率", 85.0, 2019),
                                                          ("学前教育毛入园率", 90.0, 2022)]


def test_year_stated_earlier_in_the_clause_carries_on():
    got = facts("到2020年，全县九年义务教育巩固率达到95%；学前三年毛入园率达到85%。")
    assert [(y, s) for *_, y, s in got] == [(2020, "全县"), (2020, "")]
    # the same sentence in a clause of its own has no year: only within the clause
    assert facts("学前三年毛入园率达到85%。")[0][5] is None


def test_year_does_not_cross_an_unrelated_sentence():
    text = "到2022年,建成100所校园足球特色学校。强化学校美育育人功能。确保全市学生总体近视率每年下降0.5个百分点。"
    got = extract_targets(text)
    assert [(t.indicator_key, t.year) for t in got] == [("校园足球特色学校", 2022), ("近视率年降幅", None)]
    assert (got[1].indicator, got[1].comparator, got[1].value, got[1].unit, got[1].scope) == \
        ("学生总体近视率年降幅", "≥", 0.5, "个百分点", "全市")


def test_deadline_later_in_the_clause_does_not_apply_backwards():
    got = facts("每位教研员每年接受不少于72课时的培训。在2022年底前，完善教师培训制度。")
    assert got[0][5] is None


# --- comparators -----------------------------------------------------------------------

@pytest.mark.parametrize("phrase, comparator, value", [
    ("达到90%以上", "≥", 90.0), ("不低于90%", "≥", 90.0), ("不少于90%", "≥", 90.0),
    ("至少90%", "≥", 90.0), ("达到90%", "≥", 90.0), ("保持在90%以上", "≥", 90.0),
    ("不超过20%", "≤", 20.0), ("不高于20%", "≤", 20.0), ("控制在20%以内", "≤", 20.0),
    ("在20%以下", "≤", 20.0), ("不得超过20%", "≤", 20.0), ("降至20%", "≤", 20.0),
    ("低于20%", "<", 20.0), ("少于20%", "<", 20.0), ("高于20%", ">", 20.0), ("超过20%", ">", 20.0),
    ("达到20%左右", "=", 20.0), ("达到百分之九十以上", "≥", 90.0),
])
def test_comparator_words(phrase, comparator, value):
    t = one("全市学生体质健康达标率" + phrase + "。")
    assert (t.indicator, t.indicator_key, t.comparator, t.value, t.unit, t.scope) == \
        ("学生体质健康达标率", "体质健康达标率", comparator, value, "%", "全市")


def test_bare_suffix_only_after_a_known_indicator():
    assert facts("小学班额45人以下，初中班额50人以下。") == [
        ("小学班额", "班额·小学", "≤", 45.0, "人", None, ""), ("初中班额", "班额·初中", "≤", 50.0, "人", None, "")]
    # 死亡1人以上 is a definition, not a goal
    assert facts("重大事故是指发生学生死亡1人以上，或者重伤2人以上。") == []


def test_respectively_pairs_items_with_values():
    assert facts("到2020年，全市小学、初中、普通高中班额分别控制在45人、50人、55人以内。") == [
        ("小学班额", "班额·小学", "≤", 45.0, "人", 2020, "全市"),
        ("初中班额", "班额·初中", "≤", 50.0, "人", 2020, "全市"),
        ("普通高中班额", "班额·普通高中", "≤", 55.0, "人", 2020, "全市")]
    assert facts("小学、初中班额分别不超过45人。") == []          # values and items do not pair up


@pytest.mark.parametrize("scope", ["全市", "全省", "全县", "全区", "县域", "城区", "农村", "乡村", "城乡", "市域"])
def test_scope_words(scope):
    t = one(f"到2025年，{scope}义务教育巩固率达到97%")
    assert (t.scope, t.indicator, t.indicator_key, t.year) == (scope, "义务教育巩固率", "九年义务教育巩固率", 2025)


def test_collective_county_scope_and_full_width_input():
    t = one("各县（市、区）普惠性幼儿园覆盖率达到８０％以上")
    assert (t.scope, t.indicator_key, t.comparator, t.value, t.unit) == ("各县（市、区）", "普惠性幼儿园覆盖率", "≥", 80.0, "%")
    assert t.span == "各县（市、区）普惠性幼儿园覆盖率达到８０％以上"          # cut from the original text


# --- not targets -----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "2020年3月，市政府印发实施方案。",                                        # a date
    "第十二条 县级以上人民政府应当统筹规划。",                                  # an article number
    "根据(教基〔2017〕1号)和(黑政规〔2017〕17号)精神，制定本方案。",            # 文号
    "《关于确保学前三年毛入园率达到85%的意见》已经印发。",                      # a percentage in a title
    "全市已建成标准化学校50所。",                                              # past achievements
    "现有普通高中12所，共有教师5000人。",
    "截至2018年底，全市有幼儿园120所，普惠性幼儿园覆盖率达到70%。",
    "全市在校生比上年增长5%。",
    "目前全市学前三年毛入园率达到88%。",
    "市财政安排专项资金500万元用于校舍维修。",                                 # a budget line
    "1. 加大投入力度。2. 保障运转经费。第3页",                                  # numbering, pages
    "深入实施“十四五”规划。",                                                  # 十四五 by itself
    "为3-6岁儿童提供普惠性学前教育服务，逐步建构0—3岁婴幼儿托育服务体系。",      # ages
    "本条例适用于招收三周岁以上学龄前幼儿的幼儿园。",
    "56人以上大班额比例明显下降。",                                            # no 消除/化解: a description
    "遴选1—2所职业院校与德国开展合作交流，培养学生1—2项艺术特长。",             # ranges
    "在巩固和完善校园安防建设“6个100%”标准要求的基础上加强安防信息化建设。",
    "城镇中小学教师申报高级职称，须有在农村学校任教1年以上经历。",               # a condition, not a target
    "确保义务教育阶段学校教师平均工资水平不低于当地公务员平均工资水平。",        # no number
])
def test_not_targets(text):
    assert extract_targets(text) == []


# --- real sentences from the five sample plans -----------------------------------------------

def test_sample_ningan_goal():
    assert facts("到2020年,全市普及高中阶段教育（包括普通高中、职业高中、技工学校）,满足初中毕业生接受有质量的"
                 "高中阶段教育需要。全市高中阶段教育毛入学率达到90%以上,普通高中与中等职业教育结构合理") == [
        ("高中阶段教育毛入学率", "高中阶段毛入学率", "≥", 90.0, "%", 2020, "全市")]


def test_sample_guangyuan_class_and_school_size():
    text = ("实施化解普通高中大班额专项行动，加大消除大班额专项规划实施力度，确保到2023年全面消除55人以上大班额。"
            "结合实际制订大校额学校压减实施方案，积极稳妥化解大规模学校，到2025年全面消除5000人以上普通高中校点。"
            "保持县中适度规模，普通高中新入学年级班额不得超过55人，新建学校规模不得超过3000人。")
    assert facts(text) == [
        ("班额", "班额", "<", 55.0, "人", 2023, ""),
        ("普通高中校点", "校额·普通高中", "<", 5000.0, "人", 2025, ""),
        ("普通高中新入学年级班额", "班额·普通高中", "≤", 55.0, "人", 2025, ""),
        ("新建学校规模", "校额", "≤", 3000.0, "人", 2025, "")]


def test_sample_guangyuan_schools_to_build_and_keep():
    text = ("新建、合并、撤销一批普通高中，全市保持公办普通高中学校18所。到2025年，全市新改扩建普通高中12所，"
            "创建省一级示范性普通高中（省级引领性示范普通高中和特色办学普通高中）6所，新创建省二级示范性普通高中6所。")
    assert facts(text) == [
        ("公办普通高中学校", "公办普通高中学校", "=", 18.0, "所", None, "全市"),
        ("新改扩建普通高中", "新建改扩建学校·普通高中", "≥", 12.0, "所", 2025, "全市"),
        ("创建省一级示范性普通高中", "创建省一级示范性普通高中", "≥", 6.0, "所", 2025, ""),
        ("新创建省二级示范性普通高中", "新创建省二级示范性普通高中", "≥", 6.0, "所", 2025, "")]


def test_sample_guangyuan_ratio_and_spending_standard():
    assert facts("依照标准条件及时补充，到2023年，全面达到师生比1:12.5的国家规定标准，全面解决总量不足") == [
        ("师生比", "师生比", "=", 12.5, "1:", 2023, "")]
    assert facts("普通高中生均公用经费拨款标准每生每年1000元已经达到的县区，不得降低标准") == [
        ("普通高中生均公用经费拨款标准", "生均公用经费·普通高中", "=", 1000.0, "元", None, "")]


def test_sample_guangyuan_long_phrase_keeps_its_head():
    t = one("2023年前完成县级应急指挥安全防控平台建设，2025年前校门口安装或更换具有人脸识别功能的图像采集装置"
            "及联网率达到100%，并接入公安机关监控报警平台")
    assert (t.indicator, t.comparator, t.value, t.unit, t.year) == ("图像采集装置及联网率", "≥", 100.0, "%", 2025)


def test_sample_panjin_preschool_shares():
    assert facts("逐步建构0—3岁婴幼儿托育服务体系。到2020年,普惠性幼儿园在园儿童占比达到80%以上,"
                 "在公办幼儿园的幼儿数占比达到50%。") == [
        ("普惠性幼儿园在园儿童占比", "普惠性幼儿园覆盖率", "≥", 80.0, "%", 2020, ""),
        ("公办幼儿园的幼儿数占比", "公办园在园幼儿占比", "≥", 50.0, "%", 2020, "")]


def test_sample_panjin_compulsory_goals():
    text = ("到2020年,完成全省高中阶段学校考试招生制度改革试点工作。到2019年底,全面消除56人以上大班额,到2022年,"
            "实现小学班额不超过45人,初中不超过50人,基本消除大校额。全市残疾儿童少年入学率达到96%以上。")
    assert facts(text) == [
        ("班额", "班额", "<", 56.0, "人", 2019, ""),
        ("小学班额", "班额·小学", "≤", 45.0, "人", 2022, ""),
        ("初中班额", "班额·初中", "≤", 50.0, "人", 2022, ""),
        ("残疾儿童少年入学率", "残疾儿童入学率", "≥", 96.0, "%", 2022, "全市")]


def test_sample_panjin_funding_and_allowance():
    text = ("落实地方教育附加费用于职业教育的比例不低于30%的政策。完善学生资助政策。"
            "严格落实班主任300元/月津贴标准。严格落实农村教师差别化补贴政策。")
    assert facts(text) == [
        ("地方教育附加费用于职业教育的比例", "教育费附加用于职业教育比例", "≥", 30.0, "%", None, ""),
        ("班主任津贴", "班主任津贴", "=", 300.0, "元/月", None, "")]


def test_sample_panjin_counts_about_and_at_least():
    assert facts("到2022年,依托联盟培育10个左右产教融合型企业。") == [
        ("培育产教融合型企业", "培育产教融合型企业", "=", 10.0, "个", 2022, "")]
    assert facts("到2022年,盘锦职业技术学院进入行列,建设4个高水平特色专业(群)。") == [
        ("建设高水平特色专业", "建设高水平特色专业", "≥", 4.0, "个", 2022, "")]


def test_sample_panzhihua_exchange_and_quota_shares():
    assert facts("到2018年,县域内校长教师交流比例达到10%左右。") == [
        ("校长教师交流比例", "教师交流轮岗比例", "=", 10.0, "%", 2018, "县域")]
    assert facts("到2017年“三通”(注释①)通达率达到90%。")[0][1:6] == ("三通通达率", "≥", 90.0, "%", 2017)
    got = facts("适度提高优质高中招生名额均衡分配到区域内初中的比例并达到50%以上。"
                "确保片区内招生人数占总招生人数的比例达到90%以上。")
    assert [(k, c, v) for _, k, c, v, *_ in got] == [("优质高中指标到校比例", "≥", 50.0),
                                                      ("片区内招生人数占总招生人数的比例", "≥", 90.0)]


def test_sample_panzhihua_special_school_funding_standard():
    t = one("实施《特殊教育提升计划(2014~2016年)》,通过多种形式扩大残疾儿童少年义务教育规模,"
            "到2016年按照6000元/生·年的标准落实义务教育阶段特殊教育学校生均公用经费,支持普通学校开办特殊教育班")
    assert (t.indicator, t.indicator_key, t.comparator, t.value, t.unit, t.year) == \
        ("义务教育阶段特殊教育学校生均公用经费", "生均公用经费·特殊教育", "=", 6000.0, "元", 2016)


def test_sample_zhangjiakou_goals_paragraph():
    text = ("到2025年,基本建成高质量教育体系,教育现代化取得显著进展。全市城乡学前教育实现全覆盖,学前教育毛入园率达到92%;"
            "义务教育优质均衡发展取得实质性进展,义务教育巩固率达到98%;高中阶段教育普及水平得到进一步提升,"
            "高中阶段教育毛入学率达到95%;职业教育与产业深度融合。")
    assert [(k, v, y) for _, k, _, v, _, y, _ in facts(text)] == [
        ("学前教育毛入园率", 92.0, 2025), ("九年义务教育巩固率", 98.0, 2025), ("高中阶段毛入学率", 95.0, 2025)]


def test_sample_zhangjiakou_schools_listed_after_one_verb():
    text = ("到2022年,建成100所校园足球特色学校、10所教育部奥林匹克教育示范学校、10所教育部冰雪运动特色学校,"
            "市级冰雪运动特色学校达到100所。")
    assert [(i, c, v, u, y) for i, _, c, v, u, y, _ in facts(text)] == [
        ("校园足球特色学校", "≥", 100.0, "所", 2022), ("教育部奥林匹克教育示范学校", "≥", 10.0, "所", 2022),
        ("教育部冰雪运动特色学校", "≥", 10.0, "所", 2022), ("市级冰雪运动特色学校", "≥", 100.0, "所", 2022)]


def test_sample_zhangjiakou_kindergartens():
    text = ("2021年,张北县、康保县、尚义县、蔚县、阳原县、经开区新建、改扩建幼儿园8所,全市至少认定普惠性民办园15所。"
            "到2025年,全市新增普惠性幼儿园100所,普惠性幼儿园覆盖率达到85%。")
    assert facts(text) == [
        ("新建、改扩建幼儿园", "新建改扩建学校·学前", "≥", 8.0, "所", 2021, ""),
        ("认定普惠性民办园", "认定普惠性民办园", "≥", 15.0, "所", 2021, "全市"),
        ("新增普惠性幼儿园", "新增普惠性幼儿园", "≥", 100.0, "所", 2025, "全市"),
        ("普惠性幼儿园覆盖率", "普惠性幼儿园覆盖率", "≥", 85.0, "%", 2025, "")]


def test_sample_zhangjiakou_teacher_exchange_with_denominator():
    text = ("城镇学校、优质学校每学年教师交流轮岗比例不低于符合交流条件教师总数的10%,"
            "其中骨干教师交流轮岗比例不低于交流总数的20%。")
    assert [(k, c, v, u) for _, k, c, v, u, _, _ in facts(text)] == [
        ("教师交流轮岗比例", "≥", 10.0, "%"), ("骨干教师交流轮岗比例", "≥", 20.0, "%")]


def test_sample_zhangjiakou_homework_time():
    text = ("要确保小学一、二年级不布置家庭书面作业,可在校内适当安排巩固练习;小学三至六年级书面作业平均完成时间"
            "不超过60分钟,初中书面作业平均完成时间不超过90分钟。")
    assert [(k, c, v, u) for _, k, c, v, u, _, _ in facts(text)] == [
        ("书面作业时间·小学", "≤", 60.0, "分钟"), ("书面作业时间·初中", "≤", 90.0, "分钟")]


def test_sample_daily_sport_hour():
    assert facts("加强和改进劳动教育。切实保证中小学生每天一小时校园体育活动,推动校园足球普及与提高。") == [
        ("校园体育活动时间", "体育活动时间", "≥", 1.0, "小时", None, "")]
    # 学校体育工作条例: the same promise, worded 每天有1小时…的时间; 3次以上 is a frequency
    assert facts("每周安排3次以上课外体育活动，保证学生每天有1小时体育活动的时间(含体育课)。")[0][1:5] == \
        ("体育活动时间", "≥", 1.0, "小时")


def test_sample_zhangjiakou_migrant_children_and_frequencies():
    assert facts("到2025年,全市进城务工人员随迁子女在公办学校就读比例达到90%以上。") == [
        ("进城务工人员随迁子女在公办学校就读比例", "随迁子女公办学校就读比例", "≥", 90.0, "%", 2025, "全市")]
    # frequencies (次) and per-county facilities are no indicator values
    assert facts("市、县(区)党政主要负责同志每年深入教育一线调研不得少于2次、每年为师生上思政课1次,包联1所学校。") == []


def test_corpus_target_counts():
    counts = {}
    for path in sorted(CORPUS.glob("*.txt")):
        counts[path.name[:3]] = sum(len(extract_targets(line))
                                    for line in path.read_text(encoding="utf-8").splitlines())
    assert counts == {"000": 3, "001": 14, "002": 12, "003": 6, "004": 19}


def test_eliminating_big_classes_without_a_number_uses_the_national_cap():
    # 大班额 = 56 人及以上, 超大班额 = 66 人及以上 (教育部); a stated number wins
    assert facts("到2020年，基本消除普通高中大班额现象。") == [
        ("普通高中班额", "班额·普通高中", "<", 56.0, "人", 2020, "")]
    assert facts("基本消除县镇超“大班额”现象。")[0][2:5] == ("<", 66.0, "人")
    assert [f[3] for f in facts("实施化解大班额专项行动，全面消除55人以上大班额。")] == [55.0]
    assert facts("已基本消除大班额。") == []


# --- education regulations (lawrefbook) -----------------------------------------------

def test_law_chinese_numerals_land_area_and_radius():
    # 焦作市中小学校幼儿园规划建设条例
    assert facts("（二）每千人口按四十名初中学生配建相应规模初中，生均用地面积不低于二十六平方米，"
                 "服务半径不宜大于一千米；") == [
        ("生均用地面积", "生均用地面积", "≥", 26.0, "平方米", None, ""),
        ("服务半径", "服务半径", "≤", 1000.0, "米", None, "")]


def test_law_university_establishment_thresholds():
    # 普通高等学校设置暂行条例
    assert facts("具有副教授职务以上的专任教师人数，应当不低于本校(院)专任教师总数的10%；") == [
        ("具有副教授职务以上的专任教师人数", "具有副教授职务以上的专任教师人数", "≥", 10.0, "%", None, "")]
    assert facts("(四)全日制在校学生计划规模在五千人以上；")[0][2:5] == ("≥", 5000.0, "人")


def test_law_daily_study_time_per_stage():
    # 学校卫生工作条例 第六条
    assert facts("学生每日学习时间(包括自习)，小学不超过六小时，中学不超过八小时，大学不超过十小时。") == [
        ("小学学习时间", "学习时间·小学", "≤", 6.0, "小时", None, ""),
        ("中学学习时间", "学习时间·中学", "≤", 8.0, "小时", None, ""),
        ("大学学习时间", "学习时间·高等教育", "≤", 10.0, "小时", None, "")]


def test_law_daily_sport_time():
    # 山东省学生体质健康促进条例 第十条
    t = one("第十条 学校应当通过早操、体育课和课外体育活动等形式，保证学生在校期间每天校园体育活动时间不少于一小时。")
    assert (t.indicator_key, t.comparator, t.value, t.unit) == ("体育活动时间", "≥", 1.0, "小时")


def test_law_class_size_per_class_wording():
    t = one("第十二条 幼儿园每班幼儿人数一般不超过30人。")
    assert (t.indicator, t.indicator_key, t.comparator, t.value) == ("幼儿园每班幼儿人数", "班额·学前", "≤", 30.0)


@pytest.mark.parametrize("text", [
    "第二条 本条例适用于招收三周岁以上学龄前幼儿，对其进行保育和教育的幼儿园。",                 # 幼儿园管理条例
    "学校应当定期组织教师进行健康检查，对年满四十五周岁的教师，每年组织一次健康检查。",           # 学校卫生工作条例
    "（一）园长应当具有中华人民共和国国籍，依法取得教师资格，有三年以上幼儿园工作经验；",          # 广州市幼儿园条例
    "逾期未改正的，停止招生、停止办园，没收违法所得，并处一万元以上五万元以下的罚款。",
    "（一）每三千人口区域内预留一所不低于六个班规模的幼儿园建设用地；",                           # 驻马店
    "（八）重大或者群体性伤害事故，是指发生学生死亡一人以上，或者重伤二人以上的受伤害事件；",       # 洛阳
    "第二十条 教龄满30年（女满25年）的中小学退休教师享受100％的退休金待遇。",                     # 北京 教师法办法
    "第二十五条 教师的平均工资水平应当不低于或者高于国家公务员的平均工资水平，并逐步提高。",       # 教师法
])
def test_law_not_targets(text):
    assert extract_targets(text) == []


# --- records, order, table -------------------------------------------------------------

def test_records_are_frozen_ordered_unique_and_spans_are_short_excerpts():
    text = "全市普惠性幼儿园覆盖率达到80%，" * 2 + "义务教育巩固率达到95%。" + "加强管理，" * 30 + "小学班额不超过45人。"
    got = extract_targets(text)
    assert [t.indicator_key for t in got] == ["普惠性幼儿园覆盖率", "九年义务教育巩固率", "班额·小学"]
    assert all(len(t.span) <= 80 and t.span in text for t in got)
    with pytest.raises(dataclasses.FrozenInstanceError):
        got[0].value = 1.0
    assert isinstance(got[0], Target) and extract_targets("") == []


def test_table_parsing_is_lenient_and_gaps_match_in_order(tmp_path):
    table = parse_indicators("# comment\n"
                             "高中阶段…毛入学率\t高中阶段毛入学率\t高中阶段教育毛入学率\n"
                             "毛入学率\t毛入学率\t毛入学率\t是\n"
                             "only two\tfields\n"
                             "\n"
                             "\t空写法\t名称\n")
    assert len(table.rows) == 2
    assert table.lookup("高中阶段教育毛入学率") == ("高中阶段毛入学率", False)     # longest form wins
    assert table.lookup("毛入学率高中阶段") == ("毛入学率", True)                   # pieces must keep their order
    assert table.lookup("巩固率") is None
    assert load_indicators(tmp_path / "missing.tsv").rows == ()
    assert load_indicators() is load_indicators(INDICATORS_PATH)                   # read once, cached


def test_table_rows_required_by_the_brief():
    table = load_indicators()
    for written, key in [("学前三年毛入园率", "学前教育毛入园率"), ("毛入园率", "学前教育毛入园率"),
                         ("高等教育毛入学率", "高等教育毛入学率"), ("九年义务教育巩固率", "九年义务教育巩固率"),
                         ("公办园在园幼儿占比", "公办园在园幼儿占比"), ("普职比", "普职比"),
                         ("教师学历达标率", "教师学历达标率"), ("新增学位", "新增学位"), ("寄宿床位", "寄宿床位"),
                         ("残疾儿童入学率", "残疾儿童入学率"), ("学生体质健康达标率", "体质健康达标率"),
                         ("近视率", "近视率")]:
        assert table.lookup(written)[0] == key, written


def test_indicator_names():
    assert indicator_name("班额·小学") == "小学班额"
    assert indicator_name("高中阶段毛入学率") == "高中阶段教育毛入学率"
    assert indicator_name("生均公用经费·普通高中") == "生均公用经费（普通高中）"
    assert indicator_name("片区内招生比例") == "片区内招生比例"
