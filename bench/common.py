"""Shared bench helpers: machine facts, medians and percentiles, timed runs, peak memory of a process tree."""

from __future__ import annotations

import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = ROOT / ".venv" / "bin" / "python"
DIBAO = ROOT / ".venv" / "bin" / "dibao"
WORK = ROOT / "bench" / "work"


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def percentile(xs, p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    s = sorted(xs)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _version(cmd) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "not found"


def machine() -> dict:
    mem = Path("/proc/meminfo").read_text()
    kb = int(re.search(r"MemTotal:\s+(\d+)", mem).group(1))
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    from archive.external.libreoffice import find_soffice

    try:
        soffice = _version([find_soffice(), "--version"])
    except Exception:  # noqa: BLE001
        soffice = "not found"
    return {"cores": os.cpu_count(), "memory_gib": round(kb / 1024 / 1024, 1),
            "cpu": cpu.group(1).strip() if cpu else platform.processor(),
            "os": platform.platform(), "python": sys.version.split()[0],
            "libreoffice": soffice, "tesseract": _version(["tesseract", "--version"])}


# ----------------------------------------------------------------- process-tree memory

def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read().decode("latin-1")
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(pid: int) -> tuple[int, int]:
    """(RSS of pid and all its descendants, RSS of the soffice processes among them) in KiB."""
    kids = _children()
    todo, total, office = [pid], 0, 0
    while todo:
        p = todo.pop()
        rss = _rss_kb(p)
        total += rss
        try:
            comm = Path(f"/proc/{p}/comm").read_text().strip()
        except OSError:
            comm = ""
        if comm.startswith("soffice"):
            office += rss
        todo.extend(kids.get(p, []))
    return total, office


class PeakSampler:
    """Samples the RSS of a process tree every `every` seconds; .peak_mb, .office_peak_mb."""

    def __init__(self, pid: int, every: float = 0.2):
        self.pid, self.every = pid, every
        self.peak = self.office_peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            total, office = tree_rss_kb(self.pid)
            self.peak, self.office_peak = max(self.peak, total), max(self.office_peak, office)
            self._stop.wait(self.every)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()

    @property
    def peak_mb(self) -> float:
        return self.peak / 1024

    @property
    def office_peak_mb(self) -> float:
        return self.office_peak / 1024


def run_cli(args: list[str], cwd: Path | None = None, memory: bool = False, check: bool = True) -> dict:
    """Run `dibao ARGS` and time it; with memory=True also the peak RSS of its process tree."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    t0 = time.monotonic()
    proc = subprocess.Popen([str(DIBAO), *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    sampler = PeakSampler(proc.pid) if memory else None
    if sampler:
        sampler.__enter__()
    out, err = proc.communicate()
    seconds = time.monotonic() - t0
    if sampler:
        sampler.__exit__()
    if check and proc.returncode not in (0,):
        raise RuntimeError(f"dibao {' '.join(args)} exited {proc.returncode}:\n{err[-3000:]}\n{out[-2000:]}")
    res = {"seconds": seconds, "rc": proc.returncode, "stdout": out, "stderr": err}
    if sampler:
        res["peak_mb"], res["office_peak_mb"] = sampler.peak_mb, sampler.office_peak_mb
    return res


RUN_TREE = "import sys; sys.argv[0] = 'dibao'; from cli import run; sys.exit(run())"


def run_tree(src: Path, args: list[str]) -> dict:
    """`dibao ARGS` run from the source tree SRC (a checkout or a `git archive` of another commit)
    through this venv's Python: wall seconds, CPU seconds (RUSAGE_CHILDREN deltas: dibao and the
    children it waited for; the caller runs nothing else meanwhile) and its output.  Exit 0 and 1
    (a build with household problems) are results; anything else raises."""
    import resource

    # run in the tree itself: `python -c` puts the current folder first on sys.path, before
    # PYTHONPATH, so started from a checkout it would import that checkout's cli instead
    env = dict(os.environ, PYTHONPATH=str(src), PYTHONWARNINGS="ignore")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.Popen([str(PY), "-c", RUN_TREE, *args], cwd=src, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{src.name}: dibao {' '.join(args)} exited {proc.returncode}:\n{err[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "stdout": out}


def json_report(stdout: str) -> dict:
    """The JSON object a `dibao … --json` run printed (after any progress lines)."""
    import json

    return json.loads(stdout[stdout.index("{"):])


def fresh(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 1024 / 1024
