"""Check the outline parser against the laws of lawrefbook (Markdown, 第X章/第X条).

    python scripts/check_lawrefbook.py /work/shared/bench/lawrefbook

For every .md law: (1) split_clauses raises nothing; (2) the clauses labelled 第X条 are
exactly the law's articles, in order, as found independently by a plain regex over the
paragraphs after the header block; (3) every article's path ends with its 章/节 when the
law has chapters. Articles whose numbers are not consecutive in the source itself are
reported separately (a source defect, not a parser one). Exits 1 on any error or mismatch.
"""
from __future__ import annotations

import re
import sys
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.cleaning import clean_lines  # noqa: E402
from indexer.loaders import read_document  # noqa: E402
from indexer.numbering import CN_NUM, cn_to_int  # noqa: E402
from indexer.pipeline import parse_document  # noqa: E402

# independent of the parser: a paragraph starting "第…条" + whitespace is an article
# ("第七十五 条体育…": a misplaced space in the source still makes an article)
_ARTICLE = re.compile(rf"^第({CN_NUM}+)(?:[ \u3000]条|条(?:之({CN_NUM}+))?[ \u3000])")
_DIVISION = re.compile(rf"^(第{CN_NUM}+(?:分编|编|章|节))(?![的第、，,规中所])")
_MD_HEADING = re.compile(r"^#+\s*(\S*)")
_LABEL = re.compile(rf"^第({CN_NUM}+)条(?:之({CN_NUM}+))?$")


def read_lines(path: Path) -> tuple[str, list[str]]:
    """The file as the indexer reads it: (text, cleaned paragraphs)."""
    text = read_document(path)
    return text, clean_lines(text)


def expected_articles(lines: list[str]) -> tuple[list[str], list[str]]:
    """(article labels in order, the innermost heading each stands under: 第三章, 第二节,
    or the first word of a Markdown heading such as "## 附则")."""
    if "<!-- INFO END -->" in lines:
        lines = lines[lines.index("<!-- INFO END -->") + 1:]
    labels, division = [], []
    current = ""
    for ln in lines:
        md = _MD_HEADING.match(ln)
        text = ln.lstrip("#").strip()
        m = _DIVISION.match(text)
        if m and len(text) < 60 and "。" not in text[:-1]:
            current = m.group(1)
            continue
        if md:
            current = md.group(1)
            continue
        m = _ARTICLE.match(ln)
        if m:
            labels.append(f"第{m.group(1)}条" + (f"之{m.group(2)}" if m.group(2) else ""))
            division.append(current)
    return labels, division


def article_key(label: str) -> tuple[int, int]:
    m = _LABEL.match(label)
    return cn_to_int(m.group(1)), cn_to_int(m.group(2)) if m.group(2) else 0


def consecutive(labels: list[str]) -> str:
    """"" if the numbers run 1, 2, 3 … (之一 amendments allowed), else the first break."""
    prev = (0, 0)
    for label in labels:
        n, sub = article_key(label)
        ok = (n == prev[0] + 1 and sub == 0) or (n == prev[0] and sub == prev[1] + 1)
        if not ok:
            return f"{label} after {prev[0]}" + (f"之{prev[1]}" if prev[1] else "")
        prev = (n, sub)
    return ""


def first_difference(found: list[str], expected: list[str]) -> str:
    for i, (a, b) in enumerate(zip(found, expected)):
        if a != b:
            return f"#{i}: parser {a} / source {b}"
    if len(found) != len(expected):
        i = min(len(found), len(expected))
        extra = found[i:] or expected[i:]
        who = "parser" if len(found) > len(expected) else "source"
        return f"#{i}: only in {who}: {extra[0]} (+{len(extra) - 1})"
    return ""


def check_file(path: Path) -> dict:
    try:
        text, lines = read_lines(path)
    except Exception as exc:  # noqa: BLE001 — a report, not a crash
        return {"expected": 0, "found": 0, "error": f"{type(exc).__name__}: {exc}",
                "mismatch": "", "nonconsec": "", "path_issue": ""}
    expected, division = expected_articles(lines)
    res = {"expected": len(expected), "found": 0, "error": "", "mismatch": "", "nonconsec": "",
           "path_issue": ""}
    try:
        clauses = parse_document(text, path.name).clauses   # the whole pipeline
    except Exception as exc:  # noqa: BLE001 — a report, not a crash
        res["error"] = f"{type(exc).__name__}: {exc}"
        return res
    articles = [c for c in clauses if _LABEL.match(c.label)]
    found = [c.label for c in articles]
    res["found"] = len(found)
    res["mismatch"] = first_difference(found, expected)
    if expected:
        res["nonconsec"] = consecutive(expected)
    if not res["mismatch"]:
        for c, want in zip(articles, division):
            # the article stands under its heading; a grouping title between them
            # ("四、关于质押部分的解释" › "（一）动产质押") is allowed
            if want and not any(re.sub(r"\s", "", p).startswith(want) for p in c.path):
                res["path_issue"] = f"{c.label} path {c.path} (want …{want})"
                break
    return res


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    root = Path(argv[1])
    files = sorted(root.rglob("*.md"))
    t0 = time.time()
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        results = dict(zip(files, pool.map(check_file, files, chunksize=16)))
    errors = {f: r for f, r in results.items() if r["error"]}
    mismatches = {f: r for f, r in results.items() if r["mismatch"] and not r["error"]}
    path_issues = {f: r for f, r in results.items() if r["path_issue"]}
    nonconsec = {f: r for f, r in results.items() if r["nonconsec"]}

    def rel(f: Path) -> str:
        return str(f.relative_to(root))

    for title, group, key in (("PARSER ERRORS", errors, "error"), ("MISMATCHES", mismatches, "mismatch"),
                              ("PATH ISSUES", path_issues, "path_issue"),
                              ("SOURCE NOT CONSECUTIVE (source defects, not failures)", nonconsec, "nonconsec")):
        if group:
            print(f"\n{title} ({len(group)})")
            for f, r in sorted(group.items()):
                print(f"  {rel(f)}: {r[key]}")
    exp = sum(r["expected"] for r in results.values())
    fnd = sum(r["found"] for r in results.values())
    with_articles = sum(1 for r in results.values() if r["expected"])
    print("\nSUMMARY")
    for name, value in (("files", len(files)), ("files with articles", with_articles),
                        ("parsed ok", len(files) - len(errors)), ("parser errors", len(errors)),
                        ("articles expected", exp), ("articles found", fnd),
                        ("mismatching files", len(mismatches)), ("path issues", len(path_issues)),
                        ("source not consecutive", len(nonconsec)),
                        ("seconds", f"{time.time() - t0:.1f}")):
        print(f"  {name:<24}{value:>10}")
    return 1 if errors or mismatches or path_issues else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
