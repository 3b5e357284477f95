"""One real build of a small yueyang demo workspace, shared by the archival tests of a worker."""

from __future__ import annotations

import pytest

from tests.support.cli import dibao as run_cli


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    from archive.sample.demo import generate

    ws_dir = tmp_path_factory.mktemp("archival") / "ws"
    generate(ws_dir, households=4, seed=5, profile="yueyang")
    done = run_cli(["build", "--jobs", "2"], ws_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    return {"ws": ws_dir, "out": ws_dir / "archive"}
