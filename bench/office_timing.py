"""Seconds per document for .docx -> PDF: warm UNO workers against one soffice per file.

    .venv/bin/python bench/office_timing.py [--forms 20] [--from templates/docx]

Builds one-page forms with python-docx (title, a 14-row table, signature lines, 宋体/仿宋),
then converts them (a) with Converter(workers=1), (b) with Converter(workers=2),
(c) with the batch fallback (DIBAO_OFFICE_MODE=batch: one soffice call per file through
the converter), (d) with plain `soffice --headless --convert-to pdf`, one process per file.
Worker start-up is reported apart from the steady per-document figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docx import Document  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

from archive.external.libreoffice import Converter, find_soffice  # noqa: E402

LABELS = ["户主姓名", "身份证号", "家庭住址", "联系电话", "家庭人口", "申请类别", "月人均收入", "保障标准",
          "拟保障人数", "拟发放金额", "申请理由", "村委会意见", "乡镇审核意见", "县级审批意见"]


def _font(run, name: str) -> None:
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    rpr.rFonts.set(qn("w:eastAsia"), name)


def make_form(path: Path, n: int) -> Path:
    doc = Document()
    title = doc.add_paragraph()
    lvl = OxmlElement("w:outlineLvl")
    lvl.set(qn("w:val"), "0")
    title._p.get_or_add_pPr().append(lvl)
    _font(title.add_run(f"最低生活保障申请审批表（第{n}户）"), "方正小标宋简体")
    table = doc.add_table(rows=len(LABELS), cols=4)
    table.style = "Table Grid"
    for row, label in zip(table.rows, LABELS):
        _font(row.cells[0].paragraphs[0].add_run(label), "仿宋_GB2312")
        _font(row.cells[1].paragraphs[0].add_run(f"示例内容{n}"), "宋体")
        _font(row.cells[2].paragraphs[0].add_run("备注"), "仿宋_GB2312")
    for line in ("申请人（签字）：            年    月    日", "经办人（签字）：            年    月    日"):
        _font(doc.add_paragraph().add_run(line), "仿宋_GB2312")
    doc.save(path)
    return path


def run_converter(forms: list[Path], out: Path, workers: int) -> tuple[float, float]:
    start = time.monotonic()
    with Converter(workers=workers, timeout=120) as conv:
        # warm every worker once (start-up is reported on its own)
        conv.convert_many([(forms[i], out / f"warm{i}.pdf") for i in range(workers)])
        warm = time.monotonic()
        results = conv.convert_many([(f, out / f"{f.stem}.pdf") for f in forms])
        steady = time.monotonic() - warm
    assert results == [None] * len(forms), results
    return warm - start, steady / len(forms)


def run_per_file(forms: list[Path], out: Path, profile: Path) -> float:
    soffice = find_soffice()
    args = [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to", "pdf", "--outdir", str(out)]
    subprocess.run(args + [str(forms[0])], capture_output=True, check=False)  # create the profile first
    start = time.monotonic()
    for f in forms:
        subprocess.run(args + [str(f)], capture_output=True, check=True)
    return (time.monotonic() - start) / len(forms)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--forms", type=int, default=20)
    ap.add_argument("--from", dest="source", type=Path,
                    help="time these .docx files instead (e.g. templates/docx), cycled to --forms files")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dibao-bench-") as tmp:
        tmp = Path(tmp)
        if args.source:
            given = sorted(args.source.glob("*.docx"))
            forms = []
            for i in range(args.forms):
                forms.append(tmp / f"form{i:02d}.docx")
                shutil.copyfile(given[i % len(given)], forms[-1])
            print(f"{len(forms)} forms from {args.source}, {os.cpu_count()} cores")
        else:
            forms = [make_form(tmp / f"form{i:02d}.docx", i) for i in range(args.forms)]
            print(f"{len(forms)} one-page forms made with python-docx, {os.cpu_count()} cores")
        for workers in (1, 2):
            startup, per_doc = run_converter(forms, tmp / f"uno{workers}", workers)
            print(f"UNO workers={workers}: start-up {startup:.2f} s, {per_doc:.3f} s per form")
        os.environ["DIBAO_OFFICE_MODE"] = "batch"
        startup, per_doc = run_converter(forms, tmp / "batch", 1)
        print(f"batch fallback (1 worker): {per_doc:.3f} s per form")
        startup, per_doc = run_converter(forms, tmp / "batch2", 2)
        print(f"batch fallback (2 workers): {per_doc:.3f} s per form")
        del os.environ["DIBAO_OFFICE_MODE"]
        per_doc = run_per_file(forms, tmp / "plain", tmp / "plain-profile")
        print(f"soffice --convert-to, one process per file: {per_doc:.3f} s per form")


if __name__ == "__main__":
    main()
