"""What surrounds a document's outline: title lines, the 印发通知 cover letter, the
signature/date block and the 版记 (抄送…) colophon of GB/T 9704 公文, and the header
block of lawrefbook Markdown. Pure functions over lists of paragraphs.
"""
from __future__ import annotations

import re

from analyzers.normalize import normalize
from indexer.numbering import ANNEX, parse_number

_COMMENT = re.compile(r"^<!--.*-->$", re.S)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_INFO_END = "<!-- INFO END -->"
# Sentence punctuation: a line holding any of it is text, not a title.
_PUNCT = re.compile(r"[。，,；;：:！？!?]")
_DATE = re.compile(r"^[(（]?(\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日[)）]?$")
_PUBLIC = re.compile(r"^[(（](此件|信息公开|此页)[^)）]{0,20}[)）]$")
_ISSUER = re.compile(r"(办公室|办公厅|人民政府|政府|委员会|管委会|局|厅|部|委|办|中心|院|会|校|处)$")
# the paragraph of a cover letter that hands the policy over
_HAND_OVER = re.compile(r"印发给你们|现印发|现予印发|现将.{0,80}印发|印发给各")
_COLOPHON = re.compile(r"^(抄送|抄报)\s*[:：]|^\S{2,30}\s+\d{4}年\d{1,2}月\d{1,2}日印发$")


def prepare(lines: list[str]) -> list[str]:
    """Stripped, non-empty paragraphs without HTML comments or a lawrefbook header block."""
    out = [_INVISIBLE.sub("", ln).strip() for ln in lines]
    if _INFO_END in out:                         # title + history lines are the header
        out = out[out.index(_INFO_END) + 1:]
    return [ln for ln in out if ln and not _COMMENT.match(ln)]


def _key(s: str) -> str:
    return re.sub(r"[\s《》〈〉\"“”#]", "", normalize(s))


def has_punctuation(line: str) -> bool:
    return bool(_PUNCT.search(line)) or "、" in line


def is_short_title_line(line: str) -> bool:
    """A short line without sentence punctuation: a title, subtitle, signature …"""
    if line.startswith(("——", "--")):
        return True
    if re.match(r"^[(（].*[)）]$", line) and len(line) <= 120:   # (2017-2020年), （征求意见稿）
        return True
    return len(line) <= 40 and not _PUNCT.search(line)


def is_title_part(line: str, titles: list[str]) -> bool:
    if line.startswith("# "):
        return True
    k = _key(line)
    if len(k) >= 4 and any(k in t for t in titles):
        return True                               # the title, or one line of it
    if any(len(t) >= 6 and t in k and len(k) <= len(t) + 30 for t in titles):
        return True                               # "盘政办发〔2019〕24号 <title>"
    num = parse_number(line)
    if num and num.style != ANNEX:                # "附件2" above a title is part of it
        return False
    return is_short_title_line(line)


def skip_title(lines: list[str], start: int, titles: list[str]) -> int:
    """Index of the first paragraph after the title lines beginning at start."""
    i = start
    while i < len(lines) and is_title_part(lines[i], titles):
        i += 1
    return i


def _is_signature_line(line: str) -> bool:
    return bool(_DATE.match(line) or _PUBLIC.match(line))


def find_cover(lines: list[str], start: int) -> tuple[int, int] | None:
    """(start, end) of a cover letter beginning at start, or None.

    A cover letter hands the policy over ("现将《…》印发给你们") before the policy's
    first numbered item; it runs on through its signature, date and (此件公开发布).
    """
    for i in range(start, min(len(lines), start + 8)):
        if parse_number(lines[i]):
            return None
        if _HAND_OVER.search(lines[i]):
            end = i + 1
            for j in range(i + 1, min(len(lines), i + 6)):
                if _is_signature_line(lines[j]):
                    end = j + 1
                elif not (is_short_title_line(lines[j]) and not parse_number(lines[j])):
                    break
            return start, end
    return None


def handed_over_names(cover: list[str]) -> list[str]:
    """The names quoted in 《…》 in the cover letter: the policy's own title."""
    return [_key(m) for p in cover for m in re.findall(r"《([^》]{4,80})》", p)]


def title_keys(title: str) -> list[str]:
    return [_key(title)] if title.strip() else []


def drop_end_matter(lines: list[str]) -> list[str]:
    """Without signature/date lines, (此件公开发布) and the 抄送 colophon.

    An issuer line counts as a signature only right before a date line.
    """
    keep: list[str] = []
    in_colophon = False
    for ln in lines:
        if _COLOPHON.match(ln):
            in_colophon = True
            continue
        if in_colophon:
            num = parse_number(ln)
            if not num:
                continue
            in_colophon = False
        if _DATE.match(ln):
            if keep and len(keep[-1]) <= 30 and _ISSUER.search(keep[-1]) and not _PUNCT.search(keep[-1]) \
                    and not parse_number(keep[-1]):
                keep.pop()
            continue
        if _PUBLIC.match(ln):
            continue
        keep.append(ln)
    return keep
