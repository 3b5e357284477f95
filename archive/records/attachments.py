"""Scanned attachments of a household: listed in the record, or found by file naming.

Naming convention inside `scans/<对象编号>/` (sub-folders allowed):

    <材料类型>[_<限定>...].<jpg|jpeg|png|tif|tiff|pdf>

where each 限定 (qualifier) is one of
    a year              2024          (年度: 入户照片_2024_1.jpg, 核对报告_2024.pdf)
    a date              20240512      (日期)
    a member's name     张三          (身份证_张三.jpg, 残疾证_李四.pdf)
    a form id           fenxi-04      (签字表_fenxi-04_2023.pdf: the signed scan of that form)
    an event id         e3            (an `id` of one of the record's events)
    a sequence number   1, 2, 03      (several pages or photos of one kind)

Examples: 户口簿.jpg, 身份证_张三.jpg, 入户照片_2024_2.jpg, 签字表_fenxi-09.pdf.

Common other names of a material type are taken for it (SYNONYMS: 户口本.jpg is a 户口簿).
A second signed copy of a form filed by the inbox is named …_副本2.pdf: it is kept and
shown, but does not count as another signed form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from archive.fsutil import display_path, regular_file_problem, utf8_name
from archive.records.model import ATTACHMENT_TYPES, Household

VILLAGE_SCANS = "村级"   # scans/村级/<村>/: a village's own papers (公示照片_<开始日期>_<n>.jpg), shared by its households
NOTICE_PHOTO_RE = re.compile(r"^公示照片_(\d{4})-(\d{2})-(\d{2})(?:_\d{1,3})?$")   # stem of a village's notice photo
SCAN_EXTS = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf"}
FORM_ID_RE = re.compile(r"^[a-z]+-\d{2}$")
COPY_RE = re.compile(r"^副本(\d{1,2})$")

# other names clerks and scanners use for a material type (file names and page text)
SYNONYMS = {
    "户口本": "户口簿", "户籍簿": "户口簿", "户口": "户口簿",
    "身份证明": "身份证", "居民身份证": "身份证", "身份证复印件": "身份证",
    "残疾人证": "残疾证",
    "诊断证明": "疾病诊断证明", "诊断书": "疾病诊断证明", "病历": "疾病诊断证明",
    "医疗发票": "医疗费用票据", "医保结算单": "医疗费用票据", "住院发票": "医疗费用票据", "发票": "医疗费用票据",
    "学籍": "学籍证明", "在校证明": "学籍证明", "学费": "学费证明",
    "培训证明": "就业培训证明", "租房协议": "租房合同",
    "照片": "入户照片", "入户调查照片": "入户照片",
    "核对报告书": "核对报告", "经济状况核对报告": "核对报告",
    "护理协议": "照料护理协议", "评议记录": "民主评议记录",
    "存折": "银行卡", "银行存折": "银行卡", "花名册": "发放花名册",
}

# words on a page that tell its material type (the inbox's OCR proposals)
MATERIAL_KEYWORDS = {
    "户口簿": ("户口簿", "户口本", "常住人口登记卡", "户主页", "户别", "户号"),
    "身份证": ("居民身份证", "公民身份号码", "签发机关", "有效期限"),
    "残疾证": ("残疾人证", "残疾类别", "残疾等级", "残联"),
    "疾病诊断证明": ("诊断证明", "疾病诊断", "诊断书", "出院记录", "出院小结", "病历"),
    "医疗费用票据": ("医疗收费票据", "住院收费", "医保结算", "结算单", "发票"),
    "学籍证明": ("学籍", "在校证明", "就读"),
    "学费证明": ("学费", "缴费证明"),
    "就业培训证明": ("培训证明", "职业培训"),
    "租房合同": ("租房合同", "房屋租赁", "租赁合同"),
    "核对报告": ("核对报告", "经济状况信息核对", "核对结果"),
    "照料护理协议": ("照料护理协议", "护理协议"),
    "民主评议记录": ("民主评议",),
    "银行卡": ("银行卡", "存折", "储蓄卡", "借记卡", "UnionPay", "银联"),
    "发放花名册": ("花名册",),
}

DATE_RE = re.compile(r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")


@dataclass
class Scan:
    type: str
    path: Path               # absolute
    rel: str                 # relative to the workspace root (posix)
    member: str | None = None
    year: int | None = None
    event: str | None = None
    form: str | None = None
    date: object = None      # datetime.date | None
    title: str | None = None
    seq: int | None = None
    origin: str = "naming"   # record | naming
    copy: int | None = None  # 2, 3…: a further signed copy of a form already filed (…_副本2.pdf)

    def display_title(self) -> str:
        if self.title:
            return self.title
        t = self.type if self.type != "签字表" else "签字表"
        parts = [t]
        if self.member:
            parts.append(self.member)
        if self.year:
            parts.append(f"{self.year}年")
        if self.seq:
            parts.append(f"第{self.seq}份")
        return "（".join([parts[0], "，".join(parts[1:]) + "）"]) if len(parts) > 1 else parts[0]


def suggest_name(stem: str, ext: str) -> str | None:
    """A name under the rule guessed from a clerk's own name (身份证正面.jpg -> 身份证.jpg), or None."""
    for w in sorted([*ATTACHMENT_TYPES, *SYNONYMS], key=len, reverse=True):
        if w != "其他" and w in stem:
            return SYNONYMS.get(w, w) + ext.lower()
    return None


def household_scan_dir(scans_root: Path, case_no: str) -> Path:
    return scans_root / case_no


def parse_name(stem: str, hh: Household) -> dict | None:
    """Qualifiers of a file name, or None when the name does not follow the convention."""
    parts = re.split(r"[_＿]", stem)
    kind = SYNONYMS.get(parts[0], parts[0])
    if kind not in ATTACHMENT_TYPES:
        return None
    out: dict = {"type": kind}
    members = {m.name for m in hh.members} | {o.name for o in hh.obligors}
    event_ids = {e.id for e in hh.events if e.id}
    for q in parts[1:]:
        if not q:
            continue
        if re.fullmatch(r"(19|20)\d{2}", q):
            out["year"] = int(q)
        elif DATE_RE.fullmatch(q):
            import datetime as dt

            out["date"] = dt.date(int(q[:4]), int(q[4:6]), int(q[6:]))
            out.setdefault("year", out["date"].year)
        elif FORM_ID_RE.fullmatch(q):
            out["form"] = q
        elif q in event_ids:
            out["event"] = q
        elif COPY_RE.fullmatch(q):
            out["copy"] = int(COPY_RE.fullmatch(q).group(1))
        elif q in members:
            out["member"] = q
        elif re.fullmatch(r"\d{1,3}", q):
            out["seq"] = int(q)
        else:
            out.setdefault("unknown", []).append(q)
    return out


def collect(hh: Household, root: Path, scans_root: Path | None = None) -> tuple[list[Scan], list[str]]:
    """All attachments of a household and notes about files that could not be classified.

    Record-listed attachments come first; files in the household's scan folder that
    the record does not list are added by their names.  Paths that fail the record
    checks (outside the workspace, missing) are left out here: validate reports them.
    """
    from archive.records.load import attachment_path_problem

    root = Path(root)
    scans_root = scans_root or root / "scans"
    out: list[Scan] = []
    seen: set[str] = set()
    notes: list[str] = []
    for a in hh.attachments:
        if attachment_path_problem(a.path, root):
            continue
        full = (root / a.path).resolve()
        seen.add(str(full))
        out.append(Scan(type=a.type, path=full, rel=Path(a.path).as_posix(), member=a.member, year=a.year or (a.date.year if a.date else None),
                        event=a.event, form=a.form, date=a.date, title=a.title, origin="record"))
    folder = household_scan_dir(scans_root, hh.case_no)
    if folder.is_dir():
        for p in sorted(folder.rglob("*")):
            if p.name.startswith(".") or p.is_dir():
                continue
            if p.suffix.lower() not in SCAN_EXTS:
                notes.append(f"{_rel(p, root)}：不是扫描件格式（支持 jpg、png、tif、pdf），未归档")
                continue
            if not utf8_name(p):
                notes.append(f"{display_path(_rel(p, root))}：文件名不是 UTF-8 编码（可能来自旧系统或压缩包），未归档；"
                             "请重命名为中文文件名后重新运行")
                continue
            try:
                real = p.resolve(strict=True)
                real.relative_to(root.resolve())
            except (OSError, ValueError, RuntimeError):
                notes.append(f"{_rel(p, root)}：链接指向工作区之外或已失效，未归档")
                continue
            problem = regular_file_problem(real)
            if problem:
                notes.append(f"{_rel(p, root)}：{problem}，未归档")
                continue
            if _in_other_household(real, folder, scans_root):
                notes.append(f"{_rel(p, root)}：是指向另一户扫描件（{_rel(real, root.resolve())}）的链接，未归档；"
                             "每户的扫描件放在本户自己的目录里")
                continue
            if str(real) in seen:
                continue
            info = parse_name(p.stem, hh)
            if info is None:
                guess = suggest_name(p.stem, p.suffix)
                notes.append(f"{_rel(p, root)}：文件名不符合命名规则（应以材料类型开头，如 身份证_张三.jpg），未归档"
                             + (f"；可改名为 {guess}" if guess else "；或移入 inbox/ 由 dibao inbox 识别"))
                continue
            unknown = info.pop("unknown", None)
            if unknown:
                notes.append(f"{_rel(p, root)}：文件名中的“{'、'.join(unknown)}”无法识别（不是本户成员、年份、表单编号或事件编号）")
            seen.add(str(real))
            out.append(Scan(path=real, rel=_rel(p, root), **info))
    return out, notes


def _in_other_household(real: Path, folder: Path, scans_root: Path) -> bool:
    """real lies in the scans/ folder of another household (followed through a symlink)."""
    try:
        real.relative_to(Path(scans_root).resolve())
    except ValueError:
        return False
    try:
        real.relative_to(Path(folder).resolve())
        return False
    except ValueError:
        return True


def _rel(p: Path, root: Path) -> str:
    try:
        return p.relative_to(root).as_posix()
    except ValueError:
        return str(p)
