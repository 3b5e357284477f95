"""Search quality on real text: recall@1/@3 and MRR per kind of file, for both OCR engines and both
index backends, with OCR seconds per page, character error rate and peak memory.

The corpus is made from the policy documents in shared/seeds (text that is not in the demo):
disjoint passages of about 350 characters become

  word       .docx files                              (indexed through LibreOffice's page layout)
  trad_word  .docx files in traditional characters
  scan       200 dpi scans with wear (tilt, noise, blur, stains, JPEG), in PDFs
  trad_scan  the same in traditional characters
  photo      phone-like photos (perspective, uneven light, lower resolution) as .jpg

plus distractor .docx files from the remaining passages.  Queries are drawn from each passage's
source text before anything is indexed (fixed seed): a quoted phrase that wraps a printed line,
an unquoted word, and two words far apart (AND); each query holds in its passage only.  Every
file goes in through `dibao index add` (indexer.historical.add_historical), i.e. the product path.

    .venv/bin/python -m bench.search_eval [--per-kind 10] [--engines tesseract,rapidocr] [--out bench/results.md]

Each engine runs in a subprocess of its own, so its peak memory (the indexing process and its
tesseract children) is measured separately.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("DIBAO_SEEDS", "/work/shared/seeds"))
KINDS = ("word", "trad_word", "scan", "trad_scan", "photo")
DPI = 200
LINE_CHARS = 38
PASSAGE = 350


# ------------------------------------------------------------------ corpus

def passages() -> list[str]:
    """Passages of about PASSAGE characters from the seeds, cut at sentence ends."""
    out = []
    for f in sorted(SEEDS.glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        text = re.sub(r"(（一）|（二）|（三）|（四）)\1+", r"\1", text)
        text = re.sub(r"(.)\1{3,}", r"\1", text)   # pdf extraction artefacts (（（（（)
        text = re.sub(r"\s+", "", text)
        buf = ""
        for sent in re.split(r"(?<=[。；！？])", text):
            buf += sent
            if len(buf) >= PASSAGE:
                out.append(buf)
                buf = ""
    return [p for p in out if len(re.findall(r"[\u4e00-\u9fff]", p)) > 200]


def wrap(text: str) -> list[str]:
    return [text[i:i + LINE_CHARS] for i in range(0, len(text), LINE_CHARS)]


def _key(s: str) -> str:
    from indexer.textnorm import match_key

    return match_key(s)


def make_queries(rng: random.Random, text: str, others: list[str]) -> list[tuple[str, str]]:
    """(style, query) written from the source text; each must hold in this passage only."""
    from indexer.analysis import is_cjk

    lines = wrap(text)
    keys = [_key(o) for o in others]

    def unique(*parts) -> bool:
        return all(_key(p) in _key(text) for p in parts) and not any(all(_key(p) in k for p in parts) for k in keys)

    out = []
    for _ in range(200):   # a phrase across a line end
        i = rng.randrange(0, max(1, len(lines) - 1))
        cut = rng.randint(2, 4)
        q = lines[i][-cut:] + lines[i + 1][:rng.randint(2, 4)] if i + 1 < len(lines) else ""
        if q and is_cjk(q) and unique(q):
            out.append(("wrapped_phrase", f'"{q}"'))
            break
    for _ in range(200):   # a word
        n = rng.randint(4, 5)
        s = rng.randrange(0, len(text) - n)
        q = text[s:s + n]
        if is_cjk(q) and unique(q):
            out.append(("word", q))
            break
    for _ in range(400):   # two words far apart
        a, b = rng.randrange(0, len(text) // 2 - 3), rng.randrange(len(text) // 2, len(text) - 3)
        qa, qb = text[a:a + 3], text[b:b + 3]
        if is_cjk(qa) and is_cjk(qb) and unique(qa, qb) and not unique(qa) and not unique(qb):
            out.append(("two_words", f"{qa} {qb}"))
            break
    return out


def _font(size: int):
    from PIL import ImageFont

    from archive.pdffont import font_face

    path, index = font_face()
    return ImageFont.truetype(path, size, index=index)


def render_page(text: str):
    """A4 at DPI, 12 pt text, LINE_CHARS characters a line, black on white."""
    from PIL import Image, ImageDraw

    w, h = int(8.27 * DPI), int(11.69 * DPI)
    im = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(im)
    size = int(12 / 72 * DPI)
    font = _font(size)
    y = int(1.0 * DPI)
    for line in wrap(text):
        draw.text((int(1.0 * DPI), y), line, font=font, fill=0)
        y += int(size * 1.6)
    return im


def wear(im, rng: random.Random):
    """A worn 200 dpi scan: tilt, stains, speckle, blur, JPEG."""
    from PIL import Image, ImageDraw, ImageFilter

    im = im.rotate(rng.uniform(-0.8, 0.8), resample=Image.BICUBIC, fillcolor=255)
    draw = ImageDraw.Draw(im)
    for _ in range(rng.randint(2, 5)):   # stains
        x, y, r = rng.randrange(im.width), rng.randrange(im.height), rng.randint(30, 120)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=rng.randint(200, 235))
    px = im.load()
    for _ in range(im.width * im.height // 400):   # speckle
        px[rng.randrange(im.width), rng.randrange(im.height)] = rng.choice((0, 90, 255))
    im = im.filter(ImageFilter.GaussianBlur(0.7))
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=60, dpi=(DPI, DPI))
    return buf.getvalue()


def photo(im, rng: random.Random):
    """A phone photo of the page: perspective, uneven light, grey cast, 1200 px wide, JPEG."""
    from PIL import Image, ImageChops, ImageFilter

    w, h = im.size
    d = lambda: rng.uniform(0.0, 0.05)   # noqa: E731
    quad = (w * d(), h * d(), w * d(), h * (1 - d()), w * (1 - d()), h * (1 - d()), w * (1 - d()), h * d())
    im = im.transform((w, h), Image.QUAD, quad, resample=Image.BICUBIC, fillcolor=200)
    grad = Image.linear_gradient("L").rotate(rng.choice((0, 90, 180, 270))).resize((w, h))
    light = grad.point(lambda v: 185 + v * 70 // 255)   # one side of the page in the shade
    im = ImageChops.multiply(im, light)
    im = im.resize((1200, int(1200 * h / w)), Image.LANCZOS).filter(ImageFilter.GaussianBlur(0.5))
    buf = io.BytesIO()
    im.convert("RGB").save(buf, format="JPEG", quality=75)
    return buf.getvalue()


def build_corpus(folder: Path, per_kind: int, distractors: int, seed: int = 15) -> dict:
    """Files under folder/<kind>/ and the truth: {"docs": [{kind, file, text}], "queries": [...]}."""
    import docx
    import img2pdf
    import opencc

    rng = random.Random(seed)
    ps = passages()
    rng.shuffle(ps)
    need = per_kind * len(KINDS)
    if len(ps) < need:
        raise SystemExit(f"only {len(ps)} passages in {SEEDS}, need {need}")
    chosen, rest = ps[:need], ps[need:need + distractors]
    s2t = opencc.OpenCC("s2t")
    docs, queries = [], []
    for k, kind in enumerate(KINDS):
        (folder / kind).mkdir(parents=True, exist_ok=True)
        for i in range(per_kind):
            text = chosen[k * per_kind + i]
            shown = s2t.convert(text) if kind.startswith("trad") else text
            name = f"{kind}-{i:02d}"
            if kind in ("word", "trad_word"):
                f = folder / kind / f"{name}.docx"
                d = docx.Document()
                for line in re.split(r"(?<=。)", shown):
                    if line:
                        d.add_paragraph(line)
                d.save(f)
            elif kind in ("scan", "trad_scan"):
                f = folder / kind / f"{name}.pdf"
                f.write_bytes(img2pdf.convert(wear(render_page(shown), rng)))
            else:
                f = folder / kind / f"{name}.jpg"
                f.write_bytes(photo(render_page(shown), rng))
            docs.append({"kind": kind, "file": str(f), "text": text})
            others = [p for p in chosen + rest if p != text]
            for style, q in make_queries(rng, text, others):
                queries.append({"kind": kind, "file": str(f), "style": style, "query": q})
    (folder / "distractor").mkdir(exist_ok=True)
    for i, text in enumerate(rest):
        d = docx.Document()
        d.add_paragraph(text)
        d.save(folder / "distractor" / f"other-{i:02d}.docx")
    truth = {"docs": docs, "queries": queries}
    (folder / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


# ------------------------------------------------------------------ one engine (in a subprocess)

def cer(ref: str, got: str) -> float:
    """Content error rate: 1 - matched characters / reference characters (letters, digits, CJK)."""
    a, b = _key(ref), _key(got)
    if not a:
        return 0.0
    m = sum(x.size for x in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return 1 - m / len(a)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (tesseract), which load does not inflate."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run_engine(corpus: Path, work: Path, engine: str, backends: list[str]) -> dict:
    from indexer.extract import image_pages, pdf_pages
    from indexer.historical import add_historical
    from indexer.ocr import OcrCache
    from indexer.pipeline import search_workspace, workspace_paths

    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    ws = work / f"ws-{engine}"
    shutil.rmtree(ws, ignore_errors=True)
    ws.mkdir(parents=True)
    shared_word = corpus / "word-pages"   # LibreOffice layouts, made once for every engine
    if shared_word.is_dir():
        shutil.copytree(shared_word, workspace_paths(ws)["word_pdf"])
    out = {"engine": engine, "backends": {}}
    for n, backend in enumerate(backends):
        t0 = time.monotonic()
        add_historical([corpus / k for k in ("word", "trad_word", "distractor")], ws, backend=backend,
                       ocr_engine=engine, ocr_engine_photos=engine)
        t1, c1 = time.monotonic(), _cpu()
        r = add_historical([corpus / k for k in ("scan", "trad_scan", "photo")], ws, backend=backend,
                           ocr_engine=engine, ocr_engine_photos=engine)   # photos too: each engine on every kind
        t2, c2 = time.monotonic(), _cpu()
        if n == 0:
            out["word_seconds"] = round(t1 - t0, 1)
            out["ocr_pages"] = r["ocr_pages"]
            out["ocr_seconds"] = round(t2 - t1, 1)
            out["ocr_cpu_seconds"] = round(c2 - c1, 1)
            if not shared_word.is_dir():
                shutil.copytree(workspace_paths(ws)["word_pdf"], shared_word)
        rows = []
        for q in truth["queries"]:
            res = search_workspace(ws, q["query"], limit=30, backend=backend)
            files = list(dict.fromkeys(h.pdf_path for h in res.hits))
            want = str(Path(q["file"]).resolve())
            rank = files.index(want) + 1 if want in files else 0
            rows.append({**q, "rank": rank, "near": res.approximate})
        out["backends"][backend] = rows
    cache = OcrCache(workspace_paths(ws)["ocr_cache"], engine=engine)
    errs = {}
    for d in truth["docs"]:
        f = Path(d["file"])
        if f.suffix == ".pdf":
            got = "\n".join(pdf_pages(f, cache))
        elif f.suffix == ".jpg":
            got = "\n".join(image_pages(f, cache))
        else:
            continue
        from indexer.textnorm import normalize

        errs.setdefault(d["kind"], []).append(cer(d["text"], normalize(got)))
    out["cer"] = {k: sum(v) / len(v) for k, v in errs.items()}
    return out


# ------------------------------------------------------------------ report

def summarize(rows: list[dict]) -> dict:
    by = {}
    for r in rows:
        by.setdefault(r["kind"], []).append(r["rank"])
    out = {}
    for kind in KINDS:
        ranks = by.get(kind, [])
        if ranks:
            out[kind] = {"n": len(ranks), "r1": sum(1 for x in ranks if x == 1) / len(ranks),
                         "r3": sum(1 for x in ranks if 1 <= x <= 3) / len(ranks),
                         "mrr": sum(1 / x for x in ranks if x) / len(ranks)}
    return out


def report(results: list[dict], per_kind: int, n_queries: int, peak: dict, load: str) -> str:
    lines = [f"Held-out style corpus from shared/seeds (not the demo): {per_kind} files per kind, "
             f"{n_queries} queries (wrapped phrase, word, two words), distractor Word files beside them; "
             f"every file through `dibao index add`. Load average at the end: {load} (2 cores shared).", "",
             "| OCR engine | backend | kind | queries | recall@1 | recall@3 | MRR |", "|---|---|---|---|---|---|---|"]
    for res in results:
        for backend, rows in res["backends"].items():
            for kind, s in summarize(rows).items():
                lines.append(f"| {res['engine']} | {backend} | {kind} | {s['n']} | {s['r1']:.0%} | {s['r3']:.0%} | "
                             f"{s['mrr']:.3f} |")
    lines += ["", "| OCR engine | OCR s/page (wall, 2 workers) | OCR CPU s/page | pages | CER scan | CER trad_scan | "
              "CER photo | peak memory (indexing process tree) |", "|---|---|---|---|---|---|---|---|"]
    for res in results:
        c = res["cer"]
        per = res["ocr_seconds"] / res["ocr_pages"] if res["ocr_pages"] else float("nan")
        cpu = res.get("ocr_cpu_seconds", float("nan")) / res["ocr_pages"] if res["ocr_pages"] else float("nan")
        lines.append(f"| {res['engine']} | {per:.2f} | {cpu:.2f} | {res['ocr_pages']} | {c.get('scan', 0):.1%} | "
                     f"{c.get('trad_scan', 0):.1%} | {c.get('photo', 0):.1%} | {peak.get(res['engine'], 0):.0f} MB |")
    lines += ["", "By query style (first backend, right file first):", ""]
    for res in results:
        rows = next(iter(res["backends"].values()))
        styles = {}
        for r in rows:
            styles.setdefault(r["style"], []).append(r["rank"] == 1)
        near = [r for r in rows if r.get("near")]
        lines.append(f"- {res['engine']}: " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in styles.items())
                     + f"; answered by near matches (no exact page, one character off): {len(near)}, "
                       f"right file first in {sum(r['rank'] == 1 for r in near)}")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-kind", type=int, default=10)
    ap.add_argument("--distractors", type=int, default=30)
    ap.add_argument("--engines", default="tesseract,rapidocr")
    ap.add_argument("--backends", default="tantivy,whoosh")
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "search_eval")
    ap.add_argument("--out", type=Path, default=None, help="append the tables to this markdown file")
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)   # internal: run one engine, print JSON
    args = ap.parse_args()
    corpus = args.work / "corpus"
    backends = [b for b in args.backends.split(",") if b]
    if args.one:
        print(json.dumps(run_engine(corpus, args.work, args.one, backends), ensure_ascii=False))
        return
    shutil.rmtree(args.work, ignore_errors=True)
    truth = build_corpus(corpus, args.per_kind, args.distractors)
    results, peak = [], {}
    for engine in [e for e in args.engines.split(",") if e]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "bench.search_eval", "--one", engine, "--work", str(args.work),
                               "--backends", ",".join(backends)], cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(proc.stderr[-3000:])
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        peak[engine] = max(after, before) / 1024   # KB -> MB (a lower bound when an earlier run was bigger)
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        res["wall"] = time.monotonic() - t0
        results.append(res)
        print(f"{engine}: {res['wall']:.0f} s", file=sys.stderr, flush=True)
    text = report(results, args.per_kind, len(truth["queries"]), peak, " ".join(f"{x:.1f}" for x in os.getloadavg()))
    (args.work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(text)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
