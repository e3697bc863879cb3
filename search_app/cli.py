"""`policy-search`: parse, index, search, similar, serve."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

JSONL_FIELDS = ("source", "doc_id", "title", "doc_type", "city", "province", "year", "date",
                "doc_number", "issuer", "status", "effective_date", "expiry", "level", "co_issuers",
                "index_number", "effectiveness_level", "clause_id", "seq", "kind", "label", "heading", "path",
                "text", "units", "lead_units", "stages")


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")


def cmd_parse(args) -> int:
    from indexer.loaders import iter_source_files
    from indexer.writer import source_name, parse_file
    _announce_ocr(args)
    read = skipped = 0
    for root in map(Path, args.paths):
        if not root.exists():
            _err(f"跳过 {root}：文件不存在")
            skipped += 1
            continue
        for path in iter_source_files([root]):
            source, _, records, reason, warnings = parse_file(path, source_name(path, root),
                                                              args.ocr)
            for w in warnings:
                _err(f"注意 {source}：{w}")
            if records is None:
                _err(f"跳过 {source}：{reason}")
                skipped += 1
                continue
            read += 1
            if args.jsonl:
                for r in records:
                    _out(json.dumps({k: r[k] for k in JSONL_FIELDS}, ensure_ascii=False))
            else:
                _print_document(records)
    _err(f"读取 {read} 个文件，跳过 {skipped} 个")
    return 0 if read or not skipped else 1


def _print_document(records: list[dict]) -> None:
    r0 = records[0]
    _out(f"== {r0['source']}  [{r0['doc_id']}]")
    for key, label in (("title", "标题"), ("doc_type", "文种"), ("city", "城市"),
                       ("province", "省份"), ("year", "年份"), ("date", "日期"),
                       ("doc_number", "文号"), ("issuer", "发文机关")):
        _out(f"  {label}：{r0[key] if r0[key] not in (None, '') else '—'}")
    for key, label in (("status", "时效性"), ("effective_date", "施行日期"), ("expiry", "有效期至"),
                       ("level", "发文级别"), ("co_issuers", "联合发文"), ("index_number", "索引号"),
                       ("effectiveness_level", "效力级别")):
        value = r0.get(key)
        value = "、".join(value) if isinstance(value, list) else value
        _out(f"  {label}：{value or '—'}")
    _out(f"  条款：{len(records)}")
    for r in records:
        path = " › ".join(r["path"])
        head = f"【{r['heading']}】" if r["heading"] else ""
        kind = "" if r["kind"] == "clause" else f"<{r['kind']}> "
        _out(f"  {r['seq']:>3} {kind}{r['label']}{head}  {path}")
        text = r["text"].replace("\n", " ")
        _out(f"      {text[:90]}{'…' if len(text) > 90 else ''}")
        if r["units"]:
            leads = set(r["lead_units"])
            _out("      责任单位：" + "、".join(u + ("(牵头)" if u in leads else "")
                                          for u in r["units"]))
        _out(f"      学段：{'、'.join(r['stages']) or '通用'}")


def _index_dir(args) -> Path:
    from indexer.writer import default_index_dir
    return Path(args.index) if args.index else default_index_dir()


def cmd_index(args) -> int:
    # a short-lived job whose records hold no cycles: the collector's passes over a
    # snapshot's millions of objects (and over the modules being imported) only cost
    # time, a tenth of a one-file update
    import gc
    gc.disable()
    from indexer.progress import wants_progress
    from indexer.writer import build_index, default_corpus_dir
    paths = [Path(p) for p in args.paths] or [default_corpus_dir()]
    for p in paths:
        if not p.exists():
            _err(f"路径不存在：{p}")
            return 2
    _announce_ocr(args)
    report = build_index(paths, _index_dir(args), rebuild=args.rebuild, prune=args.prune,
                         progress=wants_progress(sys.stderr, forced=args.progress), log=_err,
                         ocr=args.ocr)
    _err(report.summary())
    return 1 if report.skipped else 0     # README: 0 all read, 1 some skipped, 2 usage


def _announce_ocr(args) -> None:
    """--ocr is slow and needs system programs: say both before the run starts."""
    if not getattr(args, "ocr", False):
        return
    from indexer.ocr import missing_tools
    problem = missing_tools()
    if problem:
        _err(f"--ocr 无法使用：{problem}；没有文字层的 PDF 将被跳过")
    else:
        _err("--ocr：没有文字层的 PDF 页将用 Tesseract（chi_sim）逐页识别，每页需数秒，较慢 …")


def ensure_index(index_dir: Path) -> None:
    """First run: build the index from the bundled corpus when there is none."""
    from indexer.writer import INDEX_NAME, build_index, default_corpus_dir
    from whoosh import index as whoosh_index
    if not whoosh_index.exists_in(index_dir, INDEX_NAME):
        _err(f"首次运行：正在从 {default_corpus_dir()} 建立索引 …")
        _err(build_index([default_corpus_dir()], index_dir, log=_err).summary())


def _search_params(args):
    from search_app.params import parse_search_params
    raw = {"q": [getattr(args, "query", "") or ""], "mode": [args.mode], "sort": [args.sort],
           "page": [str(args.page)], "size": [str(args.size)]}
    for f in ("city", "province", "year", "stage", "unit", "lead_unit", "doc_type"):
        raw[f] = getattr(args, f) or []
    return parse_search_params(raw)


def _answer(args, ask):
    """Run `ask(engine)`; a caller's mistake is one line on stderr and exit status 2.
    Returns (result, None) or (None, exit status); with --json the result is printed."""
    from search_app.engine import SearchEngine
    from search_app.params import QueryError
    index_dir = _index_dir(args)
    ensure_index(index_dir)
    try:
        result = ask(SearchEngine(index_dir))
    except (QueryError, LookupError) as exc:
        _err(f"错误：{exc.args[0] if exc.args else exc}")
        return None, 2
    if args.json:
        _out(json.dumps(result, ensure_ascii=False, indent=1))
        return None, 0
    return result, None


def cmd_search(args) -> int:
    result, status = _answer(args, lambda engine: engine.search(_search_params(args)))
    if result is None:
        return status
    q = result["query"]
    if q["message"]:
        _err(q["message"])
    if q["understood"]:
        _out(f"检索词：{q['understood']}")
    counts = result["counts"]
    partial = f"，其中部分匹配 {counts['partial_shown']} 条" if counts["partial_shown"] else ""
    _out(f"共 {result['total']} 条{partial}（第 {result['page']}/{result['pages']} 页，"
         f"{result['took_ms']} ms）")
    for h in result["hits"]:
        where = " › ".join(h["path"])
        tag = "（部分匹配）" if h["match"] == "partial" else ""
        _out(f"\n[{h['clause_id']}]{tag} 《{h['title']}》{h['city']} {h['year'] or ''} "
             f"{h['doc_number']}")
        _out(f"  {where} {h['label']}")
        _out("  " + _plain_marks(h["fragment"]))
    return 0


def _plain_marks(fragment_html: str) -> str:
    import html
    return html.unescape(fragment_html.replace("<mark>", "【").replace("</mark>", "】"))


def cmd_similar(args) -> int:
    text = Path(args.file).read_text(encoding="utf-8") if args.file else args.text
    if not text and not args.clause_id:
        _err("请给出文本、--file 或 --clause-id")
        return 2
    result, status = _answer(args, lambda engine: engine.similar(
        text=text, clause_id=args.clause_id, filters=_search_params(args), limit=args.size))
    if result is None:
        return status
    if not result["hits"]:
        _out(result.get("message") or "未找到措辞相近的条款")
    for h in result["hits"]:
        _out(f"\n{h['score']:.0%}  [{h['clause_id']}] 《{h['title']}》{h['city']} {h['year'] or ''}")
        _out("  " + _plain_marks(h["highlighted"]))
    return 0


def cmd_compare(args) -> int:
    from search_app.compare import compare_documents, comparison_text, find_document

    def ask(engine):
        ids = [find_document(engine, ref) for ref in (args.a, args.b)]
        for ref, doc_id in zip((args.a, args.b), ids):
            if doc_id is None:
                raise LookupError(f"未找到文件：{ref}")
        return compare_documents(engine, *ids)
    result, status = _answer(args, ask)
    if result is None:
        return status
    _out(comparison_text(result))
    return 0


def cmd_serve(args) -> int:
    import logging
    from search_app.app import create_app
    index_dir = _index_dir(args)
    ensure_index(index_dir)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    flask_app = create_app({"INDEX_DIR": str(index_dir), "DEBUG": False})
    app = request_log(flask_app)
    workers = args.workers or (os.cpu_count() or 1)
    _err(f"服务地址：http://{args.host}:{args.port}/（{workers} 个进程 × {args.threads} 线程）")
    if workers > 1:
        try:
            return _serve_prefork(flask_app, app, args.host, args.port, workers, args.threads)
        except ImportError:
            _err("未安装 gunicorn（Windows 上没有）：改用单进程 waitress")
    from waitress import serve
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="policy-search")
    return 0


def _serve_prefork(flask_app, app, host: str, port: int, workers: int, threads: int) -> int:
    """Several worker processes (gunicorn, threads in each): Python runs one request's
    ranking at a time per process, so on N cores N processes answer N at once. The
    snapshot and the jieba dictionary are loaded before the fork: the workers share those
    pages, and the first request of each is as fast as the rest."""
    from gunicorn.app.base import BaseApplication

    from analyzers.query_words import warm_up
    from search_app.appstate import get_engine
    from search_app.evaluate import row_blocks
    from search_app.keyword import context_rows
    with flask_app.app_context():
        snap = get_engine().snapshot()
        _ = snap.context                             # the lookups a query builds
        row_blocks(snap)                             # built once, shared after the fork
        context_rows(snap)
    warm_up()
    from analyzers.align import _tables
    _tables()                                        # similar wording's per-character tables

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"{host}:{port}", "workers": workers,
                               "worker_class": "gthread", "threads": threads,
                               "accesslog": None, "timeout": 120, "graceful_timeout": 10,
                               "proc_name": "policy-search"}.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    Server().run()
    return 0


def _log_safe(text: str) -> str:
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _wsgi_text(value: str) -> str:
    """PEP 3333 hands the path over as its bytes read as latin-1: read them as the UTF-8
    they are, so /documents/大班额 is logged as written, not as å¤§ç…."""
    try:
        return value.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:          # a server that already decoded it
        return value


def request_log(app):
    """WSGI middleware: one access-log line per request (method, path, status, ms)."""
    import logging
    import time
    log = logging.getLogger("policy_search.access")

    def middleware(environ, start_response):
        started = time.perf_counter()
        status_holder = []

        def sr(status, headers, exc_info=None):
            status_holder.append(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)
        try:
            return app(environ, sr)
        finally:
            # the decoded path may hold %0a and other controls: escape them, so a
            # request cannot forge a log line
            path = _log_safe(_wsgi_text(environ.get("PATH_INFO", "")))
            qs = _log_safe(_wsgi_text(environ.get("QUERY_STRING", "")))
            log.info("%s %s %s%s %s %.1fms", environ.get("REMOTE_ADDR", "-"),
                     environ.get("REQUEST_METHOD"), path, "?" + qs if qs else "",
                     status_holder[0] if status_holder else "-",
                     (time.perf_counter() - started) * 1000)
    return middleware


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="policy-search", description="教育政策文件条款检索")
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("parse", help="解析文件，打印文档信息与条款")
    p.add_argument("paths", nargs="+")
    p.add_argument("--jsonl", action="store_true", help="每条款一行 JSON")
    p.add_argument("--ocr", action="store_true", help="用 OCR 识别扫描版 PDF（较慢，需 tesseract）")
    p.set_defaults(func=cmd_parse)

    def with_index(sp):
        sp.add_argument("--index", help="索引目录（默认 $POLICY_SEARCH_INDEX 或 data/index/）")

    p = sub.add_parser("index", help="建立或增量更新索引")
    p.add_argument("paths", nargs="*", help="文件或目录（默认 data/corpus/）")
    with_index(p)
    p.add_argument("--rebuild", action="store_true", help="清空后重建")
    p.add_argument("--prune", action="store_true", help="删除已不存在的文件的条款")
    p.add_argument("--progress", action="store_true", help="显示进度条")
    p.add_argument("--ocr", action="store_true",
                   help="用 OCR（Tesseract chi_sim）识别没有文字层的扫描版 PDF；较慢")
    p.set_defaults(func=cmd_index)

    def with_filters(sp):
        with_index(sp)
        for f in ("city", "province", "year", "stage", "unit", "lead_unit", "doc_type"):
            sp.add_argument("--" + f.replace("_", "-"), dest=f, action="append")
        sp.add_argument("--mode", default="keyword", choices=["keyword", "exact"])
        sp.add_argument("--sort", default="relevance", choices=["relevance", "date", "-date"])
        sp.add_argument("--page", type=int, default=1)
        sp.add_argument("--size", type=int, default=10)
        sp.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="检索条款")
    p.add_argument("query", nargs="?", default="")
    with_filters(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("similar", help="查找措辞相近的条款")
    p.add_argument("text", nargs="?", default="")
    p.add_argument("--file")
    p.add_argument("--clause-id")
    with_filters(p)
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("compare", help="对比两份文件的条款（相同、改写、仅A有、仅B有）")
    p.add_argument("a", help="文件 A：文件编号（doc_id）、文件名（可带目录，可不带扩展名）或标题；"
                             "同一标题有多个版本时取最新的")
    p.add_argument("b", help="文件 B：同上")
    with_index(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("serve", help="启动网页服务")
    with_index(p)
    p.add_argument("--host", default=os.environ.get("POLICY_SEARCH_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("POLICY_SEARCH_PORT", "8000")))
    p.add_argument("--threads", type=int, default=4, help="每个进程的线程数")
    p.add_argument("--workers", type=int, default=0,
                   help="进程数（默认为 CPU 核数；1 = 单进程 waitress）")
    p.set_defaults(func=cmd_serve)

    args = ap.parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        # `policy-search search … | head`: the reader left; stop quietly, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
