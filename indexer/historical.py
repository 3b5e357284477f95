"""`dibao index add PATH...`: old scanned PDFs, Word files and images of earlier years.

Each file is one group ("h/<sha256 of the file>"); its pages are OCR'd where there
is no text layer and become searchable, attached to a household when the path or
the text names one (对象编号, a member's ID number, or a 户主 name found in the
workspace records), searchable either way.  The list of added files is kept in
``<workspace>/.dibao/historical.json`` (outside the index) so that
``dibao index --rebuild`` adds them again.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path

from archive.errors import DibaoError, InputError
from archive.fsutil import atomic_write_text, sha256_bytes, sha256_file
from archive.redact import redact, redact_json, seal, unseal
from indexer import analysis as an
from indexer.engine import FILE_UNIT, Doc
from indexer.extract import IMAGE_SUFFIXES, WordPages, docx_page_texts, image_pages, pdf_pages
from indexer.ocr import OCR_TIMEOUT, OcrCache, default_photo_engine
from indexer.vocab import Corrector

HIST_GROUP = "h/"
CATEGORY = "历史档案"
SUFFIXES = {".pdf", ".docx"} | IMAGE_SUFFIXES
_YEAR_RE = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)(?!\d)")


class HouseholdMatcher:
    """Finds the household a file belongs to.

    households: dicts with "case_no", "head" and optionally "village", "town", "type",
    "ids" (the members' ID numbers and the household's bank card number) and "names"
    (other members' names, not used for matching on their own).  Order of evidence: 对象编号 in the path or text, a member's
    ID number in the path or text, then a 户主 name that belongs to exactly one household
    (in the file's path first, then in its text).
    """

    def __init__(self, households: Iterable[Mapping]):
        self.by_case: dict[str, dict] = {}
        self.by_id: dict[str, list[dict]] = {}
        self.by_head: dict[str, list[dict]] = {}
        for h in households:
            h = dict(h)
            case = str(h.get("case_no") or "").strip()
            if not case:
                continue
            self.by_case[case.upper()] = h
            for number in h.get("ids") or ():
                if number:
                    self.by_id.setdefault(str(number).strip().upper(), []).append(h)
            head = an.normalize(str(h.get("head") or "")).strip()
            if len(head) >= 2:
                self.by_head.setdefault(head, []).append(h)
        cases = sorted(self.by_case, key=len, reverse=True)
        self._case_re = (re.compile("|".join(rf"(?<![0-9A-Z]){re.escape(c)}(?![0-9])" for c in cases))
                         if cases else None)

    def match(self, path, text: str) -> dict | None:
        where = [an.normalize(str(path)), an.normalize(text or "")]
        for s in where:
            if self._case_re is not None:
                m = self._case_re.search(s.upper())
                if m:
                    return self.by_case[m.group(0)]
        for s in where:
            for _a, _b, number in an.find_ids(s):
                if len(self.by_id.get(number, ())) == 1:   # one person in two households: ambiguous
                    return self.by_id[number][0]
        for s in where:
            found = {id(h): h for head, hs in self.by_head.items() if head in s for h in hs}
            if len(found) == 1:
                return next(iter(found.values()))
        return None


def households_for_matching(households) -> list[dict]:
    """Matcher entries from household records (archive.records.model.Household or dicts of that shape)."""
    out = []
    for h in households:
        get = (lambda k, h=h: h.get(k)) if isinstance(h, Mapping) else (lambda k, h=h: getattr(h, k, None))
        members = get("members") or []
        mget = [(lambda k, m=m: m.get(k)) if isinstance(m, Mapping) else (lambda k, m=m: getattr(m, k, None))
                for m in members]
        head = next((g("name") for g in mget if g("relation") == "本人"), None) or (mget[0]("name") if mget else "")
        bank = get("bank_account")
        card = (bank.get("card_number") if isinstance(bank, Mapping) else getattr(bank, "card_number", None)) if bank else None
        out.append({"case_no": get("case_no"), "head": head or "", "village": get("village") or "",
                    "town": get("town") or "", "type": get("type") or "",
                    "ids": [g("id_number") for g in mget if g("id_number")] + ([card] if card else []),
                    "names": [g("name") for g in mget if g("name")]})
    return out


def _lookup_words(lookup) -> list[str]:
    """Names, villages and towns of the households in a lookup (for indexer.vocab.Corrector)."""
    if lookup is None or callable(lookup):
        return []
    entries = lookup.values() if isinstance(lookup, Mapping) else lookup
    words = []
    for h in entries:
        if isinstance(h, Mapping):
            words += [str(h.get(k) or "") for k in ("head", "village", "town")] + [str(n) for n in h.get("names") or ()]
    return [w for w in words if w]


def make_matcher(lookup) -> Callable[[Path, str], dict | None]:
    """lookup: None, a callable (path, text) -> household dict, a mapping case_no -> dict,
    or an iterable of household dicts (see HouseholdMatcher)."""
    if lookup is None:
        return lambda path, text: None
    if callable(lookup) and not isinstance(lookup, Mapping):
        return lookup
    if isinstance(lookup, Mapping):
        lookup = [dict(v, case_no=v.get("case_no", k)) for k, v in lookup.items()]
    return HouseholdMatcher(lookup).match


def expand_paths(paths) -> list[Path]:
    """Files to add: the given files, and supported files inside the given folders."""
    out = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InputError("文件或文件夹不存在", path=p, hint="检查路径是否写对")
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                              and not f.name.startswith(".")))
        elif p.suffix.lower() in SUFFIXES:
            out.append(p)
        elif p.suffix.lower() == ".doc":
            raise InputError("旧版 Word 文件（.doc）不能直接添加", path=p, hint="用 Word 或 WPS 打开后另存为 .docx 再添加")
        else:
            raise InputError("不支持的文件类型", path=p, hint="可添加 PDF、.docx 和图片（jpg/png/tif）")
    return out


def file_pages(path: Path, cache: OcrCache, word: WordPages | None = None, digest: str | None = None) -> list[str]:
    """Text of every page of a historical file (Word files: their printed pages, see WordPages)."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return pdf_pages(path, cache)
    if suffix == ".docx":
        if word is not None:
            return word.pages(path, digest or sha256_file(path))
        return docx_page_texts(path)
    return image_pages(path, cache)


def _guess_year(path: Path, text: str):
    m = _YEAR_RE.search(path.name) or _YEAR_RE.search(str(path.parent)) or re.search(r"(19[89]\d|20[0-4]\d)\s*年", text)
    return int(m.group(1)) if m else None


def _load_registry(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError):
        return {}


def _save_registry(path: Path, files: dict) -> None:
    atomic_write_text(path, json.dumps({"files": files}, ensure_ascii=False, indent=1, sort_keys=True))


_HH_KEYS = ("case_no", "head", "village", "town", "type")


def index_file(ix, path: Path, digest: str, cache: OcrCache, match, known: dict | None = None,
               word: WordPages | None = None):
    """Extract, attach and (re)index one historical file; returns (pages, household or None).

    known: the household found when the file was first added (used when match finds none).
    word:  splits Word files into their printed pages (else at their own page breaks)."""
    pages = file_pages(path, cache, word, digest)
    household = match(path, "\n".join(pages)) or known or {}
    household = {k: str(household.get(k) or "") for k in _HH_KEYS} if household else {}
    title = redact(an.normalize(path.stem, join_cjk=False))
    year = _guess_year(path, "\n".join(pages))
    group = HIST_GROUP + digest
    docs = [Doc(id=f"{group}/p{i}", group=group, text=text, household=str(household.get("case_no") or ""),
                head=household.get("head") or "", village=household.get("village") or "",
                town=household.get("town") or "", type=household.get("type") or "", category=CATEGORY,
                title=title, year=year, path=str(path.resolve()), page=i, source="historical")
            for i, text in enumerate(pages, start=1)]
    if len(docs) > 1:   # the whole file, for words on different pages (AND/OR across pages)
        d = docs[0]
        docs.append(Doc(id=f"{group}/file", group=group, text="\n".join(pages), household=d.household, head=d.head,
                        village=d.village, town=d.town, type=d.type, category=CATEGORY, title=title, year=year,
                        path=d.path, page=0, source="historical", unit=FILE_UNIT))
    # The state (inside the index) keeps only a hash of the path: file names may hold ID numbers.
    ix.replace(group, docs, fingerprint={"path": sha256_bytes(str(path.resolve()).encode("utf-8")),
                                         "household": docs[0].household if docs else ""})
    return len(pages), (household or None)


def add_historical(paths, workspace_dir, index_dir=None, backend: str = "auto", lookup=None, progress=None,
                   key=None, household: str | None = None, ocr_timeout: float = OCR_TIMEOUT,
                   ocr_engine: str | None = None, ocr_engine_photos: str | None = None) -> dict:
    """Add old archive files to the index.

    paths: files or folders (.pdf, .docx, .jpg/.png/.tif…).  lookup: see make_matcher.
    household: a 对象编号 to attach every file to (the clerk knows whose papers they are).
    ocr_engine: engine for scanned PDFs; ocr_engine_photos: for image files (default: RapidOCR where
    installed, see indexer.ocr.default_photo_engine).
    progress(done, total, label) after each file.
    Returns {"files": [{"path", "household", "pages", "status"}], "added", "unchanged", "attached",
             "ocr_pages", "ocr_cached", "seconds", "problems"}.
    """
    from indexer.index import open_index
    from archive.workspace import workspace_paths_of as workspace_paths

    t0 = time.monotonic()
    ws = Path(workspace_dir)
    wp = workspace_paths(ws, index_dir)
    files = expand_paths(paths)
    match = make_matcher(lookup)
    if household:
        entry = match(Path(household), household) or {"case_no": household}
        if str(entry.get("case_no", "")).upper() != household.strip().upper():
            entry = {"case_no": household.strip()}
        match = lambda path, text, entry=entry: entry  # noqa: E731
    registry = _load_registry(wp["registry"])
    out = {"files": [], "added": 0, "unchanged": 0, "attached": 0, "problems": []}
    added: list[str] = []   # digests of the files added now (chained into the journal)
    ix = open_index(wp["index"], backend, key=key if key is not None else wp["key"], root=ws)
    cache = OcrCache(wp["ocr_cache"], timeout=ocr_timeout, engine=ocr_engine,
                     photo_engine=ocr_engine_photos or default_photo_engine(ocr_engine), secret=ix.key)
    ix.corrector = Corrector(_lookup_words(lookup))
    word = WordPages(wp["word_pdf"])
    try:
        for n, f in enumerate(files, start=1):
            digest = sha256_file(f)
            group = HIST_GROUP + digest
            path_hash = sha256_bytes(str(f.resolve()).encode("utf-8"))
            old = ix.state.get(group)
            row = {"path": str(f), "household": "", "pages": 0, "status": "unchanged"}
            if old and old.get("path") == path_hash and (not household or old.get("household") == household.strip()):
                out["unchanged"] += 1
                row["household"] = old.get("household", "")
            else:
                try:
                    row["pages"], hh = index_file(ix, f, digest, cache, match, word=word)
                except DibaoError as exc:
                    if exc.exit_code not in (3, 6):   # tool missing: stop, the message says how to install
                        raise
                    out["problems"].append({"path": str(f), "reason": exc.message})
                    row["status"] = "problem"
                else:
                    row["household"] = (hh or {}).get("case_no", "")
                    row["status"] = "added"
                    out["added"] += 1
                    added.append(digest)
                    registry[digest] = {"path": seal(str(f.resolve()), ix.key), "household": redact_json(hh or {}),
                                        "added": datetime.now(timezone.utc).isoformat(timespec="seconds")}
            out["attached"] += bool(row["household"])
            out["files"].append(row)
            if progress:
                progress(n, len(files), f.name)
        ix.commit()
        for entry in registry.values():   # registries written before paths were sealed
            if not str(entry.get("path", "")).startswith("enc:"):
                entry["path"] = seal(str(entry.get("path", "")), ix.key)
                entry["household"] = redact_json(entry.get("household") or {})
        _save_registry(wp["registry"], registry)
        from archive.volumes import fixity

        fixity.record_historical(wp["registry"].parent, added)
    finally:
        word.close()
        ix.close()
    out["ocr_pages"], out["ocr_cached"] = cache.ocr_pages, cache.cached
    out["seconds"] = round(time.monotonic() - t0, 2)
    return out


def readd_registered(ws: Path, ix, cache: OcrCache, stats, lookup=None) -> None:
    """After a rebuild: index again every registered historical file that still exists."""
    from archive.workspace import workspace_paths_of as workspace_paths

    wp = workspace_paths(ws)
    registry = _load_registry(wp["registry"])
    match = make_matcher(lookup)
    with WordPages(wp["word_pdf"]) as word:
        _readd(registry, ix, cache, stats, match, word)
    ix.commit()


def _readd(registry: dict, ix, cache: OcrCache, stats, match, word: WordPages) -> None:
    for digest, entry in sorted(registry.items()):
        f = Path(unseal(entry.get("path", ""), ix.key))
        if not f.is_file() or sha256_file(f) != digest:
            stats.problems.append({"path": str(f), "reason": "以前添加的历史档案文件已不在原处或内容已变，没有重新编入索引；"
                                                             "请用 dibao index add 重新添加"})
            continue
        try:
            n, _hh = index_file(ix, f, digest, cache, match, known=entry.get("household") or None, word=word)
        except InputError as exc:
            stats.problems.append({"path": str(f), "reason": exc.message})
            continue
        stats.pages += n
        stats.added += 1
