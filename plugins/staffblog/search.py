"""Full-text search: index the written site with Pagefind (README, "Search index").

Pagefind reads only the files articles, pages and checklists are saved as. The last two
bundles (the preview's, the publish's) are kept in ``CACHE_PATH/staffblog/search`` under
a hash of every file Pagefind reads, and linked from there when none changed. A bundle
replaces the site's only when whole."""

import glob
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess

from . import settings as plugin_settings
from .files import place

logger = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"  # in the output; theme/templates/search.html loads it from there
# Output files that can be searchable; Pagefind then skips reading every listing page.
SEARCHABLE = ("ARTICLE_SAVE_AS", "PAGE_SAVE_AS", "CHECKLIST_SAVE_AS")


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why."""


def pagefind_executable():
    from pagefind.service import get_executable  # brings asyncio: only when indexing

    path = get_executable()  # the pagefind_bin wheel's binary, or $PAGEFIND_BINARY_PATH
    if path is None or not os.access(path, os.X_OK):
        raise SearchIndexError(
            f"Pagefind binary not found ({path or 'no pagefind_bin package'}): "
            "install the pinned 'pagefind[bin]' (make html does)"
        )
    return str(path)


def indexed_pages(bundle):
    entry_file = os.path.join(bundle, "pagefind-entry.json")
    try:
        with open(entry_file, encoding="utf-8") as handle:
            entry = json.load(handle)
        return sum(language["page_count"] for language in entry["languages"].values())
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SearchIndexError(f"{entry_file}: unreadable Pagefind entry file: {exc}") from exc


def searchable_patterns(settings):
    """Globs of the files articles, pages and checklists are saved as."""
    names = [settings.get(name) or plugin_settings.get(settings, name) for name in SEARCHABLE]

    def stars(field):  # a "*" for each path segment a field makes: {date:%Y/%m/%d} is */*/*
        return "/".join(["*"] * (field[0].count("/") + 1))

    return sorted({re.sub(r"\{[^}]*\}", stars, name) for name in names})


def searchable_digest(output, settings, executable):
    """A hash of Pagefind's version and of every file it indexes, path and bytes."""
    patterns = searchable_patterns(settings)
    pattern = re.compile("|".join(re.escape(p).replace(r"\*", "[^/]*") for p in patterns))
    digest = hashlib.sha256(executable.encode())
    digest.update(str(os.stat(executable).st_size).encode())
    for folder, dirs, files in sorted(os.walk(output)):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, output)
            if pattern.fullmatch(relative):
                digest.update(relative.encode() + b"\0")
                with open(path, "rb") as handle:
                    digest.update(handle.read())
    return digest.hexdigest()


def run_pagefind(output, settings, executable, staging):
    timeout = plugin_settings.get(settings, "STAFFBLOG_SEARCH_TIMEOUT")
    command = [executable, "--site", output, "--output-path", staging]
    command += ["--quiet", "--glob", "{" + ",".join(searchable_patterns(settings)) + "}"]
    try:
        finished = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise SearchIndexError(f"Pagefind took more than {timeout} s indexing {output}") from exc
    except OSError as exc:
        raise SearchIndexError(f"could not run Pagefind on {output}: {exc}") from exc
    report = " ".join((finished.stdout + finished.stderr).split())
    if finished.returncode != 0:
        raise SearchIndexError(
            f"Pagefind failed (exit {finished.returncode}) indexing {output}: {report}"
        )
    if indexed_pages(staging) == 0:
        raise SearchIndexError(f"Pagefind indexed no page in {output}")
    if report:
        logger.warning("%s: Pagefind reported: %s", output, report)


def index_site(output_path, settings):
    """Write the site's search bundle, from the cache or by Pagefind; a failure is logged as
    an error (it stops a publish)."""
    output = os.path.abspath(output_path)
    staging = os.path.join(output, f".{BUNDLE_DIR}-staging")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        executable = pagefind_executable()
        cache = plugin_settings.cache_folder(settings, "search")
        cached = os.path.join(cache, searchable_digest(output, settings, executable))
        source = "the cache" if os.path.isdir(cached) else "Pagefind"
        if source == "the cache":
            shutil.copytree(cached, staging, copy_function=place)
            os.utime(cached)
        else:
            run_pagefind(output, settings, executable, staging)
            for old in sorted(glob.glob(os.path.join(cache, "*")), key=os.path.getmtime)[:-1]:
                shutil.rmtree(old, ignore_errors=True)
            # A build stopped half-way through this copy left part of it: the same files.
            shutil.copytree(staging, f"{cached}.tmp", copy_function=place, dirs_exist_ok=True)
            os.rename(f"{cached}.tmp", cached)
        pages = indexed_pages(staging)
        shutil.rmtree(os.path.join(output, BUNDLE_DIR), ignore_errors=True)
        os.rename(staging, os.path.join(output, BUNDLE_DIR))
    except SearchIndexError as exc:
        logger.error("search index: %s", exc)
        return
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # what a failed index left
    logger.info("search index: %d pages, from %s", pages, source)
