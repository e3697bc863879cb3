"""A document's head read into facts, before cleaning and the outline see the text.

Each kind of head has its own reader: it looks at the opening lines of a document and
returns the facts it found and the lines it consumed. The readers, tried in order:

1. `read_export_header` — the field block legal databases (北大法宝, 国家法律法规数据库 …)
   put on copied or exported text: 【法宝引证码】, 【发布部门】, 发文字号：, 时效性 …, one
   field per line or several on a line. These are the most reliable facts there are.
2. `read_page_box` — the 政府信息公开 metadata box of a saved or printed gov page (索引号,
   主题分类, 发文机关, 成文日期, 文号, 有效性 …) and the page's print/share furniture.
3. `read_red_head` — the 发文机关标志 of a 红头文件 (`XX部办公厅文件`, `XX省教育厅
   XX省财政厅文件`): not the title; it names the issuer(s).
4. `read_doc_number_line` — the 发文字号 on a line of its own under the red head or the
   title (GB/T 9704), also in brackets (（沪府办发〔2016〕24号）), and 令 numbers of 规章
   (教育部令第13号, 中华人民共和国教育部令 / 第 13 号).

Consumed lines are blanked (a blank line is a paragraph break for cleaning), so the body
keeps its line numbers and the title line stays where it was. A new source kind is one
new reader appended to READERS. Pure functions, no I/O.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Callable

from indexer.labelspace import NARROW_WS, WS as _WS, narrowed, spaced

HEAD_WINDOW = 40           # lines: heads are short; a body line never gets this far up

# the fact keys a reader may return (DocFacts names, plus `published` for a page's
# 发布日期, which only counts when no 成文日期 is stated)
FACT_KEYS = ("title", "doc_number", "issuer", "co_issuers", "date", "published",
             "effective_date", "expiry", "status", "index_number", "effectiveness_level")


@dataclass
class HeadReading:
    """What one reader found: facts by key, and the indexes of the lines it consumed.
    `authoritative` facts (export header, red head) beat evidence found in the body."""
    facts: dict = field(default_factory=dict)
    consumed: tuple[int, ...] = ()
    authoritative: bool = False


@dataclass
class Head:
    """All readers' findings: the body lines (consumed ones blank) and the facts."""
    lines: list[str]
    stated: dict = field(default_factory=dict)     # authoritative facts
    listed: dict = field(default_factory=dict)     # page-box facts: as good as page metadata
    readers: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


Reader = Callable[[list[str]], "HeadReading | None"]

_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> str:
    """&quot; &amp; &nbsp; &#12345; … decoded, whatever the file's format: text copied from
    pages and exports carries them (&amp;quot; twice-encoded decodes twice)."""
    for _ in range(2):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return text


STATUSES = ("现行有效", "已废止", "已修改", "征求意见稿", "失效", "尚未生效")
_STATUS_WORDS = (
    (re.compile(r"尚未(?:生效|施行)|未生效"), "尚未生效"),
    (re.compile(r"征求意见|草案|送审稿|讨论稿"), "征求意见稿"),
    (re.compile(r"已被?(?:修改|修正|修订)|部分失效|部分废止"), "已修改"),
    (re.compile(r"已?废止|被废止|宣布失效"), "已废止"),
    (re.compile(r"失效|无效|过期"), "失效"),
    (re.compile(r"现行有效|有效|现行|生效"), "现行有效"),
)


def status_of(value: str) -> str:
    """One of STATUSES for what an export or page states (时效性：现行有效, 有效性：失效 …)."""
    value = re.sub(r"\s", "", value or "")
    for pattern, status in _STATUS_WORDS:
        if pattern.search(value):
            return status
    return ""


# --- label: value lines --------------------------------------------------------------

def _label_pattern(labels: dict) -> re.Pattern:
    """Matched on narrowed lines (indexer.labelspace)."""
    alts = "|".join(spaced(w) for w in sorted(labels, key=len, reverse=True))
    ws = NARROW_WS
    # 【发布部门】 value | 发布部门：value | [发布部门] value ; a label starts the line or
    # follows a separator, so 发布日期 inside a sentence never counts
    return re.compile(rf"(?:^|(?<=[\s|｜•·]))(?:[【\[［]{ws}*(?P<b>{alts}){ws}*[】\]］]{ws}*[:：]?"
                      rf"|(?P<c>{alts}){ws}*[:：])")


def _pieces(line: str, pattern: re.Pattern) -> list[tuple[str, str]] | None:
    """[(label, value)] when the line is nothing but label/value pieces, else None."""
    marks = list(pattern.finditer(narrowed(line)))
    if not marks or line[:marks[0].start()].strip(" \t\u3000\u00a0|｜•·"):
        return None
    out = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(line)
        label = re.sub(r"\s", "", m["b"] or m["c"])
        out.append((label, line[m.end():end].strip(" \t\u3000\u00a0|｜•·")))
    return out


def _split_organs(value: str) -> list[str]:
    return [o for o in re.split(r"[；;，,、/\s]+", value) if o]


def _put(facts: dict, key: str, value: str) -> None:
    """First statement of a fact wins (a header states each field once)."""
    from indexer.factparse import normalize_doc_number, parse_date
    value = value.strip()
    if not value or key in facts:
        return
    if key in ("date", "published", "effective_date", "expiry"):
        value = parse_date(value)
    elif key == "doc_number":
        value = normalize_doc_number(value) or _decree_number(value) or (
            value if len(value) <= 30 and re.search(r"\d", value) else "")
    elif key == "status":
        value = status_of(value)
    elif key == "issuer":
        organs = _split_organs(value)
        if not organs:
            return
        value = organs[0]
        if len(organs) > 1 and "co_issuers" not in facts:
            facts["co_issuers"] = organs[1:]
    if value:
        facts[key] = value


def _read_labelled(lines: list[str], labels: dict, furniture: Callable[[str], bool],
                   window: int = HEAD_WINDOW) -> HeadReading | None:
    """Lines of the window that are label/value pieces (or furniture) → facts. The block
    may start below a title line and may be interrupted by blank lines."""
    pattern = _label_pattern(labels)
    facts: dict = {}
    consumed = []
    fields = 0
    for i, line in enumerate(lines[:window]):
        s = line.strip()
        if not s:
            continue
        pieces = _pieces(s, pattern)
        if pieces and all(len(v) <= 200 for _, v in pieces):
            for label, value in pieces:
                key = labels[label]
                if key:
                    _put(facts, key, value)
            fields += len(pieces)
            consumed.append(i)
        elif consumed and furniture(s):
            consumed.append(i)
    return HeadReading(facts, tuple(consumed)) if fields >= 2 else None


# --- 1. legal-database export header -------------------------------------------------

_EXPORT_LABELS = {
    "法宝引证码": "", "北大法宝引证码": "", "引证码": "", "CLI码": "",
    "发布部门": "issuer", "制定机关": "issuer", "颁布部门": "issuer", "发布机关": "issuer",
    "发文字号": "doc_number", "文号": "doc_number",
    "发布日期": "date", "公布日期": "date", "颁布日期": "date",
    "实施日期": "effective_date", "施行日期": "effective_date", "生效日期": "effective_date",
    "失效日期": "expiry", "废止日期": "expiry",
    "时效性": "status", "时效状态": "status", "效力状态": "status",
    "效力级别": "effectiveness_level", "效力等级": "effectiveness_level", "法律效力位阶": "effectiveness_level",
    "法规类别": "", "类别": "", "专题分类": "", "批准部门": "", "批准日期": "", "标题": "title",
    "原文链接": "", "来源": "",
}
_EXPORT_MARK = re.compile(r"(?:^|[\s【\[［])(?:北大)?法宝引证码\s*[】\]］:：]|CLI\.\d|"
                          r"(?:^|[\s【\[［])(?:时效性|效力级别|发布部门)\s*[】\]］:：]", re.M)


def read_export_header(lines: list[str]) -> HeadReading | None:
    """The field block of a legal-database export. Recognised by its marks (法宝引证码,
    CLI.…, 时效性, 效力级别), which gov pages do not print."""
    if not _EXPORT_MARK.search("\n".join(lines[:HEAD_WINDOW])):
        return None
    reading = _read_labelled(lines, _EXPORT_LABELS, lambda s: bool(re.fullmatch(r"CLI\.[\w.]+", s)))
    if reading:
        reading.authoritative = True
    return reading


# --- 2. gov-page metadata box ---------------------------------------------------------

_BOX_LABELS = {
    "索引号": "index_number", "主题分类": "", "组配分类": "", "体裁分类": "", "主题词": "",
    "服务对象": "", "公开方式": "", "公开范围": "", "公开时限": "", "信息分类": "", "所属主题": "",
    "内容分类": "", "公文种类": "", "统一编号": "", "登记号": "", "信息名称": "title", "标题": "title",
    "名称": "title", "文件名称": "title",
    "发布机关": "issuer", "发文机关": "issuer", "发布机构": "issuer", "发文单位": "issuer",
    "发布单位": "issuer", "制发机关": "issuer",
    "成文日期": "date", "发文日期": "date", "印发日期": "date",
    "发布日期": "published", "公布日期": "published", "公开日期": "published",
    "实施日期": "effective_date", "施行日期": "effective_date", "生效日期": "effective_date",
    "失效日期": "expiry", "废止日期": "expiry", "有效期至": "expiry",
    "文号": "doc_number", "发文字号": "doc_number", "文件编号": "doc_number",
    "文件状态": "status", "有效性": "status", "效力状态": "status", "时效性": "status",
    "是否有效": "status",
}
_FURNITURE = re.compile(
    r"^(?:分享到|分享|打印(?:本页|此页|文章)?|关闭(?:窗口|本页)?|收藏|【?\s*(?:字体|字号)?\s*[:：]?\s*大\s*中\s*小\s*】?|"
    r"[【\[]?\s*(?:打印|关闭|返回|收藏|分享)[^\s]{0,4}\s*[】\]]?(?:\s+[【\[]?\s*(?:打印|关闭|返回|收藏|分享)[^\s]{0,4}"
    r"\s*[】\]]?)*|原文链接\s*[:：].{0,200}|扫一扫.{0,20})$")


def is_furniture(line: str) -> bool:
    """Print/share/close buttons and 原文链接 lines of a saved page."""
    return bool(_FURNITURE.match(line.strip()))


def _bare_label(cell: str) -> str:
    return re.sub(r"[\s:：]", "", cell)


def _cells_to_pieces(line: str) -> str:
    """A table row rendered as cells (索引号\\tXXX\\t主题分类\\tYYY) → 索引号：XXX 主题分类：YYY."""
    if "\t" not in line:
        return line
    cells = [c.strip() for c in line.split("\t")]
    labels = [_bare_label(c) in _BOX_LABELS for c in cells]
    if all(labels):                    # the header row of a table of documents (文号 | 发布日期 …)
        return line
    return " ".join(_bare_label(c) + "：" if is_label else c for c, is_label in zip(cells, labels))


def read_page_box(lines: list[str]) -> HeadReading | None:
    """索引号 / 发文机关 / 成文日期 / 文号 / 有效性 … in lines or table rows (HTML pages
    render their box as tab-separated cells), plus the page's print/share furniture."""
    rows = [_cells_to_pieces(ln) for ln in lines[:HEAD_WINDOW]]
    reading = _read_labelled(rows, _BOX_LABELS, is_furniture)
    if reading is None:
        return None
    # furniture anywhere in the window goes too (it may sit above the box or below the title)
    extra = tuple(i for i, ln in enumerate(rows) if i not in reading.consumed and ln.strip()
                  and is_furniture(ln))
    reading.consumed = tuple(sorted(reading.consumed + extra))
    return reading


# --- 3. red head (发文机关标志) ---------------------------------------------------------

_ORGAN = (r"[\u4e00-\u9fff]{2,30}?(?:人民政府办公厅|人民政府办公室|人民政府|办公厅|办公室|委员会|"
          r"常委会|政府|厅|局|部|委|院|署|会|办|党委|市委|省委|县委|区委|团委|中心|中央)")
# a title that ends in 文件 (关于转发省教育厅文件的通知, …的文件) is not a 发文机关标志
_RED_HEAD = re.compile(rf"^(?!.*(?:关于|转发|印发|的))(?P<organs>(?:{_ORGAN}{_WS}*)+?){_WS}*文{_WS}*件$")


def _organs(block: str) -> list[str]:
    """The bodies of a 发文机关标志: spaced apart, or run together (one after another,
    each beginning with a place name or 中共/共青团)."""
    from analyzers import places
    out = []
    for chunk in re.split(f"{_WS}+", block.strip()):
        starts = [0] + [m.start for m in places.find_places(chunk) if m.start > 0
                        and re.search(_ORGAN + "$", chunk[:m.start])]
        starts += [m.start() for m in re.finditer(r"中共|共青团", chunk) if m.start() > 0]
        starts = sorted(set(starts))
        for a, b in zip(starts, starts[1:] + [len(chunk)]):
            if chunk[a:b]:
                out.append(chunk[a:b])
    return out


def read_red_head(lines: list[str]) -> HeadReading | None:
    """`XX市人民政府办公室文件`, `XX省教育厅  XX省财政厅 文件` in the first lines; a joint
    标志 may also stack the bodies one per line above a single 文件."""
    nonblank = [(i, ln.strip()) for i, ln in enumerate(lines[:12]) if ln.strip()][:6]
    for k, (i, s) in enumerate(nonblank):
        m = _RED_HEAD.match(s)
        stacked: list[int] = []
        if not m and re.fullmatch(f"文{_WS}*件", s):          # 文件 alone beside stacked bodies
            j = k - 1
            while j >= 0 and re.fullmatch(f"{_ORGAN}", nonblank[j][1]):
                stacked.insert(0, nonblank[j][0])
                j -= 1
            if stacked:
                organs = [lines[n].strip() for n in stacked]
                return HeadReading({"issuer": organs[0], **({"co_issuers": organs[1:]} if organs[1:] else {})},
                                   tuple(stacked + [i]), authoritative=True)
        if m:
            organs = _organs(m["organs"])
            # stacked joint head: more bodies on the lines just above
            j = k - 1
            above = []
            while j >= 0 and re.fullmatch(f"{_ORGAN}", nonblank[j][1]):
                above.insert(0, nonblank[j])
                j -= 1
            organs = [s2 for _, s2 in above] + organs
            facts = {"issuer": organs[0]}
            if organs[1:]:
                facts["co_issuers"] = organs[1:]
            return HeadReading(facts, tuple([n for n, _ in above] + [i]), authoritative=True)
    return None


# --- 4. 文号 line, 令 number ------------------------------------------------------------

_DECREE = re.compile(rf"^(?P<organ>[\u4e00-\u9fff]{{2,30}}?)令{_WS}*(?P<num>第{_WS}*[\d〇一二三四五六七八九十百零]+{_WS}*号)$")
_DECREE_NUM = re.compile(rf"^第{_WS}*[\d〇一二三四五六七八九十百零]+{_WS}*号$")


def _decree_number(value: str) -> str:
    m = _DECREE.match(re.sub(r"\s", "", value))
    return f"{_decree_issuer(m['organ'])}令{m['num']}" if m else ""


def read_doc_number_line(lines: list[str]) -> HeadReading | None:
    """A 发文字号 alone on a line (bare or in brackets) among the first lines, or a 令
    number (on one line, or 令 and 第N号 on two)."""
    from indexer.factparse import DOC_NUMBER, normalize_doc_number
    nonblank = [(i, ln.strip()) for i, ln in enumerate(lines[:HEAD_WINDOW]) if ln.strip()][:10]
    for k, (i, s) in enumerate(nonblank):
        bare = re.sub(r"^[（(〔\[]\s*|\s*[）)〕\]]$", "", s) if re.match(r"^[（(].*[）)]$", s) else s
        if DOC_NUMBER.fullmatch(bare.strip()):
            return HeadReading({"doc_number": normalize_doc_number(bare)}, (i,))
        compact = re.sub(r"\s", "", s)
        m = _DECREE.match(compact)
        number, used = "", []
        if m:
            number, organ, used = _decree_number(compact), m["organ"], [i]
        elif compact.endswith("令") and 3 <= len(compact) <= 30 and k + 1 < len(nonblank) \
                and _DECREE_NUM.match(nonblank[k + 1][1]) and re.fullmatch(r"[\u4e00-\u9fff]+", compact):
            organ = compact[:-1]
            number = _decree_issuer(organ) + "令" + re.sub(r"\s", "", nonblank[k + 1][1])
            used = [i, nonblank[k + 1][0]]
        if number:
            facts = {"doc_number": number, "issuer": _decree_issuer(organ)}
            used += _decree_signatory(nonblank[k + len(used):k + len(used) + 4], facts)
            return HeadReading(facts, tuple(used))
    return None


_SIGNATORY = re.compile(rf"^(?:部长|主任|署长|局长|主席|总理|省长|市长|州长|盟长|县长|区长|旗长|厅长|委员长)"
                        rf"{_WS}*[\u4e00-\u9fff·]{{2,6}}$")


def _decree_signatory(following: list[tuple[int, str]], facts: dict) -> list[int]:
    """The 令's signature (部长 XXX) and its date below the preamble: not a title, not a
    clause; the date is the 令's date."""
    from indexer.factparse import DATE_LINE as _DATE_LINE, parse_date
    for n, (i, s) in enumerate(following):
        if _SIGNATORY.match(s):
            used = [i]
            if n + 1 < len(following) and _DATE_LINE.match(following[n + 1][1]):
                facts["date"] = parse_date(following[n + 1][1])
                used.append(following[n + 1][0])
            return used
    return []


def _decree_issuer(organ: str) -> str:
    """中华人民共和国教育部 → 教育部: the organ, as 令 numbers are cited (教育部令第13号)."""
    return organ[len("中华人民共和国"):] if organ.startswith("中华人民共和国") and len(organ) > 9 else organ


READERS: list[tuple[str, Reader]] = [
    ("export_header", read_export_header),
    ("page_box", read_page_box),
    ("red_head", read_red_head),
    ("doc_number_line", read_doc_number_line),
]


def read_head(text: str, readers: list[tuple[str, Reader]] | None = None) -> Head:
    """Every reader, in order, over what the previous ones left; entities decoded first."""
    lines = decode_entities(text).splitlines()
    head = Head(lines=lines)
    for name, reader in readers or READERS:
        reading = reader(head.lines)
        if not reading:
            continue
        head.readers.append(name)
        target = head.stated if reading.authoritative else head.listed
        for key, value in reading.facts.items():
            target.setdefault(key, value)
        for i in reading.consumed:
            head.lines[i] = ""
    return head
