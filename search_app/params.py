"""Search parameters from a URL query string: validated, with friendly Chinese errors."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Mapping

from indexer.records import FACETS

FACET_PARAMS = FACETS
FACET_LABELS = {"city": "城市", "province": "省份", "year": "年份", "stage": "学段",
                "unit": "责任单位", "lead_unit": "牵头单位", "doc_type": "文种"}
SORTS = {"relevance": "相关度", "-date": "日期（新→旧）", "date": "日期（旧→新）"}
MODES = {"keyword": "关键词", "exact": "精确"}
DEFAULT_SIZE = 20
MAX_SIZE = 100
EXPORT_CAP = 2000
_YEAR = re.compile(r"^\s*(\d{4})\s*(?:[-–—~至到]\s*(\d{4})\s*)?$")


class QueryError(ValueError):
    """A problem the caller caused; the message is shown to the user (400)."""


@dataclass
class SearchParams:
    q: str = ""
    mode: str = "keyword"
    city: list[str] = field(default_factory=list)
    province: list[str] = field(default_factory=list)
    year: list[str] = field(default_factory=list)
    stage: list[str] = field(default_factory=list)
    unit: list[str] = field(default_factory=list)
    lead_unit: list[str] = field(default_factory=list)
    doc_type: list[str] = field(default_factory=list)
    sort: str = "relevance"
    page: int = 1
    size: int = DEFAULT_SIZE

    def filters(self) -> dict[str, list[str]]:
        return {f: getattr(self, f) for f in FACET_PARAMS if getattr(self, f)}

    def year_ranges(self) -> list[tuple[int, int]]:
        return [parse_year(y) for y in self.year]

    def to_args(self, **changes) -> list[tuple[str, str]]:
        """URL parameters of these params (with changes), defaults left out."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update(changes)
        out: list[tuple[str, str]] = []
        if data["q"]:
            out.append(("q", data["q"]))
        if data["mode"] != "keyword":
            out.append(("mode", data["mode"]))
        for f in FACET_PARAMS:
            out.extend((f, v) for v in data[f])
        if data["sort"] != "relevance":
            out.append(("sort", data["sort"]))
        if data["page"] != 1:
            out.append(("page", str(data["page"])))
        if data["size"] != DEFAULT_SIZE:
            out.append(("size", str(data["size"])))
        return out


def parse_year(value: str) -> tuple[int, int]:
    m = _YEAR.match(value or "")
    if not m:
        raise QueryError(f"年份“{value}”格式不对，请写成 2019 或 2015-2020")
    lo = int(m.group(1))
    hi = int(m.group(2) or lo)
    return (lo, hi) if lo <= hi else (hi, lo)


def _int(value: str, name: str, lo: int, hi: int | None = None) -> int:
    try:
        n = int(str(value).strip())
    except ValueError:
        raise QueryError(f"参数 {name} 应为整数，收到“{value}”") from None
    if n < lo or (hi is not None and n > hi):
        rng = f"{lo}–{hi}" if hi is not None else f"不小于 {lo}"
        raise QueryError(f"参数 {name} 超出范围（{rng}）：{n}")
    return n


def parse_search_params(args: Mapping[str, list[str]] | Mapping[str, str], *,
                        max_size: int = MAX_SIZE, allowed_extra=()) -> SearchParams:
    """From request.args.to_dict(flat=False) (or a plain dict). Unknown names are errors,
    except those in `allowed_extra` (parameters the caller handles itself)."""
    def values(name):
        v = args.get(name, [])
        return [v] if isinstance(v, str) else list(v)

    known = {"q", "mode", "sort", "page", "size", "format", *FACET_PARAMS, *allowed_extra}
    unknown = sorted(k for k in args if k not in known)
    if unknown:
        raise QueryError("未知的参数或筛选条件：" + "、".join(unknown))
    p = SearchParams()
    p.q = (values("q") or [""])[0].strip()
    p.mode = (values("mode") or ["keyword"])[0] or "keyword"
    if p.mode not in MODES:
        raise QueryError(f"检索方式“{p.mode}”不存在，可选 keyword（关键词）或 exact（精确）")
    p.sort = (values("sort") or ["relevance"])[0] or "relevance"
    if p.sort not in SORTS:
        raise QueryError(f"排序方式“{p.sort}”不存在，可选 relevance、-date（新→旧）、date（旧→新）")
    page = (values("page") or ["1"])[0] or "1"
    size = (values("size") or [str(DEFAULT_SIZE)])[0] or str(DEFAULT_SIZE)
    p.page = _int(page, "page", 1)
    p.size = _int(size, "size", 1, max_size)
    for f in FACET_PARAMS:
        setattr(p, f, [v.strip() for v in values(f) if v.strip()])
    p.year_ranges()  # validate
    return p
