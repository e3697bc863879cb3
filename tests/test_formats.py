"""Old and scanned formats: Word's list numbering in .docx, Word 97–2003 .doc, OCR of
scanned PDFs. Test files are built here from the conventions (GB/T 9704 outline levels
一、/（一）/1./（1）, 第X条 articles), never copied from a site."""
from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from indexer.docx_numbering import ListNumberer, ParagraphNumbering, format_number
from indexer.loaders import UnreadableFile, read_document
from indexer.pipeline import parse_document

docx = pytest.importorskip("docx")
from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


# --- Word list numbering ------------------------------------------------------------------

def _lvl(ilvl, fmt, text, start=1, extra=""):
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>')


# the 公文 outline as a Word multilevel list: 一、 / （一） / 1. / （1）
GONGWEN_LEVELS = (_lvl(0, "chineseCounting", "%1、") + _lvl(1, "chineseCounting", "（%2）")
                  + _lvl(2, "decimal", "%3.") + _lvl(3, "decimal", "（%4）"))


def numbering_xml(abstracts: dict[int, str], nums: dict[int, tuple[int, str]]) -> bytes:
    """abstractNumId → its w:lvl elements; numId → (abstractNumId, w:lvlOverride xml)."""
    body = "".join(f'<w:abstractNum w:abstractNumId="{a}">{lv}</w:abstractNum>'
                   for a, lv in abstracts.items())
    body += "".join(f'<w:num w:numId="{n}"><w:abstractNumId w:val="{a}"/>{ov}</w:num>'
                    for n, (a, ov) in nums.items())
    return f'<w:numbering {W_NS}>{body}</w:numbering>'.encode("utf-8")


def _number(paragraph, num_id, ilvl=None):
    ilvl_xml = "" if ilvl is None else f'<w:ilvl w:val="{ilvl}"/>'
    el = paragraph._p if hasattr(paragraph, "_p") else paragraph.element     # paragraph or style
    ppr = el.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {W_NS}>{ilvl_xml}<w:numId w:val="{num_id}"/></w:numPr>'))


def build_docx(path: Path, paragraphs, numbering: bytes, styles: dict[str, tuple[int, int | None]] = {}):
    """paragraphs: (text, numId or None, ilvl or None, style name or None).
    styles: a paragraph style to create → (numId, ilvl) in its own w:numPr."""
    d = docx.Document()
    for name, (num_id, ilvl) in styles.items():
        st = d.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = d.styles["Normal"]
        _number(st, num_id, ilvl)
    for text, num_id, ilvl, style in paragraphs:
        p = d.add_paragraph(text, style=style)
        if num_id is not None:
            _number(p, num_id, ilvl)
    buf = io.BytesIO()
    d.save(buf)
    # swap in our numbering part (python-docx's template has one at word/numbering.xml)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = numbering if info.filename == "word/numbering.xml" else src.read(info)
            dst.writestr(info, data)
    return path


@pytest.mark.parametrize("n, fmt, shown", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCounting", "二十"), (105, "chineseCountingThousand", "一百零五"),
    (3, "ideographTraditional", "丙"), (2, "decimalEnclosedCircle", "②"),
    (3, "decimalEnclosedParen", "⑶"), (12, "decimal", "12"), (4, "chineseLegalSimplified", "肆"),
    (2, "upperLetter", "B"), (4, "lowerRoman", "iv"), (25, "decimalEnclosedCircle", "25"),
])
def test_number_formats(n, fmt, shown):
    assert format_number(n, fmt) == shown


def test_gongwen_outline_levels_and_restart_of_lower_levels():
    xml = numbering_xml({0: GONGWEN_LEVELS}, {1: (0, "")})
    nb = ListNumberer(xml)
    seq = [0, 1, 2, 2, 1, 2, 0, 1, 3]
    got = [nb.label(ParagraphNumbering("1", lv)) for lv in seq]
    # 一、 (一) 1. 2. (二) 1. 二、 (一) — a new 一、 restarts （一）, a new （二） restarts 1.
    assert got == ["一、", "（一）", "1.", "2.", "（二）", "1.", "二、", "（一）", "（1）"]


def test_start_override_restarts_and_a_second_instance_continues():
    levels = _lvl(0, "decimal", "%1.")
    xml = numbering_xml({0: levels}, {1: (0, ""), 2: (0, ""),
                                      3: (0, '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>')})
    nb = ListNumberer(xml)
    got = [nb.label(ParagraphNumbering(n, 0)) for n in ("1", "1", "2", "3", "3")]
    # numId 2 shares the abstract list: Word continues (3.); numId 3 restarts it
    assert got == ["1.", "2.", "3.", "1.", "2."]


def test_no_numbering_bullets_and_broken_parts_give_no_label():
    bullets = numbering_xml({0: _lvl(0, "bullet", "\uf0b7")}, {1: (0, "")})
    nb = ListNumberer(bullets)
    assert nb.label(ParagraphNumbering("1", 0)) == ""
    assert nb.label(ParagraphNumbering("0", 0)) == ""            # numId 0 = numbering off
    assert nb.label(ParagraphNumbering("99", 0)) == ""           # unknown list
    assert ListNumberer(b"<not xml").label(ParagraphNumbering("1", 0)) == ""
    assert ListNumberer(None).label(ParagraphNumbering()) == ""


def test_multilevel_text_and_legal_numbering():
    levels = (_lvl(0, "chineseCounting", "第%1章") + _lvl(1, "decimal", "%1.%2", extra="<w:isLgl/>"))
    nb = ListNumberer(numbering_xml({0: levels}, {1: (0, "")}))
    got = [nb.label(ParagraphNumbering("1", lv)) for lv in (0, 1, 1)]
    assert got == ["第一章\u3000", "1.1\u3000", "1.2\u3000"]


def test_docx_labels_rendered_and_outline_built(tmp_path):
    xml = numbering_xml({0: GONGWEN_LEVELS}, {1: (0, "")})
    path = build_docx(tmp_path / "plan.docx", [
        ("某市推进学前教育普及普惠实施方案", None, None, None),
        ("总体目标", 1, 0, None),
        ("到2025年，学前教育毛入园率达到95%以上。", None, None, None),
        ("主要任务", 1, 0, None),
        ("扩大普惠资源。新建公办幼儿园10所。", 1, 1, None),
        ("加强教师队伍建设。配齐幼儿园教职工。", 1, 1, None),
        ("落实生均公用经费标准。", 1, 2, None),
        ("健全成本分担机制。", 1, 2, None),
    ], xml)
    lines = read_document(path).split("\n")
    assert lines[1:] == ["一、总体目标", "到2025年，学前教育毛入园率达到95%以上。", "二、主要任务",
                         "（一）扩大普惠资源。新建公办幼儿园10所。", "（二）加强教师队伍建设。配齐幼儿园教职工。",
                         "1.落实生均公用经费标准。", "2.健全成本分担机制。"]
    doc = parse_document("\n".join(lines), "plan.docx")
    assert [(c.label, c.path) for c in doc.clauses] == [
        ("一、", []), ("（一）", ["二、主要任务"]), ("（二）", ["二、主要任务"]),
        ("1.", ["二、主要任务", "（二）加强教师队伍建设"]), ("2.", ["二、主要任务", "（二）加强教师队伍建设"])]


def test_docx_numbering_inherited_from_the_paragraph_style(tmp_path):
    xml = numbering_xml({0: GONGWEN_LEVELS, 1: _lvl(0, "chineseCounting", "第%1条")},
                        {1: (0, ""), 2: (1, "")})
    path = build_docx(tmp_path / "rules.docx", [
        ("某市中小学校管理办法", None, None, None),
        ("为了规范中小学校管理，制定本办法。", None, None, "条文"),
        ("本办法适用于本市行政区域内的中小学校。", None, None, "条文"),
        ("说明文字，不编号。", "0", None, "条文"),          # numId 0 switches the style's list off
        ("市教育局负责本办法的组织实施。", None, None, "条文"),
    ], xml, styles={"条文": (2, 0)})
    lines = read_document(path).split("\n")
    assert lines[1:] == ["第一条\u3000为了规范中小学校管理，制定本办法。",
                         "第二条\u3000本办法适用于本市行政区域内的中小学校。",
                         "说明文字，不编号。", "第三条\u3000市教育局负责本办法的组织实施。"]
    doc = parse_document("\n".join(lines), "rules.docx")
    assert [c.label for c in doc.clauses if c.label] == ["第一条", "第二条", "第三条"]


def test_docx_level_linked_to_heading_style(tmp_path):
    # a multilevel list linked to styles: level 0 ↔ 一级标题, level 1 ↔ 二级标题; the styles
    # carry only the numId, the level comes from the list's w:pStyle
    levels = (_lvl(0, "chineseCounting", "%1、", extra='<w:pStyle w:val="a1"/>')
              + _lvl(1, "chineseCounting", "（%2）", extra='<w:pStyle w:val="a2"/>'))
    d = docx.Document()
    for sid, name in (("a1", "一级标题"), ("a2", "二级标题")):
        st = d.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.element.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}styleId", sid)
        _number(st, 1)
    for text, style in (("指导思想", "一级标题"), ("基本原则", "一级标题"), ("坚持公益普惠", "二级标题"),
                        ("坚持因地制宜", "二级标题")):
        d.add_paragraph(text, style=style)
    buf = io.BytesIO()
    d.save(buf)
    path = tmp_path / "linked.docx"
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, numbering_xml({0: levels}, {1: (0, "")})
                         if info.filename == "word/numbering.xml" else src.read(info))
    assert read_document(path).split("\n") == ["一、指导思想", "二、基本原则", "（一）坚持公益普惠",
                                                   "（二）坚持因地制宜"]


# --- Word 97–2003 .doc ---------------------------------------------------------------------

DOC_FIXTURE = FIXTURES / "学前教育行动计划.doc"   # made here: python-docx → LibreOffice "MS Word 97"


@pytest.mark.parametrize("converter", ["catdoc", "antiword"])
def test_doc_read_by_each_converter(tmp_path, monkeypatch, converter):
    if not shutil.which(converter):
        pytest.skip(f"{converter} not installed (bash scripts/install-system.sh)")
    import indexer.loaders as loaders
    monkeypatch.setattr(loaders, "DOC_CONVERTERS",
                        tuple(c for c in loaders.DOC_CONVERTERS if c[0] == converter))
    lines = [ln for ln in read_document(DOC_FIXTURE).split("\n") if ln.strip()]
    assert lines[0] == "某市教育局关于印发学前教育发展行动计划的通知"
    assert "（一）扩大普惠资源" in lines
    # one paragraph per line: the converter does not rewrap at 80 columns
    assert "新建、改扩建公办幼儿园20所，新增学位6000个。（责任单位：市教育局、市财政局）" in lines


def test_doc_parsed_into_outline_and_units():
    if not (shutil.which("catdoc") or shutil.which("antiword")):
        pytest.skip("no .doc converter installed (bash scripts/install-system.sh)")
    doc = parse_document(read_document(DOC_FIXTURE), DOC_FIXTURE.name)
    by_label = {c.label: c for c in doc.clauses}
    assert by_label["（一）"].path == ["二、主要任务"]
    assert by_label["（一）"].units == ["市教育局", "市财政局"]
    assert doc.facts.title == "学前教育发展行动计划"


def test_doc_falls_back_to_the_next_converter(monkeypatch):
    if not shutil.which("catdoc"):
        pytest.skip("catdoc not installed (bash scripts/install-system.sh)")
    import indexer.loaders as loaders
    failing = ("false", [shutil.which("false") or "/bin/false"])     # exits 1, prints nothing
    monkeypatch.setattr(loaders, "DOC_CONVERTERS", (failing, loaders.DOC_CONVERTERS[0]))
    assert "一、总体目标" in read_document(DOC_FIXTURE).split("\n")
    monkeypatch.setattr(loaders, "DOC_CONVERTERS", (failing,))
    with pytest.raises(UnreadableFile, match="另存为 .docx"):
        read_document(DOC_FIXTURE)


def test_doc_without_converter_is_one_clear_line(tmp_path, monkeypatch):
    import indexer.loaders as loaders
    monkeypatch.setattr(loaders, "DOC_CONVERTERS", (("catdoc", ["/nonexistent/catdoc"]),))
    with pytest.raises(UnreadableFile) as info:
        read_document(DOC_FIXTURE)
    assert "catdoc" in info.value.reason and "scripts/install-system.sh" in info.value.reason


def test_doc_that_is_really_something_else(tmp_path):
    page = tmp_path / "通知.doc"                  # gov sites serve HTML pages as .doc
    page.write_text("<html><body><p>一、总体目标</p><p>到2025年，学前教育毛入园率达到95%。</p></body></html>",
                    encoding="utf-8")
    assert "一、总体目标" in read_document(page).split("\n")
    rtf = tmp_path / "rtf.doc"
    rtf.write_bytes(b"{\\rtf1\\ansi hello}")
    with pytest.raises(UnreadableFile, match="RTF"):
        read_document(rtf)
    junk = tmp_path / "junk.doc"
    junk.write_bytes(b"\x00\x01not a word file" * 10)
    with pytest.raises(UnreadableFile, match="损坏"):
        read_document(junk)


def test_doc_renamed_docx_is_read(tmp_path):
    if not (shutil.which("catdoc") or shutil.which("antiword")):
        pytest.skip("no .doc converter installed (bash scripts/install-system.sh)")
    renamed = tmp_path / "plan.docx"
    renamed.write_bytes(DOC_FIXTURE.read_bytes())
    assert "一、总体目标" in read_document(renamed).split("\n")


# --- OCR of scanned PDFs ---------------------------------------------------------------------

SCAN_LINES = ["某市义务教育优质均衡发展实施方案", "一、总体目标", "到2025年，全市义务教育学校全部达到办学标准。",
              "二、主要任务", "（一）加强学校建设。新建中小学校十所。", "（二）加强教师队伍建设。"]


def scanned_pdf(path: Path, lines=SCAN_LINES) -> Path:
    """A one-page image PDF of rendered Chinese text: what a scanner makes (no text layer)."""
    Image = pytest.importorskip("PIL.Image")
    from PIL import ImageDraw, ImageFont
    font_path = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    if not font_path.exists():
        pytest.skip("WenQuanYi font not installed (fonts-wqy-microhei)")
    font = ImageFont.truetype(str(font_path), 40)
    img = Image.new("L", (1654, 200 + 110 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((120, 100 + i * 110), line, font=font, fill=0)
    img.save(path, "PDF", resolution=200)
    return path


def test_scanned_pdf_without_ocr_says_how(tmp_path):
    pdf = scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(UnreadableFile, match="可用 --ocr 识别"):
        read_document(pdf)


def test_scanned_pdf_ocr_into_clauses(tmp_path):
    from indexer.ocr import missing_tools
    if missing_tools():
        pytest.skip(missing_tools())
    from indexer.loaders import load_document
    pdf = scanned_pdf(tmp_path / "scan.pdf")
    _, text, notes = load_document(pdf, ocr=True)
    assert "OCR" in notes[0]
    doc = parse_document(text, "scan.pdf")
    assert doc.facts.title == "某市义务教育优质均衡发展实施方案"
    got = [(c.label, c.path) for c in doc.clauses]
    assert got[0][0] == "一、"
    assert [p for _, p in got[1:]] == [["二、主要任务"], ["二、主要任务"]]
    assert "新建中小学校十所" in doc.clauses[1].text


def test_ocr_requested_but_tesseract_missing(tmp_path, monkeypatch):
    import indexer.ocr as ocr
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    pdf = scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(UnreadableFile) as info:
        read_document(pdf, ocr=True)
    assert "tesseract-ocr-chi-sim" in info.value.reason


def test_tidy_ocr_text():
    from indexer.ocr import tidy_ocr_text
    assert tidy_ocr_text("教 育 局 负 责\n\n(一 ) 加强 建设 。\x0cSchool Act 2020\n(2 ) 落实") == \
        "教育局负责\n(一)加强建设。\nSchool Act 2020\n(2)落实"


def test_index_ocr_flag_end_to_end(tmp_path, capsys):
    from indexer.ocr import missing_tools
    if missing_tools():
        pytest.skip(missing_tools())
    from search_app.cli import main
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    scanned_pdf(corpus / "scan.pdf")
    (corpus / "plan.txt").write_text("某市教育实施方案\n一、总体目标\n加强统筹。\n", encoding="utf-8")
    assert main(["index", str(corpus), "--index", str(tmp_path / "ix")]) == 1     # skipped
    assert "可用 --ocr 识别" in capsys.readouterr().err
    assert main(["index", str(corpus), "--index", str(tmp_path / "ix"), "--ocr"]) == 0
    err = capsys.readouterr().err
    assert "较慢" in err and "跳过 scan.pdf" not in err and "写入 3 条" in err


def test_ocr_progress_bar_only_on_a_terminal_outside_ci(monkeypatch):
    import indexer.ocr as ocr

    class Stream:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(ocr.sys, "stderr", Stream(True))
    assert ocr._show_progress()
    monkeypatch.setenv("CI", "1")
    assert not ocr._show_progress()
    monkeypatch.delenv("CI")
    monkeypatch.setattr(ocr.sys, "stderr", Stream(False))
    assert not ocr._show_progress()
