"""`make bench`: build speed against plain Pelican, cached builds, and page weight.

On a generated corpus (bench/corpus.py) it measures
  (a) a cold full build of this site (`make html` with an empty cache), every feature on,
  (a') the same on the same articles without their "Checklist:" lines (what checklists add),
  (b) plain Pelican 4.12, default theme, no plugins, same articles,
  (c) the rebuild `make devserver` does after an edit inside one post's text,
  (d) a cold `make publish` (empty cache), (e) `make publish` again with nothing changed,
  (f) `make publish` after one post changed (both into a fresh folder, as cron runs it),
reporting wall and CPU time, peak memory, the ratios against their targets, the
plugin's size, and each page type's weight. Results go to bench-results/report.md and
report.json; the full build stays in bench-results/site/ for `make audit`.
"""

import argparse
import datetime
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
from pelican.settings import read_settings

from bench import corpus

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
PLUGIN = ROOT / "plugins" / "staffblog"
TARGETS = {
    "full_vs_plain": 1.5,
    "rebuild_cpu_seconds": 1.0,
    "publish_unchanged_vs_cold_cpu": 0.3,
    "publish_one_change_vs_cold_cpu": 0.3,
    "checklist_ms_per_article": 10.0,
    "article_page_gzip_bytes": 20 * 1024,
    "plugin_lines": 2500,
    "largest_module_lines": 300,
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
EDIT = "\nOne more sentence, added while previewing.\n"

logger = logging.getLogger("bench")


def measured(command, env=None):
    """Run ``command``; return (wall seconds, peak RSS in MiB, output, CPU seconds).

    CPU seconds are user plus system time of the process and of every process it
    waited for (Pagefind, the PDF workers, the build `make publish` starts).
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


def settings_options(extra_settings):
    return ["-e", *[f"{key}={json.dumps(value)}" for key, value in extra_settings.items()]]


def full_build(content, output, cache, extra_settings):
    """`make html` with an empty cache."""
    shutil.rmtree(cache, ignore_errors=True)
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(output)]
    command += ["-s", str(ROOT / "pelicanconf.py"), "--delete-output-directory"]
    command += ["--cache-path", str(cache), *settings_options(extra_settings)]
    result = measured(command)
    shutil.rmtree(cache, ignore_errors=True)
    return result


def plain_build(content, output, workdir):
    settings = workdir / "plainconf.py"
    settings.write_text(PLAIN_SETTINGS.format(content=str(content)))
    command = [sys.executable, "-m", "pelican", str(content), "-o", str(output)]
    command += ["-s", str(settings), "--delete-output-directory"]
    return measured(command)


# The development server is one long-running process: it builds, the author saves a
# post, it rebuilds with the cache, and the browser reloads. What the author waits for
# is that second build; the script reports its wall and CPU time and what it rendered.
DEVSERVER = """
import json, logging, pathlib, sys, time
from tools.devserver import PreviewBuilds

rendered = []
class Collect(logging.Handler):
    def emit(self, record):
        rendered.append(record.getMessage())
logging.getLogger("staffblog.preview").addHandler(Collect())
logging.getLogger("staffblog.preview").setLevel(logging.INFO)
arguments, edited, page = json.loads(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
builds = PreviewBuilds(arguments)
builds.build()
edited.write_text(edited.read_text() + EDIT)
started, cpu = time.perf_counter(), time.process_time()
builds.build()
print("REBUILD", json.dumps({
    "seconds": time.perf_counter() - started,
    "cpu": time.process_time() - cpu,
    "rendered": rendered[-1] if rendered else "every page",
    "edit_shown": "added while previewing" in pathlib.Path(page).read_text(),
}))
""".replace("EDIT", repr(EDIT))


def devserver_rebuild(content, output, cache, extra_settings, edited, page):
    shutil.rmtree(cache, ignore_errors=True)
    arguments = [str(content), "-o", str(output), "-s", str(ROOT / "pelicanconf.py")]
    arguments += ["--cache-path", str(cache), *settings_options(extra_settings)]
    original = edited.read_text()
    try:
        command = [sys.executable, "-c", DEVSERVER, json.dumps(arguments), str(edited)]
        _wall, peak, log, _cpu = measured([*command, str(output / page / "index.html")])
    finally:
        edited.write_text(original)
    rebuild = json.loads(log.rsplit("REBUILD ", 1)[1].splitlines()[0])
    return rebuild["seconds"], peak, log, rebuild["cpu"], rebuild


def publish(content, output, cache, extra_env):
    command = [sys.executable, "-m", "tools.publish", "--content", str(content)]
    command += ["--output", str(output), "--settings", str(ROOT / "publishconf.py")]
    return measured([*command, "--", "--cache-path", str(cache)], env=extra_env)


def publishes(content, output, cache, extra_env, edited):
    """(d) cold, (e) nothing changed, (f) one post changed: each into a fresh folder."""
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(output, ignore_errors=True)
    cold = publish(content, output, cache, extra_env)
    unchanged = publish(content, output, cache, extra_env)
    original = edited.read_text()
    try:
        edited.write_text(original + EDIT)
        one_change = publish(content, output, cache, extra_env)
    finally:
        edited.write_text(original)
    return cold, unchanged, one_change


def plugin_size():
    lines = {path.name: len(path.read_text().splitlines()) for path in PLUGIN.glob("*.py")}
    largest = max(lines, key=lines.get)
    return {"lines": sum(lines.values()), "largest": largest, "largest_lines": lines[largest]}


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


def page_file(output, url):
    """The file the site serves at ``url`` (a path relative to the site's root)."""
    return output / url / "index.html" if url.endswith("/") or not url else output / url


def page_weight(output, url, site_origin="http://bench.local"):
    html_path = page_file(output, url)
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
    """URL of each page type measured, found in the built site.

    The first article (it has a checklist, comments and an image) and the pages its
    links lead to: its checklist, that checklist's index, its author, a tag and its
    category; the search page the header's form sends to; the index pages and the
    404 page where the settings save them (each checked to exist).
    """
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    first = articles[0]
    article = next(
        str(p.parent.relative_to(output)) + "/"
        for p in output.glob("blog/*/*/*/*/index.html")
        if p.parent.name == first.stem
    )

    def html(url):
        return BeautifulSoup(page_file(output, url).read_text(encoding="utf-8"), "html.parser")

    def linked(url, selector, attribute="href"):
        element = html(url).select_one(selector)
        if element is None:
            return None
        return urlparse(urljoin(f"http://site/{url}", element[attribute])).path[1:]

    published = html(article).select_one("time.dt-published")["datetime"]
    published = datetime.datetime.fromisoformat(published)
    checklist = linked(article, 'a[href*="checklists/"]')
    types = {
        "home": "",
        "article": article,
        "checklist": checklist,
        "checklists": checklist and linked(checklist, ".checklist__back a + a"),
        "author": linked(article, "a.p-author"),
        "authors": settings["AUTHORS_URL"],
        "search": linked("", 'form[role="search"]', "action"),
        "page": settings["PAGE_URL"].format(slug="about"),
        "tag": linked(article, 'a[rel="tag"]'),
        "tags": settings["TAGS_URL"],
        "category": linked(article, ".post__kicker a"),
        "categories": settings["CATEGORIES_URL"],
        "archives": settings["ARCHIVES_URL"],
        "year": settings["YEAR_ARCHIVE_URL"].format(date=published),
        "404": settings["NOTFOUND_SAVE_AS"],
    }
    return {
        name: url
        for name, url in types.items()
        if url is not None and page_file(output, url).is_file()
    }


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


def summary(runs, articles):
    wall, peak = median(runs)[:2]
    cpu = sorted(run[3] for run in runs)
    return {
        "seconds": round(wall, 3),
        "peak_mib": round(peak, 1),
        "cpu_seconds": round(cpu[len(cpu) // 2], 2),
        "ms_per_article": round(1000 * wall / articles, 2),
        "all_seconds": [round(run[0], 3) for run in runs],
        "all_cpu_seconds": [round(run[3], 2) for run in runs],
    }


def run(articles, repeat=3, keep_site=True):
    work = scratch_folder()
    content = work / "content"
    description = corpus.generate(content, articles)
    extra = corpus.site_settings(work, description)
    without_checklist = [a for a in description["articles"] if a not in description["checklists"]]
    edited = without_checklist[len(without_checklist) // 2]
    edited_page = corpus.article_path(description["articles"].index(edited)).strip("/")
    no_checklists = corpus.without_checklists(content, work / "content-without-checklists")
    publish_env = {"ISSO_DB_PATH": extra["ISSO_DB_PATH"]}
    builds = {
        "full": lambda: full_build(content, work / "full", work / "cache-full", extra),
        "no_checklists": lambda: full_build(
            no_checklists, work / "no-checklists", work / "cache-no-checklists", extra
        ),
        "plain": lambda: plain_build(content, work / "plain", work),
        "rebuild": lambda: devserver_rebuild(
            content, work / "preview", work / "cache-preview", extra, edited, edited_page
        ),
        "publish": lambda: publishes(
            content, work / "public", work / "cache-publish", publish_env, edited
        ),
    }
    # Rounds of every build in turn: a machine whose speed drifts (a shared virtual
    # machine does) then slows all of them alike instead of one.
    runs = {name: [] for name in builds}
    for round_number in range(1, repeat + 1):
        for name, build in builds.items():
            logger.info("round %d/%d: %s", round_number, repeat, name)
            runs[name].append(build())
    runs["publish_cold"] = [cold for cold, _unchanged, _one in runs["publish"]]
    runs["publish_unchanged"] = [unchanged for _cold, unchanged, _one in runs["publish"]]
    runs["publish_one_change"] = [one for _cold, _unchanged, one in runs["publish"]]
    del runs["publish"]

    results = {
        "articles": articles,
        "repeat": repeat,
        "checklist_articles": len(description["checklists"]),
        "comments": description["comments"],
        "scratch": str(work.parent),
        "plugin": plugin_size(),
    }
    for name, name_runs in runs.items():
        results[name] = summary(name_runs, articles)
    rebuild = median(runs["rebuild"])[4]
    results["rebuild"]["pages_rendered"] = rebuild["rendered"]
    results["rebuild"]["edit_shown"] = all(run[4]["edit_shown"] for run in runs["rebuild"])
    checklist_articles = len(description["checklists"])
    added = results["full"]["seconds"] - results["no_checklists"]["seconds"]
    results["checklist"] = {
        # Wall time checklists add to the full build, per checklist article: (a) minus
        # (a') without checklists, medians.
        "ms_per_article": round(1000 * added / checklist_articles, 2)
        if checklist_articles
        else None,
        "ms_per_article_by_round": [
            round(1000 * (a[0] - n[0]) / checklist_articles, 2)
            for a, n in zip(runs["full"], runs["no_checklists"], strict=True)
        ]
        if checklist_articles
        else [],
    }
    cold_cpu = results["publish_cold"]["cpu_seconds"]
    results["ratios"] = {
        "full_vs_plain": ratio(results["full"]["seconds"], results["plain"]["seconds"]),
        "full_vs_plain_by_round": [
            ratio(a[0], b[0]) for a, b in zip(runs["full"], runs["plain"], strict=True)
        ],
        "publish_unchanged_vs_cold_cpu": ratio(
            results["publish_unchanged"]["cpu_seconds"], cold_cpu
        ),
        "publish_one_change_vs_cold_cpu": ratio(
            results["publish_one_change"]["cpu_seconds"], cold_cpu
        ),
        # What the full build could take on this machine if its work kept every core busy.
        "full_cpu_floor_vs_plain": ratio(
            results["full"]["cpu_seconds"] / (os.cpu_count() or 1), results["plain"]["seconds"]
        ),
    }
    output = work / "full"
    full_build(content, output, work / "cache-full", extra)  # the site to weigh and keep
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
        # The comments the site was built with, for the comment server `make audit` starts.
        shutil.copyfile(description["comments_db"], RESULTS / "comments.db")
        results["page_urls"] = page_types(site, description["articles"])
    shutil.rmtree(work)
    return results


def verdicts(results):
    ratios = results["ratios"]
    checks = {
        "full_vs_plain": ratios["full_vs_plain"],
        "rebuild_cpu_seconds": results["rebuild"]["cpu_seconds"],
        "publish_unchanged_vs_cold_cpu": ratios["publish_unchanged_vs_cold_cpu"],
        "publish_one_change_vs_cold_cpu": ratios["publish_one_change_vs_cold_cpu"],
        "checklist_ms_per_article": (results.get("checklist") or {}).get("ms_per_article"),
        "article_page_gzip_bytes": results["page_weight"]["article"]["total"]["gzip"],
        "plugin_lines": results["plugin"]["lines"],
        "largest_module_lines": results["plugin"]["largest_lines"],
    }
    verdict = {
        name: {
            "value": value,
            "target": TARGETS[name],
            "met": value is not None and value <= TARGETS[name],
        }
        for name, value in checks.items()
    }
    if not results["rebuild"]["edit_shown"]:
        verdict["rebuild_cpu_seconds"]["met"] = False
    return verdict


BUILD_NAMES = {
    "full": "(a) this site, cold `make html`",
    "no_checklists": "(a') the same without checklists",
    "plain": "(b) plain Pelican, default theme",
    "rebuild": "(c) devserver rebuild, one edit in a post's text",
    "publish_cold": "(d) `make publish`, empty cache",
    "publish_unchanged": "(e) `make publish`, nothing changed",
    "publish_one_change": "(f) `make publish`, one post changed",
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
        "| build | wall s | CPU s | ms/article | peak MiB | every run, wall s |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for key, label in BUILD_NAMES.items():
        row = results[key]
        lines.append(
            f"| {label} | {row['seconds']} | {row['cpu_seconds']} | {row['ms_per_article']} "
            f"| {row['peak_mib']} | {', '.join(map(str, row['all_seconds']))} |"
        )
    lines += ["", "| target | value | limit | met |", "| --- | ---: | ---: | :---: |"]
    for name, verdict in results["verdicts"].items():
        mark = "yes" if verdict["met"] else "**NO**"
        lines.append(f"| {name} | {verdict['value']} | {verdict['target']} | {mark} |")
    ratios, rebuild, plugin = results["ratios"], results["rebuild"], results["plugin"]
    lines += [
        "",
        f"Round by round, a/b: {', '.join(map(str, ratios['full_vs_plain_by_round']))}. "
        f"(a)'s CPU time spread over every core would be {ratios['full_cpu_floor_vs_plain']} "
        "times (b)'s wall time: the floor of a/b on this machine.",
        "",
        f"Checklists add {results['checklist']['ms_per_article']} ms of wall time per checklist "
        f"article (round by round: "
        f"{', '.join(map(str, results['checklist']['ms_per_article_by_round']))}).",
        "",
        f"The devserver's rebuild: {rebuild['pages_rendered']}; the edit "
        f"{'shows' if rebuild['edit_shown'] else '**does not show**'} on the edited page.",
        "",
        f"Plugin: {plugin['lines']} lines of Python; the largest module, {plugin['largest']}, "
        f"has {plugin['largest_lines']}.",
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
        "--repeat", type=int, default=3, help="rounds of the builds; the median run of each counts"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="bench: %(message)s")
    results = run(args.articles, args.repeat)
    write_report(results)
    sys.stdout.write(markdown_report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
