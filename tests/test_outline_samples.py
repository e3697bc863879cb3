"""Outline parser on the five sample documents of data/corpus, pinned clause by clause.

Each expected list is what a careful reader lists as the sample's clauses; web chrome is
cut off by hand here (that is cleaning's job, tested separately), and once more through
indexer.cleaning.clean_lines when it is available.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.outline import split_clauses
from indexer.records import ANNOTATION, COVER

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def paras(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


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
