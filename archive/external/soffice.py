"""Processes behind archive.external.libreoffice: a warm UNO worker, or one soffice call per file.

Both kinds run in a session of their own, so the driver and every soffice process
under it form one process group that kill_group() takes down at once (SIGKILL).
Both answer convert(src, dest, deadline) with a reply dict:
{"ok": True} or {"ok": False, "kind": "input" | "export" | "crash", "message": ...},
and raise WorkerTimeout past the deadline or WorkerGone when the process ended.
Messages here are technical, for the log; archive.external.libreoffice turns them into Chinese.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from functools import lru_cache
from pathlib import Path

from archive.fsutil import ensure_dir

log = logging.getLogger("dibao.office")



def find_uno_python() -> str:
    """The Python that can import LibreOffice's `uno` module on this platform.

    DIBAO_UNO_PYTHON overrides.  Debian/Ubuntu/Kylin/UOS: the system /usr/bin/python3 with
    python3-uno.  Windows and macOS: LibreOffice ships its own Python beside soffice
    (program/python.exe, Contents/Resources/python).  Nothing found: the Debian path, whose
    absence makes conversion fall back to one soffice call per file.
    """
    override = os.environ.get("DIBAO_UNO_PYTHON")
    if override:
        return override
    candidates: list[str] = []
    if os.name == "nt":
        for base in filter(None, (os.environ.get("ProgramFiles"), os.environ.get("ProgramFiles(x86)"))):
            candidates.append(os.path.join(base, "LibreOffice", "program", "python.exe"))
    elif sys.platform == "darwin":
        candidates.append("/Applications/LibreOffice.app/Contents/Resources/python")
    candidates += ["/usr/bin/python3", "/opt/libreoffice/program/python"]
    for c in candidates:
        if os.access(c, os.X_OK):
            return c
    return "/usr/bin/python3"


UNO_PYTHON = find_uno_python()
WORKER_SCRIPT = Path(__file__).with_name("uno_worker.py")
FONTS_CONF = Path(__file__).resolve().parents[1] / "fonts" / "fonts.conf"
RESTART_CODES = (79, 81)  # soffice on a fresh profile asks to be started again
MAX_LAUNCHES = 4
QUIT_GRACE = 10.0  # seconds a worker gets to close soffice before it is killed
SOFFICE_FLAGS = ("--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck")
BATCH_PDF_FILTER = (
    'pdf:writer_pdf_Export:{"ExportBookmarks":{"type":"boolean","value":"true"},'
    '"ExportFormFields":{"type":"boolean","value":"false"},'
    '"ExportNotes":{"type":"boolean","value":"false"},'
    '"SelectPdfVersion":{"type":"long","value":"2"}}'
)

# Runs a batch soffice in its own session and kills that session if our process dies
# (kill -9): the UNO driver does the same from a thread (uno_worker._watch_parent).  Not started
# through children.command: a watcher killed with its parent could no longer kill soffice.
PARENT_WATCH = (
    'parent=$1; shift; "$@" & child=$!; '
    'while kill -0 "$child" 2>/dev/null; do kill -0 "$parent" 2>/dev/null || kill -KILL 0; sleep 0.5; done; '
    'wait "$child"'
)


@lru_cache(maxsize=1)
def uno_available() -> bool:
    if not os.access(UNO_PYTHON, os.X_OK):
        return False
    try:
        done = subprocess.run(
            [UNO_PYTHON, "-c", "import uno"], env=office_env(), capture_output=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def office_env() -> dict:
    """Environment for soffice and the UNO driver: no venv leaking into Debian's Python."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    return env


class WorkerTimeout(Exception):
    pass


class WorkerGone(Exception):
    """The worker process ended (soffice crashed or was killed)."""


class NoUno(Exception):
    pass


def _group_alive(pgid: int) -> bool:
    """True while any non-zombie process of the group is left."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != b"Z":
            return True
    return False


def kill_group(proc: subprocess.Popen | None) -> None:
    """SIGKILL the session a worker was started in, and wait until it is gone."""
    if proc is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        proc.wait(timeout=10)
    deadline = time.monotonic() + 5
    while _group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.02)


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


class UnoProcess:
    """A uno_worker.py driver and the soffice under it (one process group)."""

    def __init__(self, soffice: str, folder: Path, memory_mb: int | None):
        self.folder = folder
        self.cmd = [
            UNO_PYTHON, str(WORKER_SCRIPT),
            "--soffice", soffice,
            "--profile", str(folder / "profile"),
            "--pipe", f"dibao-{os.getpid()}-{uuid.uuid4().hex[:12]}",
            "--log", str(folder / "soffice.log"),
            "--memory-mb", str(memory_mb or 0),
        ]  # fmt: skip
        self.proc: subprocess.Popen | None = None
        self.lines: queue.Queue = queue.Queue()
        self.seq = 0

    def start(self, deadline: float) -> None:
        with open(self.folder / "worker.log", "ab") as errlog:
            self.proc = subprocess.Popen(
                self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errlog,
                env=office_env(), start_new_session=True,
            )  # fmt: skip
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()
        msg = self._next(deadline)
        if msg.get("event") == "ready":
            return
        if msg.get("kind") == "nouno":
            raise NoUno(msg.get("message"))
        raise WorkerGone(msg.get("message", "worker failed to start"))

    def _read(self, stream) -> None:
        try:
            for raw in stream:
                try:
                    self.lines.put(json.loads(raw))
                except ValueError:
                    log.debug("worker said: %r", raw)
        except (OSError, ValueError):
            pass
        finally:  # whoever waits must always learn that the worker is gone
            self.lines.put(None)
            with contextlib.suppress(Exception):
                stream.close()

    def _next(self, deadline: float) -> dict:
        try:
            msg = self.lines.get(timeout=_remaining(deadline))
        except queue.Empty:
            raise WorkerTimeout() from None
        if msg is None:
            raise WorkerGone("worker exited")
        return msg

    def convert(self, src: Path, dest: Path, deadline: float) -> dict:
        self.seq += 1
        req = {"id": self.seq, "src": str(src), "dest": str(dest)}
        proc = self.proc
        if proc is None:
            raise WorkerGone("worker killed")
        try:
            proc.stdin.write((json.dumps(req) + "\n").encode())
            proc.stdin.flush()
        except (OSError, ValueError):
            raise WorkerGone("worker pipe closed") from None
        while True:
            msg = self._next(deadline)
            if msg.get("id") == self.seq:
                return msg

    def close(self) -> None:
        """Ask the worker to close soffice properly; kill the group if it takes too long."""
        if self.proc is None:
            return
        with contextlib.suppress(OSError, ValueError):
            self.proc.stdin.write(b'{"cmd": "quit"}\n')
            self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=QUIT_GRACE)
        self.kill()

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        kill_group(proc)
        if proc is not None:  # stdout is closed by the reader thread when it sees the end
            with contextlib.suppress(Exception):
                proc.stdin.close()


class BatchProcess:
    """Fallback without python3-uno: one `soffice --convert-to pdf` call per document."""

    def __init__(self, soffice: str, folder: Path, memory_mb: int | None):
        self.soffice = soffice
        self.folder = folder
        self.memory_mb = memory_mb
        self.proc: subprocess.Popen | None = None

    def start(self, deadline: float) -> None:
        pass

    def convert(self, src: Path, dest: Path, deadline: float) -> dict:
        indir, outdir = self.folder / "in", self.folder / "out"
        for d in (indir, outdir):
            shutil.rmtree(d, ignore_errors=True)
            ensure_dir(d)
        local = indir / "document.docx"  # a private copy: the source is never touched
        shutil.copyfile(src, local)
        cmd = [self.soffice, *SOFFICE_FLAGS, "-env:UserInstallation=" + (self.folder / "profile").as_uri(),
               "--infilter=MS Word 2007 XML", "--convert-to", BATCH_PDF_FILTER, "--outdir", str(outdir), str(local)]
        if self.memory_mb and shutil.which("prlimit"):
            cmd = ["prlimit", f"--as={self.memory_mb * 1024 * 1024}", "--", *cmd]
        result = outdir / "document.pdf"
        for _ in range(MAX_LAUNCHES):
            code, output = self._run(cmd, deadline)
            if result.is_file() and result.stat().st_size > 0:
                shutil.copyfile(result, dest)
                return {"ok": True}
            if code not in RESTART_CODES:
                break
        if "could not be loaded" in output:
            return {"ok": False, "kind": "input", "message": output[-500:]}
        if code != 0:
            return {"ok": False, "kind": "crash", "message": f"soffice exit code {code}: {output[-500:]}"}
        return {"ok": False, "kind": "export", "message": output[-500:]}

    def _run(self, cmd: list[str], deadline: float) -> tuple[int, str]:
        with tempfile.TemporaryFile(dir=self.folder) as out:
            watched = ["/bin/sh", "-c", PARENT_WATCH, "dibao-watch", str(os.getpid()), *cmd]
            self.proc = subprocess.Popen(watched, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                         env=office_env(), start_new_session=True)
            try:
                code = self.proc.wait(timeout=_remaining(deadline))
            except subprocess.TimeoutExpired:
                self.kill()
                raise WorkerTimeout() from None
            finally:
                proc, self.proc = self.proc, None
                kill_group(proc)  # a normal exit may leave helpers behind
            out.seek(0)
            return code, out.read().decode("utf-8", "replace")

    def close(self) -> None:
        self.kill()

    def kill(self) -> None:
        kill_group(self.proc)
