"""Raw document text → body paragraphs, one logical paragraph per entry.

Two jobs, both pure:

1. Drop what is not policy text (see `indexer.chrome`): web chrome, the metadata header
   of 政府信息公开 pages, 审核/责任编辑 trailers, the 抄送 list and 印发 line of the
   版记, page numbers, editor marks.
2. Undo layout line breaks. A single newline is only a *possible* paragraph break; two
   lines are joined when the first does not end a sentence (。；！？：…”), the second does
   not open a new item (一、 （一） 1. （1） ① 第X条 # 注释① 附件), the first is not a
   heading, and there is positive evidence of a layout break: in hard-wrapped text
   (most lines about equally wide, e.g. text from PDF) the first line fills the width;
   otherwise the break splits a word ("学\\n校改扩建"). A blank line always separates
   paragraphs.

Wording is kept as written (no width normalisation); only the line's outer spaces
(ASCII, U+3000, no-break) and list bullets are stripped.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from indexer.chrome import (CC_START, EDITOR_MARK, is_chrome_line, is_issued_line,
                            is_page_number, is_rule)
from indexer.numbering import parse_number

__all__ = ["clean_lines", "strip_line", "starts_item"]

_STRIP = " \t\r\f\v\u3000\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
_BULLETS = "•●◆◇■□▪▫►▶○◎·∙・▲△▼▽★☆✓✔➢➤"
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SENTENCE_FINAL = tuple("。；！？：…”’」』;!?:")
_SENTENCE_INSIDE = re.compile(r"[。；！？;!?]")
_ANY_PUNCT = re.compile(r"[，,。；;：:！？!?、]")
_HEADING_MAX = 40          # chars: a numbered line shorter than this without punctuation is a heading
_TITLE_MAX = 30            # chars: an unnumbered line this short without any punctuation is a title
_BREAK = None              # marker for a paragraph break in the line list


def strip_line(line: str) -> str:
    """Outer spaces and list bullets off; inner text untouched."""
    line = line.strip(_STRIP)
    while line and line[0] in _BULLETS:
        line = line[1:].lstrip(_STRIP)
    return line


def starts_item(line: str) -> bool:
    """The line opens a numbered item, a heading or an annex: a paragraph starts here."""
    # parse_number is the outline parser's own recogniser, so cleaning and outline agree on
    # what a number is; it already refuses citations such as "第十二条规定的…"
    return line.startswith("#") or parse_number(line) is not None


def clean_lines(text: str) -> list[str]:
    """Body paragraphs of a document, stripped, in order, without chrome."""
    lines = _drop_chrome(_split(text))
    return _join(lines)


def _split(text: str) -> list[str]:
    text = _INVISIBLE.sub("", text)
    text = re.sub("\r\n?|[\u2028\u2029\x0b\x0c\x85]", "\n", text)
    text = EDITOR_MARK.sub("", text)
    return [strip_line(ln) for ln in text.split("\n")]


def _drop_chrome(lines: list[str]) -> list[str | None]:
    """Chrome lines become paragraph breaks; page numbers vanish (a sentence may run on
    across the page break); the 抄送 paragraph goes up to its end."""
    out: list[str | None] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line or is_rule(line):
            out.append(_BREAK)
        elif is_page_number(line):
            continue
        elif CC_START.match(line) and _is_cc_value(CC_START.sub("", line)):
            # 抄送：A，B，\n C，D。 — continuation lines are more unit lists
            while i < len(lines) and lines[i] and _is_unit_list(lines[i]):
                i += 1
            out.append(_BREAK)
        elif is_chrome_line(line):
            out.append(_BREAK)
        else:
            out.append(line)
    return out


def _is_cc_value(value: str) -> bool:
    value = value.strip(_STRIP)
    return not value or _is_unit_list(value)


def _is_unit_list(line: str) -> bool:
    """A line of an 抄送 list: names separated by 、，, ending in 。 at most."""
    if is_issued_line(line):
        return True
    if len(line) > 200 or starts_item(line) or re.search(r"[：:；;！？]", line):
        return False
    body = line.rstrip("。.")
    if "。" in body:
        return False
    names = [n for n in re.split(r"[，,、\s]+", body) if n]
    return bool(names) and all(len(n) <= 25 for n in names)


# --- joining ---------------------------------------------------------------------------

def _width(line: str) -> int:
    if _ASTRAL.search(line):           # rare: the per-character rule beyond the BMP
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
    return 2 * len(line) - len(_wide_chars().sub("", line))     # wide twice, the rest once


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _wide_chars() -> re.Pattern:
    """Runs of the BMP characters East Asian Width calls wide or full-width (counted
    twice), so a line's width is measured in C, not per character in Python."""
    ranges, start = [], None
    for cp in range(0x10000):
        wide = unicodedata.east_asian_width(chr(cp)) in "WF"
        if wide and start is None:
            start = cp
        elif not wide and start is not None:
            ranges.append((start, cp - 1))
            start = None
    if start is not None:
        ranges.append((start, 0xFFFF))
    return re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]+")


def _wrap_width(lines: list[str | None]) -> int | None:
    """The wrap width of hard-wrapped text, or None if lines are paragraphs.

    Hard-wrapped text has most lines within a narrow band just under the page width (the
    rest are paragraph ends and headings); text with one paragraph per line has widths
    spread over orders of magnitude."""
    widths = sorted(_width(ln) for ln in lines if ln and len(ln) >= 8)
    if len(widths) < 5:
        return None
    p80 = widths[int(len(widths) * 0.8) - 1] if len(widths) >= 5 else widths[-1]
    if p80 > 240:                       # nobody wraps wider than ~120 CJK characters
        return None
    near = sum(1 for w in widths if 0.85 * p80 <= w <= 1.15 * p80)
    return p80 if near >= 0.5 * len(widths) else None


def _is_heading(line: str) -> bool:
    """A heading or title line: never continued by the next line (unless wrapped text
    shows by its width that it goes on, see _should_join)."""
    if line.startswith("#"):
        return True
    if line.endswith(_SENTENCE_FINAL) or _SENTENCE_INSIDE.search(line):
        return False
    if len(line) <= _HEADING_MAX and starts_item(line):
        return True
    return len(line) <= _TITLE_MAX and not _ANY_PUNCT.search(line)


def _is_table_row(line: str) -> bool:
    return "\t" in line


def _splits_word(prev: str, nxt: str) -> bool:
    """The line break falls inside a word: 建设、学 | 校改扩建."""
    a, b = prev[-1:], nxt[:1]
    if not (_is_cjk(a) and _is_cjk(b)):
        return False
    left, right = prev[-6:], nxt[:6]
    try:
        import rjieba
        tokens = rjieba.tokenize(left + right, hmm=False)
    except Exception:                  # no tokenizer: no evidence
        return False
    cut = len(left)
    return any(start < cut < end for _, start, end in tokens)


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf")


def _should_join(prev: str, nxt: str, wrap: int | None) -> bool:
    """`prev` is the last physical line of the paragraph so far, `nxt` the line after it."""
    if prev.endswith(_SENTENCE_FINAL) or prev.startswith("#") or starts_item(nxt):
        return False
    if _is_table_row(prev) or _is_table_row(nxt):
        return False
    if wrap is not None:
        # in wrapped text a heading is a short line; a full one goes on, even a long title
        # — but a full title line does not run on into a sentence unless it splits a word
        if _width(prev) < 0.85 * wrap:
            return False
        if not _ANY_PUNCT.search(prev) and _ANY_PUNCT.search(nxt):
            return _splits_word(prev, nxt)
        return True
    return not _is_heading(prev) and len(prev) >= 12 and _splits_word(prev, nxt)


def _glue(prev: str, nxt: str) -> str:
    # Latin words wrapped across lines need their space back; CJK text has none
    if prev[-1:].isascii() and prev[-1:].isalpha() and nxt[:1].isascii() and nxt[:1].isalpha():
        return prev + " " + nxt
    return prev + nxt


def _join(lines: list[str | None]) -> list[str]:
    wrap = _wrap_width(lines)
    out: list[str] = []
    last = ""                    # last physical line of out[-1]; "" after a break
    for line in lines:
        if line is _BREAK:
            last = ""
            continue
        if last and _should_join(last, line, wrap):
            out[-1] = _glue(out[-1], line)
        else:
            out.append(line)
        last = line
    return out
