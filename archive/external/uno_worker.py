#!/usr/bin/python3
"""One LibreOffice conversion worker, driven over UNO.

Runs under Debian's /usr/bin/python3 (the only Python where the `uno` module of
python3-uno imports), not under the project venv, so it uses the standard
library and `uno` only and never imports the `archive` package.

The parent (archive/external/libreoffice.py) starts it in a session of its own, so that the
worker and the soffice processes it starts form one process group the parent
can kill at once.  Protocol: JSON lines.

    worker -> parent   {"event": "ready", "soffice_pid": 123}
                       {"event": "error", "kind": "nouno" | "start", "message": "..."}
    parent -> worker   {"id": 1, "src": "/abs/in.docx", "dest": "/abs/out.pdf"}
    worker -> parent   {"id": 1, "ok": true}
                       {"id": 1, "ok": false, "kind": "input" | "export" | "crash", "message": "..."}
    parent -> worker   {"cmd": "quit"}   (or end of stdin)

Messages from this process are technical English for the log; the parent turns
them into Chinese messages for users.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

# soffice.bin asks for a restart on a fresh profile with these exit codes
RESTART_CODES = (79, 81)
MAX_LAUNCHES = 4

WORD_FILTER = "MS Word 2007 XML"
PDF_FILTER = "writer_pdf_Export"
PDF_OPTIONS = {
    "ExportBookmarks": True,  # paragraphs with an outline level become bookmarks
    "ExportFormFields": False,  # archive copies: form controls printed as plain content
    "ExportNotes": False,
    "SelectPdfVersion": 2,  # PDF/A-2b: fonts embedded, XMP, output intent (archive/pdfa.py finishes volumes the same way)
}


class StartError(Exception):
    pass


def _kill_own_group(*_args) -> None:
    """Kill this worker together with every soffice process it started."""
    try:
        os.killpg(os.getpgrp(), signal.SIGKILL)
    finally:  # only reached if killpg failed
        os._exit(1)


def _watch_parent(parent_pid: int) -> None:
    """If the parent dies without closing us (kill -9, crash), take soffice down too."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:
            _kill_own_group()


class Office:
    """A soffice process with its own profile, and the UNO desktop it serves."""

    def __init__(self, soffice: str, profile: Path, pipe: str, log):
        import uno  # noqa: F401  (imported here so a missing module is reported, not a traceback)

        self.soffice = soffice
        self.profile = profile
        self.pipe = pipe
        self.log = log
        self.proc: subprocess.Popen | None = None
        self.desktop = None

    # ---- start / stop -------------------------------------------------------------
    def _launch(self) -> subprocess.Popen:
        args = [
            self.soffice,
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            "--nofirststartwizard",
            "-env:UserInstallation=" + self.profile.as_uri(),
            f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext",
        ]
        return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)

    def start(self) -> int:
        import uno
        from com.sun.star.connection import NoConnectException

        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        url = f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext"
        launches = 0
        while True:
            if self.proc is None:
                launches += 1
                try:
                    self.proc = self._launch()
                except OSError as exc:
                    raise StartError(f"cannot run {self.soffice}: {exc}") from exc
            try:
                ctx = resolver.resolve(url)
            except NoConnectException:
                code = self.proc.poll()
                if code is None:
                    time.sleep(0.1)
                    continue
                self.proc = None
                if code in RESTART_CODES and launches < MAX_LAUNCHES:
                    continue  # fresh profile: soffice asks to be started again
                raise StartError(f"soffice exited with code {code} before accepting connections")
            smgr = ctx.ServiceManager
            self.desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            return self.proc.pid

    def stop(self) -> None:
        if self.desktop is not None:
            try:
                self.desktop.terminate()
            except Exception:  # bridge already gone: soffice died or is dying
                pass
            self.desktop = None
        if self.proc is not None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # ---- conversion ---------------------------------------------------------------
    def convert(self, src: str, dest: str) -> dict:
        import uno
        from com.sun.star.beans import PropertyValue
        from com.sun.star.io import IOException
        from com.sun.star.lang import DisposedException, IllegalArgumentException
        from com.sun.star.uno import RuntimeException

        def prop(name, value):
            p = PropertyValue()
            p.Name, p.Value = name, value
            return p

        if not self.alive():
            return {"ok": False, "kind": "crash", "message": "soffice is not running"}
        load_props = (
            prop("Hidden", True),
            prop("ReadOnly", True),
            prop("FilterName", WORD_FILTER),
            prop("MacroExecutionMode", 0),  # NEVER_EXECUTE
            prop("UpdateDocMode", 0),  # NO_UPDATE: never follow links to other files
            prop("Silent", True),
        )
        try:
            doc = self.desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, load_props)
        except (IllegalArgumentException, IOException) as exc:
            return self._failure("input", f"load failed: {exc.Message or type(exc).__name__}")
        except (DisposedException, RuntimeException) as exc:
            return self._failure("crash", f"load: {exc.Message or type(exc).__name__}")
        if doc is None:
            return self._failure("input", "LibreOffice returned no document")
        try:
            filter_data = uno.Any(
                "[]com.sun.star.beans.PropertyValue", tuple(prop(k, v) for k, v in PDF_OPTIONS.items())
            )
            store_props = (prop("FilterName", PDF_FILTER), prop("FilterData", filter_data), prop("Overwrite", True))
            doc.storeToURL(uno.systemPathToFileUrl(dest), store_props)
        except IOException as exc:
            return self._failure("export", f"export failed: {exc.Message or type(exc).__name__}")
        except (DisposedException, RuntimeException) as exc:
            return self._failure("crash", f"export: {exc.Message or type(exc).__name__}")
        finally:
            self._close(doc)
        return {"ok": True}

    def _failure(self, kind: str, message: str) -> dict:
        if kind != "crash" and not self.alive():
            kind = "crash"  # what looked like a bad document was soffice dying under it
        return {"ok": False, "kind": kind, "message": message}

    @staticmethod
    def _close(doc) -> None:
        try:
            doc.close(True)
        except Exception:
            try:
                doc.dispose()
            except Exception:
                pass


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--soffice", required=True)
    ap.add_argument("--profile", required=True, type=Path)
    ap.add_argument("--pipe", required=True)
    ap.add_argument("--log", required=True, type=Path)
    ap.add_argument("--memory-mb", type=int, default=0)
    args = ap.parse_args(argv)

    # The protocol owns the real stdout; anything else printing to fd 1 lands on stderr.
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(obj: dict) -> None:
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    if args.memory_mb > 0:  # inherited by soffice
        limit = args.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGTERM, _kill_own_group)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides on Ctrl-C
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()

    log = open(args.log, "ab")
    try:
        office = Office(args.soffice, args.profile, args.pipe, log)
    except ImportError as exc:
        send({"event": "error", "kind": "nouno", "message": str(exc)})
        return 3
    try:
        pid = office.start()
    except StartError as exc:
        send({"event": "error", "kind": "start", "message": str(exc)})
        return 4
    send({"event": "ready", "soffice_pid": pid})
    try:
        for line in sys.stdin:
            req = json.loads(line)
            if req.get("cmd") == "quit":
                break
            reply = office.convert(req["src"], req["dest"])
            reply["id"] = req.get("id")
            send(reply)
            if reply.get("kind") == "crash":
                break  # the parent starts a fresh worker
    finally:
        office.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
