#!/usr/bin/env python3
"""A corpus N× the size of lawrefbook, made from lawrefbook, for the scale curve (issue 15).

    python scripts/scale_corpus.py SRC DEST --factor N [--seed S]

DEST/x00/ holds the original files (symlinks), DEST/x01 … x{N-1}/ one altered copy of
each: its place names swapped for another province's or city's (data/divisions.tsv),
its years shifted, its 文号 renumbered, and about a third of its articles (第X条) taken
from other documents of the same kind (条例 with 条例, 办法 with 办法 …), the articles then
renumbered 第一条, 第二条 … in order, so every copy parses as a document of its own and
the text is not N identical copies (a suffix array over identical copies would be
unrealistically cheap to search and to compress). Documents without 第X条 keep their body
order and get only the title, place, year and 文号 changes. Same seed, same corpus.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIVISIONS = ROOT / "data" / "divisions.tsv"
SHARE_BORROWED = 0.33          # articles of a copy taken from other documents of its kind
KINDS = ("实施细则", "实施办法", "条例", "办法", "规定", "规则", "细则", "决定", "解释", "批复",
         "意见", "通知", "法")

_DIGITS = "零一二三四五六七八九"
_ARTICLE = re.compile(r"^第[零〇一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?")
_HEADING = re.compile(r"^#|^第[零〇一二三四五六七八九十百千]+[编章节]")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?=年|-\d\d-\d\d|〕|\]|］|）|\))")
_DOCNO = re.compile(r"([〔\[［])(\d{4})([〕\]］])(\d+)号")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五, 1200 → 一千二百 (article numbers)."""
    if n < 10:
        return _DIGITS[n]
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero:
                out += "零"
            out += ("" if (d == 1 and unit == "十" and not out) else _DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


@dataclass
class Doc:
    rel: Path             # path below SRC
    head: list[str]       # title line and the lines up to the body
    body: list[list[str]] # units in order: an article (its lines) or any other block
    kind: str

    def articles(self) -> list[int]:
        return [i for i, u in enumerate(self.body) if _ARTICLE.match(u[0])]


def kind_of(title: str) -> str:
    base = re.sub(r"[（(][^（）()]*[）)]\s*$", "", title.strip("# ").strip())
    return next((k for k in KINDS if base.endswith(k)), "其他")


def split_document(text: str, rel: Path) -> Doc:
    """Head (title … INFO END or the first heading/article) and body units: an article is
    its 第X条 line with the paragraphs that follow it; headings are units of their own."""
    lines = text.splitlines()
    cut = next((i + 1 for i, s in enumerate(lines[:60]) if "INFO END" in s), None)
    if cut is None:
        cut = next((i for i, s in enumerate(lines) if i and (_HEADING.match(s) or
                                                             _ARTICLE.match(s))), len(lines))
    head, body = lines[:cut], []
    for line in lines[cut:]:
        if _ARTICLE.match(line) or _HEADING.match(line) or not body \
                or _HEADING.match(body[-1][0]):
            body.append([line])
        else:
            body[-1].append(line)
    return Doc(rel, head, body, kind_of(head[0] if head else ""))


def load_places(path: Path = DIVISIONS) -> dict[str, list[str]]:
    """Current province and prefecture names by level."""
    out: dict[str, list[str]] = {"province": [], "prefecture": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        f = line.split("\t")
        if len(f) >= 6 and f[2] in out and f[5] == "current":
            out[f[2]].append(f[1])
    return out


def stem(name: str) -> str:
    for suffix in ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "自治州",
                   "地区", "省", "市", "盟"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def place_swaps(title: str, places: dict[str, list[str]], rng: random.Random
                ) -> list[tuple[str, str]]:
    """(old, new) stems to replace: each province/city the title names, for another of the
    same level; a title that names none gets a province prefixed (see `copy_document`)."""
    swaps = []
    for level in ("prefecture", "province"):
        for name in places[level]:
            s = stem(name)
            if s in title and all(s not in old for old, _ in swaps):
                swaps.append((s, stem(rng.choice(places[level]))))
    return swaps


def shift_years(text: str, delta: int) -> str:
    return _YEAR.sub(lambda m: str(min(2025, int(m.group(1)) + delta)), text)


def renumber_docnos(text: str, rng: random.Random) -> str:
    return _DOCNO.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}{rng.randint(1, 300)}号", text)


def renumber_articles(body: list[list[str]]) -> list[list[str]]:
    """第X条 labels 第一条, 第二条 … in the order the units stand."""
    out, n = [], 0
    for unit in body:
        m = _ARTICLE.match(unit[0])
        if m:
            n += 1
            unit = [f"第{chinese_number(n)}条" + unit[0][m.end():]] + unit[1:]
        out.append(unit)
    return out


def copy_document(doc: Doc, pool: list[list[str]], copy: int, places, rng: random.Random
                  ) -> tuple[Path, str]:
    """One altered copy of `doc`: (relative output path, text). `pool`: articles of the
    documents of the same kind."""
    body = [list(u) for u in doc.body]
    for i in doc.articles():
        if pool and rng.random() < SHARE_BORROWED:
            body[i] = list(rng.choice(pool))
    body = renumber_articles(body)
    text = "\n".join(doc.head + [line for unit in body for line in unit]) + "\n"
    title = doc.head[0] if doc.head else ""
    swaps = place_swaps(title, places, rng)
    for old, new in swaps:
        text = text.replace(old, new)
    if not swaps and title.startswith("#"):
        province = rng.choice(places["province"])
        new_title = "# " + province + title.lstrip("# ").replace("中华人民共和国", "")
        text = new_title + text[len(title):]
    text = renumber_docnos(shift_years(text, rng.randint(-8, 3)), rng)
    name = doc.rel.name
    for old, new in swaps:
        name = name.replace(old, new)
    name = shift_years(name, 0)
    rel = Path(f"x{copy:02d}") / doc.rel.parent / f"{Path(name).stem}-{copy}{doc.rel.suffix}"
    return rel, text


def make_corpus(src: Path, dest: Path, factor: int, seed: int = 15) -> int:
    """Write the N× corpus under `dest`; returns the number of files written or linked."""
    src, dest = src.resolve(), Path(dest)
    files = sorted(p for p in src.rglob("*") if p.is_file())
    count = 0
    for p in files:                                   # x00: the original corpus as it is
        link = dest / "x00" / p.relative_to(src)
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            os.symlink(p, link)
        count += 1
    if factor <= 1:
        return count
    places = load_places()
    docs = [split_document(p.read_text(encoding="utf-8", errors="replace"), p.relative_to(src))
            for p in files if p.suffix == ".md"]
    pools: dict[str, list[list[str]]] = {}
    for d in docs:
        pools.setdefault(d.kind, []).extend(d.body[i] for i in d.articles())
    for copy in range(1, factor):
        rng = random.Random(f"{seed}:{copy}")
        for d in docs:
            rel, text = copy_document(d, pools.get(d.kind, []), copy, places, rng)
            out = dest / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
            count += 1
    return count


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--factor", type=int, required=True)
    ap.add_argument("--seed", type=int, default=15)
    args = ap.parse_args(argv)
    if args.dest.exists() and any(args.dest.iterdir()):
        sys.exit(f"{args.dest} is not empty")
    n = make_corpus(args.src, args.dest, args.factor, args.seed)
    print(f"{n} files under {args.dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
