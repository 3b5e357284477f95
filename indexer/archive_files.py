"""The archive's files outside the household folders, as build-summary.json lists them.

`dibao build` writes, beside each household's three volumes, village publicity volumes
(<村>/公示材料/<年>年公示材料.pdf: 审核公示单, 确认公示单, 公示照片), box lists (盒内目录_<村>-<n>.pdf),
and spine labels (案卷脊背.pdf).  Their pages are printed like any form, so search finds them too: a phrase
on a publicity notice, or the box that holds a household's volumes.  The town summary (汇总.pdf) is left
out: it lists every village's households on pages without a village, which a village-limited web account
would then see (its box lists say the same per village).

Each file is one index group ("f/<path under the archive>"), re-read only when its size or
modification time changed, and removed from the index when the build no longer lists it.
Village volumes carry their documents (title, pages, date); photo pages are indexed by title
unless ``ocr_photos`` (as in a household's volumes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from archive.volumes.manifest import SUMMARY_NAME, Document
from archive.volumes.pages import PHOTO_TYPES

FILE_GROUP = "f/"


@dataclass
class ArchiveFile:
    group: str
    pdf: Path
    village: str = ""
    category: str = ""
    title: str = ""       # the file's own title (a page without a document of its own gets it)
    year: int | None = None
    documents: list[Document] = field(default_factory=list)

    def fingerprint(self) -> dict | None:
        try:
            st = self.pdf.stat()
        except OSError:
            return None
        return {"file": [st.st_size, st.st_mtime_ns]}

    def page_meta(self, ocr_photos: bool) -> tuple[dict[int, Document], set[int], set[int]]:
        """(page -> its document, pages to OCR whatever their text layer says, pages never to OCR)."""
        owner, force, skip = {}, set(), set()
        for d in self.documents:
            photo = not ocr_photos and (d.attachment_type in PHOTO_TYPES or bool(d.get("photo_page")))
            for p in range(d.first_page, (d.last_page or d.first_page) + 1):
                owner[p] = d
                if photo:
                    skip.add(p)
                elif d.text_layer is False:
                    force.add(p)
        return owner, force, skip


_DOC_KEYS = ("title", "kind", "first_page", "last_page", "attachment_type", "date", "year", "text_layer", "photo_page")


def _document(d: dict) -> Document:
    """A village volume's contents entry (only what the index uses: other keys may be of other shapes)."""
    return Document.model_validate({k: d[k] for k in _DOC_KEYS if d.get(k) is not None})


def _title_of(rel: str) -> str:
    stem = Path(rel).stem
    name, _, rest = stem.partition("_")
    return f"{name}（{rest}）" if rest else name


def archive_files(archive_dir: Path) -> tuple[list[ArchiveFile], bool]:
    """Files listed in build-summary.json, and whether the list could be read (False: keep what the
    index holds; a missing summary is an archive without such files, and reads as True)."""
    path = Path(archive_dir) / SUMMARY_NAME
    if not path.is_file():
        return [], True
    try:
        state = json.loads(path.read_text("utf-8"))
        villages = state.get("villages") or {}
        boxes = state.get("boxes") or {}
    except (OSError, ValueError, AttributeError):
        return [], False
    out: list[ArchiveFile] = []
    seen: set[str] = set()
    try:
        for village, vstate in sorted(villages.items()):
            for vol in (vstate or {}).get("volumes") or []:
                rel = vol["file"]
                seen.add(rel)
                year = vol.get("year")
                out.append(ArchiveFile(group=FILE_GROUP + rel, pdf=archive_dir / rel, village=village,
                                       category=vol.get("category") or "", title=vol.get("title") or _title_of(rel),
                                       year=year if isinstance(year, int) else None,
                                       documents=[_document(d) for d in vol.get("documents") or []]))
        others = [rec.get("file") or rel for rel, rec in sorted(boxes.items())]
    except (KeyError, TypeError, AttributeError, ValueError):
        return [], False
    for rel in others:
        if rel in seen or not isinstance(rel, str):
            continue
        seen.add(rel)
        parts = Path(rel).parts
        out.append(ArchiveFile(group=FILE_GROUP + rel, pdf=archive_dir / rel,
                               village=parts[0] if len(parts) > 1 else "", title=_title_of(rel)))
    root = Path(archive_dir).resolve()
    return [f for f in out if f.pdf.resolve().is_relative_to(root)], True   # never a path out of the archive
