"""The records everything else is built on: a parsed document and its clauses.

Field names here are the product's vocabulary: the JSONL of `policy-search parse`,
the index schema and the JSON API all use them unchanged.
"""
from __future__ import annotations

import hashlib

from dataclasses import dataclass, field, fields

# Facets (what users filter and count on) are declared in indexer.facets.

# Clause kinds
CLAUSE = "clause"          # a numbered item of the body, or a lead-in paragraph
COVER = "cover"            # the 印发通知 cover letter in front of the policy text
ANNOTATION = "annotation"  # 注释①, 名词解释 entries


def clause_id_for(doc_id: str, seq: int) -> str:
    """A clause's id: its document's and its place in it (6a121290badf-0001). The
    snapshot stores no ids: it makes them from each row's document and seq."""
    return f"{doc_id}-{seq:04d}"


def split_clause_id(clause_id: str) -> tuple[str, int] | None:
    """(doc_id, seq) of a clause id, None when it is not one."""
    doc_id, _, seq = clause_id.rpartition("-")
    return (doc_id, int(seq)) if doc_id and seq.isascii() and seq.isdigit() else None


@dataclass
class RawClause:
    """What the outline parser yields: structure only, no document facts."""
    label: str                 # （九）, 3., 第十二条, 注释① ; "" for a lead-in paragraph
    heading: str               # the item's short title sentence, "" if none
    path: list[str]            # ancestor headings, outermost first
    text: str                  # the clause's full text, original wording, may hold \n
    kind: str = CLAUSE


@dataclass
class DocFacts:
    title: str = ""
    doc_type: str = ""         # 实施方案, 行动计划, 通知, 意见, 条例, 办法 …
    city: str = ""             # as written: 宁安市, 张家口市, 某某区
    province: str = ""
    year: int | None = None
    year_rule: str = ""        # which rule decided: date, doc_number, title, meta
    date: str = ""             # ISO yyyy-mm-dd when stated
    doc_number: str = ""       # 文号, normalised to 〔YYYY〕; 令 numbers as 教育部令第13号
    issuer: str = ""           # the lead (first) issuing body
    # validity and standing (indexer.heads, indexer.validity)
    status: str = ""           # 现行有效 / 已废止 / 已修改 / 征求意见稿 / 失效 / 尚未生效; "" unknown
    effective_date: str = ""   # ISO 实施日期/施行日期
    expiry: str = ""           # ISO end of 有效期
    level: str = ""            # 国家 / 省 / 市 / 县区
    co_issuers: list[str] = field(default_factory=list)   # 联合发文: the bodies after the lead
    index_number: str = ""     # 索引号 of a gov page
    effectiveness_level: str = ""   # 效力级别 as an export states it (部门规章 …)


@dataclass
class Clause:
    clause_id: str
    seq: int
    kind: str
    label: str
    heading: str
    path: list[str]
    text: str
    units: list[str] = field(default_factory=list)       # normalised, document order
    lead_units: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    # quantitative targets stated in the clause (analyzers.targets.Target as dicts)
    targets: list[dict] = field(default_factory=list)


@dataclass
class Document:
    doc_id: str
    source: str
    facts: DocFacts
    clauses: list[Clause]
    content_hash: str = ""
    warnings: list[str] = field(default_factory=list)

    def clause_records(self) -> list[dict]:
        """Flat clause records: document facts repeated on each clause (JSONL / index rows).
        What dataclasses.asdict gives (lists and dicts copied), without its recursive
        walk, which cost 5% of a build: the fields hold only scalars, lists of strings and
        the targets' flat dicts."""
        doc = {"source": self.source, "doc_id": self.doc_id, **_flat(self.facts)}
        return [{**doc, **_flat(c)} for c in self.clauses]


def _flat(obj) -> dict:
    out = {}
    for name in _field_names(type(obj)):
        v = getattr(obj, name)
        if isinstance(v, list):
            v = [dict(x) if isinstance(x, dict) else x for x in v]
        elif isinstance(v, dict):
            v = dict(v)
        out[name] = v
    return out


_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def content_hash(data: bytes | str) -> str:
    """SHA-1 of a file's bytes (or text), its identity for incremental indexing."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha1(data).hexdigest()
