"""Pages with codes grouped into printed forms and filed as signed scans.

One printed copy of a form is the pages sharing (workspace, household, form, event, n).  The
k-th time page i turns up belongs to copy k, so a form signed twice and scanned in one
batch gives two copies: the first is filed as 签字表_<表单>[_<事件>].pdf, a later one beside
it as …_副本2.pdf, never over it.  A copy missing a page is not filed: its pages are listed.

Every filed PDF records its source (input file fingerprint and page numbers) in its
metadata, so a run that was killed after filing and before moving its inputs files
nothing twice when it runs again.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from archive.forms.pagecode import PageCode

SOURCE_KEY = "/DibaoInboxSource"


@dataclass
class CodedPage:
    code: PageCode
    source: Path
    index: int
    fingerprint: str      # sha256 of the input file
    rotate: int
    pdf: bytes = field(repr=False, default=b"")


@dataclass
class Copy:
    code: PageCode        # of page 1
    pages: list[CodedPage]
    number: int           # 1 = first copy in this batch

    @property
    def complete(self) -> bool:
        return len(self.pages) == self.code.pages and [p.code.page for p in self.pages] == list(range(1, self.code.pages + 1))

    @property
    def source_tag(self) -> str:
        return ";".join(f"{p.fingerprint[:16]}#{p.index + 1}" for p in self.pages)


def group(pages: list[CodedPage]) -> tuple[list[Copy], list[CodedPage]]:
    """Complete copies of forms, and pages of incomplete ones."""
    by_key: dict[tuple, dict[int, list[CodedPage]]] = {}
    for p in pages:
        by_key.setdefault(p.code.group, {}).setdefault(p.code.page, []).append(p)
    copies: list[Copy] = []
    loose: list[CodedPage] = []
    for key, slots in by_key.items():
        n = key[-1]
        k = max(len(v) for v in slots.values())
        for c in range(k):
            got = [slots[i][c] for i in range(1, n + 1) if i in slots and len(slots[i]) > c]
            if len(got) == n:
                first = got[0].code
                copies.append(Copy(PageCode(*first.group[:4], 1, n), got, c + 1))
            else:
                loose.extend(got)
    return copies, loose


def base_name(code: PageCode) -> str:
    parts = ["签字表", code.form]
    if code.event and code.event != "-":
        parts.append(code.event)
    return "_".join(parts)


def _source_of(path: Path) -> str | None:
    import pypdf

    try:
        meta = pypdf.PdfReader(path).metadata or {}
        return meta.get(SOURCE_KEY)
    except Exception:  # noqa: BLE001 - an unreadable file has no source
        return None


def target(folder: Path, code: PageCode, tag: str) -> tuple[Path | None, int]:
    """(path to write, copy number), or (None, n) when this copy is already filed there."""
    stem = base_name(code)
    n = 1
    while True:
        path = folder / (f"{stem}.pdf" if n == 1 else f"{stem}_副本{n}.pdf")
        if not path.exists():
            return path, n
        if _source_of(path) == tag:
            return None, n
        n += 1


def write_copy(folder: Path, copy: Copy) -> tuple[Path, int, bool]:
    """File one copy; (path, copy number, newly written)."""
    from archive.fsutil import atomic_write_bytes, ensure_dir
    from archive.inbox.pages import join

    ensure_dir(folder)
    tag = copy.source_tag
    path, n = target(folder, copy.code, tag)
    if path is None:
        return folder / (base_name(copy.code) + (".pdf" if n == 1 else f"_副本{n}.pdf")), n, False
    data = join([(p.pdf, p.rotate) for p in copy.pages], {SOURCE_KEY: tag, "/Title": base_name(copy.code)})
    atomic_write_bytes(path, data)
    return path, n, True


def pdf_pages(data: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(data)).pages)
