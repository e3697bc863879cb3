"""The Whoosh schema: one Whoosh document per indexed file.

Whoosh is the store of record for what indexing itself needs: which files are indexed
(unique source names, for updates and `--prune`), their content hashes (incremental
indexing) and document ids. The clause records live in the snapshots (indexer.snapshot),
which every query reads; storing them in Whoosh too (one pickled record per clause) was
measured to cost ~40% of the build's CPU and ~150 MB on lawrefbook while no query read
them. A run killed between the Whoosh commit and the snapshot leaves the previous
snapshot serving, and the next run re-reads every file that snapshot does not hold with
the same hash (see indexer.writer.build_index).
"""
from __future__ import annotations

from whoosh import fields


def clause_schema() -> fields.Schema:
    return fields.Schema(
        source=fields.ID(stored=True, unique=True),
        doc_id=fields.ID(stored=True),
        content_hash=fields.ID(stored=True),
        clauses=fields.STORED(),          # how many clauses the file gave (for reports)
    )


def whoosh_fields(source: str, doc_id: str, digest: str, clauses: int) -> dict:
    """One indexed file as the keyword arguments of add_document / update_document."""
    return dict(source=source, doc_id=doc_id, content_hash=digest, clauses=clauses)
