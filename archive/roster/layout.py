"""Finding the roster in a sheet: the header band, what each column means, the data rows and
which rows make up one household.

Layouts handled:
- title rows and notes above the header; a header of one row or two (a merged group header such
  as 家庭成员 over 姓名/关系/身份证号, or 户主 over 姓名/身份证号);
- one row per member: households one after another (the 户主 row first), or grouped by a
  对象编号 / 户主身份证号 / 户主姓名 column, or with household cells merged down the member rows;
- one row per household, members in repeated column groups (成员1姓名, 成员2姓名 … or a group header
  over each member's columns);
- blank, hidden, total (合计) and note rows are skipped; formulas count by their cached values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.errors import InputError
from archive.roster.columns import BY_KEY, MEMBER, SYNONYMS, Mapped, Mapping, match_header, norm_header, rank
from archive.roster.read import Grid
from archive.roster import values as V

HEAD_RELATIONS = {"本人", "户主"}
_TOTAL_WORDS = ("合计", "总计", "小计", "共计")


@dataclass
class Cell:
    row: int        # 0-based sheet row
    col: int        # 0-based sheet column
    value: object


@dataclass
class PersonRow:
    row: int
    cells: dict[str, Cell]      # member column key -> cell
    heads: dict[str, Cell] = field(default_factory=dict)   # this row's 户主姓名/户主身份证号 cells (one row per member)


@dataclass
class Draft:
    """The cells of one household as the roster has them."""

    rows: list[int]
    fields: dict[str, Cell] = field(default_factory=dict)     # household + head keys
    people: list[PersonRow] = field(default_factory=list)
    problems: list[tuple[int, int | None, str, str]] = field(default_factory=list)  # row, col, what, fix


@dataclass
class Layout:
    header_rows: tuple[int, ...]
    columns: dict[int, Mapped]
    wide: bool
    group_by: str | None                       # case_no | head_id | head_name | None (consecutive)
    headers: list[str]                         # header texts as found (for messages)
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def first_data_row(self) -> int:
        return self.header_rows[-1] + 1

    def col_of(self, key: str, slot: int | None = None) -> int | None:
        for c, m in self.columns.items():
            if m.key == key and m.slot == slot:
                return c
        return None

    def has(self, key: str) -> bool:
        return any(m.key == key for m in self.columns.values())


def fill_merged(grid: Grid) -> None:
    """Copy each merged range's top-left value into all its cells (what a reader sees on screen)."""
    rows = grid.rows
    for r0, c0, r1, c1 in grid.merged:
        if r0 >= len(rows) or (r1 - r0 + 1) * (c1 - c0 + 1) > 200_000:
            continue
        v = rows[r0][c0] if c0 < len(rows[r0]) else None
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = v


def _band_columns(grid: Grid, band: tuple[int, ...], mapping: Mapping) -> dict[int, Mapped]:
    rows = [grid.rows[r] for r in band]
    width = max(len(r) for r in rows)
    out: dict[int, Mapped] = {}
    for c in range(width):
        texts = [V.text(r[c]) if c < len(r) else "" for r in rows]
        if len(texts) == 2:
            g, h = texts
            if not h or h == g:
                g, h = "", g
        else:
            g, h = "", texts[0]
        m = match_header(h, g, mapping)
        if m is not None:
            out[c] = m
    return out


def _score(cols: dict[int, Mapped]) -> int:
    return len({(m.key, m.slot) for m in cols.values() if not m.key.startswith("_")})


def detect(grid: Grid, mapping: Mapping) -> Layout:
    fill_merged(grid)
    n = min(len(grid.rows), 40)
    best: tuple[int, tuple[int, ...], dict[int, Mapped]] | None = None
    for r in range(n):
        cands = [(r,)]
        if r + 1 < len(grid.rows) and _group_row(grid.rows[r]):
            cands.append((r, r + 1))
        for band in cands:
            cols = _band_columns(grid, band, mapping)
            s = _score(cols)
            if best is None or s > best[0]:
                best = (s, band, cols)
    if best is None or best[0] < 2:
        raise InputError("在表格前40行里找不到表头（姓名、身份证号、村等列）", path=grid.path, field=f"工作表“{grid.sheet}”",
                         hint="确认选对了工作表（--sheet），表头写的是列名；表头写法特殊时用 --mapping 映射文件说明各列")
    _, band, cols = best
    cols = {c: m for c, m in cols.items() if not m.key.startswith("_")}
    # repeated member columns without a number: number them by occurrence (one row per household)
    seen: dict[str, int] = {}
    explicit = any(m.slot is not None for m in cols.values())
    first_hh: dict[str, int] = {}
    for c in sorted(cols):
        m = cols[c]
        level = BY_KEY[m.key].level
        if level == MEMBER and m.slot is None:
            k = seen.get(m.key, 0)
            seen[m.key] = k + 1
            cols[c] = Mapped(m.key, k if (k or explicit) else None)
        elif level != MEMBER:
            if m.key in first_hh:   # the same column twice: keep the more specific header (对象类型 over 类别)
                other = first_hh[m.key]
                if rank(m.key, _header_text(grid, band, c)) < rank(m.key, _header_text(grid, band, other)):
                    del cols[other]
                    first_hh[m.key] = c
                else:
                    del cols[c]
            else:
                first_hh[m.key] = c
    repeated = any(v > 1 for v in seen.values())
    if repeated:   # every member column gets a slot; unnumbered first group is slot 0
        cols = {c: (Mapped(m.key, m.slot if m.slot is not None else 0) if BY_KEY[m.key].level == MEMBER else m)
                for c, m in cols.items()}
    wide = repeated or explicit or (not any(BY_KEY[m.key].level == MEMBER for m in cols.values())
                                     and any(m.key == "head_name" for m in cols.values()))
    headers = []
    for c in range(max(len(grid.rows[r]) for r in band)):
        parts = [V.text(grid.rows[r][c]) for r in band if c < len(grid.rows[r]) and V.text(grid.rows[r][c])]
        parts = list(dict.fromkeys(parts))
        if parts:
            headers.append("/".join(parts))
    keys = {m.key for m in cols.values()}
    group_by = next((k for k in ("case_no", "head_id", "head_name") if k in keys), None) if not wide else None
    layout = Layout(band, cols, wide, group_by, headers)
    _check_required(grid, layout, mapping)
    return layout


def _header_text(grid: Grid, band: tuple[int, ...], c: int) -> str:
    texts = [V.text(grid.rows[r][c]) for r in band if c < len(grid.rows[r])]
    return next((t for t in reversed(texts) if t), "")


def _group_row(row: list) -> bool:
    """A row that can be the upper half of a two-row header (not a one-cell title)."""
    vals = {V.text(v) for v in row if not V.is_blank(v)}
    return len(vals) >= 2


def _check_required(grid: Grid, layout: Layout, mapping: Mapping) -> None:
    keys = {m.key for m in layout.columns.values()} | set(mapping.defaults)
    need = [("name", ("name", "head_name")), ("id_number", ("id_number", "head_id")), ("village", ("village",)),
            ("type", ("type",))]
    if not layout.wide and not keys & {"head_name", "head_id"}:
        need.append(("relation", ("relation",)))     # with 户主 columns, the 户主's own row says 本人
    elif layout.wide and any(m.slot for m in layout.columns.values()):
        need.append(("relation", ("relation",)))
    missing = [BY_KEY[k].title for k, alts in need if not any(a in keys for a in alts)]
    if missing:
        found = "、".join(f"“{h}”" for h in layout.headers) or "（无）"
        example = f'"{next((h for h in layout.headers), "表头原文")}" = "{missing[0]}"'
        raise InputError(
            f"找不到必需的列：{'、'.join(missing)}。表头（第{layout.header_rows[0] + 1}行）中找到的列：{found}",
            path=grid.path, field=f"工作表“{grid.sheet}”",
            hint=(f"在表中加上这{'些' if len(missing) > 1 else '一'}列；如果表中这一列用了别的叫法，写一个映射文件（UTF-8），"
                  f"在 [columns] 下写一行，如 {example}（左边是表头原文，右边是 dibao 的列名），"
                  f"再用 --mapping 映射文件.toml 导入；全表统一的值可写在 [defaults] 下，如 \"保障类别\" = \"农村低保\""))


def _is_total(row: list) -> bool:
    for v in row:
        if not V.is_blank(v):
            t = V.compact(v)
            return any(t.startswith(w) for w in _TOTAL_WORDS)
    return False


_NOTE = re.compile(r"^(?:填表|制表|审核|审批|负责|联系|经办|注|说明|备注|单位|日期)[^:：]{0,6}[:：]")


def _is_note(row: list, name_cols: list[int], id_cols: list[int]) -> bool:
    """Signature lines, notes and a header repeated for printing: no person in them."""
    if any(type(v) is str and _NOTE.match(V.compact(v)) for v in row if v):
        return True
    names = [row[c] for c in name_cols if not V.is_blank(row[c])]
    if any(type(v) is str and (":" in v or "：" in v) for v in names):
        return True
    if any(norm_header(v) in SYNONYMS and SYNONYMS[norm_header(v)] in ("name", "head_name") for v in names):
        return True   # the header again (printed on every page)
    return not names and not any(any(ch.isdigit() for ch in V.compact(row[c])) for c in id_cols)


def drafts(grid: Grid, layout: Layout) -> list[Draft]:
    """The households of the sheet, in order, each with the cells of its rows."""
    hh_cols = {c: m for c, m in layout.columns.items() if BY_KEY[m.key].level != MEMBER}
    mem_cols = {c: m for c, m in layout.columns.items() if BY_KEY[m.key].level == MEMBER}
    name_cols = [c for c, m in layout.columns.items() if m.key in ("name", "head_name")]
    id_cols = [c for c, m in layout.columns.items() if m.key in ("id_number", "head_id")]
    skipped = {"hidden": 0, "blank": 0, "total": 0, "note": 0}
    out: list[Draft] = []
    by_key: dict[str, Draft] = {}
    current: Draft | None = None
    width = max((c for c in layout.columns), default=0) + 1
    for r in range(layout.first_data_row, len(grid.rows)):
        row = grid.rows[r]
        if len(row) < width:
            row = row + [""] * (width - len(row))
        if r in grid.hidden:
            skipped["hidden"] += 1
            continue
        if all(v is None or v == "" or V.is_blank(v) for v in row):
            skipped["blank"] += 1
            continue
        if _is_total(row):
            skipped["total"] += 1
            continue
        if _is_note(row, name_cols, id_cols):
            skipped["note"] += 1
            continue
        hh_cells = {m.key: Cell(r, c, row[c]) for c, m in hh_cols.items() if not V.is_blank(row[c])}
        if layout.wide:
            d = Draft([r], dict(hh_cells))
            slots: dict[int | None, dict[str, Cell]] = {}
            for c, m in mem_cols.items():
                if not V.is_blank(row[c]):
                    slots.setdefault(m.slot, {})[m.key] = Cell(r, c, row[c])
            for slot in sorted(slots, key=lambda s: -1 if s is None else s):
                d.people.append(PersonRow(r, slots[slot]))
            out.append(d)
            continue
        person = PersonRow(r, {m.key: Cell(r, c, row[c]) for c, m in mem_cols.items() if not V.is_blank(row[c])},
                           {k: v for k, v in hh_cells.items() if k in ("head_name", "head_id")})
        rel = V.compact(person.cells["relation"].value) if "relation" in person.cells else ""
        key_cell = hh_cells.get(layout.group_by) if layout.group_by else None
        key = V.compact(key_cell.value).upper() if key_cell else None
        if key is not None:
            d = by_key.get(key)
            if d is None:
                d = by_key[key] = Draft([])
                out.append(d)
        elif rel in HEAD_RELATIONS or current is None:
            d = Draft([])
            out.append(d)
            if rel not in HEAD_RELATIONS:
                d.problems.append((r, layout.col_of("relation"), "这一行是家庭成员，但上面没有户主（与户主关系为“本人”）的行",
                                   "把本户户主的行放在成员前面，或补上户主行"))
        else:
            d = current
        current = d
        d.rows.append(r)
        for k, cell in hh_cells.items():
            d.fields.setdefault(k, cell)
        d.people.append(person)
    layout.skipped = {k: v for k, v in skipped.items() if v}
    return out
