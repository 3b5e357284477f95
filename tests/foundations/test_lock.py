"""Workspace and journal locks through filelock (portable: no bare fcntl)."""

import os
import threading

import pytest

from archive import journal
from archive.errors import WorkspaceBusy
from archive.workspace import init_workspace


def test_second_lock_refused_with_holder_pid(tmp_path):
    ws = init_workspace(tmp_path / "ws", "fenxi")
    with ws.lock("build"):
        with pytest.raises(WorkspaceBusy) as err:
            with ws.lock("build"):
                pass
        assert str(os.getpid()) in err.value.user_message()
        with ws.lock("index"):   # another kind of work is not blocked
            pass
    with ws.lock("build"):       # released on exit
        pass


def test_journal_appends_from_threads_keep_one_chain(tmp_path):
    def work(n):
        for i in range(10):
            journal.append(tmp_path, "view", user=f"u{n}", detail={"i": i})

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entries, broken = journal.read(tmp_path)
    assert broken is None
    assert [e.seq for e in entries] == list(range(1, 41))
