"""When and at what level a document applies: status, 施行日期, 有效期, 发文级别.

Evidence a head states (export 时效性/实施日期, page 有效性) comes first and is read by
`indexer.heads`; this module reads what the text and the other facts say:
- a draft's title note （征求意见稿） / （草案） / （送审稿） → status 征求意见稿;
- `自2020年1月1日起施行` / `自印发之日起施行` → effective date;
- `有效期至2025年12月31日`, `有效期5年` (counted from the effective date, else the date);
- the issuing level from issuer and place: 国家 / 省 / 市 / 县区.
Pure functions.
"""
from __future__ import annotations

import datetime as _dt
import re

from analyzers import places

DRAFT = "征求意见稿"
_DRAFT_TITLE = re.compile(r"[（(]\s*(?:征求意见稿|草案|送审稿|讨论稿|征求意见)\s*[)）]|草案$")

_DATE = r"((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)"
# the leading lookaheads: the optional 本…/现予… would otherwise be tried at every character
_IN_FORCE = re.compile(rf"(?=[本现自])(本[\u4e00-\u9fff]{{0,12}}?|现予[\u4e00-\u9fff]{{2,4}}[，,]\s*)?自\s*{_DATE}\s*起\s*(?:施行|实施|执行|生效|试行)")
_IN_FORCE_ON_ISSUE = re.compile(r"(?=[本自])(?:本[\u4e00-\u9fff]{0,12}?)?自\s*(?:印发|发布|公布|下发|发文)之日起\s*(?:施行|实施|执行|生效|试行)")
_VALID_UNTIL = re.compile(rf"有效期(?:至|到|截至)\s*{_DATE}")
_VALID_FOR = re.compile(r"有效期(?:为|暂定为?|暂定)?\s*([\d一二两三四五六七八九十]{1,3})\s*年")

LEVELS = ("国家", "省", "市", "县区")


def title_status(title: str) -> str:
    """征求意见稿 for a draft's title (（征求意见稿）, （草案）, （送审稿） as is customary)."""
    return DRAFT if _DRAFT_TITLE.search(title or "") else ""


def effective_date_in(text: str, date: str = "") -> str:
    """ISO 施行日期 stated in the text; `date` is the document's own (for 自印发之日起施行).
    The document's own 施行 sentence (本办法自…, 现予公布，自…) beats a cited one."""
    from indexer.factparse import parse_date
    own, other = "", ""
    for m in _IN_FORCE.finditer(text):
        iso = parse_date(m[2])
        if iso and m[1] and not own:
            own = iso
        elif iso and not other:
            other = iso
    if own or other:
        return own or other
    if date and _IN_FORCE_ON_ISSUE.search(text):
        return date
    return ""


def _years(s: str) -> int:
    if s.isdigit():
        return int(s)
    from indexer.factparse import cn_number as _cn_number
    return _cn_number(s.replace("两", "二"))


# 有效期 of the document itself, not of a licence it regulates (许可证有效期为五年): the
# sentence names the document (本办法…) or its entry into force (自…起施行，有效期5年), or
# opens with 有效期
_OWN_SUBJECT = re.compile(r"^本[\u4e00-\u9fff]{0,8}?(?:办法|规定|方案|通知|意见|细则|规则|计划|规划|文件|决定|"
                          r"条例|标准|制度|政策|措施|纲要|公告|通告)")
_OWN_START = re.compile(rf"自\s*(?:{_DATE}|(?:印发|发布|公布|下发)之日)\s*起\s*(?:施行|实施|执行|试行|生效)")


def _own_sentence(text: str, at: int) -> bool:
    start = max(text.rfind(c, 0, at) for c in "。；;\n") + 1
    prefix = text[start:at].strip(" \u3000，,")
    return not prefix or bool(_OWN_SUBJECT.match(prefix) or _OWN_START.search(prefix))


def expiry_in(text: str, start: str) -> str:
    """ISO end of validity: 有效期至 DATE, or 有效期 N 年 counted from `start` (ISO)."""
    from indexer.factparse import parse_date
    for m in _VALID_UNTIL.finditer(text):
        if _own_sentence(text, m.start()):
            return parse_date(m[1])
    for m in _VALID_FOR.finditer(text):
        if not (start and _own_sentence(text, m.start())):
            continue
        n = _years(m[1])
        if not 0 < n <= 50:
            return ""
        begin = _dt.date.fromisoformat(start)
        try:
            end = begin.replace(year=begin.year + n)
        except ValueError:                        # 29 February
            end = begin.replace(year=begin.year + n, day=28)
        return (end - _dt.timedelta(days=1)).isoformat()
    return ""


_PROVINCIAL_ORGAN = re.compile(r"^(?:[\u4e00-\u9fff]{2,8}(?:省|自治区)|北京市|上海市|天津市|重庆市)"
                               r"(?:人民政府|政府|教育厅|[\u4e00-\u9fff]{1,10}厅|教育委员会|教委|委员会|人大|委|办公厅)")


def level_of(issuer: str, city: str, province: str, national: str = "全国") -> str:
    """国家 / 省 / 市 / 县区 from the issuing place (and the issuer where no place is known).
    直辖市 are 省 level, their districts 县区; 县级市 (宁安市) are 县区."""
    if province == national:
        return "国家"
    if city:
        divs = places.lookup(city)
        kinds = {d.level for d in divs}
        if places.PROVINCE in kinds:
            return "省"
        if places.COUNTY in kinds and places.PREFECTURE not in kinds:
            return "县区"
        if kinds:
            return "市"
        if re.search(r"[县区旗]$", city):
            return "县区"
        return "市" if re.search(r"[市州盟]$", city) else ""
    if province:
        return "省"
    if issuer and _PROVINCIAL_ORGAN.match(issuer):
        return "省"
    return ""
