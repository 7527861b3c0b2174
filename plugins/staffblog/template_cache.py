"""Compiled templates kept between builds (Jinja's bytecode cache).

Each build makes new Jinja environments, and compiling the theme's templates is an
eighth of the development server's rebuild after an edit. Jinja keys an entry by the
template's source; the environment's options (autoescape…) change the code too, so
each set of options gets its own folder under ``CACHE_PATH/templates``.
"""

import hashlib
import json
import os

from jinja2 import FileSystemBytecodeCache


def prepare_environment(generator):
    options = json.dumps(generator.settings["JINJA_ENVIRONMENT"], sort_keys=True, default=str)
    digest = hashlib.sha256(options.encode()).hexdigest()[:16]
    folder = os.path.join(generator.settings["CACHE_PATH"], "templates", digest)
    os.makedirs(folder, exist_ok=True)
    generator.env.bytecode_cache = FileSystemBytecodeCache(folder)
