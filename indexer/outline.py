"""Body paragraphs → ordered clauses (the smallest numbered units of a document).

Levels come from the numbering style, not from a fixed rank: a style seen for the first
time nests under the current item, a style already open pops back to its level. Law
styles (编 > 章 > 节 > 条) and Markdown headings (#, ## …) carry their rank in their
form and are placed by it. Everything inside a 第X条 article (its 款 and （一） items)
is the article's text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer import frontmatter as fm
from indexer.numbering import (ANNEX, ARTICLE, GENERIC, MARKDOWN, NOTE, Number,
                               is_sentence, parse_number)
from indexer.records import ANNOTATION, CLAUSE, COVER, RawClause

_MAX_HEADING = 40
# an annex of annotations is titled 名词注释 / 名词解释 / 术语释义 (not "…若干问题的解释")
_ANNOTATION_ANNEX = re.compile(r"^\S{0,6}(注释|解释|释义)$")
_HEAD_END = re.compile(r"[。：:！？!?]")
# "修改为：" / "增加一条，作为第十条之一：" — the new wording follows (not "作如下规定：")
_ANNOUNCES_WORDING = re.compile(r"(修改|改|增加|增写|增设|作为|修订|表述|补充|替换)[^：:。]{0,30}[：:]$")


@dataclass
class _Node:
    num: Number | None                 # None for the document root
    heading: str = ""
    title_only: bool = False           # the numbered line is only a title
    own: str = ""                      # text on the numbered line after the label
    paras: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    @property
    def style(self) -> str:
        return self.num.style if self.num else ""

    @property
    def is_heading_style(self) -> bool:
        """Markdown, 编/章/节 and annex headings: titles, never clauses by themselves."""
        return self.style in (MARKDOWN, ANNEX) or self.style.startswith("law:")

    def in_quotation(self) -> bool:
        """Is a “quotation” opened in this item's text still open?"""
        text = "".join([self.own, *self.paras])
        return text.count("“") > text.count("”")

    def entry(self) -> str:
        """How this node appears on its descendants' paths."""
        label = self.num.label if self.num else ""
        if self.style.startswith("law:") or self.style == ANNEX or (
                self.style == MARKDOWN and label.startswith("第")):
            return f"{label} {self.heading}".strip()
        if self.heading:
            return label + self.heading
        own = self.own if len(self.own) <= 20 else self.own[:20] + "…"
        return label + own


def _balanced(s: str) -> bool:
    return all(s.count(a) == s.count(b) for a, b in ("“”", "（）", "()", "《》", "【】"))


def split_heading(rest: str) -> tuple[str, bool]:
    """(heading, title_only) for the text after a generic number.

    "总体目标" → ("总体目标", True); "提高普及程度。全市…" → ("提高普及程度", False);
    a long first sentence or a single sentence gives no heading.
    """
    body = rest.rstrip("：:")
    if len(body) <= 50 and not is_sentence(body) and "：" not in body and ":" not in body:
        return body, True
    m = _HEAD_END.search(rest)
    if m and 0 < m.start() <= _MAX_HEADING and m.end() < len(rest):
        head = rest[:m.start()].strip()
        if head and _balanced(head):
            return head, False
    return "", False


def _make_node(num: Number) -> _Node:
    if num.style in (MARKDOWN, ANNEX) or num.style.startswith("law:"):
        return _Node(num, heading=num.heading, title_only=True)
    if num.style in (ARTICLE, NOTE):
        return _Node(num, heading=num.heading, own=num.rest)
    heading, title_only = split_heading(num.rest)
    return _Node(num, heading=heading, title_only=title_only, own=num.rest)


class _Outline:
    """Builds the item tree paragraph by paragraph."""

    def __init__(self) -> None:
        self.root = _Node(None)
        self.stack: list[_Node] = [self.root]
        self.quoting = False               # the last paragraph was a quoted article
        self.annex_title_lines = 0

    @property
    def top(self) -> _Node:
        return self.stack[-1]

    def _in_article(self) -> int:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].style == ARTICLE:
                return i
        return 0

    def _quoting_item(self) -> bool:
        """Does a 第X条 paragraph here quote an article instead of starting one?

        In amendment decisions an item "一、在第X条后增加一条，作为第X条之一：" may be
        followed by the new article's wording (and that by more articles); a 第X条 after
        such an item's finished sentence ("……重新公布。") starts the law's own text.
        """
        if not any(n.style in GENERIC and (not n.title_only or n.own.endswith(("：", ":")))
                   for n in self.stack[1:]):
            return False
        last = (self.top.paras or [self.top.own])[-1]
        return self.quoting or bool(_ANNOUNCES_WORDING.search(last))

    def _push(self, node: _Node) -> None:
        self.top.children.append(node)
        self.stack.append(node)

    def _pop_to(self, keep: int) -> None:
        del self.stack[keep:]

    def add(self, line: str) -> None:
        num = parse_number(line)
        if num is None:
            self._paragraph(line)
            return
        quoting, self.quoting = self.quoting, False
        style = num.style
        if style == MARKDOWN:
            while len(self.stack) > 1 and (self.top.style != MARKDOWN or self.top.num.md_level >= num.md_level):
                self.stack.pop()
            if num.heading or num.label:
                self._push(_make_node(num))
            return
        if style == ANNEX:
            self.annex_title_lines = 0
            self._pop_to(1)
            self._push(_make_node(num))
            return
        if style == NOTE:
            keep = max((i for i, n in enumerate(self.stack) if n.style == ANNEX), default=0)
            self._pop_to(keep + 1)
            self._push(_make_node(num))
            return
        rank = num.law_rank
        if rank is not None:
            self.quoting = quoting
            if style == ARTICLE and self._quoting_item():
                self._paragraph(line)
                self.quoting = True
                return
            self.quoting = False
            while len(self.stack) > 1:
                t = self.top
                t_rank = t.num.law_rank
                if t_rank is not None and t_rank < rank:
                    break
                if t_rank is None and t.style in (MARKDOWN, ANNEX):
                    break
                if style == ARTICLE and t.style in GENERIC and t.title_only:
                    break                     # "一、一般规定" grouping articles
                self.stack.pop()
            self._push(_make_node(num))
            return
        self._generic(num, line)

    def _generic(self, num: Number, line: str) -> None:
        node = _make_node(num)
        art = self._in_article()
        # the open levels this style may pop back to: above the last heading barrier
        floor = 1
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].is_heading_style or self.stack[i].style == NOTE:
                floor = i + 1
                break
        same = next((i for i in range(len(self.stack) - 1, floor - 1, -1)
                     if self.stack[i].style == num.style), None)
        if same is None and self.top.in_quotation():
            # "将第一条修改为：“…有下列情形之一的：" then （一）（二）…: quoted wording.
            # A style already open is structure even so (a stray “ cannot swallow it).
            self._paragraph(line)
            return
        if art:
            # inside an article only an outer structural level (a title line of the
            # same style above the article) ends it; anything else is the article's text
            if same is None or same > art or not (node.title_only and self.stack[same].title_only):
                self._paragraph(line)
                return
        if same is not None:
            self._pop_to(same)
        self._push(node)

    def _paragraph(self, line: str) -> None:
        t = self.top
        if t.style == ANNEX and not t.paras and not t.children and fm.is_short_title_line(line) \
                and (not t.heading or 0 < self.annex_title_lines < 3):
            # "附件" / "名词注释": the annex title, possibly over several lines
            t.heading += re.sub(r"\s+", " ", line)
            self.annex_title_lines += 1
            return
        if t.num and t.num.law_rank is not None and t.style != ARTICLE and t.heading \
                and not t.paras and not t.children \
                and len(line) <= 20 and not fm.has_punctuation(line):
            t.heading += line                           # a heading broken over two lines
            return
        t.paras.append(line)


def _emit(node: _Node, path: list[str], kind: str, out: list[RawClause]) -> None:
    if node.num is None:
        if node.paras:
            out.append(RawClause("", "", [], "\n".join(node.paras), CLAUSE))
        for c in node.children:
            _emit(c, [], kind, out)
        return
    if node.style == NOTE or (node.style == ANNEX and _ANNOTATION_ANNEX.search(node.heading.replace(" ", ""))):
        kind = ANNOTATION
    parts = node.paras if node.title_only else [node.own, *node.paras]
    text = "\n".join(p for p in parts if p)
    label = node.num.label
    if node.children:
        here = [*path, node.entry()]
        if text:
            if node.title_only:               # a section's lead-in
                out.append(RawClause("", "", here, text, kind))
            else:
                out.append(RawClause(label, node.heading, list(path), text, kind))
        for c in node.children:
            _emit(c, here, kind, out)
        return
    if not text:
        if node.is_heading_style:             # a heading with nothing under it (a TOC line)
            return
        text = node.own
    if node.style == ANNEX:                   # an annex without numbered items
        out.append(RawClause("", "", [*path, node.entry()], text, kind))
        return
    if node.style == MARKDOWN and not label:
        out.append(RawClause("", node.heading, list(path), text, kind))
        return
    out.append(RawClause(label, node.heading, list(path), text, kind))


def split_clauses(lines: list[str], title: str = "") -> list[RawClause]:
    """The document's clauses in order: cover letter, preamble, items, annotations."""
    lines = fm.prepare(lines)
    titles = fm.title_keys(title)
    start = fm.skip_title(lines, 0, titles)
    out: list[RawClause] = []
    cover = fm.find_cover(lines, start)
    if cover:
        letter = lines[cover[0]:cover[1]]
        out.append(RawClause("", "", [], "\n".join(letter), COVER))
        start = fm.skip_title(lines, cover[1], titles + fm.handed_over_names(letter))
    outline = _Outline()
    for line in fm.drop_end_matter(lines[start:]):
        outline.add(line)
    _emit(outline.root, [], CLAUSE, out)
    return out
