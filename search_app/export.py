"""Exports of clauses: CSV (Excel-friendly), Markdown, Word .docx with citations."""
from __future__ import annotations

import csv
import io
import re
from datetime import date as _date, datetime, timedelta, timezone
from urllib.parse import quote

from search_app.citation import locator, reference
from search_app.params import FACET_LABELS, SORTS

CSV_COLUMNS = ["标题", "文号", "发文机关", "城市", "年份", "成文日期", "时效性", "发文级别", "条款",
               "路径", "内容", "责任单位", "牵头单位", "学段", "链接"]
PATH_SEP = " › "


def disposition(filename: str) -> str:
    """Content-Disposition with a non-ASCII file name (RFC 6266 filename*)."""
    return f"attachment; filename=\"export{filename[filename.rfind('.'):]}\"; " \
           f"filename*=UTF-8''{quote(filename)}"


def clause_url(base_url: str, clause: dict) -> str:
    return f"{base_url.rstrip('/')}/clauses/{quote(clause['clause_id'])}"


def csv_cell(value: str) -> str:
    # OWASP CSV injection rule: a spreadsheet evaluates a cell that starts with = + - @,
    # tab or CR as a formula (-2+3+cmd|' /C calc'!A0), so such a cell gets a leading '
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|&~])")


def _md(value) -> str:
    """Document text as literal Markdown: every character that could start markup,
    raw HTML (<script>, onerror=) or a link ([x](javascript:…)) is backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", str(value or ""))


def csv_row(clause: dict, base_url: str) -> list[str]:
    return [csv_cell(str(v)) for v in (
        clause.get("title", ""), clause.get("doc_number", ""), clause.get("issuer", ""),
        clause.get("city", ""), clause.get("year") or "", clause.get("date", ""),
        clause.get("status", ""), clause.get("level", ""), locator(clause) or clause.get("label", ""),
        PATH_SEP.join(clause.get("path") or []), clause.get("text", ""),
        "、".join(clause.get("units") or []), "、".join(clause.get("lead_units") or []),
        "、".join(clause.get("stages") or []) or "通用", clause_url(base_url, clause))]


def to_csv(clauses: list[dict], base_url: str) -> bytes:
    """UTF-8 with BOM so Excel detects the encoding; CRLF rows as RFC 4180 asks."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for clause in clauses:
        writer.writerow(csv_row(clause, base_url))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def export_date(today: _date | None = None) -> str:
    """2026年12月2日 — the day in China (UTC+8, no daylight saving)."""
    d = today or datetime.now(timezone(timedelta(hours=8))).date()
    return f"{d.year}年{d.month}月{d.day}日"


def filter_lines(filters: dict, mode: str = "keyword", sort: str = "relevance") -> list[str]:
    """学段：学前教育、义务教育 — the search's filters with their Chinese labels."""
    out = [f"{FACET_LABELS.get(k, k)}：{'、'.join(v)}" for k, v in (filters or {}).items() if v]
    if mode == "exact":
        out.append("检索方式：精确")
    if sort and sort != "relevance":
        out.append(f"排序：{SORTS.get(sort, sort)}")
    return out


def to_markdown(result: dict, base_url: str, today: _date | None = None) -> str:
    query = result.get("query", {})
    q = query.get("q", "")
    lines = [f"# 检索结果：{_md(q)}" if q else "# 检索结果", ""]
    conditions = filter_lines(result.get("filters") or {}, query.get("mode", "keyword"),
                              result.get("sort", "relevance"))
    if conditions:
        lines.append("筛选条件：" + "；".join(_md(c) for c in conditions))
        lines.append("")
    lines.append(f"共 {result.get('total', 0)} 条，导出 {len(result.get('hits', []))} 条。"
                 f"导出日期：{export_date(today)}。")
    lines.append("")
    for n, clause in enumerate(result.get("hits", []), 1):
        lines.append(f"## {n}. {_md(reference(clause))}")
        lines.append("")
        facts = [("城市", clause.get("city", "")),
                 ("年份", f"{clause['year']}年" if clause.get("year") else ""),
                 ("文号", clause.get("doc_number", "")), ("发文机关", clause.get("issuer", "")),
                 ("时效性", clause.get("status", "")),
                 ("学段", "、".join(clause.get("stages") or []) or "通用"),
                 ("位置", PATH_SEP.join(clause.get("path") or []))]
        lines.append("- " + " ｜ ".join(f"{k}：{_md(v)}" for k, v in facts if v))
        if clause.get("units"):
            lead = set(clause.get("lead_units") or [])
            lines.append("- 责任单位：" + "、".join(
                f"**{_md(u)}**（牵头）" if u in lead else _md(u) for u in clause["units"]))
        lines.append(f"- 链接：<{clause_url(base_url, clause)}>")
        lines.append("")
        for para in (clause.get("text") or "").splitlines():
            lines.append(f"> {_md(para)}" if para.strip() else ">")
        lines.append("")
    return "\n".join(lines)


# GB/T 9704-2012 党政机关公文格式: A4, margins 37/35/28/26 mm, body 仿宋 三号 (16 pt),
# 22 lines of 28 characters: (297 - 37 - 35) mm / 22 ≈ 28.95 pt fixed line pitch.
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
BODY_FONT, HEADING_FONT, TITLE_FONT, LATIN_FONT = "仿宋_GB2312", "黑体", "方正小标宋简体", "Times New Roman"
BODY_PT, TITLE_PT, LINE_PT = 16, 22, 28.95          # 三号, 二号, 固定行距
AUTHOR = "policy-search 政策检索"


def _fonts(style_or_run, east_asia: str, size_pt: float | None = None, bold=None) -> None:
    """Latin and East Asian fonts both: python-docx's font.name sets only w:ascii/w:hAnsi,
    and Word draws Chinese text with w:eastAsia."""
    from docx.oxml.ns import qn
    from docx.shared import Pt
    font = style_or_run.font
    font.name = LATIN_FONT
    if size_pt:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)         # a theme font would override the name


def _page_number_footer(section) -> None:
    """— 1 — centred at the foot of each page, as 公文 number their pages."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    para._p.append(field)
    para._p.append(para.add_run(" —")._r)
    for r in para.runs:
        _fonts(r, "宋体", 14)


def to_docx(clauses: list[dict], base_url: str, query: str = "", conditions=(),
            today: _date | None = None) -> bytes:
    """A Word file laid out as a 公文 attachment: 条款摘编 title, the search it came from
    and the export date, then each clause as its citation line, its text and its link."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT, BODY_PT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    for name in ("Title", "Heading 1", "Heading 2"):
        style = doc.styles[name]
        _fonts(style, TITLE_FONT if name == "Title" else HEADING_FONT,
               TITLE_PT if name == "Title" else BODY_PT, bold=False)
        style.font.color.rgb = None
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        style.paragraph_format.line_spacing = Pt(LINE_PT if name != "Title" else 36)
        style.paragraph_format.space_before = Pt(LINE_PT / 2 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(0 if name != "Title" else LINE_PT / 2)
        ppr = style.element.pPr
        for border in (ppr.findall(qn("w:pBdr")) if ppr is not None else []):
            ppr.remove(border)                  # the template's blue rule under Title
    _page_number_footer(section)

    title = doc.add_paragraph("条款摘编", style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head = ([f"检索词：{query}"] if query else []) + list(conditions) + \
        [f"共 {len(clauses)} 条　导出日期：{export_date(today)}"]
    for line in head:
        p = doc.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph()
    for clause in clauses:
        doc.add_paragraph(reference(clause), style="Heading 2")
        for para in (clause.get("text") or "").splitlines():
            if para.strip():
                body = doc.add_paragraph(para.strip())
                body.paragraph_format.first_line_indent = Pt(BODY_PT * 2)   # 首行缩进两字
        src = doc.add_paragraph()
        run = src.add_run(f"来源：{clause_url(base_url, clause)}")
        _fonts(run, BODY_FONT, 12)
    props = doc.core_properties
    props.title = f"条款摘编：{query}" if query else "条款摘编"
    props.author = props.last_modified_by = AUTHOR
    props.subject = "；".join(([f"检索词：{query}"] if query else []) + list(conditions))
    props.comments = f"由 {AUTHOR} 导出，{export_date(today)}"
    props.keywords = query
    props.category = "条款摘编"
    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
