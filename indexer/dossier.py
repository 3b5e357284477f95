"""The inspector's dossier of a search: the hit list as a workbook (目录.xlsx) and the hit pages
gathered into one PDF with bookmarks (household → file → page).

Both are written atomically.  The workbook holds what `dibao search` prints (ID numbers masked);
the PDF holds the pages themselves, as they are in the archive (like a printed volume).
"""

from __future__ import annotations

import io
from pathlib import Path

from archive.errors import InputError
from archive.fsutil import atomic_path, atomic_write_bytes, ensure_dir
from archive.ids import redact_ids
from indexer.engine import SearchResult
from indexer.extract import IMAGE_SUFFIXES
from indexer.report import group_hits

COLUMNS = ("序号", "对象编号", "户主", "村（社区）", "乡镇", "类别", "文件", "表名", "页码", "日期", "跨页", "摘要")


def export_xlsx(result: SearchResult, dest) -> Path:
    """The hit list (grouped by household and file, as printed) as an .xlsx table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    dest = Path(dest)
    wb = Workbook()
    ws = wb.active
    ws.title = "检索结果"
    ws.append([f"检索：{result.query}", f"共 {result.total} 页" + ("" if result.total_exact else "（至少）")])
    ws.append(list(COLUMNS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    n = 0
    for _who, files in group_hits(result.hits):
        for path, hits in files:
            for h in hits:
                n += 1
                ws.append([n, h.household, h.head, h.village, h.town, h.category, Path(path).name if path else "",
                           h.title, h.page or "", h.date or (h.year or ""), "是" if h.across_pages else "",
                           redact_ids(h.snippet.replace("【", "").replace("】", ""))])
    for col, width in zip("ABCDEFGHIJKL", (6, 14, 10, 12, 12, 10, 28, 30, 6, 12, 6, 70)):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    ensure_dir(dest.parent)
    return atomic_write_bytes(dest, buf.getvalue())


def _source_pdf(path: Path, word_pdf_folder: Path | None, doc_id: str):
    """A PDF holding the hit's page: the volume itself, the laid-out copy of a Word file, or an
    image made into a one-page PDF (None when there is none)."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return path
    if suffix == ".docx" and word_pdf_folder is not None:
        digest = doc_id.split("/")[1] if doc_id.startswith("h/") else ""
        laid = word_pdf_folder / f"{digest}.pdf"
        return laid if digest and laid.is_file() else None
    if suffix in IMAGE_SUFFIXES:
        import img2pdf
        from PIL import Image

        with Image.open(path) as im:
            buf = io.BytesIO()
            frame = im.convert("RGB") if im.mode not in ("L", "RGB") else im
            frame.save(buf, format="JPEG", quality=90)
        return io.BytesIO(img2pdf.convert(buf.getvalue()))
    return None


def export_pdf(result: SearchResult, dest, word_pdf_folder=None) -> tuple[Path, list[str]]:
    """The hit pages in one PDF, bookmarked household → file → page.  Returns (dest, problems):
    pages that could not be taken (file gone, page out of range) are listed in Chinese."""
    from pypdf import PdfReader, PdfWriter

    dest = Path(dest)
    word_pdf_folder = Path(word_pdf_folder) if word_pdf_folder else None
    writer = PdfWriter()
    readers: dict[str, PdfReader | None] = {}
    problems: list[str] = []
    for who, files in group_hits(result.hits):
        parent = None
        for path, hits in files:
            file_mark = None
            for h in hits:
                src = Path(h.pdf_path) if h.pdf_path else None
                key = f"{h.pdf_path}|{h.doc_id.split('/p')[0] if h.source == 'historical' else ''}"
                if key not in readers:
                    readers[key] = None
                    if src is not None and src.is_file():
                        try:
                            got = _source_pdf(src, word_pdf_folder, h.doc_id)
                            readers[key] = PdfReader(got) if got is not None else None
                        except Exception as exc:  # noqa: BLE001 - a bad file: listed, the rest goes on
                            problems.append(f"{src}：无法读取（{type(exc).__name__}）")
                reader = readers[key]
                index = (h.page or 1) - 1
                if reader is None or not (0 <= index < len(reader.pages)):
                    problems.append(f"{h.pdf_path or h.title}：第 {h.page} 页无法取出（文件不在或页码超出）")
                    continue
                writer.add_page(reader.pages[index])
                at = len(writer.pages) - 1
                if parent is None:
                    parent = writer.add_outline_item(title=redact_ids(who), page_number=at)
                if file_mark is None:
                    label = " · ".join(x for x in (h.category, Path(path).name if path else h.title) if x)
                    file_mark = writer.add_outline_item(title=redact_ids(label), page_number=at, parent=parent)
                writer.add_outline_item(title=redact_ids(f"第 {h.page} 页 {h.title}".strip()), page_number=at, parent=file_mark)
    if not writer.pages:
        raise InputError("检索结果里没有能取出的页，没有生成 PDF", path=dest,
                         hint="先确认 dibao search 能找到页，且卷宗文件还在原处（必要时重新运行 dibao build）")
    writer.add_metadata({"/Title": redact_ids(f"检索：{result.query}")})
    ensure_dir(dest.parent)
    import io

    from archive.pdfa import finalize_merged

    buf = io.BytesIO()
    writer.write(buf)
    data = finalize_merged(buf.getvalue(), title=redact_ids(f"检索：{result.query}"))
    with atomic_path(dest) as tmp:
        Path(tmp).write_bytes(data)
    return dest, problems
