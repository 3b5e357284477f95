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

HEAD_RELATIONS = {"本人", "户主", "户主本人", "本人（户主）", "本人(户主)", "户主（本人）", "户主(本人)"}
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
    slot_relation: dict[int, str] = field(default_factory=dict)   # member group -> relation its header names (配偶)
    context_type: str | None = None            # 保障类别 the title / sheet / file name states
    context_source: str = ""
    context_used: int = 0                      # households whose 保障类别 came from it
    single: bool = False                       # no 与户主关系 nor 户主 columns: each row is a household of one
    unused: list[str] = field(default_factory=list)                  # headers no column was taken from
    inferred: list[tuple[str, str]] = field(default_factory=list)    # (header, column) read from the header's words

    def notes(self) -> list[str]:
        """What the clerk should know about how the sheet was read (Chinese)."""
        out = []
        if self.inferred:
            out.append("按表头字面识别的列：" + "、".join(f"“{h}”作{t}" for h, t in self.inferred)
                       + "（不对时用 --mapping 映射文件指定）")
        if self.context_type and not self.has("type"):
            out.append(f"表中没有保障类别列，按“{self.context_source}”取“{self.context_type}”")
        elif self.context_type and self.context_used:
            out.append(f"保障类别只写了档次（如A类）的行，按“{self.context_source}”取“{self.context_type}”")
        if self.single:
            out.append("表中没有“与户主关系”列和户主列，每行按一户（本人）导入")
        if self.unused:
            out.append("没有导入的列：" + "、".join(f"“{h}”" for h in self.unused)
                       + "（需要时用 --mapping 映射文件指定对应的列）")
        return out

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
    skipped_cols = {c for c, m in cols.items() if m.key.startswith("_")}
    cols = {c: m for c, m in cols.items() if not m.key.startswith("_")}
    first_hh: dict[str, int] = {}
    for c in sorted(cols):
        m = cols[c]
        if BY_KEY[m.key].level != MEMBER:
            if m.key in first_hh:   # the same column twice: keep the more specific header (对象类型 over 类别)
                other = first_hh[m.key]
                if rank(m.key, _header_text(grid, band, c)) < rank(m.key, _header_text(grid, band, other)):
                    del cols[other]
                    first_hh[m.key] = c
                else:
                    del cols[c]
            else:
                first_hh[m.key] = c
    cols, wide, slot_relation, head_run = _member_slots(grid, band, cols)
    headers = []
    unused, inferred = [], []
    for c in range(max(len(grid.rows[r]) for r in band)):
        parts = [V.text(grid.rows[r][c]) for r in band if c < len(grid.rows[r]) and V.text(grid.rows[r][c])]
        parts = list(dict.fromkeys(parts))
        if parts:
            headers.append("/".join(parts))
            if c not in cols and c not in skipped_cols:
                unused.append(parts[-1])
            elif c in cols and cols[c].inferred:
                inferred.append((parts[-1], BY_KEY[cols[c].key].title))
    keys = {m.key for m in cols.values()}
    group_by = next((k for k in ("case_no", "head_id", "head_name") if k in keys), None) if not wide else None
    layout = Layout(band, cols, wide, group_by, headers, slot_relation=slot_relation,
                    unused=list(dict.fromkeys(unused)), inferred=list(dict.fromkeys(inferred)))
    layout.context_type, layout.context_source = _context_type(grid, band)
    layout.single = (not wide and not keys & {"relation", "head_name", "head_id"})
    _check_required(grid, layout, mapping)
    return layout


_RELATION_GROUPS = {"配偶": "配偶", "妻子": "妻", "妻": "妻", "丈夫": "夫", "夫": "夫", "父亲": "父亲", "母亲": "母亲",
                    "儿子": "子", "女儿": "女", "子女": "子女", "子": "子", "女": "女", "孙子女": "孙子女", "父母": "父母"}
_DIGITS = re.compile(r"[0-9一二三四五六七八九十]+")


def _group_texts(grid: Grid, band: tuple[int, ...]) -> dict[int, str]:
    """The group header over each column of a two-row header ('' where the column has none)."""
    if len(band) < 2:
        return {}
    top, low = grid.rows[band[0]], grid.rows[band[1]]
    out = {}
    for c in range(len(top)):
        g = norm_header(V.text(top[c]))
        h = norm_header(V.text(low[c])) if c < len(low) else ""
        out[c] = g if h and g != h else ""
    return out


def _member_slots(grid: Grid, band: tuple[int, ...], cols: dict[int, Mapped]):
    """Which member each member column belongs to.  Left to right, a new member starts where a
    column repeats one of the current member's, where a numbered group changes (成员1 -> 成员2)
    or where a new group header begins (户主 … | 配偶 … | 子女1 …).  A run of member columns with no
    姓名 right after the 户主姓名 column (户主姓名 | 身份证号码 | 配偶 …) is the head's own.
    Several members per row: one row per household.  Returns (columns, wide, slot -> relation
    implied by its group header (配偶), the head's own columns)."""
    groups = _group_texts(grid, band)
    mem = [c for c in sorted(cols) if BY_KEY[cols[c].key].level == MEMBER]
    explicit = any(cols[c].slot is not None for c in mem)
    runs: list[list[int]] = []
    keys: set[str] = set()
    group = number = None
    for c in mem:
        m, g = cols[c], groups.get(c, "")
        new_group = bool(g) and g != group
        if not runs or m.key in keys or new_group or (m.slot is not None and m.slot != number):
            runs.append([])
            keys = set()
        runs[-1].append(c)
        keys.add(m.key)
        group = g or group
        number = m.slot if m.slot is not None else number
    head_cols = [c for c, m in cols.items() if m.key == "head_name"]
    head_run: list[int] = []
    merged_runs: list[list[int]] = []
    for i, run in enumerate(runs):
        if any(cols[c].key == "name" for c in run):
            merged_runs.append(run)
        elif i == 0 and head_cols and head_cols[0] < run[0]:
            head_run = run
        elif merged_runs and not {cols[c].key for c in run} & {cols[c].key for c in merged_runs[-1]}:
            merged_runs[-1].extend(run)        # columns after a member's group (性别 after 家庭成员 …)
        else:
            merged_runs.append(run)
    for i in range(len(merged_runs) - 1, 0, -1):   # a leading run without 姓名: joins the next member
        if not any(cols[c].key == "name" for c in merged_runs[i - 1]) and \
                not {cols[c].key for c in merged_runs[i - 1]} & {cols[c].key for c in merged_runs[i]}:
            merged_runs[i] = merged_runs[i - 1] + merged_runs[i]
            del merged_runs[i - 1]
    named = [r for r in merged_runs if any(cols[c].key == "name" for c in r)]
    wide = len(named) > 1 or explicit or (not named and not mem and bool(head_cols))
    if not mem and head_cols:
        wide = True
    out: dict[int, Mapped] = {c: m for c, m in cols.items() if BY_KEY[m.key].level != MEMBER}
    slot_relation: dict[int, str] = {}
    for c in head_run:
        m = cols[c]
        if wide:
            out[c] = Mapped(m.key, -1, m.inferred)
        elif m.key == "id_number":
            out[c] = Mapped("head_id", None, m.inferred)      # 户主姓名 | 身份证号码 | 家庭成员(姓名 | 关系 | 身份证号)
    for i, run in enumerate(merged_runs):
        for c in run:
            out[c] = Mapped(cols[c].key, i if wide else None, cols[c].inferred)
        if wide and not any(cols[c].key == "relation" for c in run):
            g = next((groups.get(c, "") for c in run if groups.get(c, "")), "")
            rel = _RELATION_GROUPS.get(_DIGITS.sub("", g).removeprefix("家庭成员").removeprefix("成员"))
            if rel:
                slot_relation[i] = rel
    return out, wide, slot_relation, head_run


def _context_type(grid: Grid, band: tuple[int, ...]) -> tuple[str | None, str]:
    """The kind of assistance a whole roster is about, from its title rows, else its sheet name,
    else its file name (“城关镇农村低保对象花名册”): used where the roster has no 保障类别 column or
    the column holds only grades (A类/B类)."""
    title = [V.text(v) for r in range(band[0]) for v in grid.rows[r] if type(v) is str and v.strip()]
    for texts in (title, [grid.sheet], [grid.path.stem]):
        found = {t: x for x in texts if (t := V.household_type(x))}
        if len(found) == 1:
            t, src = next(iter(found.items()))
            return t, src
        if len(found) > 1:
            return None, ""
    return None, ""


def _header_text(grid: Grid, band: tuple[int, ...], c: int) -> str:
    texts = [V.text(grid.rows[r][c]) for r in band if c < len(grid.rows[r])]
    return next((t for t in reversed(texts) if t), "")


def _group_row(row: list) -> bool:
    """A row that can be the upper half of a two-row header (not a one-cell title)."""
    vals = {V.text(v) for v in row if not V.is_blank(v)}
    return len(vals) >= 2


def _check_required(grid: Grid, layout: Layout, mapping: Mapping) -> None:
    keys = {m.key for m in layout.columns.values()} | set(mapping.defaults)
    if layout.context_type:
        keys.add("type")
    need = [("name", ("name", "head_name")), ("id_number", ("id_number", "head_id")), ("village", ("village",)),
            ("type", ("type",))]
    if layout.wide and any(m.slot for m in layout.columns.values()) and \
            len(layout.slot_relation) < len({m.slot for m in layout.columns.values() if m.slot}):
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
# the characters V.compact (NFKC) turns into a colon or a text holding one: a cell without any of
# them cannot match _NOTE after compacting (：, the small and vertical forms ﹕ ︓, and ⩴)
_COLON_CHARS = frozenset(":\uff1a\ufe55\ufe13\u2a74")


def _is_note(row: list, name_cols: list[int], id_cols: list[int]) -> bool:
    """Signature lines, notes and a header repeated for printing: no person in them."""
    for v in row:   # every note has a colon: cells without one are not compacted and matched
        if type(v) is str and not _COLON_CHARS.isdisjoint(v) and _NOTE.match(V.compact(v)):
            return True
    names = [row[c] for c in name_cols if not V.is_blank(row[c])]
    for v in names:
        if type(v) is str and (":" in v or "：" in v):
            return True
        if SYNONYMS.get(norm_header(v)) in ("name", "head_name"):
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
            for slot in sorted(slots, key=lambda s: -2 if s is None else s):
                person = PersonRow(r, slots[slot])
                person.slot = slot      # type: ignore[attr-defined]
                d.people.append(person)
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
        elif rel in HEAD_RELATIONS or current is None or layout.single:
            d = Draft([])
            out.append(d)
            if rel not in HEAD_RELATIONS and not layout.single:
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
