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

SECTIONS = {"household": "家庭基本信息", "members": "家庭成员", "obligors": "赡养义务人", "incomes": "收入",
            "expenses": "刚性支出", "property": "家庭财产", "support": "特困·发放账户·近亲属备案",
            "events": "业务事件", "payments": "发放记录", "attachments": "扫描件登记"}
LIST_MODELS = {"members": M.Member, "obligors": M.Obligor, "incomes": M.Income, "expenses": M.Expense,
               "payments": M.Payment, "attachments": M.Attachment}
# sections made of objects of the record (not lists): (field, model)
OBJECT_SECTIONS = {"property": (("property", M.Property),),
                   "support": (("extreme_poverty", M.ExtremePoverty), ("bank_account", M.BankAccount),
                               ("official_relative", M.OfficialRelative))}
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


def _unwrap(annotation):
    """The type inside Annotated[...] and Optional[...]; None for a union of several types."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return None
            annotation = rest[0]
        else:
            return annotation


def _kind(annotation) -> tuple[str, tuple] | None:
    annotation = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "choice", typing.get_args(annotation)
    if origin is list:
        inner = _kind(typing.get_args(annotation)[0])
        if inner and inner[0] in ("text", "int"):
            return ("names" if inner[0] == "text" else "ints"), ()
        return None
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


def _nested(annotation) -> tuple[str, type[BaseModel]] | None:
    """("one", Model) for a field holding one object, ("many", Model) for a list of objects."""
    annotation = _unwrap(annotation)
    if typing.get_origin(annotation) is list:
        inner = typing.get_args(annotation)[0]
        return ("many", inner) if isinstance(inner, type) and issubclass(inner, BaseModel) else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "one", annotation
    return None


def _item_label(item: dict) -> str:
    return str(item.get("name") or item.get("item") or item.get("kind") or item.get("address")
               or item.get("owner") or item.get("month") or item.get("type") or "")


def model_rows(model, prefix: str, data: dict, label: str, *, delete: str = "", skip=()) -> list[Row]:
    """One row for the object's own fields, then rows for the objects inside it (one object: its
    fields; a list of objects: each item, deletable, and an empty one to add)."""
    data = data if isinstance(data, dict) else {}
    rows = [Row(label, _inputs(model, prefix, data, skip=skip), delete=delete)]
    for name, info in model.model_fields.items():
        sub = _nested(info.annotation)
        if sub is None or name in skip:
            continue
        how, cls = sub
        title = f"{label} · {info.title or name}" if label else (info.title or name)
        if how == "one":
            rows += model_rows(cls, f"{prefix}{name}.", data.get(name), title)
            continue
        items = data.get(name) if isinstance(data.get(name), list) else []
        for j, item in enumerate(items):
            if isinstance(item, dict):
                rows += model_rows(cls, f"{prefix}{name}[{j}].", item, f"{title} 第 {j + 1} 项：{_item_label(item)}",
                                   delete=f"{prefix}{name}[{j}]")
        rows += model_rows(cls, f"{prefix}{name}[{len(items)}].", {}, f"{title}：新增一项（不填则不添加）")
    return [r for r in rows if r.inputs or r.delete]


def section_rows(data: dict, section: str, add_event: str | None = None) -> list[Row]:
    """The rows of one section: each row one object of the record (plus an empty one to add:
    a list item of the section's kind, or for events one of the type `add_event`)."""
    if section == "household":
        return ([Row("", _inputs(M.Household, "", data, skip=("case_no",)))]
                + model_rows(M.Address, "address.", data.get("address"), "地址")
                + model_rows(M.Housing, "housing.", data.get("housing"), "住房"))
    if section in OBJECT_SECTIONS:
        rows = []
        for name, model in OBJECT_SECTIONS[section]:
            rows += model_rows(model, f"{name}.", data.get(name), M.Household.model_fields[name].title or name)
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
                                   else f"：{_item_label(item)}")
        rows += model_rows(model, f"{section}[{i}].", item, label, delete=f"{section}[{i}]",
                           skip=("type",) if section == "events" else ())
    if section in LIST_MODELS:
        rows += model_rows(LIST_MODELS[section], f"{section}[{len(items)}].", {}, "新增一项（不填则不添加）")
    elif section == "events" and add_event in M.EVENT_TYPES:
        model = _event_model({"type": add_event})
        new = model_rows(model, f"events[{len(items)}].", {}, f"新增事件：{add_event}（不填则不添加）", skip=("type",))
        new[0].new_type = (f"events[{len(items)}].type", add_event)
        rows += new
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
    if kind in ("names", "ints"):
        parts = [x for x in re.split(r"[、，,；;\s]+", text) if x]
        return [int(x) if kind == "ints" and x.isdigit() else x for x in parts]
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            return text
    return text


def _prune(new: dict, path: list) -> None:
    """Objects left empty by a change (every field of 残疾 or 发放账户 cleared) are removed, not kept as {}."""
    for k in range(len(path) - 1, 0, -1):
        parent, key = get_at(new, path[:k - 1]), path[k - 1]
        node = get_at(new, path[:k])
        if isinstance(node, dict) and not node and isinstance(parent, dict) and isinstance(key, str):
            parent.pop(key, None)
        else:
            break


def apply_form(data: dict, section: str, form: dict[str, str]) -> tuple[dict, list[dict]]:
    """A copy of data with the section's submitted fields applied, and the list of changes.

    A new row (list item or event) is added only when one of its fields is filled; an item whose
    `delete:<path>` box is ticked is removed (any list item the section shows, nested ones too)."""
    import copy

    new = copy.deepcopy(data)
    changes = []
    items = data.get(section) if section in LIST_MODELS or section == "events" else None
    n = len(items) if isinstance(items, list) else 0
    new_type = form.get(f"events[{n}].type") if section == "events" else None
    rows = section_rows(data, section, add_event=new_type)
    offered = {r.delete for r in rows if r.delete}
    deleted = [p for p in offered if f"delete:{p}" in form]
    gone = tuple(p + "." for p in deleted)
    added = False
    for row in rows:
        for inp in row.inputs:
            if inp.name not in form or inp.name.startswith(gone):
                continue
            path = parse_path(inp.name)
            old = get_at(data, path)
            value = _convert(inp.kind, form[inp.name])
            if _text(old) == _text(value):
                continue
            if section == "events" and path[1] == n:
                added = True
            set_at(new, path, value)
            if value is None:
                _prune(new, path)
            changes.append({"field": inp.name, "old": _text(old), "new": _text(value)})
    if added and new_type:
        new["events"][n] = {"type": new_type, **new["events"][n]}
        changes.insert(0, {"field": f"events[{n}].type", "old": "", "new": new_type})
    # later items first, so the earlier paths stay right
    for p in sorted(deleted, key=lambda p: [(0, x) if isinstance(x, int) else (1, x) for x in parse_path(p)],
                    reverse=True):
        path = parse_path(p)
        parent, item = get_at(new, path[:-1]), get_at(new, path)
        if not isinstance(parent, list) or not isinstance(item, dict):
            continue
        what = _item_label(item)
        changes.append({"field": p, "old": f"{what} {item.get('date') or item.get('year') or ''}".strip(),
                        "new": "（删除）"})
        del parent[path[-1]]
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
