"""Scans of one household, found cheaply: one os.scandir per folder, no file reading.

Same result as archive.records.attachments.collect (record-listed attachments, then files in
scans/<对象编号>/ named by the convention, links leaving the workspace skipped), but
without resolving every path: only symbolic links are resolved.  The audit runs this
for every household, so it must stay cheap; the build uses `collect`.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from archive.records.attachments import NOTICE_PHOTO_RE, SCAN_EXTS, VILLAGE_SCANS, Scan, parse_name
from archive.records.load import attachment_path_problem
from archive.records.model import safe_filename



def village_photos(hh, root: Path, scans_root: Path | None = None) -> list[Scan]:
    """The village's 公示照片 (one folder per village, shared by its households), dated by the notice's
    first day, so the audit can tell which publicity of a household they show."""
    folder = os.path.join(scans_root or os.path.join(root, "scans"), VILLAGE_SCANS, safe_filename(hh.village))
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    out = []
    for entry in entries:
        stem, ext = os.path.splitext(entry.name)
        m = NOTICE_PHOTO_RE.match(stem)
        if not m or ext.lower() not in SCAN_EXTS or not entry.is_file(follow_symlinks=False):
            continue
        try:
            day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        rel = os.path.relpath(entry.path, root).replace(os.sep, "/")
        out.append(Scan(type="公示照片", path=Path(entry.path), rel=rel, year=day.year, date=day, origin="village"))
    return out


def list_scans(hh, root: Path, scans_root: Path | None = None, has_folder: bool | None = None) -> list[Scan]:
    if not isinstance(root, Path):
        root = Path(root)
    out: list[Scan] = []
    seen: set[str] = set()
    for a in hh.attachments:
        if attachment_path_problem(a.path, root):
            continue
        seen.add(os.path.normpath(os.path.join(root, a.path)))
        out.append(Scan(type=a.type, path=root / a.path, rel=Path(a.path).as_posix(), member=a.member,
                        year=a.year or (a.date.year if a.date else None), event=a.event, form=a.form,
                        date=a.date, title=a.title, origin="record"))
    out.extend(village_photos(hh, root, scans_root))
    if has_folder is False:
        return out
    folder = os.path.join(scans_root or os.path.join(root, "scans"), hh.case_no)
    root_real = None
    stack = [folder]
    while stack:
        d = stack.pop()
        try:
            entries = list(os.scandir(d))
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
                continue
            stem, ext = os.path.splitext(name)
            if ext.lower() not in SCAN_EXTS:
                continue
            if entry.is_symlink():
                try:
                    real = Path(entry.path).resolve(strict=True)
                    root_real = root_real or root.resolve()
                    real.relative_to(root_real)
                except (OSError, ValueError, RuntimeError):
                    continue
                if not real.is_file():
                    continue
            elif not entry.is_file(follow_symlinks=False):
                continue
            if os.path.normpath(entry.path) in seen:
                continue
            info = parse_name(stem, hh)
            if info is None:
                continue
            info.pop("unknown", None)
            seen.add(os.path.normpath(entry.path))
            rel = os.path.relpath(entry.path, root).replace(os.sep, "/")
            out.append(Scan(path=Path(entry.path), rel=rel, **info))
    return out
