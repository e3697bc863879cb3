"""The Whoosh schema: one Whoosh document per clause.

Whoosh is the store of record: clause ids (unique, for updates), source files and their
content hashes (incremental indexing), facet fields, and the whole clause record, from
which each generation's snapshot is written. Text is not tokenised here: every query
reads the snapshot (indexer.snapshot), whose suffix array answers both exact substrings
and keyword-mode words; jieba-cut text fields were measured to cost a third of the
build and half the index while no query read them.
"""
from __future__ import annotations

from whoosh import fields


def clause_schema() -> fields.Schema:
    return fields.Schema(
        clause_id=fields.ID(stored=True, unique=True),
        doc_id=fields.ID(stored=True),
        source=fields.ID(stored=True),
        content_hash=fields.ID(stored=True),
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
        city=rec["city"] or "",
        province=rec["province"] or "",
        doc_type=rec["doc_type"] or "",
        year=rec["year"] if isinstance(rec["year"], int) and 0 < rec["year"] < 1 << 16 else 0,
        date=rec["date"] or "",
        seq=rec["seq"],
        stage=",".join(rec["stages"]),
        unit=",".join(u.replace(",", " ") for u in rec["units"]),
        lead_unit=",".join(u.replace(",", " ") for u in rec["lead_units"]),
        record=rec,
    )
