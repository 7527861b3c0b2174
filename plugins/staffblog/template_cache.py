"""Compiled templates kept between builds (Jinja's bytecode cache).

Each build makes new Jinja environments, so without it every ``make html`` and
every development-server rebuild compiles the theme's templates again: about a
tenth of a second, a twentieth of the author's preview loop on a large site.
Entries are keyed by template file and source checksum (and carry Jinja's and
Python's version), so an edited template is simply compiled afresh.
"""

import os

from jinja2 import FileSystemBytecodeCache
from pelican import signals

from . import settings as plugin_settings


def use_bytecode_cache(generator):
    folder = plugin_settings.get(generator.settings, "STAFFBLOG_TEMPLATE_CACHE_PATH")
    if folder is None:
        folder = os.path.join(generator.settings["CACHE_PATH"], "templates")
    if folder:
        os.makedirs(folder, exist_ok=True)
        generator.env.bytecode_cache = FileSystemBytecodeCache(folder)


def register():
    signals.generator_init.connect(use_bytecode_cache)
