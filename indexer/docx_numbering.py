"""Word's automatic list numbering → the labels Word shows (一、 （一） 1. 第一条 …).

A .docx paragraph numbered by Word's list feature holds no label in its text: it names a
list (`w:numPr`: `w:numId`, `w:ilvl`, directly or through its paragraph style) and Word
draws the label from `word/numbering.xml` while laying the page out. Without the labels
a 公文's outline (一、/（一）/1.) collapses, so the loader asks this module for them.

Pure: numbering.xml and styles.xml bytes in, one label per paragraph out, in document
order (`ListNumberer.label`). The rules are ECMA-376 Part 1 §17.9 as Word applies them:

- counters belong to the abstract list (`w:abstractNum`), so two `w:num` instances of one
  abstract list continue each other; a `w:lvlOverride/w:startOverride` restarts the
  instance's level at the first paragraph that uses it (Word's "重新开始编号");
- numbering a level restarts the levels below it (`w:lvlRestart` may say otherwise);
- `w:lvlText` "%1、" / "（%2）" / "%1.%2" fills %n with level n's counter in that level's
  `w:numFmt` (decimal everywhere when the level is `w:isLgl`); bullets are no label;
- a paragraph style's `w:numPr` (followed through `w:basedOn`) numbers the paragraphs of
  that style; `w:numId` 0 switches numbering off; a level linked to a style by
  `w:pStyle` gives that style's paragraphs their level.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": W}
_VAL = f"{{{W}}}val"

__all__ = ["ListNumberer", "ParagraphNumbering", "format_number", "paragraph_numbering"]


# --- number formats (w:numFmt) -----------------------------------------------------------

_CN = "零一二三四五六七八九"
_DIGITS = "〇一二三四五六七八九"      # digit by digit: 二〇二五
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_FULLSTOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
_IDEO_CIRCLED = "㊀㊁㊂㊃㊄㊅㊆㊇㊈㊉"
_IDEO_PAREN = "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"


def _chinese(n: int, digits: str = _CN, units: str = "十百千万") -> str:
    """Chinese counting as written in 公文 numbering: 十, 十一, 二十, 一百零五, 一千二百."""
    if n <= 0:
        return digits[0]
    if n >= 100_000_000:
        return str(n)
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        rest = _chinese(low, digits, units) if low else ""
        gap = digits[0] if 0 < low < 1000 else ""
        return _chinese(high, digits, units) + units[3] + gap + rest
    out, zero = [], False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d, n = divmod(n, power)
        if d:
            if zero:
                out.append(digits[0])
            out.append(digits[d] + unit)
            zero = False
        elif out:
            zero = True
    text = "".join(out)
    # 一十一 → 十一 at the start (Word's chineseCounting does the same)
    return text[1:] if text.startswith(digits[1] + units[0]) and digits is _CN else text


def _letters(n: int, upper: bool) -> str:
    # Word repeats the letter: a … z, aa … zz, aaa …
    base = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if upper else "abcdefghijklmnopqrstuvwxyz"
    n = max(n, 1)
    return base[(n - 1) % 26] * ((n - 1) // 26 + 1)


def _roman(n: int, upper: bool) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                       (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                       (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    s = "".join(out)
    return s if upper else s.lower()


def _from(table: str, n: int, start: int = 1) -> str:
    """A character of a fixed sequence; past its end Word falls back to decimal."""
    return table[n - start] if start <= n < start + len(table) else str(n)


def format_number(n: int, fmt: str) -> str:
    """`n` in the Word number format `fmt` (w:numFmt/@w:val)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting",
               "taiwaneseCountingThousand", "japaneseCounting"):
        return _chinese(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional", "japaneseLegal"):
        return _chinese(n, _CN_LEGAL, "拾佰仟万")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_DIGITS[int(c)] for c in str(n))
    if fmt == "ideographTraditional":
        return _from(_STEMS, n)
    if fmt == "ideographZodiac":
        return _from(_BRANCHES, n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _from(_CIRCLED, n)
    if fmt == "decimalEnclosedParen":
        return _from(_PAREN, n)
    if fmt == "decimalEnclosedFullstop":
        return _from(_FULLSTOP, n)
    if fmt == "ideographEnclosedCircle":
        return _from(_IDEO_CIRCLED, n)
    if fmt == "ideographParenthesized":
        return _from(_IDEO_PAREN, n)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter" or fmt == "upperLetter":
        return _letters(n, fmt == "upperLetter")
    if fmt == "lowerRoman" or fmt == "upperRoman":
        return _roman(n, fmt == "upperRoman")
    if fmt == "none":
        return ""
    return str(n)            # decimal, and formats with no Chinese use in 公文


# --- definitions ---------------------------------------------------------------------------

@dataclass
class Level:
    start: int = 0                  # ECMA-376: an omitted w:start is 0
    fmt: str = "decimal"
    text: str | None = None         # w:lvlText; None = the level shows no label
    restart: int | None = None      # w:lvlRestart (1-based level index, 0 = never)
    legal: bool = False             # w:isLgl
    suffix: str = "tab"             # w:suff: tab | space | nothing
    style: str = ""                 # w:pStyle: the paragraph style linked to this level


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)     # ilvl → startOverride
    levels: dict[int, Level] = field(default_factory=dict)   # ilvl → replaced definition


def _attr(el, path: str) -> str | None:
    found = el.find(path, _NS)
    return None if found is None else found.get(_VAL)


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _level(el) -> Level:
    text_el = el.find("w:lvlText", _NS)
    legal = el.find("w:isLgl", _NS)
    return Level(
        start=_int(_attr(el, "w:start"), 0),
        fmt=_attr(el, "w:numFmt") or "decimal",
        text=None if text_el is None else (text_el.get(_VAL) or ""),
        restart=_int(_attr(el, "w:lvlRestart")),
        legal=legal is not None and legal.get(_VAL, "true") not in ("0", "false", "off"),
        suffix=_attr(el, "w:suff") or "tab",
        style=_attr(el, "w:pStyle") or "",
    )


def _parse(xml: bytes | None):
    if not xml:
        return None
    try:
        return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True,
                                                     huge_tree=False))
    except etree.XMLSyntaxError:
        return None          # a broken numbering part costs the labels, not the document


@dataclass(frozen=True)
class ParagraphNumbering:
    """What a paragraph's own properties say about its numbering."""
    num_id: str | None = None       # None: not set on the paragraph
    ilvl: int | None = None
    style: str = ""                 # w:pStyle


def paragraph_numbering(p) -> ParagraphNumbering:
    """The numbering-related properties of one `w:p` element."""
    ppr = p.find("w:pPr", _NS)
    if ppr is None:
        return ParagraphNumbering()
    num_pr = ppr.find("w:numPr", _NS)
    style = _attr(ppr, "w:pStyle") or ""
    if num_pr is None:
        return ParagraphNumbering(style=style)
    return ParagraphNumbering(_attr(num_pr, "w:numId"), _int(_attr(num_pr, "w:ilvl")), style)


class ListNumberer:
    """Counts Word lists through one document; call `label` once per paragraph, in order."""

    def __init__(self, numbering_xml: bytes | None, styles_xml: bytes | None = None):
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.nums: dict[str, _Num] = {}
        self.style_num: dict[str, tuple[str | None, int | None]] = {}
        self.style_parent: dict[str, str] = {}
        self._link: dict[str, str] = {}            # abstract with w:numStyleLink → style
        self._counters: dict[str, dict[int, int]] = {}
        self._overridden: set[tuple[str, int]] = set()
        self._read_styles(_parse(styles_xml))
        self._read_numbering(_parse(numbering_xml))

    def _read_styles(self, root) -> None:
        if root is None:
            return
        for st in root.iterfind("w:style", _NS):
            sid = st.get(f"{{{W}}}styleId") or ""
            parent = _attr(st, "w:basedOn")
            if parent:
                self.style_parent[sid] = parent
            num_pr = st.find("w:pPr/w:numPr", _NS)
            if num_pr is not None:
                self.style_num[sid] = (_attr(num_pr, "w:numId"), _int(_attr(num_pr, "w:ilvl")))

    def _read_numbering(self, root) -> None:
        if root is None:
            return
        for an in root.iterfind("w:abstractNum", _NS):
            aid = an.get(f"{{{W}}}abstractNumId") or ""
            self.abstracts[aid] = {_int(lv.get(f"{{{W}}}ilvl"), 0): _level(lv)
                                   for lv in an.iterfind("w:lvl", _NS)}
            link = _attr(an, "w:numStyleLink")
            if link:
                self._link[aid] = link
        for num in root.iterfind("w:num", _NS):
            nid = num.get(f"{{{W}}}numId") or ""
            entry = _Num(_attr(num, "w:abstractNumId") or "")
            for ov in num.iterfind("w:lvlOverride", _NS):
                ilvl = _int(ov.get(f"{{{W}}}ilvl"), 0)
                start = _int(_attr(ov, "w:startOverride"))
                if start is not None:
                    entry.starts[ilvl] = start
                lvl = ov.find("w:lvl", _NS)
                if lvl is not None:
                    entry.levels[ilvl] = _level(lvl)
            self.nums[nid] = entry

    # -- resolution --

    def _abstract_of(self, num: _Num) -> str:
        """The abstract list holding the levels: through w:numStyleLink when the abstract
        list only points at a numbering style (Word's 列表样式)."""
        aid = num.abstract
        for _ in range(4):
            style = self._link.get(aid)
            linked = self.style_num.get(style or "", (None, None))[0]
            if not style or linked not in self.nums:
                break
            aid = self.nums[linked].abstract
        return aid

    def _style_numbering(self, style: str) -> tuple[str | None, int | None, str]:
        """(numId, ilvl, the style that carried them) through the style's w:basedOn chain."""
        seen = set()
        while style and style not in seen:
            seen.add(style)
            if style in self.style_num:
                num_id, ilvl = self.style_num[style]
                return num_id, ilvl, style
            style = self.style_parent.get(style, "")
        return None, None, ""

    def resolve(self, para: ParagraphNumbering) -> tuple[str, int] | None:
        """(numId, level) numbering the paragraph, or None."""
        num_id, ilvl = para.num_id, para.ilvl
        carrier = ""
        if num_id is None or ilvl is None:
            s_num, s_ilvl, carrier = self._style_numbering(para.style)
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_ilvl
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return None
        if ilvl is None:
            # a style linked to a level by that level's w:pStyle (标题 1 → level 0 …)
            levels = self.abstracts.get(self._abstract_of(self.nums[num_id]), {})
            names = {para.style, carrier} - {""}
            ilvl = next((i for i, lv in sorted(levels.items()) if lv.style in names), 0)
        return num_id, max(0, min(ilvl, 8))

    def _levels(self, num_id: str) -> dict[int, Level]:
        num = self.nums[num_id]
        levels = dict(self.abstracts.get(self._abstract_of(num), {}))
        levels.update(num.levels)
        return levels

    def label(self, para: ParagraphNumbering) -> str:
        """The label Word shows before this paragraph ("" when none), counting it."""
        where = self.resolve(para)
        if where is None:
            return ""
        num_id, ilvl = where
        levels = self._levels(num_id)
        level = levels.get(ilvl)
        if level is None:
            return ""
        aid = self._abstract_of(self.nums[num_id])
        counters = self._counters.setdefault(aid, {})
        starts = self.nums[num_id].starts
        if ilvl in starts and (num_id, ilvl) not in self._overridden:
            # the first paragraph of a restarted instance begins at its override
            self._overridden.add((num_id, ilvl))
            counters[ilvl] = starts[ilvl]
        elif ilvl in counters:
            counters[ilvl] += 1
        else:
            counters[ilvl] = starts.get(ilvl, level.start)
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels.get(deeper, Level()).restart
            threshold = deeper if restart is None else restart     # 1-based, 0 = never
            if ilvl < threshold:
                del counters[deeper]
        if level.text is None or level.fmt == "bullet":
            return ""

        def fill(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k, Level())
            value = counters.get(k, starts.get(k, lv.start))
            # a legal-style level (w:isLgl) shows every number in it as Arabic digits
            return format_number(value, "decimal" if level.legal else lv.fmt)
        text = re.sub(r"%([1-9])", fill, level.text).strip()
        if not text:
            return ""
        return text + separator(text, level.suffix)


_ENDS_WITH_MARK = re.compile(r"[、.．，,：:）)\]】〕」』》>\s]$|[①-⒛㈠-㈩㊀-㊉]$")


def separator(label: str, suffix: str) -> str:
    """What stands between a label and the paragraph text in the extracted line. Word puts
    a tab (or a space) after the label; in text, 一、总体目标 needs none, but 第一条 or a bare
    1 must stay apart from the words after it (第一条规定 would read as a citation)."""
    if suffix == "nothing" or _ENDS_WITH_MARK.search(label):
        return ""
    return "\u3000"
