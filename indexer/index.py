"""The search index facade: schema version, workspace key, state, add/replace/delete, search.

Layout of an index folder (default ``<workspace>/.dibao/index``)::

    <index>/<backend>/dibao-index.json   schema version, backend, key fingerprint
    <index>/<backend>/dibao-state.json   fingerprint of every indexed group (incremental indexing)
    <index>/<backend>/data/              the engine's own files

The HMAC key lives outside the index (default ``<index>/../index.key``, i.e.
``<workspace>/.dibao/index.key``, mode 0600).  No full ID number is stored in the
index: ID numbers are masked in stored text, hashed with the key in terms, and
a path that contains one is stored encrypted with a key derived from it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from datetime import datetime, timezone
from pathlib import Path

from archive.errors import ConfigError, InputError, WorkspaceBusy
from archive.fsutil import atomic_write_text, ensure_dir
from archive import redact
from archive.ids import redact_ids
from indexer import analysis as an
from indexer import near
from indexer.engine import FILE_UNIT, SCHEMA_VERSION, Bool, Doc, Hit, SearchResult, Term, or_
from indexer.query import AndQ, Compiler, Field, NotQ, OrQ, PhraseQ, Word, parse, to_text
from indexer.report import total_text
from indexer.snippet import make_snippet

BACKENDS = ("tantivy", "whoosh")
META_FILE = "dibao-index.json"
STATE_FILE = "dibao-state.json"
KEY_FILE = "index.key"


REBUILD_HINT = "运行 dibao index --rebuild 重建索引（只运行 dibao index 也会自动重建）"


class IndexVersionError(ConfigError):
    """The index on disk was written by another schema version or with another key, or is damaged:
    `dibao index` rebuilds it (see indexer.pipeline.index_archive), `dibao search` says so."""


def damaged(folder, exc) -> IndexVersionError:
    return IndexVersionError(f"搜索索引文件损坏，无法读取（{type(exc).__name__}: {str(exc)[:120]}）", path=folder,
                             hint=REBUILD_HINT)


def available_backends() -> list[str]:
    out = []
    for name in BACKENDS:
        try:
            __import__(name)
            out.append(name)
        except ImportError:
            pass
    return out


def choose_backend(name: str | None = "auto") -> str:
    name = (name or "auto").lower()
    have = available_backends()
    if name == "auto":
        if not have:
            raise ConfigError("没有可用的搜索引擎（tantivy 和 whoosh 都没有安装）", hint="在项目目录运行 make setup（安装 pyproject.toml 中的 tantivy 和 whoosh）")
        return have[0]
    if name not in BACKENDS:
        raise ConfigError(f"不认识的搜索引擎“{name}”", field="backend", hint="可选：auto、tantivy、whoosh")
    if name not in have:
        raise ConfigError(f"搜索引擎 {name} 没有安装", field="backend", hint="改用 --backend auto，或安装它：pip install " + name)
    return name


def load_or_create_key(key_path) -> bytes:
    """The workspace's index key (32 random bytes, hex in a 0600 file); created on first use."""
    key_path = Path(key_path)
    if key_path.exists():
        try:
            key = bytes.fromhex(key_path.read_text(encoding="ascii").strip())
        except (ValueError, OSError) as exc:
            raise ConfigError("索引密钥文件损坏", path=key_path,
                              hint="删除该文件后运行 dibao index --rebuild 重建索引") from exc
        if len(key) < 16:
            raise ConfigError("索引密钥文件损坏", path=key_path, hint="删除该文件后运行 dibao index --rebuild 重建索引")
        return key
    ensure_dir(key_path.parent)
    atomic_write_text(key_path, secrets.token_hex(32) + "\n")
    os.chmod(key_path, 0o600)
    return load_or_create_key(key_path)


def _make_backend(name: str, path: Path):
    if name == "tantivy":
        from indexer.backend_tantivy import TantivyBackend

        return TantivyBackend(path)
    from indexer.backend_whoosh import WhooshBackend

    return WhooshBackend(path)


def destroy_index(path, backend: str) -> None:
    """Delete one backend's index folder (only if it looks like a dibao index)."""
    folder = Path(path) / backend
    if not folder.exists():
        return
    if not (folder / META_FILE).exists() and any(p.name not in ("data", STATE_FILE) for p in folder.iterdir()):
        raise ConfigError("这个目录不像 dibao 的索引，没有删除", path=folder, hint="检查索引目录设置")
    shutil.rmtree(folder)


class SearchIndex:
    """One open index.  Use ``open_index``; call ``commit()`` after changes, ``close()`` at the end."""

    def __init__(self, path: Path, backend: str, key: bytes, root: Path | None = None, create: bool = True):
        self.path = Path(path)
        self.backend_name = backend
        self.key = key
        self.root = Path(root) if root else None
        self.folder = self.path / backend
        meta_path = self.folder / META_FILE
        data = self.folder / "data"
        if meta_path.exists():
            self._check_meta(meta_path)
        elif data.is_dir() and any(data.iterdir()):   # engine files without their description
            raise IndexVersionError("搜索索引不完整（说明文件 dibao-index.json 丢失）", path=self.folder, hint=REBUILD_HINT)
        elif not create:
            raise ConfigError("还没有建立搜索索引", path=self.folder, hint="先运行 dibao index 建立索引")
        else:
            ensure_dir(self.folder)
        try:
            self.backend = _make_backend(backend, data)
        except WorkspaceBusy:
            raise
        except Exception as exc:  # noqa: BLE001 - engines raise many kinds for damaged files
            if isinstance(exc, OSError) and not self.folder.exists():
                raise
            raise damaged(self.folder, exc) from exc
        if not meta_path.exists():
            meta = {"schema_version": SCHEMA_VERSION, "backend": backend, "key_id": an.key_id(key),
                    "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
            atomic_write_text(meta_path, json.dumps(meta, ensure_ascii=False, indent=1))
        self.state = self._load_state()
        self._check_engine_has_docs()
        self._meta_cache: dict[tuple, an.Analyzed] = {}
        # page text -> corrected page text (indexer.vocab.Corrector: known OCR confusions of
        # workspace words); applied when documents are added, never to queries
        self.corrector = None

    # ---------------------------------------------------------- meta / state
    @property
    def schema_version(self) -> int:
        return SCHEMA_VERSION

    def _check_meta(self, meta_path: Path) -> None:
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            raise IndexVersionError("搜索索引的说明文件损坏", path=meta_path, hint=REBUILD_HINT) from exc
        found = meta.get("schema_version")
        if found != SCHEMA_VERSION:
            raise IndexVersionError(f"搜索索引是另一版本的格式（索引为第 {found} 版，本程序需要第 {SCHEMA_VERSION} 版）",
                                    path=self.folder, hint=REBUILD_HINT)
        if meta.get("key_id") != an.key_id(self.key):
            raise IndexVersionError("搜索索引与工作区的索引密钥不一致（密钥文件被换过或删除过）",
                                    path=self.folder, hint=REBUILD_HINT)

    def _check_engine_has_docs(self) -> None:
        """The engine's own files gone (its meta file or data deleted): it opens as a new, empty
        index, and every search would be silently empty.  The state says how many pages the last
        commit left; none there now is damage, reported like any other."""
        try:
            saved = json.loads((self.folder / STATE_FILE).read_text(encoding="utf-8")).get("docs")
        except (ValueError, OSError, AttributeError):
            return
        if isinstance(saved, int) and saved > 0 and self._guard(self.backend.count)() == 0:
            raise IndexVersionError(f"搜索索引的数据文件不见了或不完整（上次编入 {saved} 页，现在一页也读不到）",
                                    path=self.folder / "data", hint=REBUILD_HINT)

    def _load_state(self) -> dict:
        p = self.folder / STATE_FILE
        if p.exists():
            try:
                return json.loads(p.read_text(encoding="utf-8")).get("groups", {})
            except (ValueError, OSError):
                return {}
        return {}

    def _save_state(self) -> None:
        atomic_write_text(self.folder / STATE_FILE,
                          json.dumps({"groups": self.state, "docs": self.backend.count()}, ensure_ascii=False,
                                     indent=0, sort_keys=True))

    # ---------------------------------------------------------- writing
    def add(self, docs) -> int:
        rows = [self._flatten(d) for d in docs]
        self.backend.add(rows)
        return len(rows)

    def delete(self, group: str) -> None:
        """Delete every document of a group (a household's archive, or one historical file)."""
        self.backend.delete("group", group)
        self.state.pop(group, None)

    def replace(self, group: str, docs, fingerprint=None) -> int:
        self.backend.delete("group", group)
        n = self.add(docs)
        if fingerprint is not None:
            self.state[group] = fingerprint
        return n

    def commit(self) -> None:
        self.backend.commit()
        self._save_state()

    def count(self) -> int:
        return self.backend.count()

    def close(self) -> None:
        self.backend.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _meta_tokens(self, d: Doc) -> an.Analyzed:
        k = (d.title, d.head, d.village, d.town, d.type, d.category, d.household)
        if k not in self._meta_cache:
            if len(self._meta_cache) > 2000:
                self._meta_cache.clear()
            self._meta_cache[k] = an.analyze("\n".join(x for x in k if x), self.key)
        return self._meta_cache[k]

    def _flatten(self, d: Doc) -> dict:
        text = an.normalize(d.text or "")
        if self.corrector is not None:
            text = self.corrector(text)
        body = an.analyze(text, self.key, normalized=True)
        meta = self._meta_tokens(d)
        row = {
            "id": d.id, "group": d.group, "source": d.source, "date": d.date or "",
            "year": str(d.year) if d.year else "", "page": int(d.page or 0),
            "path": self._protect_path(d.path or ""), "text": body.stored,
            "words": " ".join(x for x in (meta.words, body.words) if x),
            "seq": " ".join(x for x in (meta.seq, an.BREAK, body.seq) if x),
            "ids": " ".join(x for x in (meta.ids, body.ids) if x), "unit": d.unit or "",
        }
        for name in ("household", "head", "village", "town", "type", "category", "title"):
            row[name] = redact.redact(an.normalize(getattr(d, name) or "", join_cjk=False).strip())
        return row

    # A path naming an ID number is stored encrypted (the key is outside the index).
    def _protect_path(self, path: str) -> str:
        if self.root:
            try:
                path = str(Path(path).resolve().relative_to(self.root.resolve()))
            except (ValueError, OSError):
                pass
        return redact.seal(path, self.key)

    def _open_path(self, stored: str) -> str:
        stored = redact.unseal(stored, self.key)
        if stored and self.root and not Path(stored).is_absolute():
            return str(self.root / stored)
        return stored

    # ---------------------------------------------------------- searching
    def search(self, query: str, filters: dict | None = None, limit: int = 20) -> SearchResult:
        """Ranked hits for a query (syntax: ``indexer.query.SYNTAX_HELP``) and filters."""
        ast = parse(query, filters)
        if ast is None:
            raise InputError("请输入要查找的内容", field="query", hint='例如：dibao search 张三，或 dibao search "审核登记表" --village 黄沙村')
        result = self._run(ast, limit)
        result.query = redact_ids(to_text(ast))   # results are printed and logged: no full ID
        if result.total == 0:
            loose = self._near(ast, limit)
            if loose is not None:
                loose.query = result.query
                return loose
            self._suggest(ast, result)
        return result

    def _near(self, ast, limit: int) -> SearchResult | None:
        """Pages holding the query with one character different (indexer.near), or None."""
        p = near.plan(ast)
        if p is None:
            return None
        comp = Compiler(self.key, self._guard(self.backend.values), self._guard(self.backend.exists))
        found: dict[str, tuple[float, dict, int]] = {}
        for j in range(len(p.words)):
            if not near.loosenable(p, j):
                continue
            pattern = near.slip_pattern(p.words[j])
            query = _pages_only(near.candidate_query(p, j, comp.compile))
            for score, row in self._guard(self.backend.search)(query, near.CANDIDATES).rows:
                doc = row.get("id", "")
                if doc not in found and near.holds(row.get("text", ""), p, j, pattern):
                    found[doc] = (score, row, j)
        if not found:
            return None
        ranked = sorted(found.values(), key=lambda x: -x[0])
        highlights = list(comp.highlights) + [near.highlight(w) for w in p.words]
        hits = [self._hit(score, row, highlights) for score, row, _j in ranked[:limit]]
        note = f"没有完全符合的页；下面 {len(ranked)} 页与查询只差一个字（多半是扫描件把字认错了），请核对原件"
        return SearchResult(hits=hits, total=len(ranked), notes=[*comp.notes, note], approximate=True)

    def _run(self, ast, limit: int, across: bool = True) -> SearchResult:
        comp = Compiler(self.key, self._guard(self.backend.values), self._guard(self.backend.exists))
        node = comp.compile(ast)
        found = self._guard(self.backend.search)(_pages_only(node), limit)
        hits = [self._hit(score, row, comp.highlights) for score, row in found.rows]
        result = SearchResult(hits=hits, total=found.total, notes=comp.notes, total_exact=found.exact,
                              total_max=None if found.exact else found.at_most)
        if across and _has_and(ast) and self._guard(self.backend.exists)("unit", FILE_UNIT):
            self._across_pages(ast, node, comp, result, limit)
        return result

    def _across_pages(self, ast, node, comp: Compiler, result: SearchResult, limit: int) -> None:
        """Historical files matching the query as a whole (its words on different pages): their
        pages holding any of the query's words are added after the page hits, marked across_pages."""
        files = self._guard(self.backend.search)(Bool(must=(node, Term("unit", FILE_UNIT))), 200)
        have = {h.doc_id.rsplit("/p", 1)[0] for h in result.hits if h.source == "historical"}
        groups = [row.get("group", "") for _s, row in files.rows]
        groups = [g for g in groups if g and g not in have]
        if not groups:
            return
        parts = [p for p in (comp.compile(w) for w in _positive_leaves(ast)) if p is not None]
        if not parts:
            return
        extra = 0
        for group in groups:
            found = self._guard(self.backend.search)(
                Bool(must=(or_(*parts), Term("group", group)), must_not=(Term("unit", FILE_UNIT),)), 1000)
            rows = sorted(found.rows, key=lambda r: int(r[1].get("page") or 0))
            extra += len(rows)
            for score, row in rows:
                if len(result.hits) < limit:
                    hit = self._hit(score, row, comp.highlights)
                    hit.across_pages = True
                    result.hits.append(hit)
        result.total += extra
        if extra:
            result.notes.append(f"其中 {len(groups)} 个历史档案文件的查询词分在不同页上（整份文件符合条件），列出了含这些词的页")

    def _guard(self, fn):
        """fn, with an engine failure on damaged files turned into IndexVersionError (rebuild)."""
        def call(*args):
            try:
                return fn(*args)
            except (ValueError, OSError, EOFError, IndexError, KeyError, RuntimeError) as exc:
                raise damaged(self.folder, exc) from exc
            except Exception as exc:  # noqa: BLE001 - e.g. pickle errors of a truncated whoosh segment
                if type(exc).__module__.split(".")[0] in ("tantivy", "whoosh", "pickle", "_pickle"):
                    raise damaged(self.folder, exc) from exc
                raise
        return call

    def _hit(self, score: float, row: dict, highlights) -> Hit:
        year = row.get("year") or ""
        return Hit(doc_id=row.get("id", ""), household=row.get("household", ""), head=row.get("head", ""),
                   village=row.get("village", ""), town=row.get("town", ""), type=row.get("type", ""),
                   title=row.get("title", ""), category=row.get("category", ""),
                   year=int(year) if str(year).isdigit() else None, date=row.get("date", ""),
                   page=int(row.get("page") or 0), pdf_path=self._open_path(row.get("path", "")),
                   snippet=make_snippet(row.get("text", ""), highlights), score=round(score, 4),
                   source=row.get("source", ""))

    def _suggest(self, ast, result: SearchResult) -> None:
        tries = []
        no_fields = _drop_fields(ast)
        if no_fields != ast and no_fields is not None:
            tries.append((no_fields, "去掉筛选条件"))
        for base, why in [(ast, ""), (no_fields, "去掉筛选条件")]:
            if base is None:
                continue
            split = _split_phrases(base)
            if split != base:
                tries.append((split, (why + "、" if why else "") + "把短语拆成单独的词"))
            loose = _and_to_or(split)
            if loose != split:
                tries.append((loose, (why + "、" if why else "") + "改为任一词出现即可（OR）"))
        for candidate, why in tries:
            r = self._run(candidate, 1)
            if r.total:
                q = redact_ids(to_text(candidate))
                result.suggested_query = q
                found = total_text(r.total, r.total_exact)
                result.suggestion = f"没有找到。{why}后能找到 {found}，可以试试：dibao search '{q}'"
                return
        result.suggestion = "没有找到。请换一个词，或只输入姓名中的两个字、身份证号后4位或后6位再试"


# ---------------------------------------------------------------- loosening the query

def _pages_only(node):
    """The query without whole-file documents.  A Bool with required clauses gets one more
    exclusion (its keyword filters stay at the top, where the tantivy backend's sampling of very
    common phrases looks for them); anything else is wrapped."""
    excl = Term("unit", FILE_UNIT)
    if isinstance(node, Bool) and node.must:
        return Bool(must=node.must, should=node.should, must_not=node.must_not + (excl,))
    return Bool(must=(node,), must_not=(excl,))


def _has_and(node) -> bool:
    """Whether a query needs two things at once (only then can a file match across pages)."""
    if isinstance(node, AndQ):
        return sum(1 for i in node.items if not isinstance(i, (NotQ, Field))) >= 2 or any(_has_and(i) for i in node.items)
    if isinstance(node, OrQ):
        return any(_has_and(i) for i in node.items)
    return False


def _positive_leaves(node):
    """Words and phrases of a query that are not excluded."""
    if isinstance(node, (Word, PhraseQ)):
        yield node
    elif isinstance(node, (AndQ, OrQ)):
        for i in node.items:
            yield from _positive_leaves(i)


def _drop_fields(node):
    if isinstance(node, Field):
        return None
    if isinstance(node, NotQ):
        inner = _drop_fields(node.item)
        return NotQ(inner) if inner is not None else None
    if isinstance(node, (AndQ, OrQ)):
        items = tuple(x for x in (_drop_fields(i) for i in node.items) if x is not None)
        if not items or all(isinstance(x, NotQ) for x in items):
            return None
        return items[0] if len(items) == 1 else type(node)(items)
    return node


def _split_phrases(node):
    if isinstance(node, PhraseQ):
        parts = [p for p in node.text.split() if p]
        if len(parts) == 1 and an.is_cjk(parts[0]) and len(parts[0]) > 2:
            parts = [w for w in an.jieba_tokenizer().cut(parts[0]) if w.strip()]
        if len(parts) <= 1:
            return node
        return AndQ(tuple(Word(p) for p in parts))
    if isinstance(node, NotQ):
        return NotQ(_split_phrases(node.item))
    if isinstance(node, (AndQ, OrQ)):
        return type(node)(tuple(_split_phrases(i) for i in node.items))
    return node


def _and_to_or(node):
    if isinstance(node, AndQ):
        pos = [i for i in node.items if not isinstance(i, (NotQ, Field))]
        rest = [i for i in node.items if isinstance(i, (NotQ, Field))]
        flat = []
        for i in pos:
            flat.extend(i.items if isinstance(i, AndQ) else (i,))
        if len(flat) < 2:
            return node
        ored = OrQ(tuple(flat))
        return AndQ((ored, *rest)) if rest else ored
    return node


def open_index(path, backend: str = "auto", key=None, root=None, create: bool = True) -> SearchIndex:
    """Open (or create) the index at `path`.

    backend: "auto" (tantivy where it imports, whoosh otherwise), "tantivy" or "whoosh".
    key:     the HMAC key (bytes) or the path of the key file; default ``<path>/../index.key``,
             created on first use.
    root:    the workspace folder; stored paths are relative to it, hits give absolute paths.
    create:  False to fail with a clear message when no index exists yet (for searching).
    Raises IndexVersionError (asks for ``dibao index --rebuild``) on a schema or key mismatch.
    """
    path = Path(path)
    name = choose_backend(backend)
    if key is None or isinstance(key, (str, os.PathLike)):
        key = load_or_create_key(Path(key) if key is not None else path.parent / KEY_FILE)
    return SearchIndex(path, name, key, root=root, create=create)


def rebuild_index(path, backend: str = "auto", key=None, root=None) -> SearchIndex:
    """Delete the backend's index and open an empty one of the current schema version."""
    destroy_index(path, choose_backend(backend))
    return open_index(path, backend, key=key, root=root, create=True)
