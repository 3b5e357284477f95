"""Files in scans/ that no household's naming rule files (reported by build and audit, never ignored).

A file is unrecognised when it lies directly in scans/, in a folder that is no household's
对象编号, or in a household folder under a name the naming rule (archive/records/
attachments.py) does not read, such as Scan0001.pdf or IMG_20240305_101522.jpg.  Each comes
with the name that would file it when one can be guessed from the name (身份证正面.jpg ->
身份证.jpg), else with the rule itself and the advice to let `dibao inbox` read it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

RULE = "材料类型[_成员姓名][_年度][_序号].扩展名，如 身份证_张三.jpg、户口簿.jpg、签字表_fenxi-04_e2.pdf"
INBOX_HINT = "或移入 inbox/ 后运行 dibao inbox（印有页码的表自动归档，其余给出建议）"


@dataclass
class Unrecognised:
    rel: str            # workspace-relative path
    why: str
    fix: str

    def line(self) -> str:
        return f"{self.rel}：{self.why}；{self.fix}"


def fix_for(stem: str, ext: str, folder_hint: str = "") -> str:
    from archive.records.attachments import suggest_name

    guess = suggest_name(stem, ext)
    if guess:
        return f"可改名为 {folder_hint}{guess}（命名规则：{RULE}）"
    return f"按命名规则改名：{RULE}；{INBOX_HINT}"


def _households(ws) -> list:
    """The workspace's households as the model reads them, without the record checks (build runs
    this after every build, a no-op too: checking every record cost ~1.3 ms a household, the model
    alone ~0.4 ms).  A record the model cannot read is left out, as load_households leaves it out."""
    from archive.errors import InputError
    from archive.records.model import Household

    out = []
    for p in ws.record_paths():
        try:
            raw = ws.read_record(p)
            out.append(Household.model_validate_json(raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw))
        except (OSError, InputError, ValueError):
            continue
    return out


def find(ws, households=None) -> list[Unrecognised]:
    """Every unrecognised file under scans/ (hidden files skipped), sorted by path."""
    from archive.records.attachments import NOTICE_PHOTO_RE, SCAN_EXTS, VILLAGE_SCANS, parse_name

    scans = Path(ws.scans_dir)
    if not scans.is_dir():
        return []
    if households is None:
        households = _households(ws)
    by_case = {h.case_no: h for h in households}
    listed = {os.path.normpath(str(Path(ws.root) / a.path)) for h in households for a in h.attachments}
    out: list[Unrecognised] = []
    for dirpath, dirnames, filenames in os.walk(scans):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        here = Path(dirpath)
        rel_dir = here.relative_to(scans).parts
        hh = by_case.get(rel_dir[0]) if rel_dir else None
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = here / name
            if os.path.normpath(str(path)) in listed:
                continue
            rel = path.relative_to(ws.root).as_posix()
            stem, ext = os.path.splitext(name)
            shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            if shown != rel:   # a name written in another encoding (GBK from an old Windows share)
                out.append(Unrecognised(shown, "文件名不是 UTF-8 编码，无法读取", "在电脑上重新命名（按命名规则）后放回"))
                continue
            if rel_dir and rel_dir[0] == VILLAGE_SCANS:   # a village's own papers: its 公示照片
                if not (len(rel_dir) == 2 and ext.lower() in SCAN_EXTS and NOTICE_PHOTO_RE.match(stem)):
                    out.append(Unrecognised(rel, f"{VILLAGE_SCANS}文件夹只放各村的公示照片",
                                            f"命名为 公示照片_<公示开始日期>_<序号>{ext or '.jpg'}（如 公示照片_2024-05-12_1.jpg），"
                                            f"放在 scans/{VILLAGE_SCANS}/<村名>/ 下"))
            elif not rel_dir:
                out.append(Unrecognised(rel, "不在任何家庭的文件夹中",
                                        f"放进 scans/<对象编号>/ 并{fix_for(stem, ext)}；{INBOX_HINT}"))
            elif hh is None:
                out.append(Unrecognised(rel, f"文件夹“{rel_dir[0]}”不是任何家庭的对象编号",
                                        f"移到该户的 scans/<对象编号>/ 下；{INBOX_HINT}"))
            elif ext.lower() not in SCAN_EXTS:
                out.append(Unrecognised(rel, "不是扫描件格式", "另存为 jpg、png、tif 或 pdf"))
            elif parse_name(stem, hh) is None:
                out.append(Unrecognised(rel, "文件名不符合命名规则", fix_for(stem, ext, f"scans/{hh.case_no}/")))
    return out


def report_lines(items: list[Unrecognised], limit: int = 20) -> list[str]:
    if not items:
        return []
    lines = [f"未识别的文件（{len(items)} 个，不会进入卷宗，也不算补齐）："]
    lines += [f"  {u.line()}" for u in items[:limit]]
    if len(items) > limit:
        lines.append(f"  ……另有 {len(items) - limit} 个")
    return lines
