#!/usr/bin/env python3
"""Load test of the web app: one client, then many, on a real index, same run.

    python scripts/load.py INDEX [--clients 16] [--seconds 60] [--workers 0] [--port 8790]

Starts `policy-search serve` on 127.0.0.1 (only), drives it with a mix of keyword,
exact, filtered, question and similar-wording requests over keep-alive connections, and
prints throughput, latency percentiles, errors and the server's memory (PSS of its
process tree, sampled each second) beside the targets. Bounded in time; stops the server.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import EXACT, FILTERED, KEYWORD, pct  # noqa: E402

QUESTIONS = ["谁可以成为个体工商户？", "劳动合同解除，哪些情形可以要求用人单位支付经济补偿金？",
             "成年人需要被监护时，谁来担任监护人？", "如何解决大班额问题？",
             "出借人可以将民间借贷中的债权转让给第三人吗？"]


def requests_mix(clause_ids: list[str], rng: random.Random):
    """An endless stream of (kind, path): what officials and drafters do, roughly."""
    while True:
        kind = rng.choices(["keyword", "exact", "filtered", "question", "similar"],
                           weights=[40, 20, 15, 15, 10])[0]
        if kind == "keyword":
            args = {"q": rng.choice(KEYWORD)}
        elif kind == "exact":
            args = {"q": rng.choice(EXACT), "mode": "exact"}
        elif kind == "filtered":
            q, f = rng.choice(FILTERED)
            args = {"q": q, **{k: v[0] for k, v in f.items()}}
        elif kind == "question":
            args = {"q": rng.choice(QUESTIONS)}
        else:
            yield kind, "/api/similar?" + urlencode({"clause_id": rng.choice(clause_ids)})
            continue
        yield kind, "/api/search?" + urlencode({**args, "size": 20})


def client(port: int, stop: float, clause_ids, seed: int, out: list, errors: list):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for kind, path in requests_mix(clause_ids, random.Random(seed)):
        if time.time() >= stop:
            break
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                errors.append((kind, resp.status))
        except (OSError, http.client.HTTPException) as exc:
            errors.append((kind, type(exc).__name__))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        out.append((kind, time.perf_counter() - started))
    conn.close()


def pss_tree_mb(pid: int) -> float:
    """Proportional memory of a process tree: pages the workers share (the memory-mapped
    snapshot, the dictionary loaded before the fork) are counted once, not per worker."""
    import os
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError, StopIteration):
            continue
    return total / 1024


def phase(port, clients, seconds, clause_ids, server_pid):
    out, errors, rss = [], [], []
    stop = time.time() + seconds
    threads = [threading.Thread(target=client, args=(port, stop, clause_ids, i, out, errors))
               for i in range(clients)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        rss.append(pss_tree_mb(server_pid))
        time.sleep(1)
    return out, errors, rss


def wait_ready(port: int, proc, timeout: float = 120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit("server exited")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/search?q=%E6%95%99%E8%82%B2&size=1")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    sys.exit("server not ready")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("index", type=Path)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=int, default=60, help="length of each phase")
    ap.add_argument("--workers", type=int, default=0, help="server processes (0 = cores)")
    ap.add_argument("--port", type=int, default=8790)
    args = ap.parse_args()

    from search_app.engine import SearchEngine
    snap = SearchEngine(args.index).snapshot()
    rng = random.Random(5)
    clause_ids = [snap.meta["clause_ids"][rng.randrange(snap.n)] for _ in range(200)]
    del snap
    proc = subprocess.Popen([sys.executable, "-m", "search_app.cli", "serve", "--index",
                             str(args.index), "--port", str(args.port), "--workers",
                             str(args.workers)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_ready(args.port, proc)
        phase(args.port, 2, 5, clause_ids, proc.pid)                  # warm both workers
        one, one_err, _ = phase(args.port, 1, args.seconds, clause_ids, proc.pid)
        many, many_err, rss = phase(args.port, args.clients, args.seconds, clause_ids, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    single_rps, multi_rps = len(one) / args.seconds, len(many) / args.seconds
    rows = [
        ("single client: requests/s, p50/p95 ms", f"{single_rps:.1f}, "
         f"{pct([t for _, t in one], 50):.0f} / {pct([t for _, t in one], 95):.0f}", "baseline"),
        (f"{args.clients} clients: requests/s", f"{multi_rps:.1f} "
         f"({multi_rps / max(single_rps, 1e-9):.2f}× single)", "≥ 1.6× single"),
        (f"{args.clients} clients: p50/p95/p99 ms", " / ".join(
            f"{pct([t for _, t in many], p):.0f}" for p in (50, 95, 99)), "p95 ≤ 300 ms"),
        (f"{args.clients} clients: similar p95 ms",
         f"{pct([t for k, t in many if k == 'similar'], 95):.0f}", "≤ 1000 ms"),
        ("errors (single, many)", f"{len(one_err)}, {len(many_err)}", "0"),
        ("server memory (PSS) MB: first / last / max", f"{rss[0]:.0f} / {rss[-1]:.0f} / {max(rss):.0f}"
         if rss else "-", "flat"),
    ]
    by_kind = {}
    for k, t in many:
        by_kind.setdefault(k, []).append(t)
    rows += [(f"  {k} p50/p95 ms ({len(v)} requests)",
              f"{pct(v, 50):.0f} / {pct(v, 95):.0f}", "") for k, v in sorted(by_kind.items())]
    w = max(len(r[0]) for r in rows)
    v = max(len(r[1]) for r in rows)
    print(f"{'measure'.ljust(w)}  {'value'.ljust(v)}  target")
    for name, value, target in rows:
        print(f"{name.ljust(w)}  {value.ljust(v)}  {target}")
    if many_err or one_err:
        print(json.dumps((one_err + many_err)[:10], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
