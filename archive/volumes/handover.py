"""`dibao handover`: a BagIt package an archive can receive, and `dibao verify --package` to check one.

The package (BagIt 1.0, written and validated with the Library of Congress `bagit` library):

    bagit.txt, bag-info.txt          移交单位, 接收单位, 移交日期, counts, the root hash
    manifest-sha256.txt              every payload file's SHA-256
    tagmanifest-sha256.txt           the tag files' SHA-256 (bag-info, manifest, 移交清单 …)
    移交清单.pdf                      the list to sign on paper: every 案卷 (档号, 题名, 页数) and
                                     the root hash, in full and as a QR code
    data/volumes/<村>/<对象编号>_<户主>/<类别>.pdf     the volumes (PDF/A-2b)
    data/boxes/<村>/盒内目录_*.pdf, 案卷脊背.pdf       box lists and spine labels
    data/metadata/<对象编号>.xml                      per household (and <村代码>-GS.xml per village for its
                                                    publicity volumes): the GB/T 18894 core elements of
                                                    each volume (档号, 题名, 责任者, 日期, 保管期限,
                                                    密级, 页数, 格式, 校验值)
    data/schema/dibao-archive-metadata.xsd          the schema of those files

Root hash: the SHA-256 of manifest-sha256.txt, i.e. of the list of every payload file's hash, so
the one value on the signed paper list fixes every byte of the payload.  The 移交清单 is a tag
file (it cannot be inside the payload whose hash it prints) and is covered by the tagmanifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import DibaoError, InputError, OutputError
from archive.fsutil import sha256_file

NS = "urn:dibao:archive-metadata:1"
SCHEMA_NAME = "dibao-archive-metadata.xsd"
LIST_NAME = "移交清单.pdf"
ROOT_HASH_KEY = "Payload-Manifest-SHA256"

XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- dibao 案卷元数据：GB/T 18894-2016 电子文件归档与电子档案管理规范的核心元数据
     （档号、题名、责任者、日期、保管期限、密级、页数、格式、校验值），一户一个文件。 -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{NS}" xmlns="{NS}"
           elementFormDefault="qualified">
  <xs:simpleType name="日期8">
    <xs:restriction base="xs:string"><xs:pattern value="(\\d{{8}})?"/></xs:restriction>
  </xs:simpleType>
  <xs:complexType name="校验值类型">
    <xs:simpleContent>
      <xs:extension base="xs:string">
        <xs:attribute name="算法" type="xs:string" use="required"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>
  <xs:complexType name="案卷类型">
    <xs:sequence>
      <xs:element name="档号" type="xs:string"/>
      <xs:element name="题名" type="xs:string"/>
      <xs:element name="责任者" type="xs:string"/>
      <xs:element name="日期">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="起始日期" type="日期8"/>
            <xs:element name="终止日期" type="日期8"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="保管期限" type="xs:string"/>
      <xs:element name="密级" type="xs:string"/>
      <xs:element name="件数" type="xs:nonNegativeInteger"/>
      <xs:element name="页数" type="xs:nonNegativeInteger"/>
      <xs:element name="格式" type="xs:string"/>
      <xs:element name="校验值" type="校验值类型"/>
      <xs:element name="类别" type="xs:string"/>
      <xs:element name="文件路径" type="xs:string"/>
      <xs:element name="互见号" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence>
  </xs:complexType>
  <xs:element name="案卷元数据">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="全宗号" type="xs:string"/>
        <xs:element name="立卷单位" type="xs:string"/>
        <xs:element name="对象编号" type="xs:string"/>
        <xs:element name="户主" type="xs:string"/>
        <xs:element name="村社区" type="xs:string"/>
        <xs:element name="对象类型" type="xs:string"/>
        <xs:element name="案卷" type="案卷类型" maxOccurs="unbounded"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


@dataclass
class HandoverReport:
    package: Path
    volumes: int = 0
    households: int = 0
    pages: int = 0
    root_hash: str = ""
    skipped: list[str] = field(default_factory=list)   # households left out (damaged output), with the reason


def _d8(text: str | None) -> str:
    return text.replace("-", "") if text else ""


def metadata_xml(fonds: str, unit: str, household: dict, volumes: list[dict]) -> bytes:
    """The metadata XML of one household (volumes: manifest entries with 'path' and 'sha256' in the package)."""
    from lxml import etree

    E = lambda tag: etree.QName(NS, tag)  # noqa: E731
    root = etree.Element(E("案卷元数据"), nsmap={None: NS})

    def sub(parent, tag, text="", **attrs):
        el = etree.SubElement(parent, E(tag), **attrs)
        el.text = str(text)
        return el

    sub(root, "全宗号", fonds)
    sub(root, "立卷单位", unit)
    sub(root, "对象编号", household["case_no"])
    sub(root, "户主", household["head"])
    sub(root, "村社区", household["village"])
    sub(root, "对象类型", household.get("type", ""))
    for v in volumes:
        vol = sub(root, "案卷")
        sub(vol, "档号", v.get("number", ""))
        sub(vol, "题名", v.get("title", ""))
        sub(vol, "责任者", v.get("unit") or unit)
        date = sub(vol, "日期")
        sub(date, "起始日期", _d8(v.get("first_date")))
        sub(date, "终止日期", _d8(v.get("last_date")))
        sub(vol, "保管期限", v.get("retention", ""))
        sub(vol, "密级", v.get("secrecy", ""))
        sub(vol, "件数", int(v.get("items", 0)))
        sub(vol, "页数", int(v.get("document_pages", 0)))
        sub(vol, "格式", v.get("format") or "PDF/A-2b")
        sub(vol, "校验值", v["sha256"], 算法="SHA-256")
        sub(vol, "类别", v.get("category", ""))
        sub(vol, "文件路径", v["path"])
        for ref in v.get("cross_refs") or []:
            sub(vol, "互见号", ref)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _schema():
    from lxml import etree

    return etree.XMLSchema(etree.fromstring(XSD.encode("utf-8")))


@dataclass
class _Volume:
    src: Path
    rel: str          # path inside data/
    entry: dict


def _collect(out: Path, village: str | None, since: dt.date | None) -> tuple[list[tuple[dict, list[_Volume]]], list, list[str]]:
    """Households (manifest household, volumes), village volumes and box files to hand over."""
    from archive.volumes.manifest import manifest_paths, read_manifest

    households, skipped = [], []
    for mpath in manifest_paths(out):
        m = read_manifest(mpath)
        if m is None:
            skipped.append(f"{mpath.parent.name}：manifest.json 无法读取")
            continue
        h = m.household.model_dump()
        if village and h.get("village") != village:
            continue
        vols = [v.model_dump(exclude_none=True) for v in m.volumes]
        if since is not None:
            last = max((v.get("last_date") or "" for v in vols), default="")
            if not last or last < since.isoformat():
                continue
        folder = mpath.parent
        items = []
        bad = None
        for v in vols:
            src = folder / v["file"]
            if not src.is_file() or sha256_file(src) != v.get("sha256"):
                bad = f"{folder.name}/{v['file']} 与生成时的校验值不符或已缺失（先运行 dibao verify、dibao build）"
                break
            rel = f"volumes/{folder.parent.name}/{folder.name}/{v['file']}"
            items.append(_Volume(src, rel, v))
        if bad:
            skipped.append(bad)
            continue
        households.append((h, items))
    return households, skipped


def _box_files(out: Path, villages: set[str]) -> list[tuple[Path, str]]:
    found = []
    for v in sorted(villages):
        folder = out / v
        for p in sorted(folder.glob("盒内目录_*.pdf")) + sorted(folder.glob("案卷脊背.pdf")):
            found.append((p, f"boxes/{v}/{p.name}"))
    return found


def _village_volumes(out: Path, villages: set[str]) -> list[tuple[Path, str, dict]]:
    """Village publicity volumes (archive/volumes/village.py), as build-summary.json lists them."""
    from archive.volumes.manifest import SUMMARY_NAME

    try:
        state = json.loads((out / SUMMARY_NAME).read_text("utf-8")).get("villages") or {}
    except (OSError, ValueError, AttributeError):
        return []
    found = []
    for v in sorted(villages):
        for vol in (state.get(v) or {}).get("volumes") or []:
            src = out / vol["file"]
            if src.is_file() and sha256_file(src) == vol.get("sha256"):
                found.append((src, f"volumes/{vol['file']}", vol))
    return found


def handover(ws, dest: Path, village: str | None = None, since: dt.date | None = None, out: Path | None = None,
             today: dt.date | None = None) -> HandoverReport:
    """Write the BagIt package at dest (a new or empty folder)."""
    import bagit

    from archive.volumes.archival import archival_of

    cfg = ws.config
    out = Path(out) if out else ws.output_dir
    today = today or dt.date.today()
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise OutputError("移交包目录不是空的，没有覆盖", path=dest, hint="换一个新的目录名，或先把旧的移交包移走")
    if not out.is_dir():
        raise InputError("还没有生成卷宗", path=out, hint="先运行 dibao build")
    households, skipped = _collect(out, village, since)
    if not households:
        what = f"“{village}”的" if village else ""
        raise InputError(f"没有可移交的{what}卷宗" + (f"（{since.isoformat()} 以后）" if since else ""), path=out,
                         hint="检查 --village、--since，或先运行 dibao build")
    arch = archival_of(cfg)
    unit, receiver = arch.unit(cfg), arch.receiver(cfg)
    villages = {h["village"] for h, _ in households}
    tmp = dest.with_name(f".{dest.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    data = tmp  # bagit moves the folder's files into data/ when it makes the bag
    rep = HandoverReport(package=dest)
    listing: list[tuple[str, str, int]] = []   # (档号, 题名, 页数)
    try:
        (data / "metadata").mkdir(parents=True)
        (data / "schema").mkdir()
        (data / "schema" / SCHEMA_NAME).write_text(XSD, "utf-8")
        schema = _schema()
        from lxml import etree

        for h, vols in households:
            entries = []
            for v in vols:
                target = data / v.rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(v.src, target)
                entries.append({**v.entry, "path": f"data/{v.rel}"})
                listing.append((v.entry.get("number", ""), v.entry.get("title", ""), int(v.entry.get("document_pages", 0))))
                rep.volumes += 1
                rep.pages += int(v.entry.get("document_pages", 0))
            xml = metadata_xml(arch.fonds, unit, h, entries)
            schema.assertValid(etree.fromstring(xml))
            (data / "metadata" / f"{h['case_no']}.xml").write_bytes(xml)
            rep.households += 1
        from archive.volumes.archival import village_case

        per_village: dict[str, list[dict]] = {}
        for src, rel, vol in _village_volumes(out, villages):
            target = data / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
            listing.append((vol.get("number", ""), vol.get("title", ""), int(vol.get("document_pages", 0))))
            rep.volumes += 1
            rep.pages += int(vol.get("document_pages", 0))
            per_village.setdefault(Path(rel).parts[1], []).append({**vol, "path": f"data/{rel}"})
        for vname, entries in sorted(per_village.items()):   # the village volumes have their metadata too
            case = village_case(cfg, vname)
            xml = metadata_xml(arch.fonds, unit, {"case_no": case, "head": "", "village": vname, "type": "村级公示材料"},
                               entries)
            schema.assertValid(etree.fromstring(xml))
            (data / "metadata" / f"{case}.xml").write_bytes(xml)
        for src, rel in _box_files(out, villages):
            target = data / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
        info = {"Source-Organization": unit, "移交单位": unit, "接收单位": receiver, "移交日期": today.isoformat(),
                "全宗号": arch.fonds, "案卷数": str(rep.volumes), "户数": str(rep.households), "页数": str(rep.pages),
                "External-Description": f"{cfg.county}{cfg.town}社会救助（低保、特困、低保边缘）档案移交包"
                                        + (f"：{village}" if village else "") + (f"，{since.isoformat()} 以后" if since else "")}
        bag = bagit.make_bag(str(tmp), info, checksums=["sha256"])
        rep.root_hash = hashlib.sha256((tmp / "manifest-sha256.txt").read_bytes()).hexdigest()
        listing.sort()
        pdf = handover_list_pdf(ws, listing, rep, unit, receiver, today, village, since)
        (tmp / LIST_NAME).write_bytes(pdf)
        bag.info[ROOT_HASH_KEY] = rep.root_hash
        bag.save(manifests=False)      # bag-info and tagmanifest (covering 移交清单.pdf) rewritten
        bagit.Bag(str(tmp)).validate()
        if dest.exists():
            dest.rmdir()
        tmp.rename(dest)
    except bagit.BagError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"移交包生成失败：{exc}", path=dest, hint="检查磁盘空间后重试") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    rep.skipped = skipped
    return rep


def handover_list_pdf(ws, listing, rep: HandoverReport, unit: str, receiver: str, today: dt.date,
                      village: str | None, since: dt.date | None) -> bytes:
    from archive.pdfa import Label, finalize
    from archive.volumes.pages import Book

    cfg = ws.config
    book = Book(font_cache=ws.state_dir / "cache" / "fonts")
    scope = "、".join(t for t in (village or "", f"{since.isoformat()} 以后" if since else "") if t) or "全部"
    book.handover_list(f"{cfg.county}{cfg.town}", unit, receiver, listing, rep.root_hash, today, scope)
    title = f"{cfg.town}档案移交清单（{today.isoformat()}）"
    return finalize(book.output(), title=title, unit=unit, labels=[Label(0, "", 1)])


# --------------------------------------------------------------------------- verify --package

@dataclass
class PackageReport:
    package: Path
    ok: bool
    problems: list[str]
    files: int = 0
    root_hash: str = ""

    def summary(self) -> str:
        if self.ok:
            return f"移交包完好：{self.files} 个文件与清单一致，根哈希 {self.root_hash}"
        return f"移交包有 {len(self.problems)} 处问题，不能按原样接收"


def verify_package(path: Path) -> PackageReport:
    """Check a received package: BagIt (every payload and tag file's SHA-256, Payload-Oxum), the root
    hash in bag-info against manifest-sha256.txt, each metadata XML against the schema and its 校验值."""
    import bagit
    from lxml import etree

    path = Path(path)
    problems: list[str] = []
    try:
        bag = bagit.Bag(str(path))
    except bagit.BagError as exc:
        return PackageReport(path, False, [f"不是完整的移交包（BagIt）：{exc}"])
    try:
        bag.validate()
    except bagit.BagValidationError as exc:
        details = getattr(exc, "details", None) or []
        problems += [f"文件与清单不符：{d}" for d in details] or [f"校验失败：{exc.message}"]
    except bagit.BagError as exc:
        problems.append(f"校验失败：{exc}")
    manifest = path / "manifest-sha256.txt"
    root = ""
    try:
        root = hashlib.sha256(manifest.read_bytes()).hexdigest()
    except OSError:
        problems.append("缺少 manifest-sha256.txt")
    want = bag.info.get(ROOT_HASH_KEY)
    if want != root:
        problems.append(f"根哈希不符：bag-info.txt 记为 {want or '（无）'}，清单实际为 {root}")
    schema_path = path / "data" / "schema" / SCHEMA_NAME
    try:
        schema = etree.XMLSchema(etree.parse(str(schema_path)))
    except (OSError, etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
        problems.append(f"元数据模式文件 {SCHEMA_NAME} 缺失或损坏（{exc}）")
        schema = None
    for xml in sorted((path / "data" / "metadata").glob("*.xml")):
        try:
            doc = etree.parse(str(xml))
        except etree.XMLSyntaxError as exc:
            problems.append(f"{xml.name}：元数据无法解析（{exc}）")
            continue
        if schema is not None and not schema.validate(doc):
            problems.append(f"{xml.name}：元数据不符合模式（{schema.error_log.last_error}）")
        for vol in doc.getroot().iter(f"{{{NS}}}案卷"):
            rel = vol.findtext(f"{{{NS}}}文件路径") or ""
            digest = vol.findtext(f"{{{NS}}}校验值") or ""
            target = (path / rel).resolve()
            if not str(target).startswith(str(path.resolve()) + "/") or not target.is_file():
                problems.append(f"{xml.name}：{rel} 不在包内")
            elif sha256_file(target) != digest:
                problems.append(f"{xml.name}：{rel} 的校验值与元数据不符")
    files = len(bag.payload_entries()) if hasattr(bag, "payload_entries") else 0
    return PackageReport(path, not problems, problems, files, root)


def parse_since(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"日期“{text}”写法不对", field="--since", hint="写成 2024-01-01") from exc


__all__ = ["handover", "verify_package", "metadata_xml", "XSD", "DibaoError"]
