"""Temporary files inside the workspace: .dibao/tmp/p<pid>-<random>/ (0700), one folder per process.

`activate(state_dir)` points Python's tempfile module (and, through TMPDIR, every child
program: LibreOffice, tesseract) at a fresh private folder under the workspace, so filled
forms and scan images never land in the system temp folder.  The folder is removed when
dibao exits normally, on an error, on Ctrl-C or SIGTERM; after a `kill -9` it stays inside
the workspace (readable by the owner only) and the next dibao run removes it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import tempfile
from pathlib import Path

PREFIX = "p"
_active: Path | None = None
_old_tmpdir_env: str | None = None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(base: Path) -> int:
    """Remove the folders of dibao processes that are gone; returns how many."""
    n = 0
    try:
        entries = list(Path(base).iterdir())
    except OSError:
        return 0
    for p in entries:
        name = p.name
        if not name.startswith(PREFIX) or "-" not in name:
            continue
        try:
            pid = int(name[len(PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(p, ignore_errors=True)
            n += 1
    return n


def _remove() -> None:
    global _active
    folder, _active = _active, None
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        tempfile.tempdir = None
        if _old_tmpdir_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = _old_tmpdir_env


def _on_term(signum, frame):  # noqa: ARG001 - signal handler signature
    _remove()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def activate(state_dir: Path) -> Path | None:
    """Use a private folder under state_dir/tmp for every temporary file of this process.
    None (system temp kept) when the workspace cannot be written (read-only media)."""
    global _active, _old_tmpdir_env
    base = Path(state_dir) / "tmp"
    if _active is not None:
        if _active.parent == base and _active.is_dir():
            return _active
        _remove()   # another workspace in the same process (tests)
    try:
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(base, 0o700)
        clean_stale(base)
        folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base))
    except OSError:
        return None
    _active = folder
    _old_tmpdir_env = os.environ.get("TMPDIR")
    tempfile.tempdir = str(folder)
    os.environ["TMPDIR"] = str(folder)
    atexit.unregister(_remove)
    atexit.register(_remove)
    try:
        if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
            signal.signal(signal.SIGTERM, _on_term)
        if hasattr(signal, "SIGHUP") and signal.getsignal(signal.SIGHUP) in (signal.SIG_DFL, None):
            signal.signal(signal.SIGHUP, _on_term)
    except ValueError:   # not the main thread (tests): atexit is enough
        pass
    return folder


def active() -> Path | None:
    return _active
