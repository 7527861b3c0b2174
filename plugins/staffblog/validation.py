"""Reject content a reader would see broken: unreadable metadata, clashing URLs.

Pelican itself reports a missing title or date ("Skipping <file>: could not find
information about 'title'"). This module adds the cases where Pelican's own
message does not name the problem, so each error names the file and what is wrong.
"""

import logging
from collections import defaultdict

from markdown import Markdown
from pelican import signals
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open

logger = logging.getLogger(__name__)


class MetadataError(ValueError):
    """A metadata value that cannot be read, with the file it came from."""


class StrictMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, with errors that say which field is wrong.

    It also keeps its Markdown converters for every file, reset between them, where
    Pelican builds a new one (with all its extensions) per file: that set-up was a
    tenth of a 1,000-post build. Python-Markdown supports reuse through ``reset()``.
    One converter reads documents; a second converts formatted metadata (the
    summary), which Pelican does after removing the "meta" preprocessor from it.
    """

    _documents = None
    _fields = None
    _fields_meta = None

    def process_metadata(self, name, value):
        try:
            return super().process_metadata(name, value)
        except Exception as exc:
            raise MetadataError(
                f"{self._source_path}: cannot read metadata {name!r} (value {value!r}): {exc}"
            ) from exc

    def read(self, source_path):
        try:
            return self._read(source_path)
        except MetadataError as exc:
            logger.error("%s", exc)
            raise

    def _read(self, source_path):
        self._source_path = source_path
        if self._documents is None:
            self._documents = Markdown(**self.settings["MARKDOWN"])
            self._fields = Markdown(**self.settings["MARKDOWN"])
            self._fields_meta = self._fields.preprocessors["meta"]
        with pelican_open(source_path) as text:
            content = self._documents.reset().convert(text)
        meta = getattr(self._documents, "Meta", None)
        if meta is None:
            return content, {}
        # What Pelican's _parse_metadata converts the summary with, and unregisters from.
        self._md = self._fields.reset()
        if "meta" not in self._md.preprocessors:
            self._md.preprocessors.register(self._fields_meta, "meta", 27)
        return content, self._parse_metadata(meta)


def use_strict_markdown_reader(readers):
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is MarkdownReader:
            readers.reader_classes[extension] = StrictMarkdownReader


def drop_clashing_urls(generator):
    """Keep the first article per output file and report every other one.

    Left alone, Pelican would stop half-way through writing with an error that
    names only the output file, not the two sources that clash.
    """
    by_save_as = defaultdict(list)
    for article in generator.articles:
        by_save_as[article.save_as].append(article)
    clashing = set()
    for group in by_save_as.values():
        if len(group) > 1:
            clashing.update(id(a) for a in group[1:])
            logger.warning(
                "%s: same URL %r as %s; skipped",
                ", ".join(a.source_path for a in group[1:]),
                "/" + group[0].url,
                group[0].source_path,
            )
    if clashing:
        # Taxonomies are built right after this signal, from the filtered list.
        generator.articles = [a for a in generator.articles if id(a) not in clashing]


def register():
    signals.readers_init.connect(use_strict_markdown_reader)
    signals.article_generator_pretaxonomy.connect(drop_clashing_urls)
