"""Citations in official form: 《标题》（文号）第X部分第（X）条 + text."""
from search_app.citation import cite, locator, locator_part, reference

PANJIN = {"title": "盘锦市推进教育高质量发展行动计划", "doc_number": "盘政办发〔2019〕24号",
          "kind": "clause"}


def clause(label, path, text="正文。", **kw):
    return {**PANJIN, "label": label, "path": path, "text": text, **kw}


def test_issue_example_part_and_item():
    c = clause("(九)", ["二、重点任务"], "(九)实施教师队伍管理体制改革行动计划。")
    assert reference(c) == "《盘锦市推进教育高质量发展行动计划》（盘政办发〔2019〕24号）第二部分第（九）条"
    assert cite(c) == reference(c) + "\n(九)实施教师队伍管理体制改革行动计划。"


def test_full_width_and_path_entries_with_label_only():
    assert locator(clause("（三）", ["三、"])) == "第三部分第（三）条"
    assert locator(clause("（十二）", ["十一、保障措施"])) == "第十一部分第（十二）条"


def test_nested_levels_point_and_sub_item():
    c = clause("3.", ["三、重点措施", "（一）扩大教育资源"])
    assert locator(c) == "第三部分第（一）条第3项"
    c = clause("（2）", ["二、主要任务", "（四）加强队伍", "1.师资配备"])
    assert locator(c) == "第二部分第（四）条第1项第（2）目"


def test_law_article_cited_as_is_without_chapter():
    law = {"title": "中华人民共和国教育法", "doc_number": "", "kind": "clause",
           "label": "第十二条", "path": ["第二章 教育基本制度"], "text": "国家实行学前教育……"}
    assert reference(law) == "《中华人民共和国教育法》第十二条"


def test_no_doc_number_omits_parentheses():
    c = clause("（四）", ["三、科学推进学前教育建设"], doc_number="")
    assert reference(c) == "《盘锦市推进教育高质量发展行动计划》第三部分第（四）条"
    assert "（）" not in reference(c)


def test_lead_in_paragraph_cites_its_part_only():
    assert locator(clause("", ["一、总体要求"])) == "第一部分"
    assert locator(clause("", [])) == ""


def test_top_level_item_itself():
    assert locator(clause("二、", [])) == "第二部分"


def test_title_already_in_book_marks_not_doubled():
    c = clause("(一)", ["一、总体要求"], title="《张家口市推进教育高质量发展实施方案》")
    assert reference(c).startswith("《张家口市推进教育高质量发展实施方案》（")


def test_unnumbered_headings_are_skipped():
    assert locator(clause("（一）", ["附件", "二、任务"])) == "第二部分第（一）条"
    assert locator_part("总体要求") is None
    # a year such as 2019. is not an item number followed by a decimal
    assert locator_part("3.5亿元") is None


def test_annotation_and_cover():
    assert locator(clause("注释①", ["二、主要任务"])) == "注释①"
    cover = clause("", [], kind="cover")
    assert reference(cover) == "《盘锦市推进教育高质量发展行动计划》（盘政办发〔2019〕24号）"
