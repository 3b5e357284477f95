"""The workspace journal: appends chain, any edit breaks the chain at its line, no full ID is kept."""

from __future__ import annotations

import json
import multiprocessing

from archive import journal


def _append_many(state_dir, n):
    for i in range(n):
        journal.append(state_dir, "test", user="w", detail={"i": i})


def test_chain_grows_and_verifies(tmp_path):
    a = journal.append(tmp_path, "import", user="张敏", household="HS-1", detail={"rows": 3})
    b = journal.append(tmp_path, "build", user="张敏")
    assert (a.seq, b.seq) == (1, 2) and b.prev == a.hash
    entries, broken = journal.read(tmp_path)
    assert broken is None and [e.action for e in entries] == ["import", "build"]
    assert journal.head(tmp_path) == b.hash
    assert (tmp_path / journal.JOURNAL_NAME).stat().st_mode & 0o777 == 0o600


def test_edit_delete_and_truncation_break_the_chain(tmp_path):
    for i in range(4):
        journal.append(tmp_path, "view", detail={"i": i})
    path = tmp_path / journal.JOURNAL_NAME
    lines = path.read_bytes().split(b"\n")
    edited = json.loads(lines[1]); edited["detail"]["i"] = 99
    path.write_bytes(b"\n".join([lines[0], json.dumps(edited, ensure_ascii=False).encode(), *lines[2:]]))
    entries, broken = journal.read(tmp_path)
    assert broken is not None and broken.line == 2 and len(entries) == 1 and "校验值" in broken.reason
    path.write_bytes(b"\n".join([lines[0], *lines[2:]]))          # line 2 deleted
    entries, broken = journal.read(tmp_path)
    assert broken is not None and broken.line == 2 and len(entries) == 1
    path.write_bytes(b"\n".join(lines[:3]) + b"\n" + lines[3][:20])  # torn last line
    entries, broken = journal.read(tmp_path)
    assert broken is not None and broken.line == 4 and len(entries) == 3


def test_full_ids_never_written(tmp_path):
    id_number = "11010519491231002X"
    journal.append(tmp_path, "edit", user=f"查 {id_number}", detail={"old": id_number, "rows": [id_number]})
    text = (tmp_path / journal.JOURNAL_NAME).read_text("utf-8")
    assert id_number not in text and "1101" in text
    assert journal.read(tmp_path)[1] is None


def test_concurrent_appends_keep_one_chain(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(tmp_path, 25)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    entries, broken = journal.read(tmp_path)
    assert broken is None and len(entries) == 75 and [e.seq for e in entries] == list(range(1, 76))


def test_append_after_an_entry_longer_than_the_tail_window(tmp_path):
    """An import of 10,000 households writes one line of ~150 KB; the next append still finds it."""
    big = [f"YA-2024-{i:05d}" for i in range(12_000)]
    journal.append(tmp_path, "import", detail={"households": big})
    journal.append(tmp_path, "export")
    entries, broken = journal.read(tmp_path)
    assert broken is None and [e.seq for e in entries] == [1, 2] and entries[0].detail["households"] == big
