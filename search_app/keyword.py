"""Keyword mode: what people type, understood as words, matched and ranked by meaning.

- Words: each unspaced run of typed text is cut into content words
  (analyzers.query_words): question and function words go, each word keeps its
  equivalents from the domain vocabulary and, for a compound, its parts. A word is a
  `Concept`; it matches a clause where the word or an equivalent occurs as a substring
  (so 教育经费 still finds 义务教育经费保障), or where all its parts occur within a few
  characters of each other (集团化办学 finds 集团化、学区化办学), in the clause text or in
  one of its context fields (heading, outline path, title, place, issuer, 文号).
- All words first, then most: clauses holding every word come first; when they are
  fewer than a page, clauses holding at least half of the query's idf weight follow,
  marked partial (minimum-should-match as Lucene/Elasticsearch do it, idf-weighted).
- Ranking (search_app.features, search_app.ranking): BM25F over the words, plus
  proximity and character-pair features computed for the best candidates only. This
  module gives the words' rows and idf weights.
"""
from __future__ import annotations

import math

import numpy as np

from analyzers.normalize import normalize
from search_app import rowsets
from search_app.needle_cache import needle_cache
from search_app.query import And, Concept, Or, Term, positive_terms

FIELD_WEIGHTS = {"heading": 1.0, "path": 0.6, "title": 0.5, "place": 0.4, "issuer": 0.4,
                 "doc_number": 0.4}
PARTS_WINDOW = 8            # characters between one part and the next
PARTS_MAX_OCCURRENCES = 50_000    # a part this common: sorting its positions costs more than closeness tells
# share of the query's idf weight a partial match must hold, by the number of words
# (like Elasticsearch's "5<34% 10%" minimum_should_match): a long pasted question is
# mostly filler, and on the public questions a stricter floor only dropped answers
# that ranked in the top ten (R@10 0.424 at 25% vs 0.437 at 10%)
MIN_SHOULD_MATCH = ((5, 0.34), (10**6, 0.10))


# ---- understanding the query ------------------------------------------------------------
MAX_WORDS = 64              # words of one query (a pasted page would cost seconds)


def understand(node, analyze=None, dropped: list | None = None):
    """The parsed query with every plain typed word turned into Concepts. Quoted
    phrases, field scopes, 同句/同条 and exclusions stay literal; a phrase in Chinese
    quotation marks becomes one Concept, matched as written. A run of nothing but
    question words or punctuation drops out, unless the whole query is nothing else.
    Words past MAX_WORDS are left out; their number is appended to `dropped`."""
    if analyze is None:
        from analyzers.query_words import analyze
    runs = iter(range(1_000_000))
    budget = [MAX_WORDS]
    seen: set[str] = set()                 # a word typed twice is one word

    def walk(n, keep_stops):
        if isinstance(n, Term) and n.field == "text" and n.cjk_quotes:
            return Concept(normalize(n.text), run=next(runs))
        if isinstance(n, Term) and n.field == "text" and not n.quoted:
            run = next(runs)
            words = [Concept(w.text, w.equivalents, w.parts, run)
                     for w in analyze(n.text, keep_stops=keep_stops) if w.text not in seen]
            seen.update(c.word for c in words)
            if len(words) > budget[0]:
                if dropped is not None:
                    dropped.append(len(words) - budget[0])
                words = words[:budget[0]]
            budget[0] -= len(words)
            if not words:
                return None
            return words[0] if len(words) == 1 else And(tuple(words))
        if isinstance(n, (And, Or)):
            items = []
            for item in n.items:
                new = walk(item, keep_stops)
                if new is None:
                    continue
                items.extend(new.items if isinstance(new, And) and not isinstance(item, And)
                             else (new,))
            if not items:
                return None
            return items[0] if len(items) == 1 else type(n)(tuple(items))
        return n                      # Not, Near, quoted or field terms: literal
    if node is None:
        return None
    out = walk(node, keep_stops=False)
    if out is None:
        budget[0] = MAX_WORDS
        seen.clear()
        out = walk(node, keep_stops=True)
    return out


def concepts(node) -> list[Concept]:
    """The positive words that rank and highlight, typed order, once each (the query's
    positive_terms); literal text terms (quoted, 同句/同条) count as words without
    equivalents."""
    return list(dict.fromkeys(
        t if isinstance(t, Concept) else Concept(t.text, run=-1)
        for t in positive_terms(node) if isinstance(t, Concept) or t.field == "text"))


def soft_items(node) -> tuple[list, list]:
    """(words that a partial match may miss, everything that must hold). Only the plain
    words of a top-level AND are optional; OR groups, quotes, scopes and NOT are kept."""
    items = node.items if isinstance(node, And) else (node,)
    soft = [i for i in items if isinstance(i, Concept)]
    return soft, [i for i in items if not isinstance(i, Concept)]


def needles(node) -> list[str]:
    """Every string a highlight marks: the words, their equivalents and parts."""
    out = []
    for c in concepts(node):
        out += [c.word, *(w for w, _ in c.equivalents), *c.parts]
    return out


# ---- matching -----------------------------------------------------------------------------
def _cached(ctx, key, build):
    """A per-needle answer, kept with the snapshot (search_app.needle_cache): it depends
    on the snapshot and the needle alone, and popular words come back query after query."""
    return needle_cache(ctx.snap).get(key, build)


def context_hits(ctx, word: str) -> tuple[np.ndarray, np.ndarray]:
    """(rows, weights): the rows whose context fields hold the word, sorted, each with the
    weighted count of those fields (BM25F tf part). Most words are in no title, path or
    文号; a common one is in many, but never a dense array over every row."""
    def build():
        needle = normalize(word)
        rows, weights = [], []
        for name, field in ctx.snap.context.items():
            values = field.value_hits(needle)
            if len(values):
                found = rows_of_values(ctx.snap, name, values)
                rows.append(found)
                weights.append(np.full(len(found), FIELD_WEIGHTS[name]))
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        if len(rows) == 1:
            order = np.argsort(rows[0], kind="stable")
            return rows[0][order], weights[0][order]
        # summed in field order, as the dense per-field additions always did
        if sum(len(r) for r in rows) * rowsets.DENSE_SHARE > ctx.snap.n:
            table = rowsets.scratch(ctx.snap)
            try:
                for found, w in zip(rows, weights):
                    table[found] += w
                found = rowsets.union(ctx.snap.n, rows)    # through a mask: sorted
                found = found if sum(1 for r in rows if len(r)) > 1 else np.sort(found)
                return found, table[found]
            finally:
                for r in rows:
                    table[r] = 0
        found, inverse = np.unique(np.concatenate(rows), return_inverse=True)
        out = np.zeros(len(found))
        for part, w in zip(np.split(inverse, np.cumsum([len(r) for r in rows])[:-1]), weights):
            np.add.at(out, part, w)
        return found, out
    return _cached(ctx, ("ctx", word), build)


def context_rows(snap) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per context field, its rows grouped by value (rows, offsets: CSR), built once per
    snapshot and kept with it: a word found in a few titles touches their rows only, not
    a gather over every row for each field."""
    def build(snap):
        table = {}
        for name, field in snap.context.items():
            order = np.argsort(field.owner, kind="stable")
            offsets = np.searchsorted(field.owner[order], np.arange(len(field.starts) + 1))
            table[name] = (order, offsets)
        return table
    return snap.derived("context_rows", build)


def rows_of_values(snap, name: str, values: np.ndarray) -> np.ndarray:
    """Rows whose field `name` takes one of the (distinct) value indexes."""
    order, offsets = context_rows(snap)[name]
    lens = offsets[values + 1] - offsets[values]
    begin = np.repeat(offsets[values] - np.cumsum(lens) + lens, lens)
    return order[begin + np.arange(int(lens.sum()))]


def _union(ctx, row_sets) -> np.ndarray:
    return rowsets.union(ctx.snap.n, row_sets)


def word_rows(ctx, word: str) -> np.ndarray:
    def build():
        return _union(ctx, (ctx.text_rows(word)[0], context_hits(ctx, word)[0]))
    return _cached(ctx, ("word", word), build)


def _positions(ctx, needle: str) -> np.ndarray:
    cache = ctx.term_cache             # large and only needed to build parts_rows
    if ("pos", needle) not in cache:
        cache[("pos", needle)] = np.sort(ctx.snap.occurrences(needle))
    return cache[("pos", needle)]


def parts_rows(ctx, parts: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(rows, counts) where every part occurs within PARTS_WINDOW characters of the
    previous one, in either order: the compound written with words between its parts."""
    def build():
        empty = (np.zeros(0, dtype=np.int64),) * 2
        if any(ctx.snap.count(p) > PARTS_MAX_OCCURRENCES for p in parts):
            return empty
        starts = ctx.snap.arrays["starts"]
        anchors = _positions(ctx, parts[0])
        for p in parts[1:]:
            occ = _positions(ctx, p)
            if not len(occ) or not len(anchors):
                return empty
            span = 2 * (PARTS_WINDOW + len(p))           # UTF-16 bytes
            i = np.minimum(np.searchsorted(occ, anchors - span), len(occ) - 1)
            near = (occ[i] <= anchors + span) & (occ[i] >= anchors - span)
            same = np.searchsorted(starts, occ[i], side="right") == \
                np.searchsorted(starts, anchors, side="right")
            anchors = anchors[near & same]
        rows = np.searchsorted(starts, anchors, side="right") - 1
        return np.unique(rows, return_counts=True) if len(rows) else empty
    return _cached(ctx, ("parts", parts), build)


def concept_rows(ctx, c: Concept) -> np.ndarray:
    def build():
        sets = [word_rows(ctx, c.word)] + [word_rows(ctx, w) for w, _ in c.equivalents]
        if c.parts:
            sets.append(parts_rows(ctx, c.parts)[0])
        return sets[0] if len(sets) == 1 else _union(ctx, sets)
    return _cached(ctx, ("concept", c), build)


def _weight_units(ctx, soft: list[Concept]) -> list[tuple[float, np.ndarray]]:
    """(idf weight, rows holding it) for each word; a compound's weight is shared among
    its parts, so a clause with 待遇 alone holds half of 教师待遇."""
    units = []
    for c in soft:
        rows, weight = concept_rows(ctx, c), idf(ctx, c)
        if c.parts:
            units += [(weight / len(c.parts), _union(ctx, (rows, word_rows(ctx, p))))
                      for p in c.parts]
        else:
            units.append((weight, rows))
    return units


def partial_rows(ctx, soft: list[Concept], must: np.ndarray | None,
                 full: np.ndarray) -> np.ndarray:
    """Rows holding at least MIN_SHOULD_MATCH of the idf weight of the words the corpus
    has (or, when no row does, the best share any row holds), minus the full matches."""
    units = _weight_units(ctx, soft)
    # a word no clause holds is left out of the weight: it cannot be matched anyway
    units = [(w, rows) for w, rows in units if len(rows)] if len(units) > 1 else []
    if not units:
        return np.zeros(0, dtype=np.int64)
    n, total = ctx.snap.n, sum(w for w, _ in units)
    need = next(least for most, least in MIN_SHOULD_MATCH if len(units) <= most)
    # MaxScore's split: the lightest words together below the needed share cannot make
    # a partial match alone, so only rows holding one of the others are candidates
    light, weight = 0, 0.0
    for w, _rows in sorted(units, key=lambda u: u[0]):
        if weight + w >= need * total - 1e-9:
            break
        light, weight = light + 1, weight + w
    heavy = sorted(units, key=lambda u: u[0])[light:]
    cand = rowsets.union(n, [rows for _w, rows in heavy])
    if must is not None:
        cand = rowsets.intersect(n, cand, must)
    held = np.zeros(len(cand))
    for w, rows in units:
        held += w * rowsets.member(n, cand, rows)
    share = held / max(total, 1e-9)
    if not len(share) or share.max() < need - 1e-9:
        return _best_share_rows(ctx, units, must, full)     # no row reaches the share
    return rowsets.difference(n, cand[share >= need - 1e-9], full)


def _best_share_rows(ctx, units, must, full) -> np.ndarray:
    """The rows holding the largest share of the words' weight any row holds."""
    n, total = ctx.snap.n, sum(w for w, _ in units)
    held = np.zeros(n)
    for w, rows in units:
        held[rows] += w
    union = np.flatnonzero(held)
    if must is not None:
        union = rowsets.intersect(n, union, must)
    if not len(union):
        return union
    share = held[union] / max(total, 1e-9)
    return rowsets.difference(n, union[share >= share.max() - 1e-9], full)


# ---- weights ------------------------------------------------------------------------------
def _idf(n: int, df: int) -> float:
    """BM25's idf, as Lucene computes it (never negative)."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def idf(ctx, c: Concept) -> float:
    return _idf(max(ctx.snap.n, 1), len(concept_rows(ctx, c)))
