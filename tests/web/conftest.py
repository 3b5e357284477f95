"""Fixtures of the web tests: a 3-household demo workspace (records only, made in about a second)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.cli import dibao


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
