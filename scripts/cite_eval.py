"""How well 《…》 references resolve on lawrefbook (引用, issue 14).

    python scripts/cite_eval.py /work/shared/bench/lawrefbook [--index DIR]

The index (built with `policy-search index CORPUS --index DIR`) holds the resolver's
answers in its snapshot's cites.json. The right answer is decided WITHOUT the resolver,
from lawrefbook's own file names: a file is named after the law without the
中华人民共和国 prefix, with the version's date in brackets (教育法(2021-04-29).md).
- a reference counts when the name between 《》 (中华人民共和国 prefix and spaces
  dropped) is the name of a corpus file;
- the right document is the file of that name with the newest file-name date on or
  before the citing file's date (the citing file's own file-name date, else its parsed
  date), else the newest; a reference whose candidates include an undated file (which
  version it is cannot be told) is counted apart, as 'ambiguous';
- when 第X条 follows, the right article is the clause of the right document labelled
  第X条, if that file has a line starting with 第X条 (else the reference is not
  counted for articles).
Prints the shares (target ≥ 0.95 each) and samples of unresolved and wrong ones.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_NAME_DATE = re.compile(r"^(?P<name>.+?)\((?P<date>\d{4}-\d{2}-\d{2})\)$")
_REF = re.compile(r"《([^《》\n。；]{2,120})》(\s*第([零〇一二三四五六七八九十百千两\d]+)条)?")
PREFIX = "中华人民共和国"


def file_name(path: str) -> tuple[str, str]:
    stem = Path(path).stem
    m = _NAME_DATE.match(stem)
    return (m["name"], m["date"]) if m else (stem, "")


def plain(name: str) -> str:
    name = re.sub(r"\s+", "", name)
    return name[len(PREFIX):] if name.startswith(PREFIX) and len(name) > len(PREFIX) + 1 else name


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--index", type=Path, default=Path("/tmp/cmp_idx"))
    ap.add_argument("--samples", type=int, default=10)
    args = ap.parse_args(argv)

    from indexer.snapshot import iter_snapshot_records, snapshot_dir, snapshot_generations
    gens = snapshot_generations(args.index)
    if not gens:
        sys.exit(f"{args.index}: 没有快照，请先运行 policy-search index")
    snap = snapshot_dir(args.index, gens[-1])
    meta = json.loads((snap / "meta.json").read_text(encoding="utf-8"))
    cites = json.loads((snap / "cites.json").read_text(encoding="utf-8"))["clauses"]
    docs = {d["doc_id"]: d for d in meta["docs"]}
    by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)    # name → [(date, doc_id)]
    doc_date = {}
    for d in meta["docs"]:
        name, date = file_name(d["source"])
        by_name[name].append((date, d["doc_id"]))
        doc_date[d["doc_id"]] = date or (d["date"] or "")
    articles: dict[str, set[str]] = {}

    def has_article(doc_id: str, label: str) -> bool:
        if doc_id not in articles:
            text = (args.corpus / docs[doc_id]["source"]).read_text(encoding="utf-8", errors="replace")
            articles[doc_id] = set(re.findall(r"(?m)^\s*(第[零〇一二三四五六七八九十百千两\d]+条)", text))
        return label in articles[doc_id]

    label_of = {}
    n_doc = ok_doc = n_art = ok_art = ambiguous = 0
    unresolved, wrong, wrong_art = [], [], []
    refs = []
    for rec in iter_snapshot_records(snap):
        if rec.get("label"):
            label_of[rec["clause_id"]] = rec["label"]
        if "《" in rec["text"]:
            for m in _REF.finditer(rec["text"]):
                refs.append((rec["clause_id"], rec["doc_id"], m.start(), m.group(1),
                             f"第{m.group(3)}条" if m.group(3) else "", rec["text"]))
    for clause_id, doc_id, start, title, article, text in refs:
        name = plain(title)
        candidates = [(date, d) for date, d in by_name.get(name, ()) if d != doc_id]
        if not candidates:
            continue
        if len(candidates) > 1 and any(not date for date, _ in candidates):
            ambiguous += 1
            continue
        on = doc_date.get(doc_id, "")
        before = sorted(c for c in candidates if on and c[0] <= on)
        right = (before or sorted(candidates))[-1][1]
        got = next((c for c in cites.get(clause_id, ()) if c[0] == start), None)
        n_doc += 1
        context = text[max(0, start - 15):start + len(title) + 20].replace("\n", " ")
        if got is None:
            unresolved.append(f"{docs[doc_id]['source']}: …{context}…")
            continue
        if got[2] == right:
            ok_doc += 1
        else:
            wrong.append(f"{docs[doc_id]['source']}: 《{title}》 → {docs[got[2]]['source']}"
                         f"（应为 {docs[right]['source']}）")
        if article and got[2] == right and has_article(right, article):
            n_art += 1
            if got[3] and label_of.get(got[3]) == article:
                ok_art += 1
            else:
                wrong_art.append(f"{docs[doc_id]['source']}: 《{title}》{article} → "
                                 f"{label_of.get(got[3], '（未指向条）')}")
    share = lambda a, b: a / b if b else 0.0      # noqa: E731
    print(f"snapshot: {snap}")
    print(f"《…》 references to a title in the corpus: {n_doc} (+{ambiguous} ambiguous: "
          f"an undated file among several versions, not counted)")
    print(f"right document: {ok_doc}/{n_doc} = {share(ok_doc, n_doc):.4f}  (target ≥ 0.95)")
    print(f"right article (第X条 named, present in the right file): {ok_art}/{n_art} = "
          f"{share(ok_art, n_art):.4f}  (target ≥ 0.95)")
    print(f"unresolved: {len(unresolved)}, wrong document: {len(wrong)}, wrong article: {len(wrong_art)}")
    for title, rows in (("unresolved", unresolved), ("wrong document", wrong),
                        ("wrong article", wrong_art)):
        if rows:
            print(f"-- sample of {title}:")
            for r in rows[:args.samples]:
                print("   " + r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
