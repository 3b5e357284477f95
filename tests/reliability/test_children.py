"""Programs dibao starts (tesseract, pdftoppm) die with it: a kill -9 of dibao leaves none running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from archive.external import children
from tests.support import ROOT
from tests.support.processes import running, wait_for


@pytest.mark.skipif(not children.command(["x"])[:-1], reason="setpriv --pdeathsig not available")
def test_killed_dibao_takes_its_tesseract_along(tmp_path):
    marker = f"dibao-fake-ocr-{os.getpid()}-{tmp_path.name}"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "tesseract"
    fake.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        if [ "$1" = "--list-langs" ]; then echo chi_sim; exit 0; fi
        exec {sys.executable} -c 'import time; time.sleep(300)' {marker}
    """))
    fake.chmod(0o755)
    image = tmp_path / "page.png"
    image.write_bytes(b"not read by the fake")
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(f"""\
        import threading
        from indexer.ocr import ocr_image
        print("ready", flush=True)
        t = threading.Thread(target=ocr_image, args=({str(image)!r},))  # OCR runs in threads
        t.start(); t.join()
    """))
    env = dict(os.environ, PYTHONPATH=str(ROOT), PATH=f"{bin_dir}:{os.environ['PATH']}")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "ready"
        assert wait_for(lambda: running(marker), 20), "the fake tesseract did not start"
    finally:
        proc.kill()
        proc.wait()
    gone = wait_for(lambda: not running(marker), 10)
    left = running(marker)
    for pid in left:  # a failed run must not leave its fake running
        os.kill(pid, signal.SIGKILL)
    assert gone, f"tesseract outlived dibao: {left}"


def test_command_runs_the_program_unchanged(tmp_path):
    out = subprocess.run(children.command(["sh", "-c", "echo 甲 $0", "乙"]), capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "甲 乙"
