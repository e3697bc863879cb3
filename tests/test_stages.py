import re
from pathlib import Path

import pytest

from analyzers.stages import (GENERAL, STAGES, classify_stages, default_table, explain_stages,
                              parse_keyword_table)

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
FILLER = "完善工作机制。加强统筹协调。明确责任分工。强化督促检查。"   # four stage-free sentences


# --- hand-made cases, one per rule ---------------------------------------------------

def test_section_heading_labels_items_that_do_not_repeat_the_word():
    path = ["三、科学推进学前教育建设,提升普及普惠水平"]
    assert classify_stages("合理安排农村办学点布局,满足就近需求。" + FILLER,
                           heading="合理安排布局", path=path) == ["学前教育"]


def test_own_heading_labels_the_clause():
    assert classify_stages("制定提升计划。" + FILLER, heading="办好特殊教育") == ["特殊教育"]


def test_nearest_level_naming_a_stage_wins_over_the_chapter():
    got = classify_stages("加强机构建设。" + FILLER, heading="创新发展老年教育、社区教育",
                          path=["六、加快现代化职业教育发展"])
    assert got == ["终身教育"]


def test_passing_mention_in_a_long_clause_does_not_label():
    text = "加强师德建设。" + FILLER + "支持高校开展师德研究。"
    assert classify_stages(text) == []
    assert explain_stages(text).scores["高等教育"] > 0        # seen, but below threshold


def test_repeated_text_evidence_labels_a_long_clause():
    text = "支持高校开展研究。" + FILLER + "推进高校评价改革。"
    assert classify_stages(text) == ["高等教育"]


def test_single_mention_in_a_one_sentence_clause_is_its_topic():
    assert classify_stages("加强特殊教育学校建设。") == ["特殊教育"]


def test_enumeration_of_four_stages_is_a_general_statement():
    teachers = ("加强教师思想政治教育。全面落实新时代幼儿园、中小学、高校教师职业行为十项准则。"
                "建立教师宣誓制度。")
    assert classify_stages(teachers) == []
    goals = ("到2025年,基本建成高质量教育体系。全市学前教育毛入园率达到92%;义务教育巩固率达到98%;"
             "高中阶段教育毛入学率达到95%;职业教育与产业深度融合,高等教育质量显著提升。")
    ev = explain_stages(goals, path=["一、总体要求"])
    assert ev.stages == [] and ev.general_sentences == 1
    assert ev.label == [GENERAL]
    # the same rule applies to headings
    assert classify_stages("统筹推进。", heading="统筹学前教育、义务教育、普通高中、高等教育发展") == []


def test_three_named_stages_in_one_sentence_are_specific():
    got = classify_stages("统筹学前教育、义务教育和普通高中教育发展。")
    assert got == ["学前教育", "义务教育", "普通高中"]


def test_title_is_a_weak_default_context():
    title = "广元市“十四五”县域普通高中发展提升行动计划实施方案"
    assert classify_stages("完善考核机制。" + FILLER, title=title) == ["普通高中"]
    assert classify_stages("完善考核机制。" + FILLER, title="推进教育高质量发展行动计划") == []
    # a section naming another stage overrides the title
    assert classify_stages("扩大招生规模。" + FILLER, path=["三、大力发展中等职业教育"],
                           title=title) == ["职业教育"]
    # but the title alone is weaker than a section: not used at all there
    assert explain_stages("扩大招生规模。", path=["三、大力发展中等职业教育"],
                          title=title).title_used is False


def test_longest_keyword_wins_overlaps():
    assert classify_stages("办好职业高中。") == ["职业教育"]              # not 普通高中
    assert classify_stages("提高中等职业教育质量。") == ["职业教育"]      # 提高中 is not 高中
    assert classify_stages("建设老年大学。") == ["终身教育"]              # not 高等教育
    assert classify_stages("加强大中小学思政课一体化建设。") == []        # all levels
    assert classify_stages("专项治理在职教师有偿补课。") == []            # 在职教师 ≠ 职教


def test_middle_and_primary_schools_span_two_stages():
    assert classify_stages("开展中小学体育活动。") == ["义务教育", "普通高中"]
    one = "开展中小学体育活动。" + FILLER
    assert classify_stages(one) == []


def test_weak_evidence_is_resolved_by_context():
    assert classify_stages("基本消除大班额现象。") == ["义务教育"]
    got = classify_stages("基本消除大班额现象。" + FILLER + "化解大班额。",
                          heading="化解普通高中大班额大校额")
    assert got == ["普通高中"]
    # recruiting graduates is not higher education
    text = "引进重点师范类本科优秀毕业生和硕士研究生。" + FILLER + "提升研究生学历教师比例。"
    assert classify_stages(text, heading="健全县中教师补充机制") == ["普通高中"]


def test_senior_secondary_stage_covers_vocational_only_with_support():
    assert classify_stages("普及高中阶段教育。" + FILLER) == []
    title = "宁安市普及高中阶段教育攻坚计划"
    assert classify_stages("提高普及程度。" + FILLER, title=title) == ["普通高中"]
    assert classify_stages("提高普及程度。" + FILLER + "办好中职学校。", title=title) == [
        "普通高中", "职业教育"]


def test_result_in_vocabulary_order_and_explained():
    ev = explain_stages("加强高校建设,推进学前教育发展。")
    assert ev.stages == ["学前教育", "高等教育"]
    assert list(STAGES).index(ev.stages[0]) < list(STAGES).index(ev.stages[1])
    assert ("text", "高校") in ev.keywords and ev.threshold == 0.5


def test_keyword_table_parsing():
    table = parse_keyword_table("# c\n学前教育\t幼儿园\t1\n-\t大中小学\t0\n\n")
    assert table.weights == {"幼儿园": {"学前教育": 1.0}, "大中小学": {}}
    assert classify_stages("办好幼儿园。") == ["学前教育"]
    with pytest.raises(ValueError):
        parse_keyword_table("幼教\t幼儿园\t1\n")
    with pytest.raises(ValueError):
        parse_keyword_table("学前教育 幼儿园 1\n")
    assert len(default_table().weights) > 100


# --- sample documents ------------------------------------------------------------------

_CHAPTER = re.compile(r"^\s*([一二三四五六七八九十]+)、(.{1,60})$")
_ITEM = re.compile(r"^\s*[（(]([一二三四五六七八九十]+)[)）](.*)$")


def _clauses(name):
    """(label, heading, path, text) of numbered items; enough outline for these tests."""
    path_text = next(CORPUS.glob(name + "_*.txt"))
    chapter, out = "", []
    for line in path_text.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if _CHAPTER.match(line):
            chapter = line
        elif m := _ITEM.match(line):
            out.append([m.group(1), m.group(2).split("。")[0], [chapter], m.group(2)])
        elif out and line:
            out[-1][3] += "\n" + line
    return out


def _stages_of(name, title):
    return {label: classify_stages(text, heading, path, title)
            for label, heading, path, text in _clauses(name)}


TITLE_004 = "张家口市推进教育高质量发展实施方案"


def test_sample_004_preschool_chapter_labels_its_items():
    got = _stages_of("004", TITLE_004)
    for label in ("三", "四", "五"):
        assert got[label] == ["学前教育"], label
    # (五) is about 婴幼儿照护 and never says 学前教育
    text = next(t for lab, _, _, t in _clauses("004") if lab == "五")
    assert "学前教育" not in text and "幼儿园" not in text


def test_sample_004_special_lifelong_and_teacher_clauses():
    got = _stages_of("004", TITLE_004)
    # special education that guarantees 义务教育 for disabled children: both
    assert got["十三"] == ["义务教育", "特殊教育"]
    # 老年教育、社区教育 filed in the 职业教育 chapter
    assert got["二十二"] == ["终身教育"]
    # 师德师风 with a passing 幼儿园、中小学、高校教师
    assert got["二十六"] == []
    for label in ("十七", "十八", "十九", "二十", "二十一"):
        assert got[label] == ["职业教育"], label
    for label in ("二十三", "二十四", "二十五"):
        assert got[label] == ["高等教育"], label


def test_sample_004_goals_paragraph_is_general():
    text = (CORPUS / next(p.name for p in CORPUS.glob("004_*.txt"))).read_text("utf-8")
    goals = next(line for line in text.splitlines() if line.startswith("到2025年,基本建成"))
    assert classify_stages(goals, path=["一、总体要求"], title=TITLE_004) == []


def test_sample_001_county_high_school_plan():
    got = _stages_of("001", "广元市“十四五”县域普通高中发展提升行动计划实施方案")
    assert got and all(stages == ["普通高中"] for stages in got.values()), got


def test_sample_003_compulsory_education_plan():
    title = "攀枝花市均衡配置义务教育资源促进教育公平专项改革方案"
    got = _stages_of("003", title)
    assert got and all("义务教育" in stages for stages in got.values()), got
    assert all("高等教育" not in s and "学前教育" not in s for s in got.values())
