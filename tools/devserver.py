"""Author preview: build, serve on 127.0.0.1, rebuild and reload the browser on change.

Rebuilds use Pelican's content cache, so editing one article re-reads only that
file. The reload script is injected by the livereload server into served pages
only; the built files in output/ never contain it.
"""

import argparse
import logging
import os
import sys
import time

from livereload import Server
from pelican import Pelican
from pelican.settings import read_settings

logger = logging.getLogger("devserver")
# Pelican's loggers drop a message identical to one logged before ("Built in 0.06 s"
# twice in a row): the author must see a line for every build.
logger.disable_filter()

# Besides the content folder: what changes the site's look or its build.
WATCHED = ("theme/**/*", "plugins/**/*.py", "pelicanconf.py")


def cached_build(settings_file, overrides):
    settings = read_settings(
        settings_file,
        override={
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": True,
            # The browser reloads as soon as pages are written; search catches up after.
            "STAFFBLOG_SEARCH_IN_BACKGROUND": True,
            # Pages the edit cannot have changed are kept, not rendered again.
            "STAFFBLOG_REUSE_UNCHANGED_PAGES": True,
            **overrides,
        },
    )
    Pelican(settings).run()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--content", default="content")
    parser.add_argument("--output", default="output")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("pelican_options", nargs="*", help="ignored; kept for make")
    args = parser.parse_args(argv)
    # Warnings and errors only: a line per file written (thousands on a big site) would
    # bury them, and cost the preview loop time. Pelican prints its own summary.
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logger.setLevel(logging.INFO)
    # How many pages each rebuild rendered again (unchanged_pages.py), every time.
    pages_logger = logging.getLogger("staffblog.unchanged_pages")
    pages_logger.setLevel(logging.INFO)
    pages_logger.disable_filter()

    def rebuild():
        started = time.perf_counter()
        try:
            cached_build(
                args.settings,
                {
                    "PATH": os.path.abspath(args.content),
                    "OUTPUT_PATH": os.path.abspath(args.output),
                },
            )
        except Exception as exc:  # keep serving the last good build while the author fixes it
            logger.error("build failed: %s", exc)
            return
        logger.info("Built in %.2f s; the browser reloads.", time.perf_counter() - started)

    rebuild()
    server = Server()
    server.watch(os.path.join(args.content, "**", "*"), rebuild)
    for pattern in WATCHED:
        server.watch(pattern, rebuild)
    logger.info("Preview at http://%s:%s/ (Ctrl-C to stop)", args.bind, args.port)
    server.serve(host=args.bind, port=args.port, root=args.output, open_url_delay=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
