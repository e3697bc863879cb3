"""The Whoosh schema: one Whoosh document per clause.

Text fields are cut by jieba with ordinal positions (phrase and proximity queries work,
BM25F weights heading and title above body). Facet fields are indexed IDs/keywords with
columns, so filters and sorting do not touch stored records. The whole clause record is
stored once, in `record`, and is what hits show.
"""
from __future__ import annotations

from whoosh import fields

from analyzers.tokenizer import policy_analyzer


def clause_schema() -> fields.Schema:
    analyzer = policy_analyzer()
    return fields.Schema(
        clause_id=fields.ID(stored=True, unique=True),
        doc_id=fields.ID(stored=True),
        source=fields.ID(stored=True),
        content_hash=fields.ID(stored=True),
        body=fields.TEXT(analyzer=analyzer, phrase=True),
        heading=fields.TEXT(analyzer=analyzer, phrase=True, field_boost=2.0),
        title=fields.TEXT(analyzer=analyzer, phrase=True, field_boost=1.5),
        city=fields.ID(sortable=True),
        province=fields.ID(sortable=True),
        doc_type=fields.ID(sortable=True),
        year=fields.NUMERIC(int, bits=16, signed=False, sortable=True),
        date=fields.ID(sortable=True),
        seq=fields.NUMERIC(int, bits=32, signed=False, sortable=True),
        stage=fields.KEYWORD(commas=True),
        unit=fields.KEYWORD(commas=True),
        lead_unit=fields.KEYWORD(commas=True),
        record=fields.STORED(),
    )


def whoosh_fields(rec: dict) -> dict:
    """A clause record (the JSONL fields) as the keyword arguments of add_document."""
    return dict(
        clause_id=rec["clause_id"],
        doc_id=rec["doc_id"],
        source=rec["source"],
        content_hash=rec.get("content_hash", ""),
        body=rec["text"],
        heading=rec["heading"],
        title=rec["title"],
        city=rec["city"] or "",
        province=rec["province"] or "",
        doc_type=rec["doc_type"] or "",
        year=rec["year"] or 0,
        date=rec["date"] or "",
        seq=rec["seq"],
        stage=",".join(rec["stages"]),
        unit=",".join(u.replace(",", " ") for u in rec["units"]),
        lead_unit=",".join(u.replace(",", " ") for u in rec["lead_units"]),
        record=rec,
    )
