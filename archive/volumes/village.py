"""The village publicity volume (公示材料): one volume per village and year.

It holds the papers that belong to a village rather than to one household: each 审核公示单
and 确认公示单 of the year (the catalog's village list forms, filled from the records and
converted by LibreOffice like every form) followed by the photos of that notice on the board
(scans/村级/<村>/公示照片_<开始日期>_<n>.jpg).  Each household listed on a notice names the
volume's 档号 as 互见号 in the 备考表 of its 审批类 volume, and the village volume's 备考表 names
theirs.  The volume goes into the village's box of its 保管期限 like any other.

A village's volumes are made again only when what they are made from changed: the records of
its households (by the hashes in their manifests), its photos, the configuration and the code.
Their files are listed in build-summary.json ("boxes", so dibao verify checks them; "villages",
the inputs and the volumes' descriptions).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from archive.records.attachments import NOTICE_PHOTO_RE, VILLAGE_SCANS
from archive.records.model import safe_filename
from archive.volumes import formcache

log = logging.getLogger("dibao.build")

FOLDER = "公示材料"
PUBLICITY = ("审核公示", "确认公示")


def village_scan_dir(scans_root: Path, village: str) -> Path:
    return Path(scans_root) / VILLAGE_SCANS / safe_filename(village)


def notice_forms() -> dict[str, str]:
    """Publicity type -> id of the village list form for it (审核公示单, 确认公示单)."""
    from archive.forms import catalog

    out: dict[str, str] = {}
    for spec in catalog.load_catalog():
        if spec.scope == "list" and spec.list_scope == "village" and spec.event in PUBLICITY:
            out.setdefault(spec.event, spec.id)
    return out


@dataclass
class Photo:
    path: Path
    rel: str
    day: dt.date | None


def village_photos(ws, village: str) -> list[Photo]:
    folder = village_scan_dir(ws.scans_dir, village)
    if not folder.is_dir():
        return []
    out = []
    for p in sorted(folder.iterdir()):
        if p.is_file() and not p.name.startswith("."):
            out.append(Photo(p, p.relative_to(ws.root).as_posix(), photo_day(p.stem)))
    return out


def photo_day(stem: str) -> dt.date | None:
    """The notice's first day a photo's name gives (公示照片_2024-03-05_1), None when it gives none."""
    m = NOTICE_PHOTO_RE.match(stem)     # the name audit and the unrecognised-file check read
    if not m:
        return None
    try:
        return dt.date(*map(int, m.groups()))
    except ValueError:
        return None


@dataclass
class VillageEnv:
    """What making the village volumes needs from the build run (the orchestrator keeps the report):
    the run's manifests and orphans to find the villages, and the form converter to fill notices."""

    ws: object
    config: object
    out: Path
    hashes: object                 # the run's scan HashCache
    today: dt.date
    manifests: dict                # case_no -> [(folder, manifest)]
    orphans: set[str]              # folders (relative to out) of records that are gone
    forms_cache: Path              # converted forms by docx key
    fonts_cache: Path
    limits: object                 # scan limits
    convert: Callable[[str, bytes], Future]   # (docx key, docx bytes) -> future of the cached PDF


@dataclass
class VillageResult:
    """Box rows per village [(retention, category, BoxRow)], files for build-summary "boxes"
    {rel: record}, village state for build-summary "villages", and notes for the build report."""

    rows: dict[str, list] = field(default_factory=dict)
    files: dict[str, dict] = field(default_factory=dict)
    state: dict[str, dict] = field(default_factory=dict)
    notes: list[dict] = field(default_factory=list)


@dataclass
class _Village:
    name: str
    records: list[tuple[str, str]] = field(default_factory=list)      # (record path, sha256)
    approvals: dict[int, list[str]] = field(default_factory=dict)     # year -> 审批类 档号 of listed households


def _villages(env: VillageEnv) -> dict[str, _Village]:
    out = env.out
    found: dict[str, _Village] = {}
    for case, entries in env.manifests.items():
        if not entries:
            continue
        folder, m = entries[0]
        if folder.relative_to(out).as_posix() in env.orphans:
            continue
        h = m.get("household") or {}
        v = found.setdefault(h.get("village") or folder.parent.name, _Village(h.get("village") or folder.parent.name))
        rec = (m.get("inputs") or {}).get("record") or {}
        if rec.get("path"):
            v.records.append((rec["path"], rec.get("sha256", "")))
        first = next((x for x in m.get("volumes") or [] if x.get("category") == "审批类"), None)
        for y in h.get("publicity_years") or []:
            if first and first.get("number"):
                v.approvals.setdefault(int(y), []).append(first["number"])
    for v in found.values():
        v.records.sort()
        for nums in v.approvals.values():
            nums.sort()
    return found


def refresh_villages(env: VillageEnv) -> VillageResult:
    """Make the village volumes that changed; a village whose volume fails gets a note, the others go on."""
    from archive import __version__
    from archive.volumes.household import _summary_state
    from archive.volumes.manifest import canonical, code_hash

    from archive.fsutil import sha256_bytes

    out, cfg, ws = env.out, env.config, env.ws
    old = _summary_state(out).get("villages") or {}
    res = VillageResult()
    for name, v in sorted(_villages(env).items()):
        photos = village_photos(ws, name)
        key = sha256_bytes(canonical([v.records, v.approvals, [(p.rel, env.hashes.sha256(p.path)) for p in photos],
                                      cfg.sha256, code_hash(), __version__]))
        prev = old.get(name)
        if prev and prev.get("input") == key and all(_intact(out, f) for f in prev.get("volumes") or []):
            st = prev
        else:
            try:
                st = {"input": key, "volumes": _make(env, v, photos)}
            except Exception as exc:  # noqa: BLE001 - a village volume never stops the households' build
                log.warning("village volume of %s not made: %s", name, exc, exc_info=True)
                res.notes.append({"case_no": name, "note": f"{name}的公示材料卷未能生成：{exc}"})
                continue
        res.state[name] = st
        for vol in st["volumes"]:
            res.files[vol["file"]] = {k: vol[k] for k in ("file", "input", "sha256", "size", "mtime_ns") if k in vol}
            res.rows.setdefault(name, []).append((vol["retention"], vol["category"], _row(vol)))
    return res


def _intact(out: Path, rec: dict) -> bool:
    try:
        st = (out / rec["file"]).stat()
    except (OSError, KeyError):
        return False
    return st.st_size == rec.get("size") and st.st_mtime_ns == rec.get("mtime_ns")


def _row(vol: dict):
    from archive.volumes.pages import BoxRow

    d = lambda t: dt.date.fromisoformat(t) if t else None  # noqa: E731
    return BoxRow(vol["number"], vol["title"], d(vol.get("first_date")), d(vol.get("last_date")), vol["items"],
                  vol["document_pages"], "村级公示材料")


def _load(env: VillageEnv, v: _Village) -> list:
    from archive.records.load import load_record

    hhs = []
    for rel, _ in v.records:
        rec = load_record(env.ws.root / rel, env.ws.root, env.today)
        if rec.household is not None and not any(p.severity == "error" for p in rec.problems):
            hhs.append(rec.household)
    return hhs


def _make(env: VillageEnv, v: _Village, photos: list[Photo]) -> list[dict]:
    """Write this village's volumes (one per year with a notice or a photo); returns their descriptions."""
    from archive import forms
    from archive.fsutil import sha256_bytes
    from archive.pdfa import Label  # noqa: F401 - labels come from assemble
    from archive.volumes.archival import (VILLAGE_CATEGORY, archival_of, describe, village_case, village_volume_title)
    from archive.volumes.household import _cached_form, atomic_path, frame_photo, seal_documents
    from archive.volumes.manifest import docx_key
    from archive.volumes.pages import Book, ContentsRow, RemarksInfo
    from archive.volumes.volume import Doc, assemble, number_documents, reader_of

    cfg, ws, out = env.config, env.ws, env.out
    households = _load(env, v)
    batches = sorted({(e.date, e.type) for hh in households for e in hh.events if e.type in PUBLICITY})
    years = sorted({d.year for d, _ in batches} | {p.day.year for p in photos if p.day})
    if not years:
        return []
    form_of = notice_forms()
    arch = archival_of(cfg)
    town = cfg.town
    written = []
    for year in years:
        notes: list[str] = []
        entries: list[tuple[str, object]] = []   # ("form", (title, date, path)) | ("photo", Photo)
        for day, kind in [b for b in batches if b[0].year == year]:
            fid = form_of.get(kind)
            if fid is None:
                notes.append(f"{day.isoformat()} {kind}：表单目录中没有村级{kind}单，未归档")
                continue
            try:
                r = forms.render(fid, ws, village=v.name, date=day.isoformat(), households=households)
            except Exception as exc:  # noqa: BLE001 - the notice cannot be filled: say so in the 备考表
                notes.append(f"{day.isoformat()} {kind}单未能生成：{getattr(exc, 'message', exc)}")
                continue
            key = docx_key(r.data)
            pdf = env.forms_cache / f"{key}.pdf"
            if not formcache.usable(pdf):   # missing, or not what was converted: convert (again)
                env.convert(key, r.data).result()
            title = forms.catalog.get(fid).title
            entries.append(("form", (f"{title}（{day.isoformat()}）", day, pdf, fid)))
            entries += [("photo", p) for p in photos if p.day == day]
        taken = {id(p) for k, p in entries if k == "photo"}
        entries += [("photo", p) for p in photos if p.day and p.day.year == year and id(p) not in taken]
        book = Book(font_cache=env.fonts_cache)
        sections: list = []
        docs: list = []
        for kind, item in entries:
            if kind == "form":
                title, day, pdf, fid = item
                reader = _cached_form(pdf, title)
                docs.append(Doc("form", title, reader, list(range(len(reader.pages))), day,
                                {"form_id": fid, "date": day.isoformat(), "unsigned": True}))
            else:
                from archive.volumes.scans import convert_scan

                try:
                    res = convert_scan(item.path, env.limits)
                except Exception as exc:  # noqa: BLE001 - an unreadable photo is listed, the others go on
                    notes.append(f"扫描件 {item.rel} 未能归档：{getattr(exc, 'message', exc)}")
                    continue
                reader = reader_of(res.pdf)
                doc = Doc("scan", f"公示照片（{item.day.isoformat()}）", reader, list(range(len(reader.pages))),
                          item.day, {"attachment_type": "公示照片", "source": item.rel, "date": item.day.isoformat(),
                                     "year": item.day.year, "unsigned": False})
                frame_photo(doc, book, sections)
                docs.append(doc)
        if arch.seal:
            seal_documents(book, docs, arch.fonds, VILLAGE_CATEGORY, (cfg.retention or {}).get(VILLAGE_CATEGORY, ""),
                           sections)
        nums = number_documents(docs)
        rows = [ContentsRow(i, d.title, d.date, n[0], n[1], "未签字" if d.meta.get("unsigned") else "",
                            responsible=arch.unit(cfg)) for i, (d, n) in enumerate(zip(docs, nums), 1) if n]
        dates = [d.date for d in docs if d.date]
        pages = sum(d.pages for d in docs)
        refs = v.approvals.get(year, [])
        desc = describe(cfg, category=VILLAGE_CATEGORY, hh_type=None, town=town, village=v.name, head="",
                        case=village_case(cfg, v.name), first=min(dates, default=None), last=max(dates, default=None),
                        items=len(docs), pages=pages, cross_refs=refs,
                        title=f"{village_volume_title(town, v.name)}（{year}年）")
        cover = book.cover(desc)
        contents = book.contents(desc.number, desc.title, rows)
        remarks = book.remarks(RemarksInfo(len(docs), pages, [], notes, str((cfg.archive or {}).get("filer", "") or ""),
                                           str((cfg.archive or {}).get("checker", "") or ""), desc.filed_on,
                                           arch.check_date, refs), number=desc.number)
        trio = []
        for kind, title, sec in (("cover", "案卷封面", cover), ("contents", "卷内目录", contents),
                                 ("remarks", "卷内备考表", remarks)):
            d = Doc(kind, title, None, list(range(sec.first, sec.last + 1)), None, {}, numbered=False)
            sections.append(d)
            trio.append(d)
        breader = reader_of(book.output())
        for d in sections:
            d.reader = breader
        data, placed = assemble([trio[0], trio[1], *docs, trio[2]],
                                {"Title": desc.title, "Author": desc.unit, "Creator": "dibao", "DibaoVillage": v.name,
                                 "DibaoFileNumber": desc.number},
                                pdfa={"title": desc.title, "unit": desc.unit, "number": desc.number,
                                      "subject": f"{cfg.county}{town}{v.name} {year}年公示材料"})
        rel = f"{safe_filename(v.name)}/{FOLDER}/{year}年公示材料.pdf"
        dest = out / rel
        with atomic_path(dest) as tmp:
            tmp.write_bytes(data)
        st = dest.stat()
        written.append({"file": rel, "input": "", "sha256": sha256_bytes(data), "size": st.st_size,
                        "mtime_ns": st.st_mtime_ns, "year": year, "number": desc.number, "title": desc.title,
                        "unit": desc.unit, "category": VILLAGE_CATEGORY, "retention": desc.retention,
                        "secrecy": desc.secrecy, "items": len(docs), "document_pages": pages,
                        "pages": placed[-1].last_page if placed else 0, "cross_refs": refs, "format": "PDF/A-2b",
                        "first_date": desc.first_date.isoformat() if desc.first_date else None,
                        "last_date": desc.last_date.isoformat() if desc.last_date else None,
                        "documents": [{"title": p.doc.title, "kind": p.doc.kind, "first_page": p.first_page,
                                       "last_page": p.last_page, "archive_pages": [p.archive_first, p.archive_last],
                                       "attachment_type": p.doc.meta.get("attachment_type"),
                                       "photo_page": bool(p.doc.meta.get("photo_page"))} for p in placed]})
    return written
