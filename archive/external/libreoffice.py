"""Word (.docx) to PDF through LibreOffice, fast and safely.

Design (figures in /work/shared/reference/measurements.md):

* Each worker is a warm soffice with its own temporary profile, driven over UNO by
  archive/external/uno_worker.py.  `uno` imports only under Debian's /usr/bin/python3, so the
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
The processes themselves live in archive/external/soffice.py; this module holds the
input checks, the worker slots (restart, retry, recycling) and the public API.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import os
import queue
import shutil
import tempfile
import threading
import time
import weakref
import zipfile
from pathlib import Path

from archive.external import soffice as office_workers
from archive.external.programs import find_program, install_hint
from archive.errors import InputError, ToolFailed
from archive.fsutil import atomic_path, ensure_dir
from archive.ids import redact_ids
from archive.external.soffice import (
    QUIT_GRACE,
    UNO_PYTHON,
    BatchProcess,
    NoUno,
    UnoProcess,
    WorkerGone,
    WorkerTimeout,
)

log = logging.getLogger("dibao.office")

SOFFICE_ENV = "DIBAO_SOFFICE"
MODE_ENV = "DIBAO_OFFICE_MODE"

INSTALL_HINT = install_hint("soffice")
ROOT_PREFIX = "dibao-office-"  # + pid of the owning process
BROKEN_AFTER = 2  # failed worker starts in a row after which the remaining documents fail at once
ABORTED = "转换已中止（程序正在退出），本文件没有转换"

# A .docx is a zip; refuse ones that expand absurdly (a 1 GB image part took 14 s and 2 GB to open).
MAX_UNPACKED = 300 * 1024 * 1024
MAX_ENTRIES = 5000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# ---------------------------------------------------------------------------------------
# finding LibreOffice
# ---------------------------------------------------------------------------------------
def find_soffice() -> str:
    """Path of the soffice program; DIBAO_SOFFICE overrides the search."""
    return find_program("soffice", missing="没有找到 LibreOffice（soffice），无法把 Word 表格转换成 PDF")


def _office_mode() -> str:
    forced = os.environ.get(MODE_ENV, "").strip().lower()
    if forced in ("uno", "batch"):
        return forced
    if os.access(office_workers.UNO_PYTHON, os.X_OK):
        # not probed here (a Python start, ~0.1 s before any worker could start): a worker whose
        # Python lacks python3-uno says so, and its slot falls back to batch conversion (NoUno)
        return "uno"
    log.warning("python3-uno unavailable under %s: converting one soffice call per file (slower)", UNO_PYTHON)
    return "batch"


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
# worker slots and the public converter
# ---------------------------------------------------------------------------------------
class _Slot:
    """One worker place: starts, recycles and replaces its process as needed."""

    def __init__(self, owner: Converter, index: int, mode: str):
        self.owner = owner
        self.mode = mode
        self.folder = owner._root / f"worker-{index}"
        self.proc: UnoProcess | BatchProcess | None = None
        self.done = 0
        self.busy = threading.Lock()

    def _new_process(self):
        cls = UnoProcess if self.mode == "uno" else BatchProcess
        ensure_dir(self.folder)
        return cls(self.owner._soffice, self.folder, self.owner._memory_mb)

    def _ensure_started(self, src: Path | None, counted: bool = True) -> None:
        """Start the worker unless it runs.  counted=False (a warm-up): failures leave the count
        of failed starts alone, so the document that retries the start reports them itself."""
        if self.proc is not None:
            return
        owner = self.owner
        if owner._closed:
            raise ToolFailed(ABORTED, path=src)
        if owner._broken is not None:  # LibreOffice failed to start again and again: fail fast
            message, hint = owner._broken
            raise ToolFailed(message + "（之前的文件已因同样原因失败，本次不再重试）", path=src, hint=hint)
        self.proc = self._new_process()
        if not (self.folder / "profile").exists():
            owner._profiles.take(self.folder / "profile")
        try:
            self.proc.start(time.monotonic() + owner._timeout)
            if owner._closed:  # close() ran while this worker was starting
                raise WorkerGone("converter closed")
        except NoUno as exc:
            log.warning("uno unavailable in worker (%s): falling back to batch conversion", exc)
            self.discard()
            self.mode = "batch"
            self.proc = self._new_process()
        except WorkerTimeout:
            self.discard()
            if not counted:
                return
            self._start_failed(src, f"LibreOffice 启动超时（{owner._timeout:g} 秒内没有就绪），本文件没有转换",
                               "稍后重试；若反复出现，检查 LibreOffice 是否安装完整（soffice --version）")
        except WorkerGone as exc:
            self.discard()
            if owner._closed:
                raise ToolFailed(ABORTED, path=src) from None
            log.info("LibreOffice failed to start: %s", redact_ids(str(exc)))
            if not counted:
                return
            self._start_failed(src, "LibreOffice 无法启动，本文件没有转换",
                               self._memory_hint(f"检查 LibreOffice 是否安装完整（soffice --version）；{INSTALL_HINT}"))
        except BaseException:
            self.discard()
            raise
        owner._start_failures = 0

    def _start_failed(self, src: Path, message: str, hint: str):
        owner = self.owner
        with owner._lock:
            owner._start_failures += 1
            if owner._start_failures >= BROKEN_AFTER:
                owner._broken = (message, hint)
        raise ToolFailed(message, path=src, hint=hint)

    def convert(self, src: Path, tmp: Path) -> None:
        timeout = self.owner._timeout
        for _attempt in (1, 2):
            self._ensure_started(src)
            try:
                reply = self.proc.convert(src, tmp, time.monotonic() + timeout)
            except WorkerTimeout:
                self.discard()
                raise ToolFailed(
                    f"LibreOffice 转换超时（超过 {timeout:g} 秒没有完成），已终止这次转换",
                    path=src, hint="文件可能过大或已损坏：用 Word/WPS 打开检查后另存再试，或调大转换时限",
                ) from None
            except WorkerGone:
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

    def retire(self, graceful: bool = True) -> None:
        """Close the process (recycling or shutdown); the next document starts a new one.

        graceful=False kills it at once (a converter closing: nothing in soffice is unsaved)."""
        proc, self.proc, self.done = self.proc, None, 0
        if proc is not None:
            proc.close() if graceful else proc.kill()

    def discard(self) -> None:
        """Kill the process group and drop its profile (it may be damaged)."""
        proc, self.proc, self.done = self.proc, None, 0
        if proc is not None:
            proc.kill()
        shutil.rmtree(self.folder / "profile", ignore_errors=True)


class ProfileCache:
    """Ready LibreOffice user profiles kept between runs, in a folder given by the caller.

    soffice on an empty profile first creates it, runs its graphics tests and asks to be
    started again: about 0.4 s and 0.4 s of CPU more per worker than on a ready profile, and
    removing a profile (~90 files) takes another 0.2 s.  A worker takes a kept profile by
    renaming it into its folder (one process wins each), and gives it back the same way when
    the converter closes; a worker that crashed or timed out gives nothing back (discard).
    Keyed by the soffice program, so an upgraded LibreOffice starts from empty profiles.
    """

    KEEP = 8  # profiles kept at most (one per worker of the largest --jobs used)

    def __init__(self, folder: Path | None, soffice: str):
        self.path: Path | None = None
        if folder is None:
            return
        real = Path(os.path.realpath(soffice))
        stamp = [str(real)]
        for f in (real, real.with_name("soffice.bin")):
            with contextlib.suppress(OSError):
                st = f.stat()
                stamp.append(f"{st.st_size}:{st.st_mtime_ns}")
        self.path = Path(folder) / ("profiles-" + hashlib.sha256("\0".join(stamp).encode()).hexdigest()[:12])

    def take(self, dest: Path) -> bool:
        """Move a kept profile to dest (which must not exist); False when none could be had."""
        if self.path is None:
            return False
        try:
            kept = sorted(self.path.glob("ready-*"))
        except OSError:
            return False
        for p in kept:
            try:
                os.rename(p, dest)
                return True
            except OSError:
                continue  # another worker took it
        return False

    def give(self, src: Path) -> None:
        """Keep the profile at src for a later run (or remove it when enough are kept)."""
        if self.path is None or not (src / "user").is_dir():
            shutil.rmtree(src, ignore_errors=True)
            return
        try:
            ensure_dir(self.path)
            if sum(1 for _ in self.path.glob("ready-*")) < self.KEEP:
                os.rename(src, self.path / f"ready-{os.getpid()}-{threading.get_ident()}-{time.monotonic_ns()}")
                return
        except OSError as exc:
            log.debug("profile not kept: %s", exc)
        shutil.rmtree(src, ignore_errors=True)


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
    profile_cache:  folder keeping ready LibreOffice profiles between runs (ProfileCache)
    """

    def __init__(self, workers: int = 1, timeout: float = 120.0, recycle_after: int = 200,
                 workdir: Path | None = None, memory_mb: int | None = None, profile_cache: Path | None = None):
        if workers < 1 or timeout <= 0 or recycle_after < 1:
            raise ValueError("workers, timeout and recycle_after must be positive")
        self._soffice = find_soffice()
        self._profiles = ProfileCache(profile_cache, self._soffice)
        self._timeout = float(timeout)
        self._recycle_after = int(recycle_after)
        self._memory_mb = memory_mb
        self._closed = False
        self._lock = threading.Lock()
        self._start_failures = 0  # consecutive worker starts that failed
        self._broken: tuple[str, str] | None = None  # set once they reach BROKEN_AFTER
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

    def start(self) -> None:
        """Start every worker now, in the background (documents queue for them meanwhile).

        A worker that fails to start here is started again by the next document, which
        reports the failure; warm-up failures themselves are only logged.
        """

        def warm() -> None:
            try:
                slot = self._idle.get_nowait()
            except queue.Empty:
                return  # documents got there first
            try:
                with slot.busy:
                    slot._ensure_started(None, counted=False)
            except Exception as exc:  # noqa: BLE001 - reported by the document that retries
                log.debug("worker warm-up failed: %s", exc)
            finally:
                self._idle.put(slot)

        for n in range(len(self._slots)):
            threading.Thread(target=warm, daemon=True, name=f"dibao-office-warm-{n}").start()

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

    def close(self, graceful: bool = True) -> None:
        """Stop every worker (idle ones properly, busy ones killed) and remove the profiles.

        graceful=False kills idle workers too, at once: for a caller that is done with
        LibreOffice and keeps nothing of its profiles (closing soffice properly takes ~1 s).
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
        busy = []
        for slot in self._slots:
            if slot.busy.acquire(blocking=False):
                try:
                    slot.retire(graceful)
                    self._profiles.give(slot.folder / "profile")
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
