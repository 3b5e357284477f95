"""Text out of PDFs (pdftotext, page by page), Word files (python-docx) and images (OCR).

Pages without a usable text layer are OCR'd through an ``OcrCache``; the cache key
of a PDF page is a hash of the page's own content streams and images, so the
same scan is never read twice even when it moves to another page or volume.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

from archive.external.programs import find_program
from archive.errors import InputError, ToolFailed, ToolMissing
from indexer.ocr import OcrCache, OcrPool, ocr_workers, rasterize_page  # noqa: F401 - ocr_workers: kept here too

MIN_TEXT_CHARS = 8          # fewer letters/CJK characters than this: the page is a scan
MAX_DOCX_PART = 200 << 20   # refuse Word files whose parts expand beyond this (zip bombs)
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp"}
_MEANINGFUL = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


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
    exe = find_program("pdftotext", required=False)
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


class PendingPdf:
    """Text of a PDF's pages whose OCR is under way in an OcrPool (see start_pdf_pages)."""

    def __init__(self, texts: list[str], futures: dict):
        self.texts = texts
        self.futures = futures   # 1-based page -> Future of its OCR text

    def done(self) -> bool:
        return all(f.done() for f in self.futures.values())

    def result(self, failures: list | None = None) -> list[str]:
        """Every page's text (waiting for OCR); see pdf_pages for failures."""
        texts = list(self.texts)
        for p, fut in self.futures.items():
            try:
                text = fut.result()
            except (ToolMissing, ToolFailed, InputError) as exc:
                if failures is None:
                    raise
                failures.append((p, exc))
                continue
            layer = texts[p - 1].strip()
            texts[p - 1] = text + ("\n" + layer if layer and has_text(layer) else "")
        return texts


def start_pdf_pages(pdf, cache: OcrCache, pool: OcrPool, force_ocr: set[int] | None = None,
                    key_hint: dict | None = None, skip_ocr: set[int] | None = None) -> PendingPdf:
    """Read a PDF's text layer and queue the pages that need OCR in pool (arguments as pdf_pages)."""
    texts = pdf_page_texts(pdf)
    force_ocr = force_ocr or set()
    skip_ocr = skip_ocr or set()
    todo = [i + 1 for i, t in enumerate(texts)
            if (i + 1) not in skip_ocr and ((i + 1) in force_ocr or not has_text(t))]
    futures = {}
    if todo:
        reader = _reader(pdf)
        for p in todo:
            dpi = scan_dpi(reader, p - 1)
            if key_hint and p in key_hint:
                key = cache.key("pdf-page", key_hint[p], dpi)
            else:
                key = cache.key("pdf-page", page_fingerprint(reader, p - 1), dpi)
            futures[p] = pool.submit(key, _page_source(reader, pdf, p, dpi))
    return PendingPdf(texts, futures)


def pdf_pages(pdf, cache: OcrCache, force_ocr: set[int] | None = None, key_hint: dict | None = None,
              failures: list | None = None, skip_ocr: set[int] | None = None, pool: OcrPool | None = None) -> list[str]:
    """Text of every page of a PDF, OCR'd where needed.

    force_ocr: 1-based pages to OCR whatever their text layer says (manifest text_layer false).
    key_hint:  1-based page -> a content key known by the caller (e.g. the source scan's sha256),
               used instead of hashing the page.
    skip_ocr:  1-based pages never to OCR (photographs, when the workspace says so).
    failures:  if given, pages whose OCR failed (tool missing, time-out, bad page) are appended
               as (page, DibaoError) and keep their text layer; otherwise the error is raised.
    pool:      an OcrPool shared with other PDFs (else one is made for this PDF).
    """
    if pool is not None:
        return start_pdf_pages(pdf, cache, pool, force_ocr, key_hint, skip_ocr).result(failures)
    with OcrPool(cache) as own:
        return start_pdf_pages(pdf, cache, own, force_ocr, key_hint, skip_ocr).result(failures)


def _page_source(reader, pdf, page: int, dpi: int):
    """How a worker makes the image of a page to OCR: the scan's own JPEG when the page is
    nothing but that JPEG at that resolution (no rendering: ~0.25 s of pdftoppm saved a page),
    else the page rendered by pdftoppm at dpi."""
    jpeg = page_jpeg(reader, page - 1)
    if jpeg is not None:
        def write(folder: Path) -> Path:
            out = folder / f"p{page}.jpg"
            out.write_bytes(jpeg)
            return out
        return write
    return lambda folder: rasterize_page(pdf, page, folder, dpi=dpi)


_PLAIN_OPS = {b"q", b"Q", b"cm", b"Do", b"BT", b"ET", b"Tf", b"Td", b"TD", b"Tm", b"T*", b"Tj", b"TJ", b"'", b'"',
              b"Tc", b"Tw", b"Tz", b"TL", b"Ts", b"Tr", b"g", b"G", b"rg", b"RG", b"k", b"K", b"gs", b"w",
              b"J", b"j", b"M", b"d", b"ri", b"i"}   # nothing but the image is painted (text aside)
DPI_AGREEMENT = 0.03   # the JPEG's stated resolution and its size on the page agree within 3 %


def page_jpeg(reader, index: int) -> bytes | None:
    """The bytes of the JPEG a scanned page consists of, when OCR of that file reads what OCR of the
    rendered page would: one upright 8-bit grey or RGB JPEG (no mask, no EXIF turn) drawn unrotated,
    its stated resolution that of its size on the page and within [MIN_DPI, DPI]; apart from it only
    text (the archive's page number).  None otherwise (the page is rendered instead)."""
    from indexer.ocr import DPI, MIN_DPI

    try:
        page = reader.pages[index]
        if int(page.get("/Rotate", 0) or 0) % 360:
            return None
        xobjects = (page.get("/Resources") or {}).get_object().get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else {}
        if len(xobjects) != 1:
            return None
        name, = list(xobjects)
        img = xobjects[name].get_object()
        filt = img.get("/Filter")
        filt = list(filt) if isinstance(filt, list) else [filt]
        if (img.get("/Subtype") != "/Image" or filt != ["/DCTDecode"] or img.get("/BitsPerComponent") != 8
                or img.get("/ColorSpace") not in ("/DeviceGray", "/DeviceRGB")
                or any(k in img for k in ("/Decode", "/SMask", "/Mask", "/ImageMask"))):
            return None
        ctm = _image_matrix(page, name)
        if ctm is None:
            return None
        a, b, c, d = ctm
        width, height = int(img["/Width"]), int(img["/Height"])
        if b or c or a <= 0 or d <= 0:
            return None
        dpi_x, dpi_y = width / (a / 72), height / (d / 72)
        if abs(dpi_x - dpi_y) > DPI_AGREEMENT * dpi_x or not (MIN_DPI <= round(dpi_x) <= DPI):   # as scan_dpi
            return None
        data = img._data
        if not _jpeg_agrees(data, width, height, dpi_x):
            return None
        return data
    except Exception:  # noqa: BLE001 - any doubt: render the page
        return None


def _image_matrix(page, name) -> tuple | None:
    """(a, b, c, d) of the transform the page's only image is drawn with, if it is drawn once
    and the page does nothing but that and text; else None."""
    contents = page.get_contents()
    if contents is None:
        return None
    ops = contents.operations
    stack, m, found = [], (1.0, 0.0, 0.0, 1.0), None
    for operands, op in ops:
        if op not in _PLAIN_OPS:
            return None
        if op == b"q":
            stack.append(m)
        elif op == b"Q":
            m = stack.pop() if stack else m
        elif op == b"cm":
            a2, b2, c2, d2 = (float(x) for x in operands[:4])
            a1, b1, c1, d1 = m   # new = cm x current
            m = (a2 * a1 + b2 * c1, a2 * b1 + b2 * d1, c2 * a1 + d2 * c1, c2 * b1 + d2 * d1)
        elif op == b"Do":
            if found is not None or operands[0] != name:
                return None
            found = m
    return found


def _jpeg_agrees(data: bytes, width: int, height: int, dpi: float) -> bool:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        if im.format != "JPEG" or im.size != (width, height) or im.mode not in ("L", "RGB"):
            return False
        if im.getexif().get(0x0112, 1) != 1:
            return False
        stated = im.info.get("dpi")
        return bool(stated) and abs(float(stated[0]) - dpi) <= DPI_AGREEMENT * dpi


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


def docx_page_texts(path) -> list[str]:
    """Text of a .docx split where Word itself broke pages (page breaks, the page breaks Word
    recorded when it last laid the file out, sections starting on a new page); one page when
    there are none.  Used when LibreOffice is not available to lay the file out."""
    path = Path(path)
    docx_text(path)   # the checks and messages for bad files
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(path))
    pages: list[list[str]] = [[]]
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag not in ("p", "tbl"):
            continue
        breaks = [b for b in block.iter(qn("w:br")) if b.get(qn("w:type")) == "page"]
        rendered = list(block.iter(qn("w:lastRenderedPageBreak")))
        if tag == "p" and (rendered or block.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None) \
                and any(x.strip() for x in pages[-1]):
            pages.append([])
        text = "".join(t.text or "" for t in block.iter(qn("w:t")))
        if tag == "tbl":
            text = "\n".join(" ".join("".join(t.text or "" for t in c.iter(qn("w:t"))) for c in row.iter(qn("w:tc")))
                             for row in block.iter(qn("w:tr")))
        pages[-1].append(text)
        if breaks:
            pages.append([])
        if tag == "p" and block.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            pages.append([])
    out = ["\n".join(x for x in p if x.strip()) for p in pages]
    out = [p for p in out if p.strip()]
    return out or [""]


class WordPages:
    """Word files split into their printed pages: LibreOffice lays the file out as a PDF (kept
    under `folder` by the file's sha256, so a file is converted once) and the PDF's text layer
    gives each page.  Without LibreOffice (or when it fails on a file) the Word file's own page
    breaks are used (docx_page_texts).  Close it (or use it as a context manager) to stop soffice."""

    def __init__(self, folder, timeout: float = 120.0):
        self.folder = Path(folder) if folder else None
        self.timeout = timeout
        self._conv = None
        self._unavailable = False
        self.converted = 0

    def __enter__(self) -> "WordPages":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def pdf(self, path, digest: str) -> Path | None:
        """The laid-out PDF of a Word file (converted now if needed), or None without LibreOffice."""
        from archive.errors import DibaoError

        if self.folder is None:
            return None
        out = self.folder / f"{digest}.pdf"
        if out.is_file():
            return out
        if self._unavailable:
            return None
        try:
            if self._conv is None:
                from archive.external.libreoffice import Converter

                self._conv = Converter(workers=1, timeout=self.timeout)
            from archive.fsutil import ensure_dir

            ensure_dir(self.folder)
            self._conv.convert(Path(path), out)
            self.converted += 1
        except ToolMissing:
            self._unavailable = True
            return None
        except DibaoError:
            return None
        return out

    def pages(self, path, digest: str) -> list[str]:
        pdf = self.pdf(path, digest)
        if pdf is not None:
            texts = pdf_page_texts(pdf)
            if any(has_text(t) for t in texts):
                return texts
        return docx_page_texts(path)

    def close(self) -> None:
        if self._conv is not None:
            self._conv.close()
            self._conv = None
