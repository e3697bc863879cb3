"""A parse worker forked as an update starts.

Importing the parser compiles its regular expressions, about 0.1 s, a tenth of a
one-file update. The worker pays that while the main process opens the index, reads the
previous snapshot's metadata and walks and stats the folder to find what changed; the
few changed files are then parsed there, one at a time, in order. An update with
nothing to parse stops it unused. Anything that goes wrong with the worker (it cannot
be forked, it dies) only means the file is parsed in the main process, as before.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
import warnings


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


def _serve(conn, parse) -> None:
    die_with_parent()
    import indexer.pipeline  # noqa: F401 — the point: compiled before the first file comes
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(parse(*job))


class ParseAhead:
    """One forked worker holding the parser; `parse(path, source, ocr)` runs the given
    function (indexer.writer.parse_for_index) there."""

    def __init__(self, parse):
        ctx = multiprocessing.get_context("fork")
        self._parse = parse
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, parse), name="parse-ahead",
                                 daemon=True)
        with warnings.catch_warnings():
            # Python 3.12+ warns on any fork of a process with other OS threads. Here
            # those are at most numpy's idle BLAS workers (start() refuses when Python
            # threads run); the worker never calls BLAS, and the interpreter's own locks
            # are reset in a forked child.
            warnings.simplefilter("ignore", DeprecationWarning)
            self._proc.start()
        child.close()
        self._broken = False

    @classmethod
    def start(cls, parse) -> "ParseAhead | None":
        """A worker, or None where forking is unsafe (other threads: a fork copies their
        locks mid-use) or impossible."""
        if threading.active_count() > 1 or \
                "fork" not in multiprocessing.get_all_start_methods():
            return None
        try:
            return cls(parse)
        except OSError:
            return None

    def parse(self, path, source: str, ocr: bool = False):
        if not self._broken:
            try:
                self._conn.send((path, source, ocr))
                return self._conn.recv()
            except (EOFError, OSError):
                self._broken = True           # the worker died: parse here from now on
        return self._parse(path, source, ocr)

    def stop(self) -> None:
        """Let the worker go (it exits once it reads this; a daemon, it never outlives
        the indexer)."""
        try:
            self._conn.send(None)
        except OSError:
            pass
        self._conn.close()
