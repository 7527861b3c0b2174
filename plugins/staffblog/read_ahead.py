"""Markdown files the content cache lacks, read by worker processes ahead of Pelican.

Converting Markdown is most of a cold build, and Pelican reads on one core. Before it
starts (``article_generator_init``), ``STAFFBLOG_WORKERS`` processes read the files
its cache lacks with the same reader, and the results go into Pelican's cache through
its public ``cache_data``; Pelican then reads them from there, in order. A worker
writes its results to a file and returns the file's name, so one that dies leaves no
half-sent result; a file a worker could not read is read (and reported) by Pelican, and
what a worker logged is logged by the build.
"""

import logging
import multiprocessing
import os
import pickle
import tempfile
from concurrent.futures import ProcessPoolExecutor

from . import settings as plugin_settings

logger = logging.getLogger(__name__)

CHUNK = 25  # files per task
# In a worker process only: Pelican's readers by extension, inherited from the build.
worker_readers = {}


class Recorder(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        record.msg, record.args = record.getMessage(), ()  # as text: it crosses processes
        self.records.append(record)


def read_chunk(chunk, folder):
    """Read ``chunk`` (in a worker); return the file holding [(path, result, log records)]."""
    results = []
    root = logging.getLogger()
    for extension, path in chunk:
        recorder = Recorder()
        root.addHandler(recorder)
        try:
            content, metadata = worker_readers[extension].read(path)
        except Exception:
            continue  # Pelican reads it again, and reports why it cannot
        finally:
            root.removeHandler(recorder)
        # The empty values Pelican's readers mark to be discarded are bare object()s.
        metadata = {key: value for key, value in metadata.items() if type(value) is not object}
        results.append((path, (content, metadata), recorder.records))
    with tempfile.NamedTemporaryFile("wb", dir=folder, suffix=".pickle", delete=False) as out:
        pickle.dump(results, out)
    return out.name


def start_worker(readers):
    """Workers log only to their recorders: the build logs what they report."""
    for handler in list(logging.getLogger().handlers):
        logging.getLogger().removeHandler(handler)
    worker_readers.update(readers)


def read_ahead(generator):
    """Fill Pelican's content cache for the articles it lacks, with worker processes."""
    settings, readers = generator.settings, generator.readers
    workers = plugin_settings.get(settings, "STAFFBLOG_WORKERS")
    if not workers or not settings.get("CACHE_CONTENT"):
        return
    paths = []
    for name in sorted(
        generator.get_files(settings["ARTICLE_PATHS"], settings["ARTICLE_EXCLUDES"])
    ):
        path = os.path.abspath(os.path.join(generator.path, name))
        extension = name.rsplit(".", 1)[-1]
        if extension in readers.readers and readers.get_cached_data(path) is None:
            paths.append((extension, path))
    if len(paths) < 2 * CHUNK:
        return  # starting workers would cost more than it saves
    folder = plugin_settings.cache_folder(settings, "read-ahead")
    os.makedirs(folder, exist_ok=True)
    # fork: the workers inherit the readers (and the plugin, which Pelican imports from
    # PLUGIN_PATHS without putting that folder on sys.path).
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=start_worker,
        initargs=(readers.readers,),
    )
    with pool:
        chunks = [paths[start : start + CHUNK] for start in range(0, len(paths), CHUNK)]
        for future in [pool.submit(read_chunk, chunk, folder) for chunk in chunks]:
            try:
                results_file = future.result()
            except Exception:
                continue  # a worker died: Pelican reads these files itself
            with open(results_file, "rb") as handle:
                results = pickle.load(handle)
            os.remove(results_file)
            for path, result, records in results:
                readers.cache_data(path, result)
                for record in records:
                    logging.getLogger(record.name).handle(record)
