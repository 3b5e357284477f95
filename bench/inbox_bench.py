"""dibao inbox: pages per second for code-based filing and for OCR-based proposals.

    .venv/bin/python bench/inbox_bench.py [--pages 40] [--ocr-pages 4] [--runs 3] [--work /tmp/dibao-inbox-bench]

Three prefilled forms of two households are printed once by dibao itself (LibreOffice, page
codes); each run scans them as a clerk's scanner would: 200 dpi grey JPEG pages (speckles, a
slight skew, a quarter of them upside down or turned) in 4-page PDFs plus single JPEGs, every
fifth sheet followed by a blank duplex back, and files them into a fresh copy of the
workspace (`archive.inbox.run.run`, in process; file reading, rasterising, QR reading,
grouping, writing and moving included).  The OCR run gives uncoded pages (an ID card
drawn with the CJK font) and times the proposals.  Prints a Markdown table; medians; CPU
seconds are given too because the machine is shared.
"""

from __future__ import annotations

import argparse
import io
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import loadavg, median  # noqa: E402


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def printed(work: Path):
    from archive.external.libreoffice import Converter
    from archive.forms import write_form
    from archive.workspace import init_workspace, open_workspace
    from tests.support.records import record, write
    from tests.inbox.conftest import FORMS, _hs2

    master = work / "master"
    if (master / "dibao.toml").exists():
        return open_workspace(master), {k: work / f"{k[0]}_{k[1]}.pdf" for k in FORMS}
    init_workspace(master, "fenxi")
    write(master / "households" / "HS-001.json", record("HS-001"))
    write(master / "households" / "HS-002.json", _hs2())
    ws = open_workspace(master)
    conv = Converter(workers=1)
    out = {}
    try:
        for case, form in FORMS:
            pdf = work / f"{case}_{form}.pdf"
            write_form(form, ws, pdf, converter=conv, household=master / "households" / f"{case}.json")
            out[(case, form)] = pdf
    finally:
        conv.close()
    return ws, out


def scanner_batch(pdfs: dict, pages: int, box: Path) -> int:
    from tests.inbox.conftest import blank_page, degrade, jpeg_bytes, pdf_of_jpegs, raster

    sheets = [im for p in pdfs.values() for im in raster(p, 200)]
    jpegs, n = [], 0
    for i in range(pages):
        turn = (0, 0, 180, 90)[i % 4]
        jpegs.append(jpeg_bytes(degrade(sheets[i % len(sheets)], turn=turn, seed=i, noise=0.001, skew=0.4), 70))
        n += 1
        if i % 5 == 4:
            jpegs.append(jpeg_bytes(blank_page(sheets[0].size, seed=i), 70))
            n += 1
    k = 0
    while jpegs:
        chunk, jpegs = jpegs[:4], jpegs[4:]
        if len(chunk) == 1:
            (box / f"IMG_{k:04d}.jpg").write_bytes(chunk[0])
        else:
            (box / f"Scan{k:04d}.pdf").write_bytes(pdf_of_jpegs(chunk))
        k += 1
    return n


def id_cards(box: Path, count: int) -> None:
    from PIL import Image, ImageDraw, ImageFont

    from archive.pdffont import font_face
    from tests.support.records import make_id

    path, index = font_face()
    font = ImageFont.truetype(path, 44, index=index)
    for i in range(count):
        img = Image.new("L", (1400, 900), 255)
        d = ImageDraw.Draw(img)
        d.text((80, 80), "中华人民共和国 居民身份证", font=font, fill=0)
        d.text((80, 220), "姓名 李建国", font=font, fill=0)
        d.text((80, 360), "公民身份号码 " + make_id("430621", "19700312", 12, True), font=font, fill=0)
        buf = io.BytesIO()
        img.save(buf, "PNG")
        (box / f"Scan_id_{i}.png").write_bytes(buf.getvalue())


def one_run(master, work: Path, make, ocr: bool):
    from archive.inbox import run as ib
    from archive.workspace import open_workspace

    dest = work / "run"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(master.root, dest)
    ws = open_workspace(dest)
    make(dest / "inbox")
    t0, c0 = time.perf_counter(), _cpu()
    rep = ib.run(ws, ocr=ocr)
    return rep, time.perf_counter() - t0, _cpu() - c0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=40)
    ap.add_argument("--ocr-pages", type=int, default=4)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/dibao-inbox-bench"))
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    master, pdfs = printed(a.work)
    rows = []
    for label, make, ocr in (("code filing", lambda box: scanner_batch(pdfs, a.pages, box), False),
                             ("OCR proposals", lambda box: id_cards(box, a.ocr_pages), True)):
        walls, cpus, rep = [], [], None
        for _ in range(a.runs):
            rep, wall, cpu = one_run(master, a.work, make, ocr)
            assert rep.balanced and not rep.problems, rep
            walls.append(wall)
            cpus.append(cpu)
        n = rep.pages_in
        rows.append((label, n, rep.filed_pages, rep.listed_pages, rep.blank_pages, median(walls), median(cpus)))
    print(f"load {loadavg()}")
    print("| run | pages in | filed | listed | blank | median wall s | pages/s | CPU s/page |")
    print("|---|---|---|---|---|---|---|---|")
    for label, n, f, lst, b, wall, cpu in rows:
        print(f"| {label} | {n} | {f} | {lst} | {b} | {wall:.1f} | {n / wall:.2f} | {cpu / n:.2f} |")


if __name__ == "__main__":
    main()
