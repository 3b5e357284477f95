"""The record editor: form fields made from the record models, checked by `dibao validate`'s code.

Inputs are named by the record's JSON path (``members[0].phone``), the same path `dibao
validate` reports problems at, so each Chinese message is shown at its field.  A save:
  1. refuses a stale edit (the file's SHA-256 differs from the one the page was opened with);
  2. applies only the changed fields to the raw JSON (other content and order kept);
  3. checks the result with archive.records.load.load_record (the validate command's code) and
     refuses it when it has errors the record did not have before;
  4. writes atomically (archive.fsutil) and appends the change (who, fields, old -> new) to the
     workspace journal.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel

from archive.records import model as M

SECTIONS = {"household": "家庭基本信息", "members": "家庭成员", "incomes": "收入", "expenses": "刚性支出",
            "events": "业务事件"}
LIST_MODELS = {"members": M.Member, "incomes": M.Income, "expenses": M.Expense}
_EDIT_LOCK = threading.Lock()


@dataclass
class Input:
    name: str          # JSON path
    title: str
    kind: str          # text | int | money | date | bool | choice | names (a list of names, 、-separated)
    value: str
    choices: tuple = ()
    error: str = ""
    hint: str = ""


@dataclass
class Row:
    label: str
    inputs: list[Input]
    delete: str = ""                   # JSON path of the list item, offered for deletion
    new_type: tuple[str, str] | None = None   # (input name, event type) of a new event row


@dataclass
class Outcome:
    saved: bool
    message: str
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)   # path -> (message, hint)
    other_errors: list[str] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    stale: bool = False


def _kind(annotation) -> tuple[str, tuple] | None:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _kind(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _kind(rest[0]) if len(rest) == 1 else None
    if origin is typing.Literal:
        return "choice", typing.get_args(annotation)
    if origin is list:
        inner = _kind(typing.get_args(annotation)[0])
        return ("names", ()) if inner and inner[0] == "text" else None
    if annotation is bool:
        return "bool", ()
    if annotation is int:
        return "int", ()
    if annotation is Decimal:
        return "money", ()
    if annotation is dt.date:
        return "date", ()
    if annotation is str:
        return "text", ()
    return None


def scalar_fields(model: type[BaseModel]) -> list[tuple[str, str, str, tuple]]:
    out = []
    for name, info in model.model_fields.items():
        k = _kind(info.annotation)
        if k is None or name in ("schema_version",):
            continue
        out.append((name, info.title or name, k[0], k[1]))
    return out


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, list):
        return "、".join(str(x) for x in v)
    return str(v)


def _event_model(e: dict):
    t = e.get("type")
    for cls in typing.get_args(typing.get_args(M.Event)[0]):
        if t in typing.get_args(cls.model_fields["type"].annotation):
            return cls
    return None


def _inputs(model, prefix: str, data: dict, skip=()) -> list[Input]:
    return [Input(f"{prefix}{name}", title, kind, _text(data.get(name)), choices)
            for name, title, kind, choices in scalar_fields(model) if name not in skip]


def section_rows(data: dict, section: str, add_event: str | None = None) -> list[Row]:
    """The rows of one section: each row one object of the record (plus an empty one to add:
    a list item of the section's kind, or for events one of the type `add_event`)."""
    if section == "household":
        rows = [Row("", _inputs(M.Household, "", data, skip=("case_no",)))]
        addr = data.get("address") if isinstance(data.get("address"), dict) else {}
        rows.append(Row("地址", _inputs(M.Address, "address.", addr)))
        return rows
    items = data.get(section) or []
    rows = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        model = _event_model(item) if section == "events" else LIST_MODELS[section]
        if model is None:
            continue
        label = f"第 {i + 1} 项" + (f"：{item.get('type')} {item.get('date', '')}" if section == "events"
                                   else f"：{item.get('name') or item.get('item') or item.get('kind') or ''}")
        rows.append(Row(label, _inputs(model, f"{section}[{i}].", item, skip=("type",)), delete=f"{section}[{i}]"))
    if section in LIST_MODELS:
        rows.append(Row("新增一项（不填则不添加）", _inputs(LIST_MODELS[section], f"{section}[{len(items)}].", {})))
    elif section == "events" and add_event in M.EVENT_TYPES:
        model = _event_model({"type": add_event})
        rows.append(Row(f"新增事件：{add_event}（不填则不添加）",
                        _inputs(model, f"events[{len(items)}].", {}, skip=("type",)),
                        new_type=(f"events[{len(items)}].type", add_event)))
    return rows


_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(path: str) -> list:
    return [int(i) if i else n for n, i in _TOKEN.findall(path)]


def get_at(data, path: list):
    for p in path:
        try:
            data = data[p]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def set_at(data, path: list, value) -> None:
    node = data
    for p, nxt in zip(path, path[1:]):
        if isinstance(p, int):
            while len(node) <= p:
                node.append({})
            node = node[p]
        else:
            if not isinstance(node.get(p), (dict, list)):
                node[p] = [] if isinstance(nxt, int) else {}
            node = node[p]
    last = path[-1]
    if value is None:
        if isinstance(node, dict):
            node.pop(last, None)
    else:
        node[last] = value


def _convert(kind: str, text: str):
    text = text.strip()
    if text == "":
        return None
    if kind == "bool":
        return {"是": True, "否": False}.get(text, text)
    if kind == "names":
        return [x for x in re.split(r"[、，,；;\s]+", text) if x]
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            return text
    return text


def apply_form(data: dict, section: str, form: dict[str, str]) -> tuple[dict, list[dict]]:
    """A copy of data with the section's submitted fields applied, and the list of changes.

    A new row (list item or event) is added only when one of its fields is filled; an item whose
    `delete:<path>` box is ticked is removed."""
    import copy

    new = copy.deepcopy(data)
    changes = []
    items = data.get(section) if section in SECTIONS and section != "household" else None
    n = len(items) if isinstance(items, list) else 0
    new_type = form.get(f"events[{n}].type") if section == "events" else None
    rows = section_rows(data, section, add_event=new_type)
    deleted = sorted((int(parse_path(k[7:])[1]) for k in form if k.startswith("delete:")
                      and len(parse_path(k[7:])) == 2 and parse_path(k[7:])[0] == section
                      and isinstance(parse_path(k[7:])[1], int) and parse_path(k[7:])[1] < n), reverse=True)
    added = False
    for row in rows:
        if row.delete and int(parse_path(row.delete)[1]) in deleted:
            continue
        for inp in row.inputs:
            if inp.name not in form:
                continue
            path = parse_path(inp.name)
            old = get_at(data, path)
            value = _convert(inp.kind, form[inp.name])
            if _text(old) == _text(value):
                continue
            if section != "household" and path[1] == n:
                if value is None:
                    continue
                added = True
            set_at(new, path, value)
            changes.append({"field": inp.name, "old": _text(old), "new": _text(value)})
    if added and new_type:
        new["events"][n] = {"type": new_type, **new["events"][n]}
        changes.insert(0, {"field": f"events[{n}].type", "old": "", "new": new_type})
    for i in deleted:
        item = new[section][i]
        what = item.get("name") or item.get("item") or item.get("type") or item.get("kind") or ""
        changes.append({"field": f"{section}[{i}]", "old": f"{what} {item.get('date') or item.get('year') or ''}".strip(),
                        "new": "（删除）"})
        del new[section][i]
    return new, changes


def _check(ws, data: dict):
    from archive.records.load import load_record

    tmp_dir = ws.state_dir / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / f"edit-{os.getpid()}-{threading.get_ident()}.json"
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    try:
        return load_record(tmp, ws.root)
    finally:
        tmp.unlink(missing_ok=True)


def save(ws, path: Path, section: str, form: dict[str, str], loaded_hash: str, *, user: str,
         case_no: str, client: str) -> Outcome:
    from archive import journal
    from archive.fsutil import atomic_write_text
    from archive.web.data import file_hash

    with _EDIT_LOCK, ws.lock("records"):      # the lock a roster import holds while it writes records
        raw_bytes = path.read_bytes()
        import hashlib

        if hashlib.sha256(raw_bytes).hexdigest() != loaded_hash:
            return Outcome(False, "这户的记录在您打开页面之后已被别人（或别的程序）修改，为免覆盖那次修改，"
                                  "本次没有保存。请重新打开编辑页面，在最新内容上再改。", stale=True)
        data = json.loads(raw_bytes.decode("utf-8-sig"))
        new, changes = apply_form(data, section, form)
        if not changes:
            return Outcome(False, "没有改动，未保存。")
        before = _check(ws, data)
        after = _check(ws, new)
        old_errs = {(p.field, p.message) for p in before.problems if p.severity == "error"}
        new_errs = [p for p in after.problems if p.severity == "error" and (p.field, p.message) not in old_errs]
        if new_errs or after.household is None:
            names = {c["field"] for c in changes} | {inp.name for r in section_rows(
                data, section, add_event=form.get(f"events[{len(data.get('events') or [])}].type"))
                for inp in r.inputs}
            out = Outcome(False, "有错误，未保存（记录没有改动）。请按提示改正后再保存。")
            for p in new_errs:
                from archive.ids import redact_ids

                if p.field in names:
                    out.errors[p.field] = (redact_ids(p.message), p.hint)
                else:
                    out.other_errors.append(redact_ids(f"{p.field or '记录'}：{p.message}（{p.hint}）"))
            return out
        atomic_write_text(path, json.dumps(new, ensure_ascii=False, indent=2) + "\n")
        journal.append(ws.state_dir, "edit", user=user, household=case_no,
                       detail={"file": path.relative_to(ws.root).as_posix(), "section": section,
                               "changes": changes, "client": client, "sha256": file_hash(path)})
        return Outcome(True, f"已保存（{len(changes)} 处改动）。", changes=changes)
