"""One way to run dibao in tests: in-process through click (fast) or as a real subprocess.

`invoke` calls the click group in this process (tracebacks visible to pytest, no start-up cost);
`dibao` starts ``python -m cli`` in a subprocess (real exit codes, real stderr, real signals).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from tests.support import ROOT


def invoke(args: list[str], workspace: Path | None = None, catch_exceptions: bool = True, **kw) -> Result:
    """Run ``dibao [--workspace W] ARGS`` in this process; returns click's Result."""
    from cli import main

    full = (["--workspace", str(workspace)] if workspace is not None else []) + [str(a) for a in args]
    return CliRunner().invoke(main, full, catch_exceptions=catch_exceptions, **kw)


def dibao(args: list[str], cwd: Path | None = None, env: dict | None = None, timeout: float = 900,
          debug: bool = False, **kw) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess (real exit codes, real stderr)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    cmd = [sys.executable, "-m", "cli", *(["--debug"] if debug else []), *[str(a) for a in args]]
    return subprocess.run(cmd, cwd=cwd or ROOT, env=full_env, capture_output=True, text=True, timeout=timeout,
                          **kw)


def start(args: list[str], cwd: Path, env: dict | None = None, **kw) -> subprocess.Popen:
    """Start ``python -m cli ARGS`` in its own session (so a test can signal the whole group); not waited for."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen([sys.executable, "-m", "cli", *[str(a) for a in args]], cwd=cwd, env=full_env,
                            start_new_session=True, **kw)
