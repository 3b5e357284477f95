"""Scanned attachments → A4 PDF pages for the archive volume, safely and with bounded work.

Clerks add scans as JPEG, PNG, TIFF or PDF (sometimes GIF, BMP or WebP), often
with the wrong extension.  Every input becomes PDF pages on A4 paper (portrait or
landscape following the page, centred, aspect kept, shrunk to fit but never
enlarged):

- JPEG is wrapped by img2pdf without re-encoding; EXIF rotation becomes the page's
  /Rotate.  Only mirrored EXIF orientations (2, 4, 5, 7), which a page rotation
  cannot express, are decoded, turned and re-encoded at quality 95 (with a note).
- PNG that PDF can hold as it is (8-bit grey/RGB/palette, no alpha) is wrapped as
  it is; other images (alpha, 16-bit, CMYK TIFF, EXIF-rotated, every page of a
  multi-page TIFF) are decoded once, normalised and embedded losslessly.
- PDF pages are copied (streams stay encoded) and placed on A4 with one transform.

Work is bounded before it is done: the file size is checked before reading, image
dimensions are read from the header before decoding, page counts before pages
are touched, and every PDF stream a page reaches is measured with a capped
inflate (a decompression bomb is refused rather than passed through, which pypdf
would otherwise do).  Anything that cannot be used raises InputError naming the
file and saying what to do.  The source file is only ever read.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import img2pdf
import pypdf
import pypdf.errors
import pypdf.filters
from PIL import Image, ImageOps, ImageSequence
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, IndirectObject, NameObject,
                           NumberObject, RectangleObject, StreamObject)

from archive.errors import DibaoError, InputError

log = logging.getLogger(__name__)

A4_W = 595.2756  # 210 mm in PDF points
A4_H = 841.8898  # 297 mm
A4_TOLERANCE = 2.0  # points; a page this close to A4 is kept as it is
ASSUMED_DPI = 150.0  # for images that say nothing (or nonsense) about their resolution
PLAUSIBLE_DPI = (30.0, 4800.0)
JPEG_REENCODE_QUALITY = 95
PNG_COMPRESS_LEVEL = 3  # measured on A4 pages: 0–25 % larger than level 6, 35–45 % faster
MIN_TEXT_CHARS = 3  # fewer non-blank characters on a page count as "no text layer"
MAX_PDF_OBJECTS = 200_000  # objects reachable from the pages; more is refused as abnormal
DEFLATE_MAX_RATIO = 1032  # deflate cannot expand more than this; smaller streams need no check

KINDS_ACCEPTED = ("jpeg", "png", "tiff", "pdf", "gif", "bmp", "webp")
_KIND_NAMES = {"jpeg": "JPG图片", "png": "PNG图片", "tiff": "TIFF图片", "pdf": "PDF文件",
               "gif": "GIF图片", "bmp": "BMP图片", "webp": "WebP图片"}
_EXT_KIND = {".jpg": "jpeg", ".jpeg": "jpeg", ".jpe": "jpeg", ".png": "png", ".tif": "tiff", ".tiff": "tiff",
             ".pdf": "pdf", ".gif": "gif", ".bmp": "bmp", ".webp": "webp"}

HINT_RESCAN = "重新扫描这份材料，或从原处重新拷贝一份"
HINT_RESAVE = "用看图软件或扫描软件打开后另存为JPG或PDF，再放入；打不开就重新扫描"
HINT_PDF_RESAVE = "用PDF阅读器打开后“另存为”（或“打印为PDF”）一份新的PDF再放入；打不开就重新扫描纸质件"


@dataclass(frozen=True)
class ScanLimits:
    """Bounds on the work one attachment may cause (all configurable)."""

    max_pixels: int = 100_000_000  # per image or per PDF image object
    max_file_bytes: int = 200 * 2**20
    max_pages: int = 200  # per attachment
    max_pdf_stream_bytes: int = 64 * 2**20  # decoded size of any one PDF stream


@dataclass
class ScanResult:
    pdf: bytes
    pages: int
    kind: str  # what the file really is (sniffed)
    notes: list[str] = field(default_factory=list)  # Chinese remarks for the clerk (re-encoded, password removed…)


# ----------------------------------------------------------------------------- sniffing


def _head(path: Path, n: int = 1024) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def _kind_of(head: bytes) -> str:
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if b"%PDF-" in head[:1024]:  # readers accept junk before the header within the first 1 KB
        return "pdf"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:2] == b"BM" and len(head) >= 26:
        return "bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return "unknown"


def sniff(path) -> str:
    """The real type of a file from its first bytes: 'jpeg', 'png', 'tiff', 'pdf', 'gif', 'bmp', 'webp' or 'unknown'."""
    path = Path(path)
    try:
        return _kind_of(_head(path))
    except OSError as exc:
        raise _read_error(exc, path) from exc


def _read_error(exc: OSError, path: Path) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError("找不到这个文件", path=path, hint="检查文件名和所在文件夹是否正确")
    if isinstance(exc, IsADirectoryError):
        return InputError("这是一个文件夹，不是扫描件", path=path, hint="放入文件夹里的扫描件文件本身")
    if isinstance(exc, PermissionError):
        return InputError("没有读取这个文件的权限", path=path, hint="请管理员开放读权限，或把文件复制到工作区后再放入")
    return InputError(f"读取文件失败（{exc.strerror or exc}）", path=path, hint="检查U盘或磁盘是否正常，把文件复制到本机后再放入")


def _unknown_error(head: bytes, path: Path) -> InputError:
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"avif"):
        return InputError("这是手机的HEIC/AVIF格式照片，不能直接归档", path=path,
                          hint="在手机或电脑上把照片另存为JPG（苹果手机：设置→相机→格式→兼容性最佳）后再放入")
    if head[:4] == b"PK\x03\x04" or head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return InputError("这是Word/Excel/OFD文档或压缩包，不是扫描件", path=path,
                          hint="签字盖章的材料请扫描后放入；电子文档请另存为PDF后再放入")
    return InputError("无法识别文件格式（不是JPG、PNG、TIFF或PDF）", path=path, hint=HINT_RESAVE)


def _kind_note(path: Path, kind: str) -> list[str]:
    ext_kind = _EXT_KIND.get(path.suffix.lower())
    if ext_kind and ext_kind != kind:
        return [f"文件扩展名是{path.suffix}，实际内容是{_KIND_NAMES[kind]}，已按{_KIND_NAMES[kind]}处理"]
    return []


# ----------------------------------------------------------------------------- entry points


def scan_to_pdf(path, limits: ScanLimits = ScanLimits()) -> tuple[bytes, int]:
    """A4 PDF bytes and page count for one scanned attachment; raises InputError."""
    res = convert_scan(path, limits)
    return res.pdf, res.pages


def convert_scan(path, limits: ScanLimits = ScanLimits()) -> ScanResult:
    """Like scan_to_pdf, with the sniffed type and the remarks worth telling the clerk."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IsADirectoryError(21, "is a directory")
        if size == 0:
            raise InputError("文件是空的（0字节），扫描或拷贝没有完成", path=path, hint=HINT_RESCAN)
        if size > limits.max_file_bytes:
            raise InputError(f"文件太大（{_mb(size)} MB，上限 {_mb(limits.max_file_bytes)} MB）", path=path,
                             hint="扫描A4材料用200–300dpi即可；页数多的请拆成几份分别放入")
        data = path.read_bytes()
    except OSError as exc:
        raise _read_error(exc, path) from exc
    kind = _kind_of(data[:1024])
    if kind == "unknown":
        raise _unknown_error(data[:16], path)
    notes = _kind_note(path, kind)
    try:
        if kind == "pdf":
            pdf, pages = _pdf_to_a4(data, path, limits, notes)
        else:
            pdf, pages = _image_to_a4(data, kind, path, limits, notes)
    except DibaoError:
        raise
    except MemoryError as exc:
        raise InputError("文件内容太大，内存不够处理", path=path, hint=HINT_RESCAN) from exc
    except Exception as exc:  # a parser choking on a damaged file is the file's fault, not a bug to show
        log.debug("unreadable scan %s", path, exc_info=True)
        if kind == "pdf":
            raise InputError("PDF文件已损坏，无法读取", path=path, hint=HINT_PDF_RESAVE) from exc
        raise InputError(f"{_KIND_NAMES[kind]}已损坏，无法读取", path=path, hint=HINT_RESAVE) from exc
    for note in notes:
        log.info("%s: %s", path, note)
    return ScanResult(pdf, pages, kind, notes)


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f}" if n >= 2**20 else f"{n / 2**20:.2f}"


# ----------------------------------------------------------------------------- images


@contextlib.contextmanager
def _pillow_limits(limits: ScanLimits):
    """Make Pillow refuse (not merely warn about) images above max_pixels while we work."""
    old = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            warnings.filterwarnings("ignore", category=UserWarning, module="PIL")  # corrupt EXIF etc.
            yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _PixelBomb(str(exc)) from exc
    finally:
        Image.MAX_IMAGE_PIXELS = old


class _PixelBomb(Exception):
    pass


def _open_header(data: bytes, limits: ScanLimits) -> Image.Image:
    """Pillow's lazy open (header only, nothing decoded) with its own bomb check held back,
    so that our check can name the dimensions; the check is back on for all decoding."""
    Image.MAX_IMAGE_PIXELS = None
    try:
        return Image.open(io.BytesIO(data))
    finally:
        Image.MAX_IMAGE_PIXELS = limits.max_pixels


def _check_pixels(w: int, h: int, limits: ScanLimits, path: Path, page: int | None = None) -> None:
    if w <= 0 or h <= 0:
        raise InputError("图片尺寸为0，文件已损坏", path=path, field=_page_field(page), hint=HINT_RESCAN)
    if w * h > limits.max_pixels:
        raise InputError(
            f"图片尺寸异常大（{w}×{h}像素，约{w * h / 1e6:.0f}百万像素，上限{limits.max_pixels / 1e6:.0f}百万像素），"
            "可能是损坏或恶意文件，没有处理", path=path, field=_page_field(page),
            hint="重新扫描（A4材料用200–300dpi即可）")


def _page_field(page: int | None) -> str | None:
    return f"第{page}页" if page else None


def _dpi(im: Image.Image) -> tuple[float, float]:
    dpi = im.info.get("dpi")
    try:
        x, y = float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError, IndexError):
        return ASSUMED_DPI, ASSUMED_DPI
    lo, hi = PLAUSIBLE_DPI
    if not (lo <= x <= hi and lo <= y <= hi):
        return ASSUMED_DPI, ASSUMED_DPI
    return x, y


def _a4_layout(dpi: tuple[float, float] | None = None):
    """img2pdf layout: A4 in the image's orientation, image centred, shrunk to fit, never enlarged.

    dpi overrides what img2pdf read from the file (used when the file says nothing).
    """

    def layout(wpx, hpx, ndpi):
        dx, dy = dpi or ndpi
        w, h = wpx * 72.0 / dx, hpx * 72.0 / dy
        pw, ph = (A4_H, A4_W) if w > h else (A4_W, A4_H)
        s = min(1.0, pw / w, ph / h)
        return pw, ph, w * s, h * s

    return layout


def _image_to_a4(data: bytes, kind: str, path: Path, limits: ScanLimits, notes: list[str]) -> tuple[bytes, int]:
    try:
        with _pillow_limits(limits):
            im = _open_header(data, limits)
            _check_pixels(im.width, im.height, limits, path)
            if kind == "jpeg":
                return _jpeg_to_a4(data, im, path, notes), 1
            if kind == "png" and _png_as_is(im):
                im.load()  # img2pdf copies the IDAT data as it is: make sure it is whole first
                return img2pdf.convert(data, layout_fun=_a4_layout(_dpi(im)), rotation=img2pdf.Rotation.none), 1
            return _frames_to_a4(im, kind, path, limits, notes)
    except _PixelBomb as exc:
        raise InputError("图片尺寸异常大，可能是损坏或恶意文件，没有处理", path=path,
                         hint="重新扫描（A4材料用200–300dpi即可）") from exc
    except (OSError, SyntaxError) as exc:
        if "truncated" in str(exc) or "broken data stream" in str(exc):
            raise _truncated(kind, path) from exc
        raise


def _truncated(kind: str, path: Path) -> InputError:
    return InputError(f"{_KIND_NAMES[kind]}不完整（文件被截断，可能扫描或拷贝没有完成）", path=path, hint=HINT_RESCAN)


def _exif_orientation(im: Image.Image) -> int:
    try:
        return int(im.getexif().get(0x0112, 1) or 1)
    except Exception:  # unreadable EXIF: treat as upright, like viewers do
        return 1


def _jpeg_complete(data: bytes) -> bool:
    """True when the JPEG's coded data reaches its end marker (EOI).

    Segments before the first scan are skipped by their lengths (an EXIF thumbnail
    carries its own EOI); inside entropy-coded data 0xFF is always stuffed, so an
    FF D9 after the first SOS is the real end.  A byte search: microseconds, where
    a trial decode costs 10–60 ms per page.
    """
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return False
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:
            return False  # EOI before any scan: no image data
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            i += 2
            continue
        seglen = int.from_bytes(data[i + 2:i + 4], "big")
        if marker == 0xDA:  # SOS
            return data.find(b"\xff\xd9", i + 2 + seglen) != -1
        i += 2 + seglen
    return False


def _jpeg_to_a4(data: bytes, im: Image.Image, path: Path, notes: list[str]) -> bytes:
    if not _jpeg_complete(data):
        raise _truncated("jpeg", path)
    orientation = _exif_orientation(im)
    if orientation in (2, 4, 5, 7):  # mirrored: a page rotation cannot express it
        im.load()
        fixed = ImageOps.exif_transpose(im)
        buf = io.BytesIO()
        dpi = _dpi(im)
        fixed.save(buf, "JPEG", quality=JPEG_REENCODE_QUALITY, dpi=dpi,
                   icc_profile=im.info.get("icc_profile"))
        notes.append(f"照片带有镜像方向标记，已转正并以高质量（{JPEG_REENCODE_QUALITY}）重新压缩")
        return img2pdf.convert(buf.getvalue(), layout_fun=_a4_layout(dpi), rotation=img2pdf.Rotation.none)
    # The DCT data goes into the PDF byte for byte; rotation 3/6/8 becomes /Rotate.
    return img2pdf.convert(data, layout_fun=_a4_layout(_dpi(im)), rotation=img2pdf.Rotation.ifvalid)


def _png_as_is(im: Image.Image) -> bool:
    """Whether img2pdf can embed this PNG unchanged (no alpha, 8-bit, upright)."""
    if im.mode not in ("L", "RGB", "P", "1") or "transparency" in im.info:
        return False
    if _exif_orientation(im) != 1:
        return False
    return im.info.get("interlace", 0) == 0


def _frames_to_a4(im: Image.Image, kind: str, path: Path, limits: ScanLimits, notes: list[str]) -> tuple[bytes, int]:
    n = getattr(im, "n_frames", 1) if kind == "tiff" else 1
    if n > limits.max_pages:
        raise _too_many_pages(n, limits, path)
    if kind in ("gif", "webp") and getattr(im, "n_frames", 1) > 1:
        notes.append("动图只收录第一帧")
    pngs = []
    for i, frame in enumerate(ImageSequence.Iterator(im), start=1):
        if i > n:
            break
        _check_pixels(frame.width, frame.height, limits, path, i if n > 1 else None)
        dpi = _dpi(frame)
        frame.load()
        flat = _normalise(ImageOps.exif_transpose(frame))
        buf = io.BytesIO()
        flat.save(buf, "PNG", dpi=dpi, compress_level=PNG_COMPRESS_LEVEL)
        pngs.append(buf.getvalue())
    return img2pdf.convert(*pngs, layout_fun=_a4_layout(), rotation=img2pdf.Rotation.none), len(pngs)


def _normalise(im: Image.Image) -> Image.Image:
    """An image PDF can hold losslessly: '1', 'L', 'RGB' or 'P' without transparency, 8-bit."""
    if im.mode == "P" and "transparency" not in im.info:
        return im
    if im.mode in ("1", "L", "RGB"):
        return im
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit grey: scale to 8 bits (convert('L') would clip everything above 255)
        return im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if im.mode == "F":
        return im.convert("L")
    if im.mode in ("LA", "La", "PA", "RGBA", "RGBa", "P"):
        grey = im.mode in ("LA", "La")
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat = Image.alpha_composite(white, rgba).convert("RGB")
        return flat.convert("L") if grey else flat
    return im.convert("RGB")  # CMYK TIFF, YCbCr, LAB, HSV


# ----------------------------------------------------------------------------- PDF


def _too_many_pages(n: int, limits: ScanLimits, path: Path) -> InputError:
    return InputError(f"页数太多（{n}页，上限{limits.max_pages}页）", path=path, hint="拆成几份分别放入")


def _pypdf_limits(limits: ScanLimits):
    cap = limits.max_pdf_stream_bytes
    return pypdf.apply_configuration(
        maximum_declared_stream_length=limits.max_file_bytes,
        array_based_stream_maximum_output_length=cap,
        zlib_maximum_output_length=cap,
        lzw_maximum_output_length=cap,
        run_length_maximum_output_length=cap,
        brotli_maximum_output_length=cap,
        jbig2_maximum_output_length=cap,
        image_maximum_buffer_size=cap,
    )


def _open_pdf(data: bytes, path: Path, notes: list[str] | None) -> pypdf.PdfReader:
    if b"%%EOF" not in data[-8192:]:
        raise InputError("PDF文件不完整（结尾缺失，可能下载、扫描或拷贝没有完成）", path=path,
                         hint="重新扫描，或从原处重新下载/拷贝这份PDF")
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as exc:  # e.g. an encryption scheme pypdf does not support
            raise InputError("PDF已加密，无法读取", path=path, hint="去掉密码后再放入（用PDF软件另存为不加密的PDF）") from exc
        if opened == pypdf.PasswordType.NOT_DECRYPTED:
            raise InputError("PDF设置了打开密码，无法读取", path=path,
                             hint="去掉密码后再放入（用PDF软件输入密码后另存为不加密的PDF），或重新扫描纸质件")
        if notes is not None:
            notes.append("PDF带有权限密码（不需要密码即可打开），归档副本已去掉权限限制")
    return reader


def _pdf_to_a4(data: bytes, path: Path, limits: ScanLimits, notes: list[str]) -> tuple[bytes, int]:
    with _pypdf_limits(limits):
        try:
            reader = _open_pdf(data, path, notes)
            n = len(reader.pages)
            if n == 0:
                raise InputError("PDF里没有页面", path=path, hint=HINT_PDF_RESAVE)
            if n > limits.max_pages:
                raise _too_many_pages(n, limits, path)
            check_pdf_streams(reader, limits, path)
            writer = pypdf.PdfWriter()
            for src in reader.pages:
                if _strip_actions(src):   # before the copy: what is removed is never copied
                    note = "已去除其中的脚本、动作或附件（JavaScript、Launch、嵌入文件等），只保留页面内容"
                    if note not in notes:
                        notes.append(note)
                _place_on_a4(writer.add_page(src))
            buf = io.BytesIO()
            writer.write(buf)
        except pypdf.errors.LimitReachedError as exc:
            raise _bomb(path, limits) from exc
    return buf.getvalue(), n


_ACTIVE_ANNOTS = frozenset({"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"})


def _strip_actions(page) -> bool:
    """Remove what a PDF page can do rather than show: page open/close actions (/AA), actions of
    annotations and links (/A, /AA: JavaScript, Launch, SubmitForm…), and annotations that carry
    files or media.  (Document-level /OpenAction, /Names JavaScript and embedded files are not
    copied: the scan's pages go into a new document.)  True when something was removed."""
    removed = False
    if "/AA" in page:
        del page["/AA"]
        removed = True
    annots = page.get("/Annots")
    if annots is None:
        return removed
    kept = ArrayObject()
    for ref in annots.get_object():
        annot = ref.get_object()
        if not isinstance(annot, DictionaryObject) or annot.get("/Subtype") in _ACTIVE_ANNOTS:
            removed = True
            continue
        for key in ("/A", "/AA"):
            if key in annot:
                del annot[key]
                removed = True
        kept.append(ref)
    if kept:
        page[NameObject("/Annots")] = kept
    else:
        del page["/Annots"]
    return removed


def _bomb(path: Path, limits: ScanLimits, page: int | None = None) -> InputError:
    return InputError(f"PDF中有数据解压后超过{_mb(limits.max_pdf_stream_bytes)} MB（疑似“压缩炸弹”或损坏文件），没有处理",
                      path=path, field=_page_field(page), hint=HINT_PDF_RESAVE)


def check_pdf_streams(reader: pypdf.PdfReader, limits: ScanLimits, path: Path) -> None:
    """Refuse a PDF any of whose page-reachable streams or images exceeds the limits.

    Walks every object the pages reach (contents, images, fonts, forms,
    annotations), without following /Parent back up the page tree.
    """
    seen: set[tuple[int, int]] = set()
    count = 0
    for pageno, page in enumerate(reader.pages, start=1):
        stack = [page.indirect_reference or page]
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key in seen:
                    continue
                seen.add(key)
                obj = obj.get_object()
            count += 1
            if count > MAX_PDF_OBJECTS:
                raise InputError("PDF结构异常复杂（对象过多），疑似损坏或恶意文件", path=path, hint=HINT_PDF_RESAVE)
            if isinstance(obj, StreamObject):
                _check_stream(obj, limits, path, pageno)
            if isinstance(obj, DictionaryObject):
                stack.extend(v for k, v in obj.items() if k != "/Parent")
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)


_SHRINKING = {"/ASCIIHexDecode": pypdf.filters.ASCIIHexDecode, "/AHx": pypdf.filters.ASCIIHexDecode,
              "/ASCII85Decode": pypdf.filters.ASCII85Decode, "/A85": pypdf.filters.ASCII85Decode}


def _check_stream(stream: StreamObject, limits: ScanLimits, path: Path, pageno: int) -> None:
    if stream.get("/Subtype") == "/Image":
        try:
            w, h = (int(stream.get(k, NumberObject(0)).get_object()) for k in ("/Width", "/Height"))
        except (TypeError, ValueError):
            w = h = 0
        if w * h > limits.max_pixels:
            _check_pixels(w, h, limits, path, pageno)
    filters = stream.get("/Filter")
    filters = filters.get_object() if filters is not None else None
    if filters is None:
        return
    filters = [filters] if isinstance(filters, str) else [f.get_object() for f in filters]
    raw = stream._data  # the encoded bytes; get_data() would decode (and keep) the whole stream
    cap = limits.max_pdf_stream_bytes
    for f in filters:
        f = str(f)
        if f in _SHRINKING:
            raw = _SHRINKING[f].decode(raw)
            continue
        if f in ("/FlateDecode", "/Fl"):
            if _inflated_size(raw, cap) > cap:
                raise _bomb(path, limits, pageno)
        elif f in ("/LZWDecode", "/LZW", "/RunLengthDecode", "/RL"):
            # pypdf decodes these with the caps set in _pypdf_limits (LimitReachedError above them)
            if len(stream.get_data()) > cap:
                raise _bomb(path, limits, pageno)
        return  # image codecs (DCT, JPX, CCITT, JBIG2) are bounded by the pixel check


def _inflated_size(raw: bytes, cap: int) -> int:
    """Bytes a zlib stream inflates to, counting no further than just past cap (constant memory)."""
    if len(raw) * DEFLATE_MAX_RATIO <= cap:
        return 0
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):  # with header, then raw deflate (as readers retry)
        d = zlib.decompressobj(wbits)
        total, buf = 0, raw
        try:
            while buf and not d.eof:
                out = d.decompress(buf, 1 << 20)
                total += len(out)
                if total > cap:
                    return total
                buf = d.unconsumed_tail
                if not out and not buf:
                    break
        except zlib.error:
            if total == 0:
                continue
        return total
    return 0


def _place_on_a4(page: pypdf.PageObject) -> None:
    """Put the page's visible area on A4 (same orientation), centred, shrunk to fit, never enlarged."""
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    w, h = x1 - x0, y1 - y0
    if w <= 0 or h <= 0:
        raise ValueError("page with an empty box")
    pw, ph = (A4_H, A4_W) if w > h else (A4_W, A4_H)
    if not (abs(w - pw) <= A4_TOLERANCE and abs(h - ph) <= A4_TOLERANCE and abs(x0) < 0.01 and abs(y0) < 0.01):
        s = min(1.0, pw / w, ph / h)
        tx, ty = (pw - w * s) / 2, (ph - h * s) / 2
        ctm = pypdf.Transformation().translate(-x0, -y0).scale(s, s).translate(tx, ty)
        _prepend_ctm(page, ctm)
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if "/Rect" in annot:
                ax0, ay0, ax1, ay1 = (float(v) for v in annot["/Rect"])
                (ax0, ay0), (ax1, ay1) = ctm.apply_on((ax0, ay0)), ctm.apply_on((ax1, ay1))
                annot[NameObject("/Rect")] = RectangleObject([ax0, ay0, ax1, ay1])
    box = RectangleObject([0, 0, pw, ph])
    page.mediabox = box
    page.cropbox = box
    for name in ("/TrimBox", "/BleedBox", "/ArtBox"):
        if name in page:
            del page[name]


def _prepend_ctm(page: pypdf.PageObject, ctm: pypdf.Transformation) -> None:
    """Wrap the page contents in 'q <ctm> cm … Q' by joining bytes.

    pypdf's add_transformation parses the whole content stream into operations
    (slow, and its parsing budget refuses big vector pages); joining does not.
    """
    contents = page.get("/Contents")
    parts = []
    if contents is not None:
        obj = contents.get_object()
        for s in obj if isinstance(obj, ArrayObject) else [obj]:
            s = s.get_object()
            if isinstance(s, StreamObject):
                parts.append(s.get_data())
    head = b"q " + b" ".join(b"%.6f" % v for v in ctm.ctm) + b" cm\n"
    wrapped = DecodedStreamObject()
    wrapped.set_data(head + b"\n".join(parts) + b"\nQ\n")
    page.replace_contents(wrapped.flate_encode())


# ----------------------------------------------------------------------------- text layer


def has_text_layer(pdf, limits: ScanLimits = ScanLimits()) -> list[bool]:
    """Per page: whether the PDF has extractable text there (False → the indexer should OCR it)."""
    path = Path(pdf) if isinstance(pdf, (str, os.PathLike)) else Path("<内存中的PDF>")
    try:
        data = pdf if isinstance(pdf, (bytes, bytearray)) else path.read_bytes()
    except OSError as exc:
        raise _read_error(exc, path) from exc
    with _pypdf_limits(limits):
        try:
            reader = _open_pdf(bytes(data), path, None)
            if len(reader.pages) > limits.max_pages:
                raise _too_many_pages(len(reader.pages), limits, path)
            check_pdf_streams(reader, limits, path)
            # pypdf yields NULs between characters for some CID fonts (fpdf2's CJK output): not text
            return [len("".join((page.extract_text() or "").replace("\x00", "").split())) >= MIN_TEXT_CHARS
                    for page in reader.pages]
        except DibaoError:
            raise
        except pypdf.errors.LimitReachedError as exc:
            raise _bomb(path, limits) from exc
        except Exception as exc:
            log.debug("unreadable PDF %s", path, exc_info=True)
            raise InputError("PDF文件已损坏，无法读取", path=path, hint=HINT_PDF_RESAVE) from exc
