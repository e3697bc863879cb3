"""Loaders: every bad file ends as UnreadableFile with a reason, never another exception."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from indexer.loaders import (SUPPORTED_SUFFIXES, UnreadableFile, decode_bytes, html_to_text,
                             iter_source_files, meta_for, read_document)

POLICY = "一、总体目标\n到2020年，全市高中阶段教育毛入学率达到90%以上。\n（一）扩大教育资源\n1.加大投入力度。"


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p


def _reason(path: Path) -> str:
    with pytest.raises(UnreadableFile) as info:
        read_document(path)
    assert info.value.reason
    return info.value.reason


def minimal_pdf(lines: list[str] | None) -> bytes:
    """A valid one-page PDF; with `lines` it has a Helvetica text layer, without any
    text it is what a scan without OCR looks like to a text extractor."""
    if lines:
        ops = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
        for ln in lines:
            ops.append("(" + ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*")
        ops.append("ET")
    else:
        ops = ["0 0 1 rg", "72 72 200 200 re f"]           # a filled rectangle, no text
    stream = "\n".join(ops).encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


# --- text files and encodings --------------------------------------------------------------

def test_utf8_text_with_bom_and_crlf(tmp_path):
    p = _write(tmp_path, "a.txt", b"\xef\xbb\xbf" + POLICY.replace("\n", "\r\n").encode("utf-8"))
    assert read_document(p) == POLICY


@pytest.mark.parametrize("codec", ["gbk", "gb18030", "big5"])
def test_legacy_chinese_encodings_decode(tmp_path, codec):
    text = "為貫徹落實教育部關於普及高中階段教育的通知，制定本方案。" if codec == "big5" else POLICY
    p = _write(tmp_path, f"{codec}.txt", text.encode(codec))
    assert read_document(p) == text


@pytest.mark.parametrize("text", ["学校", "教育", "一、总体目标", "严格审核招生计划"])
def test_short_gbk_is_not_mistaken_for_big5(text):
    decoded, codec = decode_bytes(text.encode("gbk"))
    assert decoded == text and codec == "gb18030"


@pytest.mark.parametrize("text", ["學校", "中文", "一、總體目標"])
def test_short_big5_decodes(text):
    decoded, _ = decode_bytes(text.encode("big5"))
    assert decoded == text


def test_gb18030_only_character_uses_superset():
    text = "㐀字与€符号：教育"                     # outside GBK's two-byte range
    assert decode_bytes(text.encode("gb18030")) == (text, "gb18030")


def test_undecodable_bytes_are_replaced_not_fatal(tmp_path):
    data = POLICY.encode("gbk") + b"\xff\xfe\x81"          # a truncated/garbled tail
    text, codec = decode_bytes(data)
    assert codec == "gb18030" and text.startswith(POLICY)
    p = _write(tmp_path, "broken.txt", data)
    assert read_document(p).startswith(POLICY)


def test_utf8_with_one_damaged_byte_stays_utf8():
    data = (POLICY * 20).encode("utf-8")
    data = data[:100] + b"\xff" + data[101:]
    text, codec = decode_bytes(data)
    assert codec == "utf-8" and "\ufffd" in text and text.endswith("加大投入力度。")


def test_utf16_with_bom(tmp_path):
    p = _write(tmp_path, "u16.txt", b"\xff\xfe" + POLICY.encode("utf-16-le"))
    assert read_document(p) == POLICY


def test_binary_file_refused(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    assert _reason(_write(tmp_path, "img.txt", png)) == "二进制文件，不是文本"
    with pytest.raises(UnreadableFile):
        decode_bytes(bytes(range(256)) * 4)


def test_empty_and_blank_files(tmp_path):
    assert _reason(_write(tmp_path, "e.txt", b"")) == "空文件"
    assert _reason(_write(tmp_path, "b.md", " \n\u3000\n")) == "空文件"


def test_unknown_suffix_and_missing_file(tmp_path):
    assert _reason(_write(tmp_path, "table.xls", b"whatever")) == "不支持的文件类型 .xls"
    assert "不支持" in _reason(_write(tmp_path, "README", b"x"))
    assert _reason(tmp_path / "gone.txt") == "文件不存在"


def test_huge_single_line(tmp_path):
    line = "教育" * 3_000_000 + "。"                       # 6 M characters, one line
    p = _write(tmp_path, "big.txt", line)
    assert read_document(p) == line


def test_markdown_comments_removed_but_header_marker_kept(tmp_path):
    from indexer.pipeline import parse_document
    p = _write(tmp_path, "law.md", "# 某某条例\n\n2020年1月1日 某市第十五届人民代表大会常务委员会第五次会议通过\n\n"
               "<!-- INFO END -->\n\n<!-- 编者\n按语 -->\n第一条 为了规范管理，制定本条例。\n")
    text = read_document(p)
    assert "编者" not in text and "第一条 为了规范管理" in text
    assert "<!-- INFO END -->" in text.splitlines()      # the end of the header block
    doc = parse_document(text, "law.md")
    assert [c.label for c in doc.clauses] == ["第一条"]
    assert doc.facts.issuer == "某市人民代表大会常务委员会" and doc.facts.date == "2020-01-01"


# --- docx ------------------------------------------------------------------------------------

def test_docx_paragraphs_and_tables_in_order(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("一、总体目标")
    d.add_paragraph("到2020年，毛入学率达到90%以上。")
    t = d.add_table(rows=2, cols=3)
    for r, row in enumerate([("序号", "任务", "责任单位"), ("1", "新建幼儿园", "市教育局")]):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    d.add_paragraph("二、保障措施")
    p = tmp_path / "plan.docx"
    d.save(p)
    lines = read_document(p).split("\n")
    assert lines == ["一、总体目标", "到2020年，毛入学率达到90%以上。", "序号\t任务\t责任单位",
                     "1\t新建幼儿园\t市教育局", "二、保障措施"]


def test_corrupt_docx(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("正文。" * 200)
    good = tmp_path / "good.docx"
    d.save(good)
    data = good.read_bytes()
    assert _reason(_write(tmp_path, "trunc.docx", data[: len(data) // 2])).startswith("docx 文件损坏")
    assert _reason(_write(tmp_path, "text.docx", "其实是文本")) == "docx 文件损坏"
    # a valid zip that is not a Word package
    z = tmp_path / "zip.docx"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert _reason(z) == "docx 文件损坏"
    ole = _write(tmp_path, "old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
    assert ".doc" in _reason(ole)


# --- pdf -------------------------------------------------------------------------------------

def test_pdf_text_layer(tmp_path):
    p = _write(tmp_path, "a.pdf", minimal_pdf(["Article 1 Schools shall enrol", "students nearby."]))
    text = read_document(p)
    assert "Article 1 Schools shall enrol" in text and "students nearby." in text
    assert "\n\n" not in text and "\x0c" not in text


def test_pdf_without_text_layer(tmp_path):
    p = _write(tmp_path, "scan.pdf", minimal_pdf(None))
    assert _reason(p) == "PDF 无文字层（可能是扫描件），可用 --ocr 识别"


def test_corrupt_pdf(tmp_path):
    assert _reason(_write(tmp_path, "x.pdf", b"not a pdf at all")) == "PDF 文件损坏"
    data = minimal_pdf(["Hello world"])
    assert _reason(_write(tmp_path, "t.pdf", data[:60])).startswith(("PDF 文件损坏", "PDF 无文字层"))
    garbage = b"%PDF-1.4\n" + bytes(range(256)) * 20
    assert _reason(_write(tmp_path, "g.pdf", garbage)).startswith(("PDF 文件损坏", "PDF 无文字层"))


# --- html ------------------------------------------------------------------------------------

GOV_PAGE = """<!DOCTYPE html>
<html><head><meta charset="gb2312"><title>关于印发某某市教育提升方案的通知_某某市人民政府</title>
<script>var tracker = "SCRIPT_SECRET";</script><style>.x{color:red}</style></head>
<body onload="alert('ONLOAD_SECRET')">
<div class="header"><a href="/">某某市人民政府</a><ul class="nav"><li><a href="#">首页</a></li>
<li><a href="#">政务公开</a></li><li><a href="#">互动交流</a></li></ul></div>
<div class="main">
 <div class="breadcrumb">您现在所在的位置：<a href="/">首页</a> &gt; <a href="#">政务公开</a></div>
 <table class="xxgk_table"><tr><td>索引号：</td><td>11111-2020-00001</td><td>主题分类：</td><td>教育</td></tr></table>
 <h1>关于印发某某市教育提升方案的通知</h1>
 <div class="info">发布时间：2020-03-02 浏览次数：128 字号：[<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>]</div>
 <div id="zoom" class="TRS_Editor">
  <p>各县区人民政府，市政府各部门：</p>
  <p>　　现将《某某市教育提升方案》印发给你们，请认真贯彻执行。</p>
  <p>一、总体目标</p>
  <p>　　到2022年，全市学前教育毛入园率达到90%以上。</p>
  <p>（一）扩大资源。新建幼儿园10所，&lt;script&gt;是文字&lt;/script&gt;不是脚本。</p>
  <p>1.加大投入。<br>2.优化布局。</p>
  <script>document.write("INLINE_SECRET")</script>
 </div>
 <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
 <div class="related">相关链接：<a href="#">某某方案解读</a></div>
</div>
<div class="footer">主办单位：某某市人民政府办公室 网站标识码：1234<br>京ICP备12345号</div>
<form><input value="搜索"><button>搜索</button></form>
</body></html>"""


def test_gov_page_keeps_body_drops_chrome():
    text = html_to_text(GOV_PAGE)
    lines = text.split("\n")
    assert lines[0] == "关于印发某某市教育提升方案的通知"
    assert "一、总体目标" in lines and "2.优化布局。" in lines and "1.加大投入。" in lines
    for chrome in ("SCRIPT_SECRET", "INLINE_SECRET", "ONLOAD_SECRET", "政务公开", "互动交流",
                   "索引号", "浏览次数", "分享到", "微博", "主办单位", "ICP", "搜索", "color"):
        assert chrome not in text, chrome
    # escaped markup in the body is text, shown as written
    assert "新建幼儿园10所，<script>是文字</script>不是脚本。" in text


def test_gov_page_file_in_gbk(tmp_path):
    p = _write(tmp_path, "page.html", GOV_PAGE.encode("gbk"))
    assert "全市学前教育毛入园率达到90%以上。" in read_document(p)


def test_page_without_content_markers_uses_text_density():
    page = ("<html><body><div id='top'><a href='#'>首页</a> | <a href='#'>新闻中心</a> | "
            "<a href='#'>通知公告</a></div><div><ul><li><a href='#'>链接一</a></li>"
            "<li><a href='#'>链接二</a></li></ul><div><p>第一条 为规范学校管理，制定本办法。</p>"
            "<p>第二条 本办法适用于全市中小学。</p><p>第三条 学校应当依法办学。</p></div></div></body></html>")
    lines = html_to_text(page).split("\n")
    assert lines == ["第一条 为规范学校管理，制定本办法。", "第二条 本办法适用于全市中小学。",
                     "第三条 学校应当依法办学。"]


@pytest.mark.parametrize("page", ["", "<<<>>>", "<script>alert(1)</script>",
                                  "<frameset><frame src='a.html'></frameset>",
                                  "<div>" * 5000 + "x" + "</div>" * 5000,
                                  "<?xml version='1.0' encoding='gb2312'?><p>正文。</p>"])
def test_hostile_html_never_crashes(page):
    out = html_to_text(page)
    assert isinstance(out, str) and "alert" not in out


def test_html_file_without_body_text(tmp_path):
    p = _write(tmp_path, "empty.html", "<html><head><script>var a=1;</script></head><body></body></html>")
    assert _reason(p) == "网页中没有正文"


def test_html_saved_as_txt_is_read_as_page(tmp_path):
    p = _write(tmp_path, "saved.txt", "<!DOCTYPE html><html><body><p>正文第一段。</p><script>x()</script></body></html>")
    assert read_document(p) == "正文第一段。"


# --- directory walk and sidecars --------------------------------------------------------------

def test_iter_source_files(tmp_path):
    for name in ("b/2.txt", "a.md", "b/1.pdf", "c.xls", ".hidden.txt", ".git/x.txt",
                 "a.meta.json", "~$lock.docx", "b/deep/3.html"):
        _write(tmp_path, name, "x")
    got = [p.relative_to(tmp_path).as_posix() for p in iter_source_files([tmp_path])]
    assert got == ["a.md", "b/1.pdf", "b/2.txt", "b/deep/3.html", "c.xls"]
    # an unsupported file is yielded so that reading it reports why it is skipped
    assert _reason(tmp_path / "c.xls") == "不支持的文件类型 .xls"
    # explicit files, given twice, come once
    one = tmp_path / "a.md"
    assert list(iter_source_files([one, one])) == [one]
    assert ".docx" in SUPPORTED_SUFFIXES


def test_meta_for(tmp_path):
    doc = _write(tmp_path, "foo.txt", POLICY)
    assert meta_for(doc) == ({}, [])
    _write(tmp_path, "foo.meta.json", json.dumps({"year": 2019, "city": "宁安市"}, ensure_ascii=False))
    assert meta_for(doc) == ({"year": 2019, "city": "宁安市"}, [])
    _write(tmp_path, "foo.txt.meta.json", json.dumps({"year": 2020}))       # more specific wins
    assert meta_for(doc) == ({"year": 2020}, [])


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", b"\xff\xfe\x00\x01\x02"])
def test_bad_meta_warns_not_crash(tmp_path, content):
    doc = _write(tmp_path, "bar.txt", POLICY)
    _write(tmp_path, "bar.meta.json", content)
    meta, warnings = meta_for(doc)
    assert meta == {} and len(warnings) == 1 and "bar.meta.json" in warnings[0]
