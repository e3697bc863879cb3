"""Responsible units of a document's clauses: who must carry each task out, and who leads.

Chinese plans name them after a task: inline "（责任单位：市教育局、市财政局）", a trailing
line "责任单位：…", "牵头单位：…；配合单位：…", or "（市教育局牵头）". Which unit leads
follows the convention the document states once ("逗号前为牵头单位", "列首位为牵头单位，
下同"), for all its lists wherever it is stated; without one, explicit 牵头 markings make
lead units, and so does being the only unit named.
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


def _split_outside_brackets(text: str, seps: str) -> list[str]:
    """`text` cut at the separators that stand outside brackets: 各县（市、区）政府 is one
    name, its 、 lists the kinds of county-level place, not units."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


# a piece that is only a level word (各区 in 各区、市政府): the places listed share the
# organ named after the last of them, so the list is one collective unit
_LEVEL_ONLY = re.compile(rf"^\s*各?[{_LEVEL_CHARS}](?:、[{_LEVEL_CHARS}])*\s*$")


def _join_level_lists(pieces: list[str]) -> list[str]:
    """各区、市政府 → one piece: 区政府 and 市政府 are not two units here. "各区、市" names the
    districts and county-level cities of the city, and splitting would credit 市政府 — the
    city's own government, a different body — with their tasks."""
    out: list[str] = []
    for piece in pieces:
        if out and _LEVEL_ONLY.match(out[-1]) and piece.strip()[:1] in _LEVEL_CHARS:
            out[-1] = out[-1].strip() + "、" + piece.strip()
        else:
            out.append(piece)
    return out


def _split_names(segment: str) -> list[str]:
    names: list[str] = []
    for raw in _join_level_lists(_split_outside_brackets(segment, "、；;/")):
        # 市委和市政府 → two units; 人力资源和社会保障局 stays one
        parts = re.split(rf"(?<=[局委办府厅院会部])[和及与](?=[{_LEVEL_CHARS}各]|{'|'.join(_BARE)})", raw)
        names.extend(parts)
    out: list[str] = []
    for name in names:
        name = re.sub(r"^\s*由|\s+", "", name)
        name = re.sub(r"等(?:有关|相关)?(?:单位|部门)?$", "", name.strip("。.，,：:；;"))
        if name.count("（") + name.count("(") == name.count("）") + name.count(")"):
            name = re.sub(r"^[（(]([^（()）]*)[)）]$", r"\1", name)     # a wholly bracketed name
        else:
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


_PARTNER_LABELS = ("配合单位", "配合部门", "协办单位", "参与单位", "协同单位")


def _parse_spec(spec: str, convention: str | None) -> tuple[list[str], list[str], list[str]]:
    """(units, leads, principals: the units not named as mere partners) of one
    responsibility statement, names as written."""
    spec = _NOTE.sub("", spec)
    spec = "。".join(s for s in spec.split("。") if not (_convention(s) or _CARRY.search(s)))
    pieces = _ANY_LABEL.split(spec)
    labelled = [("", pieces[0])] + list(zip(pieces[1::2], pieces[2::2]))
    units: list[str] = []
    leads: list[str] = []
    principals: list[str] = []
    first_group: list[str] | None = None
    for label, body in labelled:
        if label and label not in _UNIT_LABELS:
            continue                                      # 完成时限：2020年底
        groups = [g for g in _split_outside_brackets(body, "，,") if g.strip()]
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
                if label not in _PARTNER_LABELS and not (role and role[1] in ("配合", "参与", "协助", "协同")):
                    principals.append(bare)
                group_units.append(bare)
            if first_group is None and group_units:
                first_group = group_units
            units += group_units
    if not leads and units and convention:
        leads = units[:1] if convention == FIRST else list(first_group or [])
    return units, leads, principals


def _outside_specs(text: str, spans: list[tuple[int, int]]) -> str:
    for a, b in reversed(spans):
        text = text[:a] + text[b:]
    return text


def document_convention(clause_texts: list[str]) -> str | None:
    """Which listed unit leads, as ONE document states it: a convention is a statement
    about how the whole document lists its units, wherever the drafter wrote it. Stated
    at item （三） with 下同 ("逗号前为牵头单位，下同") it also explains items （一） and （二），
    which list their units the same way; a bare note ("排在第一位的为牵头单位") states it
    too. First the convention said to carry (下同/后同) or stated outside any
    responsibility statement (the preamble, a note of its own); else the one the
    statements state, when they agree. None when the document states none."""
    carried, local = [], []
    for text in clause_texts:
        spans = find_unit_specs(text)
        outside = _convention(_outside_specs(text, spans))
        if outside:
            carried.append(outside)
        for a, b in spans:
            conv = _convention(text[a:b])
            if conv:
                (carried if _CARRY.search(text[a:b]) else local).append(conv)
    if carried:
        return carried[0]
    return local[0] if local and len(set(local)) == 1 else None


def assign_units(clause_texts: list[str]) -> list[tuple[list[str], list[str]]]:
    """(units, lead_units) for each clause text of ONE document, in document order.

    Decided once all clauses are read: the document's convention (document_convention)
    applies to every clause, before and after the place it is stated; a clause whose own
    statement states another convention follows its own. A clause naming one responsible
    unit besides its partners (配合单位) has that unit as its lead: no one else can lead."""
    convention = document_convention(clause_texts)
    result = []
    for text in clause_texts:
        units: list[str] = []
        leads: list[str] = []
        principals: list[str] = []
        for a, b in find_unit_specs(text):
            spec = text[a:b]
            u, l, p = _parse_spec(spec, _convention(spec) or convention)
            units += u
            leads += l
            principals += p
        units, leads, principals = _dedupe(units), _dedupe(leads), _dedupe(principals)
        if not leads and len(principals) == 1:
            leads = principals
        result.append((units, leads))
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
    s = re.sub(rf"^([{_LEVEL_CHARS}](?:、[{_LEVEL_CHARS}])+)", lambda m: m[1].replace("、", ""), s)
    s = _COLLECTIVE_COUNTY.sub("县区", s)
    s = s.replace("人民政府", "政府")
    aliases = _aliases()
    if s in aliases:
        return aliases[s]
    for i in range(1, len(s)):
        if s[i - 1] in _LEVEL_CHARS and s[i:] in aliases:
            return s[:i] + aliases[s[i:]]
    return s
