"""Document facts: title, type, issuing place, year, 文号, issuer.

Evidence follows GB/T 9704 公文 conventions: the title line (or the plan a 印发通知
carries), the 发文字号 under the title, the issuer signature followed by the 成文日期 at the
end of the cover letter, and the metadata header government web pages put above the text
(成文日期, 发文字号, 发布机构, 来源 …). lawrefbook Markdown gives "# title" and a
"2024年4月26日 第十四届全国人民代表大会常务委员会…通过" line before "<!-- INFO END -->".

Place convention: `city` is the issuing place as written (宁安市, 张家口市, 海淀区; a
直辖市 is its own city: 北京市/北京市); a province-level issuer gives city "" and the
province; national organs (全国人大, 国务院, 教育部 …) give city "" and province "全国".
"""
from __future__ import annotations

import re

from analyzers import places
from indexer import validity
from indexer.factparse import (DATE_LINE as _DATE_LINE, DOC_NUMBER, _DATE_ARABIC,  # noqa: F401
                                doc_type_of, find_doc_numbers, normalize_doc_number,
                                parse_date)   # (doc_type_of … re-exported for callers)
from indexer.heads import Head, read_head
from indexer.records import DocFacts

NATIONAL = "全国"

_DRAFT_NOTE = re.compile(r"[（(](?:征求意见稿|送审稿|讨论稿|修改稿|草案|草稿|代拟稿)[)）]")
# metadata labels of government web pages → our key; label chars may be spaced out (文  号)
_META_LABELS = {
    "成文日期": "written", "发文日期": "written", "印发日期": "written",
    "发布日期": "published", "公布日期": "published", "发布时间": "time", "时间": "time", "日期": "time",
    "发文字号": "doc_number", "文号": "doc_number",
    "发文机关": "issuer", "发布机构": "issuer", "发文单位": "issuer", "发布单位": "issuer",
    "来源": "source",
}
_LABEL_RE = "|".join(r"\s*".join(label) for label in sorted(_META_LABELS, key=len, reverse=True))
_META = re.compile(rf"(?<![\u4e00-\u9fff])(?P<label>{_LABEL_RE})\s*[:：]\s*(?P<value>.*?)"
                   r"(?=\s{2,}|\s+\S{1,6}\s*[:：]|$)")
_ORGAN_END = re.compile(r"(人民政府|政府|办公室|办公厅|委员会|常委会|局|厅|委|部|部门|院|署|办|党委|中心|联合会)$")
_CHROME = re.compile(r"您现在所在的位置|首页\s*>|www\.|https?:|浏览|阅读|索\s*引\s*号|主\s*题\s*词|字号|打印|"
                     r"^\s*(?:附件\s*\d*|此件公开发布|[（(][^）)]*[)）])\s*$")
_NATIONAL_ISSUER = re.compile(
    r"^(?:中华人民共和国|全国人民代表大会|全国人大|国务院|中共中央|中央|最高人民法院|最高人民检察院|"
    r"国家[\u4e00-\u9fff]{1,12}(?:局|委员会|委|署|院)|[^市县区省州盟旗]{1,12}部(?:等|办公厅|$))")
_LAW_ISSUER = re.compile(r"([\u4e00-\u9fff]*?)第[一二三四五六七八九十]+届"
                         r"(全国人民代表大会常务委员会|全国人民代表大会|人民代表大会常务委员会|人民代表大会)")
# lawrefbook states the date a law takes effect on its own header line: "2024年8月20日 施行"
_LAW_IN_FORCE = re.compile(r"^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:起)?(?:施行|实施|生效)$")
_PLAN_YEARS = re.compile(r"[（(]?((?:19|20)\d{2})\s*[-—–~至]\s*(?:19|20)?\d{2}\s*年?[)）]?")
_FIVE_YEAR = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026}


def _head_lines(raw_lines: list[str]) -> list[str]:
    """Lines before the body: up to the first 一、/第一章/第一条 heading or INFO END marker."""
    head = []
    for line in raw_lines[:80]:
        s = line.strip()
        if re.match(r"^(?:一\s*[、.．]|第一[章条]|<!--\s*INFO END|##)", s):
            break
        head.append(s)
    return [s for s in head if s]


def _meta(head: list[str]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for line in head:
        for m in _META.finditer(line):
            key = _META_LABELS[re.sub(r"\s", "", m["label"])]
            value = m["value"].strip()
            if value and key not in meta:
                meta[key] = value
    return meta


def _signature(raw_lines: list[str]) -> tuple[list[str], str]:
    """(issuing bodies, ISO date) of the first organ-name line directly followed by a date
    line. A joint signature names several bodies, spaced on one line or stacked above."""
    lines = [s.strip() for s in raw_lines if s.strip()]
    for k, (organ, nxt) in enumerate(zip(lines, lines[1:])):
        if _DATE_LINE.match(nxt) and _is_organ_line(organ):
            organs = re.split(r"\s+", organ) if all(_ORGAN_END.search(o) for o in organ.split()) \
                else re.split(r"\s{2,}", organ)[:1]
            j = k - 1
            while j >= 0 and k - j <= 4 and _is_organ_line(lines[j]) and " " not in lines[j] \
                    and not doc_type_of(lines[j]):
                organs.insert(0, lines[j])
                j -= 1
            return organs, parse_date(nxt)
    return [], ""


def _is_organ_line(s: str) -> bool:
    return (4 <= len(s) <= 40 and bool(_ORGAN_END.search(s))
            and bool(re.fullmatch(r"[\u4e00-\u9fff\s]+", s)))


def _is_title_like(s: str) -> bool:
    return (2 <= len(s) <= 60 and not _CHROME.search(s) and not re.search(r"[。：:；;，,]$|[:：]", s)
            and not _DATE_LINE.match(s) and not DOC_NUMBER.fullmatch(s))


def _title(head: list[str]) -> tuple[str, str]:
    """(policy title, issuer named in a 印发通知 title)."""
    for s in head:
        if s.startswith("# "):
            return s[2:].strip(), ""
    for s in head:
        s2 = re.sub(rf"^(?:标\s*题\s*[:：])?\s*(?:{DOC_NUMBER.pattern})?\s*", "", s)
        m = re.fullmatch(r"(.{0,40}?)关于(?:联合)?印发(.+?)的通知", s2)
        if m and len(s2) <= 120:
            carried = re.search(r"[《〈](.+?)[》〉]", m[2])
            title = carried[1] if carried else m[2]
            organ = m[1] if _ORGAN_END.search(m[1]) else ""
            return title.strip(), organ
    candidates = [s for s in head if _is_title_like(s) or _DRAFT_NOTE.fullmatch(s)]
    for i, s in enumerate(candidates):
        if _DRAFT_NOTE.fullmatch(s) or not _is_title_like(s):
            continue
        title, j = s, i + 1
        while j < min(i + 3, len(candidates)):
            nxt = candidates[j]
            if _DRAFT_NOTE.fullmatch(nxt):
                break
            starts_bracket = re.match(r"[（(]\s*(?:19|20)\d{2}", nxt)
            if starts_bracket or (not doc_type_of(title) and doc_type_of(nxt)):
                title += nxt
                j += 1
            else:
                break
        # a draft says so under its title: （征求意见稿） stays part of the title as written
        if j < len(candidates) and _DRAFT_NOTE.fullmatch(candidates[j]) and not _DRAFT_NOTE.search(title):
            title += candidates[j]
        return title.strip("《》 "), ""
    return "", ""


def _title_issuer(title: str) -> str:
    """盘锦市委宣传部关于开展读书活动的通知 → 盘锦市委宣传部."""
    m = re.match(r"(.{2,40}?)关于", title)
    return m[1] if m and _ORGAN_END.search(m[1]) else ""


def _first_word(s: str) -> str:
    return s.split()[0] if s.split() else ""


def _title_from_source(source_name: str) -> str:
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", source_name)
    stem = re.sub(r"[（(]\d{4}-\d{2}-\d{2}[)）]$", "", stem).strip()
    return stem if re.search(r"[\u4e00-\u9fff]", stem) else ""


def _law_header(raw_lines: list[str], source_name: str) -> tuple[str, str]:
    """(latest ISO date, issuer) of a lawrefbook header and its file name."""
    dates, issuer = [], ""
    if "<!-- INFO END -->" in "\n".join(raw_lines[:40]):
        for line in raw_lines[:40]:
            if "INFO END" in line:
                break
            if _DATE_ARABIC.match(line.strip()):
                dates.append(parse_date(line))
                m = _LAW_ISSUER.search(line)
                if m and not issuer:
                    issuer = m[1] + m[2]
                elif "国务院令" in line and not issuer:
                    issuer = "国务院"
    m = re.search(r"[（(](\d{4}-\d{2}-\d{2})[)）]", source_name)
    if m:
        dates.append(m[1])
    dates = [d for d in dates if d]
    return (max(dates) if dates else ""), issuer


def _place(evidence: list[str], title: str, raw_text: str, doc_number: str) -> tuple[str, str]:
    """(city, province) from the first evidence string naming a place or a national organ."""
    for ev in evidence:
        if not ev:
            continue
        ev = ev[:500]                  # evidence is a title or header line, never a body
        if _NATIONAL_ISSUER.match(ev):
            return "", NATIONAL
        found = places.first_place(ev) or (places.short_place_at_start(ev) if ev is title else None)
        if found and not found[1]:                       # ambiguous name: look for context
            hints = places.mentioned_regions(raw_text)
            abbr = doc_number[:1]
            if abbr in places.PROVINCE_ABBREVIATIONS:
                hints += (places.PROVINCE_ABBREVIATIONS[abbr],)
            found = places.first_place(ev, hints)
        if found:
            name, province = found
            if places.is_province(name):
                return (name if name.endswith("市") else ""), name
            return name, province
    return "", ""


def _place_by_frequency(lines: list[str], budget: int = 30_000) -> tuple[str, str]:
    """Fallback: a prefecture or county named at least twice in the body (我市 documents).
    Reads the opening `budget` characters: enough evidence, bounded time on huge files."""
    counts: dict[str, int] = {}
    for line in lines:
        if budget <= 0:
            break
        line = line[:budget]
        budget -= len(line)
        for m in places.find_places(line):
            if len(m.name) > 2 and any(d.level != places.PROVINCE for d in m.candidates):
                counts[m.name] = counts.get(m.name, 0) + 1
    if not counts:
        return "", ""
    name, n = max(counts.items(), key=lambda kv: kv[1])
    return (name, places.province_of(name)) if n >= 2 else ("", "")


def _year_from_title(title: str) -> int | None:
    """(2017-2020年) → 2017: a plan is issued at (or just before) the start of its period,
    so the start year is the closest guess; also 2019年…, "十四五" → 2021."""
    m = _PLAN_YEARS.search(title)
    if m:
        return int(m[1])
    m = re.search(r"((?:19|20)\d{2})\s*年", title)
    if m:
        return int(m[1])
    for term, year in _FIVE_YEAR.items():
        if term in title:
            return year
    return None


def extract_facts(raw_text: str, lines: list[str], source_name: str, head: Head | None = None) -> DocFacts:
    """Facts of one document from its full text (web chrome included) and cleaned lines.
    `head` is what the head readers found (read here when not given); its lines are the
    text without the consumed head lines."""
    if head is None:
        head = read_head(raw_text)
    raw_text = head.text
    raw_lines = head.lines
    stated, listed = head.stated, head.listed
    head_lines = _head_lines(raw_lines)
    meta = _meta(head_lines)
    for key, ours in (("date", "written"), ("published", "published"), ("doc_number", "doc_number"),
                      ("issuer", "issuer")):
        if listed.get(key):
            meta[ours] = listed[key]
    sig_organs, sig_date = _signature(raw_lines)
    sig_issuer = sig_organs[0] if sig_organs else ""
    law_date, law_issuer = _law_header(raw_lines, source_name)
    law_effective = next((parse_date(s) for s in head_lines if _LAW_IN_FORCE.match(s)), "")

    title, notice_issuer = _title(head_lines)
    title = title or stated.get("title", "") or _title_from_source(source_name)

    raw_number = meta.get("doc_number", "")
    doc_number = (stated.get("doc_number", "") or normalize_doc_number(raw_number)
                  or (raw_number if _is_decree(raw_number) else ""))
    if not doc_number:
        for s in head_lines:                              # a 文号 line of its own under the title
            m = DOC_NUMBER.match(s)
            if m and (m.end() == len(s) or "关于" in s[m.end():]):
                doc_number = normalize_doc_number(s)
                break

    issuer = (stated.get("issuer") or sig_issuer or notice_issuer or _first_word(meta.get("issuer", ""))
              or _first_word(meta.get("source", "")) or law_issuer or _title_issuer(title))
    co_issuers = list(stated.get("co_issuers") or listed.get("co_issuers")
                      or (sig_organs[1:] if issuer == sig_issuer else []))
    joint = _joint_organs(issuer)
    if len(joint) > 1:                           # 最高人民法院、最高人民检察院关于… : lead first
        issuer, co_issuers = joint[0], joint[1:] + [o for o in co_issuers if o not in joint]

    date = ""
    for candidate in (stated.get("date", ""), meta.get("written", ""), sig_date, meta.get("published", ""),
                      meta.get("time", ""), law_date):
        date = parse_date(candidate)
        if date:
            break

    year, year_rule = None, ""
    if date:
        year, year_rule = int(date[:4]), "date"
    else:
        own = DOC_NUMBER.search(doc_number)
        cited = [int(m["year"]) for m in find_doc_numbers(raw_text)]
        if own or cited:
            year, year_rule = (int(own["year"]) if own else max(cited)), "doc_number"
        elif _year_from_title(title):
            year, year_rule = _year_from_title(title), "title"

    # the place comes from issuer, title and 文号; head lines only when they are not prose
    # (a national plan's body names 台湾省, a provincial notice its cities)
    evidence = [issuer, title, *(s for s in head_lines[:3] if not re.search(r"[。，,；;：:]", s))]
    if _is_national(issuer, title, doc_number):
        city, province = "", NATIONAL
    else:
        city, province = _place(evidence, title, raw_text, doc_number)
    if not city and not province:
        city, province = _place_by_frequency(lines)

    effective = (stated.get("effective_date") or listed.get("effective_date") or law_effective
                 or validity.effective_date_in(raw_text, date))
    if effective and date and effective < date and not (stated.get("effective_date") or listed.get("effective_date")):
        effective = ""           # the 施行 sentence of the first version of a since-revised text
    status = (stated.get("status") or listed.get("status") or validity.title_status(title))
    expiry = (stated.get("expiry") or listed.get("expiry")
              or validity.expiry_in(raw_text, effective or date))
    return DocFacts(title=title, doc_type=doc_type_of(title), city=city, province=province, year=year,
                    year_rule=year_rule, date=date, doc_number=doc_number, issuer=issuer,
                    status=status, effective_date=effective, expiry=expiry,
                    level=validity.level_of(issuer, city, province, NATIONAL),
                    co_issuers=[o for o in co_issuers if o != issuer],
                    index_number=stated.get("index_number") or listed.get("index_number", ""),
                    effectiveness_level=stated.get("effectiveness_level", ""))


_NATIONAL_TITLE = re.compile(r"^(?:国家|全国|中国(?![（(])|中华人民共和国)(?!.{0,12}?(?:省|自治区|市|县|区)(?:人民政府|政府|教育厅|教育局|委员会))")
# 文号 of central bodies: 国发 国办发 中发 中办发 教基 教发 … (provinces prefix their abbreviation)
_NATIONAL_DOC_NUMBER = re.compile(r"^(?:国发|国办发|国函|国办函|中发|中办发|教[\u4e00-\u9fff]{0,4}〔|[\u4e00-\u9fff]{0,6}部令第)")


def _joint_organs(issuer: str) -> list[str]:
    """The bodies of a joint issuer written together (A、B / A  B), each a whole organ name."""
    parts = [p for p in re.split(r"[、，,\s]+", issuer or "") if p]
    return parts if len(parts) > 1 and all(len(p) >= 2 and _ORGAN_END.search(p) for p in parts) else [issuer]


def _is_decree(number: str) -> bool:
    return bool(re.search(r"令第\d+号$", number or ""))


def _is_national(issuer: str, title: str, doc_number: str) -> bool:
    """A central body issued it: by issuer, else title, else 文号 prefix (no local issuer)."""
    if issuer:
        return bool(_NATIONAL_ISSUER.match(issuer))
    if _NATIONAL_TITLE.match(title) and not places.first_place(title[:20]):
        return True
    return bool(_NATIONAL_DOC_NUMBER.match(doc_number))


# the sidecar override lives in its own module; imported here, where callers look for it
from indexer.overrides import YEAR_RANGE, apply_overrides, json_type  # noqa: E402,F401  (re-exported)
