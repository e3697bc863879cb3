"""clean_lines: chrome removal (line-level, never substrings) and layout-break joining."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.chrome import is_chrome_line
from indexer.cleaning import clean_lines, strip_line

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def _corpus(prefix: str) -> str:
    return next(CORPUS.glob(prefix + "_*.txt")).read_text(encoding="utf-8")


BODY = ["一、总体目标", "到2020年，全市高中阶段教育毛入学率达到90%以上。"]


# --- chrome kinds ---------------------------------------------------------------------------

@pytest.mark.parametrize("chrome", [
    "您现在所在的位置: 首页 > 政务公开 > 政府文件 > 盘锦市 > 市政府办文件",
    "当前位置：首页 >> 信息公开 >> 通知公告",
    "首页 > 政务公开 > 政策文件",
    "发布时间:2019-05-31 浏览次数:393",
    "时间:2021-11-09 浏览:257次 来源:张家口市教育局",
    "www.panzhihua.gov.cn     发布时间:2015-01-28     来源:攀枝花市人民政府办公室      选择阅读字号:[ ]     阅读次数:",
    "字号：[大 中 小]",
    "【字体：大 中 小】 【打印】 【关闭】",
    "打印本页 关闭窗口",
    "分享到：微信 微博 QQ空间",
    "点击下载此文件",
    "审核: 何强   责任编辑: 刘光明",
    "来源：市教育局",
    "索 引 号: pjsrmzf-2019-000657 主题分类: 市政府办文件",
    "发文机关: 盘锦市政府 成文日期: 2019-05-30",
    "标  题: 盘政办发〔2019〕24号 盘锦市人民政府办公室关于印发盘锦市推进教育高质量发展行动计划的通知",
    "发文字号: 盘政办发〔2019〕24号 发布日期: 2019-05-31",
    "主 题 词:",
    "索\u00a0引\u00a0号\u00a0:008320033/2015-00072",
    "有 效 性 :1",
    "文  号:攀办发〔2015〕2号",
    "文件解读:《盘锦市推进教育高质量发展行动计划》盘政办发〔2019〕24号 解读",
    "www.xxx.gov.cn",
    "http://www.moe.gov.cn/srcsite/A06/s3321/201912/t20191230_414059.html",
    "盘锦市人民政府办公室 2019年5月30日印发",
    "主办单位：某某市人民政府办公室 网站标识码：1234 京ICP备12345号",
])
def test_chrome_line_removed(chrome):
    assert is_chrome_line(strip_line(chrome))
    assert clean_lines("\n".join([chrome, *BODY, chrome])) == BODY


@pytest.mark.parametrize("text", [
    "严格审核招生计划，确保招生公平。",
    "审核：严格审核招生计划，确保招生公平。",
    "来源：国家统计局2019年教育事业统计数据。",
    "时间：2021年3月1日至3月5日",                  # a line of an activity plan, alone
    "各地要严格审核办学许可，来源不明的资金不得用于办学。",
    "标题和发布日期由学校自行确定。",
    "打印机、复印机等设备由学校统一采购。",
    "大",
])
def test_policy_text_with_chrome_words_kept(text):
    assert not is_chrome_line(text)
    assert clean_lines(text) == [text]


def test_cc_list_to_end_of_paragraph_and_issued_line():
    text = "\n".join(BODY + [
        " 抄送: 市委办公室。",
        "\u00a0\u00a0\u00a0\u00a0市人大常委会办公室，市政协办公室，市法院，市检察院。",
        "宁安市人民政府办公室 2017年9月1日印发",
    ])
    assert clean_lines(text) == BODY


def test_cc_paragraph_ends_at_blank_line():
    text = "抄送：市委办公室，市人大常委会办公室。\n\n附件：名词注释"
    assert clean_lines(text) == ["附件：名词注释"]


def test_cc_in_running_text_is_not_a_distribution_list():
    line = "抄送：××××。（抄送单位名称，如抄送单位较多，名称需要回行，回行时与冒号后的首字对齐）"
    assert clean_lines(line) == [line]


def test_editor_marks_and_invisible_characters_removed():
    assert clean_lines("[X1]（一）扩大教育资源[A2]\n\u200b新建幼儿园10所。[LS3]") == [
        "（一）扩大教育资源", "新建幼儿园10所。"]


def test_page_numbers_and_rules_dropped():
    text = "一、总体目标\n— 3 —\n第 2 页 共 5 页\n————————\n到2020年，毛入学率达到90%以上。"
    assert clean_lines(text) == BODY[:1] + ["到2020年，毛入学率达到90%以上。"]


def test_strip_spaces_and_bullets_keep_width():
    assert clean_lines("\u3000\u3000• （一）提高普及程度。\u00a0 \n  ● 1．加大投入力度。") == [
        "（一）提高普及程度。", "1．加大投入力度。"]
    # full-width wording is kept, not normalised
    assert clean_lines("（二）ＡＢＣ１２３达标。") == ["（二）ＡＢＣ１２３达标。"]


# --- joining ---------------------------------------------------------------------------------

def test_mid_sentence_break_joined_inside_word():
    text = ("3.多渠道筹措资金。支持高中阶段教育的基础设施建设、学\n"
            "校改扩建以及仪器设备购置等。制定高中学校债务偿还计划。\n"
            "（三）加强教师队伍建设")
    assert clean_lines(text) == [
        "3.多渠道筹措资金。支持高中阶段教育的基础设施建设、学校改扩建以及仪器设备购置等。制定高中学校债务偿还计划。",
        "（三）加强教师队伍建设"]


def test_line_without_punctuation_not_joined_without_evidence():
    # one paragraph per line: no word is split at the break, so it is a paragraph break
    text = "责任单位：市教育局、市财政局，各县区人民政府\n加强组织领导，确保各项任务落到实处。"
    assert clean_lines(text) == text.split("\n")


def test_numbered_heading_not_joined_to_body():
    assert clean_lines("一、总体目标\n到2020年，全市普及高中阶段教育。") == [
        "一、总体目标", "到2020年，全市普及高中阶段教育。"]
    # even when the boundary happens to form a word (标 | 准)
    assert clean_lines("一、总体目标\n准确把握发展方向。") == ["一、总体目标", "准确把握发展方向。"]


def test_heading_followed_by_numbered_item_not_joined():
    assert clean_lines("（一）扩大教育资源\n1.加大投入力度。财政优化支出结构。") == [
        "（一）扩大教育资源", "1.加大投入力度。财政优化支出结构。"]


@pytest.mark.parametrize("item", ["一、", "（一）", "(一)", "1.", "1、", "1．", "（1）", "(1)", "①",
                                  "第一章 ", "第二条 ", "# ", "注释①:", "附件2"])
def test_new_item_markers_start_paragraphs(item):
    # hard-wrapped text: every full line without final punctuation runs on, except into an item
    full = "支持高中阶段教育的基础设施建设，学校改扩建以及仪器设备"
    nxt = f"{item}购置等"
    out = clean_lines("\n".join([full] * 5 + [nxt]))
    assert out == ["".join([full] * 5), nxt.strip()]


def test_sentence_final_punctuation_ends_paragraph():
    for end in "。；！？：…”":
        prev = f"支持高中阶段教育的基础设施建设{end}"
        assert clean_lines(f"{prev}\n学校改扩建以及仪器设备购置等。") == [prev, "学校改扩建以及仪器设备购置等。"]


def test_short_titles_not_joined():
    text = "宁安市普及高中阶段教育攻坚计划\n(2017-2020年)实施方案\n为贯彻落实有关精神，制定本方案。"
    assert clean_lines(text) == ["宁安市普及高中阶段教育攻坚计划", "(2017-2020年)实施方案",
                                 "为贯彻落实有关精神，制定本方案。"]


def test_blank_line_is_paragraph_break():
    text = "支持高中阶段教育的基础设施建设、学\n\n校改扩建以及仪器设备购置等。"
    assert clean_lines(text) == ["支持高中阶段教育的基础设施建设、学", "校改扩建以及仪器设备购置等。"]


HARD_WRAPPED = """\
　　一、总体要求
　　以习近平新时代中国特色社会主义思想为指导，全面贯彻党
的教育方针，落实立德树人根本任务，坚守为党育人、为国育
才初心使命，深入实施教育提质工程，推动县域普通高中高质
量发展。
　　二、主要目标
　　到2025年，全市县中整体办学水平显著提升，市域内县中
和主城区普通高中统筹协调发展，毛入学率达到96%以上。
　　（一）完善普通高中招生管理
　　坚决落实招生管理省级统筹责任、市级主体责任、县级落实
责任，稳妥有序推进高中阶段学校招生考试改革，公办民办普
通高中按审批机关批准的范围招生。
— 2 —
　　（二）加强县中教师队伍管理。推进教师评价改革，对师德
失范者实行“一票否决”。"""


def test_hard_wrapped_text_rejoined():
    assert clean_lines(HARD_WRAPPED) == [
        "一、总体要求",
        "以习近平新时代中国特色社会主义思想为指导，全面贯彻党的教育方针，落实立德树人根本任务，"
        "坚守为党育人、为国育才初心使命，深入实施教育提质工程，推动县域普通高中高质量发展。",
        "二、主要目标",
        "到2025年，全市县中整体办学水平显著提升，市域内县中和主城区普通高中统筹协调发展，毛入学率达到96%以上。",
        "（一）完善普通高中招生管理",
        "坚决落实招生管理省级统筹责任、市级主体责任、县级落实责任，稳妥有序推进高中阶段学校招生考试改革，"
        "公办民办普通高中按审批机关批准的范围招生。",
        "（二）加强县中教师队伍管理。推进教师评价改革，对师德失范者实行“一票否决”。",
    ]


def test_wrapped_latin_words_keep_their_space():
    text = "\n".join(["Schools in the county shall enrol all children of"] * 6 + ["school age."])
    assert clean_lines(text) == [" ".join(["Schools in the county shall enrol all children of"] * 6 + ["school age."])]


def test_table_rows_not_joined():
    assert clean_lines("序号\t任务\t责任单位\n1\t新建幼儿园建设\t市教育局") == [
        "序号\t任务\t责任单位", "1\t新建幼儿园建设\t市教育局"]


def test_huge_line_is_fast_and_intact():
    line = "教育" * 1_000_000
    assert clean_lines(line + "\n" + line) == [line, line]


# --- the sample corpus -----------------------------------------------------------------------

def test_corpus_000_join_and_cc():
    lines = clean_lines(_corpus("000"))
    assert any("基础设施建设、学校改扩建以及仪器设备购置等" in ln for ln in lines)
    assert "一、总体目标" in lines and "（一）扩大教育资源" in lines
    assert not any("抄送" in ln or "市人大常委会办公室，市政协办公室" in ln for ln in lines)
    assert lines[-1].startswith("（三）营造良好氛围。")


def test_corpus_002_gov_chrome():
    lines = clean_lines(_corpus("002"))
    text = "\n".join(lines)
    for chrome in ("您现在所在的位置", "索 引 号", "主题分类", "发文字号", "主 题 词", "浏览次数", "文件解读"):
        assert chrome not in text, chrome
    assert lines[0].startswith("盘政办发〔2019〕24号 盘锦市人民政府办公室关于印发")
    assert lines[-1].startswith("(四)营造良好氛围。")
    assert "一、总体要求" in lines


def test_corpus_003_trailer_and_header():
    lines = clean_lines(_corpus("003"))
    text = "\n".join(lines)
    for chrome in ("www.panzhihua.gov.cn", "阅读次数", "索 引 号", "有 效 性", "审核", "责任编辑", "点击下载此文件"):
        assert chrome not in text, chrome
    assert lines[0].startswith("攀枝花市人民政府办公室关于印发")
    assert lines[-1].startswith("注释⑤:")


def test_corpus_004_info_line():
    lines = clean_lines(_corpus("004"))
    assert lines[:2] == ["张家口市推进教育高质量发展实施方案", "《张家口市推进教育高质量发展实施方案》"]
    assert not any("浏览:257次" in ln for ln in lines)


def test_corpus_paragraph_count_unchanged_where_no_layout_breaks():
    # 001 and 004 have one paragraph per line and no chrome/breaks to undo
    for prefix in ("001", "004"):
        raw = [ln for ln in _corpus(prefix).split("\n") if strip_line(ln)]
        chrome = 1 if prefix == "004" else 0
        assert len(clean_lines(_corpus(prefix))) == len(raw) - chrome
