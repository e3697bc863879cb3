"""Head readers: export headers, 文号 and 令 lines, gov-page boxes, red heads → facts, and
the body without them. Texts are written here from the conventions (GB/T 9704, how legal
databases export and gov sites publish), not copied from one site."""
import pytest

from analyzers import places
from indexer.facts import apply_overrides
from indexer.heads import (decode_entities, read_doc_number_line, read_export_header, read_head,
                           read_page_box, read_red_head, status_of)
from indexer.html_text import html_to_text
from indexer.pipeline import parse_document
from indexer.records import DocFacts
from indexer.validity import effective_date_in, expiry_in, level_of
from indexer.writer import parse_file


def parse(text, name="x.txt"):
    return parse_document(text, name)


def all_text(doc):
    return "\n".join(c.text for c in doc.clauses) + "\n" + "\n".join(c.heading for c in doc.clauses)


# --- 1. legal-database export header ------------------------------------------------------

EXPORT_BRACKETS = """中小学校园安全管理规定（试行）
【法宝引证码】CLI.4.123456
【发布部门】 教育部
【发文字号】 教育部令第50号
【发布日期】 2021.06.01
【实施日期】 2021.09.01
【时效性】 现行有效
【效力级别】 部门规章
【法规类别】 教育综合规定

第一章 总则
第一条 为加强中小学校园安全管理，制定本规定。
第二条 本规定适用于中小学校、中等职业学校。
"""

EXPORT_COLONS = """发布部门：浙江省人民政府办公厅；浙江省教育厅  发文字号：浙政办发〔2016〕24号
发布日期：2016.05.20  实施日期：2016.06.01  时效性：已被修改  效力级别：地方规范性文件
法规类别：教育综合规定

浙江省中小学校舍安全管理办法
第一条 为加强校舍安全管理，制定本办法。
第二条 本办法自2016年6月1日起施行，有效期5年。
"""


def test_export_header_brackets_one_field_a_line(tmp_path):
    path = tmp_path / "规定.txt"
    path.write_text(EXPORT_BRACKETS, encoding="utf-8")
    _, _, records, reason, _ = parse_file(path, path.name)
    assert records, reason
    r = records[0]
    assert r["title"] == "中小学校园安全管理规定（试行）"            # the line above the header
    assert (r["issuer"], r["doc_number"], r["date"]) == ("教育部", "教育部令第50号", "2021-06-01")
    assert (r["effective_date"], r["status"], r["effectiveness_level"]) == ("2021-09-01", "现行有效", "部门规章")
    assert (r["province"], r["city"], r["level"]) == ("全国", "", "国家")
    text = "\n".join(x["text"] for x in records)
    for field in ("法宝引证码", "CLI.4", "发布部门", "效力级别", "法规类别"):
        assert field not in text
    assert [x["label"] for x in records] == ["第一条", "第二条"]


def test_export_header_colons_several_fields_a_line():
    doc = parse(EXPORT_COLONS)
    f = doc.facts
    assert f.title == "浙江省中小学校舍安全管理办法"                  # the line below the header
    assert (f.issuer, f.co_issuers) == ("浙江省人民政府办公厅", ["浙江省教育厅"])
    assert (f.doc_number, f.date, f.effective_date) == ("浙政办发〔2016〕24号", "2016-05-20", "2016-06-01")
    assert (f.status, f.effectiveness_level) == ("已修改", "地方规范性文件")
    assert f.expiry == "2021-05-31"                                   # 有效期5年 from 施行
    assert "发布部门" not in all_text(doc) and "时效性" not in all_text(doc)


def test_export_reader_ignores_a_plain_document():
    assert read_export_header("某市教育局关于开学的通知\n发布日期：2020年1月1日\n一、时间".splitlines()) is None


@pytest.mark.parametrize("value, status", [("现行有效", "现行有效"), ("已废止", "已废止"), ("失效", "失效"),
                                           ("已被修改", "已修改"), ("部分失效", "已修改"), ("尚未生效", "尚未生效"),
                                           ("征求意见稿", "征求意见稿"), ("有效", "现行有效"), ("1", "")])
def test_status_words(value, status):
    assert status_of(value) == status


# --- 2. 文号 line, 令 number ------------------------------------------------------------------

def test_bracketed_doc_number_line_under_the_title():
    text = ("某市人民政府办公室关于印发某市学前教育三年行动计划的通知\n（某府办发〔2016〕24号）\n"
            "各区人民政府：\n现将《某市学前教育三年行动计划》印发给你们，请认真贯彻执行。\n"
            "某市人民政府办公室\n2016年5月20日\n某市学前教育三年行动计划\n一、总体目标\n到2020年，普及学前教育。")
    reading = read_doc_number_line(text.splitlines())
    assert reading.facts == {"doc_number": "某府办发〔2016〕24号"} and reading.consumed == (1,)
    doc = parse(text)
    assert doc.facts.doc_number == "某府办发〔2016〕24号"
    assert "24号" not in all_text(doc)


@pytest.mark.parametrize("lines, number, issuer", [
    (["某市人民政府令第16号"], "某市人民政府令第16号", "某市人民政府"),
    (["教育部令第13号"], "教育部令第13号", "教育部"),
    (["中华人民共和国教育部令", "第 13 号"], "教育部令第13号", "教育部"),
    (["中华人民共和国教育部令 第 13 号"], "教育部令第13号", "教育部"),
])
def test_decree_number_is_the_doc_number(lines, number, issuer):
    text = "\n".join(lines + ["《学生安全管理办法》已经部务会议审议通过，现予公布，自2003年9月1日起施行。",
                              "部长  某某某", "二〇〇三年六月二十五日", "学生安全管理办法", "第一章 总则",
                              "第一条 为加强学生安全管理，制定本办法。"])
    doc = parse(text)
    f = doc.facts
    assert (f.doc_number, f.issuer, f.date, f.effective_date) == (number, issuer, "2003-06-25", "2003-09-01")
    assert f.title == "学生安全管理办法"                               # not 部长 某某某
    assert "部长" not in all_text(doc)


# --- 3. gov-page metadata box -------------------------------------------------------------

BOX_LINES = """您现在所在的位置：首页 > 信息公开 > 政策文件
索 引 号：11530000/2021-00012    主题分类：教育
发文机关：某市教育局    成文日期：2021年03月01日
文    号：某教发〔2021〕3号    文件状态：已废止
标    题：某市教育局关于&quot;双减&quot;工作的通知
分享到：
打印本页 关闭窗口
某市教育局关于&quot;双减&quot;工作的通知
各县（区）教育局：
一、工作目标
落实&quot;双减&quot;要求，减轻学生负担。
原文链接：http://jyj.example.gov.cn/info/1234.html
"""


def test_page_box_in_lines_with_entities():
    reading = read_page_box(decode_entities(BOX_LINES).splitlines())
    assert reading.facts["index_number"] == "11530000/2021-00012"
    assert reading.facts["issuer"] == "某市教育局" and reading.facts["status"] == "已废止"
    doc = parse(BOX_LINES)
    f = doc.facts
    assert f.title == '某市教育局关于"双减"工作的通知'
    assert (f.issuer, f.date, f.doc_number, f.status) == ("某市教育局", "2021-03-01", "某教发〔2021〕3号", "已废止")
    assert f.index_number == "11530000/2021-00012"
    text = all_text(doc)
    assert "&quot;" not in text and '落实"双减"要求' in text
    for furniture in ("索引号", "主题分类", "分享到", "打印", "关闭窗口", "原文链接", "example.gov.cn"):
        assert furniture not in text


BOX_HTML = """<html><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="#">政策文件</a></div>
<table class="info"><tr><td>索引号：</td><td>11152500-2021-00012</td><td>主题分类：</td><td>教育</td></tr>
<tr><td>发文机关</td><td>锡林郭勒盟教育局</td><td>成文日期</td><td>2021年03月01日</td></tr>
<tr><td>文号：</td><td>锡教发〔2021〕3号</td><td>有效性：</td><td>有效</td></tr>
<tr><td>标题：</td><td colspan="3">锡林郭勒盟教育局关于&amp;quot;双减&amp;quot;工作的通知</td></tr></table>
<div class="article"><h1>锡林郭勒盟教育局关于&quot;双减&quot;工作的通知</h1>
<div id="zoom"><p>各旗县市（区）教育局：</p><p>一、工作目标</p>
<p>全面落实&quot;双减&quot;要求，减轻学生过重作业负担和校外培训负担。</p>
<p>二、工作措施</p><p>加强作业管理，提高课堂教学质量，做好课后服务工作。</p>
<p>锡林郭勒盟教育局</p><p>2021年3月1日</p></div>
<p>打印本页 关闭窗口</p></div></body></html>"""


def test_page_box_in_an_html_table(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(BOX_HTML, encoding="utf-8")
    _, _, records, reason, _ = parse_file(path, path.name)
    assert records, reason
    r = records[0]
    assert r["title"] == '锡林郭勒盟教育局关于"双减"工作的通知'
    assert (r["issuer"], r["date"], r["doc_number"]) == ("锡林郭勒盟教育局", "2021-03-01", "锡教发〔2021〕3号")
    assert (r["status"], r["index_number"]) == ("现行有效", "11152500-2021-00012")
    assert (r["city"], r["province"], r["level"]) == ("锡林郭勒盟", "内蒙古自治区", "市")
    text = "\n".join(x["text"] for x in records)
    assert "索引号" not in text and "&quot;" not in text and "打印" not in text


def test_the_box_outside_the_article_block_reaches_the_text():
    text = html_to_text(BOX_HTML)
    assert text.splitlines()[0].startswith("索引号")


def test_entities_decoded_in_plain_text_too():
    assert decode_entities("&quot;双减&quot; &amp;quot;x&amp;quot; &#8220;y&#8221;") == '"双减" "x" “y”'


# --- 4. red head, joint issuers --------------------------------------------------------------

@pytest.mark.parametrize("line, issuer, co", [
    ("某部办公厅文件", "某部办公厅", []),
    ("某市人民政府办公室文件", "某市人民政府办公室", []),
    ("云南省教育厅  云南省财政厅 文件", "云南省教育厅", ["云南省财政厅"]),
    ("云南省教育厅云南省财政厅文件", "云南省教育厅", ["云南省财政厅"]),
    ("中共某某市委  某某市人民政府文件", "中共某某市委", ["某某市人民政府"]),
    ("河北省教育厅河北省财政厅河北省人力资源和社会保障厅文件", "河北省教育厅",
     ["河北省财政厅", "河北省人力资源和社会保障厅"]),
])
def test_red_head_line_names_the_issuers(line, issuer, co):
    reading = read_red_head(["", line, "", "云教发〔2020〕12号", "关于做好学生资助工作的通知"])
    assert reading.facts["issuer"] == issuer
    assert reading.facts.get("co_issuers", []) == co
    assert reading.consumed == (1,)


def test_red_head_pdf_text_end_to_end():
    text = ("云南省教育厅  云南省财政厅文件\n\n云教发〔2020〕12号\n\n"
            "云南省教育厅 云南省财政厅关于做好学生资助工作的通知\n各州、市教育局、财政局：\n"
            "为做好学生资助工作，现通知如下。\n一、提高认识\n各地要高度重视学生资助工作。\n"
            "云南省教育厅  云南省财政厅\n2020年3月1日\n")
    doc = parse(text)
    f = doc.facts
    assert f.title == "云南省教育厅 云南省财政厅关于做好学生资助工作的通知"     # not the 发文机关标志
    assert (f.issuer, f.co_issuers, f.doc_number) == ("云南省教育厅", ["云南省财政厅"], "云教发〔2020〕12号")
    assert (f.province, f.city, f.level, f.date) == ("云南省", "", "省", "2020-03-01")
    assert "文件" not in all_text(doc)


def test_joint_signature_block_gives_co_issuers():
    text = ("关于加强学校体育工作的通知\n各县区：\n现就加强学校体育工作通知如下。\n一、目标\n开足体育课。\n"
            "某市教育局  某市体育局  某市财政局\n2021年5月1日\n")
    f = parse(text).facts
    assert (f.issuer, f.co_issuers) == ("某市教育局", ["某市体育局", "某市财政局"])


def test_a_title_is_not_a_red_head():
    assert read_red_head(["某市教育事业发展规划", "一、总体要求"]) is None
    assert read_red_head(["某市教育局关于转发省教育厅文件的通知", "各学校："]) is None
    assert read_red_head(["某市教育局关于转发省教育厅文件", "各学校："]) is None


# --- status, dates, level, place ----------------------------------------------------------------

def test_draft_title_keeps_its_note_and_states_status():
    doc = parse("某市义务教育优质均衡发展实施方案\n（征求意见稿）\n一、总体目标\n到2025年，实现优质均衡。")
    assert doc.facts.title == "某市义务教育优质均衡发展实施方案（征求意见稿）"
    assert (doc.facts.status, doc.facts.doc_type) == ("征求意见稿", "实施方案")
    f = parse("某省学前教育条例（草案）\n第一条 为了发展学前教育，制定本条例。").facts
    assert (f.title, f.status) == ("某省学前教育条例（草案）", "征求意见稿")


def test_effective_date_and_expiry_from_the_text():
    assert effective_date_in("本办法自2020年1月1日起施行。") == "2020-01-01"
    assert effective_date_in("依据《某条例》（自2010年1月1日起施行）……本方案自2021年3月1日起实施。") == "2021-03-01"
    assert effective_date_in("本通知自印发之日起施行。", "2021-05-06") == "2021-05-06"
    assert expiry_in("本办法自2020年1月1日起施行，有效期五年。", "2020-01-01") == "2024-12-31"
    assert expiry_in("有效期至2025年12月31日。", "") == "2025-12-31"
    assert expiry_in("有效期3年", "") == ""                            # nothing to count from
    f = parse("某市校外培训管理办法\n某市教育局\n2021年5月6日\n第一条 为规范校外培训，制定本办法。\n"
              "第二条 本办法自印发之日起施行，有效期2年。").facts
    assert (f.date, f.effective_date, f.expiry) == ("2021-05-06", "2021-05-06", "2023-05-05")


@pytest.mark.parametrize("issuer, city, province, level", [
    ("教育部", "", "全国", "国家"), ("国务院办公厅", "", "全国", "国家"),
    ("全国人民代表大会常务委员会", "", "全国", "国家"),
    ("河北省教育厅", "", "河北省", "省"), ("广西壮族自治区人民政府", "", "广西壮族自治区", "省"),
    ("北京市教育委员会", "北京市", "北京市", "省"), ("北京市海淀区教育委员会", "海淀区", "北京市", "县区"),
    ("张家口市教育局", "张家口市", "河北省", "市"), ("文山州教育体育局", "文山州", "云南省", "市"),
    ("锡林郭勒盟教育局", "锡林郭勒盟", "内蒙古自治区", "市"), ("蔚县教育局", "蔚县", "河北省", "县区"),
    ("宁安市教育局", "宁安市", "黑龙江省", "县区"), ("正蓝旗教育局", "正蓝旗", "内蒙古自治区", "县区"),
    ("", "", "", ""),
])
def test_level_of_each_kind_of_issuer(issuer, city, province, level):
    assert level_of(issuer, city, province) == level


def test_national_plan_naming_taiwan_is_national():
    text = ("国家教育事业发展“十四五”规划\n一、发展环境\n支持台湾省学生来大陆就学，深化两岸教育交流。\n"
            "二、主要目标\n到2025年，台湾省同胞子女就学更加便利。")
    f = parse(text).facts
    assert (f.province, f.city, f.level) == ("全国", "", "国家")
    f = parse("关于推进两岸教育交流的意见\n教台〔2021〕2号\n支持台湾省学生就学。\n一、目标\n台湾省……").facts
    assert (f.province, f.city) == ("全国", "")


@pytest.mark.parametrize("title, city, province", [
    ("文山州教育体育局关于做好招生工作的通知", "文山州", "云南省"),
    ("文山壮族苗族自治州教育体育局关于做好招生工作的通知", "文山壮族苗族自治州", "云南省"),
    ("锡林郭勒盟教育局关于做好招生工作的通知", "锡林郭勒盟", "内蒙古自治区"),
    ("延边州教育局关于做好招生工作的通知", "延边州", "吉林省"),
])
def test_autonomous_prefectures_and_leagues_are_cities(title, city, province):
    f = parse(title + "\n一、目标\n做好招生工作。").facts
    assert (f.city, f.province, f.level) == (city, province, "市")
    assert places.province_of(city) == province


# --- sidecar, protocol ----------------------------------------------------------------------------

def test_sidecar_accepts_the_new_facts_and_rejects_bad_values():
    warnings = []
    f = apply_overrides(DocFacts(city="某市"), {
        "status": "已废止", "effective_date": "2020年1月1日", "expiry": "2024-12-31", "level": "市",
        "co_issuers": ["某市财政局"], "index_number": "X-1", "effectiveness_level": "地方规范性文件"}, warnings)
    assert (f.status, f.effective_date, f.expiry, f.level) == ("已废止", "2020-01-01", "2024-12-31", "市")
    assert (f.co_issuers, f.index_number, f.effectiveness_level) == (["某市财政局"], "X-1", "地方规范性文件")
    assert warnings == []
    f = apply_overrides(DocFacts(status="现行有效"), {"status": "好", "level": "乡", "co_issuers": 3,
                                                    "expiry": "明年", "index_number": 5}, warnings)
    assert (f.status, f.level, f.co_issuers, f.expiry, f.index_number) == ("现行有效", "", [], "", "")
    assert len(warnings) == 5 and all("已忽略" in w for w in warnings)


def test_readers_run_in_order_and_a_new_reader_is_one_entry():
    def read_stamp(lines):
        from indexer.heads import HeadReading
        return HeadReading({"index_number": lines[0][3:]}, (0,)) if lines[0].startswith("编号：") else None
    head = read_head("编号：A-7\n某方案\n一、目标", readers=[("stamp", read_stamp)])
    assert head.listed == {"index_number": "A-7"} and head.lines[0] == "" and head.readers == ["stamp"]


def test_parse_command_shows_the_new_facts_in_chinese(tmp_path, capsys):
    from search_app.cli import main
    path = tmp_path / "办法.txt"
    path.write_text(EXPORT_COLONS, encoding="utf-8")
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    for line in ("时效性：已修改", "施行日期：2016-06-01", "有效期至：2021-05-31", "发文级别：省",
                 "联合发文：浙江省教育厅", "索引号：—", "效力级别：地方规范性文件"):
        assert line in out


def test_citation_of_a_draft_says_so():
    from search_app.citation import reference
    doc = parse("某市义务教育优质均衡发展实施方案\n（征求意见稿）\n一、总体目标\n到2025年，实现优质均衡。")
    record = doc.clause_records()[-1]
    assert reference(record) == "《某市义务教育优质均衡发展实施方案（征求意见稿）》第一部分"
    assert reference({**record, "title": "某市实施方案"}) == "《某市实施方案（征求意见稿）》第一部分"
    assert reference({**record, "title": "某市实施方案", "status": "现行有效"}) == "《某市实施方案》第一部分"


def test_a_table_of_documents_is_not_a_page_box():
    lines = ["关于公布现行有效文件目录的通知", "文件名称\t文号\t发布日期\t有效性",
             "某市中小学管理办法\t某教发〔2019〕1号\t2019-01-01\t有效"]
    assert read_page_box(lines) is None
