"""References to other documents inside clause text (pure: text in, references out).

Chinese official documents cite each other in three ways (GB/T 9704 and the drafting
practice of 国家法律法规数据库 / 北大法宝):
- a title in book-title marks: 《教育法》, 《中华人民共和国教育法》, 《国务院办公厅关于…的意见》;
  the issuer may be written inside the marks;
- the 文号 in brackets after (or instead of) a title: 《…的意见》（国发〔2012〕48号）;
  the year bracket is written 〔〕, [], 【】 or () and is normalised like indexer.facts;
- an article of a named law: 《教育法》第二十九条, 《教育法》第二十九条第二款.
  第X条 alone, 本法第X条 or 本条例第X条 point into the citing document itself and are not
  references to another document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.factparse import DOC_NUMBER, normalize_doc_number
from indexer.numbering import cn_to_int

_NUM = r"[零〇○一二三四五六七八九十百千两\d]+"
# 《…》 with at most one level of 〈…〉 inside (《关于修改〈教育法〉的决定》); a title spans
# no sentence end and no line break
_TITLE = re.compile(r"《(?P<title>[^《》\n。；]{2,120})》")
_ARTICLE_AFTER = re.compile(
    rf"\s*第\s*(?P<article>{_NUM})\s*条(?:之(?P<sub>{_NUM}))?(?:\s*第\s*(?P<para>{_NUM})\s*款)?")
# the bracketed 文号 right after a title, or standing alone: （国发〔2012〕48号）
_DOCNO_BRACKETED = re.compile(r"[（(]\s*(?P<docno>[^（）()\n]{2,40}?号)\s*[）)]")


@dataclass(frozen=True)
class Reference:
    """One reference; start/end are character offsets into the clause text."""
    start: int
    end: int
    title: str = ""          # as written between 《》 ('' for a bare 文号)
    doc_number: str = ""     # normalised 文号 (国发〔2012〕48号), '' if none
    article: int | None = None     # 第X条 of the cited document
    paragraph: int | None = None   # 第X款 of that article

    @property
    def article_label(self) -> str:
        return f"第{_cn(self.article)}条" if self.article else ""


def find_references(text: str) -> list[Reference]:
    """Every reference in text, in order, non-overlapping."""
    text = text or ""
    out: list[Reference] = []
    taken_end = -1
    for m in _TITLE.finditer(text):
        start, end = m.start(), m.end()
        title = m.group("title").strip()
        docno, article, para = "", None, None
        d = _DOCNO_BRACKETED.match(text, end)
        if d and (number := normalize_doc_number(d.group("docno"))):
            docno, end = number, d.end()
        a = _ARTICLE_AFTER.match(text, end)
        if a:
            try:
                article = cn_to_int(a.group("article"))
                para = cn_to_int(a.group("para")) if a.group("para") else None
                end = a.end()
            except ValueError:
                article = None
        out.append(Reference(start, end, title, docno, article, para))
        taken_end = max(taken_end, end)
    for m in _DOCNO_BRACKETED.finditer(text):
        if any(r.start <= m.start() < r.end for r in out):
            continue
        number = normalize_doc_number(m.group("docno"))
        # a bracket that only holds a 文号 (not a date or 2019年第3号公告 of the own text)
        if number and DOC_NUMBER.fullmatch(m.group("docno").strip()):
            out.append(Reference(m.start(), m.end(), "", number))
    return sorted(out, key=lambda r: r.start)


def issuer_free(title: str) -> str:
    """《教育部关于…的通知》 → 关于…的通知: the title as published without its issuer.
    '' when the title does not start with an issuer followed by 关于."""
    i = title.find("关于")
    return title[i:] if i > 0 else ""


def _cn(n: int) -> str:
    """Small int → Chinese numeral as in 第二十九条 (1–9999)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero and out:
                out += "零"
            out += digits[d] + unit
            zero = False
        elif out:
            zero = True
    return out


def article_number(label: str) -> int | None:
    """第二十九条 → 29 (a clause label); None for anything else."""
    m = re.fullmatch(rf"\s*第\s*({_NUM})\s*条\s*", label or "")
    if not m:
        return None
    try:
        return cn_to_int(m.group(1))
    except ValueError:
        return None
