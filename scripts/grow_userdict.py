"""Propose policy terms for data/userdict.txt from a folder of documents.

Two signals, both independent of any one sample's quirks:
- quoted terms: official documents put coined policy terms in quotes
  (“县管校聘”, “双减”, “三点半”); a short quoted span is a term candidate;
- frequent n-grams that jieba currently splits (3–6 CJK characters seen in at
  least ``--min-docs`` documents), e.g. 生均公用经费.
Prints candidates not yet in the dictionary, with counts, for a human to review:

    python scripts/grow_userdict.py data/corpus [--min-docs 2] [--glob '*.txt']
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import rjieba  # noqa: E402

from analyzers.tokenizer import USERDICT_PATH, ensure_userdict, parse_userdict  # noqa: E402

QUOTED = re.compile(r"[“\"「『]([\u4e00-\u9fff0-9+]{2,8})[”\"」』]")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]{3,}")


def quoted_terms(text: str) -> Counter:
    return Counter(m.group(1) for m in QUOTED.finditer(text))


def split_ngrams(text: str, sizes=range(3, 7)) -> set[str]:
    """CJK n-grams that jieba cuts into several words (candidates for joining)."""
    found = set()
    for run in CJK_RUN.findall(text):
        for n in sizes:
            for i in range(len(run) - n + 1):
                found.add(run[i:i + n])
    return found


def propose(texts: list[str], min_docs: int = 2) -> list[tuple[str, int, str]]:
    ensure_userdict()
    known = {w for w, _, _ in parse_userdict(USERDICT_PATH.read_text(encoding="utf-8"))}
    quoted, doc_freq = Counter(), Counter()
    for text in texts:
        quoted.update(quoted_terms(text))
        doc_freq.update(split_ngrams(text))
    out = [(t, c, "quoted") for t, c in quoted.most_common() if t not in known]
    frequent = [
        (g, c) for g, c in doc_freq.items()
        if c >= min_docs and g not in known and len(rjieba.cut(g, False)) > 2
    ]
    # keep only maximal n-grams: a frequent 5-gram makes its 3-grams redundant
    frequent.sort(key=lambda gc: (-len(gc[0]), -gc[1]))
    kept: list[tuple[str, int]] = []
    for g, c in frequent:
        if not any(g in longer and c <= lc for longer, lc in kept):
            kept.append((g, c))
    out += [(g, c, "ngram") for g, c in sorted(kept, key=lambda gc: -gc[1])]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--glob", default="*.txt")
    ap.add_argument("--min-docs", type=int, default=2)
    ap.add_argument("--limit", type=int, default=200)
    args = ap.parse_args(argv)
    texts = [p.read_text(encoding="utf-8", errors="replace")
             for p in sorted(args.folder.rglob(args.glob))]
    for term, count, why in propose(texts, args.min_docs)[: args.limit]:
        print(f"{term}\t{count}\t{why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
