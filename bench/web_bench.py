"""Web UI latency: household page and search with 1,000 households under 10 concurrent clients.

    .venv/bin/python bench/web_bench.py [--households 1000] [--clients 10] [--requests 1000]

Makes a 1,000-household demo workspace (records only) and fills its search index with
synthetic volume pages (9 per household, ~800 characters of form-like Chinese, the index
bench's generator), starts `dibao serve` as a real process (uvicorn, one worker, as offices
run it) and measures:
  * start-up: from launching `dibao serve` to the first 200 of the town page;
  * p50/p95 latency of the household page (each request a random household; every view is
    also appended to the journal, as in use) and of search (head names and form phrases),
    10 clients at once over keep-alive connections.
Prints a Markdown block for bench/results.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import DIBAO, WORK, loadavg, median, percentile, run_cli  # noqa: E402


def make_workspace(out: Path, n: int) -> Path:
    if (out / "dibao.toml").is_file():
        return out
    run_cli(["demo", "--out", str(out), "-n", str(n), "--no-scans", "--no-run"])
    from bench import synth_docs
    from indexer.engine import Doc
    from indexer.index import open_index
    from indexer.pipeline import workspace_paths

    rng = random.Random(5)
    paths = workspace_paths(out)
    ix = open_index(paths["index"], "auto", key=paths["key"], root=out)
    for p in sorted((out / "households").rglob("*.json")):
        hh = json.loads(p.read_text("utf-8"))
        head = next(m for m in hh["members"] if m["relation"] == "本人")
        docs = []
        for c, cat in enumerate(("审批类", "日常管理类", "财务类")):
            for page in range(1, 4):
                title = synth_docs.TITLES[(c * 3 + page) % len(synth_docs.TITLES)]
                text = f"{hh['village']} {head['name']} {hh['case_no']} " + "，".join(
                    rng.sample(synth_docs.PHRASES, 6)) + " " + " ".join(m["name"] for m in hh["members"])
                docs.append(Doc(id=f"{hh['case_no']}/{cat}/{page}", group=f"a/{hh['case_no']}", text=text * 2,
                                household=hh["case_no"], head=head["name"], village=hh["village"],
                                town=hh["town"], type=hh["type"], category=cat, title=title, year=2025,
                                path=f"archive/{hh['village']}/{hh['case_no']}/{cat}.pdf", page=page))
        ix.replace(f"a/{hh['case_no']}", docs)
    ix.commit()
    ix.close()
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(port: int, urls: list[str], clients: int) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()
    queue = list(urls)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while True:
            with lock:
                if not queue:
                    break
                url = queue.pop()
            t = time.perf_counter()
            conn.request("GET", url)
            r = conn.getresponse()
            r.read()
            mine.append(time.perf_counter() - t)
            assert r.status == 200, (url, r.status)
        conn.close()
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--requests", type=int, default=1000)
    a = ap.parse_args()
    ws = make_workspace(WORK / f"web-{a.households}", a.households)
    records = [json.loads(p.read_text("utf-8")) for p in sorted((ws / "households").rglob("*.json"))]
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(DIBAO), "--workspace", str(ws), "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                c.request("GET", "/static/style.css")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.02)
            if proc.poll() is not None:
                raise SystemExit(proc.stderr.read().decode())
        ready = time.perf_counter() - t0
        load(port, ["/"], 1)
        first_page = time.perf_counter() - t0
        rng = random.Random(1)
        hh_urls = ["/household/" + quote(rng.choice(records)["case_no"]) for _ in range(a.requests)]
        words = [next(m["name"] for m in r["members"] if m["relation"] == "本人") for r in records]
        phrases = ["公示期满", "入户调查", "民主评议", "因病致贫"]
        s_urls = ["/search?q=" + quote(rng.choice(words) if i % 2 else rng.choice(phrases)) for i in range(a.requests)]
        la = loadavg()
        cold_t = load(port, hh_urls, a.clients)      # first views: record checked and audited on the way
        load(port, ["/household/" + quote(r["case_no"]) for r in records], 2)   # a server that has run a while
        hh_t = load(port, hh_urls, a.clients)
        s_t = load(port, s_urls, a.clients)
        la2 = loadavg()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    ms = lambda x: f"{x * 1000:.1f}"  # noqa: E731
    print(f"### Web UI (bench/web_bench.py), {a.households} households, {a.clients} concurrent clients, "
          f"{a.requests} requests each\n")
    print(f"- start-up of `dibao serve`: serving after {ready:.2f} s; first town page (audits every record) "
          f"after {first_page:.2f} s")
    print(f"- household page, first views (record checked and audited): p50 {ms(median(cold_t))} ms, "
          f"p95 {ms(percentile(cold_t, 95))} ms")
    print(f"- household page, seen before (record unchanged): p50 {ms(median(hh_t))} ms, "
          f"p95 {ms(percentile(hh_t, 95))} ms (each view journaled with fsync)")
    print(f"- search (head names and form phrases, index of {a.households * 9} pages): "
          f"p50 {ms(median(s_t))} ms, p95 {ms(percentile(s_t, 95))} ms")
    print(f"- load average before/after: {la} / {la2}; {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
