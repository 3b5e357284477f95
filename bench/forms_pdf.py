"""1. Forms -> PDF: filled forms of real demo households, dibao's Converter against one soffice per file."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from bench.common import fresh, median


def household_forms(ws, count: int) -> list[tuple[str, bytes]]:
    """(name, .docx bytes) of the forms the build would generate, household after household."""
    from archive import forms
    from archive.records.attachments import collect
    from archive.volumes.plan import plan_household

    out: list[tuple[str, bytes]] = []
    hhs, _ = forms.load_households(ws)
    for hh in hhs:
        scans, _ = collect(hh, ws.root, ws.scans_dir)
        plan = plan_household(hh, ws.config, scans)
        for entries in plan.volumes.values():
            for e in entries:
                if e.kind in ("form", "signed_scan") and getattr(e, "form_id", None):
                    data = forms.render_docx(e.form_id, ws, household=hh, event=e.event, mark_unsigned=True)
                    out.append((f"{hh.case_no}-{len(out):03d}-{e.form_id}", data))
                    if len(out) >= count:
                        return out
    return out


def converter_batch(files: list[Path], out: Path, workers: int) -> tuple[float, float]:
    """(seconds including worker start-up, seconds of the batch once warm)."""
    from archive.external.libreoffice import Converter

    fresh(out).mkdir()
    t0 = time.monotonic()
    with Converter(workers=workers, timeout=120) as conv:
        res = conv.convert_many([(f, out / f"{f.stem}.pdf") for f in files])
        total = time.monotonic() - t0
    assert res == [None] * len(files), res
    return total


def naive_batch(files: list[Path], out: Path, profile: Path) -> float:
    from archive.external.libreoffice import find_soffice

    fresh(out).mkdir()
    args = [find_soffice(), "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to", "pdf", "--outdir", str(out)]
    t0 = time.monotonic()
    for f in files:
        subprocess.run(args + [str(f)], capture_output=True, check=True, timeout=300)
    return time.monotonic() - t0


def run(ws, work: Path, n_forms: int, repeat: int, naive_repeat: int, log) -> dict:
    src = fresh(work / "forms-src")
    src.mkdir()
    files = []
    for name, data in household_forms(ws, n_forms):
        files.append(src / f"{name}.docx")
        files[-1].write_bytes(data)
    log(f"forms: {len(files)} filled forms rendered from {ws.root.name}")
    profile = work / "naive-profile"
    naive_batch(files[:1], work / "naive-warm", fresh(profile))   # first launch creates the profile (not timed)
    conv1, conv2, naive = [], [], []
    for i in range(max(repeat, naive_repeat)):
        if i < repeat:
            conv2.append(converter_batch(files, work / "conv2", 2))
            conv1.append(converter_batch(files, work / "conv1", 1))
        if i < naive_repeat:
            naive.append(naive_batch(files, work / "naive", profile))
        log(f"forms run {i + 1}: converter(2) {conv2[-1]:.1f} s, converter(1) {conv1[-1]:.1f} s, "
            f"naive {naive[-1] if naive else float('nan'):.1f} s for {len(files)} forms")
    n = len(files)
    c2, c1, nv = median(conv2), median(conv1), median(naive)
    return {"forms": n, "runs": {"converter2": conv2, "converter1": conv1, "naive": naive},
            "docs_per_s_converter2": n / c2, "docs_per_s_converter1": n / c1, "docs_per_s_naive": n / nv,
            "ratio2": nv / c2, "ratio1": nv / c1, "repeat": repeat, "naive_repeat": naive_repeat}
