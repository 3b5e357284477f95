"""dibao handover: a BagIt package the bagit library validates, metadata XML valid against its XSD,
the 移交清单 with the root hash, and dibao verify --package failing on one changed byte."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess

import bagit
import pytest
from lxml import etree

from archive import pdfa
from tests.support.build import manifests, squash
from tests.support.cli import dibao as run_cli

pytestmark = pytest.mark.slow
NS = "{urn:dibao:archive-metadata:1}"


@pytest.fixture(scope="module")
def package(built, tmp_path_factory):
    dest = tmp_path_factory.mktemp("handover") / "移交包"
    done = run_cli(["handover", str(dest)], built["ws"])
    assert done.returncode == 0, done.stdout + done.stderr
    return dest, done.stdout


def test_package_is_a_valid_bag_with_the_handover_fields(built, package):
    dest, out = package
    bag = bagit.Bag(str(dest))
    bag.validate()
    assert bag.version_info >= (0, 97) and bag.algorithms == ["sha256"]
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", "移交清单.pdf"):
        assert (dest / name).is_file()
    assert bag.info["移交单位"] == "黄沙街镇人民政府" and bag.info["接收单位"] == "岳阳县档案馆"
    assert bag.info["移交日期"] and bag.info["Source-Organization"] == "黄沙街镇人民政府"
    tags = (dest / "tagmanifest-sha256.txt").read_text("utf-8")
    assert "移交清单.pdf" in tags and "bag-info.txt" in tags
    found = manifests(built["out"])
    vols = [v for _, m in found.values() for v in m["volumes"]]
    summary = json.loads((built["out"] / "build-summary.json").read_text("utf-8"))
    village = [v for st in summary["villages"].values() for v in st["volumes"]]
    assert village and bag.info["案卷数"] == str(len(vols) + len(village))
    for v in village:   # the village publicity volumes travel with the households
        assert f"data/volumes/{v['file']}" in set(bag.payload_files())
    payload = set(bag.payload_files())
    for folder, m in found.values():
        for v in m["volumes"]:
            rel = f"data/volumes/{folder.parent.name}/{folder.name}/{v['file']}"
            assert rel in payload
            assert hashlib.sha256((dest / rel).read_bytes()).hexdigest() == v["sha256"]
    assert any(p.startswith("data/boxes/") and "盒内目录_" in p for p in payload)
    root = hashlib.sha256((dest / "manifest-sha256.txt").read_bytes()).hexdigest()
    assert bag.info["Payload-Manifest-SHA256"] == root and root in out


def test_metadata_xml_has_the_core_elements_and_matches_its_schema(built, package):
    dest, _ = package
    schema = etree.XMLSchema(etree.parse(str(dest / "data/schema/dibao-archive-metadata.xsd")))
    found = manifests(built["out"])
    all_xmls = sorted((dest / "data/metadata").glob("*.xml"))
    village = [x for x in all_xmls if x.stem.endswith("-GS")]      # one per village with publicity volumes
    xmls = [x for x in all_xmls if x not in village]
    assert {x.stem for x in xmls} == set(found)
    in_package = {p.relative_to(dest).as_posix() for p in (dest / "data/volumes").glob("*/公示材料/*.pdf")}
    assert village and in_package
    described = set()
    for x in village:
        doc = etree.parse(str(x))
        schema.assertValid(doc)
        for el in doc.getroot().findall(f"{NS}案卷"):
            path = el.findtext(f"{NS}文件路径")
            assert hashlib.sha256((dest / path).read_bytes()).hexdigest() == el.findtext(f"{NS}校验值")
            assert el.findtext(f"{NS}档号") and el.findtext(f"{NS}格式") == "PDF/A-2b"
            described.add(path)
    assert described == in_package                                    # every village volume has its metadata
    for x in xmls:
        doc = etree.parse(str(x))
        schema.assertValid(doc)
        _, m = found[x.stem]
        vols = doc.getroot().findall(f"{NS}案卷")
        assert len(vols) == len(m["volumes"])
        for el, v in zip(vols, m["volumes"]):
            for tag in ("档号", "题名", "责任者", "日期", "保管期限", "密级", "页数", "格式", "校验值"):
                assert el.find(f"{NS}{tag}") is not None, tag
            assert el.findtext(f"{NS}档号") == v["number"] and el.findtext(f"{NS}页数") == str(v["document_pages"])
            assert el.findtext(f"{NS}格式") == "PDF/A-2b" and el.find(f"{NS}校验值").get("算法") == "SHA-256"
            path = dest / el.findtext(f"{NS}文件路径")
            assert hashlib.sha256(path.read_bytes()).hexdigest() == el.findtext(f"{NS}校验值")
        text = x.read_text("utf-8")
        assert "id_number" not in text and not any(len(t) == 18 and t[:17].isdigit() for t in text.split(">"))
    bad = etree.fromstring((xmls[0]).read_bytes())
    for el in bad.findall(f"{NS}案卷"):  # a file without any 案卷 is refused by the schema
        bad.remove(el)
    assert not schema.validate(bad.getroottree())


def test_handover_list_lists_volumes_and_prints_the_root_hash(built, package, tmp_path):
    dest, _ = package
    lst = dest / "移交清单.pdf"
    text = subprocess.run(["pdftotext", str(lst), "-"], capture_output=True, text=True, check=True).stdout
    flat = squash(text)
    root = bagit.Bag(str(dest)).info["Payload-Manifest-SHA256"]
    assert root in flat
    for _, m in manifests(built["out"]).values():
        for v in m["volumes"]:
            assert squash(v["number"]) in flat
    images = subprocess.run(["pdfimages", "-list", str(lst)], capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()) >= 3, "no QR code image"
    import zxingcpp
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(lst), str(tmp_path / "list")], check=True)
    read = [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "list.png"))]
    assert root in read, read         # a phone reading the QR gets the whole root hash
    assert pdfa.check(lst) == []


def test_verify_package_passes_then_fails_on_one_changed_byte(package, tmp_path):
    dest, _ = package
    copy = tmp_path / "pkg"
    shutil.copytree(dest, copy)
    ok = run_cli(["verify", "--package", str(copy)], tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "移交包完好" in ok.stdout
    vol = sorted((copy / "data/volumes").rglob("*.pdf"))[0]
    data = bytearray(vol.read_bytes())
    data[len(data) // 2] ^= 0x01
    vol.write_bytes(bytes(data))
    bad = run_cli(["verify", "--package", str(copy), "--json"], tmp_path)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    rep = json.loads(bad.stdout)
    assert not rep["ok"] and any(vol.name in p for p in rep["problems"])
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(copy)).validate()


def test_verify_package_fails_on_a_changed_handover_list_or_root_hash(package, tmp_path):
    dest, _ = package
    copy = tmp_path / "pkg"
    shutil.copytree(dest, copy)
    lst = copy / "移交清单.pdf"
    data = bytearray(lst.read_bytes())
    data[-10] ^= 0x20
    lst.write_bytes(bytes(data))
    bad = run_cli(["verify", "--package", str(copy)], tmp_path)
    assert bad.returncode == 1 and "移交清单" in bad.stdout


def test_handover_by_village_and_refusals(built, tmp_path):
    found = manifests(built["out"])
    village = sorted({m["household"]["village"] for _, m in found.values()})[0]
    dest = tmp_path / "one"
    done = run_cli(["handover", str(dest), "--village", village], built["ws"])
    assert done.returncode == 0, done.stderr
    cases = {c for c, (_, m) in found.items() if m["household"]["village"] == village}
    stems = {x.stem for x in (dest / "data/metadata").glob("*.xml")}
    assert {x for x in stems if not x.endswith("-GS")} == cases and len(stems - cases) <= 1   # and its village's
    again = run_cli(["handover", str(dest)], built["ws"])
    assert again.returncode != 0 and "不是空的" in again.stderr
    late = run_cli(["handover", str(tmp_path / "late"), "--since", "2100-01-01"], built["ws"])
    assert late.returncode != 0 and "没有可移交" in late.stderr
    typo = run_cli(["handover", str(tmp_path / "typo"), "--since", "2024/01/01"], built["ws"])
    assert typo.returncode != 0 and "--since" in typo.stderr
