"""archive.external.libreoffice: .docx -> PDF through real LibreOffice (and small fake sofficees for failures)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from archive.external import soffice as office_workers
from archive.errors import InputError, ToolFailed, ToolMissing
from archive.external.libreoffice import Converter, convert_once, find_soffice
from tests.support.office import make_form, pdf_text
from tests.support.processes import wait_for

from tests.support import ROOT as REPO
NUMERALS = "一二三四五六七八九十"

pytestmark = pytest.mark.skipif(
    not os.environ.get("DIBAO_SOFFICE") and not any(
        os.access(os.path.join(d, "soffice"), os.X_OK) for d in os.environ.get("PATH", "").split(os.pathsep)
    ),
    reason="LibreOffice not installed",
)


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------


def pdf_fonts(path: Path) -> list[tuple[str, str]]:
    """(name, emb) for every font pdffonts lists."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object ID: emb is the 5th field from the end
        rows.append((parts[0], parts[-5]))
    return rows


def office_pids(marker: str) -> list[int]:
    """Processes whose command line mentions marker (a test's own folder or fake script)."""
    done = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    return [int(p) for p in done.stdout.split() if int(p) != os.getpid()]


def soffice_pid(workdir: Path) -> int:
    done = subprocess.run(["pgrep", "-f", f"soffice.bin.*{workdir}"], capture_output=True, text=True)
    pids = [int(p) for p in done.stdout.split()]
    assert len(pids) == 1, pids
    return pids[0]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-soffice"
    script.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    script.chmod(0o755)
    return script


@pytest.fixture(params=["uno", "batch"])
def mode(request, monkeypatch):
    monkeypatch.setenv("DIBAO_OFFICE_MODE", request.param)
    return request.param


# ---------------------------------------------------------------------------------------
# real conversions
# ---------------------------------------------------------------------------------------
def test_chinese_form_uses_embedded_serif_cjk_font(tmp_path, mode):
    src = make_form(tmp_path / "申请表.docx", "最低生活保障申请审批表")
    dest = tmp_path / "输出" / "申请表.pdf"
    assert convert_once(src, dest, timeout=60) == dest.absolute()

    text = pdf_text(dest)
    assert "最低生活保障申请审批表" in text
    assert "月人均收入低于当地保障标准" in text
    fonts = pdf_fonts(dest)
    cjk = [(name, emb) for name, emb in fonts if "CJK" in name or "WenQuanYi" in name or "wqy" in name.lower()]
    assert cjk, fonts
    for name, emb in cjk:  # 宋体 and 仿宋 both became the embedded serif face
        assert "NotoSerifCJK" in name and emb == "yes", fonts
    assert not any("Sans" in name or "WenQuanYi" in name for name, _ in fonts), fonts

    outline = PdfReader(dest).outline
    assert [item.title for item in outline] == ["最低生活保障申请审批表"]
    assert leftovers(dest.parent) == ["申请表.pdf"]  # no temporary file left beside it
    assert oct(dest.stat().st_mode & 0o777) == "0o600"


@pytest.mark.slow
def test_convert_many_on_two_workers(tmp_path):
    pairs = []
    for i in range(6):
        src = make_form(tmp_path / f"form{i}.docx", f"{NUMERALS[i]}号家庭入户调查表")
        pairs.append((src, tmp_path / "out" / f"form{i}.pdf"))
    bad = tmp_path / "not-a-form.docx"
    bad.write_text("这只是一个文本文件", encoding="utf-8")
    pairs.insert(3, (bad, tmp_path / "out" / "bad.pdf"))

    seen = []
    work = tmp_path / "work"
    with Converter(workers=2, timeout=60, workdir=work) as conv:
        results = conv.convert_many(pairs, on_done=lambda s, d, e: seen.append((s.name, e)))
        assert len(office_pids(f"soffice.bin.*{work}")) == 2  # both workers were used

    assert isinstance(results[3], InputError) and "not-a-form.docx" in str(results[3])
    assert [r for i, r in enumerate(results) if i != 3] == [None] * 6
    assert len(seen) == 7
    for src, dest in pairs[:3] + pairs[4:]:
        number = int(src.stem.removeprefix("form"))
        assert f"{NUMERALS[number]}号家庭入户调查表" in pdf_text(dest)
    assert not (tmp_path / "out" / "bad.pdf").exists()
    assert office_pids(str(work)) == []
    assert leftovers(work) == []  # profiles removed on close


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("文本.docx", "这只是一个文本文件".encode(), "不是 Word .docx"),
        ("旧版.docx", bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600, "Word 97-2003"),
        ("缺页.docx", None, "不是 Word .docx"),
    ],
)
def test_not_a_docx_is_input_error_naming_file(tmp_path, name, content, words):
    src = tmp_path / name
    if content is None:  # a zip without Word content
        import zipfile

        with zipfile.ZipFile(src, "w") as zf:
            zf.writestr("hello.txt", "hi")
    else:
        src.write_bytes(content)
    dest = tmp_path / "out.pdf"
    with pytest.raises(InputError) as err:
        convert_once(src, dest)
    assert name in str(err.value) and words in str(err.value)
    assert not dest.exists()


def test_corrupt_docx_rejected_by_libreoffice(tmp_path, mode):
    import zipfile

    good = make_form(tmp_path / "good.docx", "标题")
    src = tmp_path / "损坏.docx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(src, "w") as zout:
        for info in zin.infolist():
            data = b"<w:document <<< broken" if info.filename == "word/document.xml" else zin.read(info)
            zout.writestr(info, data)
    with Converter(timeout=60) as conv:
        with pytest.raises(InputError) as err:
            conv.convert(src, tmp_path / "out" / "损坏.pdf")
        assert "损坏.docx" in str(err.value)
        # the worker is still good for the next document
        conv.convert(good, tmp_path / "out" / "good.pdf")
    assert leftovers(tmp_path / "out") == ["good.pdf"]


@pytest.mark.slow
def test_hanging_document_is_killed_and_others_continue(tmp_path):
    """A real soffice stopped mid-way (SIGSTOP) stands for a document that hangs."""
    work = tmp_path / "work"
    first = make_form(tmp_path / "a.docx", "甲")
    second = make_form(tmp_path / "b.docx", "乙")
    with Converter(timeout=15, workdir=work) as conv:  # room for a slow start on a busy machine
        conv.convert(first, tmp_path / "out" / "a.pdf")
        stuck = soffice_pid(work)
        os.kill(stuck, signal.SIGSTOP)
        start = time.monotonic()
        with pytest.raises(ToolFailed) as err:
            conv.convert(second, tmp_path / "out" / "b.pdf")
        assert time.monotonic() - start < 30
        assert "超时" in str(err.value) and "b.docx" in str(err.value)
        assert not os.path.exists(f"/proc/{stuck}") or "Z" in Path(f"/proc/{stuck}/stat").read_text().split(")")[1][:3]
        assert leftovers(tmp_path / "out") == ["a.pdf"]
        conv.convert(second, tmp_path / "out" / "b.pdf")  # a fresh worker takes over
        assert soffice_pid(work) != stuck
    assert "乙" in pdf_text(tmp_path / "out" / "b.pdf")
    assert office_pids(str(work)) == []


@pytest.mark.slow
def test_crashed_soffice_is_replaced_transparently(tmp_path):
    work = tmp_path / "work"
    src = make_form(tmp_path / "a.docx", "甲")
    with Converter(timeout=60, workdir=work) as conv:
        conv.convert(src, tmp_path / "1.pdf")
        dead = soffice_pid(work)
        os.kill(dead, signal.SIGKILL)
        conv.convert(src, tmp_path / "2.pdf")
        assert soffice_pid(work) != dead
    assert "甲" in pdf_text(tmp_path / "2.pdf")


@pytest.mark.slow
def test_workers_are_recycled(tmp_path):
    work = tmp_path / "work"
    src = make_form(tmp_path / "a.docx", "甲")
    pids = []
    with Converter(timeout=60, recycle_after=2, workdir=work) as conv:
        for i in range(3):
            conv.convert(src, tmp_path / f"{i}.pdf")
            pids.append(soffice_pid(work) if office_pids(f"soffice.bin.*{work}") else None)
    assert pids[0] is not None and pids[1] is None and pids[2] not in (None, pids[0])


def test_memory_limit_applies(tmp_path):
    src = make_form(tmp_path / "a.docx", "甲")
    with Converter(timeout=60, memory_mb=2048, workdir=tmp_path / "w") as conv:
        conv.convert(src, tmp_path / "ok.pdf")
        limits = Path(f"/proc/{soffice_pid(tmp_path / 'w')}/limits").read_text()
        assert str(2048 * 1024 * 1024) in limits
    with Converter(timeout=60, memory_mb=300) as conv, pytest.raises(ToolFailed) as err:
        conv.convert(src, tmp_path / "small.pdf")  # soffice cannot even start in 300 MB
    assert "内存" in str(err.value)
    assert not (tmp_path / "small.pdf").exists()


# ---------------------------------------------------------------------------------------
# missing, crashing and hanging LibreOffice (fake soffice scripts)
# ---------------------------------------------------------------------------------------
def test_missing_soffice(tmp_path, monkeypatch):
    monkeypatch.setenv("DIBAO_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(ToolMissing) as err:
        find_soffice()
    assert "apt-get install libreoffice-writer-nogui" in str(err.value)
    src = make_form(tmp_path / "a.docx", "甲")
    with pytest.raises(ToolMissing):
        convert_once(src, tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists()


def test_hanging_soffice_times_out_without_orphans(tmp_path, monkeypatch, mode):
    script = fake_soffice(tmp_path, """\
        echo $$ >> "$(dirname "$0")/pids"
        sleep 3517 &
        echo $! >> "$(dirname "$0")/pids"
        wait
    """)
    monkeypatch.setenv("DIBAO_SOFFICE", str(script))
    src = make_form(tmp_path / "a.docx", "甲")
    out = tmp_path / "out"
    start = time.monotonic()
    with pytest.raises(ToolFailed) as err:
        convert_once(src, out / "a.pdf", timeout=2)
    assert time.monotonic() - start < 15
    assert "a.docx" in str(err.value)
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    assert len(pids) == 2
    for pid in pids:
        assert not os.path.exists(f"/proc/{pid}") or Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    assert office_pids(str(script)) == [] and office_pids("sleep 3517") == []
    assert leftovers(out) == []


def test_crashing_soffice(tmp_path, monkeypatch, mode):
    script = fake_soffice(tmp_path, """\
        echo crash >> "$(dirname "$0")/runs"
        kill -SEGV $$
    """)
    monkeypatch.setenv("DIBAO_SOFFICE", str(script))
    src = make_form(tmp_path / "a.docx", "甲")
    out = tmp_path / "out"
    with pytest.raises(ToolFailed) as err:
        convert_once(src, out / "a.pdf", timeout=30)
    assert "a.docx" in str(err.value)
    assert leftovers(out) == []
    assert office_pids(str(script)) == []


def test_restart_request_on_fresh_profile_is_retried(tmp_path, monkeypatch, mode):
    """soffice may exit with 81 on a fresh profile; the next launch must be tried."""
    real = find_soffice()
    script = fake_soffice(tmp_path, f"""\
        flag="$(dirname "$0")/restarted"
        if [ ! -e "$flag" ]; then touch "$flag"; exit 81; fi
        exec {real} "$@"
    """)
    monkeypatch.setenv("DIBAO_SOFFICE", str(script))
    src = make_form(tmp_path / "a.docx", "甲")
    convert_once(src, tmp_path / "a.pdf", timeout=60)
    assert (tmp_path / "restarted").exists()
    assert "甲" in pdf_text(tmp_path / "a.pdf")


# ---------------------------------------------------------------------------------------
# Ctrl-C
# ---------------------------------------------------------------------------------------
@pytest.mark.slow
def test_ctrl_c_leaves_no_soffice(tmp_path, mode):
    work = tmp_path / "work"
    src = make_form(tmp_path / "a.docx", "甲")
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(f"""\
        from pathlib import Path
        from archive.external.libreoffice import Converter
        src = Path({str(src)!r})
        with Converter(workers=2, timeout=60, workdir=Path({str(work)!r})) as conv:
            conv.convert(src, Path({str(tmp_path / "warm.pdf")!r}))
            print("ready", flush=True)
            conv.convert_many([(src, Path({str(tmp_path)!r}) / "many" / f"{{i}}.pdf") for i in range(400)])
    """))
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode != 0 and "KeyboardInterrupt" in err
    assert office_pids(str(work)) == []
    assert leftovers(work) == []
    many = tmp_path / "many"
    assert [name for name in leftovers(many) if name.startswith(".dibao-tmp-")] == [], err
    assert len(leftovers(many)) < 400


def test_batch_fallback_without_uno(tmp_path, monkeypatch):
    """Without /usr/bin/python3 + uno the converter still works, one soffice call per file."""
    monkeypatch.delenv("DIBAO_OFFICE_MODE", raising=False)
    monkeypatch.setattr(office_workers, "UNO_PYTHON", str(tmp_path / "no-python3"))
    office_workers.uno_available.cache_clear()
    try:
        src = make_form(tmp_path / "a.docx", "甲")
        with Converter(timeout=60) as conv:
            assert {slot.mode for slot in conv._slots} == {"batch"}
            conv.convert(src, tmp_path / "a.pdf")
    finally:
        office_workers.uno_available.cache_clear()
    assert "甲" in pdf_text(tmp_path / "a.pdf")


@pytest.mark.slow
def test_killed_parent_takes_its_soffice_along(tmp_path, monkeypatch, mode):
    """kill -9 of the program: each worker notices its parent is gone and kills its soffice."""
    work = tmp_path / "work"
    src = make_form(tmp_path / "a.docx", "甲")
    if mode == "batch":  # slow each soffice call down, so that it is caught running
        monkeypatch.setenv("DIBAO_SOFFICE", str(fake_soffice(tmp_path, f'sleep 2; exec {find_soffice()} "$@"\n')))
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(f"""\
        import time
        from pathlib import Path
        from archive.external.libreoffice import Converter
        conv = Converter(workers=2, timeout=60, workdir=Path({str(work)!r}))
        print("ready", flush=True)
        conv.convert_many([(Path({str(src)!r}), Path({str(tmp_path)!r}) / f"{{i}}.pdf") for i in range(20)])
        time.sleep(600)
    """))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(REPO)))
    try:
        assert proc.stdout.readline().strip() == "ready"
        assert wait_for(lambda: len(office_pids(f"soffice.bin.*{work}")) == 2, 30)
    finally:
        proc.kill()
        proc.wait()
    assert wait_for(lambda: office_pids(str(work)) == [], 10), office_pids(str(work))
    # the next converter removes the profile folders the killed one could not
    assert leftovers(work)
    Converter(workdir=work).close()
    assert leftovers(work) == []


def test_error_in_on_done_is_raised_to_caller(tmp_path):
    src = make_form(tmp_path / "a.docx", "甲")

    def on_done(s, d, e):
        raise ValueError("progress bar broke")

    with Converter(timeout=60) as conv, pytest.raises(ValueError):
        conv.convert_many([(src, tmp_path / f"{i}.pdf") for i in range(3)], on_done=on_done)
    assert not (tmp_path / "2.pdf").exists()


def test_broken_libreoffice_fails_fast_for_the_rest(tmp_path, monkeypatch):
    """A LibreOffice that never starts costs the timeout twice, not once per document."""
    script = fake_soffice(tmp_path, "sleep 3517\n")
    monkeypatch.setenv("DIBAO_SOFFICE", str(script))
    pairs = [(make_form(tmp_path / f"{i}.docx", "甲"), tmp_path / "out" / f"{i}.pdf") for i in range(8)]
    start = time.monotonic()
    with Converter(workers=2, timeout=2) as conv:
        results = conv.convert_many(pairs)
    assert time.monotonic() - start < 15
    assert all(isinstance(r, ToolFailed) for r in results)
    assert all(f"{i}.docx" in str(r) for i, r in enumerate(results))
    assert "不再重试" in str(results[-1])
    assert leftovers(tmp_path / "out") == []
    assert office_pids(str(script)) == []
