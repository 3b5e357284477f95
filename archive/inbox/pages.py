"""Scanner output as pages: an image to look at and the page itself, unchanged, to file.

PDF pages are copied as they are (pypdf); JPEG files are embedded without recompression
and PNG/TIFF losslessly (img2pdf); a multi-page TIFF gives one page per frame.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import InputError

INPUT_EXTS = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}
LOOK_DPI = 200


@dataclass
class Page:
    source: Path            # the input file
    index: int              # 0-based page of that file
    count: int              # pages in that file
    kind: str               # pdf | jpeg | png | tiff
    image: object = field(repr=False, default=None)   # PIL grey image for looking at (dropped after use)

    @property
    def label(self) -> str:
        return f"{self.source.name} 第{self.index + 1}页" if self.count > 1 else self.source.name


def kind_of(path: Path) -> str | None:
    ext = path.suffix.lower()
    if ext not in INPUT_EXTS:
        return None
    return {".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff", ".tiff": "tiff"}.get(ext, ext[1:])


def read_pages(path: Path, dpi: int = LOOK_DPI) -> list[Page]:
    """Every page of one input file, with a grey image of each; InputError when unreadable."""
    from PIL import Image, ImageOps

    kind = kind_of(path)
    if kind is None:
        raise InputError("不是扫描件格式", path=path, hint="支持 PDF、JPG、PNG、TIF；其他文件请移出收件箱")
    try:
        if kind == "pdf":
            images = _rasterise(path, dpi)
        else:
            with Image.open(path) as im:
                images = []
                for i in range(getattr(im, "n_frames", 1)):
                    im.seek(i)
                    frame = ImageOps.exif_transpose(im) if i == 0 else im
                    images.append(frame.convert("L"))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder error: a damaged file
        raise InputError(f"文件无法打开（{exc}）", path=path, hint="文件可能损坏，请重新扫描") from exc
    return [Page(path, i, len(images), kind, im) for i, im in enumerate(images)]


def _rasterise(path: Path, dpi: int) -> list:
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="dibao-inbox-") as tmp:
        proc = subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(path), str(Path(tmp) / "p")],
                              capture_output=True, timeout=600)
        files = sorted(Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[-1]))
        if proc.returncode != 0 or not files:
            err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise InputError("PDF 无法读取：" + (err[-1] if err else "没有页面"), path=path,
                             hint="文件可能损坏或加了密码，请重新扫描")
        out = []
        for f in files:
            with Image.open(f) as im:
                out.append(im.convert("L"))
        return out


def page_pdfs(path: Path, kind: str) -> list[bytes]:
    """Each page of an input file as a one-page PDF, content unchanged (no recompression)."""
    import img2pdf

    data = path.read_bytes()
    if kind == "pdf":
        return page_pdfs_from_bytes(data)
    if kind == "jpeg" or kind == "png":
        return [img2pdf.convert(data, rotation=img2pdf.Rotation.ifvalid)]
    # TIFF: img2pdf keeps CCITT/LZW frames where it can; one page per frame
    whole = img2pdf.convert(data, rotation=img2pdf.Rotation.ifvalid)
    return page_pdfs_from_bytes(whole)


def page_pdfs_from_bytes(data: bytes) -> list[bytes]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    out = []
    for page in reader.pages:
        w = pypdf.PdfWriter()
        w.add_page(page)
        buf = io.BytesIO()
        w.write(buf)
        out.append(buf.getvalue())
    return out


def join(pages: list[tuple[bytes, int]], meta: dict[str, str] | None = None) -> bytes:
    """One PDF from one-page PDFs, each turned by a clockwise angle (shown upright; content unchanged)."""
    import pypdf

    w = pypdf.PdfWriter()
    for data, angle in pages:
        page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
        added = w.add_page(page)
        if angle % 360:
            added.rotate(angle % 360)
    if meta:
        w.add_metadata(meta)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()
