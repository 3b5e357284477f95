"""OCR engines behind one interface, page rasterising with pdftoppm, and a text cache.

Engines (``[search] ocr_engine`` in dibao.toml, see ``get_engine``): ``tesseract`` (chi_sim,
--psm 4, a separate process; the default) and ``rapidocr`` (PP-OCR models shipped inside the
``rapidocr`` wheel, run in-process by onnxruntime; better on photos and stained scans, about
3-4 times the CPU and ~0.7-1 GB of memory, see bench/results.md).  Each engine offers
``read(paths, timeout) -> [text]`` and ``read_one(path, timeout) -> text``.  The cache is by
content, not by engine: switching engine re-reads pages only when asked (``dibao index --reocr``).

tesseract details:

tesseract runs with OMP_THREAD_LIMIT=1, one process per core (two pages in
parallel on two cores are faster than one page on two threads); its own text
output is used.  ``OcrPool`` keeps those processes busy across pages, PDFs and
households: pages are queued as they are found and each worker hands tesseract a
few queued pages at once (a list file: the language data is loaded once per
process, ~0.15 s, instead of once per page; the text of each page is the same as
when read alone).  Results are cached by content hash under
``<workspace>/.dibao/ocr-cache/<sha256>.enc`` so no page is read twice.  OCR text
holds ID numbers as printed on the page, so the workspace's cache is encrypted with
a key derived from the index key (.dibao/index.key; AES-GCM from `cryptography`):
files are mode 0600 in a 0700 folder, and a copy of .dibao/ without the key reveals
nothing.  Plain ``.txt`` entries of earlier versions are encrypted on first use.
"""

from __future__ import annotations

import collections
import hashlib
import math
import os
import subprocess
import tempfile
import threading
from concurrent.futures import Future
from functools import lru_cache
from pathlib import Path

from archive.errors import DibaoError, InputError, ToolFailed, ToolMissing
from archive.external import children
from archive.external.programs import find_program, install_hint
from archive.fsutil import atomic_write_text, ensure_dir

LANG = "chi_sim"
PSM = 4
DPI = 300          # rendering resolution for pages without an embedded scan image
MIN_DPI = 150      # scans are read at their own resolution, within [MIN_DPI, DPI]
OCR_TIMEOUT = 180
RASTER_TIMEOUT = 120
CACHE_VERSION = "ocr1"
ENGINES = ("tesseract", "rapidocr")
DEFAULT_ENGINE = "tesseract"
BATCH = 6          # pages per tesseract process at most (fewer when fewer are waiting)

_INSTALL_TESSERACT = (install_hint("tesseract") + "；Windows 安装 UB-Mannheim 的 tesseract 并勾选 Chinese (Simplified)；"
                      "装好后重新运行")
_INSTALL_POPPLER = install_hint("pdftoppm")


@lru_cache(maxsize=1)
def find_tesseract() -> str:
    """Path of tesseract with the chi_sim language; ToolMissing with install advice otherwise."""
    exe = find_program("tesseract", required=False)
    if not exe:
        raise ToolMissing("没有找到文字识别程序 tesseract，扫描件无法识别文字", hint=_INSTALL_TESSERACT)
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolFailed(f"tesseract 无法运行（{exc}）", path=exe, hint=_INSTALL_TESSERACT) from exc
    langs = set((out.stdout + out.stderr).split())
    if LANG not in langs:
        raise ToolMissing("tesseract 缺少简体中文识别数据（chi_sim）", path=exe,
                          hint="请安装：sudo apt-get install tesseract-ocr-chi-sim（或在项目目录运行 make setup）")
    return exe


@lru_cache(maxsize=1)
def find_pdftoppm() -> str:
    return find_program("pdftoppm", missing="没有找到 pdftoppm，扫描的 PDF 页无法识别文字")


def ocr_image(path, timeout: int = OCR_TIMEOUT) -> str:
    """Text of one image, read by tesseract (chi_sim, page segmentation 4, one thread)."""
    exe = find_tesseract()
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = [exe, str(path), "stdout", "-l", LANG, "--psm", str(PSM)]
    try:
        proc = subprocess.run(children.command(cmd), capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(f"文字识别超过 {timeout} 秒没有完成", path=path,
                         hint="图片可能过大或损坏；可以把它缩小后重新扫描，再运行一次") from exc
    except OSError as exc:
        raise ToolFailed(f"tesseract 无法运行（{exc}）", path=path, hint=_INSTALL_TESSERACT) from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolFailed("文字识别失败：" + (err[-1] if err else f"返回码 {proc.returncode}"), path=path,
                         hint="检查图片能否正常打开；损坏的文件请重新扫描")
    return proc.stdout.decode("utf-8", "replace")


def ocr_images(paths, timeout: float = OCR_TIMEOUT) -> list[str]:
    """Text of several images read by one tesseract process, in order (each as ocr_image reads it).

    tesseract reads a list file and separates the pages' texts with a form feed; a
    count that does not match (an image it could not read) raises ToolFailed, and the
    caller reads the pages one by one.  The time limit is `timeout` per page.
    """
    paths = [Path(x) for x in paths]
    if len(paths) == 1:
        return [ocr_image(paths[0], timeout=timeout)]
    exe = find_tesseract()
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", prefix="dibao-ocr-list-",
                                     dir=paths[0].parent, delete=False) as fh:
        fh.write("".join(f"{x}\n" for x in paths))
        listing = Path(fh.name)
    limit = timeout * len(paths)
    try:
        proc = subprocess.run(children.command([exe, str(listing), "stdout", "-l", LANG, "--psm", str(PSM)]),
                              capture_output=True, timeout=limit, env=env)
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(f"文字识别 {len(paths)} 页超过 {limit:.0f} 秒没有完成", path=paths[0],
                         hint="图片可能过大或损坏；可以把它缩小后重新扫描，再运行一次") from exc
    except OSError as exc:
        raise ToolFailed(f"tesseract 无法运行（{exc}）", path=exe, hint=_INSTALL_TESSERACT) from exc
    finally:
        listing.unlink(missing_ok=True)
    texts = proc.stdout.decode("utf-8", "replace").split("\f")
    if proc.returncode != 0 or len(texts) != len(paths):
        raise ToolFailed(f"文字识别 {len(paths)} 页只得到 {len(texts)} 页结果", path=paths[0],
                         hint="逐页重新识别")
    return texts


def rasterize_page(pdf, page: int, out_dir, dpi: int = DPI, timeout: int = RASTER_TIMEOUT) -> Path:
    """Render one 1-based page of a PDF to a grey PNG with pdftoppm; returns the PNG path."""
    exe = find_pdftoppm()
    prefix = Path(out_dir) / f"p{page}"
    cmd = [exe, "-r", str(dpi), "-gray", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)]
    try:
        proc = subprocess.run(children.command(cmd), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(f"PDF 第 {page} 页转图片超过 {timeout} 秒", path=pdf, hint="文件可能损坏，请重新生成或重新扫描") from exc
    out = prefix.with_suffix(".png")
    if proc.returncode != 0 or not out.exists():
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"PDF 第 {page} 页无法转成图片：" + (err[-1] if err else "未知原因"), path=pdf,
                         hint="文件可能损坏或加了密码，请重新生成或重新扫描")
    return out


class TesseractEngine:
    """tesseract as a separate process (one per worker), several pages per process."""

    name = "tesseract"

    def check(self) -> None:
        find_tesseract()

    def read(self, paths, timeout: float = OCR_TIMEOUT) -> list[str]:
        return ocr_images(paths, timeout=timeout)

    def read_one(self, path, timeout: float = OCR_TIMEOUT) -> str:
        return ocr_image(path, timeout=timeout)


_INSTALL_RAPID = ("请安装 RapidOCR：在项目目录运行 .venv/bin/pip install rapidocr onnxruntime；"
                  "也可以在 dibao.toml 的 [search] 里写 ocr_engine = \"tesseract\"")


class RapidOcrEngine:
    """RapidOCR (PP-OCR det/cls/rec models inside the `rapidocr` wheel, no download) in-process.

    One model set is shared by every worker thread (onnxruntime sessions are thread-safe), each
    inference on one thread so that two workers use two cores.  The time limit is not enforced
    (an in-process call cannot be interrupted); pages are already bounded by the rendering size.
    """

    name = "rapidocr"
    _lock = threading.Lock()
    _engine = None

    def check(self) -> None:
        self._load()

    @classmethod
    def _load(cls):
        with cls._lock:
            if cls._engine is None:
                try:
                    import logging

                    from rapidocr import RapidOCR
                except ImportError as exc:
                    raise ToolMissing("没有安装文字识别引擎 RapidOCR", hint=_INSTALL_RAPID) from exc
                cls._engine = RapidOCR(params={"Global.log_level": "warning",
                                               "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                                               "EngineConfig.onnxruntime.inter_op_num_threads": 1})
                logging.getLogger("RapidOCR").setLevel(logging.WARNING)
            return cls._engine

    def read(self, paths, timeout: float = OCR_TIMEOUT) -> list[str]:
        return [self.read_one(p, timeout) for p in paths]

    def read_one(self, path, timeout: float = OCR_TIMEOUT) -> str:
        engine = self._load()
        try:
            out = engine(str(path))
        except Exception as exc:  # noqa: BLE001 - onnxruntime/opencv raise many kinds
            raise ToolFailed(f"文字识别失败（RapidOCR：{type(exc).__name__}）", path=path,
                             hint="检查图片能否正常打开；损坏的文件请重新扫描") from exc
        return lines_text(out.boxes, out.txts)


def lines_text(boxes, texts) -> str:
    """Text boxes (4 corner points each, clockwise from the top left) put back into lines, top to
    bottom and left to right.

    A photographed page is tilted and in perspective: a line's bounding rectangle then reaches
    into the next line, so lines are told apart along each box's own slope: a box joins a line
    when its centre lies within half a text height of where that line runs at the box's x.
    """
    if boxes is None or texts is None or not len(texts):
        return ""
    items = []
    for box, text in zip(boxes, texts):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = [(float(p[0]), float(p[1])) for p in list(box)[:4]]
        cx, cy = (x0 + x1 + x2 + x3) / 4, (y0 + y1 + y2 + y3) / 4
        width = ((x1 - x0) + (x2 - x3)) / 2
        slope = ((y1 - y0) + (y2 - y3)) / 2 / width if width > 1 else 0.0
        slope = max(-0.3, min(0.3, slope))
        height = max(1.0, ((y3 - y0) + (y2 - y1)) / 2)
        items.append((cy - slope * cx, cx, cy, slope, height, min(x0, x3), str(text)))
    items.sort()
    lines: list[dict] = []
    for _key, cx, cy, slope, height, left, text in items:
        for line in reversed(lines[-3:]):   # a box may belong to one of the last few lines
            at = line["cy"] + line["slope"] * (cx - line["cx"])
            if abs(cy - at) < 0.5 * min(height, line["height"]):
                line["parts"].append((left, text))
                break
        else:
            lines.append({"cx": cx, "cy": cy, "slope": slope, "height": height, "parts": [(left, text)]})
    return "\n".join(" ".join(t for _, t in sorted(line["parts"])) for line in lines) + "\n"


def default_photo_engine(engine: str | None = None) -> str:
    """Engine for image files when dibao.toml names none: RapidOCR where it is installed (on photos
    its character error rate is a fraction of tesseract's, bench/results.md), else `engine`."""
    try:
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return engine or DEFAULT_ENGINE
    return "rapidocr"


def get_engine(name: str | None = None):
    """The OCR engine called `name` ("tesseract" or "rapidocr"; None: the default)."""
    name = (name or DEFAULT_ENGINE).strip().lower()
    if name == "tesseract":
        return TesseractEngine()
    if name == "rapidocr":
        return RapidOcrEngine()
    from archive.errors import ConfigError

    raise ConfigError(f"不认识的文字识别引擎“{name}”", field="search.ocr_engine",
                      hint="在 dibao.toml 的 [search] 里写 ocr_engine = \"tesseract\" 或 \"rapidocr\"")


class OcrCache:
    """OCR text by content key; counts what was read and what came from the cache.

    engine:  the OCR engine (name or object, see get_engine) that reads pages not in the cache.
    photo_engine: the engine for image files (image_text); default: engine.
    refresh: read every page again (dibao index --reocr); what is read replaces the cached text.
    """

    def __init__(self, folder=None, timeout: float = OCR_TIMEOUT, engine=None, refresh: bool = False,
                 photo_engine=None, secret: bytes | None = None):
        self.folder = Path(folder) if folder else None
        # secret (the workspace's index key): entries are encrypted; without it (tests, tools) plain text
        self._aead = None
        if secret is not None:
            import hmac

            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            self._aead = AESGCM(hmac.new(secret, b"dibao ocr-cache v1", hashlib.sha256).digest())
        self.timeout = timeout   # seconds one page may take ([limits] ocr_timeout)
        self.engine = engine if engine is not None and not isinstance(engine, str) else get_engine(engine)
        # image files (phone photos of papers): their own engine when given, else the same one
        self.photo_engine = (self.engine if photo_engine is None
                             else photo_engine if not isinstance(photo_engine, str) else get_engine(photo_engine))
        self.refresh = refresh
        self._fresh: set[str] = set()
        self.ocr_pages = 0
        self.cached = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(*parts) -> str:
        h = hashlib.sha256()
        for p in (CACHE_VERSION, LANG, PSM, DPI) + parts:
            h.update(str(p).encode("utf-8") + b"\x00")
        return h.hexdigest()

    def _file(self, key: str) -> Path | None:
        if not self.folder:
            return None
        return self.folder / f"{key}.enc" if self._aead is not None else self.folder / f"{key}.txt"

    def _read(self, f: Path) -> str | None:
        try:
            data = f.read_bytes()
            if self._aead is None:
                return data.decode("utf-8")
            if f.suffix == ".txt":   # an entry of an earlier version: encrypted now, the plain file removed
                text = data.decode("utf-8")
                self._write(self._file(f.stem), text)
                f.unlink(missing_ok=True)
                return text
            return self._aead.decrypt(data[:12], data[12:], f.stem.encode()).decode("utf-8")
        except Exception:  # noqa: BLE001 - unreadable, or another key: the page is read again
            return None

    def _write(self, f: Path, text: str) -> None:
        from archive.fsutil import atomic_write_bytes

        ensure_dir(f.parent)
        if self._aead is None:
            atomic_write_text(f, text)
            return
        nonce = os.urandom(12)
        atomic_write_bytes(f, nonce + self._aead.encrypt(nonce, text.encode("utf-8"), f.stem.encode()),
                           durable=False)

    def get(self, key: str) -> str | None:
        if self.refresh and key not in self._fresh:
            return None
        f = self._file(key)
        if f is None:
            return None
        candidates = [f] + ([f.with_suffix(".txt")] if self._aead is not None else [])
        for c in candidates:
            if c.exists():
                text = self._read(c)
                if text is not None:
                    with self._lock:
                        self.cached += 1
                    return text
        return None

    def put(self, key: str, text: str) -> None:
        with self._lock:
            self._fresh.add(key)
        f = self._file(key)
        if f is not None:
            self._write(f, text)

    def image_text(self, image_path, key: str | None = None) -> str:
        """OCR text of an image file, from the cache when its content was read before."""
        from archive.fsutil import sha256_file

        key = key or self.key("image", sha256_file(image_path))
        text = self.get(key)
        if text is None:
            text = self.photo_engine.read_one(image_path, timeout=self.timeout)
            with self._lock:
                self.ocr_pages += 1
            self.put(key, text)
        return text

    def pdf_page_text(self, pdf, page: int, key: str, dpi: int = DPI) -> str:
        """OCR text of one PDF page (rasterised at `dpi` first), cached under key."""
        text = self.get(key)
        if text is None:
            with tempfile.TemporaryDirectory(prefix="dibao-ocr-") as tmp:
                png = rasterize_page(pdf, page, tmp, dpi=dpi)
                text = self.engine.read_one(png, timeout=self.timeout)
            with self._lock:
                self.ocr_pages += 1
            self.put(key, text)
        return text


class OcrPool:
    """Pages waiting for tesseract, read by `workers` threads (one tesseract process each).

    submit(key, source) returns a Future of the page's text: at once from the cache,
    else when a worker has read it.  source(folder) writes the page's image into an
    empty temporary folder and returns its path (pdftoppm, or the scan's own JPEG); it
    runs in the worker thread, so rasterising is parallel too.  A worker takes up to
    BATCH waiting pages (no more than its share of the queue, so the other worker is not
    left idle) and reads them with one tesseract process; if that fails, the pages are
    read one by one so one bad page fails alone.  Use as a context manager: leaving it
    cancels what has not started and waits for the workers.
    """

    def __init__(self, cache: OcrCache, workers: int | None = None, batch: int = BATCH):
        self.cache = cache
        self.workers = max(1, workers or ocr_workers())
        self.batch = max(1, batch)
        self._queue: collections.deque = collections.deque()
        self._cv = threading.Condition()
        self._closed = False
        self._cancelled = False
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> "OcrPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close(cancel=exc[0] is not None)

    def backlog(self) -> int:
        """Pages submitted and not yet taken by a worker."""
        with self._cv:
            return len(self._queue)

    def submit(self, key: str, source) -> Future:
        fut: Future = Future()
        text = self.cache.get(key)
        if text is not None:
            fut.set_result(text)
            return fut
        with self._cv:
            if self._closed:
                raise RuntimeError("OcrPool is closed")
            self._queue.append((key, source, fut))
            if len(self._threads) < self.workers:
                t = threading.Thread(target=self._work, name=f"dibao-ocr-{len(self._threads)}", daemon=True)
                self._threads.append(t)
                t.start()
            self._cv.notify()
        return fut

    def close(self, cancel: bool = False) -> None:
        with self._cv:
            self._closed = True
            self._cancelled = self._cancelled or cancel
            if cancel:
                while self._queue:
                    self._queue.popleft()[2].cancel()
            self._cv.notify_all()
        for t in self._threads:
            t.join()

    def _work(self) -> None:
        while True:
            with self._cv:
                while not self._queue and not self._closed:
                    self._cv.wait()
                if not self._queue:
                    return
                n = min(self.batch, max(1, math.ceil(len(self._queue) / self.workers)))
                jobs = [self._queue.popleft() for _ in range(min(n, len(self._queue)))]
            self._run(jobs)

    def _run(self, jobs) -> None:
        with tempfile.TemporaryDirectory(prefix="dibao-ocr-") as tmp:
            ready = []
            for k, (key, source, fut) in enumerate(jobs):
                if not fut.set_running_or_notify_cancel():
                    continue
                try:
                    folder = Path(tmp) / str(k)
                    folder.mkdir()
                    ready.append((key, Path(source(folder)), fut))
                except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the page
                    fut.set_exception(exc)
            texts = None
            if len(ready) > 1:
                try:
                    texts = self.cache.engine.read([path for _, path, _ in ready], timeout=self.cache.timeout)
                except DibaoError:
                    texts = None   # read one by one below: one bad page fails alone
                except BaseException as exc:  # noqa: BLE001
                    for _, _, fut in ready:
                        fut.set_exception(exc)
                    return
            for i, (key, path, fut) in enumerate(ready):
                if texts is None and self._cancelled:   # stopping (Ctrl-C, an error): read no more
                    fut.set_exception(ToolFailed("文字识别已停止", path=path))
                    continue
                try:
                    text = texts[i] if texts is not None else self.cache.engine.read_one(path, timeout=self.cache.timeout)
                except BaseException as exc:  # noqa: BLE001
                    fut.set_exception(exc)
                    continue
                with self.cache._lock:
                    self.cache.ocr_pages += 1
                try:
                    self.cache.put(key, text)
                except BaseException as exc:  # noqa: BLE001 - the cache folder cannot be written
                    fut.set_exception(exc)
                    continue
                fut.set_result(text)


def ocr_workers() -> int:
    """tesseract processes run side by side: one per core, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))
