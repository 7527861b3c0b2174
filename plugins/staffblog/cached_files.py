"""Files made from what they show (checklist PDFs, post images, social cards).

Each is kept in ``CACHE_PATH/staffblog/<kind>`` under a hash of its inputs, and any build
links an unchanged one from there into the site. Worker processes make new ones while
Pelican writes the pages (README, "Checklists"). A worker writes the file into the cache and
returns nothing, so one that dies leaves no half-sent result; the build makes what it did not.
"""

import contextlib
import hashlib
import json
import logging
import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor

from . import settings as plugin_settings
from .files import place, write_atomically

logger = logging.getLogger(__name__)

UNUSED_DAYS = 30  # a cached file no build used for this long is removed


def make_into(path, make, arguments):
    write_atomically(path, make(*arguments))


class CachedFiles:
    """One build's made files: queued as the build finds them, copied out at the end."""

    def __init__(self, settings, labels):
        self.settings, self.labels = settings, labels  # {kind: what the log calls them}
        self.workers = plugin_settings.get(settings, "STAFFBLOG_WORKERS")
        self.pool = None
        self.started = {}  # cache file: the future of the worker making it
        self.queued = []  # (kind, target, cache file, source path, make, arguments, future)

    def cache_path(self, kind, inputs, extension):
        """Where the file of these ``inputs`` (JSON data) is kept."""
        digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
        folder = plugin_settings.cache_folder(self.settings, kind)
        return os.path.join(folder, f"{digest[:32]}.{extension}")

    def start(self, cached, make, *arguments):
        """Have a worker make ``cached`` by ``make(*arguments)`` (bytes, a module-level
        function) now, if the cache lacks it; the future, or None (made or no workers)."""
        if self.workers and cached not in self.started and not os.path.exists(cached):
            if self.pool is None:
                # fork: the plugin is imported from PLUGIN_PATHS, which is not on sys.path.
                context = multiprocessing.get_context("fork")
                ctrl_c = (signal.SIGINT, signal.SIG_DFL)  # ends a worker at once, silently
                self.pool = ProcessPoolExecutor(self.workers, context, signal.signal, ctrl_c)
            self.started[cached] = self.pool.submit(make_into, cached, make, arguments)
        return self.started.get(cached)

    def add(self, kind, target, cached, source_path, make, *arguments):
        """Copy ``cached`` to ``target`` at the end, made as ``start`` says if it is missing."""
        future = self.start(cached, make, *arguments)
        self.queued.append((kind, target, cached, source_path, make, arguments, future))

    def finish(self):
        """Wait for the workers, make what they did not, copy each file into place."""
        made, reused = dict.fromkeys(self.labels, 0), dict.fromkeys(self.labels, 0)
        for kind, target, cached, source_path, make, arguments, future in self.queued:
            made_here = future is not None
            if made_here:
                future.exception()  # waits; what failed is made again below, and reported
            try:
                os.utime(cached)  # used: see the clean-up below
            except FileNotFoundError:  # no worker made it: workers off, or one died
                made_here = True
                try:
                    make_into(cached, make, arguments)
                except Exception as exc:
                    name = os.path.relpath(target)
                    logger.error("%s: cannot make %s: %s", source_path, name, exc)
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(target)  # a stale file would not match its page
                    continue
            (made if made_here else reused)[kind] += 1
            # A target named like its cache file is named by what it shows: if it exists, it is it.
            if os.path.basename(target) != os.path.basename(cached) or not os.path.exists(target):
                os.makedirs(os.path.dirname(target), exist_ok=True)
                place(cached, target)
        if self.pool is not None:
            self.pool.shutdown()
        oldest = time.time() - UNUSED_DAYS * 86400
        for kind, label in self.labels.items():
            if made[kind] or reused[kind]:
                logger.info("%s: %d made, %d from the cache", label, made[kind], reused[kind])
            folder = plugin_settings.cache_folder(self.settings, kind)
            # Only a build that made files grows the cache; it removes what went unused.
            for entry in os.scandir(folder) if made[kind] and os.path.isdir(folder) else ():
                if entry.stat().st_mtime < oldest:
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(entry.path)
