"""The scale curve of issue 15: the product built and queried at 1×, 4×, 16× lawrefbook.

    python scripts/bench.py ../shared/bench/lawrefbook --scale 1,4,16 [--out DIR]

For each factor: a corpus from scripts/scale_corpus.py (under --work, default /tmp),
a clean build in a subprocess (time, peak RSS of the process tree), the index on disk
against the clause text it holds, a fresh serving process (`--probe`: cold start to the
first answer, the query mix, then its PSS), and the one-file update (add, change,
remove a file; `policy-search index --prune` on the built index). rjieba's own cutting
speed on the 1× text is the baseline of the throughput target. Prints the table beside
the issue's targets and each cost's growth with size, and writes scale.md and scale.svg.
"""
from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "scripts" / "out"
CLI = [sys.executable, "-m", "search_app.cli"]


# ---- measuring (I/O) -----------------------------------------------------------------

def run_watched(cmd: list[str]) -> tuple[float, float, int, str, float]:
    """(seconds, peak MB of the process tree, exit status, last stderr line, CPU seconds
    of the tree). CPU seconds move less than wall time when other jobs share the cores."""
    from bench import rss_tree_mb
    peak = [0.0]
    cpu0 = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)

    def watch():
        while proc.poll() is None:
            peak[0] = max(peak[0], rss_tree_mb(proc.pid))
            time.sleep(0.1)
    t = threading.Thread(target=watch, daemon=True)
    t.start()
    _, err = proc.communicate()
    secs = time.perf_counter() - started     # before the join: the watcher sleeps 0.1 s
    t.join()
    last = (err.strip().splitlines() or [""])[-1]
    return secs, peak[0], proc.returncode, last, _children_cpu() - cpu0


def _children_cpu() -> float:
    """User + system seconds of the finished children (and the children they waited for:
    the parse pool, Whoosh's sub-writers)."""
    import resource
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def dir_bytes(path: Path) -> dict[str, int]:
    """Bytes on disk by kind of file: Whoosh segments by extension, snapshot files by name."""
    out: dict[str, int] = {}
    for f in path.rglob("*"):
        if f.is_file():
            for key, size in _parts(f):
                out[key] = out.get(key, 0) + size
    return out


def _parts(f: Path) -> list[tuple[str, int]]:
    """A snapshot file by name; a Whoosh compound segment by the files inside it
    (stored records, terms, postings, columns)."""
    if f.parent.name.startswith("snap_"):
        return [(f.name, f.stat().st_size)]
    if f.suffix == ".seg":
        try:
            from whoosh.filedb.compound import CompoundStorage
            from whoosh.filedb.filestore import FileStorage
            inner = CompoundStorage(FileStorage(str(f.parent)).open_file(f.name), use_mmap=False)
            return [(f"whoosh {n.split('.', 1)[1]}", inner.file_length(n)) for n in inner.list()]
        except Exception:                       # noqa: BLE001 — sizes only; fall back
            pass
    return [(f"whoosh *{f.suffix}", f.stat().st_size)]


def clause_text_bytes(index: Path) -> int:
    """UTF-8 bytes of every clause's text (the normalised text the snapshot holds)."""
    snaps = sorted(index.glob("snap_*"), key=lambda p: int(p.name.split("_")[1]))
    total = 0
    with open(snaps[-1] / "text.bin", "rb") as fh:
        while chunk := fh.read(1 << 24):
            total += len(chunk.decode("utf-16-be").replace("\x00", "").encode("utf-8"))
    return total


def jieba_mb_per_s(corpus: Path) -> float:
    import rjieba
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in corpus.rglob("*.md")]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    rjieba.cut("先载入词典")                      # the dictionary loads on the first cut
    started = time.perf_counter()
    for t in texts:
        rjieba.cut(t)
    return mb / (time.perf_counter() - started)


def serve_probe(index: Path, runs: int) -> dict:
    """Cold start, latencies and PSS of a fresh process that loads the snapshot."""
    started = time.time()
    out = subprocess.run([sys.executable, str(Path(__file__)), "--probe", str(index),
                          str(runs)], cwd=ROOT, check=True, capture_output=True, text=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["cold_start"] = res.pop("first_answer_at") - started
    return res


def probe(index: Path, runs: int) -> dict:
    """Inside the serving process: first answer, then the query mix, then PSS."""
    from bench import EXACT, FILTERED, KEYWORD, timed
    from search_app.engine import SearchEngine
    from search_app.params import parse_search_params
    engine = SearchEngine(index)

    def search(q="", mode="keyword", **f):
        return engine.search(parse_search_params({"q": [q], "mode": [mode], "size": ["10"], **f}))
    search("教育经费")
    first = time.time()
    import rank_eval
    questions = [q["question"] for q in rank_eval.load_questions()
                 if 25 <= len(q["question"]) <= 35]
    snap = engine.snapshot()
    rng = random.Random(7)
    long_rows = [r for r in (rng.randrange(snap.n) for _ in range(20000))
                 if len(snap.row_text(r)) > 260][:40]
    chunks = []
    for r in long_rows:
        s = snap.row_text(r)
        start = rng.randrange(0, len(s) - 200)
        chunk = list(s[start:start + 200])
        for k in rng.sample(range(200), 20):       # a tenth of the wording changed
            chunk[k] = "一"
        chunks.append("".join(chunk))
    lat = {
        "keyword": [t for q in KEYWORD for t in timed(lambda q=q: search(q), runs)],
        "exact": [t for q in EXACT for t in timed(lambda q=q: search(q, "exact"), runs)],
        "filtered": [t for q, f in FILTERED for t in timed(lambda q=q, f=f: search(q, **f), runs)],
        "question": [t for q in questions for t in timed(lambda q=q: search(q), 1)],
        "similar": [t for c in chunks for t in timed(lambda c=c: engine.similar(text=c), 1)],
    }
    with open("/proc/self/smaps_rollup") as fh:
        pss = next(int(l.split()[1]) for l in fh if l.startswith("Pss:")) / 1024
    return {"first_answer_at": first, "latency": lat, "pss_mb": pss, "clauses": snap.n}


def _update(cmd: list[str], log) -> tuple[float, float]:
    secs, peak, _, last, _ = run_watched(cmd)
    log(f"    {last}")                        # its phases: 解析写入 / 提交 / 快照
    return secs, peak


def one_file_update(corpus: Path, index: Path, log=print) -> dict[str, tuple[float, float]]:
    """(seconds, peak MB) of `index --prune` after adding, then changing, then removing
    one file: each run has exactly one file to (re)index or drop. The corpus's x00 files
    are symlinks into the shared lawrefbook: a changed file is first unlinked, so the
    original is never written; the links are put back at the end."""
    files = sorted(p for p in (corpus / "x00").rglob("*.md"))
    changed, removed = files[len(files) // 3], files[2 * len(files) // 3]
    links = {p: os.readlink(p) for p in (changed, removed) if p.is_symlink()}
    text = changed.read_text(encoding="utf-8")
    added = corpus / "x00" / "新增文件.md"
    cmd = CLI + ["index", str(corpus), "--index", str(index), "--prune"]
    # bytecode as an installed copy has it (pip compiles on install, Python on a first
    # import): a shell with PYTHONDONTWRITEBYTECODE would charge each run the compiling
    import compileall
    for package in ("analyzers", "indexer", "search_app"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    out = {}
    try:
        added.write_text("# 新增文件（规模测试）" + text[text.index("\n"):], encoding="utf-8")
        out["add one file"] = _update(cmd, log)
        changed.unlink()
        changed.write_text(text + "\n本文件修改后的一段。\n", encoding="utf-8")
        out["change one file"] = _update(cmd, log)
        removed.unlink()
        out["remove one file"] = _update(cmd, log)
    finally:
        added.unlink(missing_ok=True)
        for path, target in links.items():
            path.unlink(missing_ok=True)
            os.symlink(target, path)
    return out


def measure(src: Path, factor: int, work: Path, runs: int, log=print, save=lambda r: None
            ) -> dict:
    """All the figures of one size; `save(res)` after each phase, so a size that does
    not finish (time, memory) still leaves its build figures in the table."""
    import scale_corpus
    corpus = work / f"corpus-{factor}x"
    if not (corpus / ".complete").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        log(f"[{factor}×] writing the corpus under {corpus}")
        scale_corpus.make_corpus(src, corpus, factor)
        (corpus / ".complete").write_text("")
    index = work / f"index-{factor}x"
    shutil.rmtree(index, ignore_errors=True)
    files = [p for p in corpus.rglob("*.md")]
    mb = sum(p.stat().st_size for p in files) / 1e6
    log(f"[{factor}×] building the index over {len(files)} files, {mb:.0f} MB")
    secs, peak, status, last, cpu = run_watched(CLI + ["index", str(corpus), "--index",
                                                       str(index), "--rebuild"])
    if status not in (0, 1):
        sys.exit(f"build failed: {last}")
    log(f"[{factor}×] {last}")
    sizes = dir_bytes(index)
    clauses = re.search(r"索引共 (\d+) 条", last)
    res = {"factor": factor, "files": len(files), "mb": mb, "build_s": secs, "build_cpu_s": cpu,
           "build_peak_mb": peak, "build_log": last,
           "index_bytes": sum(sizes.values()), "index_files": sizes,
           "text_bytes": clause_text_bytes(index), "clauses": int(clauses[1]) if clauses else 0}
    save(res)
    log(f"[{factor}×] serving probe")
    res.update(serve_probe(index, runs))
    save(res)
    log(f"[{factor}×] one-file updates")
    res["update"] = one_file_update(corpus, index, log)
    save(res)
    shutil.rmtree(index, ignore_errors=True)
    return res


# ---- reading the figures (pure) ------------------------------------------------------

MODELS = {"constant": lambda n: 1.0, "log n": math.log, "linear": lambda n: n,
          "n log n": lambda n: n * math.log(n), "quadratic": lambda n: n * n}


def growth(ns: list[float], ys: list[float]) -> tuple[float, str]:
    """Exponent b of y ≈ a·n^b (least squares in log-log) and the model whose growth over
    the measured range is closest to the observed one."""
    pts = [(math.log(n), math.log(y)) for n, y in zip(ns, ys) if n > 0 and y > 0]
    if len(pts) < 2:
        return float("nan"), "?"
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    b = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
    lo, hi = min(ns), max(ns)
    observed = b * math.log(hi / lo)
    best = min(MODELS, key=lambda m: abs(math.log(MODELS[m](hi) / MODELS[m](lo)) - observed))
    return b, best


def extrapolate(ns: list[float], ys: list[float], n: float) -> float:
    b, _ = growth(ns, ys)
    return ys[-1] * (n / ns[-1]) ** b


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


# measure name, unit, value of one result, target (text), check(value, results, jieba)
def _rows(jieba: float):
    one = lambda rs: rs[0]          # noqa: E731 — the 1× result
    return [
        ("build time", "s", lambda r: r["build_s"], "16×: ≤ 20× the 1× build",
         lambda v, rs, r: None if r["factor"] != 16 else v <= 20 * one(rs)["build_s"]),
        ("build CPU time (process tree)", "s", lambda r: r["build_cpu_s"], "", None),
        ("build throughput", "MB/s", lambda r: r["mb"] / r["build_s"],
         f"1×: ≥ {jieba / 10:.2f} (1/10 of rjieba {jieba:.2f})",
         lambda v, rs, r: None if r["factor"] != 1 else v >= jieba / 10),
        ("build peak RSS", "MB", lambda r: r["build_peak_mb"], "1×: ≤ 500 MB",
         lambda v, rs, r: None if r["factor"] != 1 else v <= 500),
        ("index size", "MB", lambda r: r["index_bytes"] / 1e6, "", None),
        ("clause text (UTF-8)", "MB", lambda r: r["text_bytes"] / 1e6, "", None),
        ("index / clause text", "×", lambda r: r["index_bytes"] / r["text_bytes"], "1×: ≤ 3×",
         lambda v, rs, r: None if r["factor"] != 1 else v <= 3),
        ("serving PSS after warm-up", "MB", lambda r: r["pss_mb"], "16×: ≤ 4096 MB",
         lambda v, rs, r: None if r["factor"] != 16 else v <= 4096),
        ("cold start to first answer", "s", lambda r: r["cold_start"], "", None),
        ("keyword p50", "ms", lambda r: pct(r["latency"]["keyword"], 50), "", None),
        ("keyword p95", "ms", lambda r: pct(r["latency"]["keyword"], 95), "16×: ≤ 30 ms",
         lambda v, rs, r: None if r["factor"] != 16 else v <= 30),
        ("exact p50", "ms", lambda r: pct(r["latency"]["exact"], 50), "", None),
        ("exact p95", "ms", lambda r: pct(r["latency"]["exact"], 95), "", None),
        ("filtered p50", "ms", lambda r: pct(r["latency"]["filtered"], 50), "", None),
        ("filtered p95", "ms", lambda r: pct(r["latency"]["filtered"], 95), "", None),
        ("30-char question p50", "ms", lambda r: pct(r["latency"]["question"], 50), "", None),
        ("30-char question p95", "ms", lambda r: pct(r["latency"]["question"], 95),
         "16×: ≤ 150 ms", lambda v, rs, r: None if r["factor"] != 16 else v <= 150),
        ("similar 200 chars p50", "ms", lambda r: pct(r["latency"]["similar"], 50), "", None),
        ("similar 200 chars p95", "ms", lambda r: pct(r["latency"]["similar"], 95), "", None),
    ] + [(f"{kind}: time", "s", lambda r, k=kind: r["update"][k][0], "≤ 1 s",
          lambda v, rs, r: v <= 1) for kind in ("add one file", "change one file",
                                                 "remove one file")] \
      + [(f"{kind}: peak RSS", "MB", lambda r, k=kind: r["update"][k][1], "≤ 300 MB",
          lambda v, rs, r: v <= 300) for kind in ("add one file", "change one file",
                                                   "remove one file")]


def _get(get, result: dict) -> float | None:
    try:
        return get(result)
    except (KeyError, ZeroDivisionError):       # a phase that did not run at this size
        return None


def _cell(v: float, unit: str, ok: bool | None) -> str:
    mark = "" if ok is None else (" ✓" if ok else " ✗")
    return (f"{v:.3g}" if v < 1000 else f"{v:.0f}") + f" {unit}{mark}"


def table(results: list[dict], jieba: float) -> tuple[list[str], list[tuple]]:
    """Markdown lines of the table, and (name, ns, ys) series for the chart."""
    ns = [r["clauses"] for r in results]
    head = ["measure"] + [f"{r['factor']}×" for r in results]
    if 16 not in [r["factor"] for r in results]:
        head.append("16× (extrapolated)")
    head += ["growth (n^b, nearest model)", "target"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    corpus = [f"{r['files']} files, {r['mb']:.0f} MB, {r['clauses']} clauses" for r in results]
    lines.append("| corpus | " + " | ".join(corpus + [""] * (len(head) - 1 - len(corpus))) + " |")
    series = []
    for name, unit, get, target, check in _rows(jieba):
        ys = [_get(get, r) for r in results]
        cells = []
        for r, v in zip(results, ys):
            cells.append("—" if v is None else _cell(v, unit, check and check(v, results, r)))
        known = [(n, y) for n, y in zip(ns, ys) if y is not None]
        if "16× (extrapolated)" in head:
            v = extrapolate(*map(list, zip(*known)), ns[0] * 16) if len(known) > 1 \
                else float("nan")
            ok = check and not math.isnan(v) and check(v, results, {"factor": 16})
            cells.append("≈ " + _cell(v, unit, ok) if not math.isnan(v) else "")
        b, model = growth(*map(list, zip(*known))) if known else (float("nan"), "")
        cells.append(f"{b:.2f}, {model}" if not math.isnan(b) else "")
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {target} |")
        series.append((name, ns, ys))
    return lines, series


CHART = ["build time", "build CPU time (process tree)", "build peak RSS", "index size", "serving PSS after warm-up",
         "keyword p95", "30-char question p95", "change one file: time", "cold start to first answer"]


def run(src: Path, factors: list[int], out: Path, work: Path, runs: int) -> int:
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    log = lambda m: print(m, file=sys.stderr, flush=True)   # noqa: E731
    log("rjieba alone on the 1× text …")
    jieba = jieba_mb_per_s(src)
    results = []

    def save(res):                 # the curve so far, should a larger size not finish
        done = [r for r in results if r["factor"] != res["factor"]] + [res]
        (out / "scale.json").write_text(json.dumps({"jieba_mb_s": jieba, "results": done},
                                                   ensure_ascii=False, indent=1))
        return render(done, jieba, out)
    text = ""
    for f in sorted(factors):
        results.append(measure(src, f, work, runs, log, save))
        text = save(results[-1])
    print(text)
    log(f"wrote {out / 'scale.md'} and {out / 'scale.svg'}")
    return 0


def render(results: list[dict], jieba: float, out: Path) -> str:
    from scale_chart import svg_chart
    lines, series = table(results, jieba)
    lines.append("")
    lines.append(f"rjieba alone: {jieba:.2f} MB/s on the 1× text, same run.")
    biggest = results[-1]
    for r in (results[0], biggest) if len(results) > 1 else (biggest,):
        lines.append(f"Index files at {r['factor']}× (MB): " + ", ".join(
            f"{k} {v / 1e6:.0f}" for k, v in sorted(r["index_files"].items(),
                                                     key=lambda kv: -kv[1])[:8]))
    text = "\n".join(lines)
    (out / "scale.md").write_text(text + "\n", encoding="utf-8")
    (out / "scale.svg").write_text(svg_chart(series, CHART), encoding="utf-8")
    return text


if __name__ == "__main__":            # the serving probe, run in a fresh process
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "scripts"))
    if sys.argv[1:2] == ["--probe"]:
        print(json.dumps(probe(Path(sys.argv[2]), int(sys.argv[3]))))
