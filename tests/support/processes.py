"""Waiting for a condition and finding running processes, for the kill -9 and orphan tests."""

from __future__ import annotations

import subprocess
import time


def wait_for(condition, seconds: float, step: float = 0.1) -> bool:
    """True as soon as condition() holds, False when it still does not after `seconds`."""
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(step)
    return True


def running(pattern: str) -> list[int]:
    """Ids of the processes whose command line matches pattern (pgrep -f)."""
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]
