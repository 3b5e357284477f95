"""Fixtures for the roster tests: a fresh workspace, a CLI runner, valid IDs, reading 检查结果 back."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.ids import check_char


def _id(area: str, birth: str, seq: int, male: bool) -> str:
    s3 = seq * 10 % 1000 + (1 if male else 2)
    first17 = f"{area}{birth}{s3:03d}"
    return first17 + check_char(first17)


def _bad_check(idn: str) -> str:
    wrong = next(c for c in "0123456789X" if c != idn[-1])
    return idn[:-1] + wrong


class Roster:
    """Helpers the tests share (one object, so no test imports another test module)."""

    id = staticmethod(_id)
    bad_check = staticmethod(_bad_check)

    def __init__(self, ws):
        self.ws = ws

    def run(self, *args: str):
        from cli import main

        return CliRunner().invoke(main, ["--workspace", str(self.ws.root), *args])

    @staticmethod
    def check_results(path: Path, sheet: str | None = None) -> tuple[dict[int, str], set[tuple[int, int]]]:
        """{Excel row: 检查结果 text} and the red cells (row, column), both 1-based."""
        import openpyxl

        wb = openpyxl.load_workbook(path)
        ws = wb[sheet] if sheet else wb.worksheets[0]
        col = None
        for row in ws.iter_rows():
            for c in row:
                if c.value == "检查结果":
                    col = c.column
                    hdr = c.row
            if col:
                break
        assert col, "no 检查结果 column"
        msgs = {r: ws.cell(row=r, column=col).value for r in range(hdr + 1, ws.max_row + 1)
                if ws.cell(row=r, column=col).value}
        red = set()
        for row in ws.iter_rows():
            for c in row:
                if c.fill is not None and c.fill.fill_type == "solid" and str(c.fill.fgColor.rgb).upper() == "FFFF9999":
                    red.add((c.row, c.column))
        return msgs, red

    def records(self) -> dict[str, dict]:
        """case_no -> record of every record file, each checked as `dibao validate` checks it."""
        from archive.records.load import load_record

        out = {}
        for p in self.ws.record_paths():
            rec = load_record(p, self.ws.root)
            errs = [x for x in rec.problems if x.severity == "error"]
            assert rec.household is not None and not errs, (p, [x.message for x in errs])
            out[rec.household.case_no] = rec.household
        return out


@pytest.fixture
def roster(tmp_path):
    from archive.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws", "fenxi")
    return Roster(ws)
