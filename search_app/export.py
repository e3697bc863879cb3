"""Exports of clauses: CSV (Excel-friendly), Markdown, Word .docx with citations."""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

from search_app.citation import locator, reference

CSV_COLUMNS = ["标题", "文号", "城市", "年份", "条款", "路径", "内容", "责任单位", "牵头单位",
               "学段", "链接"]
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
        clause.get("title", ""), clause.get("doc_number", ""), clause.get("city", ""),
        clause.get("year") or "", locator(clause) or clause.get("label", ""),
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


def to_markdown(result: dict, base_url: str) -> str:
    q = result.get("query", {}).get("q", "")
    lines = [f"# 检索结果：{_md(q)}" if q else "# 检索结果", ""]
    filters = result.get("filters") or {}
    if filters:
        lines.append("筛选条件：" + "；".join(f"{k}={_md('、'.join(v))}"
                                          for k, v in filters.items()))
        lines.append("")
    lines.append(f"共 {result.get('total', 0)} 条，导出 {len(result.get('hits', []))} 条。")
    lines.append("")
    for n, clause in enumerate(result.get("hits", []), 1):
        lines.append(f"## {n}. {_md(reference(clause))}")
        lines.append("")
        facts = [clause.get("city", ""), str(clause.get("year") or ""),
                 PATH_SEP.join(clause.get("path") or [])]
        lines.append("- " + " ｜ ".join(_md(f) for f in facts if f))
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


def to_docx(clauses: list[dict], base_url: str) -> bytes:
    """A Word file: each clause as its citation (bold), its text and its source link."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")   # CJK text in 宋体
    doc.add_heading("条款摘编", level=1)
    for clause in clauses:
        ref = doc.add_paragraph()
        ref.add_run(reference(clause)).bold = True
        for para in (clause.get("text") or "").splitlines():
            if para.strip():
                doc.add_paragraph(para.strip())
        src = doc.add_paragraph()
        src.add_run(f"来源：{clause_url(base_url, clause)}").italic = True
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
