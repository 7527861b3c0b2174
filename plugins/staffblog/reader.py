"""Reading Markdown: errors that name the field, and what the plugin needs of the text.

``StaffBlogMarkdownReader`` is Pelican's Markdown reader that reports an unreadable
metadata value with its file and field, and returns, as metadata, what the plugin reads
from the HTML: the word count, the headings, and the checklist's task list (the list
also becomes a checklist source in the HTML). Pelican's content cache keeps a reader's
result, so every later build gets them without reading the HTML again.

The cache knows when a file changed, not when the code reading it did:
``trust_content_cache`` skips loading it for one build when this plugin's reading
modules, the Markdown settings or the reading libraries changed.
"""

import hashlib
import importlib.metadata
import json
import logging
import os

from pelican.readers import MarkdownReader

from . import settings as plugin_settings
from .checklist_source import TASK_LIST_METADATA, checklist_title, read_task_list
from .files import read_json, write_json
from .reading_time import WORD_COUNT_METADATA, word_count
from .toc import HEADINGS_METADATA, headings

logger = logging.getLogger(__name__)

# Libraries whose version can change what a Markdown file reads as, and this plugin's
# modules that read it.
READING_LIBRARIES = ("pelican", "markdown", "pymdown-extensions", "beautifulsoup4")
READING_MODULES = ("reader", "checklist_source", "checklist_items", "checklist_timing")
READING_MODULES += ("reading_time", "toc")


class MetadataError(ValueError):
    """A metadata value that cannot be read, with the file it came from."""


class StaffBlogMarkdownReader(MarkdownReader):
    source_path = None

    def read(self, source_path):
        self.source_path = source_path
        content, metadata = super().read(source_path)
        metadata[WORD_COUNT_METADATA] = word_count(content)
        metadata[HEADINGS_METADATA] = headings(content)
        if "checklist" in metadata:
            title = checklist_title(metadata["checklist"])
            substitutions = self.settings["SLUG_REGEX_SUBSTITUTIONS"]
            metadata[TASK_LIST_METADATA], content = read_task_list(content, title, substitutions)
        return content, metadata

    def process_metadata(self, name, value):
        try:
            return super().process_metadata(name, value)
        except Exception as exc:
            message = f"{self.source_path}: cannot read metadata {name!r} (value {value!r}): {exc}"
            logger.error("%s", message)
            raise MetadataError(message) from exc


def use_staffblog_reader(readers):
    """Read Markdown files with StaffBlogMarkdownReader (``readers_init``)."""
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is MarkdownReader:
            readers.reader_classes[extension] = StaffBlogMarkdownReader


def reading_code_digest(settings):
    digest = hashlib.sha256()
    for name in READING_MODULES:
        with open(os.path.join(os.path.dirname(__file__), f"{name}.py"), "rb") as handle:
            digest.update(handle.read())
    versions = [importlib.metadata.version(name) for name in READING_LIBRARIES]
    digest.update(json.dumps([versions, settings["MARKDOWN"]], default=str).encode())
    return digest.hexdigest()


def trust_content_cache(pelican):
    """Load the content cache only if it was written by the same reading code."""
    settings = pelican.settings
    if not settings.get("CACHE_CONTENT"):
        return
    stamp = os.path.join(plugin_settings.cache_folder(settings, "reader"), "code.json")
    digest = reading_code_digest(settings)
    if read_json(stamp).get("digest") != digest:
        settings["LOAD_CONTENT_CACHE"] = False
        write_json(stamp, {"digest": digest})
