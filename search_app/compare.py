"""对比: two documents' clauses aligned as pairs, and the documents worth comparing.

align_documents is pure (clause records in, rows out):
1. every clause of A is scored against every clause of B cheaply, by the Dice overlap of
   their character-trigram sets (numerals folded to one class, so a changed number still
   overlaps), one sparse matrix product;
2. a best one-to-one assignment over that matrix (Hungarian method,
   scipy.optimize.linear_sum_assignment): each clause is matched at most once, and a
   clause moved elsewhere in B still finds its partner;
3. each assigned pair is diffed token by token (difflib; a run of numerals is ONE token,
   so 2020 → 2025 is a changed number, never a shared "202") and classed 相同 (same
   wording, a few words or numbers changed) or 改写 (rewritten), or split back into
   仅A有 / 仅B有 when too little is shared.
Rows come in A's order; a clause only B has follows the A clause its B predecessor is
paired with.
"""
from __future__ import annotations

import difflib
import html
import time
from dataclasses import dataclass

import numpy as np

from analyzers.normalize import normalize

SAME = 0.85          # diff similarity of a 相同 pair: the same clause, a few edits
REWRITTEN = 0.35     # below this an assigned pair is not the same clause at all
CANDIDATE = 0.2      # trigram Dice an assignment must reach to be diffed
KIND_LABELS = {"same": "相同", "rewritten": "改写", "only_a": "仅A有", "only_b": "仅B有"}

_NUMERALS = frozenset("0123456789零〇○一二三四五六七八九十百千万亿两")
_NUM_PARTS = _NUMERALS | frozenset(".．%％")


def _content(text: str) -> str:
    """Content characters of the normalised text, numerals folded to 0."""
    return "".join("0" if ch in _NUMERALS else ch
                   for ch in normalize(text or "") if ch.isalnum())


def trigram_scores(texts_a: list[str], texts_b: list[str]) -> np.ndarray:
    """Dice overlap of character-trigram sets, |A| × |B| (dense; laws have ≤ ~1,500
    clauses, so the matrix stays a few MB)."""
    from scipy.sparse import csr_matrix
    vocab: dict[str, int] = {}

    def matrix(texts):
        indptr, indices = [0], []
        for t in texts:
            c = _content(t)
            grams = {c[i:i + 3] for i in range(len(c) - 2)} or ({c} if c else set())
            indices.extend(vocab.setdefault(g, len(vocab)) for g in grams)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        return indptr, indices, data

    pa, ia, da = matrix(texts_a)
    pb, ib, db = matrix(texts_b)
    width = max(len(vocab), 1)
    ma = csr_matrix((da, ia, pa), shape=(len(texts_a), width))
    mb = csr_matrix((db, ib, pb), shape=(len(texts_b), width))
    shared = (ma @ mb.T).toarray()
    size_a = np.diff(np.asarray(pa))[:, None]
    size_b = np.diff(np.asarray(pb))[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        dice = np.where(size_a + size_b > 0, 2 * shared / (size_a + size_b), 0.0)
    return dice.astype(np.float32)


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(normalised token, start, end): a run of numerals is one token, any other
    character its own; normalize() is 1:1, so offsets index the original text."""
    norm = normalize(text or "")
    out, i = [], 0
    while i < len(norm):
        j = i + 1
        if norm[i] in _NUMERALS:
            while j < len(norm) and norm[j] in _NUM_PARTS:
                j += 1
            while j > i + 1 and norm[j - 1] not in _NUMERALS:   # 3. ends a sentence
                j -= 1
        out.append((norm[i:j], i, j))
        i = j
    return out


@dataclass
class Diff:
    html_a: str
    html_b: str
    similarity: float          # 2 × shared content chars / (content of A + content of B)
    shared_a: int              # content chars of A found in B
    shared_b: int
    numbers: list[tuple[str, str]]     # changed numbers, A's and B's


def _is_number(tok: str) -> bool:
    return tok[:1] in _NUMERALS


def _key(tok: str) -> str:
    """What a token is compared by: a number by its value (十八 = 18), else itself."""
    if _is_number(tok):
        from indexer.numbering import cn_to_int
        try:
            return "#" + str(cn_to_int(tok))
        except ValueError:
            return tok
    return tok


MIN_SHARED_RUN = 3     # content chars: a shorter equal run between two edits is noise


def _semantic(opcodes, ta) -> list[tuple]:
    """Opcodes with chance matches folded into the edits around them (a lone 的 or 法
    shared between two rewritten phrases reads as noise), adjacent edits merged."""
    out: list[list] = []
    for k, (op, i1, i2, j1, j2) in enumerate(opcodes):
        inner = 0 < k < len(opcodes) - 1
        if op == "equal" and inner and \
                sum(1 for t in ta[i1:i2] for ch in t[0] if ch.isalnum()) < MIN_SHARED_RUN:
            op = "replace"
        if op != "equal" and out and out[-1][0] != "equal":
            out[-1] = ["replace", out[-1][1], i2, out[-1][3], j2]
        else:
            out.append([op, i1, i2, j1, j2])
    return [tuple(o) for o in out]


def diff_clauses(text_a: str, text_b: str) -> Diff:
    """Token diff of two clause texts, escaped, with <del> (only in A) and <ins> (only
    in B); a changed number is <del class="num"> / <ins class="num">."""
    ta, tb = tokens(text_a), tokens(text_b)
    sm = difflib.SequenceMatcher(None, [_key(t[0]) for t in ta], [_key(t[0]) for t in tb],
                                 autojunk=False)
    out_a, out_b, numbers = [], [], []
    shared = 0
    for op, i1, i2, j1, j2 in _semantic(sm.get_opcodes(), ta):
        piece_a = text_a[ta[i1][1]:ta[i2 - 1][2]] if i2 > i1 else ""
        piece_b = text_b[tb[j1][1]:tb[j2 - 1][2]] if j2 > j1 else ""
        if op == "equal":
            shared += sum(1 for ch in piece_a if ch.isalnum())
            out_a.append(html.escape(piece_a))
            out_b.append(html.escape(piece_b))
            continue
        num = op == "replace" and all(_is_number(t[0]) for t in ta[i1:i2]) \
            and all(_is_number(t[0]) for t in tb[j1:j2])
        cls = ' class="num"' if num else ""
        if num:
            numbers.append((piece_a, piece_b))
        if piece_a:
            out_a.append(f"<del{cls}>{html.escape(piece_a)}</del>")
        if piece_b:
            out_b.append(f"<ins{cls}>{html.escape(piece_b)}</ins>")
    len_a = sum(1 for ch in text_a if ch.isalnum())
    len_b = sum(1 for ch in text_b if ch.isalnum())
    similarity = 2 * shared / (len_a + len_b) if len_a + len_b else 1.0
    return Diff("".join(out_a), "".join(out_b), round(similarity, 4), shared, shared, numbers)


def _side(clause: dict, marked: str | None = None) -> dict:
    return {"clause_id": clause["clause_id"], "label": clause.get("label") or "",
            "heading": clause.get("heading") or "", "seq": clause.get("seq"),
            "text": clause.get("text") or "",
            "html": marked if marked is not None else html.escape(clause.get("text") or "")}


def align_documents(clauses_a: list[dict], clauses_b: list[dict]) -> dict:
    """{"rows": [...], "summary": {...}}; rows are {"kind", "a", "b", "score", "numbers"}."""
    from scipy.optimize import linear_sum_assignment
    texts_a = [c.get("text") or "" for c in clauses_a]
    texts_b = [c.get("text") or "" for c in clauses_b]
    pair_of_a: dict[int, tuple[int, Diff]] = {}
    if texts_a and texts_b:
        dice = trigram_scores(texts_a, texts_b)
        rows, cols = linear_sum_assignment(-dice)
        for i, j in zip(rows, cols):
            if dice[i, j] < CANDIDATE:
                continue
            d = diff_clauses(texts_a[i], texts_b[j])
            if d.similarity >= REWRITTEN:
                pair_of_a[int(i)] = (int(j), d)
    paired_b = {j: i for i, (j, _) in pair_of_a.items()}
    # a clause only B has goes after the A clause its nearest paired B predecessor matches
    after: dict[int, list[int]] = {}
    anchor = -1
    for j in range(len(clauses_b)):
        if j in paired_b:
            anchor = paired_b[j]
        else:
            after.setdefault(anchor, []).append(j)
    out = [_only_b(clauses_b[j]) for j in after.get(-1, ())]
    shared_a = shared_b = 0
    counts = dict.fromkeys(KIND_LABELS, 0)
    for i, clause in enumerate(clauses_a):
        if i in pair_of_a:
            j, d = pair_of_a[i]
            kind = "same" if d.similarity >= SAME else "rewritten"
            shared_a += d.shared_a
            shared_b += d.shared_b
            out.append({"kind": kind, "a": _side(clause, d.html_a), "b": _side(clauses_b[j], d.html_b),
                        "score": d.similarity, "numbers": [list(n) for n in d.numbers]})
        else:
            out.append({"kind": "only_a", "a": _side(clause), "b": None, "score": 0.0,
                        "numbers": []})
        out.extend(_only_b(clauses_b[j]) for j in after.get(i, ()))
    for row in out:
        counts[row["kind"]] += 1
        row["kind_label"] = KIND_LABELS[row["kind"]]
    len_a = sum(1 for t in texts_a for ch in t if ch.isalnum())
    len_b = sum(1 for t in texts_b for ch in t if ch.isalnum())
    summary = {
        "a_in_b": round(shared_a / len_a, 4) if len_a else 0.0,
        "b_in_a": round(shared_b / len_b, 4) if len_b else 0.0,
        "counts": counts,
        "clauses_a": len(clauses_a), "clauses_b": len(clauses_b),
        "added": [{"clause_id": r["b"]["clause_id"], "label": r["b"]["label"],
                   "heading": r["b"]["heading"], "text": r["b"]["text"][:80]}
                  for r in out if r["kind"] == "only_b"],
    }
    return {"rows": out, "summary": summary}


def _only_b(clause: dict) -> dict:
    return {"kind": "only_b", "a": None, "b": _side(clause), "score": 0.0, "numbers": []}


# ---- over the index ---------------------------------------------------------------

DOC_SUMMARY = ("doc_id", "title", "source", "doc_type", "city", "province", "year", "date",
               "doc_number", "issuer")


def find_document(engine, ref: str) -> str | None:
    """A document by id, file name (with or without folders and extension) or title;
    several documents of one title: the newest."""
    from analyzers.titles import title_key
    from indexer.factparse import date_ordinal
    ref = (ref or "").strip()
    snap = engine.snapshot()
    if ref in snap.doc_of:
        return ref
    docs = snap.meta["docs"]

    def stem(source: str) -> str:
        name = source.rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[0] if "." in name else name

    key = title_key(ref)
    for test in (lambda d: d["source"] == ref or d["source"].rsplit("/", 1)[-1] == ref,
                 lambda d: stem(d["source"]) == ref,
                 lambda d: (d["title"] or "") == ref,
                 lambda d: bool(key) and title_key(d["title"] or "") == key):
        found = [d for d in docs if test(d)]
        if found:
            return max(found, key=lambda d: (date_ordinal(d["date"], d["year"]), d["doc_id"]))["doc_id"]
    return None


def compare_documents(engine, doc_a: str, doc_b: str) -> dict:
    started = time.perf_counter()
    a, b = engine.document(doc_a), engine.document(doc_b)
    result = align_documents(a["clauses"], b["clauses"])
    return {"a": {k: a.get(k) for k in DOC_SUMMARY}, "b": {k: b.get(k) for k in DOC_SUMMARY},
            **result, "took_ms": round((time.perf_counter() - started) * 1000, 2)}


OFFER_SAMPLE = 16          # clauses of the document that give passages
OFFER_GRAMS = 16           # 4-character passages taken from each
OFFER_MAX_COUNT = 300      # a passage found more often than this is stock phrasing
OFFER_VOTERS = 120         # the rarest passages vote
OFFER_LIMIT = 5


def similar_documents(engine, doc_id: str, limit: int = OFFER_LIMIT) -> list[dict]:
    """Documents sharing the most wording with this one ("与…对比"), cheaply: 4-character
    passages spread over the document are counted in the suffix array (two binary
    searches each); the rarest that also occur elsewhere vote for the documents holding
    them. A few hundred lookups, so bounded whatever the document's size."""
    if not hasattr(engine, "snapshot"):          # an in-memory engine (tests): no index
        return []
    snap = engine.snapshot()
    j = snap.doc_of.get(doc_id)
    if j is None:
        return []
    row_doc = snap.arrays["row_doc"]
    own_rows = np.flatnonzero(row_doc == j)
    if not len(own_rows):
        return []
    grams: dict[str, None] = {}
    for part in np.array_split(own_rows, min(OFFER_SAMPLE, len(own_rows))):
        if not len(part):
            continue
        text = snap.row_text(int(part[np.argmax(snap.arrays["lengths"][part])]))
        step = max(4, len(text) // OFFER_GRAMS)
        for k in range(0, max(0, len(text) - 3), step):
            g = text[k:k + 4]
            if all(ch.isalnum() for ch in g):
                grams.setdefault(g, None)
    counted = sorted((c, g) for g in grams if 1 < (c := snap.count(g)) <= OFFER_MAX_COUNT)
    votes: dict[int, int] = {}
    voters = counted[:OFFER_VOTERS]
    starts = snap.arrays["starts"]
    for _, g in voters:
        rows = np.searchsorted(starts, snap.occurrences(g), side="right") - 1
        for d in np.unique(row_doc[rows]).tolist():
            if d != j:
                votes[d] = votes.get(d, 0) + 1
    best = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    out = []
    for d, v in best:
        doc = snap.meta["docs"][d]
        out.append({"doc_id": doc["doc_id"], "title": doc["title"] or doc["source"],
                    "date": doc["date"] or "", "year": doc["year"], "city": doc["city"],
                    "score": round(v / max(len(voters), 1), 3)})
    return out


def plain_diff(marked: str) -> str:
    """Diff HTML as plain text, wdiff style: [-deleted-] {+inserted+}."""
    import re
    text = re.sub(r"<del[^>]*>", "[-", marked).replace("</del>", "-]")
    text = re.sub(r"<ins[^>]*>", "{+", text).replace("</ins>", "+}")
    return html.unescape(text)


def comparison_text(result: dict) -> str:
    """The CLI's plain-text comparison: summary, then one block per row."""
    a, b, s = result["a"], result["b"], result["summary"]
    c = s["counts"]
    lines = [f"A：{a['title'] or a['source']}（{a['doc_id']}）",
             f"B：{b['title'] or b['source']}（{b['doc_id']}）",
             f"A 的文字见于 B：{s['a_in_b']:.0%}；B 的文字见于 A：{s['b_in_a']:.0%}",
             f"相同 {c['same']} · 改写 {c['rewritten']} · 仅A有 {c['only_a']} · 仅B有 {c['only_b']}"
             f"（用时 {result['took_ms']} 毫秒）", ""]
    for r in result["rows"]:
        head = r["kind_label"] + (f" {r['score']:.0%}" if r["kind"] == "rewritten" else "")
        lines.append(f"== {head}")
        for side, name in ((r["a"], "A"), (r["b"], "B")):
            if side:
                lines.append(f"  {name} {side['label']} {plain_diff(side['html'])}")
    return "\n".join(lines)
