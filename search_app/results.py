"""What the results page shows beyond the engine's answer: hits grouped by document,
the pager, the filter column and the home page. Pure functions of the result dict."""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.facets import FACETS

# 责任单位：… as the clause text states it; the unit tags under the hit say the same
_UNITS_NOTE = re.compile(r"[（(]?\s*(?:<[^>]+>)*(?:牵头|责任|配合)(?:<[^>]+>)*(?:单位|部门)(?:<[^>]+>)*[:：][^）)\n]*[）)]?")


def without_units_note(fragment: str) -> str:
    """The fragment minus its 责任单位 note (only used when the tags show the units)."""
    out = _UNITS_NOTE.sub("", fragment or "").rstrip()
    return out or fragment


@dataclass
class HitGroup:
    """The first hit of a document on this page, with the page's other hits from it."""
    lead: dict
    more: list[dict]


def group_by_document(hits: list[dict]) -> list[HitGroup]:
    """Hits keep their rank; a document's later hits on the page fold under its first."""
    groups: list[HitGroup] = []
    by_doc: dict[str, HitGroup] = {}
    for h in hits:
        g = by_doc.get(h["doc_id"])
        if g is None or h.get("match") != g.lead.get("match"):
            g = by_doc[h["doc_id"]] = HitGroup(h, [])
            groups.append(g)
        else:
            g.more.append(h)
    return groups


@dataclass
class Pager:
    page: int
    pages: int
    size: int
    first_row: int
    last_row: int
    window: list[int]


def pager(result: dict) -> Pager:
    page, pages, size, total = result["page"], result["pages"], result["size"], result["total"]
    lo, hi = max(1, page - 3), min(pages, page + 3)
    first = (page - 1) * size + 1 if total else 0
    return Pager(page, pages, size, first, min(total, page * size), list(range(lo, hi + 1)))


def facet_columns(result: dict) -> list[tuple[str, str, list[dict]]]:
    """(name, label, values) in the declared order, groups without values left out."""
    return [(f.name, f.label, result["facets"].get(f.name) or []) for f in FACETS
            if result["facets"].get(f.name)]


def is_home(args: dict) -> bool:
    """The bare address: nothing asked yet, so the page offers ways in, not all clauses."""
    return not any(v for k, vs in args.items() for v in vs if k != "format")
