"""Reading Markdown: errors that name the file and line, and what the plugin needs of the text.

``StaffBlogMarkdownReader`` reports a file it cannot read with the file, the metadata line
and the fix (dates only in the unambiguous ISO form, no control characters in a title or
summary), and returns as metadata what the plugin reads from the HTML: the word count, the
headings and the checklist's task list. Pelican's content cache keeps them with the rest.

The cache knows when a file changed, not when the code reading it did:
``trust_content_cache`` skips loading it for one build when this plugin's reading
modules, the Markdown settings or the reading libraries changed.
"""

import hashlib
import importlib.metadata
import json
import logging
import os
import re
from datetime import datetime
from html import unescape

from pelican.readers import MarkdownReader

from . import settings as plugin_settings
from .article_text import HEADINGS_METADATA, WORD_COUNT_METADATA, headings, word_count
from .checklist_source import TASK_LIST_METADATA, read_task_list
from .files import field_location, read_json, write_json

logger = logging.getLogger(__name__)

# Libraries whose version can change what a Markdown file reads as, and this plugin's
# modules that read it.
READING_LIBRARIES = ("pelican", "markdown", "pymdown-extensions", "beautifulsoup4")
READING_MODULES = ("reader", "article_text", "checklist_source", "checklist_items")
READING_MODULES += ("checklist_timing",)

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?(?:Z|[+-]\d{2}:?\d{2})?")
DATE_FORMS = "write YYYY-MM-DD or YYYY-MM-DD HH:MM, e.g. 2024-05-01 09:00"
# Characters a feed cannot carry (XML 1.0), once entities are decoded.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class MetadataError(ValueError):
    """A file that cannot be read, as the line that reports it."""


def checked_date(value):
    """What is wrong with a ``Date:`` value, or None."""
    if not ISO_DATE.fullmatch(value):
        why = " (02/04/2024 could be 4 February or 2 April)" if "/" in value else ""
        return f"is not written YYYY-MM-DD{why}; {DATE_FORMS}"
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return f"is not a real date; {DATE_FORMS}"
    return None


class StaffBlogMarkdownReader(MarkdownReader):
    source_path = None

    def read(self, source_path):
        self.source_path = source_path
        try:
            content, metadata = super().read(source_path)
            for name in ("title", "summary"):
                found = CONTROL_CHARACTER.search(unescape(str(metadata.get(name, ""))))
                if found:
                    raise MetadataError(
                        f"{field_location(source_path, name)}: {name.title()} holds an invisible "
                        f"control character (U+{ord(found.group()):04X}); type that line again"
                    )
        except Exception as exc:
            if isinstance(exc, UnicodeDecodeError):
                exc = MetadataError(f"{source_path}: is not UTF-8 text; save it as UTF-8")
            elif not isinstance(exc, MetadataError):
                exc = MetadataError(f"{source_path}: cannot be read: {exc}")
            logger.error("%s", exc)
            raise exc
        metadata[WORD_COUNT_METADATA] = word_count(content)
        metadata[HEADINGS_METADATA] = headings(content)
        if "checklist" in metadata:
            metadata[TASK_LIST_METADATA], content = read_task_list(content, metadata, self.settings)
        return content, metadata

    def process_metadata(self, name, value):
        problem = checked_date(value.strip()) if name in ("date", "modified") else None
        try:
            if not problem:
                return super().process_metadata(name, value)
        except Exception as exc:
            problem = f"cannot be read: {exc}"
        where = field_location(self.source_path, name) if self.source_path else "pelicanconf.py"
        raise MetadataError(f"{where}: {name.title()} {value!r} {problem}")


def use_staffblog_reader(readers):
    """Read Markdown files with StaffBlogMarkdownReader (``readers_init``)."""
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is MarkdownReader:
            readers.reader_classes[extension] = StaffBlogMarkdownReader


def trust_content_cache(pelican):
    """Load the content cache only if it was written by the same reading code."""
    settings = pelican.settings
    if not settings.get("CACHE_CONTENT"):
        return
    code = hashlib.sha256()
    for name in READING_MODULES:
        with open(os.path.join(os.path.dirname(__file__), f"{name}.py"), "rb") as handle:
            code.update(handle.read())
    versions = [importlib.metadata.version(name) for name in READING_LIBRARIES]
    code.update(json.dumps([versions, settings["MARKDOWN"]], default=str).encode())
    stamp = os.path.join(plugin_settings.cache_folder(settings, "reader"), "code.json")
    if read_json(stamp).get("digest") != code.hexdigest():
        settings["LOAD_CONTENT_CACHE"] = False
        write_json(stamp, {"digest": code.hexdigest()})
