"""Text in, Document out: cleaning → outline → facts → units → stages. No I/O."""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, replace

from analyzers.stages import classify_stages
from analyzers.targets import extract_targets
from analyzers.units import assign_units
from indexer.cleaning import clean_lines
from indexer.facts import apply_overrides, extract_facts
from indexer.heads import read_head
from indexer.outline import split_clauses
from indexer.records import Clause, Document, clause_id_for, content_hash


_UNIT_NOTE = re.compile(r"[（(]\s*(?:责任单位|牵头单位|责任部门|配合单位)[^）)]*[）)]"
                        r"|^\s*(?:责任单位|牵头单位|责任部门|配合单位)\s*[:：].*$", re.M)


def without_unit_notes(text: str) -> str:
    """Clause text minus its 责任单位 notes: unit names (盘锦职业技术学院) are not evidence of
    what the clause is about."""
    return _UNIT_NOTE.sub("", text)


def doc_id_for(source: str) -> str:
    """Stable across edits of the file: derived from where it lives, not what it says."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]


MAX_CLAUSE_CHARS = 20_000      # the longest real clause in lawrefbook is ~12k characters
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")


def split_long_clauses(raw: list, limit: int = MAX_CLAUSE_CHARS) -> tuple[list, list[str]]:
    """Clauses longer than `limit` split at sentence ends into parts of at most `limit`
    characters (a text with no sentence end is cut at the limit), with a note for each.
    A one-line 30 MB file would otherwise be one clause every hit and page carries whole."""
    out, notes = [], []
    for rc in raw:
        if len(rc.text) <= limit:
            out.append(rc)
            continue
        parts, current = [], ""
        for piece in _SENTENCE_END.split(rc.text):
            while len(piece) > limit:                       # no sentence end for too long
                parts.append(current + piece[:limit - len(current)])
                piece, current = piece[limit - len(current):], ""
            if len(current) + len(piece) > limit:
                parts.append(current)
                current = ""
            current += piece
        if current:
            parts.append(current)
        notes.append(f"条款“{(rc.label + rc.heading)[:20] or rc.text[:12]}”过长（{len(rc.text)} 字），"
                     f"已按句分为 {len(parts)} 段")
        out.append(replace(rc, text=parts[0]))
        out.extend(replace(rc, label="", heading="", text=p) for p in parts[1:])
    return out, notes


def parse_document(text: str, source: str, meta: dict | None = None,
                   digest: str = "") -> Document:
    """Parse one document's text. `source` names the file (relative path), `meta` is the
    sidecar override (NAME.meta.json), `digest` the content hash of the file's bytes."""
    warnings: list[str] = []
    # the head readers take the metadata lines (export header, page box, red head, 文号
    # line) as facts; cleaning and the outline get the body without them
    head = read_head(text)
    lines = clean_lines(head.text)
    facts = extract_facts(head.text, lines, source.rsplit("/", 1)[-1], head=head)
    if meta:
        facts = apply_overrides(facts, meta, warnings)
    raw, notes = split_long_clauses(split_clauses(lines, facts.title))
    warnings.extend(notes)
    doc_id = doc_id_for(source)
    units = assign_units([c.text for c in raw])
    clauses = []
    for seq, (rc, (unit_list, leads)) in enumerate(zip(raw, units), start=1):
        plain = without_unit_notes(rc.text)
        clauses.append(Clause(
            clause_id=clause_id_for(doc_id, seq), seq=seq, kind=rc.kind, label=rc.label,
            heading=rc.heading, path=list(rc.path), text=rc.text,
            units=unit_list, lead_units=leads,
            stages=classify_stages(plain, rc.heading, rc.path, facts.title),
            targets=[asdict(t) for t in extract_targets(plain)],
        ))
    return Document(doc_id=doc_id, source=source, facts=facts, clauses=clauses,
                    content_hash=digest or content_hash(text), warnings=warnings)
