"""Less of a build's time in Python's cyclic garbage collector.

A build keeps every article, its HTML and its metadata until it ends, and each of
the collector's full passes walks all of them again: on a 1,000-post site those
passes took about a quarter of a second of the main process, on the build's
critical path. So the objects that exist when Pelican starts (modules, settings)
and, later, the content it has read are moved out of the collector's reach
(``gc.freeze()``); it still collects everything the build makes meanwhile. Forked
workers (Markdown, PDFs) then also leave those objects' memory pages shared
instead of copying them.

At ``finalized`` they are handed back to the collector, so the development server,
which builds many times in one process, still frees what old builds used. That
happens after every other ``finalized`` receiver: the checklist PDFs the build
renders there would otherwise make the collector walk the whole build, often.

When the process exits, everything is frozen once more (an ``atexit`` handler): the
operating system takes the memory back whole, and Python's shutdown would otherwise
run full passes over everything still alive (0.15 s after a 1,000-post build, alone
on one core at the very end of ``make html``).
"""

import atexit
import gc

from pelican import signals

from . import settings as plugin_settings

# Whether this process's build froze objects, until it hands them back.
_frozen = False


def build_started(pelican):
    global _frozen
    if _frozen:  # the last build in this process failed before `finalized`
        build_finished(pelican)
    if plugin_settings.get(pelican.settings, "STAFFBLOG_GC_FREEZE"):
        gc.freeze()
        _frozen = True
        atexit.unregister(gc.freeze)  # once per process, however many builds it makes
        atexit.register(gc.freeze)


def content_read(generators):
    if _frozen:
        gc.freeze()
    # Connected now, after every plugin connected its own (some at `initialized`, like
    # the search index's wait): this one runs last.
    signals.finalized.disconnect(build_finished)
    signals.finalized.connect(build_finished)


def build_finished(pelican):
    global _frozen
    if _frozen:
        gc.unfreeze()
        _frozen = False


def register():
    signals.initialized.connect(build_started)
    signals.all_generators_finalized.connect(content_read)
