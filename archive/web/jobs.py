"""Long work started from the web (build, index, audit): one at a time, in the background.

Each job runs the dibao command itself (`dibao --workspace ROOT build`) in a child process, so
it is exactly the command line's work, under the command's own workspace lock (a job refused
because a clerk runs `dibao build` at the same time says so), and its progress lines (the
command's stderr) are shown in the page while it runs.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field

KINDS = {"build": ("生成卷宗", ["build"]), "index": ("更新检索索引", ["index"]), "audit": ("查缺补漏", ["audit"]),
         "inbox": ("整理扫描件（inbox/）", ["inbox"]), "inbox-apply": ("按待确认表归档扫描件", ["inbox", "--apply"])}


@dataclass
class Job:
    kind: str
    title: str
    user: str
    started: float = field(default_factory=time.time)
    ended: float | None = None
    code: int | None = None
    lines: deque = field(default_factory=lambda: deque(maxlen=40))

    @property
    def running(self) -> bool:
        return self.ended is None

    @property
    def state(self) -> str:
        if self.running:
            return "进行中"
        return {0: "完成", 1: "完成（发现问题，见输出）", 7: "工作区正忙，未运行"}.get(self.code, f"出错（退出码 {self.code}）")


class Jobs:
    def __init__(self, ws):
        self.ws = ws
        self.current: Job | None = None
        self.history: deque[Job] = deque(maxlen=10)
        self._lock = threading.Lock()

    def start(self, kind: str, user: str) -> str:
        if kind not in KINDS:
            return "没有这种任务"
        with self._lock:
            if self.current is not None and self.current.running:
                return f"已有任务在进行：{self.current.title}，请等它结束"
            title, args = KINDS[kind]
            job = Job(kind, title, user)
            self.current = job
            self.history.appendleft(job)
        threading.Thread(target=self._run, args=(job, args), daemon=True).start()
        return f"已开始：{title}"

    def _run(self, job: Job, args: list[str]) -> None:
        cmd = [sys.executable, "-c", "import cli; cli.run()", "--workspace", str(self.ws.root), *args]
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                    encoding="utf-8", errors="replace", bufsize=1)
            buf, redraw = "", False
            while True:
                ch = proc.stdout.read(1)
                if not ch:
                    break
                if ch in "\r\n":
                    if buf.strip():
                        if redraw and job.lines:
                            job.lines[-1] = buf.strip()   # a progress bar redrawing its line
                        else:
                            job.lines.append(buf.strip())
                        redraw = ch == "\r"
                    buf = ""
                else:
                    buf += ch
            if buf.strip():
                job.lines.append(buf.strip())
            job.code = proc.wait()
        except OSError as exc:
            job.lines.append(f"无法启动：{exc}")
            job.code = -1
        job.ended = time.time()
