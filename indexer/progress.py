"""Progress of a long index run: files done, clauses per second, time left.

Shown on a terminal only: a log file, a pipe or CI (`CI` set, as CI services do) get
the one summary line at the end and nothing else, since a bar redrawn with carriage
returns is noise in a log. `--progress` asks for the bar anyway."""
from __future__ import annotations

import os
import sys
import time
from typing import Mapping, TextIO


def wants_progress(stream: TextIO, env: Mapping[str, str] = os.environ,
                   forced: bool = False) -> bool:
    """A bar on `stream`? Asked for, or a terminal outside CI."""
    if forced:
        return True
    if env.get("CI", "").strip().lower() not in ("", "0", "false"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):        # closed or not a real stream
        return False


class IndexProgress:
    """A tqdm bar over the files to parse, with the clause rate beside it."""

    def __init__(self, files: int, stream: TextIO | None = None, every: float = 0.5):
        from tqdm import tqdm
        self.clauses = 0
        self.started = time.perf_counter()
        self.bar = tqdm(total=files, unit="文件", desc="索引", leave=False,
                        file=stream or sys.stderr, mininterval=every)

    def step(self, clauses: int) -> None:
        """One file parsed, holding `clauses` clauses."""
        self.clauses += clauses
        rate = self.clauses / max(time.perf_counter() - self.started, 1e-9)
        self.bar.set_postfix_str(f"{self.clauses} 条，{rate:.0f} 条/秒", refresh=False)
        self.bar.update()

    def close(self) -> None:
        self.bar.close()
