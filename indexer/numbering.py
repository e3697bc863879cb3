"""Recognise the number at the start of one body paragraph.

The numbering styles are those of GB/T 9704 公文 (一、 / （一） / 1. / （1） / ①), of laws
(第X编/章/节/条) and of Markdown headings. A paragraph is classified in isolation here;
deciding what a number means in context (nesting, citations inside an article) is the
outline parser's job.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = "零〇一二三四五六七八九两"
_CN_VALUE = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "[零〇○一二三四五六七八九十百千两]"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Styles. Law styles are ranked (编 above 章 above 节 above 条) because their names say so;
# the generic styles get their level from the order in which a document uses them.
ARTICLE = "article"
LAW_RANK = {"编": 0, "部分": 0, "分编": 1, "章": 2, "节": 3, "条": 4}
GENERIC = ("cn_dun", "cn_paren", "ar_dot", "ar_paren", "ar_rparen", "circled")
MARKDOWN = "md"
ANNEX = "annex"
NOTE = "note"

_WS = r"[ \t\u3000\u00a0]"


def cn_to_int(s: str) -> int:
    """Chinese numeral (一千二百六十, 二百零五, 十七, 三〇) or ASCII digits → int."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    if s and all(c in _CN_VALUE for c in s):          # digit-by-digit: 二〇一九
        return int("".join(str(_CN_VALUE[c]) for c in s))
    total, digit = 0, 0
    for c in s:
        if c in _CN_VALUE:
            digit = _CN_VALUE[c]
        elif c in _CN_UNIT:
            total += (digit or 1) * _CN_UNIT[c]
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    return total + digit


@dataclass
class Number:
    style: str          # "md", "law:章", "article", "annex", "note", or one of GENERIC
    label: str          # normalised label: （一）, 1., 第十二条, 第三章, 注释①, 附件1 ; "" if none
    rest: str           # the paragraph after the label
    md_level: int = 0   # number of # for a Markdown heading
    heading: str = ""   # a heading given by the number's form itself (【…】, Markdown, annex)

    @property
    def law_rank(self) -> int | None:
        """Rank of 编/章/节/条, also for a Markdown heading that is one ("## 第二章 …")."""
        if self.style == ARTICLE:
            return LAW_RANK["条"]
        if self.style.startswith("law:"):
            return LAW_RANK[self.style[4:]]
        if self.style == MARKDOWN:
            m = re.match(r"^第.+?(分编|编|部分|章|节)$", self.label)
            return LAW_RANK[m.group(1)] if m else None
        return None


# 第X条 at the start of a paragraph is an article unless the words after it show a
# citation ("第十二条的规定", "第三条第二款", "第五条、第六条", "第三条规定").
_ARTICLE = re.compile(
    rf"^第{_WS}*({CN_NUM}+|\d+){_WS}*条(之{CN_NUM}+)?"
    rf"(?:{_WS}*【([^】]{{1,30}})】)?({_WS}*)(.*)$", re.S)
_CITATION_NEXT = re.compile(r"^(?:[的第、，,。；;：:至到和与及或中所款项之）)“”\"']|规定|修改|删除|改为|增加)")
_HEADING_CITATION_NEXT = re.compile(r"^(?:[的第、，,。；;：:至到和与及或中所款项之）)]|规定|修改|删除|改为|增加)")
_LAW_HEADING = re.compile(rf"^第{_WS}*({CN_NUM}+|\d+){_WS}*(分编|编|部分|章|节)({_WS}*)(.*)$", re.S)
_SENTENCE_END = re.compile(r"[。；;！？!?]")

_GENERIC = [
    ("cn_dun", re.compile(rf"^({CN_NUM}{{1,4}})(?:[、．]|\.(?!\d))(?![{CN_DIGITS}十]、?)\s*(.*)$", re.S)),
    ("cn_paren", re.compile(rf"^[（(]({CN_NUM}{{1,4}})[）)]\s*(.*)$", re.S)),
    ("ar_paren", re.compile(r"^[（(]([0-9０-９]{1,3})[）)]\s*(.*)$", re.S)),
    ("ar_dot", re.compile(r"^([0-9０-９]{1,3})(?:[、．]|\.(?![0-9]))\s*(.*)$", re.S)),
    ("ar_rparen", re.compile(r"^([0-9０-９]{1,2})[）)]\s*(.+)$", re.S)),
    ("circled", re.compile(rf"^([{CIRCLED}])\s*(.*)$", re.S)),
]
_NOTE = re.compile(rf"^注释?{_WS}*([{CIRCLED}]|[0-9]{{1,2}}|[（(][0-9]{{1,2}}[）)]){_WS}*[:：．.、]?\s*(.*)$", re.S)
_ANNEX = re.compile(rf"^(附件|附表|附(?=[:：])){_WS}*([0-9０-９]{{1,2}}|{CN_NUM}{{1,3}})?{_WS}*[:：]?{_WS}*(.*)$", re.S)
_MD = re.compile(r"^(#{1,6})(?:\s+|$)(.*)$", re.S)


def _digits(s: str) -> str:
    return s.translate({cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)})


def _compact(s: str) -> str:
    """Heading spacing: '总  则' → '总则' (padding between CJK characters is typography)."""
    s = re.sub(rf"{_WS}+", " ", s.strip())
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", s)


def is_sentence(s: str) -> bool:
    return bool(_SENTENCE_END.search(s))


def parse_law_heading(line: str, in_markdown: bool = False) -> Number | None:
    m = _LAW_HEADING.match(line)
    if not m:
        return None
    num, unit, space, rest = m.groups()
    if not space and not in_markdown and rest and _HEADING_CITATION_NEXT.match(rest):
        return None                     # "第三章规定的…" is a citation
    title = rest.strip().rstrip("。")   # "第五节 生活、卫生。" is still a title
    if not in_markdown and (len(title) > 40 or is_sentence(title)):
        return None                     # a long sentence is text
    return Number(f"law:{unit}", f"第{num}{unit}", title, heading=_compact(title))


def parse_article(line: str) -> Number | None:
    m = _ARTICLE.match(line)
    if not m:
        return None
    num, amend, bracket, space, rest = m.groups()
    if not space and not bracket and (not rest or _CITATION_NEXT.match(rest)):
        return None
    if amend and not space and not bracket and rest[:1] in "的，,、":
        return None
    label = f"第{num}条{amend or ''}"
    return Number(ARTICLE, label, rest.strip(), heading=bracket or "")


def parse_generic(line: str) -> Number | None:
    for style, rx in _GENERIC:
        m = rx.match(line)
        if not m:
            continue
        n, rest = m.group(1), m.group(2).strip()
        if style == "cn_dun":
            label = f"{n}、"
        elif style == "cn_paren":
            label = f"（{n}）"
        elif style == "ar_paren":
            label = f"（{_digits(n)}）"
        elif style == "ar_dot":
            label = f"{_digits(n)}."
        elif style == "ar_rparen":
            label = f"{_digits(n)}）"
        else:
            label = n
        return Number(style, label, rest)
    return None


def parse_note(line: str) -> Number | None:
    m = _NOTE.match(line)
    if not m or not line.startswith("注"):
        return None
    mark = m.group(1)
    if not (line.startswith("注释") or mark in CIRCLED):
        return None          # "注1" is too ambiguous; "注①" / "注释1" are not
    mark = re.sub(r"[（()）]", "", _digits(mark))
    return Number(NOTE, f"注释{mark}", m.group(2).strip())


def parse_annex(line: str) -> Number | None:
    m = _ANNEX.match(line)
    if not m:
        return None
    word, num, title = m.group(1), m.group(2) or "", m.group(3).strip()
    if len(title) > 40 or is_sentence(title) or (
            title and not num and line[len(word):len(word) + 1] not in " \u3000:："):
        return None          # "附件所列…" is a sentence, not an annex heading
    label = word + _digits(num)
    return Number(ANNEX, label, title, heading=_compact(title))


def parse_markdown(line: str) -> Number | None:
    m = _MD.match(line)
    if not m:
        return None
    level, inner = len(m.group(1)), m.group(2).strip().strip("#").strip()
    inner_num = parse_law_heading(inner, True) or parse_generic(inner)
    if inner_num:
        heading = _compact(inner_num.rest)
        return Number(MARKDOWN, inner_num.label, inner_num.rest, level, heading)
    return Number(MARKDOWN, "", inner, level, _compact(inner))


def parse_number(line: str) -> Number | None:
    """The number a paragraph starts with, or None for an unnumbered paragraph."""
    c = line[:1]
    if c == "#":
        return parse_markdown(line)
    if c == "第":
        return parse_article(line) or parse_law_heading(line)
    if c == "注":
        return parse_note(line)
    if c == "附":
        return parse_annex(line)
    return parse_generic(line)
