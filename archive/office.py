"""Word (.docx) to PDF through LibreOffice, fast and safely.

Design (figures in /work/shared/reference/measurements.md):

* Each worker is a warm soffice with its own temporary profile, driven over UNO by
  archive/uno_worker.py.  `uno` imports only under Debian's /usr/bin/python3, so the
  driver is a small separate process talking JSON lines over stdin/stdout.  About
  0.35 s per one-page form against 1.5 s for one `soffice --convert-to` per file;
  two workers use both cores.
* Each worker runs in a session of its own, so the driver and every soffice process
  under it form one process group: a document running past `timeout` gets the whole
  group killed (SIGKILL), the caller gets ToolFailed, and the next document starts a
  fresh worker.  A crashed soffice is replaced the same way, and the document it was
  working on is tried once more.  Workers are recycled every `recycle_after`
  documents (soffice grows from ~225 to ~340 MB over 450 conversions).
* Without /usr/bin/python3 + python3-uno, each document is converted by one
  `soffice --headless --convert-to pdf` call instead (same profile, font and time
  limit rules; slower).  DIBAO_OFFICE_MODE=batch|uno forces a mode.
* soffice gets FONTCONFIG_FILE=archive/fonts/fonts.conf, which maps 宋体/仿宋/楷体/
  小标宋 to Noto Serif CJK SC and 黑体/雅黑 to Noto Sans CJK SC.
* Output is written atomically (temporary name next to dest, then rename): a failed
  or interrupted conversion never leaves a partial dest.

DIBAO_SOFFICE may name another soffice binary (tests use small fake scripts).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
import weakref
import zipfile
from functools import lru_cache
from pathlib import Path

from archive.errors import InputError, ToolFailed, ToolMissing
from archive.fsutil import atomic_path, ensure_dir
from archive.ids import redact_ids

log = logging.getLogger("dibao.office")

SOFFICE_ENV = "DIBAO_SOFFICE"
MODE_ENV = "DIBAO_OFFICE_MODE"
UNO_PYTHON = "/usr/bin/python3"
WORKER_SCRIPT = Path(__file__).with_name("uno_worker.py")
FONTS_CONF = Path(__file__).with_name("fonts") / "fonts.conf"

INSTALL_HINT = "请安装 LibreOffice：sudo apt-get install libreoffice-writer-nogui python3-uno fonts-noto-cjk（或在项目目录运行 make setup）"
RESTART_CODES = (79, 81)  # soffice on a fresh profile asks to be started again
MAX_LAUNCHES = 4
ROOT_PREFIX = "dibao-office-"  # + pid of the owning process
QUIT_GRACE = 10.0  # seconds a worker gets to close soffice before it is killed
ABORTED = "转换已中止（程序正在退出），本文件没有转换"

# A .docx is a zip; refuse ones that expand absurdly (a 1 GB image part took 14 s and 2 GB to open).
MAX_UNPACKED = 300 * 1024 * 1024
MAX_ENTRIES = 5000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

BATCH_PDF_FILTER = (
    'pdf:writer_pdf_Export:{"ExportBookmarks":{"type":"boolean","value":"true"},'
    '"ExportFormFields":{"type":"boolean","value":"false"},'
    '"ExportNotes":{"type":"boolean","value":"false"}}'
)
SOFFICE_FLAGS = ("--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck")


# ---------------------------------------------------------------------------------------
# finding LibreOffice
# ---------------------------------------------------------------------------------------
def find_soffice() -> str:
    """Path of the soffice program; DIBAO_SOFFICE overrides the search."""
    override = os.environ.get(SOFFICE_ENV)
    if override:
        if os.path.isfile(override) and os.access(override, os.X_OK):
            return override
        raise ToolMissing(
            f"环境变量 {SOFFICE_ENV} 指定的 LibreOffice 程序不存在或不能运行",
            path=override,
            hint=f"改正或删除环境变量 {SOFFICE_ENV}；{INSTALL_HINT}",
        )
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice"):
        if os.access(candidate, os.X_OK):
            return candidate
    raise ToolMissing("没有找到 LibreOffice（soffice），无法把 Word 表格转换成 PDF", hint=INSTALL_HINT)


@lru_cache(maxsize=1)
def _uno_available() -> bool:
    if not os.access(UNO_PYTHON, os.X_OK):
        return False
    try:
        done = subprocess.run(
            [UNO_PYTHON, "-c", "import uno"], env=_clean_env(), capture_output=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _office_mode() -> str:
    forced = os.environ.get(MODE_ENV, "").strip().lower()
    if forced in ("uno", "batch"):
        return forced
    if _uno_available():
        return "uno"
    log.warning("python3-uno unavailable under %s: converting one soffice call per file (slower)", UNO_PYTHON)
    return "batch"


def _clean_env() -> dict:
    """Environment for soffice and the UNO driver: no venv leaking into Debian's Python."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    return env


# ---------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------
def check_docx(src: Path) -> None:
    """Raise InputError unless src looks like a Word 2007+ document LibreOffice can open."""
    src = Path(src)
    redo = "用 Word 或 WPS 打开后“另存为” .docx 格式，再重新运行"
    if not src.is_file():
        raise InputError("找不到要转换的文件", path=src, hint="检查文件名和路径是否正确")
    try:
        with open(src, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(f"无法读取文件（{exc.strerror or exc}）", path=src, hint="检查文件权限") from exc
    if head == OLE_MAGIC:
        raise InputError(
            "这不是 .docx 文件：是旧版 Word 97-2003（.doc）文件改了扩展名，或是加了密码的文档", path=src, hint=redo + "；有密码的请先取消密码"
        )
    try:
        with zipfile.ZipFile(src) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError("这不是 Word .docx 文件，或文件已损坏（无法按 .docx 格式读取）", path=src, hint=redo) from exc
    if "word/document.xml" not in names:
        raise InputError("这不是 Word .docx 文件（压缩包里没有 Word 正文）", path=src, hint=redo)
    if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise InputError(
            "文件解压后过大（超过 300 MB），疑似损坏或含有异常图片，已拒绝转换", path=src, hint="把文件中的大图片压缩后另存，再重新运行"
        )


def _check_pdf(path: Path, src: Path) -> None:
    try:
        with open(path, "rb") as fh:
            ok = fh.read(5) == b"%PDF-"
    except OSError:
        ok = False
    if not ok:
        raise ToolFailed("LibreOffice 没有生成有效的 PDF", path=src, hint="用 Word/WPS 打开检查该文件后另存，再重新运行")


# ---------------------------------------------------------------------------------------
# processes
# ---------------------------------------------------------------------------------------
class _Timeout(Exception):
    pass


class _Gone(Exception):
    """The worker process ended (soffice crashed or was killed)."""


class _NoUno(Exception):
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


def _kill_group(proc: subprocess.Popen | None) -> None:
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


class _UnoProcess:
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
                env=_clean_env(), start_new_session=True,
            )  # fmt: skip
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()
        msg = self._next(deadline)
        if msg.get("event") == "ready":
            return
        if msg.get("kind") == "nouno":
            raise _NoUno(msg.get("message"))
        raise _Gone(msg.get("message", "worker failed to start"))

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
            raise _Timeout() from None
        if msg is None:
            raise _Gone("worker exited")
        return msg

    def convert(self, src: Path, dest: Path, deadline: float) -> dict:
        self.seq += 1
        req = {"id": self.seq, "src": str(src), "dest": str(dest)}
        proc = self.proc
        if proc is None:
            raise _Gone("worker killed")
        try:
            proc.stdin.write((json.dumps(req) + "\n").encode())
            proc.stdin.flush()
        except (OSError, ValueError):
            raise _Gone("worker pipe closed") from None
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
        _kill_group(proc)
        if proc is not None:  # stdout is closed by the reader thread when it sees the end
            with contextlib.suppress(Exception):
                proc.stdin.close()


class _BatchProcess:
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
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                         env=_clean_env(), start_new_session=True)
            try:
                code = self.proc.wait(timeout=_remaining(deadline))
            except subprocess.TimeoutExpired:
                self.kill()
                raise _Timeout() from None
            finally:
                proc, self.proc = self.proc, None
                _kill_group(proc)  # a normal exit may leave helpers behind
            out.seek(0)
            return code, out.read().decode("utf-8", "replace")

    def close(self) -> None:
        self.kill()

    def kill(self) -> None:
        _kill_group(self.proc)


# ---------------------------------------------------------------------------------------
# worker slots and the public converter
# ---------------------------------------------------------------------------------------
class _Slot:
    """One worker place: starts, recycles and replaces its process as needed."""

    def __init__(self, owner: Converter, index: int, mode: str):
        self.owner = owner
        self.mode = mode
        self.folder = owner._root / f"worker-{index}"
        self.proc: _UnoProcess | _BatchProcess | None = None
        self.done = 0
        self.busy = threading.Lock()

    def _new_process(self):
        cls = _UnoProcess if self.mode == "uno" else _BatchProcess
        ensure_dir(self.folder)
        return cls(self.owner._soffice, self.folder, self.owner._memory_mb)

    def _ensure_started(self, src: Path) -> None:
        if self.proc is not None:
            return
        if self.owner._closed:
            raise ToolFailed(ABORTED, path=src)
        proc = self._new_process()
        self.proc = proc
        try:
            proc.start(time.monotonic() + self.owner._timeout)
            if self.owner._closed:  # close() ran while this worker was starting
                raise _Gone("converter closed")
        except _NoUno as exc:
            log.warning("uno unavailable in worker (%s): falling back to batch conversion", exc)
            self.discard()
            self.mode = "batch"
            self.proc = self._new_process()
        except _Timeout:
            self.discard()
            raise ToolFailed(
                f"LibreOffice 启动超时（{self.owner._timeout:g} 秒内没有就绪），本文件没有转换",
                path=src, hint="稍后重试；若反复出现，检查 LibreOffice 是否安装完整（soffice --version）",
            ) from None
        except _Gone as exc:
            self.discard()
            if self.owner._closed:
                raise ToolFailed(ABORTED, path=src) from None
            log.info("LibreOffice failed to start: %s", redact_ids(str(exc)))
            hint = self._memory_hint(f"检查 LibreOffice 是否安装完整（soffice --version）；{INSTALL_HINT}")
            raise ToolFailed("LibreOffice 无法启动，本文件没有转换", path=src, hint=hint) from None
        except BaseException:
            self.discard()
            raise

    def convert(self, src: Path, tmp: Path) -> None:
        timeout = self.owner._timeout
        for attempt in (1, 2):
            self._ensure_started(src)
            try:
                reply = self.proc.convert(src, tmp, time.monotonic() + timeout)
            except _Timeout:
                self.discard()
                raise ToolFailed(
                    f"LibreOffice 转换超时（超过 {timeout:g} 秒没有完成），已终止这次转换",
                    path=src, hint="文件可能过大或已损坏：用 Word/WPS 打开检查后另存再试，或调大转换时限",
                ) from None
            except _Gone:
                reply = {"ok": False, "kind": "crash", "message": "worker ended"}
            except BaseException:  # Ctrl-C or a bug mid-document: the worker state is unknown
                self.discard()
                raise
            if reply.get("ok"):
                self.done += 1
                if self.done >= self.owner._recycle_after:
                    self.retire()
                return
            kind, message = reply.get("kind"), redact_ids(str(reply.get("message", "")))
            log.info("conversion of %s failed (%s): %s", redact_ids(str(src)), kind, message)
            if kind == "input":
                raise InputError(
                    "LibreOffice 无法打开这个文件（不是有效的 Word .docx 文件，或文件已损坏）",
                    path=src, hint="用 Word 或 WPS 打开后“另存为” .docx 格式，再重新运行",
                )
            if kind == "export":
                raise ToolFailed("LibreOffice 打开了文件，但没能导出 PDF", path=src,
                                 hint="检查输出目录的磁盘空间和权限后重试")
            self.discard()  # crash: a fresh worker gets one more try at this document
            if self.owner._closed:
                break
        if self.owner._closed:
            raise ToolFailed(ABORTED, path=src)
        raise ToolFailed("LibreOffice 在转换这个文件时崩溃（已重试一次）", path=src,
                         hint=self._memory_hint("用 Word/WPS 打开检查该文件后另存再试；若所有文件都失败，重新安装 LibreOffice"))

    def _memory_hint(self, hint: str) -> str:
        if self.owner._memory_mb:
            return f"内存上限 {self.owner._memory_mb} MB 可能太小（建议不少于 2048 MB）；否则" + hint
        return hint

    def retire(self) -> None:
        """Close the process properly (recycling or shutdown); the next document starts a new one."""
        proc, self.proc, self.done = self.proc, None, 0
        if proc is not None:
            proc.close()

    def discard(self) -> None:
        """Kill the process group and drop its profile (it may be damaged)."""
        proc, self.proc, self.done = self.proc, None, 0
        if proc is not None:
            proc.kill()
        shutil.rmtree(self.folder / "profile", ignore_errors=True)


_LIVE: weakref.WeakSet = weakref.WeakSet()


def _remove_stale_roots(parent: Path) -> None:
    """Remove profile folders left by converters whose process was killed (kill -9, power cut)."""
    try:
        entries = list(parent.glob(ROOT_PREFIX + "*"))
    except OSError:
        return
    for folder in entries:
        pid = folder.name[len(ROOT_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
            continue  # still running (or the pid was reused): leave it
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


@atexit.register
def _close_all() -> None:
    for conv in list(_LIVE):
        conv.close()


class Converter:
    """Pool of LibreOffice workers converting .docx to .pdf; a thread-safe context manager.

    workers:        parallel soffice processes (2 keeps two cores busy)
    timeout:        seconds allowed to start a worker and, separately, to convert one document
    recycle_after:  documents after which a worker's soffice is restarted (memory growth)
    workdir:        where the temporary profile folders go (default: the system temp folder)
    memory_mb:      optional address-space limit per worker (RLIMIT_AS), None for no limit
    """

    def __init__(self, workers: int = 1, timeout: float = 120.0, recycle_after: int = 200,
                 workdir: Path | None = None, memory_mb: int | None = None):
        if workers < 1 or timeout <= 0 or recycle_after < 1:
            raise ValueError("workers, timeout and recycle_after must be positive")
        self._soffice = find_soffice()
        self._timeout = float(timeout)
        self._recycle_after = int(recycle_after)
        self._memory_mb = memory_mb
        self._closed = False
        self._lock = threading.Lock()
        if workdir is not None:
            ensure_dir(Path(workdir))
        _remove_stale_roots(Path(workdir) if workdir is not None else Path(tempfile.gettempdir()))
        self._root = Path(tempfile.mkdtemp(prefix=f"{ROOT_PREFIX}{os.getpid()}-", dir=workdir))
        mode = _office_mode()
        self._slots = [_Slot(self, i, mode) for i in range(workers)]
        self._idle: queue.Queue[_Slot] = queue.Queue()
        for slot in self._slots:
            self._idle.put(slot)
        _LIVE.add(self)

    @property
    def workers(self) -> int:
        return len(self._slots)

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _acquire(self, src: Path) -> _Slot:
        while True:
            if self._closed:
                raise ToolFailed(ABORTED, path=src)
            try:
                return self._idle.get(timeout=0.2)
            except queue.Empty:
                continue

    def convert(self, src: Path, dest: Path) -> Path:
        """Convert one .docx to PDF at dest (written atomically); blocks until done."""
        src, dest = Path(src).absolute(), Path(dest).absolute()
        check_docx(src)
        slot = self._acquire(src)
        try:
            with slot.busy, atomic_path(dest) as tmp:
                slot.convert(src, tmp)
                _check_pdf(tmp, src)
        finally:
            self._idle.put(slot)
        return dest

    def convert_many(self, pairs, on_done=None) -> list[Exception | None]:
        """Convert (src, dest) pairs on all workers; one result per pair, in order.

        A failure does not stop the others: its exception takes the pair's place in
        the result list (None for success).  on_done(src, dest, error) is called after
        each pair, from worker threads but never two at a time.
        """
        pairs = [(Path(s), Path(d)) for s, d in pairs]
        results: list[Exception | None] = [None] * len(pairs)
        todo = iter(range(len(pairs)))
        todo_lock, done_lock = threading.Lock(), threading.Lock()
        stop = threading.Event()
        callback_errors: list[BaseException] = []
        n_threads = min(len(self._slots), len(pairs))
        running = [n_threads]
        finished = threading.Condition()

        def work() -> None:
            while not stop.is_set():
                with todo_lock:
                    i = next(todo, None)
                if i is None:
                    return
                src, dest = pairs[i]
                try:
                    self.convert(src, dest)
                except Exception as exc:  # noqa: BLE001 - reported per pair, the batch goes on
                    results[i] = exc
                if on_done is not None and not stop.is_set():
                    with done_lock:
                        try:
                            on_done(src, dest, results[i])
                        except BaseException as exc:  # the caller's bug: stop and raise it in the caller
                            callback_errors.append(exc)
                            stop.set()

        def run() -> None:
            try:
                work()
            finally:
                with finished:
                    running[0] -= 1
                    finished.notify_all()

        def wait_all(limit: float | None = None) -> None:
            # Not Thread.join(): a join interrupted by Ctrl-C marks the thread finished
            # although it still runs (CPython 3.11), so a second join would not wait.
            end = None if limit is None else time.monotonic() + limit
            with finished:
                while running[0] and (end is None or time.monotonic() < end):
                    finished.wait(0.2)

        for n in range(n_threads):
            threading.Thread(target=run, daemon=True, name=f"dibao-office-{n}").start()
        try:
            wait_all()
        except BaseException:  # Ctrl-C: stop handing out work and kill every worker now
            stop.set()
            self.close()
            wait_all(QUIT_GRACE + 5)
            raise
        if callback_errors:
            raise callback_errors[0]
        return results

    def close(self) -> None:
        """Stop every worker (idle ones properly, busy ones killed) and remove the profiles."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        busy = []
        for slot in self._slots:
            if slot.busy.acquire(blocking=False):
                try:
                    slot.retire()
                finally:
                    slot.busy.release()
            else:
                busy.append(slot)
        for slot in busy:  # mid-document: its convert() sees the worker die and reports it
            if slot.proc is not None:
                slot.proc.kill()
        shutil.rmtree(self._root, ignore_errors=True)
        _LIVE.discard(self)


def convert_once(src, dest, timeout=120) -> Path:
    """Convert a single .docx (starts and stops one worker)."""
    with Converter(workers=1, timeout=timeout) as conv:
        return conv.convert(src, dest)
