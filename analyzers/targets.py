"""Quantitative targets (指标) stated in one clause: what, compared how, how much, by when, where.

到2020年，全市高中阶段教育毛入学率达到90%以上 → 高中阶段教育毛入学率 ≥ 90 %, 2020, 全市.

- Masked first (one character for one, so spans cut from the original text): 《titles》, 文号
  教基〔2017〕1号, year ranges (2017-2020年), 第十二条, dates 2020年3月 and bare years.
- Deadlines: 到2025年, 2022年底前, 2023年前, 2022年, (sentence-initial), 到“十四五”末 / 十四五期间.
  A target takes the last deadline before it in its sentence; else the year in force at the
  end of the previous sentence, carried only through sentences that state deadlines or targets.
- Values: a comparator and a number with a unit; the indicator is the noun phrase before it
  in its sub-clause (确保/实现/落实… cut off, a scope word such as 全市 moved to ``scope``); a
  bare stage word (初中不超过50人) inherits the indicator before it (初中 + 班额).
- Conventions: 达到X without 以上 is ≥ (plans state floors); counts to build or add (新增, 新建,
  建成 … N所) are ≥, a plan's count being a minimum; 保持, 左右 and stated standards
  (300元/月津贴标准) are =; 消除N人以上大班额 is 班额 < N.
- Not targets: past achievements (已建成, 现有, 共有, 截至2018年底, 比上年…), ages (岁 is no unit),
  ranges (1—2所), modifiers (56人以上大班额 without 消除/化解), numbers without a unit.
data/indicators.tsv maps written indicators to keys that compare across cities.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analyzers.normalize import normalize

INDICATORS_PATH = Path(__file__).resolve().parent.parent / "data" / "indicators.tsv"
MAX_SPAN = 80
_HOLE = "□"          # a masked character: neither a digit nor a word character


@dataclass(frozen=True)
class Target:
    indicator: str        # as written in the text, e.g. "高中阶段教育毛入学率", "小学班额"
    indicator_key: str    # normalised so the same indicator in two cities compares: "班额·小学"
    comparator: str       # one of "≥", "≤", "=", "<", ">"
    value: float
    unit: str             # "%", "人", "所", "个", "元", "课时", "1:" (ratio 1:x), ":1" (x:1), "" …
    year: int | None      # the deadline year
    scope: str            # 全市, 县域, 农村 … or ""
    span: str             # the piece of text it was read from (≤ 80 chars)


@dataclass(frozen=True)
class Indicators:
    rows: tuple[tuple[tuple[str, ...], str, bool], ...]   # (form pieces, key, staged), longest first
    names: dict                                            # key → display name

    def lookup(self, indicator: str) -> tuple[str, bool] | None:
        """(key, staged) of the longest form found in ``indicator`` ("…" pieces in order)."""
        for pieces, key, staged in self.rows:
            at = 0
            for piece in pieces:
                at = indicator.find(piece, at)
                if at < 0:
                    break
                at += len(piece)
            else:
                return key, staged
        return None


def parse_indicators(text: str) -> Indicators:
    """``form<TAB>key<TAB>name[<TAB>是]`` lines; comments, blank and short lines are ignored."""
    rows, names = [], {}
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("\t")]
        if line.lstrip().startswith("#") or len(parts) < 3 or not parts[0] or not parts[1]:
            continue
        pieces = tuple(normalize(p) for p in parts[0].split("…") if p)
        rows.append((pieces, parts[1], len(parts) > 3 and parts[3] in ("是", "1", "yes")))
        names.setdefault(parts[1], parts[2] or parts[1])
    rows.sort(key=lambda r: (-sum(map(len, r[0])), len(r[0])))   # longest first; a tie: fewer gaps
    return Indicators(tuple(rows), names)


def load_indicators(path: str | Path = INDICATORS_PATH) -> Indicators:
    """The indicator table, read once per path; a missing file gives an empty table."""
    return _load(str(Path(path).resolve()))


@lru_cache(maxsize=8)
def _load(path: str) -> Indicators:
    try:
        return parse_indicators(Path(path).read_text(encoding="utf-8-sig"))
    except OSError:
        return Indicators((), {})


def indicator_name(key: str) -> str:
    """Display name of a key: the table's name, else 生均公用经费·普通高中 → 生均公用经费（普通高中）."""
    names = load_indicators().names
    base, _, stage = key.partition("·")
    return names.get(key) or (f"{names.get(base, base)}（{stage}）" if stage else key)


def _starting(firsts: str, pattern: str) -> re.Pattern:
    """``pattern`` told which characters a match can start with. Python's re then skips
    every other position in C instead of trying each alternative there: these patterns
    ran at every character of every clause and were a quarter of the whole build."""
    return re.compile(f"(?=[{firsts}])(?:{pattern})")


# --- masks (matched on the width-normalised text) ----------------------------------------
# (what must occur for the mask to apply, the mask): the check is one fast scan, where
# the 文号 mask's leading run of up to eight characters is tried at every position
_MASKS = tuple((re.compile(gate), re.compile(mask)) for gate, mask in (
    (r"《", r"《[^《》]*》"),                                       # titles: 十四五, (2017-2020年), 90% in a name
    (r"[〔\[]", r"[\u4e00-\u9fff]{0,8}[〔\[]\d{4}[〕\]]\s*\d+\s*号"),   # 文号 教基〔2017〕1号, 黑政规〔2017〕17号
    (r"\d", r"\d{4}\s*[-—–~～至]\s*\d{4}\s*年?"),                  # year ranges: their 至2020年 is no deadline
    (r"第", r"第[\d零〇一二两三四五六七八九十百千]+[条章节款项次届批号页]"),   # 第十二条, 第22次常务会议
    (r"注释", r"\(注释[^()]*\)|注释[①-⑩]"),                         # footnote markers
))
_DATES = re.compile(r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?")  # dates, years: deadlines, never values
_PAREN = re.compile(r"\([^()]*\)")
_PLANS = {"十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030}
_DEADLINE = _starting(r"到至\d在于十“\s",
    r"(?<!截)(?:到|至)\s*(?P<a>\d{4})\s*年"                       # 到2025年; 截至2018年 is a status date
    r"|(?<!截至)(?<!截止)(?P<b>\d{4})\s*年\s*(?:年?底|末|内)?\s*(?:前|以前|之前)(?!后)"   # 2022年底前, 2023年前
    r"|(?:^|(?<=[,;:。\s]))(?:在|于)?(?P<c>\d{4})\s*年\s*(?:底|末)?(?:秋季|春季)?(?:学期|开学)?"
    r"(?=\s*[,;:]|实现|完成|达到|建成|基本|全面)"                  # 2022年, … / 2025年实现… (2014年开始: no)
    r"|(?:在|于)(?P<d>\d{4})\s*年\s*(?:底|末)?(?=实现|完成|达到|建成|基本|全面)"   # 确保在2025年完成
    r"|(?P<to>到|至)?\s*“?(?P<e>十[二三四五]五)”?\s*(?P<f>末|期末|期间|时期|结束)?")  # 到“十四五”末, not 十四五 alone

# --- value patterns -----------------------------------------------------------------------
_CN = "零〇一二两三四五六七八九十百千"
# a number that is no end of a range (1—2所, 三至六年级); 百分之…; 万 (laws write 二十六平方米)
_NUM = (rf"(?<![\d{_CN}][-—–~～至])(?<![\d.])(?P<pct>百分之)?(?P<v>\d+(?:\.\d+)?|[{_CN}]+)"
        rf"(?![\d.]*\s*[-—–~～至]\s*[\d{_CN}])\s*(?P<wan>万|亿)?")
# units (岁 and 年 are none: ages, durations of service); 个 not in 六个班 / 3个月
_UNIT = r"(?P<u>个百分点|百分点|%|‰|平方米|㎡|个?课时|个?学时|分钟|小时|元|人|名|所|个(?![班月工])|张|间|家|米)?"
_NOT = "不(?:得|宜|应|能|可|会)?"
_OPS = ("≥", "≤", "<", ">", "~")                  # "~": 在/保持在, decided by 以上/以下/以内
_P = "|".join(f"(?P<c{i}>{w})" for i, w in enumerate((
    rf"达到或超过|{_NOT}(?:低于|少于|小于)|大于或等于|大于等于|至少|最少|最低|(?:提高|提升|增加)(?:到|至)|增至|达到|达",
    rf"{_NOT}(?:超过|高于|大于|多于)|小于或等于|小于等于|最多|控制在|(?:降|下降|降低|压减|压缩)(?:到|至)",
    r"(?<!不)(?<!不[得宜应能可会])(?:低于|少于|小于)",
    r"(?<!不)(?<!不[得宜应能可会])(?:高于|超过|大于|多于)",
    r"(?:保持|稳定|维持)?在")))
# comparator [denominator ending in 的: 不低于符合交流条件教师总数的10%] number unit [以上 …]
_CMP = _starting("达不大至最提增小控降下压低少高超多保稳维在",
                 rf"(?:{_P})\s*(?P<gap>[^,;:。\d%]{{1,20}}?的)??\s*(?:每生每年|每人每年|每年|每生|每人)?\s*"
                 rf"{_NUM}\s*{_UNIT}\s*(?P<s>及以上|以上|及以下|以下|以内|左右)?")
# 消除/化解 N人以上X: the cap is below N
_CAP = re.compile(rf"(?:消除|化解|消灭|杜绝|压减)\s*[^,;。\d]{{0,6}}?{_NUM}\s*(?P<u>人)\s*及?以上\s*的?\s*"
                  r"(?P<noun>超?大班额|大校额|[^\W\d_]{1,12}?(?:班额|校额|校点|学校))")
_RATIO = re.compile(r"(?P<p>不低于|不高于|不超过|为|按照?)?\s*(?P<a>\d+(?:\.\d+)?)\s*[:∶]\s*(?P<b>\d+(?:\.\d+)?)")
_CHANGE = re.compile(rf"每年\s*(?P<p>下降|降低|减少|提高|提升|增加|增长)\s*{_NUM}\s*(?P<u>个百分点|百分点|%)")
# counts to build or keep: flow verbs stay in the indicator (新增普惠性幼儿园), stock verbs do not
_FLOW = "新改扩建|改扩建|新建|新增|增加|增设|新创建|创建|认定|培育|打造|选拔|遴选|引进|招聘|补充|建设"
_STOCK = "建成|保持"
_CV = r"(?P<v>\d+(?:\.\d+)?)(?![\d.]*\s*[-—–~～]\s*\d)\s*(?P<wan>万)?(?P<u>所|个|名|人|张|间|家)(?![\d.%])(?P<s>左右)?"
_CNOUN = r"(?P<noun>[^\W\d_]{1,16}?)(?=[,;。、(]|到|在|参加|用于|$)"
_COUNT_A = re.compile(rf"(?P<verb>(?:{_STOCK}|{_FLOW})(?:、(?:{_FLOW}))*)\s*"     # 新建、改扩建幼儿园8所
                      rf"(?P<noun>[^\W\d_](?:[^\W\d_]|[“”]|\([^()\d]*\)){{0,24}}?)\s*{_CV}")
_COUNT_B = re.compile(rf"(?P<verb>{_STOCK}|{_FLOW})\s*{_CV}\s*{_CNOUN}")       # 建成100所校园足球特色学校
_COUNT_MORE = re.compile(rf"、\s*{_CV}\s*{_CNOUN}")                             # …、10所…示范学校
# money standards: 标准每生每年1000元 / 300元/月津贴标准 / 按照6000元/生·年的标准
_STD_A = re.compile(r"标准\s*(?:为|是)?\s*(?P<per>每生每年|每人每年|每生每学年|每人每月|每月|每年)?\s*"
                    r"(?P<v>\d+(?:\.\d+)?)\s*(?P<wan>万)?(?P<u>元)")
_STD_B = re.compile(r"(?P<v>\d+(?:\.\d+)?)\s*(?P<wan>万)?(?P<u>元)\s*/\s*(?P<per>生·年|生/年|生·学年|人·年|人/年|人·月|月|年)"
                    r"\s*的?\s*(?P<noun>[^\W\d_]{0,6}?)标准")
# N人以下 right after a known indicator, ending the sub-clause (小学班额45人以下,)
_BARE = re.compile(r"(?<![\d.])(?P<v>\d+(?:\.\d+)?)\s*(?P<u>%|人|所|个|名|课时|学时|分钟|小时|平方米|元)\s*"
                   r"(?P<s>以上|以下|以内)(?=\s*[,;。]|$)")
# 保证学生每天1小时校园体育活动: a daily minimum named after the number
_DAILY = _starting("保确", rf"(?:保证|确保|保障)[^,;。\d]{{0,6}}?每天\s*有?\s*{_NUM}\s*(?P<u>小时|分钟)\s*"
                   r"(?P<noun>[^\W\d_]{2,12}?)(?=[,;。(]|的|$)")
# 消除大班额 with no number: the national standard's cap (大班额 = 56 人及以上, 超大班额 = 66 人
# 及以上, 教育部《关于做好消除义务教育大班额工作的通知》), so it compares with 消除56人以上大班额
_BIG_CLASS = re.compile(r"(?:消除|化解|消灭|杜绝)\s*(?P<gap>[^,;。\d]{0,10}?)(?P<super>超)?[“\"]?大班额")
# (kind, pattern, needs an Arabic digit); earlier wins overlaps
_PATTERNS = (("ratio", _RATIO, True), ("cap", _CAP, False), ("change", _CHANGE, False),
             ("daily", _DAILY, False), ("std", _STD_B, True), ("std", _STD_A, True),
             ("cmp", _CMP, False), ("count", _COUNT_A, True), ("count", _COUNT_B, True),
             ("cmp", _BARE, True), ("big_class", _BIG_CLASS, False))
_DIGIT = re.compile(r"\d")

# --- indicator phrases ------------------------------------------------------------------------
_SUB = re.compile(r"[,;:。!?\n、]")                      # sub-clause and list boundaries
_CLAUSE = re.compile(r"[,;:。!?\n]")                    # sub-clause boundaries
_SENT = re.compile(r"[;。!?\n]")
_EACH = re.compile(rf"\s*、\s*(?P<v>\d+(?:\.\d+)?)\s*{_UNIT}")   # the further values of 分别 N、N
_PAST = re.compile(r"已经?|现有|共有|截至|截止|目前|比上年|同比|较上年")   # achievements, not promises
# the indicator starts after the last governing verb: 继续完善和实施|优质普通高中指标到校
_CUT = re.compile(r".*(?:落实|实施|推动|确保|实现|力争|保证|保障|提高|提升|推进|坚持|达到|促进|全面|基本)")
# connectives and adverbs before an indicator: 其中骨干教师…, 在公办幼儿园… (在校生 keeps its 在)
_LEAD = re.compile(r"^(?:在(?![校园读])|使|让|要|并|且|进一步|逐步|继续|严格|切实|努力|争取|其中|同时|以及|和|或者|或|但|由|按照|按|将|对)+")
# modal and filler words between an indicator and its comparator: 组成人员应当为不少于…
_TAIL = re.compile(r"(?:(?:应当|必须)[^\W\d_]{0,4}|要|应|须|需|均|为|总体上|分别|并|且|稳定|能够|可|原则上|至少|最少|一般)+$")
# a sub-clause of only these words leaves its indicator in the sub-clause before
_MODAL = re.compile(r"(?:应当|应|须|必须|均|要|且|并|一般)*")
_PER = re.compile(r"每(?:位|名|个|所|人|生|学年|年|学期|月|周|天|日)")   # 每班 stays: 每班人数 is 班额
_BASELINE = re.compile(r"在[^,;。]{0,14}基础上")                          # 在2020年基础上每年下降…
# an indicator ending in a verb takes the noun after the value: 接受不少于72课时的培训
_VERB_END = re.compile(r"(?:接受|参加|完成|开展|举办|举行|组织|安排|配备|选拔|享受|获得)$")
# scope words right before an indicator (各县区 / 各县(市、区) → 各县（市、区）)
_SCOPE = re.compile(r"^(?:全市|全省|全县|全区|全国|全州|县域|市域|区域|主城区|城区|农村|乡村|城乡|城镇|"
                    r"各县(?:市区|区|市)?|各区县)内?")
# penalties in regulations (罚款不超过…) state no target
_PENAL = re.compile(r"罚款|罚金|赔偿|处以")
# (word, stage qualifier), first found wins: 义务教育阶段特殊教育学校 is 特殊教育, 中小学 is not 小学
_STAGES = [w.split(":") for w in ("特殊教育:特殊教育 特教:特殊教育 学前:学前 幼儿园:学前 中小学:中小学 小学:小学 "
           "初中:初中 普通高中:普通高中 高中阶段:高中阶段 高中:普通高中 中等职业:中职 中职:中职 高职:高职 中学:中学 "
           "大学:高等教育 高校:高等教育 义务教育:义务教育").split()]
_STAGE_WORD = "小学|初中|中学|普通高中|高中|幼儿园|学前|中职|高职|大学"
# a bare stage word inherits an indicator (初中不超过50人); a stage prefix is dropped from it
_STAGE_ONLY = re.compile(rf"^(?:{_STAGE_WORD})(?:阶段)?$")
_STAGE_PREFIX = re.compile(rf"^(?:(?:{_STAGE_WORD})(?:阶段)?)?(?:学生)?")
_UNITS = {"百分点": "个百分点", "㎡": "平方米", "个课时": "课时", "个学时": "学时"}


def _stage(indicator: str) -> str:
    return next((stage for word, stage in _STAGES if word in indicator), "")


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_TENS = {"十": 10, "百": 100, "千": 1000}


def _cn_number(s: str) -> float:
    """二十六 → 26, 一千 → 1000 (numbers as laws write them; the regex admits only these characters)."""
    total = num = 0
    for ch in s:
        if ch in _TENS:
            total, num = total + (num or 1) * _TENS[ch], 0
        else:
            num = _DIGITS[ch]
    return float(total + num)


def _value(m: re.Match) -> tuple[float, str]:
    """(value, unit) of a match with groups v, u and maybe wan, pct; 500万元 stays 500 万元."""
    g = m.groupdict()
    value, unit = (float(g["v"]) if g["v"][0].isdigit() else _cn_number(g["v"])), g.get("u") or ""
    if g.get("wan"):
        unit, value = (g["wan"] + unit, value) if unit == "元" else (unit, value * (1e4 if g["wan"] == "万" else 1e8))
    return value, "%" if g.get("pct") else _UNITS.get(unit, unit)


def _clean(raw: str) -> tuple[str, str]:
    """(indicator, scope) from the words before a value."""
    s = re.sub(r"\([^()]*\)", "", raw.replace(_HOLE, "")).strip()
    s = _BASELINE.sub("", _PER.sub("", _CUT.sub("", s)))
    for _ in range(2):
        s = _TAIL.sub("", _LEAD.sub("", s.strip()))
    scope = ""
    if m := _SCOPE.match(s):                                 # 在农村达到95%: a scope, no indicator
        scope, s = m.group(0).removesuffix("内"), _LEAD.sub("", s[m.end():])
        scope = "各县（市、区）" if scope[0] == "各" else scope
    if len(s) > 20 and len(s.rsplit("的", 1)[-1]) >= 4 and "的" in s:
        s = s.rsplit("的", 1)[1]                             # a long phrase keeps its head: …装置及联网率
    return s, scope


def _key(indicator: str, base: str = "") -> str:
    found, stage = load_indicators().lookup(indicator), _stage(indicator)
    if found is None:                                        # unknown: the written form; 小学 + 学习时间 → 学习时间·小学
        return f"{base}·{stage}" if base and stage else re.sub(r"[“”\"'\s]", "", indicator)
    key, staged = found
    return f"{key}·{stage}" if staged and stage and "·" not in key else key


def _left(tw: str, start: int, floor: int, boundaries=_SUB) -> tuple[int, str]:
    """Start and text of the sub-clause before ``start`` (not reaching below ``floor``)."""
    b = max((i.end() for i in boundaries.finditer(tw, floor, start)), default=floor)
    return b, tw[b:start]


def _year(deadlines, bounds: list[int], marks: list[int], start: int) -> int | None:
    """The last deadline before ``start`` in its sentence, else the previous sentence's year, which
    carries on only through sentences stating deadlines or targets (到2020年，…。全市…达到90%)."""
    i = bisect_right(bounds, start) - 1
    lo, hi = bounds[i], start
    while True:
        inside = [y for s, _, y in deadlines if lo <= s < hi]
        if inside:
            return inside[-1]
        if i == 0 or (hi != start and not any(lo <= m < hi for m in marks)):
            return None
        i -= 1
        lo, hi = bounds[i], lo


def extract_targets(text: str) -> list[Target]:
    """Quantitative targets stated in one clause, in text order, without duplicates."""
    t1 = normalize(text or "")
    for gate, pat in _MASKS:
        if gate.search(t1):
            t1 = pat.sub(lambda m: _HOLE * len(m.group(0)), t1)
    if "(" in t1:
        t1 = _PAREN.sub(lambda m: m.group(0).replace("、", "/"), t1)   # 各县(市、区) is one item
    deadlines = [(m.start(), m.end(), int(y) if (y := m["a"] or m["b"] or m["c"] or m["d"]) else _PLANS[m["e"]])
                 for m in _DEADLINE.finditer(t1) if not m["e"] or m["to"] or m["f"]]
    digits = _DIGIT.search(t1) is not None    # most articles of a law have none
    tw = _DATES.sub(lambda m: _HOLE * len(m.group(0)), t1) if digits else t1
    for s, e, _ in deadlines:
        tw = tw[:s] + _HOLE * (e - s) + tw[e:]
    cands = []                                               # (start, end, kind, match); overlaps lose
    for kind, pat, numeric in _PATTERNS:
        if numeric and not digits:
            continue
        cands += [(m.start(), m.end(), kind, m) for m in pat.finditer(tw)
                  if not any(m.start() < e and s < m.end() for s, e, _, _ in cands)]
    cands.sort(key=lambda c: c[0])
    bounds, marks = [0] + [i.end() for i in _SENT.finditer(tw)], [c[0] for c in cands]
    out, seen, prev = [], set(), None                        # prev: (sentence, end, base) of the last target
    for start, end, kind, m in cands:
        sent = bounds[bisect_right(bounds, start) - 1]
        since = max((e for s, e, _ in deadlines if sent <= s and e <= start), default=sent)
        if _PAST.search(tw, since, start):                   # 截至2018年底，全市有… / 已建成…所
            continue
        year = _year(deadlines, bounds, marks, start)
        for indicator, scope, op, value, unit, base, tstart, tend in _read(tw, start, end, kind, m, sent, prev):
            if len(indicator) < 2 or _PENAL.search(indicator) or not (unit or indicator.endswith(("系数", "指数"))):
                continue
            key = _key(indicator, base)
            if (ident := (key, op, value, unit, year, scope)) not in seen:
                seen.add(ident)
                span = text[max(tstart, tend - MAX_SPAN):tend].strip(" ,，;；、")
                out.append(Target(indicator, key, op, value, unit, year, scope, span))
            prev = (sent, tend, base or _STAGE_PREFIX.sub("", indicator))
    return out


def _read(tw, start, end, kind, m, sent, prev):
    """(indicator, scope, comparator, value, unit, base, span start, span end) of one match."""
    floor = prev[1] if prev and prev[0] == sent and prev[1] <= start else sent
    b, raw = _left(tw, start, floor)
    if kind == "count":
        verb, stock = m["verb"], re.fullmatch(_STOCK, m["verb"])
        scope = _clean(raw)[1]                               # 全市至少新增…: only the scope matters
        for c in [m] + ([] if m.re is _COUNT_A else list(_repeat(_COUNT_MORE, tw, end))):
            noun = re.sub(r"\([^()]*\)", "", c["noun"])
            yield (noun if stock else verb + noun), scope, "=" if c["s"] or verb == "保持" else "≥", \
                *_value(c), "", b, c.end()
        return
    indicator, scope = _clean(raw)
    if kind == "cmp" and not indicator and b > sent and _MODAL.fullmatch(raw.strip()):   # 副教授…人数，应当不低于…
        b, raw = _left(tw, b - 1, floor)
        indicator, scope = _clean(raw)
    base = ""
    if _STAGE_ONLY.match(indicator):                         # 初中不超过50人 → 初中 + 班额 before it
        if prev and prev[0] == sent:
            base = prev[2]
        elif b > sent:                                       # 学习时间，小学不超过六小时
            b, raw = _left(tw, b - 1, floor)
            base = _STAGE_PREFIX.sub("", _clean(raw)[0])
        indicator += base
    if _VERB_END.search(indicator) or (not indicator and kind in ("cmp", "std")):
        if noun := re.match(r"\s*的?\s*([^\W\d_]{1,8}?)(?=[,;。、和或的]|$)", tw[end:end + 12]):
            indicator, end = _VERB_END.sub("", indicator) + noun[1], end + noun.end()   # …72课时的培训
    if kind == "ratio":
        a, c = float(m["a"]), float(m["b"])
        if indicator.endswith(("比", "比例")) and 1.0 in (a, c):
            op = {"不低于": "≥", "不高于": "≤", "不超过": "≤"}.get(m["p"] or "", "=")
            yield indicator, scope, op, (c if a == 1.0 else a), ("1:" if a == 1.0 else ":1"), base, b, end
    elif kind == "cap":
        yield re.sub(r"超?大(?=班额|校额)", "", m["noun"]), scope, "<", *_value(m), "", b, end
    elif kind == "big_class":
        if _CAP.search(tw):                                  # the text states its own cap
            return
        stage = next((w for w in ("普通高中", "高中", "初中", "小学") if w in m["gap"]), "")
        yield stage + "班额", scope, "<", 66.0 if m["super"] else 56.0, "人", \
            "班额" if stage else "", b, end
    elif kind == "daily":
        yield m["noun"].removesuffix("时间") + "时间", scope, "≥", *_value(m), "", b, end
    elif kind == "change":
        word = "年降幅" if m["p"] in ("下降", "降低", "减少") else "年增幅"
        yield indicator + word, scope, "≥", *_value(m), "", b, end
    elif kind == "std":
        value, unit = _value(m)
        if m.re is _STD_B:                                   # 按照6000元/生·年的标准落实…生均公用经费
            indicator = indicator and indicator + m["noun"]
            if not indicator and (tail := re.match(r"\s*(?:落实|执行|拨付|核定)?([^,;。]{2,24})", tw[end:])):
                indicator, scope = _clean(tail[1])
        else:
            indicator = indicator and indicator + "标准"
        yield indicator, scope, "=", value, unit + ("/月" if (m["per"] or "").endswith("月") else ""), base, b, end
    else:
        yield from _compare(tw, m, indicator, scope, base, b, end, floor)


def _repeat(pat, tw, end):
    """Matches of ``pat`` following each other from ``end``: …、10所… / 分别45人、50人."""
    while more := pat.match(tw, end):
        end = more.end()
        yield more


def _compare(tw, m, indicator, scope, base, b, end, floor):
    g = m.groupdict()
    i, word = next(((i, g[f"c{i}"]) for i in range(len(_OPS)) if g.get(f"c{i}")), (4, ""))
    op, suffix = _OPS[i], g.get("s") or ""
    if g.get("gap") and (op == "~" or word == "达"):
        return                                               # …的N only after a real comparator
    if m.re is _BARE and load_indicators().lookup(indicator) is None:
        return                                               # 死亡1人以上: only a known indicator is a goal
    if suffix == "左右":
        op = "="
    elif op == "~":                                          # 在/保持在 N 以上 / 以内
        op = {"以上": "≥", "及以上": "≥", "以下": "≤", "及以下": "≤", "以内": "≤"}.get(suffix)
    if not op:
        return
    val = _value(m)
    fb, clause = _left(tw, m.start(), floor, _CLAUSE)
    if "分别" not in clause:
        yield indicator, scope, op, *val, base, b, end
        return
    more = list(_repeat(_EACH, tw, end))                     # 小学、初中班额分别不超过45人、50人
    vals, end = [val] + [_value(x) for x in more], more[-1].end() if more else end
    names = [_clean(x) for x in clause.split("分别")[0].split("、")]
    if len(names) == len(vals) > 1:                          # items and values must pair up, else nothing
        common = _STAGE_PREFIX.sub("", names[-1][0])
        for (name, _), (value, unit) in zip(names, vals):
            staged = common if _STAGE_ONLY.match(name) else ""
            yield name + staged, names[0][1], op, value, unit or val[1], staged, fb, end
