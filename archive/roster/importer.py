"""Importing a roster (台账/花名册) into a workspace.

read (read.py) -> find the layout (layout.py) -> each household's cells into a record dict, every
bad cell a row problem in Chinese -> the record checked as `dibao validate` checks it -> matched
with the workspace (same 对象编号, else same 户主 ID number): updated (the roster's fields replace
the record's, fields the roster does not have are kept) or added with a case number from the
profile's pattern -> written atomically, one journal entry for the import.  A household with any
problem row is not written; the rows are named in `<name>.检查结果.xlsx`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from archive import ids
from archive.records.model import HOUSEHOLD_TYPES, Household
from archive.roster import values as V
from archive.roster.columns import Mapping
from archive.roster.layout import HEAD_RELATIONS, Cell, Draft, Layout, detect, drafts
from archive.roster.read import Grid, read_grid

HEALTH = {"健康": "健康", "良好": "健康", "正常": "健康", "一般": "健康", "慢性病": "慢性病", "患病": "慢性病",
          "重病": "重病", "大病": "重病", "重大疾病": "重病", "残疾": "残疾", "残": "残疾", "体弱": "体弱", "年老体弱": "体弱"}
HUKOU = {"农业": "农业", "农村": "农业", "农业户口": "农业", "非农业": "非农业", "非农": "非农业", "城镇": "非农业",
         "非农业户口": "非农业", "居民": "居民", "居民户口": "居民"}
CARE = {"分散供养": "分散供养", "分散": "分散供养", "集中供养": "集中供养", "集中": "集中供养"}
SELF_CARE = {"全自理": "全自理", "自理": "全自理", "半护理": "半护理", "半自理": "半护理", "全护理": "全护理", "不能自理": "全护理", "全失能": "全护理"}
_MEMBER_FIELD_KEY = {"name": "name", "sex": "sex", "id_number": "id_number", "birth_date": "birth_date",
                     "relation": "relation", "ethnicity": "ethnicity", "health": "health", "covered": "covered"}
_HH_FIELD_KEY = {"case_no": "case_no", "town": "town", "village": "village", "group": "group", "type": "type",
                 "phone": "phone", "since": "since", "hukou_type": "hukou_type", "reason": "reason", "notes": "notes",
                 "monthly_amount": "monthly_amount", "bank_account": "card", "address": "residence",
                 "extreme_poverty": "care_mode", "members": "name"}


@dataclass
class RowProblem:
    row: int                # 0-based sheet row
    col: int | None
    what: str
    fix: str

    def text(self) -> str:
        return f"{self.what}（{self.fix}）"


@dataclass
class Parsed:
    """One household of the roster: its record dict (JSON-ready, roster fields only) or its problems."""

    draft: Draft
    record: dict | None
    problems: list[RowProblem]
    cols: dict[str, int] = field(default_factory=dict)

    @property
    def first_row(self) -> int:
        return min(self.draft.rows) if self.draft.rows else 0


@dataclass
class Outcome:
    grid: Grid
    layout: Layout
    parsed: list[Parsed]
    added: list[tuple[str, str, Path]] = field(default_factory=list)        # case_no, head name, path
    updated: list[tuple[str, str, Path, list[str]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    check_path: Path | None = None

    @property
    def problems(self) -> list[RowProblem]:
        return sorted((p for x in self.parsed for p in x.problems), key=lambda p: (p.row, p.col or 0))

    @property
    def bad(self) -> list[Parsed]:
        return [x for x in self.parsed if x.problems]


# ------------------------------------------------------------------ one household

class _Builder:
    def __init__(self, layout: Layout, mapping: Mapping, town: str):
        self.layout, self.mapping, self.town = layout, mapping, town

    def value(self, key: str, raw):
        spell = self.mapping.values.get(key)
        if spell and isinstance(raw, str) and raw.strip() in spell:
            return spell[raw.strip()]
        return raw

    def build(self, d: Draft) -> Parsed:
        probs = [RowProblem(r, c, w, f) for r, c, w, f in d.problems]
        head_row = d.people[0].row if d.people else (d.rows[0] if d.rows else 0)

        def bad(cell: Cell | None, what: str, fix: str, row: int | None = None):
            probs.append(RowProblem(cell.row if cell else (row if row is not None else head_row),
                                    cell.col if cell else None, what, fix))

        f = d.fields
        rec: dict = {"schema_version": 1}

        def get(key: str):
            cell = f.get(key)
            if cell is not None:
                return cell, self.value(key, cell.value)
            if key in self.mapping.defaults:
                return None, self.mapping.defaults[key]
            return None, None

        cell, v = get("case_no")
        if not V.is_blank(v):
            rec["case_no"] = V.compact(v)
        cell, v = get("town")
        rec["town"] = V.text(v) if not V.is_blank(v) else self.town
        cell, v = get("village")
        if V.is_blank(v):
            bad(cell, "村（社区）为空", "填写本户所在的村（社区）")
        else:
            rec["village"] = V.village(v)
        cell, v = get("group")
        if not V.is_blank(v):
            rec["group"] = V.text(v)
        cell, v = get("type")
        ctx = self.layout.context_type
        if (V.is_blank(v) or V.is_grade(V.compact(v))) and ctx:
            rec["type"] = ctx      # the title (or sheet, or file name) says which; the column holds grades only
            self.layout.context_used += 1
        elif V.is_blank(v):
            bad(cell, "保障类别为空", f"填写 {'、'.join(HOUSEHOLD_TYPES)} 之一")
        elif V.is_grade(V.compact(v)):
            bad(cell, f"保障类别“{V.text(v)}”是分类施保的档次，不是保障类别",
                f"加一列“保障类别”写 {'、'.join(HOUSEHOLD_TYPES)} 之一；全表同一类别时可在映射文件 [defaults] 下写 "
                "\"保障类别\" = \"农村低保\"，或在标题中写明（如“××镇农村低保花名册”）")
        else:
            t = self._type(V.compact(v))
            if t is None:
                bad(cell, f"保障类别“{V.text(v)}”看不懂", f"改为 {'、'.join(HOUSEHOLD_TYPES)} 之一；"
                    "全表写法统一时可在映射文件 [values.保障类别] 下写 \"原写法\" = \"农村低保\"")
            else:
                rec["type"] = t
        for key, target, table, what in (("hukou_type", "hukou_type", HUKOU, "户籍性质"),):
            cell, v = get(key)
            if not V.is_blank(v):
                t = table.get(V.compact(v))
                if t is None:
                    bad(cell, f"{what}“{V.text(v)}”看不懂", "写 农业、非农业 或 居民")
                else:
                    rec[target] = t
        for key in ("phone", "reason", "notes"):
            cell, v = get(key)
            if not V.is_blank(v):
                rec[key] = V.text(v)
        cell, v = get("since")
        d_, p = V.date(v, "享受时间")
        if p:
            bad(cell, *p)
        elif d_:
            rec["since"] = d_.isoformat()
        cell, v = get("monthly_amount")
        m_, p = V.money(v, "月保障金")
        if p:
            bad(cell, *p)
        elif m_ is not None:
            rec["monthly_amount"] = str(m_)
        addr = {}
        for key in ("residence", "registered"):
            cell, v = get(key)
            if not V.is_blank(v):
                addr[key] = V.text(v)
        if addr:
            rec["address"] = addr
        ccell, cv = get("card")
        card, p = V.card_number(cv)
        if p:
            bad(ccell, *p)
        bcell, bv = get("bank")
        hcell, hv = get("holder")
        if card:
            if V.is_blank(bv):
                bad(bcell or ccell, "有银行卡号但没有开户银行", "填写开户银行")
            else:
                acct = {"bank": V.text(bv), "card_number": card}
                if not V.is_blank(hv):
                    acct["holder"] = V.name(hv)
                rec["bank_account"] = acct
        cell, v = get("care_mode")
        if not V.is_blank(v):
            mode = CARE.get(V.compact(v))
            scell, sv = get("self_care")
            sc = SELF_CARE.get(V.compact(sv)) if not V.is_blank(sv) else None
            if mode is None:
                bad(cell, f"供养方式“{V.text(v)}”看不懂", "写 分散供养 或 集中供养")
            elif sc is None:
                bad(scell or cell, "有供养方式但生活自理能力为空或看不懂", "写 全自理、半护理 或 全护理")
            else:
                rec["extreme_poverty"] = {"care_mode": mode, "self_care": sc}

        members, rows_of, cols_of = self._members(d, bad)
        heads = [i for i, m in enumerate(members) if m.get("relation") == "本人"]
        if len(heads) > 1:
            for i in heads[1:]:
                bad(None, "同一户有两个户主（与户主关系为“本人”）", "每户只能有一个“本人”；核对这一行的与户主关系或户主列",
                    row=rows_of[i])
        head = members[heads[0]] if heads else None
        # a member row whose 户主 columns do not match the household's head
        for pr, (i, m) in zip(d.people, enumerate(members)):
            for key, cell in pr.heads.items():
                if head is None:
                    break
                if key == "head_name" and V.name(cell.value) != head.get("name"):
                    bad(cell, f"户主姓名写的是“{V.name(cell.value)}”，但本户的户主（“本人”那一行）是“{head.get('name')}”",
                        "核对这一行属于哪一户：改正户主姓名，或把这一行移到它的户主下面")
                elif key == "head_id":
                    hid, p = V.id_number(cell.value, "户主身份证号")
                    if hid and head.get("id_number") and hid != head.get("id_number"):
                        bad(cell, "户主身份证号与本户户主（“本人”那一行）的身份证号不一致",
                            "核对这一行属于哪一户：改正户主身份证号，或把这一行移到它的户主下面")
        if head is None and members:
            name = V.name(f["head_name"].value) if "head_name" in f else ""
            who = f"户主“{name}”" if name else "户主"
            for r in sorted(set(rows_of)):
                bad(None, f"本户找不到{who}的行（没有与户主关系为“本人”的成员）",
                    "核对户主姓名/身份证号是否与户主本人那一行一致，或补上户主行", row=r)
        cell, v = get("covered_count")
        n, p = V.integer(v, "保障人数")
        if p:
            bad(cell, *p)
        has_cov = any("covered" in m for m in members)
        if n is not None and not has_cov:
            if n != len(members):
                bad(cell, f"保障人数{n}与本户列出的成员数{len(members)}不一致",
                    "核对保障人数；只有部分成员享受保障时，加一列“是否保障对象”逐人写是或否")
        elif n is not None and has_cov:
            k = sum(1 for m in members if m.get("covered", True))
            if k != n:
                bad(cell, f"保障人数{n}与“是否保障对象”为“是”的人数{k}不一致", "核对保障人数和每人的是否保障对象")
        rec["members"] = members
        parsed = Parsed(d, None if probs else rec, probs)
        parsed.rows_of = rows_of  # type: ignore[attr-defined]
        parsed.cols_of = cols_of  # type: ignore[attr-defined]
        return parsed

    def _type(self, s: str) -> str | None:
        t = V.household_type(s, exact=True)
        return t if t in HOUSEHOLD_TYPES else None

    def _members(self, d: Draft, bad):
        out, rows_of, cols_of = [], [], []
        people = list(d.people)
        f = d.fields
        if self.layout.wide and "head_name" in f:
            from archive.roster.layout import PersonRow

            own = next((p for p in people if getattr(p, "slot", None) == -1), None)   # the head's own columns
            if own is not None:
                people.remove(own)
            hn = V.name(f["head_name"].value)
            if not any(V.name(p.cells["name"].value) == hn for p in people if "name" in p.cells):
                cells = dict(own.cells) if own else {}
                cells["name"] = f["head_name"]
                cells["relation"] = Cell(f["head_name"].row, None, "本人")
                if "head_id" in f and "id_number" not in cells:
                    cells["id_number"] = f["head_id"]
                people.insert(0, PersonRow(f["head_name"].row, cells))
            else:
                for p in people:
                    if "name" in p.cells and V.name(p.cells["name"].value) == hn and "relation" not in p.cells:
                        p.cells["relation"] = Cell(p.row, None, "本人")
        if self.layout.slot_relation:
            for p in people:
                rel = self.layout.slot_relation.get(getattr(p, "slot", None))
                if rel and "relation" not in p.cells:
                    p.cells["relation"] = Cell(p.row, None, rel)
        for p in people:
            c = p.cells
            m: dict = {}
            nm = V.name(c["name"].value) if "name" in c else ""
            if not nm:
                bad(c.get("id_number"), "姓名为空", "填写成员姓名", row=p.row)
                continue
            m["name"] = nm
            rel = V.text(self.value("relation", c["relation"].value)) if "relation" in c else ""
            rel = rel.replace(" ", "")
            if not rel and self.layout.single and len(people) == 1:
                rel = "本人"     # no 与户主关系 nor 户主 columns: a household of one (特困 rosters)
            if not rel and not self.layout.has("relation"):
                # no 与户主关系 column: the row whose name (and ID) is the 户主 column's is the head
                heads = p.heads or {k: v for k, v in f.items() if k in ("head_name", "head_id")}
                hn = V.name(heads["head_name"].value) if "head_name" in heads else None
                hid = V.compact(heads["head_id"].value).upper() if "head_id" in heads else None
                mid = V.compact(c["id_number"].value).upper() if "id_number" in c else None
                if (hid and mid == hid) or (not hid and hn == nm):
                    rel = "本人"
                else:
                    bad(None, f"成员“{nm}”不是户主，但表中没有“与户主关系”列", "加一列“与户主关系”，逐人写配偶、子、女等",
                        row=p.row)
            if not rel:
                bad(None, f"成员“{nm}”的与户主关系为空", "填写与户主关系（户主本人写“本人”）", row=p.row)
            m["relation"] = "本人" if rel in HEAD_RELATIONS else rel
            idc = c.get("id_number")
            idn, prob = V.id_number(idc.value if idc else None,
                                    "户主身份证号" if idc is not None and idc is f.get("head_id") else "身份证号")
            if prob:
                bad(idc, prob[0], prob[1])
            elif idn:
                m["id_number"] = idn
                if rel == "子女" and "relation" in c and c["relation"].col is None:
                    m["relation"] = "子" if ids.sex(idn) == "男" else "女"   # a 子女 column group: the ID says which
            sex = V.compact(c["sex"].value) if "sex" in c else ""
            if sex in ("男", "女"):
                m["sex"] = sex
                if idn and ids.sex(idn) != sex:
                    bad(c["sex"], f"性别“{sex}”与身份证号第17位表示的“{ids.sex(idn)}”不一致", "对照身份证原件改正性别或身份证号")
            elif sex:
                bad(c["sex"], f"性别“{V.text(c['sex'].value)}”看不懂", "写“男”或“女”")
            elif idn:
                m["sex"] = ids.sex(idn)
            elif not prob:
                bad(c.get("sex"), f"成员“{nm}”没有身份证号，也没有性别", "补充身份证号（或至少补充性别和出生日期）", row=p.row)
            bc = c.get("birth_date")
            bd, bp = V.date(bc.value if bc else None, "出生日期")
            born = ids.birth_date(idn) if idn else None
            if bp and born and (born.year, born.month) in V.year_month_choices(bc.value):
                bd, bp = born.replace(day=1), None      # 1990.1 (Excel's number for 1990.10): the ID says which
            if bp:
                bad(bc, *bp)
            elif bd:
                if bd > dt.date.today():
                    bad(bc, f"出生日期 {bd.isoformat()} 在今天之后", "核对年份")
                elif idn and bd.day == 1 and (lambda b: b is not None and (b.year, b.month) == (bd.year, bd.month))(
                        ids.birth_date(idn)):
                    pass    # 出生年月 (year and month only) agreeing with the ID: the ID gives the day
                elif idn and ids.birth_date(idn) != bd:
                    bad(bc, f"出生日期 {bd.isoformat()} 与身份证号中的出生日期不一致", "对照身份证原件改正出生日期或身份证号")
                else:
                    m["birth_date"] = bd.isoformat()
            if not idn and not bd and not prob and not bp:
                bad(idc, f"成员“{nm}”的身份证号为空", "补充18位身份证号（还没有身份证号的儿童至少填出生日期和性别）", row=p.row)
            if "ethnicity" in c:
                m["ethnicity"] = V.text(c["ethnicity"].value)
            if "health" in c:
                h = HEALTH.get(V.compact(c["health"].value))
                if h is None:
                    bad(c["health"], f"健康状况“{V.text(c['health'].value)}”看不懂", "写 健康、慢性病、重病、残疾 或 体弱")
                else:
                    m["health"] = h
            if "covered" in c:
                b, bp2 = V.boolean(c["covered"].value, "是否保障对象")
                if bp2:
                    bad(c["covered"], *bp2)
                else:
                    m["covered"] = b
            out.append(m)
            rows_of.append(p.row)
            cols_of.append({k: cell.col for k, cell in c.items()})
        if out and not any("covered" in m for m in out):
            pass
        return out, rows_of, cols_of


def _check_record(parsed: Parsed, today: dt.date) -> None:
    """The record as `dibao validate` sees it: model errors and record checks become row problems."""
    from pydantic import ValidationError

    from archive.records.load import _translate, check_household

    rec = parsed.record
    rows_of = getattr(parsed, "rows_of", [])
    cols_of = getattr(parsed, "cols_of", [])

    def place(loc) -> tuple[int, int | None]:
        loc = [x for x in loc]
        if len(loc) >= 2 and loc[0] == "members" and isinstance(loc[1], int) and loc[1] < len(rows_of):
            i = loc[1]
            key = loc[2] if len(loc) > 2 else None
            return rows_of[i], cols_of[i].get(key) if key else None
        key = _HH_FIELD_KEY.get(str(loc[0])) if loc else None
        cell = parsed.draft.fields.get(key) if key else None
        return (cell.row, cell.col) if cell else (parsed.first_row, None)

    probe = dict(rec)
    probe.setdefault("case_no", "X")
    try:
        hh = Household.model_validate(probe)
    except ValidationError as exc:
        for err in exc.errors():
            what, fix = _translate(err)
            r, c = place(err["loc"])
            parsed.problems.append(RowProblem(r, c, what, fix))
        parsed.record = None
        return
    for p in check_household(hh, "", None, today):
        if p.severity != "error":
            continue
        loc = _split(p.field or "")
        r, c = place(loc)
        parsed.problems.append(RowProblem(r, c, ids.redact_ids(p.message), p.hint or ""))
    if parsed.problems:
        parsed.record = None


def _split(path: str) -> list:
    out: list = []
    for part in path.replace("]", "").split("."):
        if "[" in part:
            a, b = part.split("[", 1)
            out.extend([a, int(b)] if b.isdigit() else [a, b])
        elif part:
            out.append(part)
    return out


def parse_roster(path: Path, mapping: Mapping, town: str, sheet: str | None = None,
                 today: dt.date | None = None) -> tuple[Grid, Layout, list[Parsed]]:
    grid = read_grid(path, sheet)
    layout = detect(grid, mapping)
    builder = _Builder(layout, mapping, town)
    out = []
    for d in drafts(grid, layout):
        p = builder.build(d)
        if p.record is not None:
            _check_record(p, today or dt.date.today())
        out.append(p)
    _cross_household_ids(out)
    return grid, layout, out


def _cross_household_ids(parsed: list[Parsed]) -> None:
    """One person listed in two households of the roster: the later row is a problem (not guessed)."""
    seen: dict[str, tuple[int, int]] = {}
    for p in parsed:
        if p.record is None:
            continue
        rows_of, cols_of = getattr(p, "rows_of", []), getattr(p, "cols_of", [])
        for i, m in enumerate(p.record["members"]):
            idn = m.get("id_number")
            if not idn:
                continue
            if idn in seen and seen[idn][1] != id(p):
                p.problems.append(RowProblem(rows_of[i], cols_of[i].get("id_number"),
                                             f"身份证号与第{seen[idn][0] + 1}行的成员重复（同一人不能在两户）",
                                             "核对两行的身份证号，或把此人只留在实际共同生活的那一户"))
            else:
                seen.setdefault(idn, (rows_of[i], id(p)))
        if p.problems:
            p.record = None


# ------------------------------------------------------------------ into the workspace

def run_import(ws, path: Path, *, mapping: Mapping, sheet: str | None = None, dry_run: bool = False,
               today: dt.date | None = None) -> Outcome:
    from archive import journal
    from archive.roster import store
    from archive.roster.check import check_path, write_check_workbook

    path = Path(path)
    grid, layout, parsed = parse_roster(path, mapping, ws.config.town, sheet, today)
    out = Outcome(grid, layout, parsed)
    existing = store.index_workspace(ws)
    numbers = store.CaseNumbers(case_pattern(ws.config), existing.case_nos)
    writes: list[tuple[Path, dict]] = []
    seen_cases: dict[str, Parsed] = {}
    this_year = (today or dt.date.today()).year
    for p in parsed:
        if p.record is None:
            continue
        rec = p.record
        head = next(m for m in rec["members"] if m["relation"] == "本人")
        target = None
        if rec.get("case_no"):
            target = existing.by_case.get(rec["case_no"])
        if target is None and head.get("id_number"):
            target = existing.by_head_id.get(head["id_number"])
        elsewhere = [(i, existing.by_member_id[m["id_number"]]) for i, m in enumerate(rec["members"])
                     if m.get("id_number") in existing.by_member_id and existing.by_member_id[m["id_number"]] != target]
        if elsewhere:
            rows_of, cols_of = getattr(p, "rows_of", []), getattr(p, "cols_of", [])
            for i, other in elsewhere:
                case = existing.data.get(other, {}).get("case_no", other.stem)
                p.problems.append(RowProblem(rows_of[i], cols_of[i].get("id_number"),
                                             f"此人已在工作区的另一户（对象编号{case}）中，同一人不能在两户",
                                             "核对身份证号；此人确已分户或迁入本户时，先在原来那一户的记录中删去此人"))
            p.record = None
            continue
        key = rec.get("case_no") or head.get("id_number") or ""
        if key and key in seen_cases:
            p.problems.append(RowProblem(p.first_row, None, "与本表前面的一户重复（对象编号或户主身份证号相同）",
                                         f"核对第{seen_cases[key].first_row + 1}行起的那一户，同一户只保留一次"))
            p.record = None
            continue
        if key:
            seen_cases[key] = p
        if target is not None:
            old = existing.data.get(target, {})
            if "case_no" not in rec and old.get("case_no"):
                rec["case_no"] = old["case_no"]
            merged = store.merge(old, rec)
            try:
                Household.model_validate(merged)
            except Exception:  # noqa: BLE001 - the old record has a problem the roster does not fix
                p.problems.append(RowProblem(p.first_row, None, "工作区里这一户的原记录有错误，合并后仍不合格",
                                             f"先运行 dibao validate {target.name} 改正原记录，再导入"))
                p.record = None
                continue
            changes = store.changed_fields(old, merged)
            if changes:
                out.updated.append((merged["case_no"], head["name"], target, changes))
                writes.append((target, merged))
            else:
                out.unchanged.append(merged["case_no"])
        else:
            if "case_no" not in rec:
                year = int(rec["since"][:4]) if rec.get("since") else this_year
                rec["case_no"] = numbers.make(year, rec.get("village", ""))
            else:
                numbers.taken.add(rec["case_no"])
            rec = {k: rec[k] for k in store.KEY_ORDER if k in rec}
            p.record = rec
            dest = store.record_path(ws, rec)
            out.added.append((rec["case_no"], head["name"], dest))
            writes.append((dest, rec))
    if out.problems:
        out.check_path = check_path(path)
        if not dry_run:
            write_check_workbook(path, grid.sheet, grid.rows, layout.header_rows[-1], out.problems)
    if not dry_run:
        with ws.lock("records"):
            store.write_records(writes)
            journal.append(ws.state_dir, "import", detail={
                "file": path.name, "sheet": grid.sheet, "added": len(out.added), "updated": len(out.updated),
                "unchanged": len(out.unchanged), "problem_rows": len({p.row for p in out.problems}),
                "households": [c for c, *_ in out.added] + [c for c, *_ in out.updated]})
    return out


def case_pattern(config) -> str:
    """[roster] case_no in dibao.toml, else the profile's, else DB-{年}-{序号:04}."""
    from archive.roster.store import DEFAULT_CASE_PATTERN

    pat = config.roster.case_no
    if pat:
        return str(pat)
    try:
        import tomllib

        from archive.config import profile_text

        return tomllib.loads(profile_text(config.profile)).get("roster", {}).get("case_no") or DEFAULT_CASE_PATTERN
    except Exception:  # noqa: BLE001 - a custom profile has no built-in pattern
        return DEFAULT_CASE_PATTERN
