"""The audit's result cache (archive/audit/cache.py): used when valid, never trusted when not."""

import datetime as dt
import json
import os
import pickle
import stat

import pytest

from archive.audit import audit_workspace, cache
from archive.audit import run as runmod
from tests.support.audit import AS_OF, complete_workspace, write_record


def audit(ws, **kw):
    return audit_workspace(ws, as_of=kw.pop("as_of", AS_OF), **kw)


def dicts(result):
    return [h.as_dict() for h in result.households], [h.as_dict() for h in result.unreadable]


def files(ws):
    return sorted(cache.cache_dir(ws).glob("*.pkl"))


@pytest.fixture
def ws3(tmp_path):
    return complete_workspace(tmp_path / "ws", n=3)


def no_parsing(monkeypatch):
    def fail(path):
        raise AssertionError(f"{path} was parsed although its cached result is valid")

    monkeypatch.setattr(runmod, "_parse", fail)


def test_second_audit_uses_the_cache(ws3, monkeypatch):
    ws, _ = ws3
    first = audit(ws)
    assert files(ws), "the first audit stores its results"
    folder = cache.cache_dir(ws)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files(ws))
    fresh = dicts(audit(ws, kinds=("缺扫描件",), use_cache=False))
    no_parsing(monkeypatch)
    assert dicts(audit(ws)) == dicts(first)
    assert dicts(audit(ws, kinds=("缺扫描件",))) == fresh


def test_changed_record_same_size_is_audited_again(ws3):
    ws, recs = ws3
    path = ws.households_dir / recs[1]["village"] / f"{recs[1]['case_no']}.json"
    audit(ws)
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert '"amount": "600.00"' in text
    changed = text.replace('"amount": "600.00"', '"amount": "700.00"', 1)   # one payment: same size
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    assert path.stat().st_size == before.st_size
    got = audit(ws)
    h = next(h for h in got.households if h.case_no == recs[1]["case_no"])
    assert [f.kind for f in h.flags] == ["发放金额不符"]
    assert dicts(got) == dicts(audit(ws, use_cache=False))


def test_changed_scans_or_date_are_audited_again(ws3):
    ws, recs = ws3
    audit(ws)
    (ws.scans_dir / recs[0]["case_no"] / "户口簿.jpg").unlink()
    got = audit(ws)
    assert got.missing_count == 1 and dicts(got) == dicts(audit(ws, use_cache=False))
    later = dt.date(2026, 6, 30)
    assert dicts(audit(ws, as_of=later)) == dicts(audit(ws, as_of=later, use_cache=False))


def test_new_and_removed_records(ws3):
    ws, recs = ws3
    audit(ws)
    broken = ws.households_dir / "东关村" / "YA-009.json"
    broken.write_text("{,", encoding="utf-8")
    got = audit(ws)
    assert [h.record for h in got.unreadable] == ["households/东关村/YA-009.json"]
    broken.unlink()
    (ws.households_dir / recs[2]["village"] / f"{recs[2]['case_no']}.json").unlink()
    got = audit(ws)
    assert [h.case_no for h in got.households] == [recs[0]["case_no"], recs[1]["case_no"]] and not got.unreadable


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty", "writable_by_others"])
def test_damaged_cache_is_ignored_and_rewritten(ws3, damage, monkeypatch):
    ws, recs = ws3
    first = audit(ws)
    (f,) = files(ws)
    data = f.read_bytes()
    if damage == "garbage":
        f.write_bytes(b"\x80\x05not a cache at all")
    elif damage == "truncated":
        f.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        i = len(data) - 40
        f.write_bytes(data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:])
    elif damage == "empty":
        f.write_bytes(b"")
    else:
        os.chmod(f, 0o666)
    assert dicts(audit(ws)) == dicts(first)
    assert stat.S_IMODE(f.stat().st_mode) == 0o600 and f.read_bytes() != b""
    no_parsing(monkeypatch)                     # rewritten: valid again
    assert dicts(audit(ws)) == dicts(first)


class _Boom:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_cache_may_only_hold_plain_values(ws3, monkeypatch):
    """A file with the right header and CRC but a pickled callable is refused, not run."""
    ws, recs = ws3
    first = audit(ws)
    (f,) = files(ws)
    key = cache.run_key(ws, cache_rules(ws), AS_OF)
    payload = pickle.dumps({"x": _Boom()}, protocol=5)
    called = []
    monkeypatch.setattr(os, "system", lambda cmd: called.append(cmd))
    header = cache.MAGIC + cache._HEADER.pack(key, len(payload), __import__("zlib").crc32(payload))
    f.write_bytes(header + payload)
    assert cache.read_shard(f.parent, f.name, key) == {}
    assert called == []
    assert dicts(audit(ws)) == dicts(first)


def cache_rules(ws):
    from archive.audit.rules import rules_path_for

    return rules_path_for(ws)


def test_rules_change_invalidates(ws3, monkeypatch):
    ws, recs = ws3
    audit(ws)
    rules = cache_rules(ws).read_text(encoding="utf-8")
    (ws.root / "audit-rules.toml").write_text(rules + "\n# 本县修改\n", encoding="utf-8")   # same rules, other file
    no_parsing(monkeypatch)
    with pytest.raises(AssertionError, match="was parsed"):
        audit(ws)


def test_partial_audit_does_not_touch_the_cache(ws3):
    ws, recs = ws3
    paths = ws.record_paths()[:1]
    audit(ws, paths=paths)
    assert not files(ws)
    audit(ws)
    (f,) = files(ws)
    before = f.read_bytes()
    audit(ws, paths=paths)
    assert f.read_bytes() == before


def test_json_record_written_back_identically_is_reused(ws3, monkeypatch):
    """Rewriting a record changes its ctime/mtime: it is parsed again (never trusted on content alone)."""
    ws, recs = ws3
    audit(ws)
    path = write_record(ws, recs[0])
    calls = []
    real = runmod._parse
    monkeypatch.setattr(runmod, "_parse", lambda p: calls.append(p) or real(p))
    audit(ws)
    assert calls == [str(path)]
    assert json.loads(path.read_text(encoding="utf-8"))["case_no"] == recs[0]["case_no"]


def test_stale_shard_files_are_removed_but_not_temporary_ones(ws3):
    ws, recs = ws3
    audit(ws)
    folder = cache.cache_dir(ws)
    stale, temp = folder / ("0" * 24 + ".pkl"), folder / ".dibao-tmp-x.pkl"
    stale.write_bytes(b"old")
    temp.write_bytes(b"being written")
    audit(ws)
    assert not stale.exists() and temp.exists() and len([f for f in files(ws) if not f.name.startswith(".")]) == 1


def test_run_key_covers_the_modules_an_audit_loads(tmp_path):
    """A new archive module used by the audit must be hashed into the run key, or declared harmless here."""
    import subprocess
    import sys

    code = ("import sys, datetime as dt; from pathlib import Path; from tests.support.audit import complete_workspace;"
            "from archive.audit import audit_workspace; ws, _ = complete_workspace(Path(sys.argv[1]), n=1);"
            "audit_workspace(ws, as_of=dt.date(2026, 1, 15)).gaps;"
            "print(' '.join(m.__file__ for n, m in sys.modules.items() if n.startswith('archive.')))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "ws")], capture_output=True, text=True,
                         check=True, cwd=str(cache.Path(cache.__file__).parents[2])).stdout.split()
    package = cache.Path(cache.__file__).resolve().parents[1]
    harmless = {"workspace.py", "fsutil.py", "__init__.py", "forms/__init__.py", "records/__init__.py",
                "volumes/__init__.py"}   # paths, files, packages
    for f in out:
        rel = cache.Path(f).resolve().relative_to(package).as_posix()
        if rel.startswith("audit/") or rel in cache._DEPENDS or rel in harmless:
            continue
        if rel.startswith("forms/"):   # importing forms.catalog loads the forms package; only the catalog matters
            continue
        raise AssertionError(f"archive/{rel} is used by the audit but not part of its cache's run key")
