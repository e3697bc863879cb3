"""arrays.zst: a snapshot's columns, one zstd frame each; older snapshots' arrays.npz."""
import numpy as np
import pytest

from indexer import arrayfile


def _columns():
    return {"starts": np.arange(0, 40, 4, dtype=np.int64), "empty": np.zeros(0, np.int32),
            "flags": np.array([True, False, True]), "grid": np.ones((2, 3), np.float32)}


def test_columns_come_back_with_their_types_and_shapes_writable(tmp_path):
    arrayfile.save(tmp_path, _columns())
    got = arrayfile.load(tmp_path)
    assert list(got) == list(_columns())
    for name, want in _columns().items():
        assert got[name].dtype == want.dtype and np.array_equal(got[name], want), name
        assert got[name].flags.writeable
    assert list(arrayfile.load(tmp_path, ("grid",))) == ["grid"]


def test_a_snapshot_written_before_reads_its_npz(tmp_path):
    np.savez(tmp_path / arrayfile.OLD_NAME, **_columns())
    got = arrayfile.load(tmp_path)
    assert all(np.array_equal(got[k], v) for k, v in _columns().items())


def test_a_file_of_something_else_is_refused(tmp_path):
    (tmp_path / arrayfile.NAME).write_bytes(b"PK\x03\x04 not ours")
    with pytest.raises(ValueError):
        arrayfile.load(tmp_path)
