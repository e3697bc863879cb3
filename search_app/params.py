"""Search parameters from a URL query string: validated, with friendly Chinese errors."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Mapping

from indexer.facets import FACET_LABELS  # noqa: F401  (re-exported for the pages)
from indexer.facets import BY_NAME, FACET_NAMES, FacetValueError, parse_year as _parse_year

FACET_PARAMS = FACET_NAMES
SORTS = {"relevance": "相关度", "-date": "日期（新→旧）", "date": "日期（旧→新）"}
MODES = {"keyword": "关键词", "exact": "精确"}
DEFAULT_SIZE = 20
MAX_SIZE = 100
EXPORT_CAP = 2000
PAGE_SIZES = (10, 20, 50, 100)          # the 每页条数 choices offered on the page
VERSIONS = {"current": "只看现行版本", "all": "全部版本"}


class QueryError(ValueError):
    """A problem the caller caused; the message is shown to the user (400)."""


@dataclass
class SearchParams:
    q: str = ""
    mode: str = "keyword"
    sort: str = "relevance"
    page: int = 1
    size: int = DEFAULT_SIZE
    versions: str = "current"    # older versions of a work hidden behind the current one
    clamp_page: bool = False     # pages: a page past the end shows the last one (API: 400)
    # facet name → chosen values (indexer.facets declares the facets)
    chosen: dict[str, list[str]] = field(default_factory=dict)

    def __getattr__(self, name: str):
        """params.city, params.stage …: the chosen values of that facet ([] if none)."""
        if name in BY_NAME:
            return self.__dict__.get("chosen", {}).get(name, [])
        raise AttributeError(name)

    def filters(self) -> dict[str, list[str]]:
        return {f: self.chosen[f] for f in FACET_PARAMS if self.chosen.get(f)}

    def year_ranges(self) -> list[tuple[int, int]]:
        return [parse_year(y) for y in self.year]

    @property
    def effective_sort(self) -> str:
        """Browsing without words has no relevance to sort by: newest first."""
        return "-date" if self.sort == "relevance" and not self.q else self.sort

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
            out.extend((f, v) for v in data["chosen"].get(f, ()))
        if data["sort"] != "relevance":
            out.append(("sort", data["sort"]))
        if data["versions"] != "current":
            out.append(("versions", data["versions"]))
        if data["page"] != 1:
            out.append(("page", str(data["page"])))
        if data["size"] != DEFAULT_SIZE:
            out.append(("size", str(data["size"])))
        return out


def parse_year(value: str) -> tuple[int, int]:
    try:
        return _parse_year(value)
    except FacetValueError as exc:
        raise QueryError(str(exc)) from None


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

    known = {"q", "mode", "sort", "page", "size", "format", "versions", "year_from", "year_to",
             *FACET_PARAMS, *allowed_extra}
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
    p.versions = (values("versions") or ["current"])[0] or "current"
    if p.versions not in VERSIONS:
        raise QueryError(f"版本参数“{p.versions}”不存在，可选 current（现行版本）或 all（全部版本）")
    page = (values("page") or ["1"])[0] or "1"
    size = (values("size") or [str(DEFAULT_SIZE)])[0] or str(DEFAULT_SIZE)
    p.page = _int(page, "page", 1)
    p.size = _int(size, "size", 1, max_size)
    for name in FACET_PARAMS:
        chosen = list(dict.fromkeys(v.strip() for v in values(name) if v.strip()))
        try:
            chosen = BY_NAME[name].parse(chosen)
        except FacetValueError as exc:
            raise QueryError(str(exc)) from None
        if chosen:
            p.chosen[name] = chosen
    span = _year_span(values("year_from"), values("year_to"))
    if span:
        p.chosen["year"] = list(dict.fromkeys([*p.chosen.get("year", []), span]))
    return p


def _year_span(lo: list[str], hi: list[str]) -> str:
    """The 年份 从…至… boxes as one range value ("" when both are empty)."""
    lo_s, hi_s = (lo or [""])[0].strip(), (hi or [""])[0].strip()
    if not lo_s and not hi_s:
        return ""
    for v, name in ((lo_s, "起始年份"), (hi_s, "截止年份")):
        if v and not (v.isdigit() and len(v) == 4):
            raise QueryError(f"{name}“{v}”应为四位年份，如 2019")
    # one box alone is open-ended: 2019 起 / 至 2015
    a, b = sorted((int(lo_s or 1900), int(hi_s or 2099)))
    return str(a) if a == b else f"{a}-{b}"
