"""Queries of any size answer with a Chinese message; a damaged index says to rebuild and
`dibao index` (index_archive) rebuilds it on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import InputError
from indexer import Doc, IndexVersionError, available_backends, open_index
from indexer.pipeline import index_archive, search_workspace, workspace_paths
from indexer.report import format_stats

BACKENDS = available_backends()


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    index = open_index(tmp_path_factory.mktemp("q") / "index")
    index.add([Doc(id="a", group="g/a", text="张三 审核意见 同意")])
    index.commit()
    yield index
    index.close()


@pytest.mark.parametrize("query,word", [
    ("(" * 3000 + "张三" + ")" * 3000, "太长"),
    ("(" * 900 + "张三" + ")" * 900, "嵌套太深"),
    ("NOT " * 400 + "张三", "嵌套太深"),
    ("-" * 1500 + "张三", "嵌套太深"),
    (" ".join(["张三"] * 301), "词太多"),
    ("张" * 5000, "太长"),
])
def test_huge_or_deep_queries_get_a_message(ix, query, word):
    with pytest.raises(InputError) as info:
        ix.search(query)
    assert word in info.value.message and info.value.hint


def test_large_but_reasonable_queries_still_run(ix):
    assert ix.search("(" * 25 + "张三" + ")" * 25).total == 1
    assert ix.search(" OR ".join(["李四"] * 200 + ["张三"])).total == 1
    assert ix.search('"' + "审核意见" * 400 + '"').total == 0


def _workspace(tmp_path: Path, backend: str) -> Path:
    ws = tmp_path / "ws"
    (ws / "archive").mkdir(parents=True)
    index_archive(ws, backend=backend)
    return ws


def _damage(folder: Path, how: str) -> None:
    if how == "meta":
        (folder / "dibao-index.json").unlink()
        return
    for f in (folder / "data").iterdir():
        if f.is_file() and f.stat().st_size > 100:
            f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("how", ["meta", "files"])
def test_damaged_index_asks_for_rebuild_and_index_repairs_it(tmp_path, backend, how):
    ws = _workspace(tmp_path, backend)
    folder = workspace_paths(ws)["index"] / backend
    _damage(folder, how)
    with pytest.raises(IndexVersionError) as info:
        search_workspace(ws, "张三", backend=backend)
    assert "dibao index --rebuild" in info.value.hint
    stats = index_archive(ws, backend=backend)
    assert stats.repaired and "已自动重建" in format_stats(stats)
    assert search_workspace(ws, "张三", backend=backend).total == 0   # works again
    assert not index_archive(ws, backend=backend).repaired


def _engine_damage(data: Path, backend: str, how: str) -> None:
    import shutil

    if how == "data":
        shutil.rmtree(data)
    elif backend == "tantivy":
        (data / "meta.json").unlink()
    else:
        for toc in data.glob("_MAIN_*.toc"):
            toc.unlink()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("how", ["engine-meta", "data"])
def test_lost_engine_files_are_damage_not_an_empty_index(tmp_path, backend, how):
    """The engine's own meta file (tantivy meta.json, whoosh _MAIN_*.toc) or its whole data folder
    deleted: the engine would open a new, empty index and every search would be silently empty."""
    path = tmp_path / "index"
    index = open_index(path, backend=backend)
    index.add([Doc(id=f"d{i}", group="g/a", text=f"张三 审核意见 第{i}页") for i in range(5)])
    index.commit()
    index.close()
    _engine_damage(path / backend / "data", backend, how)
    with pytest.raises(IndexVersionError) as info:
        open_index(path, backend=backend)
    assert "dibao index --rebuild" in info.value.hint
