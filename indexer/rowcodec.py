"""How snapshot rows are encoded: JSON through orjson (several times faster than the
json module at both ends, same values), and each clause record compressed on its own with
a zstd dictionary trained on the snapshot's rows.

One frame a row keeps a hit page's 20 random reads at a few microseconds each; the
dictionary wins back what per-row compression of ~500-byte rows would lose (lawrefbook:
records 158 MB as JSONL, ~26 MB as dictionary-compressed rows without the document facts).
"""
from __future__ import annotations

import json
import threading

try:
    import orjson
except ImportError:                 # optional speed-up; the json module gives the same values
    orjson = None

try:
    import zstandard
except ImportError:
    zstandard = None

TRAIN_ROWS = 8000                   # rows the dictionary is trained on (the first ones)
DICT_BYTES = 64 << 10


def dumps(obj) -> bytes:
    if orjson is not None:
        try:
            return orjson.dumps(obj)
        except TypeError:           # an int past 64 bits: the json module takes it
            pass
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def loads(data):
    return orjson.loads(data) if orjson is not None else json.loads(data)


def train(samples: list[bytes]) -> bytes:
    """A zstd dictionary for these rows, or b"" (no dictionary: too few rows, or no zstd)."""
    if zstandard is None or len(samples) < 64:
        return b""
    try:
        return zstandard.train_dictionary(DICT_BYTES, samples).as_bytes()
    except zstandard.ZstdError:
        return b""


class RowCompressor:
    """Compresses rows one frame each ("zstd"), or stores them as they are ("raw")."""

    def __init__(self, dictionary: bytes):
        self.codec = "zstd" if zstandard is not None else "raw"
        if self.codec == "zstd":
            d = zstandard.ZstdCompressionDict(dictionary) if dictionary else None
            self._c = zstandard.ZstdCompressor(level=3, dict_data=d)

    def compress(self, row: bytes) -> bytes:
        return self._c.compress(row) if self.codec == "zstd" else row


class RowDecompressor:
    """Thread-safe: a zstd decompression context may not be shared by two threads at once,
    so each thread gets its own."""

    def __init__(self, codec: str, dictionary: bytes):
        if codec == "zstd" and zstandard is None:
            raise RuntimeError("this snapshot needs the zstandard package")
        self.codec, self._dict, self._local = codec, dictionary, threading.local()

    def decompress(self, data: bytes) -> bytes:
        if self.codec == "raw":
            return data
        d = getattr(self._local, "d", None)
        if d is None:
            dd = zstandard.ZstdCompressionDict(self._dict) if self._dict else None
            d = self._local.d = zstandard.ZstdDecompressor(dict_data=dd)
        return d.decompress(data)
