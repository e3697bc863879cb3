"""The parse worker an update forks (indexer.parse_ahead): the same records as parsing
in the indexer's own process, and a dead worker costs nothing but the time."""
import os
import signal

from indexer.parse_ahead import ParseAhead
from indexer.writer import build_index, parse_for_index
from tests.test_writer import PLAN, write


def test_the_worker_parses_as_the_indexer_would_and_a_dead_one_is_replaced(tmp_path):
    write(tmp_path, "a.txt", PLAN.format(city="甲市", n=3))
    write(tmp_path, "b.txt", PLAN.format(city="乙市", n=5))
    ahead = ParseAhead(parse_for_index)
    try:
        assert ahead._proc.pid != os.getpid()
        for name in ("a.txt", "b.txt", "missing.txt"):
            assert ahead.parse(tmp_path / name, name) == parse_for_index(tmp_path / name, name)
        os.kill(ahead._proc.pid, signal.SIGKILL)
        ahead._proc.join(5)
        assert ahead.parse(tmp_path / "b.txt", "b.txt") == \
            parse_for_index(tmp_path / "b.txt", "b.txt")        # parsed here instead
        assert ahead._broken
    finally:
        ahead.stop()
    ahead.stop()                                                 # twice is harmless


def test_an_update_parses_its_files_in_the_worker(tmp_path, monkeypatch):
    import indexer.parse_ahead as parse_ahead
    docs, index = tmp_path / "docs", tmp_path / "index"
    write(docs, "a.txt", PLAN.format(city="甲市", n=3))
    build_index([docs], index, log=lambda m: None)
    started, parsed = [], []
    real_init, real_parse = ParseAhead.__init__, ParseAhead.parse
    monkeypatch.setattr(parse_ahead.threading, "active_count", lambda: 1)
    monkeypatch.setattr(ParseAhead, "__init__", lambda self, parse: started.append(1) or real_init(self, parse))
    monkeypatch.setattr(ParseAhead, "parse",
                        lambda self, *a: parsed.append(a[1]) or real_parse(self, *a))
    write(docs, "b.txt", PLAN.format(city="乙市", n=5))
    r = build_index([docs], index, log=lambda m: None)
    assert (r.read, started, parsed) == (1, [1], ["b.txt"])
    r = build_index([docs], index, log=lambda m: None)      # nothing to parse
    assert (r.read, r.unchanged, parsed) == (0, 2, ["b.txt"])
