"""The sidecar override (NAME.meta.json): document facts a user states by hand.

A key that is not a fact, or a value of the wrong type or range, is skipped with a
warning; the document keeps its other facts.
"""
from __future__ import annotations

import re
from dataclasses import replace

from analyzers import places
from indexer.heads import STATUSES
from indexer.records import DocFacts
from indexer.validity import LEVELS, level_of, title_status

YEAR_RANGE = (1900, 2100)      # a sidecar year outside it is a typo (99999, 0)
TEXT_FACTS = ("title", "doc_type", "city", "province", "doc_number", "issuer", "index_number",
              "effectiveness_level")
DATE_FACTS = ("date", "effective_date", "expiry")
CHOICE_FACTS = {"status": STATUSES, "level": LEVELS}
KNOWN_FACTS = ("title", "doc_type", "city", "province", "year", "date", "doc_number", "issuer",
               "status", "effective_date", "expiry", "level", "co_issuers", "index_number",
               "effectiveness_level")


def _override_year(value) -> int | None:
    """A year given as 2019 or "2019"; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
        return value
    return None


def apply_overrides(facts: DocFacts, meta: dict, warnings: list[str] | None = None) -> DocFacts:
    """Facts with a sidecar's values on top. A key that is not a fact, or a value of the
    wrong type or range, is skipped with a warning: a bad sidecar field never costs the
    document its other facts.

    A given year or date sets year_rule "meta"; a given title re-derives doc_type and a
    given city re-derives province unless those are given too."""
    from indexer.factparse import doc_type_of, normalize_doc_number, parse_date
    warn = warnings.append if warnings is not None else (lambda _m: None)
    changes = {}
    for key, value in meta.items():
        if key in TEXT_FACTS:
            if isinstance(value, str):
                changes[key] = value.strip()
            else:
                warn(f"元数据字段“{key}”应为文字，收到 {json_type(value)}，已忽略")
        elif key == "year":
            year = _override_year(value)
            if year is None and value not in (None, ""):
                warn(f"元数据字段“year”应为 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间的年份，"
                     f"收到 {value!r:.40}，已忽略")
            else:
                changes["year"] = year
        elif key in DATE_FACTS:
            date = parse_date(value) if isinstance(value, str) else ""
            if value == "" and key != "date":
                changes[key] = ""
            elif not date or _override_year(int(date[:4])) is None:
                warn(f"元数据字段“{key}”应为日期（如 2019-05-30），收到 {value!r:.40}，已忽略")
            else:
                changes[key] = date
        elif key in CHOICE_FACTS:
            allowed = CHOICE_FACTS[key]
            if isinstance(value, str) and value.strip() in allowed + ("",):
                changes[key] = value.strip()
            else:
                warn(f"元数据字段“{key}”应为{'、'.join(allowed)}之一，收到 {value!r:.40}，已忽略")
        elif key == "co_issuers":
            if isinstance(value, str):
                value = [v for v in re.split(r"[、，,；;\s]+", value) if v]
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                changes[key] = [v.strip() for v in value if v.strip()]
            else:
                warn(f"元数据字段“co_issuers”应为机关名称的列表，收到 {json_type(value)}，已忽略")
        else:
            warn(f"元数据中的“{key}”不是可识别的字段（可用：{'、'.join(KNOWN_FACTS)}），已忽略")
    if "date" in changes and "year" not in changes:
        changes["year"] = int(changes["date"][:4])
    if "year" in changes:
        changes["year_rule"] = "meta"
    if "doc_number" in changes:
        changes["doc_number"] = normalize_doc_number(changes["doc_number"]) or changes["doc_number"]
    if "title" in changes and "doc_type" not in changes:
        changes["doc_type"] = doc_type_of(changes["title"])
    if "city" in changes and "province" not in changes:
        changes["province"] = places.province_of(changes["city"])
    merged = replace(facts, **changes)
    if {"city", "province", "issuer"} & changes.keys() and "level" not in changes:
        changes["level"] = level_of(merged.issuer, merged.city, merged.province)
    if "title" in changes and "status" not in changes and title_status(changes["title"]):
        changes["status"] = title_status(changes["title"])
    return replace(facts, **changes)


def json_type(value) -> str:
    return {bool: "真假值", int: "数字", float: "数字", list: "列表", dict: "对象",
            type(None): "null"}.get(type(value), type(value).__name__)
