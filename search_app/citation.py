"""Citations in the form drafters paste into official documents.

《盘锦市推进教育高质量发展行动计划》（盘政办发〔2019〕24号）第二部分第（九）条

The locator follows the outline levels of GB/T 9704 公文: 一、 is a 部分, （一） a 条,
1. a 项, （1） a 目. Laws and regulations number their articles across chapters, so
第十二条 is cited as is, without its chapter.
"""
from __future__ import annotations

import re
from typing import Callable

_CN_NUM = "零〇一二三四五六七八九十百千两"
DRAFT = "征求意见稿"
_DRAFT_WORD = re.compile(r"征求意见|草案|送审稿|讨论稿")

# (pattern, formatter) for one outline label, tried in order
_LEVELS: list[tuple[re.Pattern, str, Callable[[re.Match], str]]] = [
    # 第十二条 / 第三章 / 第二节 / 第一部分 — already in citation form
    (re.compile(rf"^第([{_CN_NUM}\d]+)(条|章|节|部分|编|款)"), "article",
     lambda m: f"第{m.group(1)}{m.group(2)}"),
    # 一、 二、  (also 一. which some offices type)
    (re.compile(rf"^([{_CN_NUM}]+)\s*[、.．]"), "part", lambda m: f"第{m.group(1)}部分"),
    # （一） (一)
    (re.compile(rf"^[（(]\s*([{_CN_NUM}]+)\s*[)）]"), "item", lambda m: f"第（{m.group(1)}）条"),
    # 1. 1、 1．
    (re.compile(r"^(\d+)\s*[.．、](?!\d)"), "point", lambda m: f"第{m.group(1)}项"),
    # （1） (1)
    (re.compile(r"^[（(]\s*(\d+)\s*[)）]"), "sub", lambda m: f"第（{m.group(1)}）目"),
    # ① ②
    (re.compile(r"^([\u2460-\u2473])"), "sub", lambda m: f"第{m.group(1)}目"),
]


def locator_part(label: str) -> tuple[str, str] | None:
    """('part'|'item'|…, '第二部分') for one outline label or heading; None if unnumbered."""
    s = (label or "").strip().translate({0x3000: 0x20})
    for pattern, level, fmt in _LEVELS:
        m = pattern.match(s)
        if m:
            return level, fmt(m)
    return None


def locator(clause: dict) -> str:
    """第二部分第（九）条 — from the ancestor headings (path) and the clause label."""
    label = (clause.get("label") or "").strip()
    if label.startswith("注"):
        return label                       # annotations are cited by their own mark
    own = locator_part(label)
    if own and own[0] == "article" and own[1].endswith("条"):
        return own[1]                      # law article: unique in the whole text
    parts: list[str] = []
    for heading in clause.get("path") or []:
        found = locator_part(heading)
        if found:
            parts.append(found[1])
    if own:
        parts.append(own[1])
    return "".join(parts)


def reference(clause: dict) -> str:
    """《标题》（文号）第X部分第（X）条 — without the clause text. A draft's title says it
    is one (the title keeps its （征求意见稿）; a status 征求意见稿 adds it when missing)."""
    title = (clause.get("title") or "").strip().strip("《》")
    if title and clause.get("status") == DRAFT and not _DRAFT_WORD.search(title):
        title += f"（{DRAFT}）"          # a draft is cited as one: 《…（征求意见稿）》
    ref = f"《{title}》" if title else ""
    number = (clause.get("doc_number") or "").strip()
    if number:
        ref += f"（{number}）"
    if clause.get("kind") != "cover":
        ref += locator(clause)
    return ref


def cite(clause: dict) -> str:
    """The citation line followed by the clause text, ready to paste."""
    text = (clause.get("text") or "").strip()
    ref = reference(clause)
    return f"{ref}\n{text}" if text else ref
