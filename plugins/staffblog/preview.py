"""The development server's rebuild renders only the pages an edit changed (README, "Preview").

The server names the files changed since its last good build (``STAFFBLOG_PREVIEW_CHANGED``).
When each is a post or page whose *listing face* (all other pages can show of it) is as in
the last preview build, only its own pages, and the feeds that show its text, are rendered;
other pages never show a body. Anything else renders every page. Pages whose file is
missing are always written.
"""

import hashlib
import json
import logging
import os

from pelican import signals
from pelican.paginator import Paginator
from pelican.utils import sanitised_join
from pelican.writers import Writer

from . import settings as plugin_settings
from .article_text import HEADINGS_METADATA, WORD_COUNT_METADATA
from .checklist_source import TASK_LIST_METADATA
from .files import read_json, write_json

logger = logging.getLogger(__name__)

# Read from the body: shown on the post's own page only.
OWN_PAGE_ONLY = {WORD_COUNT_METADATA, HEADINGS_METADATA, TASK_LIST_METADATA}
# What the build hands the writer: the output files to render, or absent for all.
WRITE_ONLY = "STAFFBLOG_PREVIEW_WRITE_ONLY"


def listing_face(content):
    """A digest of everything pages other than its own show of ``content``."""
    checklist = getattr(content, "downloadable_checklist", None)
    thread = getattr(content, "comment_thread", None)
    face = {
        "metadata": {k: v for k, v in content.metadata.items() if k not in OWN_PAGE_ONLY},
        "url": content.url,
        "summary": content.summary,
        "reading_time": getattr(content, "reading_time", None),
        "checklist": checklist and [checklist.title, checklist.url, len(checklist.items)],
        "comments": thread and thread.count,
    }
    return hashlib.sha256(json.dumps(face, sort_keys=True, default=str).encode()).hexdigest()


def choose_pages(contents, settings):
    """Set ``WRITE_ONLY`` when only bodies changed; record the faces for the next build."""
    settings.pop(WRITE_ONLY, None)
    if not plugin_settings.get(settings, "STAFFBLOG_PREVIEW"):
        return
    faces = {content.source_path: listing_face(content) for content in contents}
    record = os.path.join(plugin_settings.cache_folder(settings, "preview"), "faces.json")
    before = read_json(record)
    write_json(record, faces)
    changed = plugin_settings.get(settings, "STAFFBLOG_PREVIEW_CHANGED")
    if not changed or faces != before:
        return
    by_source = {content.source_path: content for content in contents}
    if not all(path in by_source for path in changed):
        return
    edited = [by_source[path] for path in changed]
    checklists = [getattr(content, "downloadable_checklist", None) for content in edited]
    settings[WRITE_ONLY] = {each.save_as for each in edited + checklists if each is not None}


class PreviewWriter(Writer):
    """Pelican's writer, keeping the pages outside ``WRITE_ONLY`` whose files exist."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.write_only = settings.get(WRITE_ONLY)
        self.rendered = self.kept = 0

    def write_file(
        self, name, template, context, relative_urls=False, paginated=None,
        template_name=None, override_output=False, url=None, **kwargs,
    ):  # fmt: skip
        names = self.page_names(name, url, paginated, template_name, kwargs)
        paths = [sanitised_join(self.output_path, page) for page in names]
        unchanged = self.write_only is not None and name not in self.write_only
        if not unchanged or not all(map(os.path.exists, paths)):
            self.rendered += len(names)
            return super().write_file(
                name, template, context, relative_urls, paginated, template_name,
                override_output, url, **kwargs,
            )  # fmt: skip
        self.kept += len(names)
        for path in paths:  # still listed in the sitemap, as when they are written
            signals.content_written.send(path, context={**context, **kwargs})

    def write_feed(self, elements, context, path=None, *args, **kwargs):
        shown = elements[: self.settings["FEED_MAX_ITEMS"]]  # as Pelican's writer picks them
        changed = self.write_only is None or any(e.save_as in self.write_only for e in shown)
        if changed or not path or not os.path.exists(sanitised_join(self.output_path, path)):
            return super().write_feed(elements, context, path, *args, **kwargs)

    def page_names(self, name, url, paginated, template_name, kwargs):
        """The files a write_file() call writes: one, or a listing's pages."""
        if paginated is None:
            paginated = {key: kwargs[key] for key in ("articles", "dates") if key in kwargs}
        templates = self.settings["PAGINATED_TEMPLATES"]
        if not name or not paginated or template_name not in templates:
            return [name] if name else []
        per_page = templates[template_name] or self.settings["DEFAULT_PAGINATION"]
        pages = Paginator(name, url, next(iter(paginated.values())), self.settings, per_page)
        return [pages.page(number).save_as for number in pages.page_range]

    def report(self):
        total = self.rendered + self.kept
        logger.info("%d of %d pages rendered; the others were unchanged", self.rendered, total)


def get_writer(pelican):
    return PreviewWriter if plugin_settings.get(pelican.settings, "STAFFBLOG_PREVIEW") else None
