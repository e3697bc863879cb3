#!/usr/bin/env python3
"""Ranking quality on real questions: the engine's keyword mode against a plain BM25.

    python scripts/rank_eval.py /tmp/lawidx [--questions PATH]

The questions (STARD, see bench/questions/README) are long layperson sentences, so they
test whether ranking degrades gracefully: an answering article near the top, no empty
pages. The baseline is the README's reference point (BM25 over jieba words with a
stopword list, one unit per article); the target is engine R@10 ≥ 1.15 × baseline.
Importable: bench.py calls load_questions / answer_rows / engine_ranked / metrics.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzers.normalize import normalize  # noqa: E402

QUESTIONS = ROOT.parent / "shared" / "bench" / "questions" / "stard-public.jsonl"
JUDGED = ROOT / "tests" / "judged" / "sample_queries.json"
PRC = "中华人民共和国"
# edition notes after a title: （2018年修订） (2023-09-01) …, but not （一） or （试行）
_EDITION = re.compile(r"\(\s*\d{4}[^()]*\)$")

# Function words and question words; they occur in nearly every question and would only
# add noise to BM25 (their idf is not low enough to make them harmless in long queries).
STOPWORDS = frozenset("""
的 了 是 在 和 与 及 以及 或 或者 吗 呢 吧 啊 呀 嘛 么 哦 如何 怎么 怎么办 怎样 怎么样 什么
哪些 哪个 哪 是否 能否 能不能 可不可以 可以 可否 谁 为什么 为何 多少 几 有没有 会不会 要不要
我 我们 你 你们 他 她 它 他们 她们 自己 这 那 这个 那个 这些 那些 这样 那样 其 之 也 都 就
还 又 而 但 但是 并 并且 被 把 给 对 对于 向 从 到 让 由 为 因为 所以 如果 要是 啥 咋
个 一个 有 没有 没 会 要 能 应 应该 该 需要 请问 一下 时 后 中 上 下 等 即 则 将 已 已经
""".split())


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _title_key(title: str) -> str:
    return _EDITION.sub("", normalize(title).strip()).strip()


def answer_rows(records, questions) -> list[set[str]]:
    """For each question, the clause_ids of its answering articles.

    A law that the corpus holds in several editions (民事诉讼法 2021 and 2023 …) maps to
    its newest edition only: counting every edition would demand that a ranker return
    near-duplicates, and old editions are often renumbered anyway. Unmapped answers are
    reported on stderr."""
    by_key: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in records:
        by_key[(_title_key(r["title"]), r["label"])].append(
            {"id": r["clause_id"], "date": r.get("date") or ""})
    titles = {t for t, _ in by_key}
    # the 中华人民共和国 prefix is dropped only when that gives a single corpus title
    bare: dict[str, set[str]] = defaultdict(set)
    for t in titles:
        bare[t.removeprefix(PRC)].add(t)

    truth, unmapped, total = [], [], 0
    for q in questions:
        ids: set[str] = set()
        for a in q["answers"]:
            total += 1
            t = _title_key(a["title"])
            if t not in titles and len(bare.get(t.removeprefix(PRC), ())) == 1:
                t = next(iter(bare[t.removeprefix(PRC)]))
            hits = by_key.get((t, a["article"].strip()))
            if not hits:
                unmapped.append(f'{q["id"]}: {a["title"]} {a["article"]}')
                continue
            newest = max(h["date"] for h in hits)
            ids.update(h["id"] for h in hits if h["date"] == newest)
        truth.append(ids)
    print(f"answers: {total}, unmapped: {len(unmapped)}", file=sys.stderr)
    for u in unmapped[:20]:
        print("  unmapped", u, file=sys.stderr)
    return truth


def _tokens(text: str) -> list[str]:
    import rjieba
    # isalnum() is False for punctuation and whitespace, True for CJK and digits
    return [w for w in rjieba.cut(normalize(text), hmm=False)
            if w not in STOPWORDS and any(ch.isalnum() for ch in w)]


class BM25:
    """Plain BM25 (k1=1.2, b=0.75) over clause bodies; postings in CSR numpy arrays."""

    def __init__(self, records, k1: float = 1.2, b: float = 0.75):
        from analyzers.tokenizer import ensure_userdict
        ensure_userdict()                      # same dictionary as the engine's tokenizer
        vocab: dict[str, int] = {}
        term_ids, doc_ids, tfs, lengths, self.ids = [], [], [], [], []
        for d, r in enumerate(records):
            toks = _tokens(r["text"])
            counts = Counter(toks)
            term_ids.extend(vocab.setdefault(t, len(vocab)) for t in counts)
            doc_ids.extend([d] * len(counts))
            tfs.extend(counts.values())
            lengths.append(len(toks))
            self.ids.append(r["clause_id"])
        terms = np.array(term_ids, dtype=np.int32)
        order = np.argsort(terms, kind="stable")     # group postings by term, docs ascending
        self.docs = np.array(doc_ids, dtype=np.int32)[order]
        tf = np.array(tfs, dtype=np.float32)[order]
        self.indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(vocab)), out=self.indptr[1:])
        self.vocab = vocab
        n = len(lengths)
        dl = np.array(lengths, dtype=np.float32)
        df = np.diff(self.indptr).astype(np.float64)
        self.idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        # the tf part depends only on the posting, so it is computed once here
        norm = k1 * (1 - b + b * dl / max(dl.mean(), 1e-9))
        self.weight = tf * (k1 + 1) / (tf + norm[self.docs])
        self.n = n

    def search(self, query: str, k: int = 10) -> list[str]:
        scores = np.zeros(self.n, dtype=np.float32)
        for t in set(_tokens(query)):
            j = self.vocab.get(t)
            if j is None:
                continue
            s, e = self.indptr[j], self.indptr[j + 1]
            scores[self.docs[s:e]] += self.idf[j] * self.weight[s:e]
        top = np.flatnonzero(scores)            # rows sharing no word are not hits
        if len(top) > k:
            top = top[np.argpartition(-scores[top], k)[:k]]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [self.ids[i] for i in top]


def baseline_bm25(records) -> BM25:
    return BM25(records)


def metrics(ranked: list[list[str]], truth: list[set[str]], k: int = 10) -> dict:
    """R@k (per question, then averaged: the README's definition), micro R@k (pooled over
    answers), MRR@k and the share of empty lists. Questions without a mapped answer are
    skipped."""
    recall, found, wanted, rr, empty, skipped = [], 0, 0, [], 0, 0
    for hits, answers in zip(ranked, truth):
        if not answers:
            skipped += 1
            continue
        top = hits[:k]
        got = len(set(top) & answers)
        recall.append(got / len(answers))
        found, wanted = found + got, wanted + len(answers)
        rr.append(next((1 / (i + 1) for i, c in enumerate(top) if c in answers), 0.0))
        empty += not hits
    n = max(len(recall), 1)
    return {"R@10": sum(recall) / n, "R@10_micro": found / max(wanted, 1),
            "MRR@10": sum(rr) / n, "empty": empty / n, "questions": len(recall),
            "skipped": skipped}


def engine_ranked(engine, questions, k: int = 10) -> tuple[list[list[str]], list[float]]:
    """Clause ids the engine ranks first for each question, and the latencies (s).
    A failing search counts as an empty page: that is what the user would see."""
    from search_app.params import parse_search_params
    ranked, latency = [], []
    for q in questions:
        started = time.perf_counter()
        try:
            res = engine.search(parse_search_params(
                {"q": [q["question"]], "mode": ["keyword"], "size": [str(k)]}))
            ids = [h["clause_id"] for h in res["hits"]][:k]
        except Exception:                          # noqa: BLE001 — any failure is "empty"
            ids = []
        latency.append(time.perf_counter() - started)
        ranked.append(ids)
    return ranked, latency


def judged_recall(engine, path: Path = JUDGED, k: int = 10) -> float:
    """Recall@k of the keyword queries judged on the sample corpus (written down before
    ranking was tuned): the share of judged clauses found in each query's top k."""
    from search_app.params import parse_search_params
    found = wanted = 0
    for item in json.loads(Path(path).read_text(encoding="utf-8")):
        res = engine.search(parse_search_params({"q": [item["q"]], "size": [str(k)]}))
        found += len({h["clause_id"] for h in res["hits"]} & set(item["relevant"]))
        wanted += len(item["relevant"])
    return found / max(wanted, 1)


def _pct(xs: list[float], p: float) -> float:
    return float(np.percentile(xs, p)) * 1000 if xs else float("nan")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("--questions", type=Path, default=QUESTIONS)
    args = ap.parse_args(argv)

    from search_app.engine import SearchEngine
    engine = SearchEngine(args.index)
    snap = engine.snapshot()
    records = [snap.record(i) for i in range(snap.n)]
    questions = load_questions(args.questions)
    truth = answer_rows(records, questions)

    started = time.perf_counter()
    bm25 = baseline_bm25(records)
    build_s = time.perf_counter() - started
    base_ranked, base_lat = [], []
    for q in questions:
        t = time.perf_counter()
        base_ranked.append(bm25.search(q["question"]))
        base_lat.append(time.perf_counter() - t)
    eng_ranked, eng_lat = engine_ranked(engine, questions)

    base, eng = metrics(base_ranked, truth), metrics(eng_ranked, truth)
    print(f"{len(questions)} questions, {base['questions']} scored, {base['skipped']} "
          f"skipped (no mapped answer); {snap.n} clauses; baseline built in {build_s:.1f} s")
    print(f"{'':10}{'R@10':>8}{'R@10µ':>8}{'MRR@10':>8}{'empty':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for name, m, lat in (("baseline", base, base_lat), ("engine", eng, eng_lat)):
        print(f"{name:10}{m['R@10']:8.3f}{m['R@10_micro']:8.3f}{m['MRR@10']:8.3f}"
              f"{m['empty']:8.1%}{_pct(lat, 50):9.1f}{_pct(lat, 95):9.1f}")
    ratio = eng["R@10"] / base["R@10"] if base["R@10"] else float("nan")
    print(f"engine R@10 / baseline R@10 = {ratio:.2f}  (target ≥ 1.15)   "
          f"engine empty = {eng['empty']:.1%}  (target ≤ 1%)")


if __name__ == "__main__":
    main()
