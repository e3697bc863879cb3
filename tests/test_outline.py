"""Outline parser: body paragraphs → clauses (label, heading, path, text, kind)."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.numbering import cn_to_int, parse_number
from indexer.outline import split_clauses, split_heading
from indexer.records import ANNOTATION, CLAUSE, COVER

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


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


# ---------------------------------------------------------------- the five samples

def sample(prefix: str, start: str | None = None, stop: str | None = None,
           drop: tuple[str, ...] = ()) -> list[str]:
    """A sample's paragraphs, web chrome cut off by hand (cleaning's job, not ours)."""
    path = next(CORPUS.glob(f"{prefix}_*.txt"))
    lines = paras(path.read_text(encoding="utf-8"))
    if start:
        lines = lines[next(i for i, ln in enumerate(lines) if ln.startswith(start)):]
    if stop:
        lines = lines[:next(i for i, ln in enumerate(lines) if ln.startswith(stop))]
    return [ln for ln in lines if not ln.startswith(drop)]


TITLES = {
    "000": "宁安市普及高中阶段教育攻坚计划(2017-2020年)实施方案",
    "001": "广元市“十四五”县域普通高中发展提升行动计划实施方案",
    "002": "盘锦市人民政府办公室关于印发盘锦市推进教育高质量发展行动计划的通知",
    "003": "攀枝花市人民政府办公室关于印发《攀枝花市均衡配置义务教育资源促进教育公平专项改革方案》的通知",
    "004": "张家口市推进教育高质量发展实施方案",
}
SAMPLE_LINES = {
    "000": lambda: sample("000"),
    "001": lambda: sample("001"),
    "002": lambda: sample("002", start="各县、区人民政府", stop="文件解读"),
    "003": lambda: sample("003", start="各县(区)人民政府", stop="审核"),
    "004": lambda: sample("004", drop=("时间:",)),
}


def items(labels: str, path: list[str]) -> list[tuple[str, list[str]]]:
    return [(label, path) for label in labels.split()]


S0_2, S0_3, S0_4 = "二、主要任务", "三、重点措施", "四、组织实施"
EXPECTED = {
    "000": [("", []), ("一、", [])]
    + items("（一） （二） （三） （四）", [S0_2])
    + items("（一）", [S0_3])
    + items("1. 2. 3.", [S0_3, "（二）完善经费投入机制"])
    + items("1. 2. 3. 4.", [S0_3, "（三）加强教师队伍建设"])
    + items("1. 2.", [S0_3, "（四）推动学校多样化特色化发展"])
    + items("（五） （六） （七）", [S0_3])
    + items("（一） （二） （三）", [S0_4]),
    "001": [("", []), ("一、", []), ("二、", [])]
    + items("（一） （二） （三） （四） （五） （六） （七） （八） （九） （十）", ["三、工作措施"])
    + items("（一） （二） （三） （四）", ["四、保障措施"]),
    "002": [("", []), ("", [])]
    + items("（一） （二）", ["一、总体要求"])
    + items("（一） （二） （三） （四） （五） （六） （七） （八） （九） （十）", ["二、重点任务"])
    + items("（一） （二） （三） （四）", ["三、保障措施"]),
    "003": [("", []), ("", []), ("", ["一、总体思路及主要目标"])]
    + items("（一） （二） （三） （四） （五）", ["一、总体思路及主要目标"])
    + [("", ["二、创新机制"])]
    + items("（一） （二） （三） （四） （五） （六） （七）", ["二、创新机制"])
    + items("（一） （二） （三） （四） （五） （六）", ["三、推进措施"])
    + items("注释① 注释② 注释③ 注释④ 注释⑤", ["附件 名词注释"]),
    "004": [("", []), ("一、", [])]
    + items("（一） （二）", ["二、坚持“五育”并举,全面落实立德树人根本任务"])
    + items("（三） （四） （五）", ["三、科学推进学前教育建设,提升普及普惠水平"])
    + items("（六） （七） （八） （九） （十） （十一） （十二） （十三）", ["四、推动义务教育一体化建设,实现优质均衡发展"])
    + items("（十四） （十五） （十六）", ["五、实施高中教育提升计划,加快普通高中多样化有特色发展"])
    + items("（十七） （十八） （十九） （二十） （二十一） （二十二）", ["六、加快现代化职业教育发展,提升服务贡献能力"])
    + items("（二十三） （二十四） （二十五）", ["七、推动高等教育内涵式高质量发展"])
    + items("（二十六） （二十七）", ["八、加强师德师风建设,打造“四有”好老师队伍"])
    + items("（二十八） （二十九）", ["九、落实教育经费投入机制"])
    + items("（三十） （三十一） （三十二）", ["十、增强教育高质量发展保障能力"]),
}


@pytest.mark.parametrize("doc", sorted(EXPECTED))
def test_sample_outline(doc):
    cl = split_clauses(SAMPLE_LINES[doc](), TITLES[doc])
    assert [(c.label, c.path) for c in cl] == EXPECTED[doc]


def test_sample_000_details():
    cl = split_clauses(SAMPLE_LINES["000"](), TITLES["000"])
    assert cl[0].text.startswith("为贯彻落实《教育部等四部门")
    assert cl[1].heading == "总体目标" and cl[1].text.startswith("到2020年,全市普及")
    assert cl[2].heading == "提高普及程度" and cl[2].text.startswith("提高普及程度。全市高中")
    first_branch = cl[6]
    assert (first_branch.label, first_branch.heading) == ("（一）", "扩大教育资源")
    assert first_branch.text.startswith("在充分挖掘现有教育资源")
    c3 = cl[9]
    assert (c3.label, c3.heading) == ("3.", "多渠道筹措资金")
    assert c3.text.startswith("多渠道筹措资金。支持高中阶段教育")
    assert "抄送" not in cl[-1].text and "市人大常委会办公室" not in cl[-1].text


def test_sample_002_cover_and_units():
    cl = split_clauses(SAMPLE_LINES["002"](), TITLES["002"])
    cover = cl[0]
    assert (cover.kind, cover.label, cover.path) == (COVER, "", [])
    assert cover.text.splitlines() == [
        "各县、区人民政府,辽东湾新区管委会,市政府各部门、各直属机构:",
        "经市政府八届第22次常务会议讨论研究通过,现将《盘锦市推进教育高质量发展行动计划》印发给你们,请认真贯彻执行。",
        "盘锦市人民政府办公室", "2019年5月30日", "(此件公开发布)"]
    assert cl[1].text.startswith("为切实推进全市教育高质量发展")
    party = cl[4]
    assert (party.label, party.heading) == ("（一）", "实施教育系统党的建设行动计划")
    assert party.text.splitlines()[-1].startswith("责任单位:市委组织部、市委宣传部")
    assert all(not c.text.startswith("责任单位") for c in cl)


def test_sample_003_cover_lead_ins_and_annotations():
    cl = split_clauses(SAMPLE_LINES["003"](), TITLES["003"])
    assert cl[0].kind == COVER and cl[0].text.endswith("2015年1月22日")
    assert "现印发给你们" in cl[0].text
    assert cl[2].text.endswith("具体目标是:")
    notes = [c for c in cl if c.kind == ANNOTATION]
    assert [c.label for c in notes] == ["注释①", "注释②", "注释③", "注释④", "注释⑤"]
    assert notes[0].text.startswith("“三通”是指:")
    assert notes[4].text.startswith("“两免一补”是指:")
    units = [c for c in cl if c.path == ["三、推进措施"]]
    assert units[0].text.splitlines()[-1].startswith("责任单位:市教育体育局")


def test_sample_004_inline_units():
    cl = split_clauses(SAMPLE_LINES["004"](), TITLES["004"])
    assert cl[1].text.count("\n") == 1                 # 一、 has two paragraphs
    numbered = [c for c in cl if c.label.startswith("（")]
    assert len(numbered) == 32
    assert all("(责任单位:" in c.text for c in numbered)
    assert numbered[-1].heading == "营造良好社会氛围"
    assert numbered[-1].text.startswith("营造良好社会氛围。通过两微一端")


def test_samples_through_clean_lines():
    cleaning = pytest.importorskip("indexer.cleaning")
    for doc, expected in EXPECTED.items():
        path = next(CORPUS.glob(f"{doc}_*.txt"))
        cl = split_clauses(cleaning.clean_lines(path.read_text(encoding="utf-8")), TITLES[doc])
        assert [(c.label, c.path) for c in cl] == expected, doc
