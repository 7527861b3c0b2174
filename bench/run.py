"""`make bench`: build speed against plain Pelican, and page weight, in one run.

On a generated corpus (bench/corpus.py) it measures
  (a) a full build of this site with every feature on,
  (b) plain Pelican 4.12, default theme, no plugins, same articles,
  (c) the rebuild `make devserver` does after one article is edited,
reporting wall time, per-article milliseconds and peak memory, the ratios a/b and
c/a against their targets, and each page type's weight. Results go to
bench-results/report.md and report.json; the full build stays in
bench-results/site/ for `make audit`.
"""

import argparse
import gzip
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup

from bench import corpus

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
TARGETS = {
    "full_vs_plain": 1.25,
    "rebuild_vs_full": 0.35,
    "checklist_ms_per_article": 10.0,
    "article_page_gzip_bytes": 20 * 1024,
}
PLAIN_SETTINGS = """
PATH = {content!r}
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
ARTICLE_EXCLUDES = ["authors"]
PAGE_EXCLUDES = ["authors"]
TIMEZONE = "America/New_York"
SITEURL = "http://127.0.0.1:8000"
PLUGINS = []
"""

logger = logging.getLogger("bench")


def measured(command, env=None):
    """Run ``command``; return (wall seconds, peak RSS in MiB, output, CPU seconds).

    CPU seconds are user plus system time of the process and the worker processes
    it waited for (Pelican's, Pagefind, the PDF and Markdown workers).
    """
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    output = process.stdout.read().decode(errors="replace")
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{output[-4000:]}")
    return wall, usage.ru_maxrss / 1024, output, usage.ru_utime + usage.ru_stime


# Runs Pelican as `python -m pelican` does, collecting the per-checklist timings the
# checklist module logs at debug level ("... written in N ms") without debug output.
WITH_CHECKLIST_TIMES = """
import json, logging, re, sys
def collected(logger_name, level, pattern, convert):
    values = []
    class Collect(logging.Handler):
        def emit(self, record):
            found = re.search(pattern, record.getMessage())
            if found:
                values.append([convert(group) for group in found.groups()])
    log = logging.getLogger(logger_name)
    log.setLevel(level)
    log.addHandler(Collect())
    log.propagate = False
    return values
times = collected(
    "staffblog.checklist", logging.DEBUG,
    r"written in ([\\d.]+) ms \\(its PDF took ([\\d.]+) ms", float,
)
# What the devserver prints after each build: "N of M pages rendered; ...".
pages = collected(
    "staffblog.unchanged_pages", logging.INFO, r"^(\\d+) of (\\d+) pages rendered", int
)
{build}
print("CHECKLIST-TIMES", json.dumps(times))
print("PAGES-RENDERED", json.dumps(pages))
"""
PELICAN_MAIN = "from pelican import main; main(sys.argv[1:])"
# The development server is one long-running process: it builds, the author saves
# an article, it rebuilds with the content cache, and the browser reloads (the search
# index follows in a thread). What the author waits for is that second build.
DEVSERVER_BUILD = """
import pathlib, threading, time
from tools.devserver import cached_build

def settle():
    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join()

overrides, edited = json.loads(sys.argv[1]), pathlib.Path(sys.argv[2])
cached_build("pelicanconf.py", overrides)
settle()
times.clear()  # count only the rebuild's checklist writes and pages
pages.clear()
edited.write_text(edited.read_text() + "\\nOne more sentence, added while previewing.\\n")
started, cpu = time.perf_counter(), time.process_time()
cached_build("pelicanconf.py", overrides)
print("REBUILD-SECONDS", time.perf_counter() - started)
print("REBUILD-CPU", time.process_time() - cpu)
settle()
"""


def checklist_times(output):
    return json.loads(output.rsplit("CHECKLIST-TIMES ", 1)[1].splitlines()[0])


def pages_rendered(output):
    """[(pages rendered, pages in all)] for each devserver build the output reports."""
    return json.loads(output.rsplit("PAGES-RENDERED ", 1)[1].splitlines()[0])


def full_build(content, output, extra_settings):
    code = WITH_CHECKLIST_TIMES.format(build=PELICAN_MAIN)
    command = [sys.executable, "-c", code, str(content), "-o", str(output)]
    command += ["-s", str(ROOT / "pelicanconf.py"), "--delete-output-directory"]
    command += ["-e", *[f"{key}={json.dumps(value)}" for key, value in extra_settings.items()]]
    return measured(command)


def plain_build(content, output, workdir):
    settings = workdir / "plainconf.py"
    settings.write_text(PLAIN_SETTINGS.format(content=str(content)))
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "-o",
        str(output),
        "-s",
        str(settings),
    ]
    command += ["--delete-output-directory"]
    return measured(command)


def devserver_rebuild(content, output, cache, extra_settings, edited):
    """Seconds of the devserver's rebuild after ``edited`` changed, peak MiB, output."""
    overrides = {"PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(cache)}
    overrides.update(extra_settings)
    code = WITH_CHECKLIST_TIMES.format(build=DEVSERVER_BUILD)
    _wall, peak, log, _cpu = measured(
        [sys.executable, "-c", code, json.dumps(overrides), str(edited)]
    )
    seconds = float(log.rsplit("REBUILD-SECONDS ", 1)[1].split()[0])
    # CPU of the rebuild alone (the devserver's process; it starts no worker then).
    rebuild_cpu = float(log.rsplit("REBUILD-CPU ", 1)[1].split()[0])
    return seconds, peak, log, rebuild_cpu


def local_assets(html_path, output, page_url):
    """CSS and JS files a page loads from our own site before any user action."""
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    urls = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    urls += [script["src"] for script in soup.find_all("script", src=True)]
    files, pending = [], [urljoin(page_url, url) for url in urls]
    while pending:
        url = pending.pop()
        parsed = urlparse(url)
        if parsed.netloc != urlparse(page_url).netloc:
            continue  # the comment server's script is loaded later, on demand
        path = output / parsed.path.lstrip("/")
        if path in files or not path.is_file():
            continue
        files.append(path)
        if path.suffix in (".js", ".mjs"):
            imports = re.findall(r'import\s[^"\']*?["\'](\.{1,2}/[^"\']+)["\']', path.read_text())
            pending += [urljoin(url, name) for name in imports]
    return files


def page_weight(output, url, site_origin="http://bench.local"):
    html_path = output / url / "index.html" if url.endswith("/") or not url else output / url
    page_url = f"{site_origin}/{url}"
    parts = {"html": [html_path], "css": [], "js": []}
    for path in local_assets(html_path, output, page_url):
        parts["css" if path.suffix == ".css" else "js"].append(path)
    weight = {}
    for kind, paths in parts.items():
        raw = sum(p.stat().st_size for p in paths)
        compressed = sum(len(gzip.compress(p.read_bytes(), 9)) for p in paths)
        weight[kind] = {
            "raw": raw,
            "gzip": compressed,
            "files": [str(p.relative_to(output)) for p in paths],
        }
    weight["total"] = {
        "raw": sum(weight[k]["raw"] for k in parts),
        "gzip": sum(weight[k]["gzip"] for k in parts),
    }
    return weight


def page_types(output, articles):
    """URL of each page type measured, found in the built site."""
    first = articles[0]  # has a checklist (every third) and comments (every tenth)
    article_url = next(
        str(p.parent.relative_to(output)) + "/"
        for p in output.glob("blog/*/*/*/*/index.html")
        if p.parent.name == first.stem
    )
    soup = BeautifulSoup((output / article_url / "index.html").read_text(), "html.parser")
    checklist = soup.select_one('a[href*="checklists/"]')
    types = {"home": "", "article": article_url, "author": "author/barbara-feldman/"}
    if checklist:
        types["checklist"] = urlparse(urljoin(f"http://x/{article_url}", checklist["href"])).path[
            1:
        ]
    return types


def ratio(numerator, denominator):
    return round(numerator / denominator, 3) if denominator else None


def scratch_folder():
    """Where builds are written: a RAM disk when there is one.

    Both builds then measure Pelican's work rather than the disk's metadata
    speed, which on virtual disks dwarfs it for the nested /blog/Y/M/D/slug/ tree.
    """
    base = os.environ.get("BENCH_TMP") or ("/dev/shm" if os.path.isdir("/dev/shm") else None)
    return Path(tempfile.mkdtemp(prefix="blog-bench-", dir=base))


def median(runs):
    """The run of median wall time."""
    ordered = sorted(runs, key=lambda run: run[0])
    return ordered[len(ordered) // 2]


def run(articles, repeat=5, keep_site=True):
    work = scratch_folder()
    content = work / "content"
    description = corpus.generate(content, articles)
    extra = corpus.site_settings(work, description)
    without_checklist = [a for a in description["articles"] if a not in description["checklists"]]
    edited = without_checklist[len(without_checklist) // 2]
    no_checklists = corpus.without_checklists(content, work / "content-without-checklists")
    builds = {
        "full": lambda: full_build(content, work / "full", extra),
        # (a) again, on the same articles without their "Checklist:" lines: what
        # checklists add to the author's wait is the difference.
        "no_checklists": lambda: full_build(no_checklists, work / "no-checklists", extra),
        "plain": lambda: plain_build(content, work / "plain", work),
        "rebuild": lambda: devserver_rebuild(
            content, work / "preview", work / "cache", extra, edited
        ),
    }
    # Rounds of every build in turn: a machine whose speed drifts (a shared virtual
    # machine does) then slows all of them alike instead of one.
    runs = {name: [] for name in builds}
    for round_number in range(1, repeat + 1):
        for name, build in builds.items():
            logger.info("round %d/%d: %s", round_number, repeat, name)
            runs[name].append(build())

    results = {
        "articles": articles,
        "repeat": repeat,
        "checklist_articles": len(description["checklists"]),
        "comments": description["comments"],
        "scratch": str(work.parent),
    }
    for name in builds:
        wall, peak, _log, cpu = median(runs[name])
        results[name] = {
            "seconds": round(wall, 3),
            "peak_mib": round(peak, 1),
            "cpu_seconds": round(cpu, 2),
            "ms_per_article": round(1000 * wall / articles, 2),
            "all_seconds": [round(run[0], 3) for run in runs[name]],
        }
    # The devserver's rebuild after the edit: pages it rendered, of all it wrote or kept.
    results["rebuild"]["pages_rendered"] = pages_rendered(median(runs["rebuild"])[2])[-1]
    times = checklist_times(median(runs["full"])[2])
    checklist_articles = len(description["checklists"])
    added = results["full"]["seconds"] - results["no_checklists"]["seconds"]
    results["checklist"] = {
        "written": len(times),
        # Wall time checklists add to the full build, per checklist article: (a) minus
        # (a) without checklists, medians.
        "ms_per_article": round(1000 * added / checklist_articles, 2)
        if checklist_articles
        else None,
        "ms_per_article_by_round": [
            round(1000 * (a[0] - n[0]) / checklist_articles, 2)
            for a, n in zip(runs["full"], runs["no_checklists"], strict=True)
        ]
        if checklist_articles
        else [],
        # The work behind it, per checklist: its page and Markdown file in the build, and
        # its PDF in the worker process beside the build.
        "work_ms_per_article": round(sum(t[0] + t[1] for t in times) / len(times), 2)
        if times
        else None,
        "pdf_render_ms_median": sorted(t[1] for t in times)[len(times) // 2] if times else None,
        # The edited article has no checklist: no PDF may be rendered again.
        "pdfs_rendered_on_rebuild": sum(
            1 for _page_ms, pdf_ms in checklist_times(median(runs["rebuild"])[2]) if pdf_ms > 0
        ),
    }
    results["ratios"] = {
        "full_vs_plain": ratio(results["full"]["seconds"], results["plain"]["seconds"]),
        "rebuild_vs_full": ratio(results["rebuild"]["seconds"], results["full"]["seconds"]),
        # The same, round by round (each pair ran minutes apart at most).
        "full_vs_plain_by_round": [
            ratio(a[0], b[0]) for a, b in zip(runs["full"], runs["plain"], strict=True)
        ],
        "rebuild_vs_full_by_round": [
            ratio(c[0], a[0]) for c, a in zip(runs["rebuild"], runs["full"], strict=True)
        ],
        # What the full build could take on this machine if its work kept every core busy.
        "full_cpu_floor_vs_plain": ratio(
            results["full"]["cpu_seconds"] / (os.cpu_count() or 1), results["plain"]["seconds"]
        ),
    }
    output = work / "full"
    results["page_weight"] = {
        name: page_weight(output, url)
        for name, url in page_types(output, description["articles"]).items()
    }
    results["targets"] = TARGETS
    results["verdicts"] = verdicts(results)
    if keep_site:
        site = RESULTS / "site"
        if site.exists():
            shutil.rmtree(site)
        shutil.copytree(output, site)
        results["page_urls"] = page_types(site, description["articles"])
    shutil.rmtree(work)
    return results


def verdicts(results):
    checks = {
        "full_vs_plain": results["ratios"]["full_vs_plain"],
        "rebuild_vs_full": results["ratios"]["rebuild_vs_full"],
        "checklist_ms_per_article": (results.get("checklist") or {}).get("ms_per_article"),
        "article_page_gzip_bytes": results["page_weight"]["article"]["total"]["gzip"],
    }
    return {
        name: {
            "value": value,
            "target": TARGETS[name],
            "met": value is not None and value <= TARGETS[name],
        }
        for name, value in checks.items()
    }


def markdown_report(results):
    lines = [
        "# Benchmark report",
        "",
        f"Corpus: {results['articles']} articles, {results['checklist_articles']} with checklists"
        + (f", {results['comments']} approved comments" if results.get("comments") else "")
        + f". {results['repeat']} rounds of the builds in turn; the median run of each"
        f" counts. Output on {results['scratch']}; {os.cpu_count()} cores.",
        "",
        "| build | wall s | ms/article | peak MiB | CPU s | every run, wall s |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    names = {
        "full": "(a) this site, every feature",
        "no_checklists": "(a) without checklists (for their cost)",
        "plain": "(b) plain Pelican, default theme",
        "rebuild": "(c) devserver rebuild, one edit",
    }
    for key, label in names.items():
        row = results[key]
        lines.append(
            f"| {label} | {row['seconds']} | {row['ms_per_article']} | {row['peak_mib']} "
            f"| {row['cpu_seconds']} | {', '.join(map(str, row['all_seconds']))} |"
        )
    lines += ["", "| target | value | limit | met |", "| --- | ---: | ---: | :---: |"]
    for name, verdict in results["verdicts"].items():
        mark = "yes" if verdict["met"] else "**NO**"
        lines.append(f"| {name} | {verdict['value']} | {verdict['target']} | {mark} |")
    ratios = results["ratios"]
    lines += [
        "",
        f"Round by round, a/b: {', '.join(map(str, ratios['full_vs_plain_by_round']))}; "
        f"c/a: {', '.join(map(str, ratios['rebuild_vs_full_by_round']))}. "
        f"(a)'s CPU time spread over every core would be {ratios['full_cpu_floor_vs_plain']} "
        "times (b)'s wall time: the floor of a/b on this machine.",
    ]
    checklist = results["checklist"]
    if checklist.get("written"):
        lines += [
            "",
            f"Checklists: {checklist['written']} written; they add "
            f"{checklist['ms_per_article']} ms of wall time per checklist article (round by "
            f"round: {', '.join(map(str, checklist['ms_per_article_by_round']))}). The work "
            f"behind each: {checklist['work_ms_per_article']} ms (page and Markdown file in the "
            f"build, PDF in a worker process; the PDF alone {checklist['pdf_render_ms_median']} ms"
            f" median). PDFs rendered again by the rebuild: "
            f"{checklist['pdfs_rendered_on_rebuild']}.",
        ]
    rendered, in_all = results["rebuild"]["pages_rendered"]
    lines += [
        "",
        f"Pages the rebuild rendered after the edit: {rendered} of {in_all} (the others were "
        "unchanged and kept; unchanged_pages.py).",
    ]
    lines += ["", "## Page weight (bytes, before the comment server's script)", ""]
    lines += [
        "| page | HTML | CSS | JS | total | total gzip |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page, weight in results["page_weight"].items():
        lines.append(
            f"| {page} | {weight['html']['raw']} | {weight['css']['raw']} | {weight['js']['raw']} "
            f"| {weight['total']['raw']} | {weight['total']['gzip']} |"
        )
    if results.get("lighthouse"):
        lines += [
            "",
            "## Lighthouse",
            "",
            "| page | performance | accessibility | best practices | SEO |",
        ]
        lines.append("| --- | ---: | ---: | ---: | ---: |")
        for page, scores in results["lighthouse"].items():
            lines.append(
                f"| {page} | {scores['performance']} | {scores['accessibility']} "
                f"| {scores['best-practices']} | {scores['seo']} |"
            )
    return "\n".join(lines) + "\n"


def write_report(results):
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "report.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (RESULTS / "report.md").write_text(markdown_report(results))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--articles", type=int, default=1000)
    parser.add_argument(
        "--repeat", type=int, default=5, help="rounds of the builds; the median run of each counts"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="bench: %(message)s")
    results = run(args.articles, args.repeat)
    write_report(results)
    sys.stdout.write(markdown_report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
