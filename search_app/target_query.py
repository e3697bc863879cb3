"""指标对比: the quantitative targets of the clauses a search selects, one row each.

Targets are extracted at index time (analyzers.targets) and kept in the snapshot's meta
as compact rows; a request filters them by the search's clauses (filters, and `q` in
keyword mode) and by indicator, and counts them per indicator (the facet of the page).
"""
from __future__ import annotations

import numpy as np

from search_app.params import SearchParams

FIELDS = ("row", "indicator_key", "indicator", "comparator", "value", "unit", "year", "scope",
          "span")
ORDERS = {"year": "按期限", "value": "按目标值", "city": "按城市"}


FAMILY = "·"                # 班额·小学: indicator 班额, qualified by stage


def _family_name(key: str, indicator_name, tally: dict) -> str:
    """A family that groups several qualified keys says so: 班额（各学段）."""
    qualified = any(k.startswith(key + FAMILY) for k in tally)
    return indicator_name(key) + ("（各学段）" if qualified and FAMILY not in key else "")


def display_value(comparator: str, value: float, unit: str) -> str:
    """≥ 90%, ≤ 45 人, = 1:12.5: how the page and the CSV write a target."""
    number = f"{value:g}"
    if unit == "1:":
        body = f"1:{number}"
    elif unit == ":1":
        body = f"{number}:1"
    else:
        body = f"{number}{'' if unit in ('%', '‰', '') else ' '}{unit}"
    return f"{comparator} {body}"


def target_table(engine, params: SearchParams, indicator: str = "",
                 order: str = "year") -> dict:
    from analyzers.targets import indicator_name
    from search_app.evaluate import QueryContext

    snap = engine.snapshot()
    ctx = QueryContext(snap)
    allowed = ctx.filter_mask(params) if params.filters() else np.ones(snap.n, dtype=bool)
    if params.q:
        node, _ = engine._understand(params)
        if node is not None:
            rows = ctx.evaluate(node)
            if not len(rows) and params.mode == "keyword":
                rows = ctx.partial(node, rows)
            hit = np.zeros(snap.n, dtype=bool)
            hit[rows] = True
            allowed &= hit
    docs, row_doc = snap.meta["docs"], snap.arrays["row_doc"]
    chosen = [t for t in snap.meta.get("targets", []) if allowed[t[0]]]
    # a stage-qualified key (班额·小学) also counts for its family (班额): a drafter
    # compares class sizes across stages as often as within one
    counts: dict[str, set] = {}
    tally: dict[str, int] = {}
    for t in chosen:
        city = docs[row_doc[t[0]]]["city"] or "全国"
        for k in dict.fromkeys((t[1], t[1].split(FAMILY, 1)[0])):
            counts.setdefault(k, set()).add(city)
            tally[k] = tally.get(k, 0) + 1
    indicators = sorted(({"key": k, "name": _family_name(k, indicator_name, tally),
                          "count": n, "cities": len(counts[k])} for k, n in tally.items()),
                        key=lambda f: (-f["cities"], -f["count"], f["key"]))
    # an indicator that is no key is a search among indicator names (入学率, 班额 …)
    exact = not indicator or indicator in tally
    out_rows = []
    for t in chosen:
        if indicator and exact and t[1] != indicator and not t[1].startswith(indicator + FAMILY):
            continue
        if indicator and not exact and indicator not in t[1] and indicator not in t[2]:
            continue
        item = dict(zip(FIELDS, t))
        row = item.pop("row")
        doc = docs[row_doc[row]]
        item.update(clause_id=snap.clause_id(row), doc_id=doc["doc_id"],
                    title=doc["title"], city=doc["city"] or "", province=doc["province"] or "",
                    doc_number=doc["doc_number"] or "", doc_year=doc["year"],
                    target=display_value(item["comparator"], item["value"], item["unit"]))
        out_rows.append(item)
    key = {"year": lambda r: (r["year"] or 9999, r["city"], -r["value"]),
           "value": lambda r: (-r["value"], r["year"] or 9999, r["city"]),
           "city": lambda r: (r["province"], r["city"], r["year"] or 9999)}[order]
    out_rows.sort(key=key)
    return {"q": params.q, "mode": params.mode, "filters": params.filters(),
            "indicator": indicator,
            "indicator_name": (_family_name(indicator, indicator_name, tally) if exact
                               else f"名称含“{indicator}”的指标") if indicator else "",
            "order": order, "total": len(out_rows), "rows": out_rows,
            "indicators": indicators}
