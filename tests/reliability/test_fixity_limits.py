"""Fixity (`dibao verify` finds a flipped byte in an output or a source) and the configurable
limits of [limits] in dibao.toml (pixels, pages, PDF streams, conversion time)."""

from __future__ import annotations

import time

import pytest

from archive.errors import EXIT_OK, EXIT_PROBLEMS, InputError
from archive.volumes.scans import convert_scan
from archive.workspace import open_workspace
from tests.support.checks import assert_clean_output
from tests.support.cli import dibao
from tests.support.workspaces import copy_ws


def flip(path, offset=None) -> None:
    data = bytearray(path.read_bytes())
    i = len(data) // 2 if offset is None else offset
    data[i] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.fixture()
def ws_copy(built_ws, tmp_path):
    return copy_ws(built_ws["root"], tmp_path / "ws")


def test_verify_clean_after_build(built_ws):
    proc = dibao(["verify"], cwd=built_ws["root"])
    assert proc.returncode == EXIT_OK, proc.stdout + proc.stderr
    assert_clean_output(proc)


def test_flipped_byte_in_an_output_is_reported(built_ws, ws_copy):
    vol = next((ws_copy / "archive").glob(f"*/{built_ws['good_cases'][1]}_*/审批类.pdf"))
    flip(vol)
    proc = dibao(["verify"], cwd=ws_copy)
    assert proc.returncode == EXIT_PROBLEMS, proc.stdout
    assert_clean_output(proc)
    assert "审批类.pdf" in proc.stdout and built_ws["good_cases"][1] in proc.stdout


@pytest.mark.parametrize("which", ["scan", "record"])
def test_flipped_byte_in_a_source_is_reported(built_ws, ws_copy, which):
    case = built_ws["good_cases"][2]
    src = (ws_copy / "scans" / case / "户口簿.jpg") if which == "scan" else \
        next((ws_copy / "households").rglob(f"{case}.json"))
    flip(src, offset=len(src.read_bytes()) - 10 if which == "record" else None)
    proc = dibao(["verify"], cwd=ws_copy)
    assert proc.returncode == EXIT_PROBLEMS, proc.stdout
    assert src.name in proc.stdout


def test_missing_output_is_reported(built_ws, ws_copy):
    vol = next((ws_copy / "archive").glob(f"*/{built_ws['good_cases'][0]}_*/财务类.pdf"))
    vol.unlink()
    proc = dibao(["verify", "--json"], cwd=ws_copy)
    assert proc.returncode == EXIT_PROBLEMS
    assert "财务类.pdf" in proc.stdout


# ----------------------------------------------------------------------------- limits from dibao.toml


def _set_limits(ws, **values):
    toml = ws / "dibao.toml"
    text = toml.read_text("utf-8")
    for k, v in values.items():
        import re

        text, n = re.subn(rf"(?m)^{k} = .*$", f"{k} = {v}", text)
        assert n == 1, k
    toml.write_text(text, "utf-8")
    return open_workspace(ws).config


def test_scan_limits_come_from_the_configuration(built_ws, ws_copy):
    cfg = _set_limits(ws_copy, max_pixels=1_000_000, max_pages_per_attachment=2, max_pdf_stream_bytes=1_000_000)
    lim = cfg.scan_limits()
    assert (lim.max_pixels, lim.max_pages, lim.max_pdf_stream_bytes) == (1_000_000, 2, 1_000_000)
    folder = ws_copy / "scans" / built_ws["scan_case"]
    t = time.perf_counter()
    with pytest.raises(InputError, match="百万像素"):
        convert_scan(folder / "其他_11.jpg", lim)       # 100 MP, now over the limit, refused from its header
    with pytest.raises(InputError, match="3页"):
        convert_scan(folder / "其他_12.tif", lim)       # 3 pages over a limit of 2
    assert time.perf_counter() - t < 2
    assert convert_scan(folder / "其他_12.tif").pages == 3  # the defaults allow them


def test_build_uses_the_configured_limits(ws_copy):
    from archive.volumes import build

    cfg = _set_limits(ws_copy, max_pages_per_attachment=2, max_pixels=5_000_000)
    builder = build.Builder(open_workspace(ws_copy))   # the one reading of [limits]: Config.scan_limits
    assert builder.limits == cfg.scan_limits()
    assert builder.limits.max_pages == 2 and builder.limits.max_pixels == 5_000_000


def test_conversion_timeout_is_configurable(built_ws, ws_copy):
    cfg = _set_limits(ws_copy, convert_timeout=7, ocr_timeout=9)
    assert cfg.convert_timeout == 7.0 and cfg.ocr_timeout == 9.0


def test_memory_limit_of_conversions_is_configurable():
    from archive.config import parse_config

    assert parse_config({}).convert_memory_mb is None
    assert parse_config({"limits": {"convert_memory_mb": 1536}}).convert_memory_mb == 1536
