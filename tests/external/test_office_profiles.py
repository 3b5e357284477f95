"""archive.external.libreoffice: workers started ahead (Converter.start), kept profiles (ProfileCache), closing without waiting."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from archive.external.libreoffice import Converter, ProfileCache, find_soffice
from tests.support.office import make_form, pdf_text

pytestmark = pytest.mark.skipif(
    not any(os.access(os.path.join(d, "soffice"), os.X_OK) for d in os.environ.get("PATH", "").split(os.pathsep)),
    reason="LibreOffice not installed",
)


def soffice_count(marker: str) -> int:
    out = subprocess.run(["pgrep", "-f", f"soffice.bin.*{marker}"], capture_output=True, text=True).stdout
    return len(out.split())


def test_profile_cache_take_and_give(tmp_path):
    cache = ProfileCache(tmp_path / "cache", find_soffice())
    dest = tmp_path / "w" / "profile"
    dest.parent.mkdir()
    assert not cache.take(dest)                      # nothing kept yet
    (dest / "user").mkdir(parents=True)
    (dest / "user" / "registrymodifications.xcu").write_text("x")
    cache.give(dest)
    assert not dest.exists() and len(list(cache.path.glob("ready-*"))) == 1
    assert cache.take(dest) and (dest / "user" / "registrymodifications.xcu").read_text() == "x"
    assert not any(cache.path.glob("ready-*"))
    cache.give(tmp_path / "w" / "nothing")           # a worker that never started gives nothing
    assert not any(cache.path.glob("ready-*"))
    assert ProfileCache(None, find_soffice()).take(dest) is False


def test_started_workers_and_kept_profiles(tmp_path):
    work, cache = tmp_path / "work", tmp_path / "cache"
    src = make_form(tmp_path / "a.docx", "最低生活保障申请书")
    conv = Converter(workers=2, timeout=60, workdir=work, profile_cache=cache)
    conv.start()                                      # both workers start now, in the background
    deadline = time.monotonic() + 60
    while not all(s.proc is not None and not s.busy.locked() for s in conv._slots) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert soffice_count(str(work)) == 2             # both ready before any document asked
    conv.convert(src, tmp_path / "a.pdf")
    t0 = time.monotonic()
    conv.close(graceful=False)                       # killed, not asked to quit
    assert time.monotonic() - t0 < 5
    assert soffice_count(str(work)) == 0 and not any(work.iterdir())
    kept = sorted(next(cache.iterdir()).glob("ready-*"))
    assert len(kept) == 2 and all((k / "user").is_dir() for k in kept)
    # the next converter starts on them (no first-start of a fresh profile) and gives them back
    with Converter(workers=1, timeout=60, workdir=work, profile_cache=cache) as conv2:
        conv2.convert(src, tmp_path / "b.pdf")
        assert len(list(next(cache.iterdir()).glob("ready-*"))) == 1
    assert len(list(next(cache.iterdir()).glob("ready-*"))) == 2
    assert "最低生活保障申请书" in pdf_text(tmp_path / "b.pdf") and len(PdfReader(tmp_path / "b.pdf").pages) == 1


def test_start_failure_is_reported_by_the_document(tmp_path, monkeypatch):
    """A warm-up that cannot start LibreOffice is not counted; the document's own try reports it."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("DIBAO_SOFFICE", str(fake))
    src = make_form(tmp_path / "a.docx", "甲")
    with Converter(workers=1, timeout=20, workdir=tmp_path / "w") as conv:
        conv.start()
        time.sleep(1)
        with pytest.raises(Exception) as err:
            conv.convert(src, tmp_path / "a.pdf")
    assert "LibreOffice" in str(err.value) and "不再重试" not in str(err.value)
    assert not Path(tmp_path / "a.pdf").exists()
