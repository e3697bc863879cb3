"""Primitives of document facts: 文号, dates, Chinese numbers, the document type of a title.

Pure and dependency-free, so the head readers (indexer.heads), validity rules, sidecar
overrides and the fact extractor all build on them without importing each other.
"""
from __future__ import annotations

import datetime as _dt
import re

# Longest matching ending wins; order is irrelevant.
DOC_TYPES = (
    "实施方案", "工作方案", "行动方案", "方案", "行动计划", "计划", "规划", "纲要",
    "意见", "实施意见", "指导意见", "通知", "通告", "公告", "决定", "决议", "条例",
    "办法", "实施办法", "规定", "细则", "修正案", "实施细则", "法", "标准", "规则", "规程",
    "规范", "安排", "解答", "指南", "要点", "工作要点", "批复", "解释", "章程", "准则", "守则", "制度",
)
_TRAILING_BRACKETS = re.compile(r"(?:[（(][^（()）]*[)）]\s*)+$")


_OPEN, _CLOSE = r"〔\[(（【﹝［", r"〕\])）】﹞］"
DOC_NUMBER = re.compile(
    rf"(?P<prefix>[\u4e00-\u9fff]{{1,12}})\s*[{_OPEN}]?\s*(?P<year>(?:19|20)\d{{2}})\s*[{_CLOSE}]"
    rf"\s*第?\s*(?P<num>\d{{1,5}})\s*号")

# the tail of a 文号 ("2019〕24号") is cheap to find; DOC_NUMBER then runs on a window
_DOC_NUMBER_TAIL = re.compile(rf"(?:19|20)\d{{2}}\s*[{_CLOSE}]\s*第?\s*\d{{1,5}}\s*号")


def find_doc_numbers(text: str):
    """DOC_NUMBER matches in text, without running its CJK-prefix scan over every char."""
    for tail in _DOC_NUMBER_TAIL.finditer(text):
        m = DOC_NUMBER.search(text, max(0, tail.start() - 16), tail.end())
        if m:
            yield m


_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0, "O": 0}
_DATE_ARABIC = re.compile(r"((?:19|20)\d{2})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*日?")
_DATE_CHINESE = re.compile(r"([〇○零一二三四五六七八九OＯ]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
DATE_LINE = re.compile(rf"^\s*(?:{_DATE_ARABIC.pattern}|{_DATE_CHINESE.pattern})\s*$")

def normalize_doc_number(text: str) -> str:
    """盘政办发[2019]24号, (2019), 【2019】, 〔2019 〕, 2019〕 … → 盘政办发〔2019〕24号; "" if none."""
    m = DOC_NUMBER.search(text)
    return f"{m['prefix']}〔{m['year']}〕{m['num']}号" if m else ""


def parse_date(text: str) -> str:
    """First date in text as ISO yyyy-mm-dd ("" if none, or if not a valid calendar day)."""
    m = _DATE_ARABIC.search(text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _DATE_CHINESE.search(text)
        if not m:
            return ""
        y = int("".join(str(_CN_DIGITS[c]) for c in m[1]))
        mo, d = cn_number(m[2]), cn_number(m[3])
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else ""


def cn_number(s: str) -> int:
    if "十" not in s:
        return _CN_DIGITS.get(s, 0)
    tens, _, ones = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def doc_type_of(title: str) -> str:
    """The document type named by the title's ending (trailing （试行）, （2017-2020年） ignored)."""
    core = _TRAILING_BRACKETS.sub("", title.strip()).rstrip("》\"” ")
    return max((t for t in DOC_TYPES if core.endswith(t)), key=len, default="")


def date_ordinal(date, year) -> int:
    """A sortable day number: the ISO date, else 31 December of the year, else 0 (undated)."""
    try:
        return _dt.date.fromisoformat(str(date)[:10]).toordinal()
    except (TypeError, ValueError):
        try:
            return _dt.date(int(year), 12, 31).toordinal() if year else 0
        except (TypeError, ValueError, OverflowError):   # no calendar year: undated
            return 0
