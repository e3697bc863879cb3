"""Outline parser: body paragraphs → clauses (label, heading, path, text, kind)."""
from __future__ import annotations

import pytest

from indexer.numbering import cn_to_int, parse_number
from indexer.outline import split_clauses, split_heading
from indexer.records import ANNOTATION, CLAUSE, COVER


def paras(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def outline(text: str, title: str = "") -> list[tuple[str, list[str]]]:
    return [(c.label, c.path) for c in split_clauses(paras(text), title)]


# ---------------------------------------------------------------- numbering

def test_chinese_numerals():
    assert [cn_to_int(s) for s in ("一", "十", "十七", "二十", "一百", "二百零五", "一千二百六十",
                                   "三十二", "二〇一九", "12")] == [1, 10, 17, 20, 100, 205, 1260,
                                                                  32, 2019, 12]


@pytest.mark.parametrize("line,style,label", [
    ("一、总体目标", "cn_dun", "一、"),
    ("（一）提高普及程度。全市…", "cn_paren", "（一）"),
    ("(一)指导思想。以…", "cn_paren", "（一）"),
    ("1.加大投入力度。", "ar_dot", "1."),
    ("1、加大投入力度。", "ar_dot", "1."),
    ("１．加大投入力度。", "ar_dot", "1."),
    ("(1)学前教育", "ar_paren", "（1）"),
    ("①建设", "circled", "①"),
    ("第一条　为了规范…", "article", "第一条"),
    ("第一条 为了规范…", "article", "第一条"),
    ("第二百二十四条之一 组织、领导…", "article", "第二百二十四条之一"),
    ("第三章 学位授予", "law:章", "第三章"),
    ("第一编 总则", "law:编", "第一编"),
    ("注释①:“三通”是指", "note", "注释①"),
    ("注①“三通”是指", "note", "注释①"),
    ("附件1", "annex", "附件1"),
    ("## 第二章 学位工作体制", "md", "第二章"),
])
def test_number_styles(line, style, label):
    num = parse_number(line)
    assert (num.style, num.label) == (style, label)


@pytest.mark.parametrize("line", [
    "第十二条规定的情形，依照本法处理。",       # a citation, not an article
    "第三条第二款所称…",
    "第五条、第六条的规定适用于…",
    "一、二年级学生每天书面作业不超过…",       # a grade range, not an item
    "1.5亿元用于学校建设。",
    "2020年,全市…",
    "附件所列学校应当…",
])
def test_not_numbered(line):
    assert parse_number(line) is None


def test_split_heading():
    assert split_heading("总体目标") == ("总体目标", True)
    assert split_heading("提高普及程度。全市高中阶段教育毛入学率达到90%以上。") == ("提高普及程度", False)
    assert split_heading("主要目标：到2025年，全市…") == ("主要目标", False)
    # a single sentence with nothing after it has no separate heading
    assert split_heading("严格控制学生在校活动总量和作业量，切实减轻学生过重课业负担。")[0] == ""
    # a first sentence longer than a heading is just text
    long = "按照国家和省的总体规划和年度计划用好中央、省、市筹集的项目资金确保各年度建设任务按时完成。其他。"
    assert split_heading(long) == ("", False)


# ---------------------------------------------------------------- policy outline rules

def test_title_only_item_takes_following_paragraph_as_text():
    cl = split_clauses(paras("一、总体目标\n到2020年，全市普及高中阶段教育。\n二、主要任务\n（一）提高普及程度。全市…"))
    assert (cl[0].label, cl[0].heading, cl[0].path, cl[0].text) == ("一、", "总体目标", [], "到2020年，全市普及高中阶段教育。")
    # 二、 has no body of its own: not a clause, only on its child's path
    assert [(c.label, c.path) for c in cl] == [("一、", []), ("（一）", ["二、主要任务"])]
    assert (cl[1].heading, cl[1].text) == ("提高普及程度", "提高普及程度。全市…")


def test_levels_follow_styles_and_pop_back():
    text = """一、重点任务
（一）完善经费投入机制
1.加大投入力度。财政优化支出结构。
（1）市级。统筹整合。
（2）县级。加大支持。
2.保障运转经费。科学核定成本。
（二）加强教师队伍建设。补足配齐师资。
二、保障措施
（一）加强组织领导。统筹推进。"""
    assert outline(text) == [
        ("1.", ["一、重点任务", "（一）完善经费投入机制"]),
        ("（1）", ["一、重点任务", "（一）完善经费投入机制", "1.加大投入力度"]),
        ("（2）", ["一、重点任务", "（一）完善经费投入机制", "1.加大投入力度"]),
        ("2.", ["一、重点任务", "（一）完善经费投入机制"]),
        ("（二）", ["一、重点任务"]),
        ("（一）", ["二、保障措施"]),
    ]
    cl = split_clauses(paras(text))
    # an item with its own text and children is a clause too, before its children
    assert [c.label for c in cl].count("1.") == 1


def test_levels_are_detected_by_style_not_fixed_rank():
    # 1. used as the top level, （一） under it
    text = "1.总体要求\n（一）指导思想。坚持立德树人。\n（二）基本原则。坚持公平。\n2.主要任务\n（一）扩大资源。新建学校。"
    assert outline(text) == [("（一）", ["1.总体要求"]), ("（二）", ["1.总体要求"]), ("（一）", ["2.主要任务"])]


def test_labels_are_normalised():
    text = "一、任务\n(一)指导思想。坚持。\n1、补足师资。招聘。\n2．交流轮岗。推进。\n(1)市级。统筹。"
    assert [c.label for c in split_clauses(paras(text))] == ["（一）", "1.", "2.", "（1）"]


def test_unnumbered_paragraphs_belong_to_the_item_before():
    text = "（一）加强领导。统筹推进。\n各部门要密切配合。\n（二）营造氛围。广泛宣传。"
    cl = split_clauses(paras(text))
    assert [c.label for c in cl] == ["（一）", "（二）"]
    assert cl[0].text == "加强领导。统筹推进。\n各部门要密切配合。"


def test_preamble_and_section_lead_in_are_clauses_of_their_own():
    text = """为促进教育公平，制定本方案。
一、总体思路及主要目标
坚持把促进公平作为基本教育政策。
具体目标是:
（一）办学条件全面改善。基本达标。
（二）教师配置更加合理。交流比例达到10%。"""
    cl = split_clauses(paras(text))
    assert [(c.label, c.heading, c.path) for c in cl] == [
        ("", "", []),
        ("", "", ["一、总体思路及主要目标"]),
        ("（一）", "办学条件全面改善", ["一、总体思路及主要目标"]),
        ("（二）", "教师配置更加合理", ["一、总体思路及主要目标"]),
    ]
    assert cl[1].text == "坚持把促进公平作为基本教育政策。\n具体目标是:"


def test_responsible_unit_line_is_appended_to_the_clause_before():
    text = "（一）实施党建行动计划。加强理想信念教育。\n责任单位:市委组织部、市教育局\n（二）实施立德树人行动计划。配齐思政课教师。\n责任单位：市教育局"
    cl = split_clauses(paras(text))
    assert [c.label for c in cl] == ["（一）", "（二）"]
    assert cl[0].text.endswith("\n责任单位:市委组织部、市教育局")
    assert cl[1].text.endswith("\n责任单位：市教育局")


def test_cover_letter_and_title_lines():
    text = """各县、区人民政府,市政府各部门:
现将《某市教育发展行动计划》印发给你们,请认真贯彻执行。
某市人民政府办公室
2019年5月30日
(此件公开发布)
某市教育发展行动计划
为推进教育发展,制定本计划。
一、总体要求
（一）指导思想。坚持立德树人。"""
    cl = split_clauses(paras(text), "某市人民政府办公室关于印发某市教育发展行动计划的通知")
    assert [(c.kind, c.label, c.path) for c in cl] == [
        (COVER, "", []), (CLAUSE, "", []), (CLAUSE, "（一）", ["一、总体要求"])]
    assert cl[0].text.splitlines() == paras(text)[:5]
    assert cl[1].text == "为推进教育发展,制定本计划。"


def test_title_split_over_lines_with_subtitles_is_not_a_clause():
    text = "附件2\n某市普通高中发展提升\n行动计划实施方案\n（征求意见稿）\n为推进发展，制定本方案。\n一、总体要求\n坚持立德树人。"
    assert outline(text) == [("", []), ("一、", [])]
    text = "宁安市普及高中阶段教育攻坚计划\n(2017-2020年)实施方案\n为贯彻落实精神,特制定本方案。\n一、总体目标\n到2020年普及。"
    assert outline(text, "宁安市普及高中阶段教育攻坚计划(2017-2020年)实施方案") == [("", []), ("一、", [])]


def test_annotations_in_an_annex():
    text = """（一）优质资源共建共享。到2017年“三通”(注释①)通达率达到90%。
责任单位:市教育体育局。
附件:名词注释
附件
名词注释
注释①:“三通”是指:“宽带网络校校通”
注②：“三平台”是指：教育资源平台"""
    cl = split_clauses(paras(text))
    assert [(c.kind, c.label, c.path) for c in cl] == [
        (CLAUSE, "（一）", []),
        (ANNOTATION, "注释①", ["附件 名词注释"]),
        (ANNOTATION, "注释②", ["附件 名词注释"]),
    ]
    assert cl[1].text == "“三通”是指:“宽带网络校校通”"
    assert cl[0].text.endswith("责任单位:市教育体育局。")


def test_colophon_and_trailing_signature_are_not_text():
    text = "（一）加强组织领导。统筹推进。\n某市教育局\n2021年3月1日\n抄送: 市委办公室。\n市人大常委会办公室，市政协办公室。"
    cl = split_clauses(paras(text))
    assert [c.text for c in cl] == ["加强组织领导。统筹推进。"]


# ---------------------------------------------------------------- laws

LAW = """# 中华人民共和国学位法

2024年4月26日 第十四届全国人民代表大会常务委员会第九次会议通过

<!-- INFO END -->

## 第一章 总则

第一条　为了规范学位授予工作，制定本法。

第二条 国家实行学位制度。

学位分为学士、硕士和博士，包括学术学位、专业学位等类型。

## 第二章  学位工作体制

第三条 有下列情形之一的，不授予学位：

（一）违反学术规范的；

（二）依照本法第十二条的规定撤销的。

第十二条规定的情形，由学位授予单位处理。

<!-- FORCE BREAK -->

### 第一节 一般规定

第四条【学位评定】学位评定委员会负责审议。

第四条之一 本条是修正时增加的。

## 附则

第五条 本法自2025年1月1日起施行。
"""


def test_law_articles_are_single_clauses_under_their_chapter():
    cl = split_clauses(paras(LAW), "中华人民共和国学位法")
    assert [(c.label, c.path) for c in cl] == [
        ("第一条", ["第一章 总则"]),
        ("第二条", ["第一章 总则"]),
        ("第三条", ["第二章 学位工作体制"]),
        ("第四条", ["第二章 学位工作体制", "第一节 一般规定"]),
        ("第四条之一", ["第二章 学位工作体制", "第一节 一般规定"]),
        ("第五条", ["附则"]),
    ]
    by = {c.label: c for c in cl}
    assert by["第一条"].text == "为了规范学位授予工作，制定本法。"
    assert by["第二条"].text == "国家实行学位制度。\n学位分为学士、硕士和博士，包括学术学位、专业学位等类型。"
    # items and a paragraph opening with a citation stay in the article
    assert by["第三条"].text.splitlines() == [
        "有下列情形之一的，不授予学位：", "（一）违反学术规范的；",
        "（二）依照本法第十二条的规定撤销的。", "第十二条规定的情形，由学位授予单位处理。"]
    assert by["第二条"].heading == "" and by["第四条"].heading == "学位评定"


def test_law_in_plain_text_and_markdown_preface():
    text = """## 序言
中国是世界上历史最悠久的国家之一。
## 第一章　总则
第一条　为了规范，制定本条例。"""
    cl = split_clauses(paras(text))
    assert [(c.label, c.heading, c.path) for c in cl] == [("", "序言", []), ("第一条", "", ["第一章 总则"])]
    text = """某市教育督导条例
（2019年5月30日某市第十五届人民代表大会常务委员会第十二次会议通过）
第一章　总　则
第一条　为了规范，制定本条例。
第二章 管理
第二条 本条例自公布之日起施行。"""
    cl = split_clauses(paras(text), "某市教育督导条例")
    assert [(c.label, c.path) for c in cl] == [("第一条", ["第一章 总则"]), ("第二条", ["第二章 管理"])]


def test_plain_chapter_after_markdown_chapter_is_its_sibling():
    text = "## 第四章 保障措施\n第四十三条 甲。\n第五章法律责任\n第四十四条 乙。"
    assert outline(text) == [("第四十三条", ["第四章 保障措施"]), ("第四十四条", ["第五章 法律责任"])]


def test_amendment_items_are_the_clauses():
    text = """<!-- INFO END -->
一、将刑法第一百五十一条第三款修改为：“走私珍稀植物的，处五年以下有期徒刑。”
二、在刑法第二百二十四条后增加一条，作为第二百二十四条之一：
第二百二十四条之一 组织、领导传销活动的，处五年以下有期徒刑。
“单位犯前款罪的，对单位判处罚金。”
三、本修正案自公布之日起施行。"""
    cl = split_clauses(paras(text))
    assert [c.label for c in cl] == ["一、", "二、", "三、"]
    assert "第二百二十四条之一 组织" in cl[1].text


def test_revised_text_after_a_decision_starts_articles():
    text = """一、将第五条第二款修改为：“侵权行为地包括被诉产品的制造地。”
二、删除第二十条。
为了正确审理专利纠纷案件，根据有关法律的规定，作如下规定：
第一条 人民法院受理下列专利纠纷案件：
第二条 专利纠纷第一审案件，由中级人民法院管辖。"""
    assert [c.label for c in split_clauses(paras(text))] == ["一、", "二、", "第一条", "第二条"]


def test_grouping_titles_above_articles():
    text = "## 四、关于质押部分的解释\n（一）动产质押\n第八十四条 出质人以动产出质的：\n（一）甲；\n（二）乙。\n（二）权利质押\n第九十七条 以权利出质的。"
    assert outline(text) == [
        ("第八十四条", ["四、关于质押部分的解释", "（一）动产质押"]),
        ("第九十七条", ["四、关于质押部分的解释", "（二）权利质押"]),
    ]


def test_items_quoted_in_an_amendment_stay_in_its_text():
    text = """二十四、修改《关于审理道路交通事故损害赔偿案件的解释》
1.将第一条修改为：
“机动车发生交通事故造成损害，有下列情形之一的，应当认定其有过错：
（一）知道机动车存在缺陷的；
（二）知道驾驶人无驾驶资格的。”
2.删除第二条。"""
    cl = split_clauses(paras(text))
    assert [(c.label, c.path) for c in cl] == [("1.", ["二十四、修改《关于审理道路交通事故损害赔偿案件的解释》"]),
                                               ("2.", ["二十四、修改《关于审理道路交通事故损害赔偿案件的解释》"])]
    assert cl[0].text.splitlines()[-1] == "（二）知道驾驶人无驾驶资格的。”"


def test_revised_text_attached_to_a_decision():
    text = """一、删除《解释》第一条第二项。
二、本决定自公布之日起施行。
附：
关于审理非法行医刑事案件
若干问题的解释
第一条 具有下列情形之一的，应认定为非法行医：
第二条 本解释自公布之日起施行。"""
    cl = split_clauses(paras(text))
    annex = ["附 关于审理非法行医刑事案件若干问题的解释"]
    assert [(c.kind, c.label, c.path) for c in cl] == [
        (CLAUSE, "一、", []), (CLAUSE, "二、", []), (CLAUSE, "第一条", annex), (CLAUSE, "第二条", annex)]


def test_chapter_heading_broken_over_two_lines():
    text = "### 第四章 犯罪嫌疑人、被告人逃匿、死亡案件\n违法所得的没收程序\n第二百九十八条 对于贪污贿赂犯罪案件…"
    assert outline(text) == [("第二百九十八条", ["第四章 犯罪嫌疑人、被告人逃匿、死亡案件违法所得的没收程序"])]


def test_invisible_paragraphs_are_dropped():
    assert outline("第一条 甲。\n\u200b\n第二条 乙。") == [("第一条", []), ("第二条", [])]
