"""Responsible units of a document's clauses: who must carry each task out, and who leads.

Chinese plans name them after a task: inline "（责任单位：市教育局、市财政局）", a trailing
line "责任单位：…", "牵头单位：…；配合单位：…", or "（市教育局牵头）". Which unit leads
follows the convention the document states once ("逗号前为牵头单位", "列首位为牵头单位，
下同"); without one, only explicit 牵头 markings make lead units.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path


ALIASES_TSV = Path(__file__).resolve().parent.parent / "data" / "unit_aliases.tsv"

_LEAD_LABELS = ("牵头单位", "牵头部门", "主责单位", "主责部门")
_UNIT_LABELS = _LEAD_LABELS + ("责任单位", "责任部门", "负责单位", "负责部门", "配合单位", "配合部门",
                               "协办单位", "参与单位", "协同单位", "实施单位", "责任主体")
_LABEL = re.compile(rf"({'|'.join(_UNIT_LABELS)})\s*[:：]")
_ANY_LABEL = re.compile(r"([\u4e00-\u9fff]{2,6}?(?:单位|部门|主体|时限|时间|领导))\s*[:：]")
_OPENERS, _CLOSERS = "（(", "）)"

# conventions: which listed unit leads
FIRST, COMMA = "first", "comma"
_CONV_FIRST = re.compile(r"(?:首位|第一|最前)[^，,。；;）)]{0,6}?(?:为|是)?(?:牵头|主责)")
_CONV_COMMA = re.compile(r"(?:逗号|，|,)之?前[^，,。；;）)]{0,6}?(?:为|是)?(?:牵头|主责)")
_CARRY = re.compile(r"(?:以?下同|后同)")
_NOTE = re.compile(rf"[（(][^（()）]*(?:{_CONV_FIRST.pattern}|{_CONV_COMMA.pattern}|下同)[^（()）]*[)）]")
_LEAD_MARK = re.compile(r"[（(]\s*牵头\s*[)）]")
_ROLE_END = re.compile(r"(牵头负责|牵头|负责|配合|参与|协助|协同|落实)$")

# bare organ words that share the place part of the unit before them: 各县区党委、政府
_BARE = ("人民政府", "政府", "党委", "人大常委会", "人大", "政协", "纪委", "监委", "法院", "检察院", "管委会")
_LEVEL_CHARS = "省市县区州盟旗"
_COLLECTIVE_COUNTY = re.compile(r"^(?:县（市、区）|县（区、市）|县（市）区|县（区）|区（县）|县市区|区县|县区)(?!市场)")


def _convention(text: str) -> str | None:
    if _CONV_COMMA.search(text):
        return COMMA
    if _CONV_FIRST.search(text):
        return FIRST
    return None


def _close(text: str, start: int) -> int:
    """Index just past the bracket closing the one opened before start (end of line if none)."""
    depth = 1
    for i in range(start, len(text)):
        if text[i] in _OPENERS:
            depth += 1
        elif text[i] in _CLOSERS:
            depth -= 1
            if depth == 0:
                return i
        elif text[i] == "\n":
            return i
    return len(text)


def find_unit_specs(text: str) -> list[tuple[int, int]]:
    """Spans of responsibility statements in a clause text: from a unit label to its
    closing bracket (inline) or the end of its line (trailing); also bracketed
    "（市教育局牵头，市财政局配合）" role lists."""
    spans: list[tuple[int, int]] = []
    for m in _LABEL.finditer(text):
        if spans and m.start() < spans[-1][1]:
            continue                                  # a second label inside the same statement
        before = text[:m.start()].rstrip(" \t")
        if before and before[-1] in _OPENERS:
            spans.append((m.start(), _close(text, m.start())))
        else:
            end = text.find("\n", m.start())
            spans.append((m.start(), len(text) if end < 0 else end))
    for m in re.finditer(r"[（(]([^（()）\n]{2,80})[)）]", text):
        if any(a <= m.start() < b for a, b in spans) or "牵头" not in m[1]:
            continue
        parts = [p.strip() for p in re.split(r"[，,；;]", m[1]) if p.strip()]
        if parts and all(_ROLE_END.search(p) for p in parts):
            spans.append((m.start(1), m.end(1)))
    return sorted(spans)


def _split_names(segment: str) -> list[str]:
    names: list[str] = []
    for raw in re.split(r"[、；;/]", segment):
        # 市委和市政府 → two units; 人力资源和社会保障局 stays one
        parts = re.split(rf"(?<=[局委办府厅院会部])[和及与](?=[{_LEVEL_CHARS}各]|{'|'.join(_BARE)})", raw)
        names.extend(parts)
    out: list[str] = []
    for name in names:
        name = re.sub(r"^\s*由|\s+", "", name)
        name = re.sub(r"等(?:有关|相关)?(?:单位|部门)?$", "", name.strip("。.，,：:；;"))
        name = name.strip("（()）")
        if not name or "牵头单位" in name or "下同" in name or len(name) > 30:
            continue
        if name.endswith("党委政府") and len(name) > 4:
            out += [name[:-2], name[:-4] + "政府"]
            continue
        if name in _BARE and out:
            prev = out[-1]
            ending = max((e for e in _BARE + ("委",) if prev.endswith(e)), key=len, default="")
            if ending:
                name = prev[:-len(ending)] + name
        out.append(name)
    return out


def _parse_spec(spec: str, convention: str | None) -> tuple[list[str], list[str]]:
    """(units, leads) of one responsibility statement, names as written."""
    spec = _NOTE.sub("", spec)
    spec = "。".join(s for s in spec.split("。") if not (_convention(s) or _CARRY.search(s)))
    pieces = _ANY_LABEL.split(spec)
    labelled = [("", pieces[0])] + list(zip(pieces[1::2], pieces[2::2]))
    units: list[str] = []
    leads: list[str] = []
    first_group: list[str] | None = None
    for label, body in labelled:
        if label and label not in _UNIT_LABELS:
            continue                                      # 完成时限：2020年底
        groups = [g for g in re.split(r"[，,]", body) if g.strip()]
        for g in groups:
            names = _split_names(_LEAD_MARK.sub("牵头", g))
            group_units = []
            for name in names:
                role = _ROLE_END.search(name)
                bare = name[:role.start()] if role else name
                if not bare:
                    continue
                if label in _LEAD_LABELS or (role and role[1].startswith("牵头")):
                    leads.append(bare)
                group_units.append(bare)
            if first_group is None and group_units:
                first_group = group_units
            units += group_units
    if not leads and units and convention:
        leads = units[:1] if convention == FIRST else list(first_group or [])
    return units, leads


def assign_units(clause_texts: list[str]) -> list[tuple[list[str], list[str]]]:
    """(units, lead_units) for each clause text of ONE document, in document order.

    A convention stated outside any responsibility statement (e.g. in the preamble) holds
    for all later clauses; one stated inside a statement holds for that clause and, with
    下同, for the clauses after it."""
    carried: str | None = None
    result = []
    for text in clause_texts:
        spans = find_unit_specs(text)
        outside = text
        for a, b in reversed(spans):
            outside = outside[:a] + outside[b:]
        carried = _convention(outside) or carried
        units: list[str] = []
        leads: list[str] = []
        for a, b in spans:
            spec = text[a:b]
            local = _convention(spec)
            if local and _CARRY.search(spec):
                carried = local
            u, l = _parse_spec(spec, local or carried)
            units += u
            leads += l
        result.append((_dedupe(units), _dedupe(leads)))
    return result


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for n in names:
        canon = normalize_unit(n)
        if canon:
            seen.setdefault(canon)
    return list(seen)


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    table = {}
    with open(ALIASES_TSV, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            alias, _, canonical = line.rstrip("\n").partition("\t")
            if canonical.strip():
                table[alias.strip()] = canonical.strip()
    return table


def normalize_unit(name: str) -> str:
    """One name per body: 市人社局 → 市人力资源社会保障局, 各县（区）人民政府 → 县区政府."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).replace("(", "（").replace(")", "）").strip("。，,；;：:")
    s = re.sub(r"^中共", "", s)
    s = re.sub(r"^各(?=[^级地类])", "", s)
    s = _COLLECTIVE_COUNTY.sub("县区", s)
    s = s.replace("人民政府", "政府")
    aliases = _aliases()
    if s in aliases:
        return aliases[s]
    for i in range(1, len(s)):
        if s[i - 1] in _LEVEL_CHARS and s[i:] in aliases:
            return s[:i] + aliases[s[i:]]
    return s
