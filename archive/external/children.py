"""Child programs (tesseract, pdftoppm) die with the dibao that started them.

`command(cmd)` puts util-linux's `setpriv --pdeathsig KILL` in front of a command: the kernel
(prctl PR_SET_PDEATHSIG, kept across exec) then sends SIGKILL to the program when the dibao thread
that started it dies, so a `kill -9` of dibao leaves no tesseract running on.  setpriv is used
rather than a preexec_fn because OCR runs in threads, where Python code between fork and exec can
deadlock.  Without setpriv (not Linux) the command is returned unchanged.

Not for a program that starts its own children and must clean them up (the batch soffice's
watcher shell in soffice.py): killed at once, it could no longer kill the soffice it started.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache


@lru_cache(maxsize=1)
def _setpriv() -> tuple[str, ...]:
    exe = shutil.which("setpriv")
    if not exe:
        return ()
    prefix = (exe, "--pdeathsig", "KILL", "--")
    try:  # util-linux before 2.33 has no --pdeathsig
        ok = subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    return prefix if ok else ()


def command(cmd: list[str]) -> list[str]:
    """cmd, started so that the program is killed when its dibao dies."""
    return [*_setpriv(), *cmd]
