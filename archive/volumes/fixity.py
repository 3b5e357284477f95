"""Tamper-evident fixity: every household manifest and every file added with `index add` is
chained into the workspace journal (archive/journal.py), whose last hash is the workspace's
root hash.

After each build the hashes of the manifests it wrote or removed are appended as one
`fixity` entry; `index add` appends one `fixity` entry with the sha256 of each file it added.
Replaying these entries gives what the archive must look like now: `dibao verify` compares it
with the folders on disk, so a household folder deleted, a manifest rewritten (say together
with an edited record, so the manifest still agrees with the record) or an `index add` file
changed is reported even though the manifests themselves look consistent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive import journal
from archive.fsutil import sha256_file

ACTION = "fixity"


@dataclass
class Expected:
    """What the chain says the archive holds: folder (relative to the output) -> manifest sha256,
    historical file digest -> True; and where the chain breaks, if it does."""

    manifests: dict[str, str] = field(default_factory=dict)
    historical: set[str] = field(default_factory=set)
    entries: int = 0
    chained: bool = False            # at least one fixity entry exists
    broken: journal.ChainBreak | None = None
    root: str = journal.GENESIS


def manifest_sha(folder: Path) -> str | None:
    from archive.volumes.manifest import MANIFEST_NAME

    try:
        return sha256_file(Path(folder) / MANIFEST_NAME)
    except OSError:
        return None


def expected(state_dir: Path, out_key: str) -> Expected:
    """Replay the journal's fixity entries for one output folder (out_key: its path relative to
    the workspace, or its absolute path when outside)."""
    entries, broken = journal.read(state_dir)
    exp = Expected(broken=broken, root=entries[-1].hash if entries else journal.GENESIS)
    for e in entries:
        if e.action != ACTION:
            continue
        d = e.detail or {}
        if d.get("out") == out_key:
            exp.chained = True
            exp.entries += 1
            for rel, sha in (d.get("manifests") or {}).items():
                exp.manifests[rel] = sha
            for rel in d.get("removed") or []:
                exp.manifests.pop(rel, None)
        for digest in d.get("historical") or []:
            exp.chained = True
            exp.historical.add(digest)
    return exp


def out_key(ws, out: Path) -> str:
    try:
        return Path(out).resolve().relative_to(ws.root.resolve()).as_posix()
    except ValueError:
        return str(Path(out).resolve())


def record_build(ws, out: Path, removed: list[str], bootstrap: dict[str, Path] | None = None) -> journal.Entry | None:
    """After a build: chain the folders it removed (relative to out).  bootstrap: every manifest
    folder now, given once to start the chain of an archive built before it existed; manifests
    this build did not write are otherwise never chained (a manifest rewritten by hand must stay
    visible to verify).  Nothing is appended by a no-op rebuild."""
    key = out_key(ws, out)
    exp = expected(ws.state_dir, key)
    changed: dict[str, str] = {}
    for rel, folder in sorted((bootstrap or {}).items()):
        sha = manifest_sha(folder)
        if sha is not None and rel not in exp.manifests:
            changed[rel] = sha
    gone = sorted(rel for rel in removed if rel in exp.manifests)
    if not changed and not gone:
        return None
    return journal.append(ws.state_dir, ACTION, detail={"out": key, "manifests": changed, "removed": gone})


def record_manifest(ws, out: Path, rel: str, sha: str) -> journal.Entry:
    """One manifest, chained before it is written (write-ahead)."""
    return journal.append(ws.state_dir, ACTION, detail={"out": out_key(ws, out), "manifests": {rel: sha}, "removed": []})


def record_historical(state_dir: Path, digests: list[str]) -> journal.Entry | None:
    if not digests:
        return None
    return journal.append(state_dir, ACTION, detail={"historical": sorted(set(digests))})
