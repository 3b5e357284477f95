"""One category volume as a PDF: cover, contents list, documents, remarks sheet.

Pages are copied with pypdf (streams stay encoded: scans are never re-compressed).
Every document page gets its archive page number (页号) in the top right corner of
the page as shown, whatever its /Rotate: a small content stream drawn in an embedded
TrueType subset of digits (archive/pdfa.py: digit_font; PDF/A forbids the unembedded
base-14 Helvetica) is appended to the page's /Contents, after the original
content has been wrapped in q/Q.  Nothing is parsed, so stamping costs well under a
millisecond a page, and the number is real text (pdftotext and the indexer find it).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pypdf

from archive.pdfa import Label, digit_font, digit_font_pypdf, finalize
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, IndirectObject, NameObject,
                           StreamObject)

STAMP_FONT = "/DibaoPageNo"
STAMP_SIZE = 11.0
STAMP_MARGIN = 22.0     # points from the top and right edges of the page as shown
UNNUMBERED_LABELS = {"cover": "封面", "contents": "目录", "remarks": "备考表"}


@dataclass
class Doc:
    """One document of a volume: a generated section, a converted form or a scan."""

    kind: str                     # cover | contents | remarks | form | signed_scan | scan | payments
    title: str
    reader: pypdf.PdfReader
    page_indices: list[int]       # pages of reader, in order
    date: object = None           # datetime.date | None
    meta: dict = field(default_factory=dict)  # manifest fields (form_id, source, unsigned …)
    numbered: bool = True         # documents carry archive page numbers; cover/contents/remarks do not
    frame: "Doc | None" = None    # photos: caption pages (one per page of this doc) the pages are placed on
    seal: "Doc | None" = None     # 归档章 (DA/T 22) overlay for the first page, when the county files by 件
    event: object = None          # the record event the document belongs to (文号, 责任者)

    @property
    def pages(self) -> int:
        return len(self.page_indices)


def reader_of(data) -> pypdf.PdfReader:
    """A reader over PDF bytes or a path."""
    if isinstance(data, (bytes, bytearray)):
        return pypdf.PdfReader(io.BytesIO(data))
    return pypdf.PdfReader(str(data))


def _display_matrix(page) -> tuple[list[float], float, float]:
    """Matrix from 'as shown' coordinates to user space, and the shown width and height."""
    box = page.cropbox
    x0, y0, x1, y1 = float(box.left), float(box.bottom), float(box.right), float(box.top)
    w, h = x1 - x0, y1 - y0
    rot = int(page.get("/Rotate", 0) or 0) % 360
    if rot == 90:
        return [0, 1, -1, 0, x1, y0], h, w
    if rot == 180:
        return [-1, 0, 0, -1, x1, y1], w, h
    if rot == 270:
        return [0, -1, 1, 0, x0, y1], h, w
    return [1, 0, 0, 1, x0, y0], w, h


def _num(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".") or "0"


def stamp_page(writer: pypdf.PdfWriter, page, number: int) -> None:
    """Draw the archive page number in the shown top-right corner of a page already in writer."""
    m, w, h = _display_matrix(page)
    text = str(number)
    x = w - STAMP_MARGIN - digit_font().width(text, STAMP_SIZE)
    y = h - STAMP_MARGIN - STAMP_SIZE * 0.75
    ops = (f"q {' '.join(_num(v) for v in m)} cm BT {STAMP_FONT} {_num(STAMP_SIZE)} Tf 0 g "
           f"{_num(x)} {_num(y)} Td ({text}) Tj ET Q\n").encode("ascii")

    contents = page.get("/Contents")
    refs: list = []
    if contents is not None:
        raw = page.raw_get("/Contents")
        obj = raw.get_object() if isinstance(raw, IndirectObject) else raw
        if isinstance(obj, ArrayObject):
            refs = list(obj)
        elif isinstance(obj, StreamObject):
            refs = [raw if isinstance(raw, IndirectObject) else writer._add_object(obj)]

    def stream(data: bytes) -> IndirectObject:
        s = DecodedStreamObject()
        s.set_data(data)
        return writer._add_object(s)

    page[NameObject("/Contents")] = ArrayObject([stream(b"q\n"), *refs, stream(b"\nQ\n" + ops)])

    res = page.get("/Resources")
    if res is None:
        res = DictionaryObject()
        page[NameObject("/Resources")] = res
    res = res.get_object()
    fonts = res.get("/Font")
    if fonts is None:
        fonts = DictionaryObject()
        res[NameObject("/Font")] = fonts
    fonts = fonts.get_object()
    if STAMP_FONT not in fonts:
        fonts[NameObject(STAMP_FONT)] = digit_font_pypdf(writer)


def place_photo(writer: pypdf.PdfWriter, frame, photo) -> None:
    """Draw a photo page (its content as shown, any /Rotate applied) into the photo area of a frame page."""
    from archive.volumes.pages import PAGE_H, PAGE_W, PHOTO_BOX

    mm = 72 / 25.4
    src = pypdf.PdfWriter()
    p = src.add_page(photo)
    if int(p.get("/Rotate", 0) or 0) % 360:
        p.transfer_rotation_to_content()
    box = p.cropbox
    w, h = float(box.width), float(box.height)
    left, top, right, bottom = (v * mm for v in PHOTO_BOX)
    aw, ah = PAGE_W * mm - left - right, PAGE_H * mm - top - bottom
    scale = min(aw / w, ah / h)
    x = left + (aw - w * scale) / 2 - float(box.left) * scale
    y = bottom + (ah - h * scale) / 2 - float(box.bottom) * scale
    frame.merge_transformed_page(p, pypdf.Transformation().scale(scale).translate(x, y))


def place_overlay(page, overlay) -> None:
    """Merge an A4 overlay page (the 归档章) onto a page, its top-right corner on the page's shown top-right."""
    m, w, h = _display_matrix(page)
    ow, oh = float(overlay.mediabox.width), float(overlay.mediabox.height)
    tx, ty = w - ow, h - oh
    a, b, c, d, e, f = m
    page.merge_transformed_page(overlay, pypdf.Transformation((a, b, c, d, a * tx + c * ty + e, b * tx + d * ty + f)))


@dataclass
class Placed:
    doc: Doc
    first_page: int          # 1-based page of the volume PDF
    last_page: int
    archive_first: int | None  # 页号 (documents only)
    archive_last: int | None


def number_documents(docs: list[Doc]) -> list[tuple[int, int] | None]:
    """Archive page numbers (first, last) of each numbered document, counting from 1."""
    out: list[tuple[int, int] | None] = []
    n = 0
    for d in docs:
        if d.numbered and d.pages:
            out.append((n + 1, n + d.pages))
            n += d.pages
        else:
            out.append(None)
    return out


def labels_of(placed: list["Placed"]) -> list[Label]:
    """Page labels: archive page numbers on documents, 封面 / 目录 / 备考表 on the pages around them."""
    out: list[Label] = []
    for p in placed:
        if p.last_page < p.first_page:
            continue
        if p.archive_first is not None:
            out.append(Label(p.first_page - 1, "", p.archive_first))
        else:
            out.append(Label(p.first_page - 1, UNNUMBERED_LABELS.get(p.doc.kind, p.doc.title)))
    return out


def assemble(docs: list[Doc], metadata: dict, pdfa: dict | None = None) -> tuple[bytes, list[Placed]]:
    """Join documents into one PDF with a bookmark per document and numbers on document pages.

    pdfa: keyword arguments of archive.pdfa.finalize (title, unit, number …): the volume is
    written as PDF/A-2b with page labels equal to the archive page numbers.
    """
    writer = pypdf.PdfWriter()
    placed: list[Placed] = []
    numbers = number_documents(docs)
    page_no = 0
    for d, nums in zip(docs, numbers):
        start = page_no
        for k, idx in enumerate(d.page_indices):
            if d.frame is not None:
                page = writer.add_page(d.frame.reader.pages[d.frame.page_indices[k]])
                place_photo(writer, page, d.reader.pages[idx])
            else:
                page = writer.add_page(d.reader.pages[idx])
            if k == 0 and d.seal is not None:
                place_overlay(page, d.seal.reader.pages[d.seal.page_indices[0]])
            if nums is not None:
                stamp_page(writer, page, nums[0] + k)
            page_no += 1
        if d.pages:
            writer.add_outline_item(title=d.title, page_number=start)
        placed.append(Placed(d, start + 1, page_no, *(nums or (None, None))))
    writer.add_metadata({f"/{k}": str(v) for k, v in metadata.items()})
    writer.page_mode = "/UseOutlines"
    buf = io.BytesIO()
    writer.write(buf)
    data = buf.getvalue()
    if pdfa is not None:
        data = finalize(data, labels=labels_of(placed), **pdfa)
    return data, placed
