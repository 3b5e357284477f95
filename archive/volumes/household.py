"""Writing one household's volumes and manifest, and the village box lists and town summary.

Called by archive/volumes/build.py once a household's forms are converted.  Each volume is
written to a temporary file and renamed into place; the manifest comes last.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from archive import __version__
from archive.config import CATEGORIES
from archive.errors import DibaoError, InputError
from archive.fsutil import atomic_path, atomic_write_text, sha256_bytes
from archive.volumes.manifest import (MANIFEST_NAME, MANIFEST_VERSION, SUMMARY_NAME, HashCache, Manifest, canonical,
                                      household_folder, manifest_text, write_manifest)

if TYPE_CHECKING:
    from archive.volumes.pages import Book
    from archive.volumes.volume import Doc

log = logging.getLogger("dibao.build")


@dataclass(frozen=True)
class HouseholdEnv:
    """What assembling a household needs from the run: the workspace, where to write, the scan
    hash cache, the build date and the font cache of generated pages."""

    ws: object
    config: object
    out: Path
    hashes: HashCache
    today: dt.date
    fonts_cache: Path
    chain_manifest: Callable[[Path, str], None]   # journal write-ahead of a manifest (folder, sha256)


@dataclass
class HouseholdResult:
    """One household written: its folder, its manifest, pages in its three volumes, complete or not."""

    case_no: str
    folder: Path
    manifest: Manifest
    pages: int
    complete: bool


def _mask_card(no: str | None) -> str:
    if not no:
        return ""
    return no[:4] + "*" * max(0, len(no) - 8) + no[-4:]


def missing_items(hh, ws, plan, problems: list[dict]) -> list[dict]:
    """缺件说明 from the audit (archive.audit.missing_for); if the audit fails on this household, the
    generated forms still waiting for their signed scans."""
    from archive.audit import missing_for

    items: list[dict] = []
    try:
        for m in missing_for(hh, ws) or []:
            if isinstance(m, dict):
                what, cat, why = str(m.get("what", "")), m.get("category"), str(m.get("why", ""))
            else:
                what, cat, why = str(m), None, ""
            items.append({"what": what, "category": cat if cat in CATEGORIES else guess_category(what, ws.config),
                          "why": why})
        return items
    except DibaoError as exc:
        log.warning("audit.missing_for failed for %s: %s", hh.case_no, exc)
    except Exception:  # noqa: BLE001 - the audit is optional here; fall back to the simple list
        log.debug("audit.missing_for failed for %s", hh.case_no, exc_info=True)
        items = []
    for cat, entries in plan.volumes.items():
        for e in entries:
            if e.kind == "form":
                items.append({"what": f"{e.title}（签字件）", "category": cat,
                              "why": "待签字归档：已按记录生成表单，尚无签字、盖章后的扫描件"})
    return items


def guess_category(text: str, config) -> str:
    """The category a missing-paper line belongs to: the form or attachment type it names."""
    from archive.forms import catalog
    from archive.volumes.plan import ANCHORS

    best = None
    for spec in catalog.load_catalog():
        if spec.title in text and (best is None or len(spec.title) > len(best.title)):
            best = spec
    if best is not None:
        return best.category_for(config)
    for t, (cat, _) in ANCHORS.items():
        if text.startswith(t) or f"（{t}" in text or t in text[:12]:
            return (config.categories.get(t) if config is not None else None) or cat
    if "入户照片" in text or "核对报告" in text or "年审" in text or "年度审核" in text:
        return "日常管理类"
    return CATEGORIES[0]


def _cached_form(path: Path, title: str):
    """A converted form from the cache; a damaged cache entry is removed so the next run converts again."""
    from archive.volumes.volume import reader_of

    try:
        reader = reader_of(path)
        if len(reader.pages) < 1:
            raise ValueError("no pages")
        return reader
    except Exception as exc:  # noqa: BLE001 - any damage: drop it
        path.unlink(missing_ok=True)
        raise InputError(f"表单“{title}”已转换的PDF缓存已损坏（已删除）", path=path,
                         hint="重新运行 dibao build，这一张表会重新转换") from exc


def _coded(env: HouseholdEnv, hh, e, reader, path: Path):
    """The unsigned form with its page codes (archive/forms/pagecode.py), so the copy printed
    from a volume, once signed, files itself; the cached conversion stays uncoded."""
    from archive.forms import pagecode
    from archive.volumes.volume import reader_of

    try:
        data = pagecode.stamp_form(path.read_bytes(), env.ws, hh.case_no, e.form_id, pagecode.event_token(e.event))
    except Exception:  # noqa: BLE001 - a form without its code is still the form
        log.warning("page code not stamped on %s of %s", e.form_id, hh.case_no, exc_info=True)
        return reader
    return reader_of(data)


def _docs_for(env: HouseholdEnv, job, cat: str, entries, book: Book, sections: list) -> list[Doc]:
    """Documents of one category (without cover, contents, remarks); payment sheet pages go into book."""
    from archive.volumes.volume import Doc, reader_of

    hh = job.hh
    docs: list[Doc] = []
    for e in entries:
        meta = {"form_id": e.form_id, "attachment_type": e.attachment_type, "event_id": e.event_id,
                "date": e.date.isoformat() if e.date else None, "year": e.year}
        if e.kind == "form":
            reader = _coded(env, hh, e, _cached_form(job.pdfs[id(e)], e.title), job.pdfs[id(e)])
            docs.append(Doc("form", e.title, reader, list(range(len(reader.pages))), e.date,
                            {**meta, "text_layer": True, "unsigned": True}, event=e.event))
        elif e.kind == "payments":
            acct = hh.bank_account
            account = f"{acct.bank} {_mask_card(acct.card_number)}" if acct else ""
            sec = book.payments(hh.head.name, hh.case_no, hh.payments, account, title=e.title)
            d = Doc("payments", e.title, None, list(range(sec.first, sec.last + 1)), e.date,
                    {**meta, "text_layer": True, "unsigned": False})
            sections.append(d)
            docs.append(d)
        else:
            results = [(s, job.scans.get(s.rel)) for s in e.scans]
            results = [(s, r) for s, r in results if r is not None]
            if not results:
                continue
            from archive.volumes.scans import has_text_layer

            if len(results) == 1:
                data = results[0][1].pdf
            else:  # a signed form scanned as several files: one document
                import pypdf

                w = pypdf.PdfWriter()
                for _, r in results:
                    w.append(reader_of(r.pdf))
                buf = io.BytesIO()
                w.write(buf)
                data = buf.getvalue()
            reader = reader_of(data)
            text = all(all(has_text_layer(r.pdf)) if r.kind == "pdf" else False for _, r in results)
            first = results[0][0]
            title = e.title + ("（签字件）" if e.kind == "signed_scan" else "")
            doc = Doc(e.kind, title, reader, list(range(len(reader.pages))), e.date or first.date,
                      {**meta, "attachment_type": e.attachment_type or first.type, "source": first.rel,
                       "source_sha256": env.hashes.sha256(first.path),
                       "sources": [s.rel for s, _ in results] if len(results) > 1 else None,
                       "text_layer": text, "unsigned": False})
            doc.event = e.event
            frame_photo(doc, book, sections)
            docs.append(doc)
    return docs


def seal_documents(book, docs: list, fonds: str, unit: str, retention: str, sections: list) -> None:
    """归档章 (DA/T 22-2015) on each document's first page: 全宗号, 年度, 件号, 机构（问题）, 保管期限, 页数."""
    from archive.volumes.volume import Doc

    item = 0
    for d in docs:
        if not d.numbered or not d.pages:
            continue
        item += 1
        year = d.date.year if d.date else d.meta.get("year")
        sec = book.seal(fonds, year, unit, retention, item, d.pages)
        d.seal = Doc("seal", d.title, None, [sec.first], numbered=False)
        d.meta["seal_item"] = item
        sections.append(d.seal)


def frame_photo(doc, book, sections: list) -> None:
    """A photo (入户照片, 公示照片) goes on caption pages: 25 mm binding margin, 题名 and 日期 under it."""
    from archive.volumes.pages import PHOTO_TYPES
    from archive.volumes.volume import Doc

    if doc.meta.get("attachment_type") not in PHOTO_TYPES or not doc.pages:
        return
    sec = book.photo_frames(doc.title, doc.date, doc.pages, doc.meta.get("year"))
    doc.frame = Doc("frame", doc.title, None, list(range(sec.first, sec.last + 1)), numbered=False)
    doc.meta["photo_page"] = True
    sections.append(doc.frame)


VILLAGE_CATEGORY_OF_REFS = "审批类"   # the volume whose 备考表 names the village volume (互见号)


def _event_type(hh, d, ev) -> str | None:
    if ev is not None:
        return ev.type
    from archive.forms import catalog

    fid = d.meta.get("form_id")
    if fid:
        try:
            return catalog.get(fid).event
        except Exception:  # noqa: BLE001 - unknown form: no event wording
            return None
    return None


def draw_household(env: HouseholdEnv, job, book) -> dict:
    """Lay out one household's documents and draw its generated pages into book (shared by a batch).

    Returns the layout write_household needs once the book is output; `sections` are the
    documents whose pages are in the book (their reader is set after output).
    """
    from archive.volumes.pages import ContentsRow, RemarksInfo
    from archive.volumes.volume import Doc, number_documents

    ws, hh, plan, cfg = env.ws, job.hh, job.plan, env.config
    problems = job.problems
    missing = missing_items(hh, ws, plan, problems)
    sections: list[Doc] = []
    per_cat: dict[str, list[Doc]] = {}
    for cat in CATEGORIES:
        per_cat[cat] = _docs_for(env, job, cat, plan.volumes.get(cat, []), book, sections)

    from archive.volumes.archival import archival_of, describe, doc_number, responsible, village_refs

    filer, checker = cfg.archive.filer, cfg.archive.checker
    arch = archival_of(cfg)
    town = hh.town or cfg.town
    layout: dict[str, tuple[Doc, Doc, Doc]] = {}
    described: dict[str, object] = {}
    events = {e.id: e for e in hh.events if getattr(e, "id", None)}
    for cat in CATEGORIES:
        docs = per_cat[cat]
        nums = number_documents(docs)
        rows = []
        for i, (d, n) in enumerate(zip(docs, nums), 1):
            if not n:
                continue
            ev = d.event if d.event is not None else events.get(d.meta.get("event_id"))
            kind = "scan" if d.kind == "scan" else d.kind
            rows.append(ContentsRow(
                i, d.title, d.date, n[0], n[1], "未签字" if d.meta.get("unsigned") else "", doc_no=doc_number(ev),
                responsible=responsible(cfg, hh, kind=kind, event_type=_event_type(hh, d, ev),
                                        attachment_type=d.meta.get("attachment_type"), event=ev)))
        pages = sum(d.pages for d in docs)
        dates = [d.date for d in docs if d.date]
        refs = village_refs(cfg, hh) if cat == VILLAGE_CATEGORY_OF_REFS else []
        if arch.seal:
            seal_documents(book, docs, arch.fonds, cat, cfg.retention.get(cat, ""), sections)
        v = describe(cfg, category=cat, hh_type=hh.type, town=town, village=hh.village, head=hh.head.name,
                     case=hh.case_no, first=min(dates, default=None), last=max(dates, default=None),
                     items=len(docs), pages=pages, cross_refs=refs)
        described[cat] = v
        cover = book.cover(v)
        contents = book.contents(v.number, v.title, rows)
        lines = [f"{m['what']}：{m['why']}" if m["why"] else m["what"] for m in missing
                 if m.get("category") == cat or (m.get("category") not in CATEGORIES and cat == CATEGORIES[0])]
        probs = [f"扫描件 {p['path']} 未能归档：{p['reason']}" for p in problems if p.get("category", CATEGORIES[0]) == cat]
        if cat == CATEGORIES[0]:  # files in the scan folder that could not be filed (names, formats)
            probs += [f"扫描件目录中的文件 {n}" for n in plan.notes]
        remarks = book.remarks(RemarksInfo(len(docs), pages, lines, probs, filer, checker, v.filed_on,
                                           arch.check_date, refs), number=v.number)
        trio = []
        for kind, title, sec in (("cover", "案卷封面", cover), ("contents", "卷内目录", contents), ("remarks", "卷内备考表", remarks)):
            d = Doc(kind, title, None, list(range(sec.first, sec.last + 1)), None, {}, numbered=False)
            sections.append(d)
            trio.append(d)
        layout[cat] = tuple(trio)
    return {"per_cat": per_cat, "layout": layout, "sections": sections, "missing": missing, "filer": filer,
            "described": described}


def write_household(env: HouseholdEnv, job, drawn: dict, breader) -> HouseholdResult:
    """Write the three volumes and the manifest of a drawn household."""
    from archive.volumes.volume import assemble

    hh, plan, cfg, problems = job.hh, job.plan, env.config, job.problems
    per_cat, layout, missing = drawn["per_cat"], drawn["layout"], drawn["missing"]
    for d in drawn["sections"]:
        d.reader = breader

    folder = household_folder(env.out, hh.village, hh.case_no, hh.head.name)
    volumes = []
    total_pages = 0
    for cat in CATEGORIES:
        cover, contents, remarks = layout[cat]
        docs = [cover, contents, *per_cat[cat], remarks]
        v = drawn["described"][cat]
        meta = {"Title": v.title, "Author": v.unit,
                "Subject": f"{cfg.county}{hh.town}{hh.village} {hh.case_no} {hh.head.name} {v.program.archive} {cat}",
                "Keywords": f"{v.program.short},{cat},{v.number},{hh.case_no},{hh.head.name},{hh.village}",
                "Creator": f"dibao {__version__}", "DibaoCaseNo": hh.case_no, "DibaoHousehold": hh.head.name,
                "DibaoVillage": hh.village, "DibaoCategory": cat, "DibaoFileNumber": v.number}
        data, placed = assemble(docs, meta, pdfa={"title": v.title, "unit": v.unit, "number": v.number,
                                                  "subject": meta["Subject"], "keywords": meta["Keywords"]})
        name = f"{cat}.pdf"
        dest = folder / name
        with atomic_path(dest) as tmp:
            tmp.write_bytes(data)
        st = dest.stat()
        seq = 0
        documents = []
        for p in placed:
            d = p.doc
            entry = {"seq": None, "title": d.title, "kind": d.kind, "first_page": p.first_page, "last_page": p.last_page}
            if d.numbered:
                seq += 1
                entry["seq"] = seq
                entry["archive_pages"] = [p.archive_first, p.archive_last]
                entry.update({k: v for k, v in d.meta.items() if v is not None or k in ("form_id", "event_id")})
            documents.append(entry)
        volumes.append({"category": cat, "file": name, "sha256": sha256_bytes(data),
                        "pages": placed[-1].last_page if placed else 0, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                        "items": seq, "document_pages": sum(d.pages for d in per_cat[cat]), "documents": documents,
                        "number": v.number, "title": v.title, "unit": v.unit, "retention": v.retention,
                        "secrecy": v.secrecy, "first_date": v.first_date.isoformat() if v.first_date else None,
                        "last_date": v.last_date.isoformat() if v.last_date else None, "cross_refs": v.cross_refs,
                        "format": "PDF/A-2b"})
        total_pages += placed[-1].last_page if placed else 0

    cat_of_problem = {p["path"]: p.get("category") for p in problems}
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "tool_version": __version__,
        "built_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "household": {"case_no": hh.case_no, "head": hh.head.name, "village": hh.village, "town": hh.town,
                      "county": cfg.county, "type": hh.type,
                      "publicity_years": sorted({e.date.year for e in hh.events if e.type in ("审核公示", "确认公示")})},
        "inputs": {**job.inputs,
                   "scans": [{"path": s.rel, "sha256": env.hashes.sha256(s.path), "type": s.type}
                             for s in _all_scans(plan) if s.rel in job.scans],
                   },
        "input_hash": job.input_hash,
        "complete": not missing and not problems,
        "volumes": volumes,
        "missing": missing,
        "problems": [{"path": p["path"], "reason": p["reason"], "category": cat_of_problem.get(p["path"])} for p in problems],
        "notes": plan.notes,
    }
    # the chain first, then the file: a run killed in between leaves a manifest that the next
    # build rewrites (and chains again), never one that is on disk but not in the chain
    text = manifest_text(manifest)
    env.chain_manifest(folder, sha256_bytes(text.encode("utf-8")))
    written = write_manifest(folder / MANIFEST_NAME, manifest, text)
    return HouseholdResult(hh.case_no, folder, written, total_pages, written.complete)


def _all_scans(plan):
    for entries in plan.volumes.values():
        for e in entries:
            yield from e.scans


# --------------------------------------------------------------------------- boxes and summary

def _summary_state(out: Path) -> dict:
    try:
        data = json.loads((out / SUMMARY_NAME).read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _intact(out: Path, rec: dict | None) -> bool:
    if not rec:
        return False
    try:
        st = (out / rec["file"]).stat()
    except (OSError, KeyError):
        return False
    return st.st_size == rec.get("size") and st.st_mtime_ns == rec.get("mtime_ns")


def _write_generated(out: Path, rel: str, data: bytes, input_key: str) -> dict:
    dest = out / rel
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)
    st = dest.stat()
    return {"file": rel, "input": input_key, "sha256": sha256_bytes(data), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _box_rows(out: Path, manifests: dict[str, list], orphans: list[str]) -> dict[str, list[tuple[str, object]]]:
    """Volumes of each village as (retention, BoxRow), from the households' manifests."""
    from archive.volumes.pages import BoxRow

    villages: dict[str, list] = {}
    for case, found in manifests.items():
        if not found:
            continue
        folder, m = found[0]
        if folder.relative_to(out).as_posix() in orphans:
            continue
        for v in m.volumes:
            cat = v.category
            missing = sum(1 for x in m.missing if x.category == cat)
            probs = sum(1 for x in m.problems if x.category == cat)
            note = "，".join(t for t in (f"缺{missing}项" if missing else "", f"扫描件问题{probs}个" if probs else "") if t)
            row = BoxRow(v.number or f"{case}-{cat}", v.title or f"{m.household.head}户{cat}",
                         _date(v.first_date), _date(v.last_date), v.items, v.document_pages, note)
            villages.setdefault(folder.parent.name, []).append((v.retention or "", cat, row))
    return villages


def _date(text):
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def plan_boxes(cfg, villages: dict[str, list]) -> list:
    """One box per village and 保管期限 (GB/T 9705: a box holds volumes of one retention period)."""
    from archive.volumes.archival import archival_of
    from archive.volumes.pages import BoxInfo

    arch = archival_of(cfg)
    boxes = []
    order = {c: i for i, c in enumerate(CATEGORIES)}
    for vname, vols in sorted(villages.items()):
        by_ret: dict[str, list] = {}
        for retention, cat, row in sorted(vols, key=lambda t: (order.get(t[1], 99), t[2].number)):
            by_ret.setdefault(retention, []).append(row)
        for k, (retention, rows) in enumerate(by_ret.items(), 1):
            rows.sort(key=lambda r: r.number)
            boxes.append(BoxInfo(f"{arch.village_code(vname)}-{k}", vname, retention, arch.unit(cfg), rows))
    return boxes


def box_file(box) -> str:
    from archive.records.model import safe_filename

    return f"{safe_filename(box.village)}/盒内目录_{safe_filename(box.box_no)}.pdf"


def refresh_boxes(env: HouseholdEnv, manifests: dict[str, list], orphans: list[str], last_run: dict,
                  changed: bool, village_volumes: dict | None = None, village_state: dict | None = None,
                  village_files: dict | None = None) -> int:
    """Rewrite the box lists, spine labels and town summary whose content changed; then build-summary.json.

    manifests: case_no -> [(folder, manifest)]; orphans: folders (relative to the output) without a
    record; last_run: the build report as a dict.  Returns how many box lists were written."""
    from archive.pdfa import finalize
    from archive.volumes.archival import archival_of, program_of

    out, cfg = env.out, env.config
    written = 0
    state = _summary_state(out)
    old_boxes = state.get("boxes") or {}
    villages = _box_rows(out, manifests, orphans)
    for vname, vols in (village_volumes or {}).items():
        villages.setdefault(vname, []).extend(vols)
    boxes_plan = plan_boxes(cfg, villages)
    unit = archival_of(cfg).unit(cfg)
    boxes: dict[str, dict] = {}
    todo: list[tuple[str, str, str, str, object]] = []   # (key in boxes or "", file, input key, title, draw)
    by_village: dict[str, list] = {}
    for box in boxes_plan:
        by_village.setdefault(box.village, []).append(box)
        rel = box_file(box)
        key = sha256_bytes(canonical([cfg.county, cfg.town, box.__dict__, [r.__dict__ for r in box.rows], __version__]))
        old = old_boxes.get(rel)
        if old and old.get("input") == key and _intact(out, old):
            boxes[rel] = old
        else:
            todo.append((rel, rel, key, f"{box.village} 盒内目录 第{box.box_no}盒",
                         lambda book, b=box: book.box_list(cfg.county, cfg.town, b, env.today)))
    heading = program_of(None).archive
    for vname, vboxes in sorted(by_village.items()):
        from archive.records.model import safe_filename

        rel = f"{safe_filename(vname)}/案卷脊背.pdf"
        key = sha256_bytes(canonical(["spine", [(b.box_no, b.first_number, b.last_number, b.retention) for b in vboxes],
                                      heading, __version__]))
        old = old_boxes.get(rel)
        if old and old.get("input") == key and _intact(out, old):
            boxes[rel] = old
        else:
            todo.append((rel, rel, key, f"{vname} 案卷脊背", lambda book, b=vboxes: book.spines(b, heading)))
    boxes.update(village_files or {})
    wrote = False
    for rel, old in old_boxes.items():  # boxes no longer there (a village emptied, a box list of an older version)
        if rel not in boxes and not any(t[0] == rel for t in todo) and old.get("file"):
            box = out / old["file"]
            try:
                box.unlink()
                box.parent.rmdir()  # only when nothing else is left in the village folder
            except OSError:
                pass
            wrote = True
    counts: dict[str, list[int]] = {}   # village -> [households, complete]
    for case, found in manifests.items():
        if found and folder_rel(out, found[0][0]) not in orphans:
            c = counts.setdefault(found[0][0].parent.name, [0, 0])
            c[0] += 1
            c[1] += bool(found[0][1].complete)
    totals = [(v, counts.get(v, [0, 0])[0], len(vols), sum(r.pages for _, _, r in vols), counts.get(v, [0, 0])[1])
              for v, vols in sorted(villages.items())]
    key = sha256_bytes(canonical([cfg.county, cfg.town, totals, __version__]))
    summary = state.get("summary")
    if not (summary and summary.get("input") == key and _intact(out, summary)):
        todo.append(("", "汇总.pdf", key, f"{cfg.town} 档案汇总",
                     lambda book: book.summary(cfg.county, cfg.town, totals, env.today)))
    if todo:  # all in one PDF (one font load and subset), then split into their files
        import io

        import pypdf

        from archive.volumes.pages import Book

        book = Book(font_cache=env.fonts_cache)
        sections = [draw(book) for *_, draw in todo]
        reader = pypdf.PdfReader(io.BytesIO(book.output()))
        for (name, rel, key, title, _), sec in zip(todo, sections):
            w = pypdf.PdfWriter()
            for i in range(sec.first, sec.last + 1):
                w.add_page(reader.pages[i])
            w.add_metadata({"/Title": title, "/Creator": f"dibao {__version__}"})
            buf = io.BytesIO()
            w.write(buf)
            data = finalize(buf.getvalue(), title=title, unit=unit, labels=_plain_labels())
            rec = _write_generated(out, rel, data, key)
            if name:
                boxes[name] = rec
                if "盒内目录" in rel:
                    written += 1
            else:
                summary = rec
        wrote = True
    last = dict(last_run)
    last.pop("seconds", None)
    old_last = dict(state.get("last_run") or {})
    villages_now = village_state or {}
    if wrote or changed or _comparable(old_last) != _comparable(last) or villages_now != (state.get("villages") or {}):
        atomic_write_text(out / SUMMARY_NAME, json.dumps({
            "tool_version": __version__, "written_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "last_run": last, "boxes": boxes, "summary": summary,
            "villages": villages_now}, ensure_ascii=False, indent=1) + "\n")
    return written


def folder_rel(out: Path, folder: Path) -> str:
    return folder.relative_to(out).as_posix()


def _plain_labels():
    from archive.pdfa import Label

    return [Label(0, "", 1)]


def _comparable(d: dict) -> dict:
    keep = ("failed", "orphans", "removed", "problems")
    return {k: d.get(k) for k in keep}
