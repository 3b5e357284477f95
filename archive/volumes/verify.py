"""`dibao verify`: fixity check of the built archive.

Every output listed in the manifests (volumes) and in build-summary.json (box lists,
town summary) is hashed again and compared with the recorded sha256; so is every
source the manifests record (household record, scans, templates, configuration).
Files under the output folder that no manifest knows are reported as unknown
(a temporary file left by an interrupted build is named as such).  Nothing is
written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import ConfigError
from archive.fsutil import TMP_PREFIX, sha256_file, sha256_regular
from archive.volumes.manifest import (MANIFEST_NAME, OUT_MARKER, SUMMARY_NAME, Manifest, find_manifests, rel_to,
                                      scan_folder_files, template_key)

KIND_TEXT = {
    "changed": "输出文件已被改动（与生成时的校验值不符）",
    "missing": "输出文件缺失",
    "unknown": "输出目录中有清单之外的文件",
    "temp": "中断的生成留下的临时文件（重新运行 dibao build 会清理）",
    "source_changed": "源文件在上次生成之后被改动（请先核实是谁、为何改动；核实无误再重新生成，不要用重新生成来掩盖来历不明的改动）",
    "source_missing": "源文件已不存在",
    "source_new": "新增的扫描件尚未归档（重新运行 dibao build）",
    "template_changed": "表单模板在生成后有改动",
    "config_changed": "工作区配置 dibao.toml 在生成后有改动",
    "household_missing": "整户卷宗目录不见了（固定性链中有这一户）",
    "manifest_changed": "清单 manifest.json 与固定性链中记录的不一致（清单被改写，可能连同源文件一起被改动）",
    "manifest_unrecorded": "这一户的清单不在固定性链中（不是由 dibao build 写入的）",
    "chain_broken": "工作区日志（固定性链）被改动",
    "chain_missing": "没有找到这些卷宗的固定性链（工作区日志被删除，或卷宗由旧版本生成：核实后运行一次 dibao build 建立）",
    "historical_changed": "用 dibao index add 加入的历史档案文件已被改动",
    "historical_missing": "用 dibao index add 加入的历史档案文件已不在原处",
    "historical_unrecorded": "历史档案登记中有固定性链之外的条目（登记文件被改写）",
    "historical_dropped": "固定性链中的历史档案已从登记中删除",
}


@dataclass
class Finding:
    kind: str
    path: str
    case_no: str | None = None
    detail: str = ""     # what changed, when it can be told

    def render(self) -> str:
        who = f"[{self.case_no}] " if self.case_no else ""
        more = f"\n    {self.detail}" if self.detail else ""
        return f"{who}{KIND_TEXT.get(self.kind, self.kind)}：{self.path}{more}"


@dataclass
class VerifyReport:
    out: Path
    households: int = 0
    outputs_checked: int = 0
    sources_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    root_hash: str = ""

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict:
        return {"out": str(self.out), "households": self.households, "outputs_checked": self.outputs_checked,
                "sources_checked": self.sources_checked, "ok": self.ok, "root_hash": self.root_hash,
                "findings": [{"kind": f.kind, "path": f.path, "case_no": f.case_no, "message": KIND_TEXT.get(f.kind, f.kind),
                              "detail": f.detail} for f in self.findings]}

    def summary(self) -> str:
        head = (f"核对了 {self.households} 户的 {self.outputs_checked} 个输出文件和 {self.sources_checked} 个源文件")
        root = f"\n工作区根校验值（可写在移交清单上）：{self.root_hash}" if self.root_hash else ""
        if self.ok:
            return head + "：全部与清单一致，固定性链完整。" + root
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.kind] = counts.get(f.kind, 0) + 1
        parts = "，".join(f"{KIND_TEXT[k].split('（')[0]} {n} 个" for k, n in counts.items())
        return head + f"：发现 {len(self.findings)} 处不一致（{parts}）。" + root


def _check(path: Path, sha: str | None) -> str | None:
    """None when the file has the recorded hash, else 'missing' or 'changed'."""
    if not path.is_file():
        return "missing"
    digest = sha256_regular(path)   # a FIFO put in a file's place never blocks the check
    if digest is None:
        return "missing"
    return None if digest == sha else "changed"


def verify(ws, out: Path | None = None, sources: bool = True) -> VerifyReport:
    out = Path(out).resolve() if out else ws.output_dir
    if not out.is_dir():
        raise ConfigError("没有找到已生成的卷宗目录", path=out, hint="先运行 dibao build；如果卷宗在别处，用 --out 指定")
    rep = VerifyReport(out=out)
    known: set[Path] = {out / SUMMARY_NAME, out / OUT_MARKER}
    manifests = find_manifests(out)
    _check_chain(ws, out, manifests, rep)
    for case, found in sorted(manifests.items()):
        for folder, m in found:
            rep.households += 1
            known.add(folder / MANIFEST_NAME)
            for v in m.volumes:
                p = folder / v.file
                known.add(p)
                rep.outputs_checked += 1
                bad = _check(p, v.sha256)
                if bad:
                    rep.findings.append(Finding(bad, rel_to(p, out), case))
            if sources:
                _check_sources(ws, m, case, rep)
    try:
        state = json.loads((out / SUMMARY_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        state = {}
    generated = list((state.get("boxes") or {}).values()) + ([state["summary"]] if state.get("summary") else [])
    for rec in generated:
        p = out / rec["file"]
        known.add(p)
        rep.outputs_checked += 1
        bad = _check(p, rec.get("sha256"))
        if bad:
            rep.findings.append(Finding(bad, rec["file"]))
    once: set[tuple[str, str]] = set()
    kept = []
    for f in rep.findings:  # a changed template or configuration concerns every household: say it once
        if f.kind in ("template_changed", "config_changed"):
            if (f.kind, f.path) in once:
                continue
            once.add((f.kind, f.path))
            f.case_no = None
        kept.append(f)
    rep.findings = kept
    for p in sorted(out.rglob("*")):
        if p.is_file() and p not in known:
            rep.findings.append(Finding("temp" if p.name.startswith(TMP_PREFIX) else "unknown", rel_to(p, out)))
    return rep


def _check_chain(ws, out: Path, manifests: dict, rep: VerifyReport) -> None:
    """The manifests and `index add` files against the fixity entries of the journal."""
    from archive import journal
    from archive.volumes import fixity

    exp = fixity.expected(ws.state_dir, fixity.out_key(ws, out))
    rep.root_hash = exp.root
    jpath = rel_to(journal.journal_path(ws.state_dir), ws.root)
    if exp.broken is not None:
        rep.findings.append(Finding("chain_broken", f"{jpath} 第{exp.broken.line}行", detail=exp.broken.reason))
    current = {rel_to(folder, out): (case, folder) for case, found in manifests.items() for folder, _ in found}
    if not exp.chained and current:
        rep.findings.append(Finding("chain_missing", jpath))
    elif exp.chained:
        for rel, sha in sorted(exp.manifests.items()):
            if rel not in current:
                rep.findings.append(Finding("household_missing", rel, rel.rsplit("/", 1)[-1].split("_", 1)[0]))
            elif fixity.manifest_sha(current[rel][1]) != sha:
                rep.findings.append(Finding("manifest_changed", f"{rel}/{MANIFEST_NAME}", current[rel][0]))
        for rel, (case, _folder) in sorted(current.items()):
            if rel not in exp.manifests:
                rep.findings.append(Finding("manifest_unrecorded", f"{rel}/{MANIFEST_NAME}", case))
    _check_historical(ws, exp, rep)


def _check_historical(ws, exp, rep: VerifyReport) -> None:
    from archive.redact import unseal

    registry_path = ws.state_dir / "historical.json"
    try:
        files = json.loads(registry_path.read_text("utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        files = {}
    if not files and not exp.historical:
        return
    try:
        key = bytes.fromhex((ws.state_dir / "index.key").read_text().strip())
    except (OSError, ValueError):
        key = b""
    for digest, entry in sorted(files.items()):
        stored = str((entry or {}).get("path", ""))
        path = Path(unseal(stored, key)) if key or not stored.startswith("enc:") else None
        shown = f"历史档案 {digest[:12]}" if stored.startswith("enc:") else stored
        rep.sources_checked += 1
        if digest not in exp.historical:
            rep.findings.append(Finding("historical_unrecorded", shown))
        if path is None or not path.is_file():
            rep.findings.append(Finding("historical_missing", shown))
        elif sha256_file(path) != digest:
            rep.findings.append(Finding("historical_changed", shown))
    for digest in sorted(exp.historical - set(files)):
        rep.findings.append(Finding("historical_dropped", f"历史档案 {digest[:12]}"))


def _what_changed(path: Path, built_at: str | None, recorded: dict | None = None) -> str:
    """What can be told about a changed source: when it was changed, its size then and now."""
    import datetime as dt

    try:
        st = path.stat()
    except OSError:
        return ""
    when = dt.datetime.fromtimestamp(st.st_mtime).astimezone().strftime("%Y-%m-%d %H:%M")
    parts = [f"文件修改于 {when}"]
    if built_at:
        parts.append(f"卷宗生成于 {built_at[:16].replace('T', ' ')}")
    if recorded and recorded.get("size", -1) >= 0 and recorded.get("size") != st.st_size:
        parts.append(f"大小 {recorded['size']} → {st.st_size} 字节")
    return "；".join(parts)


def _record_changes(path: Path, m: dict) -> str:
    """Fields of the household summary in the manifest that differ in the record now."""
    from archive.errors import InputError
    from archive.fsutil import read_regular
    from archive.records.load import MAX_RECORD_BYTES
    from archive.volumes.build import _quick

    try:
        q = _quick(read_regular(path, limit=MAX_RECORD_BYTES, what="家庭记录")) or {}
    except (OSError, InputError):
        return ""
    hh = m.get("household") or {}
    names = {"case_no": "对象编号", "head": "户主", "village": "村（社区）"}
    diffs = [f"{names[k]}：{hh.get(k)} → {q.get(k)}" for k in names if q and hh.get(k) != q.get(k)]
    return "；".join(diffs)


def _check_sources(ws, m: Manifest, case: str, rep: VerifyReport) -> None:
    inputs = m.get("inputs") or {}
    root = ws.root
    rec = inputs.record
    if rec is not None and rec.path:
        rep.sources_checked += 1
        bad = _check(root / rec.path, rec.sha256)
        if bad:
            detail = "；".join(x for x in (_what_changed(root / rec["path"], m.get("built_at")),
                                          _record_changes(root / rec["path"], m)) if x) if bad == "changed" else ""
            rep.findings.append(Finding("source_" + bad, rec["path"], case, detail))
    recorded = {f["path"]: f for f in inputs.get("files") or []}
    for path, f in recorded.items():
        if f.get("sha256") in ("unreadable", "not-a-regular-file"):   # never filed, never read
            continue
        rep.sources_checked += 1
        bad = _check(root / path, f.sha256)
        if bad:
            detail = _what_changed(root / path, m.get("built_at"), f) if bad == "changed" else ""
            rep.findings.append(Finding("source_" + bad, path, case, detail))
    folder = ws.scans_dir / case
    for p in scan_folder_files(folder):
        rel = rel_to(p, root)
        if rel not in recorded:
            rep.findings.append(Finding("source_new", rel, case))
    for form_id, sha in inputs.templates.items():
        try:
            now = template_key(form_id)
        except Exception:  # noqa: BLE001 - a template that no longer exists counts as changed
            now = None
        if now != sha:
            rep.findings.append(Finding("template_changed", form_id, case))
    if inputs.config and inputs.config != ws.config.sha256:
        rep.findings.append(Finding("config_changed", "dibao.toml", case))
