"""Files → clause records → Whoosh index (+ substring snapshot). The admin's batch job."""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from whoosh import index as whoosh_index
from whoosh.writing import CLEAR

from indexer.loaders import META_SUFFIX, UnreadableFile, load_document, meta_for, \
    sidecar_paths, source_file_names
from indexer.records import content_hash
from indexer.schema import clause_schema, whoosh_fields
from indexer.rowcodec import dumps, loads
from indexer.carry import carry
from indexer.parse_ahead import ParseAhead, die_with_parent
from indexer.snapshot import IndexMissing, PendingSnapshot, drop_orphans, load_meta, \
    snapshot_dir, snapshot_generations, write_snapshot

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


def open_index(index_dir: Path, create: bool = False):
    index_dir = Path(index_dir)
    if whoosh_index.exists_in(index_dir, INDEX_NAME):
        return whoosh_index.open_dir(index_dir, INDEX_NAME)
    if not create:
        raise IndexMissing(f"索引不存在：{index_dir}")
    index_dir.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(index_dir, clause_schema(), INDEX_NAME)


def source_name(path: Path | str, root: Path) -> str:
    """How a file is known in the index: its path below the folder given on the command
    line (stable when the corpus moves), or its name when a single file was given."""
    p, r = str(path), str(root)
    if p == r:
        return Path(p).name
    if p.startswith(r + os.sep) and os.sep == "/":      # the common case, without pathlib
        return p[len(r) + 1:]
    return Path(path).relative_to(root).as_posix()


def _sources(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """(file path, source name) of every file under `paths`, the paths as strings."""
    out = []
    for root in paths:
        root = Path(root)
        for f in source_file_names([root]):
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


RACY_NS = 2_000_000_000     # a file changed this close to its stat may change again unseen


def file_signature(path: Path | str, listing: dict | None = None) -> list | None:
    """Size and modification time of a file and of its sidecar, as git's index keeps
    them: an equal signature means unchanged without reading the file. None (read and
    hash it) when it was modified within RACY_NS of now, where a coarse clock could hide
    a second change, or when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    sig = [st.st_size, st.st_mtime_ns]
    names = None
    if listing is not None:              # the folder's names, listed once for all its files
        folder = os.path.dirname(path)
        if folder not in listing:
            try:
                found = set(os.listdir(folder or "."))
                # a folder without any sidecar (the common case) needs no name made per file
                listing[folder] = found if any(n.endswith(META_SUFFIX) for n in found) else ()
            except OSError:
                listing[folder] = None
        names = listing[folder]
    for meta in sidecar_paths(Path(path)) if names != () else ():
        if names is not None and meta.name not in names:
            continue
        try:
            m = os.stat(meta)
        except OSError:
            continue
        sig += [meta.name, m.st_size, m.st_mtime_ns]
        break
    if time.time_ns() - max(sig[1], sig[-1] if len(sig) > 2 else 0) < RACY_NS:
        return None
    return sig


NO_CLAUSES = "没有找到正文条款"


def parse_file(path: Path, source: str, ocr: bool = False
               ) -> tuple[str, str, list[dict] | None, str, list[str]]:
    """(source, digest, clause records or None, reason if unreadable, warnings).
    Top-level so a process pool can run it. `ocr`: read scanned PDF pages by OCR.
    The parser is imported here, not with the module: its patterns take a tenth of a
    second to compile, which an update that only removes files need not pay."""
    from indexer.pipeline import parse_document
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
        return source, digest, None, NO_CLAUSES, doc.warnings
    records = doc.clause_records()
    for r in records:           # index-side only: the snapshot keeps it out of hits
        r["content_hash"] = digest
    return source, digest, records, "", warnings + doc.warnings


def parse_for_index(path: Path, source: str, ocr: bool = False):
    """parse_file with the records already encoded as spool lines (JSONL bytes): a
    worker encodes its own records, and one bytes object crosses the process boundary
    instead of a pickled list of dicts. (source, digest, doc id, clause count, lines or
    None, reason, warnings)."""
    source, digest, records, reason, warnings = parse_file(path, source, ocr)
    if records is None:
        return source, digest, "", 0, None, reason, warnings
    return (source, digest, records[0]["doc_id"], len(records),
            b"".join(dumps(r) + b"\n" for r in records), reason, warnings)


def _whoosh_sources(ix, prev: Path | None, prev_meta: dict | None):
    """The sources Whoosh holds (one document a file). When the newest snapshot is of
    Whoosh's latest generation and counts as many files, they are its sources: reading
    every stored document back took 0.06 s at 4× lawrefbook and grows with the corpus. A
    run killed between its commit and its snapshot leaves them apart: then Whoosh's own."""
    if prev is not None and prev_meta is not None and \
            prev.name == snapshot_dir(prev.parent, ix.latest_generation()).name and \
            len(prev_meta["sources"]) == ix.doc_count():
        return prev_meta["sources"]
    return indexed_sources(ix)


def indexed_sources(ix) -> dict[str, str]:
    """source → content hash of what Whoosh holds now (one stored document a file)."""
    with ix.reader() as reader:
        return {f["source"]: f.get("content_hash", "") for f in reader.all_stored_fields()
                if "source" in f}


def build_index(paths: Iterable[Path], index_dir: Path, *, rebuild: bool = False,
                prune: bool = False, progress: bool = False, procs: int | None = None,
                log: Callable[[str], None] = print, ocr: bool = False) -> IndexReport:
    """Index new and changed files; with `prune`, drop files no longer present; with
    `rebuild`, replace everything. Unreadable files are reported and keep their old clauses.

    The newest complete snapshot is the reference: a file it holds with the same content
    hash is not read again. New records are spooled to disk while Whoosh records their
    files; after the commit the next snapshot is that snapshot's rows (minus replaced and
    pruned files, and files Whoosh no longer holds) plus the spool. A run killed after
    its commit but before its snapshot thus costs nothing: the next run compares against
    the older snapshot and re-reads whatever it lacks."""
    # an update's few files are parsed by a worker that compiles the parser meanwhile
    updating = not rebuild and not ocr and newest_snapshot(Path(index_dir)) is not None
    ahead = ParseAhead.start(parse_for_index) if updating else None
    try:
        return _build_index(paths, index_dir, rebuild=rebuild, prune=prune, progress=progress,
                            procs=procs, log=log, ocr=ocr, ahead=ahead)
    finally:
        if ahead is not None:
            ahead.stop()


def _build_index(paths, index_dir: Path, *, rebuild: bool, prune: bool, progress: bool,
                 procs: int | None, log, ocr: bool, ahead) -> IndexReport:
    started = time.perf_counter()
    report = IndexReport()
    index_dir = Path(index_dir)
    ix = _open_for_writing(index_dir)
    prev = newest_snapshot(index_dir)
    prev_meta = load_meta(prev) if prev else None
    known = prev_meta["sources"] if prev else {}
    indexed = _whoosh_sources(ix, prev, prev_meta)
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
    seen_stats = prev_meta.get("stats", {}) if prev else {}
    seen_empty = prev_meta.get("empty", {}) if prev and not rebuild else {}
    stats: dict[str, list] = {}               # what the next run compares (file_signature)
    empty: dict[str, list] = {}               # read, readable, and no clause in them
    listing: dict = {}
    for path, src in files:
        sig = stats[src] = file_signature(path, listing)
        if sig is not None and seen_empty.get(src) == sig:
            # the same bytes as when no clause was found in them: said again, not parsed
            empty[src] = sig
            report.skipped.append((src, NO_CLAUSES))
            log(f"跳过 {src}：{NO_CLAUSES}")
            continue
        if src in known and not rebuild:
            if sig is not None and seen_stats.get(src) == sig:
                report.unchanged += 1         # same size and times: not read again
                continue
            try:
                if file_digest(Path(path)) == known[src]:
                    report.unchanged += 1
                    continue
            except OSError:
                pass
        todo.append((Path(path), src))
    gone = sorted(set(known) - seen) if prune and not rebuild else []
    unlisted = sorted(set(indexed) - seen - set(gone)) if prune and not rebuild else []

    procs = procs or min(2, os.cpu_count() or 1)
    if ahead is not None and (not todo or _pooled(todo, procs, ocr)):
        ahead.stop()                      # nothing for it to parse, or a pool's worth
        ahead = None
    _drop_orphan_segments(ix, index_dir)
    # one small Whoosh document a file: a single in-process writer is enough
    writer = ix.writer(limitmb=64)
    replaced = set(gone)
    live = set() if rebuild else set(indexed)           # sources Whoosh holds after commit
    drop_orphans(index_dir)
    spool_path = index_dir / f".spool-{os.getpid()}.jsonl"
    # with nothing to carry (a first build, a rebuild) the snapshot's rows are written
    # while the files are parsed; an update spools them, for the rows it carries from
    # the previous snapshot come first and which those are is known only at the end
    pending = PendingSnapshot(index_dir) if rebuild or prev is None else None
    try:
        with open(spool_path, "wb") as spool:
            for src in gone + unlisted:
                writer.delete_by_term("source", src)
                live.discard(src)
            report.removed = len(gone)
            for source, digest, doc_id, n, lines, reason, warnings in \
                    _parse_all(todo, procs, progress, ocr, ahead):
                report.warnings.extend((source, w) for w in warnings)
                for w in warnings:
                    log(f"提示 {source}：{w}")
                if lines is None:
                    if digest and reason == NO_CLAUSES and stats.get(source) is not None:
                        empty[source] = stats[source]
                    report.skipped.append((source, reason))
                    log(f"跳过 {source}：{reason}")
                    continue
                fields = whoosh_fields(source, doc_id, digest, n)
                if rebuild:
                    writer.add_document(**fields)
                else:                       # replaces the file's document, if any
                    writer.update_document(**fields)
                replaced.add(source)
                live.add(source)
                if pending is not None:
                    pending.add(map(loads, lines.splitlines()))
                else:
                    spool.write(lines)
                report.read += 1
                report.clauses += n
        report.phases["解析写入"] = time.perf_counter() - started
        # a file newly found empty (or no longer empty) is worth a generation: the next
        # runs then skip parsing it
        changed = bool(report.read or gone or unlisted or rebuild
                       or (prev is not None and empty != seen_empty))
        if changed:
            writer.commit(mergetype=CLEAR if rebuild else None, optimize=False)
        else:
            writer.cancel()
        report.phases["提交"] = time.perf_counter() - started - report.phases["解析写入"]

        generation = ix.latest_generation()
        if pending is not None and snapshot_dir(index_dir, generation).exists():
            pending.abandon()
        elif pending is not None:
            pending.finish(generation, stats, empty)
        elif not snapshot_dir(index_dir, generation).exists():
            carried = carry(prev, lambda s: s not in replaced and s in live, prev_meta) \
                if not rebuild and prev is not None else None
            write_snapshot(index_dir, generation, _read_spool(spool_path),
                           known_hashes={} if rebuild else known, carried=carried,
                           stats=stats, empty=empty)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        if pending is not None:
            pending.abandon()
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


def newest_snapshot(index_dir: Path) -> Path | None:
    """The newest complete snapshot, whatever Whoosh's latest generation is (a run killed
    between its commit and its snapshot leaves Whoosh one generation ahead)."""
    gens = snapshot_generations(index_dir)
    return snapshot_dir(index_dir, gens[-1]) if gens else None


def _snapshot_rows(path: Path) -> int:
    from indexer import arrayfile
    return len(arrayfile.load(path, ("lengths",))["lengths"])     # one array, not meta.json


def _read_spool(path: Path):
    with open(path, "rb") as fh:
        for line in fh:
            yield loads(line)


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


def _pooled(todo, procs: int, ocr: bool) -> bool:
    """Whether the files go to a pool of `procs` workers: enough of them, and not with
    OCR (Tesseract uses every core itself, and its per-page progress bar needs the
    terminal to itself)."""
    return procs > 1 and len(todo) >= 50 and not ocr


def _parse_all(todo, procs: int, progress: bool, ocr: bool = False, ahead=None):
    """Parse files in order: in a pool when _pooled, else in `ahead` (indexer.parse_ahead)
    when there is one, else here."""
    from indexer.progress import IndexProgress
    bar = IndexProgress(len(todo)) if progress else None
    parse = ahead.parse if ahead is not None else parse_for_index
    try:
        if _pooled(todo, procs, ocr):
            from concurrent.futures import ProcessPoolExecutor   # a one-file update needs none
            with ProcessPoolExecutor(max_workers=procs, initializer=die_with_parent) as pool:
                for out in pool.map(parse_for_index, *zip(*todo), chunksize=4):
                    if bar:
                        bar.step(out[3])
                    yield out
        else:
            for path, src in todo:
                out = parse(path, src, ocr)
                if bar:
                    bar.step(out[3])
                yield out
    finally:
        if bar:
            bar.close()
