"""Title keys: one spelling for the titles that name the same work.

A law is cited as 《中华人民共和国教育法》, 《教育法》 or 《教育法（2021年修正）》, and the
same regulation is published in several versions under one title. Citations resolve by
this key and versions group by it, so both agree on what "the same title" means.
"""
from __future__ import annotations

import re

from analyzers.normalize import normalize

# （2018年修订） （2021年修正本） （试行） （草案） （征求意见稿） (2017-09-01) …: notes on a
# version or a stage of the text, not part of the work's name
_VERSION_NOTE = re.compile(
    r"[（(]\s*(?:\d{4}\s*年?\s*(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*日)?)?\s*(?:修订|修正|修改|第.次修正)?本?"
    r"|\d{4}-\d{1,2}-\d{1,2}|(?:\d{4}年)?(?:修订|修正|修改)(?:本|版)?|试行|暂行|草案|征求意见稿|送审稿"
    r"|(?:\d{4}年)?(?:修订|修正)草案)\s*[）)]")
_NATIONAL_PREFIX = "中华人民共和国"
_BRACKETS = str.maketrans("", "", "《》〈〉<>“”\"'‘’ \u3000")


def title_key(title: str) -> str:
    """The comparable form of a title: version notes, the 中华人民共和国 prefix, book-title
    marks, quotes and spaces removed, full-width folded."""
    # 宪法修正案（1988年）: the year names which amendment, not a version of one text
    t = _VERSION_NOTE.sub(lambda m: m.group(0) if m.string[:m.start()].rstrip().endswith("修正案")
                          else "", title or "")
    t = normalize(t).translate(_BRACKETS).strip()
    if t.startswith(_NATIONAL_PREFIX) and len(t) > len(_NATIONAL_PREFIX) + 1:
        t = t[len(_NATIONAL_PREFIX):]
    return t


def version_note(title: str) -> str:
    """The version note a title carries (（2018年修订）), '' if none."""
    m = _VERSION_NOTE.search(title or "")
    return m.group(0) if m else ""
