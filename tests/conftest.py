"""Fixtures shared by every test folder.

Plain helpers live in tests/support/ (importable, not test modules); the fixtures below expose the
common ones so a test can ask for them by name:

- ``repo_root``: the checkout (cli.py, archive/, templates/, tools/)
- ``make_id``, ``record``, ``write``: a valid ID number, a minimal valid household record, writing a file
- ``run_dibao``: one way to run dibao, ``run_dibao.invoke([...])`` in process or ``run_dibao([...])`` as a
  subprocess (see tests/support/cli.py)
- ``tpl_dir``: a private copy of the form templates a test may edit like a county clerk would
- ``demo_ws``: a generated sample workspace (archive.sample.demo; yueyang profile, with scans), one per
  session, not to be modified; ``demo_ws_factory(households=, seed=, profile=, scans=)`` for others
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support import ROOT, cli
from tests.support import records as _records


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def make_id():
    return _records.make_id


@pytest.fixture(scope="session")
def record():
    return _records.record


@pytest.fixture(scope="session")
def write():
    return _records.write


class _Runner:
    """``run_dibao(args, cwd=...)`` runs a subprocess; ``run_dibao.invoke(args, workspace=...)`` runs in process."""

    def __call__(self, args, cwd=None, **kw):
        return cli.dibao(args, cwd, **kw)

    invoke = staticmethod(cli.invoke)
    start = staticmethod(cli.start)


@pytest.fixture(scope="session")
def run_dibao():
    return _Runner()


@pytest.fixture()
def tpl_dir(tmp_path, monkeypatch):
    """A private copy of the templates a test may edit like a county clerk would."""
    from archive.forms import catalog

    d = tmp_path / "tpl"
    shutil.copytree(catalog.TEMPLATE_DIR, d)
    monkeypatch.setattr(catalog, "TEMPLATE_DIR", d)
    return d


@pytest.fixture(scope="session")
def demo_ws_factory(tmp_path_factory):
    """Generate sample workspaces, each set of arguments once per session (callers must not modify them)."""
    from archive.sample.demo import generate

    made: dict[tuple, object] = {}

    def make(households: int = 6, seed: int = 1, profile: str = "yueyang", scans: bool = True):
        key = (households, seed, profile, scans)
        if key not in made:
            root = tmp_path_factory.mktemp(f"demo-{profile}-{households}-{seed}") / "ws"
            made[key] = generate(root, households=households, seed=seed, profile=profile, scans=scans)
        return made[key]

    return make


@pytest.fixture(scope="session")
def demo_ws(demo_ws_factory):
    return demo_ws_factory()
