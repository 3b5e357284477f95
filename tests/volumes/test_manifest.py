"""The Manifest contract: written by the volumes stage, read by verify and the indexer through one loader."""

from __future__ import annotations

import json

import pytest

from archive.errors import InputError
from archive.volumes.manifest import (MANIFEST_VERSION, Manifest, find_manifests, load_manifest, manifest_paths,
                                      read_manifest, write_manifest)


def _data(case_no: str = "HS-1", version: int = MANIFEST_VERSION) -> dict:
    return {"manifest_version": version, "tool_version": "0.1.0", "built_at": "2026-01-01T00:00:00+08:00",
            "household": {"case_no": case_no, "head": "李建国", "village": "黄沙村", "town": "黄沙街镇",
                          "county": "岳阳县", "type": "农村低保"},
            "inputs": {"record": {"path": f"households/{case_no}.json", "sha256": "ab"}, "files": [],
                       "templates": {"fenxi-01": "cd"}, "catalog": "c", "config": "d", "tool": "0.1.0", "scans": []},
            "input_hash": "h", "complete": True,
            "volumes": [{"category": "审批类", "file": "审批类.pdf", "sha256": "e", "pages": 3, "size": 10,
                         "mtime_ns": 1, "items": 1, "document_pages": 1,
                         "documents": [{"seq": None, "title": "案卷封面", "kind": "cover", "first_page": 1,
                                        "last_page": 1},
                                       {"seq": 1, "title": "申请书", "kind": "form", "first_page": 3, "last_page": 3,
                                        "archive_pages": [1, 1], "form_id": "fenxi-01", "event_id": "e1",
                                        "date": "2024-03-01", "year": 2024, "text_layer": True,
                                        "unsigned": True}]}],
            "missing": [{"what": "户口簿", "category": "审批类", "why": "每户必备"}], "problems": [], "notes": []}


def test_written_manifest_reads_back_typed(tmp_path):
    folder = tmp_path / "out" / "黄沙村" / "HS-1_李建国"
    folder.mkdir(parents=True)
    written = write_manifest(folder / "manifest.json", _data())
    assert isinstance(written, Manifest)
    m = load_manifest(folder / "manifest.json")
    assert m == written
    assert m.household.case_no == "HS-1" and m.volumes[0].documents[1].form_id == "fenxi-01"
    assert m.inputs.templates == {"fenxi-01": "cd"} and m.missing[0].what == "户口簿"
    assert list(manifest_paths(tmp_path / "out")) == [folder / "manifest.json"]
    found = find_manifests(tmp_path / "out")
    assert list(found) == ["HS-1"] and found["HS-1"][0][1] == m


def test_other_version_is_refused_with_the_fix(tmp_path):
    p = tmp_path / "manifest.json"
    p.write_text(json.dumps(_data(version=MANIFEST_VERSION + 1)), "utf-8")
    with pytest.raises(InputError) as info:
        load_manifest(p)
    assert "格式版本" in info.value.message and "dibao build" in info.value.hint
    assert read_manifest(p) is None


@pytest.mark.parametrize("breaking", ["household", "volumes"])
def test_missing_parts_are_named(tmp_path, breaking):
    data = _data()
    del data[breaking]
    p = tmp_path / "manifest.json"
    p.write_text(json.dumps(data), "utf-8")
    with pytest.raises(InputError) as info:
        load_manifest(p)
    assert breaking in info.value.message and str(p) in str(info.value)


def test_write_refuses_a_manifest_that_breaks_the_contract(tmp_path):
    data = _data()
    data["volumes"][0]["pages"] = "三"
    with pytest.raises(Exception):
        write_manifest(tmp_path / "manifest.json", data)
    assert not (tmp_path / "manifest.json").exists()
