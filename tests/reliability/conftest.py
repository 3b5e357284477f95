"""Shared workspaces of the reliability corpus.

`records_ws`: two good households and every bad record (no LibreOffice needed).
`built_ws`: three sample households (archive.sample.demo) with every bad scan in one of them,
a few bad records and the special-characters record, built once with real
LibreOffice; the tests then read its report, outputs and sources.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.support import corpus
from tests.support.cli import dibao
from tests.support.workspaces import good_households

SCAN_CASE_NO = None  # set by built_ws (the household holding the bad scans)

# bad records also put into the built workspace (fast to refuse, no conversion)
BUILD_RECORD_CASES = ("not-json", "id-bad-check", "duplicate-case-no-a", "duplicate-case-no-b",
                      "attachment-dotdot", "markup-template-emoji-rare", "nesting-bomb")


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
    # files that must never be read: a FIFO, a link to /dev/zero, a link to another household's
    # scan, and a name that is not UTF-8 (each reported, the household still built)
    special = ws.scans_dir / scan_case_no
    os.mkfifo(special / "其他_22.jpg")
    (special / "其他_23.jpg").symlink_to("/dev/zero")
    (special / "户口簿_24.jpg").symlink_to(ws.scans_dir / good_cases[1] / "户口簿.jpg")
    bad_name = os.path.join(os.fsencode(special), "其他_25".encode("gbk") + b".jpg")
    with open(bad_name, "wb") as fh:
        fh.write((ws.scans_dir / good_cases[1] / "户口簿.jpg").read_bytes())
    before = corpus.source_hashes(root)
    proc = dibao(["build", "--jobs", "2", "--json"], cwd=root)
    after = corpus.source_hashes(root)
    report = json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else None
    return {"root": root, "out": root / "archive", "proc": proc, "report": report, "before": before,
            "after": after, "scan_case": scan_case_no, "scans": scans, "good_cases": good_cases,
            "record_cases": {c.name: c for c in cases}}


def pytest_collection_modifyitems(config, items):
    """Tests on the built workspace need LibreOffice and about 30 s of building: mark them slow."""
    for item in items:
        if "built_ws" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
