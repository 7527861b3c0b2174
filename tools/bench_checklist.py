"""Benchmark: what checklists add to a build (not a test; numbers vary by machine).

Builds a site of N copies of the seed post twice: with their ``Checklist:`` line
(each copy gets a page, PDF and Markdown file) and without it (plain task lists).
The difference of the median full-build times, divided by N, is the cost per
checklist article. It then rebuilds into the same output folder, where unchanged
PDFs and Markdown files are kept, and reads the per-checklist timings the plugin
logs at debug level (PDF + Markdown + page, per checklist). Prints a summary and
writes bench-results/checklist.json.

    .venv/bin/python -m tools.bench_checklist [--articles 40] [--runs 5]
"""

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "articles" / "2013" / "the-value-of-post-interview-follow-up.md"


def make_content(target, copies, with_checklist):
    shutil.copytree(ROOT / "content", target)
    text = SEED.read_text(encoding="utf-8")
    if not with_checklist:
        text = re.sub(r"^Checklist: .*\n", "", text, flags=re.M)
        text = re.sub(r"^  \{: remind=.*\n", "", text, flags=re.M)
    folder = target / "articles" / "bench"
    folder.mkdir()
    for number in range(copies):
        copy = text.replace(
            "Slug: the-value-of-post-interview-follow-up", f"Slug: bench-copy-{number}"
        )
        (folder / f"copy-{number}.md").write_text(copy, encoding="utf-8")


# Runs Pelican as `python -m pelican` would, collecting the per-checklist timings the
# plugin logs at debug level without turning on debug output for everything else.
BUILD = """
import json, logging, re, sys
from pelican import main
times = []
class Collect(logging.Handler):
    def emit(self, record):
        found = re.search(r"written in ([\\d.]+) ms", record.getMessage())
        if found:
            times.append(float(found.group(1)))
log = logging.getLogger("staffblog.checklist")
log.setLevel(logging.DEBUG)
log.addHandler(Collect())
log.propagate = False
main(sys.argv[1:])
print("TIMES", json.dumps(times))
"""


def build(content, output):
    command = [sys.executable, "-c", BUILD, str(content), "-o", str(output)]
    command += ["-s", str(ROOT / "pelicanconf.py"), "-q"]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = (time.perf_counter() - started) * 1000
    if result.returncode != 0:
        raise SystemExit(result.stdout + result.stderr)
    times = json.loads(result.stdout.rsplit("TIMES ", 1)[1])
    return elapsed, times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    n = args.articles
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        make_content(scratch / "with", n, with_checklist=True)
        make_content(scratch / "without", n, with_checklist=False)
        full = {"with": [], "without": []}
        cached = {"with": [], "without": []}
        fresh, rebuilt = [], []
        for run in range(args.runs):
            for kind in ("without", "with"):
                output = scratch / f"out-{kind}-{run}"
                elapsed, times = build(scratch / kind, output)
                full[kind].append(elapsed)
                fresh += times[1:]  # the first one also loads ReportLab and the fonts
                elapsed, times = build(scratch / kind, output)
                cached[kind].append(elapsed)
                rebuilt += times
        slug = "the-value-of-post-interview-follow-up"
        pdf = scratch / "out-with-0" / "checklists" / slug / f"{slug}-checklist.pdf"

        def per_article(times):
            return (statistics.median(times["with"]) - statistics.median(times["without"])) / n

        results = {
            "articles": n,
            "runs": args.runs,
            "full_build_ms": {k: statistics.median(v) for k, v in full.items()},
            "full_build_added_ms_per_checklist": per_article(full),
            "cached_rebuild_ms": {k: statistics.median(v) for k, v in cached.items()},
            "cached_rebuild_added_ms_per_checklist": per_article(cached),
            "pdf_md_page_ms_per_checklist_fresh": statistics.median(fresh),
            "pdf_md_page_ms_per_checklist_cached": statistics.median(rebuilt),
            "seed_pdf_bytes": pdf.stat().st_size,
            "seed_pdf_pages": len(PdfReader(pdf).pages),
        }
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "checklist.json").write_text(json.dumps(results, indent=2) + "\n")
    for key, value in results.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
