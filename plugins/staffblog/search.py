"""Full-text search: index the written site with Pagefind.

Every build indexes: ``make html``, ``make regenerate``, the development server,
the tests, and ``make publish`` (which builds with ``--fatal warnings`` into a
staging folder: a failed index is an error there, so the publish stops and the
live site stays as it was).

Pagefind starts as soon as the last searchable page is written, and indexes
while the rest of the site is made; the build waits for it at the ``finalized``
signal. For that, ArticlesGenerator writes only the article pages in its turn;
the rest of its output (feeds, listings, archives) follows in this module's
generator, which comes after the checklist pages, right after Pagefind started.
The files are the same, written in another order. The development server indexes
after its build instead, in a background thread, so its browser reloads sooner.

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
from functools import partial
from types import MethodType

from pelican import signals
from pelican.generators import ArticlesGenerator, Generator

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
    # Imported here: it brings asyncio, which a build would load before its reading
    # worker starts, while the other cores wait.
    from pagefind.service import get_executable

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


class RunningIndex:
    """Pagefind indexing ``output`` into a staging folder, started by start_index()."""

    def __init__(self, output, timeout, glob):
        self.output = output
        self.timeout = timeout
        self.started = time.monotonic()
        self.staging = os.path.join(output, f".{BUNDLE_DIR}-staging")
        for leftover in (self.staging, os.path.join(output, f".{BUNDLE_DIR}-previous")):
            shutil.rmtree(leftover, ignore_errors=True)
        command = [pagefind_executable(), "--site", output, "--output-path", self.staging]
        command += ["--quiet", "--glob", glob]
        try:
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
        except OSError as exc:
            raise SearchIndexError(f"could not run Pagefind on {output}: {exc}") from exc

    def finish(self):
        """Wait for Pagefind, then swap its bundle in; return the number of pages."""
        remaining = self.timeout - (time.monotonic() - self.started)
        try:
            report, _ = self.process.communicate(timeout=max(remaining, 0.001))
        except subprocess.TimeoutExpired as exc:
            self.process.kill()
            self.process.communicate()
            shutil.rmtree(self.staging, ignore_errors=True)
            raise SearchIndexError(
                f"Pagefind took more than {self.timeout} s indexing {self.output}"
            ) from exc
        report = " ".join(report.split())
        if self.process.returncode != 0:
            shutil.rmtree(self.staging, ignore_errors=True)
            raise SearchIndexError(
                f"Pagefind failed (exit {self.process.returncode}) indexing {self.output}: {report}"
            )
        pages = indexed_pages(self.staging)
        if pages == 0:
            shutil.rmtree(self.staging, ignore_errors=True)
            raise SearchIndexError(f"Pagefind indexed no page in {self.output}")
        if report:
            logger.warning("%s: Pagefind reported: %s", self.output, report)
        bundle = os.path.join(self.output, BUNDLE_DIR)
        previous = os.path.join(self.output, f".{BUNDLE_DIR}-previous")
        if os.path.exists(bundle):
            os.rename(bundle, previous)
        os.rename(self.staging, bundle)
        shutil.rmtree(previous, ignore_errors=True)
        return pages


# Output folder -> its RunningIndex, from SearchIndexGenerator to `finalized`.
_running = {}


def start_index(settings, output_path):
    output = os.path.abspath(output_path)
    timeout = plugin_settings.get(settings, "STAFFBLOG_SEARCH_TIMEOUT")
    return RunningIndex(output, timeout, searchable_glob(settings))


# ArticlesGenerator -> its writer, between its article pages and the rest of its output.
_articles_written = {}


def write_article_pages_only(generator, writer):
    """ArticlesGenerator's turn: its article pages; the rest waits for SearchIndexGenerator."""
    generator.generate_articles(
        partial(writer.write_file, relative_urls=generator.settings["RELATIVE_URLS"])
    )
    _articles_written[generator] = writer


def write_rest_of_articles_output(generator, writer):
    generator.generate_articles = lambda write: None  # written already
    try:
        ArticlesGenerator.generate_output(generator, writer)
    finally:
        del generator.generate_articles


def articles_first(generators):
    _articles_written.clear()  # a failed build may have left its generator here
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            generator.generate_output = MethodType(write_article_pages_only, generator)


class SearchIndexGenerator(Generator):
    """Starts Pagefind, then writes the output it does not read (see the module's notes)."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        self.start_pagefind()
        for generator in list(_articles_written):
            write_rest_of_articles_output(generator, _articles_written.pop(generator))

    def start_pagefind(self):
        if plugin_settings.get(self.settings, "STAFFBLOG_SEARCH_IN_BACKGROUND"):
            return
        output = os.path.abspath(self.output_path)
        abandoned = _running.pop(output, None)  # left by a build that failed
        if abandoned is not None:
            abandoned.process.kill()
            abandoned.process.communicate()
        try:
            _running[output] = start_index(self.settings, output)
        except SearchIndexError as exc:
            logger.error("search index: %s", exc)


def index_site(pelican):
    output = os.path.abspath(pelican.output_path)
    running = _running.pop(output, None)
    if running is not None:
        index_logged(running.finish, output, running.started)
    elif plugin_settings.get(pelican.settings, "STAFFBLOG_SEARCH_IN_BACKGROUND"):
        threading.Thread(
            target=index_logged,
            args=(lambda: start_index(pelican.settings, output).finish(), output),
            name="search-index",
            daemon=True,
        ).start()


def index_logged(index, output, started=None):
    started = time.monotonic() if started is None else started
    try:
        with _indexing:
            pages = index()
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


def get_generators(pelican):
    return SearchIndexGenerator


def wait_for_index_late(pelican):
    # Connected when every plugin has connected its own `finalized` receivers, so they
    # (the sitemap's, say) run while Pagefind finishes instead of after it.
    signals.finalized.disconnect(index_site)
    signals.finalized.connect(index_site)


def register():
    signals.initialized.connect(wait_for_index_late)
    signals.all_generators_finalized.connect(articles_first)
    signals.get_generators.connect(get_generators)
