"""Fixtures of the web tests: a 3-household demo workspace (records only, made in about a second)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def dibao(args: list[str], cwd: Path | None = None, input: str | None = None, timeout: float = 300):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=cwd or ROOT, env=env, input=input,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def demo_ws(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("webdemo") / "ws"
    done = dibao(["demo", "--out", str(out), "-n", "3", "--no-scans", "--no-run"])
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture
def ws_dir(demo_ws, tmp_path) -> Path:
    """A fresh copy of the demo workspace for one test."""
    dest = tmp_path / "ws"
    shutil.copytree(demo_ws, dest)
    return dest
