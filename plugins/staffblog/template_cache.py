"""Template work done once: compiled templates and repeated fragments.

* Compiled templates are kept between builds (Jinja's bytecode cache). Each build
  makes new Jinja environments, so without it every ``make html`` and every
  development-server rebuild compiles the theme's templates again: about a tenth of
  a second, a twentieth of the author's preview loop on a large site. Entries are
  keyed by template file and source checksum (and carry Jinja's and Python's
  version), so an edited template is simply compiled afresh.
* ``{% cache key, ... %}...{% endcache %}`` renders its body once per key and build
  (the fragment cache pattern of Jinja's extension documentation). The theme caches
  an article's card with it: each post is listed on about seven pages (home, its
  category, tags, author, archives), and rendering those cards was a fifth of the
  build's page rendering. The key must name everything the body shows that can
  differ between pages (the card's: the article, its heading level, SITEURL). The
  cache lives in the environment, which Pelican makes anew for each generator and
  build, so nothing outlives a build.
"""

import os

from jinja2 import FileSystemBytecodeCache, nodes
from jinja2.ext import Extension

from . import settings as plugin_settings


class FragmentCache(Extension):
    """``{% cache key, ... %}body{% endcache %}``: the body rendered once per key."""

    tags = frozenset({"cache"})

    def __init__(self, environment):
        super().__init__(environment)
        environment.extend(fragment_cache={})

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        # Where the tag is, so that two {% cache %} blocks never share an entry.
        key = [nodes.Const(f"{parser.name}:{lineno}")]
        key.append(parser.parse_expression())
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        call = self.call_method("_fragment", [nodes.List(key)])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _fragment(self, key, caller):
        cache = self.environment.fragment_cache
        key = tuple(key)
        fragment = cache.get(key)
        if fragment is None:
            fragment = cache[key] = caller()
        return fragment


def prepare_environment(generator):
    folder = plugin_settings.get(generator.settings, "STAFFBLOG_TEMPLATE_CACHE_PATH")
    if folder is None:
        folder = os.path.join(generator.settings["CACHE_PATH"], "templates")
    if folder:
        os.makedirs(folder, exist_ok=True)
        generator.env.bytecode_cache = FileSystemBytecodeCache(folder)
    generator.env.add_extension(FragmentCache)
