"""Full-text search: index the written site with Pagefind once Pelican has finished.

Runs at the ``finalized`` signal, so every build indexes: ``make html``,
``make regenerate``, the development server, the tests, and ``make publish``
(which builds with ``--fatal warnings`` into a staging folder: a failed index is
an error there, so the publish stops and the live site stays as it was).

Pagefind indexes only the elements marked ``data-pagefind-body``: the theme puts
it on published articles and pages, and checklist pages carry it too; listings,
drafts, the search page and the 404 page have none and stay out of the index.

The binary comes from the ``pagefind[bin]`` wheel (``PAGEFIND_BINARY_PATH`` in
the environment points at another one). The bundle is written beside the site
first and swapped in only when Pagefind succeeded, so a failed run never leaves
a half-written index.
"""

import json
import logging
import os
import re
import shutil
import subprocess
import threading
import time

from pagefind.service import get_executable
from pelican import signals

from . import settings as plugin_settings

logger = logging.getLogger(__name__)

# Folder of the search bundle in the output; theme/templates/search.html loads
# pagefind/pagefind.js from here.
BUNDLE_DIR = "pagefind"
# Output files that can be searchable; Pagefind then skips reading every listing page.
SEARCHABLE_SAVE_AS = ("ARTICLE_SAVE_AS", "PAGE_SAVE_AS", "CHECKLIST_SAVE_AS")
# One index at a time: the development server may start a build while one indexes.
_indexing = threading.Lock()


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why."""


def pagefind_executable():
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


def folder_size(path):
    return sum(
        os.path.getsize(os.path.join(folder, name))
        for folder, _dirs, files in os.walk(path)
        for name in files
    )


def searchable_glob(settings):
    """A Pagefind glob of the files articles, pages and checklists are saved as."""

    def save_as(name):
        return settings[name] if name in settings else plugin_settings.get(settings, name)

    patterns = {re.sub(r"\{[^}]*\}", "*", save_as(name)) for name in SEARCHABLE_SAVE_AS}
    return "{" + ",".join(sorted(patterns)) + "}"


def build_index(output, timeout, glob="**/*.html"):
    """Index the site in ``output`` into ``output/pagefind``; return the page count."""
    staging = os.path.join(output, f".{BUNDLE_DIR}-staging")
    previous = os.path.join(output, f".{BUNDLE_DIR}-previous")
    bundle = os.path.join(output, BUNDLE_DIR)
    for leftover in (staging, previous):
        shutil.rmtree(leftover, ignore_errors=True)
    command = [pagefind_executable(), "--site", output, "--output-path", staging, "--quiet"]
    command += ["--glob", glob]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise SearchIndexError(f"could not run Pagefind on {output}: {exc}") from exc
    report = " ".join((result.stdout + result.stderr).split())
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise SearchIndexError(
            f"Pagefind failed (exit {result.returncode}) indexing {output}: {report}"
        )
    pages = indexed_pages(staging)
    if pages == 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise SearchIndexError(f"Pagefind indexed no page in {output}")
    if report:
        logger.warning("%s: Pagefind reported: %s", output, report)
    if os.path.exists(bundle):
        os.rename(bundle, previous)
    os.rename(staging, bundle)
    shutil.rmtree(previous, ignore_errors=True)
    return pages


def index_site(pelican):
    output = os.path.abspath(pelican.output_path)
    timeout = plugin_settings.get(pelican.settings, "STAFFBLOG_SEARCH_TIMEOUT")
    glob = searchable_glob(pelican.settings)
    if plugin_settings.get(pelican.settings, "STAFFBLOG_SEARCH_IN_BACKGROUND"):
        threading.Thread(
            target=index_logged, args=(output, timeout, glob), name="search-index", daemon=True
        ).start()
    else:
        index_logged(output, timeout, glob)


def index_logged(output, timeout, glob):
    started = time.monotonic()
    try:
        with _indexing:
            pages = build_index(output, timeout, glob)
    except SearchIndexError as exc:
        logger.error("search index: %s", exc)
        return
    logger.info(
        "search index: Pagefind indexed %d pages in %.2f s (%s/, %d kB)",
        pages,
        time.monotonic() - started,
        BUNDLE_DIR,
        folder_size(os.path.join(output, BUNDLE_DIR)) // 1024,
    )


def register():
    signals.finalized.connect(index_site)
