"""fsutil's atomic writes: durable by default (fsync), durable=False for caches (no fsync)."""

import os
import stat

from archive import fsutil


def test_default_write_is_fsynced_and_private(tmp_path, monkeypatch):
    calls = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real(fd)))
    dest = fsutil.atomic_write_bytes(tmp_path / "a.bin", b"abc")
    assert dest.read_bytes() == b"abc" and calls
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600


def test_cache_write_skips_fsync_but_stays_atomic_and_private(tmp_path, monkeypatch):
    def no_fsync(fd):
        raise AssertionError("durable=False must not fsync")

    monkeypatch.setattr(os, "fsync", no_fsync)
    dest = fsutil.atomic_write_bytes(tmp_path / "c.pkl", b"old", durable=False)
    fsutil.atomic_write_bytes(dest, b"new", durable=False)
    assert dest.read_bytes() == b"new"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["c.pkl"]   # no temporary file left behind
