"""Per-snapshot memory of what one needle costs to look up: its rows and counts, the
context rows holding it, a compound's close-together parts.

Each of these depends on the snapshot and the needle alone, and a lookup is linear in
the needle's occurrences (on 16× lawrefbook 人民政府 is a million of them), while the
same words come back query after query (人民政府, 规定, 教育 …). The cache is kept with
the snapshot (`Snapshot.derived`), so a new generation starts empty and a request never
mixes generations; it is bounded by the bytes of the arrays it holds and forgets the
least recently used first. Entries are read-only: callers must not change them.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

BUDGET_BYTES = 512 << 20        # per snapshot (per worker process)
MAX_ENTRY_SHARE = 4             # one entry holds at most a quarter of the budget


def _size(value) -> int:
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, (tuple, list)):
        return 64 + sum(_size(v) for v in value)
    return 64


class NeedleCache:
    """A byte-bounded LRU map; builds run outside the lock (two threads may build the
    same entry once each, both get an equal answer)."""

    def __init__(self, budget: int = BUDGET_BYTES):
        self.budget, self.used = budget, 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key, build):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key][0]
            self.misses += 1
        value = build()
        _freeze(value)
        size = _size(value)
        if size * MAX_ENTRY_SHARE > self.budget:
            return value
        with self._lock:
            if key not in self._items:
                self._items[key] = (value, size)
                self.used += size
                while self.used > self.budget and self._items:
                    _, (_, old) = self._items.popitem(last=False)
                    self.used -= old
        return value


def _freeze(value) -> None:
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, (tuple, list)):
        for v in value:
            _freeze(v)


def needle_cache(snap) -> NeedleCache:
    """The cache of this snapshot (a plain snapshot-like object without `derived`
    gets a fresh one each call: nothing is kept)."""
    if not hasattr(snap, "derived"):
        return NeedleCache()
    return snap.derived("needle_cache", lambda _snap: NeedleCache())
