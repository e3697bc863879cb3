#!/usr/bin/env python3
"""Load test of the web app: one client, then many, on a real index, same run.

    python scripts/load.py INDEX [--clients 16] [--seconds 60] [--workers 0] [--threads 0]
                           [--client-procs 4] [--single-seconds S] [--soak] [--port 8790]

Starts `policy-search serve` on 127.0.0.1 (only), drives it with a mix of keyword,
exact, filtered, question and similar-wording requests over keep-alive connections
(closed loop: each client sends its next request when the answer is read), and prints
throughput, latency percentiles, errors, the server's memory (PSS of its process tree,
sampled each second; --soak also prints it each 30 s) and the CPU used by server and
clients, beside the targets and the single-client figures of the same run. The clients
share the machine with the server: they are spread over a few processes with a small
raw-socket HTTP client so their own CPU and GIL waits stay out of the latencies.
Bounded in time; stops the server.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
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


class RawHTTP:
    """A minimal HTTP/1.1 keep-alive GET client. http.client parses every response's
    headers with the email package; with 16 clients on the 2 cores the server also uses,
    that parsing took CPU (and GIL time, inflating latencies) from the server being
    measured. Here: one sendall, read to the blank line, Content-Length, the body."""

    def __init__(self, port: int):
        self.port, self.sock, self.buf = port, None, b""

    def _connect(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def _recv(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("connection closed by server")
        self.buf += chunk

    def get(self, path: str) -> tuple[int, int]:
        """(status, body bytes); a broken connection raises OSError."""
        if self.sock is None:
            self._connect()
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        while b"\r\n\r\n" not in self.buf:
            self._recv()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (line.partition(b":") for line in lines[1:])}
        length = int(headers.get(b"content-length", b"0"))
        while len(self.buf) < length:
            self._recv()
        self.buf = self.buf[length:]
        if headers.get(b"connection", b"").lower() == b"close":
            self.close()
        return status, length


def client(port: int, stop: float, clause_ids, seed: int, out: list, errors: list):
    """One closed-loop client: the next request only when the answer has been read."""
    conn = RawHTTP(port)
    for kind, path in requests_mix(clause_ids, random.Random(seed)):
        if time.time() >= stop:
            break
        started = time.perf_counter()
        try:
            status, size = conn.get(path)
            if status != 200:
                errors.append((kind, status))
        except (OSError, ValueError, IndexError) as exc:
            errors.append((kind, type(exc).__name__))
            conn.close()
            size = 0
        out.append((kind, time.perf_counter() - started, size))
    conn.close()


def client_process(port, stop, clause_ids, seeds, queue):
    """Several clients as threads of one process; results go back through the queue."""
    out, errors = [], []
    threads = [threading.Thread(target=client, args=(port, stop, clause_ids, s, out, errors))
               for s in seeds]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((out, errors))


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


def cpu_tree_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of a tree."""
    total, stack, tick = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
            continue
    return total


def machine_busy_s() -> float:
    """CPU seconds the whole machine has been busy (all processes, /proc/stat)."""
    with open("/proc/stat") as fh:
        f = [int(x) for x in fh.readline().split()[1:]]
    return (sum(f[:8]) - f[3] - f[4]) / os.sysconf("SC_CLK_TCK")     # minus idle, iowait


def phase(port, clients, seconds, clause_ids, server_pid, procs=1, soak=False):
    """Run `clients` closed-loop clients for `seconds`, spread over `procs` processes.
    Returns (samples, errors, PSS series [(second, MB)],
    (client CPU s, server CPU s, whole machine busy s))."""
    import multiprocessing
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = max(1, min(procs, clients))
    # client CPU: this process and its waited-for client processes (os.times)
    cpu0 = sum(os.times()[:4]), cpu_tree_s(server_pid), machine_busy_s()
    began = time.time()
    stop = began + seconds
    workers = [ctx.Process(target=client_process,
                           args=(port, stop, clause_ids, list(range(k, clients, procs)), queue))
               for k in range(procs)]
    for w in workers:
        w.start()
    rss, results, next_print = [], [], 30
    while len(results) < procs:
        try:
            results.append(queue.get(timeout=1))
        except Exception:             # queue.Empty: sample memory while the clients run
            pass
        if time.time() < stop:
            second = time.time() - began
            rss.append((second, pss_tree_mb(server_pid)))
            if soak and second >= next_print:
                print(f"  PSS at {next_print:>4.0f} s: {rss[-1][1]:.0f} MB", flush=True)
                next_print += 30
    for w in workers:
        w.join()
    out = [x for o, _ in results for x in o]
    errors = [x for _, e in results for x in e]
    cpu = (sum(os.times()[:4]) - cpu0[0], cpu_tree_s(server_pid) - cpu0[1],
           machine_busy_s() - cpu0[2])
    return out, errors, rss, cpu


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
    ap.add_argument("--threads", type=int, default=0, help="threads per server process "
                    "(0 = serve's default)")
    ap.add_argument("--client-procs", type=int, default=4,
                    help="processes the concurrent clients are spread over")
    ap.add_argument("--single-seconds", type=int, default=0,
                    help="length of the single-client phase (0 = --seconds)")
    ap.add_argument("--soak", action="store_true", help="print the server's PSS each 30 s")
    ap.add_argument("--port", type=int, default=8790)
    args = ap.parse_args()

    from search_app.engine import SearchEngine
    snap = SearchEngine(args.index).snapshot()
    rng = random.Random(5)
    clause_ids = [snap.clause_id(rng.randrange(snap.n)) for _ in range(200)]
    del snap
    cmd = [sys.executable, "-m", "search_app.cli", "serve", "--index", str(args.index),
           "--port", str(args.port), "--workers", str(args.workers)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(args.port, proc)
        phase(args.port, 2, 5, clause_ids, proc.pid, procs=2)          # warm both workers
        one, one_err, _, one_cpu = phase(args.port, 1, args.single_seconds or args.seconds,
                                         clause_ids, proc.pid)
        many, many_err, rss, cpu = phase(args.port, args.clients, args.seconds, clause_ids,
                                         proc.pid, procs=args.client_procs, soak=args.soak)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(report(args, one, one_err, one_cpu, many, many_err, rss, cpu))
    if many_err or one_err:
        print(json.dumps((one_err + many_err)[:10], ensure_ascii=False))
    return 0


def _pct(values, p) -> float:
    return pct(values, p) if values else float("nan")


def report(args, one, one_err, one_cpu, many, many_err, rss, cpu) -> str:
    secs, n = args.seconds, args.clients
    single_rps, multi_rps = len(one) / (args.single_seconds or secs), len(many) / secs
    lat = [t for _, t, _ in many]
    kinds: dict[str, list] = {}
    single_kinds: dict[str, list] = {}
    for k, t, b in many:
        kinds.setdefault(k, []).append((t, b))
    for k, t, _ in one:
        single_kinds.setdefault(k, []).append(t)
    pss = [m for _, m in rss]
    series = " ".join(f"{m:.0f}" for second, m in rss if int(second) % 30 == 0) or "-"
    rows = [
        ("single client: requests/s, p50/p95 ms", f"{single_rps:.1f}, "
         f"{_pct([t for _, t, _ in one], 50):.0f} / {_pct([t for _, t, _ in one], 95):.0f}",
         "baseline"),
        (f"{n} clients: requests/s", f"{multi_rps:.1f} "
         f"({multi_rps / max(single_rps, 1e-9):.2f}× single)", "≥ 1.6× single"),
        (f"{n} clients: p50/p95/p99 ms", " / ".join(f"{_pct(lat, p):.0f}" for p in (50, 95, 99)),
         "p95 ≤ 300 ms"),
        (f"{n} clients: similar p95 ms",
         f"{_pct([t for t, _ in kinds.get('similar', [])], 95):.0f}", "≤ 1000 ms"),
        ("errors (single, many)", f"{len(one_err)}, {len(many_err)}", "0"),
        ("server memory (PSS) MB: first / last / max",
         f"{pss[0]:.0f} / {pss[-1]:.0f} / {max(pss):.0f}" if pss else "-", "flat"),
        ("  PSS MB every 30 s", series, "levels off"),
        (f"CPU s over {secs} s: server / load clients / other processes",
         f"{cpu[1]:.0f} / {cpu[0]:.0f} / {max(0, cpu[2] - cpu[1] - cpu[0]):.0f} (single client: "
         f"{one_cpu[1]:.0f} / {one_cpu[0]:.0f} / {max(0, one_cpu[2] - one_cpu[1] - one_cpu[0]):.0f})",
         f"2 cores = {2 * secs} s"),
        ("server CPU ms per request: single / many",
         f"{1000 * one_cpu[1] / max(len(one), 1):.1f} / {1000 * cpu[1] / max(len(many), 1):.1f}",
         "the cost of the mix, whatever else runs"),
    ]
    rows += [(f"  {k} p50/p95 ms ({len(v)} requests, {sum(b for _, b in v) / len(v) / 1024:.0f} KB)",
              f"{_pct([t for t, _ in v], 50):.0f} / {_pct([t for t, _ in v], 95):.0f}",
              "single client p50/p95 " + " / ".join(
                  f"{_pct(single_kinds.get(k, []), p):.0f}" for p in (50, 95)))
             for k, v in sorted(kinds.items())]
    w = max(len(r[0]) for r in rows)
    v = max(len(r[1]) for r in rows)
    lines = [f"{'measure'.ljust(w)}  {'value'.ljust(v)}  target"]
    lines += [f"{name.ljust(w)}  {value.ljust(v)}  {target}" for name, value, target in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
