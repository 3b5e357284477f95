"""Pages without a code: OCR, a proposed household, material and member, and the clerk's list.

The text of the page (tesseract chi_sim, page turned upright by orientation detection) is
matched against the workspace: an ID number (18 characters with a valid check character)
names a member and so the household; a member's name found in the text does the same,
less surely; keywords name the material type the naming rules know (archive/records/
attachments.py, with synonyms such as 户口本 for 户口簿).  Every such page becomes a row of
inbox/待确认.xlsx; the clerk writes 是 in 确认 (or corrects the household, material or
member first) and `dibao inbox --apply` files the confirmed rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from archive.records.attachments import MATERIAL_KEYWORDS

SHEET = "待确认"
COLUMNS = ("文件", "页", "建议家庭", "材料类型", "成员", "依据", "确认", "指纹", "转正")
YES = {"是", "√", "✓", "y", "yes", "ok", "1", "对", "确认"}
ID_RE = re.compile(r"(?<![0-9])([1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])(?![0-9])")


@dataclass
class Row:
    file: str              # relative to the inbox folder (where the input is kept after the run)
    page: int              # 1-based
    household: str = ""
    material: str = ""
    member: str = ""
    why: str = ""
    confirm: str = ""
    fingerprint: str = ""
    rotate: int | None = None   # clockwise degrees that turn the page upright (None: not known)

    @property
    def confirmed(self) -> bool:
        return self.confirm.strip().lower() in YES


@dataclass
class MemberIndex:
    by_id: dict[str, tuple[str, str]]          # id number -> (case_no, name)
    by_name: dict[str, list[str]]              # name -> case numbers

    @classmethod
    def of(cls, households) -> MemberIndex:
        by_id: dict[str, tuple[str, str]] = {}
        by_name: dict[str, list[str]] = {}
        for hh in households:
            for m in list(hh.members) + list(getattr(hh, "obligors", []) or []):
                idn = getattr(m, "id_number", None)
                if idn:
                    by_id[idn.upper()] = (hh.case_no, m.name)
                by_name.setdefault(m.name, []).append(hh.case_no)
        return cls(by_id, by_name)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def material_of(text: str) -> tuple[str, str]:
    """(material type, keyword found) or ("", "")."""
    flat = _norm(text)
    best = ("", "", 0)
    for kind, words in MATERIAL_KEYWORDS.items():
        for w in words:
            if w in flat and len(w) > best[2]:
                best = (kind, w, len(w))
    return best[0], best[1]


def propose(text: str, index: MemberIndex) -> tuple[str, str, str]:
    """(case_no, member, why) from the page text; empty strings where nothing fits."""
    from archive.ids import check_char

    flat = _norm(text).upper()
    reasons = []
    for m in ID_RE.finditer(flat):
        idn = m.group(1)
        if check_char(idn[:17]) != idn[17]:
            continue
        hit = index.by_id.get(idn)
        if hit:
            reasons.append(f"身份证号（尾号{idn[-4:]}）属于{hit[1]}")
            return hit[0], hit[1], "；".join(reasons)
    names = [n for n in index.by_name if len(n) >= 2 and n in _norm(text)]
    if names:
        names.sort(key=len, reverse=True)
        cases = sorted({c for n in names for c in index.by_name[n]})
        if len(cases) == 1:
            member = names[0]
            return cases[0], member, f"页面上有成员姓名“{'、'.join(names[:3])}”"
        return "", "", f"姓名“{'、'.join(names[:3])}”对应多户（{'、'.join(cases[:4])}），请指定"
    return "", "", "没有找到本工作区成员的身份证号或姓名"


def _degrees(cell: str | None) -> int | None:
    """The 转正 cell: clockwise degrees (0, 90, 180, 270; the clerk may correct it); None when empty."""
    try:
        value = int(float(str(cell).strip().rstrip("°度")))
    except (TypeError, ValueError):
        return None
    return value % 360 if value % 90 == 0 else None


def read_rows(path: Path) -> list[Row]:
    if not path.exists():
        return []
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows: list[Row] = []
    header = None
    for values in ws.iter_rows(values_only=True):
        if header is None:
            header = [str(v or "").strip() for v in values]
            continue
        cells = {h: ("" if v is None else str(v)).strip() for h, v in zip(header, values)}
        if not cells.get("文件"):
            continue
        try:
            page = int(float(cells.get("页") or 1))
        except ValueError:
            page = 1
        rows.append(Row(cells.get("文件", ""), page, cells.get("建议家庭", ""), cells.get("材料类型", ""),
                        cells.get("成员", ""), cells.get("依据", ""), cells.get("确认", ""), cells.get("指纹", ""),
                        _degrees(cells.get("转正"))))
    wb.close()
    return rows


def write_rows(path: Path, rows: list[Row]) -> None:
    import io

    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    from archive.fsutil import atomic_write_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(COLUMNS))
    for r in rows:
        ws.append([r.file, r.page, r.household, r.material, r.member, r.why, r.confirm, r.fingerprint, r.rotate])
    for col, width in zip("ABCDEFGHI", (40, 5, 14, 12, 10, 50, 6, 18, 6)):
        ws.column_dimensions[col].width = width
    dv = DataValidation(type="list", formula1='"是"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add(f"G2:G{max(2, len(rows) + 1)}")
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(path, buf.getvalue())
