"""Text out of PDFs (pdftotext, page by page), Word files (python-docx) and images (OCR).

Pages without a usable text layer are OCR'd through an ``OcrCache``; the cache key
of a PDF page is a hash of the page's own content streams and images, so the
same scan is never read twice even when it moves to another page or volume.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from archive.errors import InputError, ToolFailed, ToolMissing
from indexer.ocr import OcrCache

MIN_TEXT_CHARS = 8          # fewer letters/CJK characters than this: the page is a scan
MAX_DOCX_PART = 200 << 20   # refuse Word files whose parts expand beyond this (zip bombs)
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp"}
_MEANINGFUL = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


def ocr_workers() -> int:
    import os

    return max(1, min(4, os.cpu_count() or 1))


def has_text(text: str) -> bool:
    return len(_MEANINGFUL.findall(text or "")) >= MIN_TEXT_CHARS


def _reader(pdf):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(pdf))
        if reader.is_encrypted:
            reader.decrypt("")
        _ = len(reader.pages)
        return reader
    except (PdfReadError, OSError, ValueError, KeyError, NotImplementedError) as exc:
        raise InputError(f"PDF 文件无法读取（{exc}）", path=pdf, hint="文件可能损坏或加了密码，请重新生成或重新扫描") from exc


def pdf_page_texts(pdf) -> list[str]:
    """Text layer of every page (pdftotext; pypdf where poppler is missing)."""
    exe = shutil.which("pdftotext")
    if exe:
        try:
            proc = subprocess.run([exe, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=300)
        except subprocess.TimeoutExpired as exc:
            raise ToolFailed("PDF 取文字超过 300 秒", path=pdf, hint="文件可能损坏，请重新生成") from exc
        if proc.returncode == 0:
            pages = proc.stdout.decode("utf-8", "replace").split("\f")
            if pages and not pages[-1].strip():
                pages.pop()
            return pages
    reader = _reader(pdf)
    out = []
    for page in reader.pages:
        try:
            out.append(page.extract_text() or "")
        except Exception:  # noqa: BLE001 - a broken page has no text; OCR will read it
            out.append("")
    return out


def _raw(obj) -> bytes:
    try:
        return obj.get_object()._data or b""
    except AttributeError:
        return b""


def page_fingerprint(reader, index: int) -> str:
    """Hash of a page's content streams and image streams (0-based index)."""
    h = hashlib.sha256()
    page = reader.pages[index]
    contents = page.get("/Contents")
    if contents is not None:
        contents = contents.get_object()
        for part in (contents if isinstance(contents, list) else [contents]):
            h.update(_raw(part))
    res = page.get("/Resources")
    xobjects = res.get_object().get("/XObject") if res is not None else None
    if xobjects is not None:
        for name in sorted(xobjects.get_object()):
            h.update(name.encode("utf-8", "replace") + _raw(xobjects.get_object()[name]))
    h.update(str([round(float(x), 1) for x in page.mediabox]).encode())
    return h.hexdigest()


def _largest_image_width(resources, depth: int = 0) -> int:
    """Pixel width of the widest image drawn through a page's (or form's) resources."""
    if resources is None or depth > 3:
        return 0
    xobjects = resources.get_object().get("/XObject")
    if xobjects is None:
        return 0
    best = 0
    xobjects = xobjects.get_object()
    for name in xobjects:
        obj = xobjects[name].get_object()
        sub = obj.get("/Subtype")
        if sub == "/Image":
            best = max(best, int(obj.get("/Width", 0) or 0))
        elif sub == "/Form":
            best = max(best, _largest_image_width(obj.get("/Resources"), depth + 1))
    return best


def scan_dpi(reader, index: int) -> int:
    """Resolution to render a scanned page at: its image's own, within [MIN_DPI, DPI].

    Rendering a 150 dpi scan at 300 dpi makes four times the pixels for tesseract to read
    and reads no better; a page with no image is rendered at DPI.
    """
    from indexer.ocr import DPI, MIN_DPI

    try:
        page = reader.pages[index]
        width_in = float(page.mediabox.width) / 72
        px = _largest_image_width(page.get("/Resources"))
    except Exception:  # noqa: BLE001 - an odd page falls back to the default resolution
        return DPI
    if not px or width_in <= 0:
        return DPI
    return max(MIN_DPI, min(DPI, round(px / width_in)))


def pdf_pages(pdf, cache: OcrCache, force_ocr: set[int] | None = None, key_hint: dict | None = None,
              failures: list | None = None, skip_ocr: set[int] | None = None) -> list[str]:
    """Text of every page of a PDF, OCR'd where needed.

    force_ocr: 1-based pages to OCR whatever their text layer says (manifest text_layer false).
    key_hint:  1-based page -> a content key known by the caller (e.g. the source scan's sha256),
               used instead of hashing the page.
    skip_ocr:  1-based pages never to OCR (photographs, when the workspace says so).
    failures:  if given, pages whose OCR failed (tool missing, time-out, bad page) are appended
               as (page, DibaoError) and keep their text layer; otherwise the error is raised.
    """
    texts = pdf_page_texts(pdf)
    force_ocr = force_ocr or set()
    skip_ocr = skip_ocr or set()
    todo = [i + 1 for i, t in enumerate(texts)
            if (i + 1) not in skip_ocr and ((i + 1) in force_ocr or not has_text(t))]
    if not todo:
        return texts
    reader = _reader(pdf)
    keys, dpis = {}, {}
    for p in todo:
        dpis[p] = scan_dpi(reader, p - 1)
        if key_hint and p in key_hint:
            keys[p] = cache.key("pdf-page", key_hint[p], dpis[p])
        else:
            keys[p] = cache.key("pdf-page", page_fingerprint(reader, p - 1), dpis[p])

    def read(p):
        try:
            return cache.pdf_page_text(pdf, p, keys[p], dpi=dpis[p])
        except (ToolMissing, ToolFailed, InputError) as exc:
            if failures is None:
                raise
            failures.append((p, exc))
            return ""

    with ThreadPoolExecutor(max_workers=ocr_workers()) as pool:
        results = dict(zip(todo, pool.map(read, todo)))
    for p, text in results.items():
        layer = texts[p - 1].strip()
        texts[p - 1] = text + ("\n" + layer if layer and has_text(layer) else "")
    return texts


def docx_text(path) -> str:
    """Paragraphs and table cells of a .docx, in document order."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.file_size > MAX_DOCX_PART:
                    raise InputError("Word 文件里有异常巨大的部件，已拒绝打开", path=path,
                                     hint="用 Word 打开后另存一份再添加")
    except zipfile.BadZipFile as exc:
        raise InputError("不是有效的 .docx 文件", path=path, hint="用 Word 打开后另存为 .docx 再添加") from exc
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds
        raise InputError(f"Word 文件无法读取（{exc}）", path=path, hint="用 Word 打开后另存为 .docx 再添加") from exc
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                cells = []
                for cell in row.cells:
                    if not cells or cell.text != cells[-1]:
                        cells.append(cell.text)
                lines.append(" ".join(cells))
    return "\n".join(x for x in lines if x.strip())


def image_pages(path, cache: OcrCache) -> list[str]:
    """OCR text of every frame of an image file (multi-page TIFF gives several pages)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    from archive.fsutil import sha256_file

    path = Path(path)
    digest = sha256_file(path)
    first = cache.get(cache.key("image", digest, 0))
    try:
        with Image.open(path) as im:
            n = getattr(im, "n_frames", 1)
            if first is not None and n == 1:
                return [first]
            texts = []
            with tempfile.TemporaryDirectory(prefix="dibao-img-") as tmp:
                for i in range(n):
                    key = cache.key("image", digest, i)
                    text = first if i == 0 and first is not None else cache.get(key)
                    if text is None:
                        im.seek(i)
                        frame = ImageOps.exif_transpose(im.convert("RGB") if im.mode not in ("L", "RGB") else im)
                        png = Path(tmp) / f"f{i}.png"
                        frame.save(png)
                        text = cache.image_text(png, key=key)
                    texts.append(text)
            return texts
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise InputError(f"图片无法打开（{exc}）", path=path, hint="文件可能损坏或不完整，请重新扫描") from exc
