"""Files → clause records → Whoosh index (+ substring snapshot). The admin's batch job."""
from __future__ import annotations

import json
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable

from whoosh import index as whoosh_index
from whoosh.writing import CLEAR

from indexer.loaders import UnreadableFile, iter_source_files, load_document, meta_for, \
    sidecar_paths
from indexer.pipeline import content_hash, parse_document
from indexer.schema import clause_schema, whoosh_fields
from indexer.snapshot import build_snapshot, drop_orphans, iter_snapshot_records, snapshot_dir, \
    write_snapshot

INDEX_NAME = "clauses"


def default_index_dir() -> Path:
    env = os.environ.get("POLICY_SEARCH_INDEX")
    return Path(env) if env else project_root() / "data" / "index"


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def default_corpus_dir() -> Path:
    return project_root() / "data" / "corpus"


@dataclass
class IndexReport:
    read: int = 0            # files parsed and (re)indexed
    unchanged: int = 0       # skipped: same content hash as indexed
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (file, reason)
    removed: int = 0         # documents pruned
    clauses: int = 0         # clauses written this run
    total_clauses: int = 0   # clauses in the index afterwards
    seconds: float = 0.0
    warnings: list[tuple[str, str]] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)   # 解析写入 / 提交 / 快照 seconds

    def summary(self) -> str:
        phases = "，".join(f"{k} {v:.1f}" for k, v in self.phases.items())
        return (f"读取 {self.read} 个文件，跳过 {len(self.skipped)} 个，未变 {self.unchanged} 个，"
                f"删除 {self.removed} 个；写入 {self.clauses} 条，索引共 {self.total_clauses} 条；"
                f"用时 {self.seconds:.1f} 秒" + (f"（{phases}）" if phases else ""))


class IndexMissing(FileNotFoundError):
    """There is no index yet: the admin has not run `policy-search index`."""


def open_index(index_dir: Path, create: bool = False):
    index_dir = Path(index_dir)
    if whoosh_index.exists_in(index_dir, INDEX_NAME):
        return whoosh_index.open_dir(index_dir, INDEX_NAME)
    if not create:
        raise IndexMissing(f"索引不存在：{index_dir}")
    index_dir.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(index_dir, clause_schema(), INDEX_NAME)


def source_name(path: Path, root: Path) -> str:
    """How a file is known in the index: its path below the folder given on the command
    line (stable when the corpus moves), or its name when a single file was given."""
    return path.name if root == path else path.relative_to(root).as_posix()


def _sources(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    out = []
    for root in paths:
        root = Path(root)
        for f in iter_source_files([root]):
            out.append((f, source_name(f, root)))
    return out


def file_digest(path: Path, data: bytes | None = None) -> str:
    """The content hash of a file together with its sidecar: editing only NAME.meta.json
    is a change too."""
    data = path.read_bytes() if data is None else data
    for meta in sidecar_paths(path):
        if meta.is_file():
            try:
                data = data + b"\x00sidecar\x00" + meta.read_bytes()
            except OSError:
                pass
            break
    return content_hash(data)


def parse_file(path: Path, source: str, ocr: bool = False
               ) -> tuple[str, str, list[dict] | None, str, list[str]]:
    """(source, digest, clause records or None, reason if unreadable, warnings).
    Top-level so a process pool can run it. `ocr`: read scanned PDF pages by OCR."""
    try:
        data, text, notes = load_document(path, ocr=ocr)
        digest = file_digest(path, data)
        meta, warnings = meta_for(path)
        warnings = notes + warnings
        doc = parse_document(text, source, meta, digest)
    except UnreadableFile as exc:
        return source, "", None, exc.reason, []
    except OSError as exc:
        return source, "", None, f"无法读取：{exc.strerror or exc}", []
    except Exception as exc:  # a parser bug must not stop the run; report it per file
        return source, "", None, (f"无法解析此文件（程序内部错误 {type(exc).__name__}），"
                                  "请把文件发给维护人员"), []
    if not doc.clauses:
        return source, digest, None, "没有找到正文条款", doc.warnings
    records = doc.clause_records()
    for r in records:           # index-side only: the snapshot keeps it out of hits
        r["content_hash"] = digest
    return source, digest, records, "", warnings + doc.warnings


def indexed_sources(ix) -> dict[str, str]:
    """source → content hash of what the index holds now."""
    out = {}
    with ix.searcher() as s:
        for raw in s.lexicon("source"):
            src = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            hit = s.document(source=src)
            if hit is not None:
                out[src] = hit.get("content_hash", "")
    return out


def build_index(paths: Iterable[Path], index_dir: Path, *, rebuild: bool = False,
                prune: bool = False, progress: bool = False, procs: int | None = None,
                log: Callable[[str], None] = print, ocr: bool = False) -> IndexReport:
    """Index new and changed files; with `prune`, drop files no longer present; with
    `rebuild`, replace everything. Unreadable files are reported and keep their old clauses.

    New records are spooled to disk while Whoosh indexes them; after the commit the next
    snapshot is the previous one's rows (minus replaced and pruned files) plus the spool,
    so nothing is read back from Whoosh."""
    started = time.perf_counter()
    report = IndexReport()
    index_dir = Path(index_dir)
    ix = _open_for_writing(index_dir)
    prev = snapshot_dir(index_dir, ix.latest_generation())
    prev = prev if prev.exists() else None
    known = _snapshot_sources(prev) if prev else indexed_sources(ix)
    files, bad_names = [], []
    for path, src in _sources(paths):
        try:
            src.encode("utf-8")
            files.append((path, src))
        except UnicodeEncodeError:         # bytes of another encoding in the file name
            bad_names.append(src.encode("utf-8", "replace").decode("utf-8"))
    seen = {src for _, src in files}
    todo = []
    for name in bad_names:
        report.skipped.append((name, "文件名不是有效的 UTF-8 编码，请重命名后再索引"))
        log(f"跳过 {name}：文件名不是有效的 UTF-8 编码，请重命名后再索引")
    for path, src in files:
        if src in known and not rebuild:
            try:
                if file_digest(path) == known[src]:
                    report.unchanged += 1
                    continue
            except OSError:
                pass
        todo.append((path, src))
    gone = sorted(set(known) - seen) if prune and not rebuild else []

    procs = procs or min(2, os.cpu_count() or 1)
    bulk = len(todo) >= 200 and procs > 1
    _drop_orphan_segments(ix, index_dir)
    if bulk:
        _sub_writers_die_with_parent()
    writer = ix.writer(procs=procs, multisegment=True, limitmb=48) if bulk else ix.writer(limitmb=128)
    replaced = set(gone)
    drop_orphans(index_dir)
    spool_path = index_dir / f".spool-{os.getpid()}.jsonl"
    try:
        with open(spool_path, "wb") as spool:
            for src in gone:
                writer.delete_by_term("source", src)
                report.removed += 1
            for source, digest, records, reason, warnings in _parse_all(todo, procs, progress, bulk, ocr):
                report.warnings.extend((source, w) for w in warnings)
                for w in warnings:
                    log(f"提示 {source}：{w}")
                if records is None:
                    report.skipped.append((source, reason))
                    log(f"跳过 {source}：{reason}")
                    continue
                if source in known and not rebuild:
                    writer.delete_by_term("source", source)
                    replaced.add(source)
                for rec in records:
                    writer.add_document(**whoosh_fields(rec))
                    spool.write(json.dumps(rec, ensure_ascii=False).encode("utf-8") + b"\n")
                report.read += 1
                report.clauses += len(records)
        report.phases["解析写入"] = time.perf_counter() - started
        changed = bool(report.read or report.removed or rebuild)
        if changed:
            writer.commit(mergetype=CLEAR if rebuild else None, optimize=False)
        else:
            writer.cancel()
        report.phases["提交"] = time.perf_counter() - started - report.phases["解析写入"]

        generation = ix.latest_generation()
        if snapshot_dir(index_dir, generation).exists():
            pass
        elif rebuild or prev is not None:
            carried = () if rebuild else (r for r in iter_snapshot_records(prev)
                                          if r["source"] not in replaced)
            write_snapshot(index_dir, generation, chain(carried, _read_spool(spool_path)),
                           known_hashes={} if rebuild else known)
        else:
            build_snapshot(ix, index_dir)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    finally:
        spool_path.unlink(missing_ok=True)
    report.phases["快照"] = time.perf_counter() - started - sum(report.phases.values())
    report.total_clauses = _snapshot_rows(snapshot_dir(index_dir, ix.latest_generation()))
    report.seconds = time.perf_counter() - started
    return report


def _open_for_writing(index_dir: Path):
    """The index, created when missing. An index written with another schema (an older
    version of this program) is started over, and its snapshots with it."""
    if whoosh_index.exists_in(index_dir, INDEX_NAME):
        ix = whoosh_index.open_dir(index_dir, INDEX_NAME)
        if _same_schema(ix.schema, clause_schema()):
            return ix
    index_dir.mkdir(parents=True, exist_ok=True)
    for old in index_dir.glob("snap_*"):
        shutil.rmtree(old, ignore_errors=True)
    return whoosh_index.create_in(index_dir, clause_schema(), INDEX_NAME)


def _same_schema(a, b) -> bool:
    return sorted(a.names()) == sorted(b.names()) and all(
        type(a[n]) is type(b[n]) for n in a.names())


def _snapshot_sources(path: Path) -> dict[str, str]:
    return json.loads((path / "meta.json").read_text(encoding="utf-8"))["sources"]


def _snapshot_rows(path: Path) -> int:
    return len(json.loads((path / "meta.json").read_text(encoding="utf-8"))["clause_ids"])


def _read_spool(path: Path):
    with open(path, "rb") as fh:
        for line in fh:
            yield json.loads(line)


def die_with_parent() -> None:
    """Parse workers end when the indexer is killed (kill -9 included), instead of
    living on as orphans: Linux's PR_SET_PDEATHSIG; elsewhere nothing."""
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
        if os.getppid() == 1:            # the parent died before prctl took effect
            os._exit(1)
    except (OSError, AttributeError):
        pass


def _drop_orphan_segments(ix, index_dir: Path) -> None:
    """Segment files that no table of contents names: what a killed writer had written
    (Whoosh removes them only after a later commit, which an unchanged run never makes).
    Done only while holding Whoosh's write lock, so a writer at work keeps its files."""
    lock = ix.lock("WRITELOCK")
    if not lock.acquire(blocking=False):
        return
    try:
        ix = whoosh_index.open_dir(index_dir, INDEX_NAME)     # the TOC as of now
        live = {seg.segment_id() for seg in ix._segments()}
        for f in index_dir.glob(f"{INDEX_NAME}_*.*"):
            segment = f.name.split(".", 1)[0]
            if segment != f"{INDEX_NAME}_WRITELOCK" and segment not in live:
                f.unlink(missing_ok=True)
    finally:
        lock.release()


def _sub_writers_die_with_parent() -> None:
    """Whoosh's multiprocess writer starts SubWriterTask processes; ours first ask to be
    killed with the indexer, so a kill -9 of `index` leaves no 128 MB orphans behind."""
    from whoosh import multiproc

    if getattr(multiproc.SubWriterTask, "dies_with_parent", False):
        return

    class SubWriterTask(multiproc.SubWriterTask):
        dies_with_parent = True

        def run(self):
            die_with_parent()
            return super().run()

    multiproc.SubWriterTask = SubWriterTask


def _parse_all(todo, procs: int, progress: bool, writer_has_procs: bool, ocr: bool = False):
    """Parse files in order. When Whoosh's multiprocess writer already keeps both cores
    busy, parsing stays in this process (a parse pool would only add memory). With OCR
    too: Tesseract uses every core itself, and its per-page progress bar needs the
    terminal to itself."""
    from indexer.progress import IndexProgress
    bar = IndexProgress(len(todo)) if progress else None
    try:
        if procs > 1 and len(todo) >= 50 and not writer_has_procs and not ocr:
            with ProcessPoolExecutor(max_workers=procs, initializer=die_with_parent) as pool:
                for out in pool.map(parse_file, *zip(*todo), chunksize=8):
                    if bar:
                        bar.step(len(out[2] or ()))
                    yield out
        else:
            for path, src in todo:
                out = parse_file(path, src, ocr)
                if bar:
                    bar.step(len(out[2] or ()))
                yield out
    finally:
        if bar:
            bar.close()
