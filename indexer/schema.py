"""The Whoosh schema: one Whoosh document per clause.

Whoosh is the store of record: clause ids (unique, for updates), source files and their
content hashes (incremental indexing) and the whole clause record, from
which each generation's snapshot is written. Text is not tokenised here: every query
reads the snapshot (indexer.snapshot), whose suffix array answers both exact substrings
and keyword-mode words; jieba-cut text fields were measured to cost a third of the
build and half the index while no query read them.
"""
from __future__ import annotations

from whoosh import fields


def clause_schema() -> fields.Schema:
    # Only what indexing itself reads: ids to replace a file's clauses, hashes to skip
    # unchanged files, and the record the snapshot is written from. Facets live in the
    # snapshot (indexer.facets); sortable Whoosh columns for them were read by no query.
    return fields.Schema(
        clause_id=fields.ID(stored=True, unique=True),
        doc_id=fields.ID(stored=True),
        source=fields.ID(stored=True),
        content_hash=fields.ID(stored=True),
        record=fields.STORED(),
    )


def whoosh_fields(rec: dict) -> dict:
    """A clause record (the JSONL fields) as the keyword arguments of add_document."""
    return dict(
        clause_id=rec["clause_id"],
        doc_id=rec["doc_id"],
        source=rec["source"],
        content_hash=rec.get("content_hash", ""),
        record=rec,
    )
