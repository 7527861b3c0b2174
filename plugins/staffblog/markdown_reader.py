"""Reading Markdown: errors that name the field, and less time spent converting.

* An unreadable metadata value (a date that is no date) is reported with the file
  and the field, where Pelican would only say "Could not process <file>".
* The converters are reused across files (reset between them), where Pelican
  builds a new one with all its extensions per file: a tenth of a large build.
* On a full build of many posts, a worker process converts files from the end of
  the list while Pelican reads from the start; they meet where their work balances
  (Pelican does more per file than convert it). Conversion is most of the reading,
  and it leaves the machine's other cores idle. Metadata is still processed here,
  in file order, so errors and warnings are the same as without the worker.
* Once the worker has no file left, the build is still finishing the files the
  worker converted, and a core would idle: other modules can have work done there
  meanwhile, such as rendering the stored comments (``after_reading``) or, as the
  articles are read, their checklists' PDFs (``submit_to_reading_worker``).
"""

import importlib
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from markdown import Markdown
from pelican import signals
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open

from . import settings as plugin_settings

logger = logging.getLogger(__name__)

MARKDOWN_EXTENSIONS = ("md", "markdown", "mkd", "mdown")
EXTRA = "markdown.extensions.extra"
CHUNK = 8

# source path -> (future of its chunk's [(path, html, meta)], the chunk's paths).
_converted_elsewhere = {}
# Work for the reading worker once its files are done: key -> (function, args), and
# key -> the future of its result, for the build going on.
_after_reading = {}
_after_reading_futures = {}
# The reading worker's pool, open to more work until the articles are read.
_reading_pool = None


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
            self._documents = new_converter(self.settings["MARKDOWN"])
            self._fields = new_converter(self.settings["MARKDOWN"])
            self._fields_meta = self._fields.preprocessors["meta"]
        converted = converted_elsewhere(source_path)
        if converted:
            content, meta = converted
        else:
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


def new_converter(markdown_settings):
    """``Markdown(**markdown_settings)``, its extensions named by module path imported here.

    Python-Markdown looks every extension name up among the installed packages' entry
    points first, and reading those takes 60 ms per process (the build's and the
    reading worker's); a module path (what Pelican's settings hold) is never an entry
    point's name, so the lookup only delays the import that follows. ``extra`` names
    its parts by short name: they are Markdown's own modules, imported the same way.
    Any other short name (``toc``) still goes to Markdown.
    """
    configs = markdown_settings.get("extension_configs", {})
    extensions = []
    for name in markdown_settings.get("extensions", ()):
        if name == EXTRA:  # its configuration holds each part's, by short name
            parts = importlib.import_module(EXTRA).extensions
            part_configs = configs.get(name, {})
            extensions += [
                extension(f"markdown.extensions.{part}", part_configs.get(part, {}))
                for part in parts
            ]
        elif isinstance(name, str) and "." in name:
            extensions.append(extension(name, configs.get(name, {})))
        else:
            extensions.append(name)
    return Markdown(**{**markdown_settings, "extensions": extensions})


def extension(path, config):
    """The extension ``path`` names ("module" or "module:Class"), as Markdown makes it."""
    module_name, _, class_name = path.partition(":")
    module = importlib.import_module(module_name)
    factory = getattr(module, class_name) if class_name else module.makeExtension
    return factory(**config)


def add_extension(settings, name, config=None):
    """Have every Markdown conversion of the build, in the worker too, use extension ``name``.

    Pelican's reader turns each ``extension_configs`` key into an extension.
    """
    settings["MARKDOWN"].setdefault("extension_configs", {})[name] = config or {}


def use_strict_markdown_reader(readers):
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is MarkdownReader:
            readers.reader_classes[extension] = StrictMarkdownReader


def convert_files(paths, markdown_settings):
    """Convert ``paths`` (in a worker process); return [(path, html, meta)]."""
    converter = new_converter(markdown_settings)
    results = []
    for path in paths:
        with pelican_open(path) as text:
            html = converter.reset().convert(text)
        results.append((path, html, getattr(converter, "Meta", None)))
    return results


def converted_elsewhere(source_path):
    """(html, meta) the worker made for ``source_path``, or None to convert it here.

    A chunk the worker has not started is taken back (cancelled) and read here.
    """
    future, chunk = _converted_elsewhere.pop(source_path, (None, ()))
    if future is None:
        return None
    if future.cancel():
        for path in chunk:
            _converted_elsewhere.pop(path, None)
        return None
    try:
        results = future.result()
    except Exception:  # converted here instead, so the error is reported as usual
        return None
    for path, html, meta in results:
        if path == source_path:
            return html, meta
    return None


def after_reading(key, function, *args):
    """Have ``function(*args)`` run in the reading worker once its files are done.

    Call it before the articles are read (at ``initialized``); fetch the result with
    ``result_after_reading(key, function, *args)``. The function must not log: the
    worker's records would not reach the build's handlers (nor count for ``--fatal``).
    """
    _after_reading[key] = (function, args)
    _after_reading_futures.pop(key, None)  # a failed build's


def result_after_reading(key, function, *args):
    """``function(*args)``: what the reading worker made of it when ``after_reading(key,
    ...)`` had it run there, else (no worker, or it had not started it) computed here."""
    _after_reading.pop(key, None)
    future = _after_reading_futures.pop(key, None)
    if future is not None and not future.cancel():
        try:
            result = future.result()
        except Exception:  # computed here instead, so the error is reported as usual
            pass
        else:
            logger.debug("%s: its work was done by the reading worker", key)
            return result
    return function(*args)


def submit_to_reading_worker(function, *args):
    """A future of ``function(*args)`` run by the reading worker after the work queued
    before it, or None when this build has no reading worker (any more).

    For work found while the articles are read; the worker takes it once its files
    are converted. As with ``after_reading``, the function must not log.
    """
    if _reading_pool is None:
        return None
    try:
        return _reading_pool.submit(function, *args)
    except BrokenProcessPool:  # the worker died: the build does the work itself
        return None


def reading_worker_open():
    """Whether this build's reading worker takes more work (submit_to_reading_worker)."""
    return _reading_pool is not None


def close_reading_worker(*_args):
    """No more work for the reading worker: it exits once its queue is done."""
    global _reading_pool
    if _reading_pool is not None:
        _reading_pool.shutdown(wait=False)
        _reading_pool = None


def close_unused_result_writer(pool):
    """Close this process's end for writing results to ``pool`` (its worker is started).

    A worker killed while it sends a result (a large one: a chunk of converted posts)
    leaves half a message in the pipe, and concurrent.futures then waits for the rest
    forever: the build would hang. Only the worker writes there, but this process holds
    the pipe's writing end too, from before the fork. Closed, half a message ends in
    end-of-file, the pool reports itself broken, and the build converts the files
    itself. (With "fork", the pool starts its worker at the first task.)
    """
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None and not writer.closed:
        writer.close()


def convert_in_parallel(generator):
    """Start a worker converting the articles not in the content cache, last first."""
    close_reading_worker()  # a failed build's
    _converted_elsewhere.clear()
    _after_reading_futures.clear()
    settings = generator.settings
    # Without a content cache to load, no file is in it: spare a stat per file.
    cached = settings.get("LOAD_CONTENT_CACHE")
    paths = [
        os.path.join(generator.path, name)
        for name in generator.get_files(settings["ARTICLE_PATHS"], settings["ARTICLE_EXCLUDES"])
        if name.rsplit(".", 1)[-1] in MARKDOWN_EXTENSIONS
        and not (cached and generator.get_cached_data(name, None) is not None)
    ]
    minimum = plugin_settings.get(settings, "STAFFBLOG_PARALLEL_READ_MIN_FILES")
    if len(paths) < minimum or (os.cpu_count() or 1) < 2:
        return
    global _reading_pool
    pool = _reading_pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    for start in reversed(range(0, len(paths), CHUNK)):
        chunk = tuple(paths[start : start + CHUNK])
        future = pool.submit(convert_files, chunk, settings["MARKDOWN"])
        for path in chunk:
            _converted_elsewhere[path] = (future, chunk)
    close_unused_result_writer(pool)
    for key, (function, args) in _after_reading.items():
        _after_reading_futures[key] = pool.submit(function, *args)
    # Chunks taken back are skipped; the pool is closed once the articles are read.


def register():
    signals.readers_init.connect(use_strict_markdown_reader)
    signals.article_generator_init.connect(convert_in_parallel)
    signals.article_generator_finalized.connect(close_reading_worker)
