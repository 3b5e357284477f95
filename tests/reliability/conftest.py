"""Shared workspaces of the reliability corpus.

`records_ws`: two good households and every bad record (no LibreOffice needed).
`built_ws`: three sample households (archive.sample.demo) with every bad scan in one of them,
a few bad records and the special-characters record, built once with real
LibreOffice; the tests then read its report, outputs and sources.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability import corpus

ROOT = Path(__file__).resolve().parents[2]
ID18 = re.compile(r"(?<![0-9A-Za-z*])\d{17}[0-9Xx](?![0-9A-Za-z])")
GOOD_VILLAGE = "黄沙村"
SCAN_CASE_NO = None  # set by built_ws (the household holding the bad scans)

# bad records also put into the built workspace (fast to refuse, no conversion)
BUILD_RECORD_CASES = ("not-json", "id-bad-check", "duplicate-case-no-a", "duplicate-case-no-b",
                      "attachment-dotdot", "markup-template-emoji-rare", "nesting-bomb")


def dibao(args: list[str], cwd: Path | None = None, env: dict | None = None, timeout: float = 600,
          debug: bool = False) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess (real exit codes, real stderr)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    cmd = [sys.executable, "-m", "cli", *(["--debug"] if debug else []), *args]
    return subprocess.run(cmd, cwd=cwd or ROOT, env=full_env, capture_output=True, text=True, timeout=timeout)


def assert_clean_output(proc: subprocess.CompletedProcess) -> None:
    """No traceback without --debug, no full ID number in anything printed."""
    both = proc.stdout + proc.stderr
    assert "Traceback" not in both, both[-3000:]
    leaked = ID18.findall(both)
    assert not leaked, f"full ID numbers printed: {leaked[:3]}"


def has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def visible_partials(folder: Path) -> list[Path]:
    """Files a half-finished run could leave under a user-visible name (temp files start with a dot)."""
    bad = []
    for p in Path(folder).rglob("*"):
        if p.is_file() and p.suffix.lower() in (".pdf", ".docx", ".json") and p.stat().st_size == 0:
            bad.append(p)
        if p.is_file() and p.suffix.lower() == ".pdf" and not p.name.startswith("."):
            with open(p, "rb") as fh:
                fh.seek(max(0, p.stat().st_size - 1024))
                if b"%%EOF" not in fh.read():
                    bad.append(p)
    return bad


def good_households(root: Path, n: int = 2) -> list[Path]:
    folder = root / "households" / GOOD_VILLAGE
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(1, n + 1):
        rec = corpus.good_record(f"GOOD-{i:02d}", 80 + i, village=GOOD_VILLAGE)
        p = folder / f"GOOD-{i:02d}.json"
        p.write_text(json.dumps(rec, ensure_ascii=False, indent=2), encoding="utf-8")
        out.append(p)
    return out


@pytest.fixture(scope="session")
def records_ws(tmp_path_factory):
    from archive.workspace import init_workspace

    root = tmp_path_factory.mktemp("rel-records") / "ws"
    init_workspace(root, "yueyang")
    cases = corpus.record_cases()
    paths = corpus.write_record_cases(root, cases)
    good = good_households(root)
    return {"root": root, "cases": {c.name: c for c in cases}, "paths": paths, "good": good}


@pytest.fixture(scope="session")
def built_ws(tmp_path_factory):
    """The corpus workspace built once with real LibreOffice (about 30 s on 2 idle cores)."""
    from archive.workspace import init_workspace

    root = tmp_path_factory.mktemp("rel-build") / "ws"
    ws = init_workspace(root, "fenxi")
    good = good_households(root, 3)
    for p in good:  # each good household has one ordinary scan
        corpus.write_good_scan(ws.scans_dir / p.stem)
    cases = [c for c in corpus.record_cases() if c.name in BUILD_RECORD_CASES]
    corpus.write_record_cases(root, cases)
    good_cases = [p.stem for p in good]
    scan_case_no = good_cases[0]
    scans = corpus.write_scan_cases(ws.scans_dir / scan_case_no)
    outside = root.parent / "outside.jpg"          # a link out of the workspace in a scan folder
    corpus.write_good_scan(root.parent / "elsewhere").rename(outside)
    (ws.scans_dir / scan_case_no / "其他_21.jpg").symlink_to(outside)
    before = corpus.source_hashes(root)
    proc = dibao(["build", "--jobs", "2", "--json"], cwd=root)
    after = corpus.source_hashes(root)
    report = json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else None
    return {"root": root, "out": root / "archive", "proc": proc, "report": report, "before": before,
            "after": after, "scan_case": scan_case_no, "scans": scans, "good_cases": good_cases,
            "record_cases": {c.name: c for c in cases}}


def copy_ws(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, symlinks=True)
    return dest


def index_copy(built_ws, tmp_path: Path) -> Path:
    """A copy of the built workspace without the household of bad scans (keeps OCR to three small pages)."""
    ws = copy_ws(built_ws["root"], tmp_path / "ws")
    for m in (ws / "archive").glob(f"*/{built_ws['scan_case']}_*"):
        shutil.rmtree(m)
    return ws


def pytest_collection_modifyitems(config, items):
    """Tests on the built workspace need LibreOffice and about 30 s of building: mark them slow."""
    for item in items:
        if "built_ws" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
