"""Temporary files stay inside the workspace (.dibao/tmp, 0700): a `kill -9` of `audit --prepare`
leaves nothing in the system temp folder, the next run removes what it left, and a normal run
leaves nothing at all."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import sys
import time

from tests.support import ROOT
from tests.support.cli import dibao
from tests.support.workspaces import copy_ws


def _tmp_entries(ws):
    base = ws / ".dibao" / "tmp"
    return sorted(p.name for p in base.iterdir() if p.name.startswith("p")) if base.is_dir() else []


def test_normal_run_leaves_no_temp_folder(built_ws, tmp_path):
    ws = copy_ws(built_ws["root"], tmp_path / "ws")
    private = tmp_path / "systmp"
    private.mkdir()
    proc = dibao(["audit", "--prepare", str(tmp_path / "prep"), "--village", "黄沙村"], cwd=ws,
                 env={"TMPDIR": str(private)})
    assert proc.returncode in (0, 1), proc.stderr
    assert list(private.iterdir()) == []
    assert _tmp_entries(ws) == []
    base = ws / ".dibao" / "tmp"
    assert stat.S_IMODE(base.stat().st_mode) == 0o700


def test_kill_9_during_prepare_leaves_nothing_outside_and_is_cleaned(built_ws, tmp_path):
    ws = copy_ws(built_ws["root"], tmp_path / "ws")
    private = tmp_path / "systmp"
    private.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(private)}
    p = subprocess.Popen([sys.executable, "-m", "cli", "audit", "--prepare", str(tmp_path / "prep")], cwd=ws,
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    end = time.monotonic() + 120
    while time.monotonic() < end and p.poll() is None:
        if any((ws / ".dibao" / "tmp" / name).iterdir() for name in _tmp_entries(ws)):
            break       # a temp file (filled form, profile) exists: kill now
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    assert list(private.iterdir()) == [], list(private.iterdir())   # nothing in the system temp folder
    left = _tmp_entries(ws)
    proc = dibao(["validate"], cwd=ws, env={"TMPDIR": str(private)})
    assert proc.returncode in (0, 1), proc.stderr
    assert not set(left) & set(_tmp_entries(ws)), "the killed run's temp folder was not cleaned"
    assert list(private.iterdir()) == []
