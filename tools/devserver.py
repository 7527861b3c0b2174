"""Author preview: build, serve on 127.0.0.1, rebuild and reload the browser on change.

Each rebuild reads again only the files that changed (Pelican's content cache) and,
when only the text of posts or pages changed, renders only their pages: the build is
told which files changed since the last good build (see plugins/staffblog/preview.py).
The reload script is injected by the livereload server into served pages only; the
built files in output/ never contain it.
"""

import argparse
import logging
import os
import sys
import time

from livereload import Server
from pelican import Pelican, get_config, parse_arguments, signals
from pelican.contents import Content
from pelican.settings import read_settings

from tools.build import ProblemReport, console_handler, run

logger = logging.getLogger("devserver")
# Pelican's loggers drop a message identical to one logged before ("Built in 0.06 s"
# twice in a row): the author must see a line for every build.
logger.disable_filter()

# Besides the content folder: what changes the site's look or its build.
WATCHED = ("theme", "plugins")


def stamps(roots):
    """{path: modification time} of every file under ``roots`` (files or folders)."""
    found = {}
    for root in roots:
        if os.path.isfile(root):
            found[os.path.abspath(root)] = os.stat(root).st_mtime_ns
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = os.path.abspath(os.path.join(folder, name))
                found[path] = os.stat(path).st_mtime_ns
    return found


class PreviewBuilds:
    """The development server's builds, each told what changed since the last good one."""

    def __init__(self, pelican_arguments):
        self.args = parse_arguments(pelican_arguments)
        self.settings_file = self.args.settings
        self.last_good = None  # stamps of the watched files at the start of the last good build

    def watched(self, settings):
        return [settings["PATH"], settings["THEME"], self.settings_file, *WATCHED]

    def build(self):
        """Build once and list its problems; False if it stopped (the next is then a full one)."""
        overrides = {
            **get_config(self.args),
            "STAFFBLOG_PREVIEW": True,
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": True,
        }
        settings = read_settings(self.settings_file, override=overrides)
        watched = [*self.watched(settings), settings.get("ISSO_DB_PATH") or ""]
        now = stamps(path for path in watched if path)
        if self.last_good is not None:
            paths = now.keys() | self.last_good.keys()
            changed = [path for path in paths if now.get(path) != self.last_good.get(path)]
            settings["STAFFBLOG_PREVIEW_CHANGED"] = sorted(changed)
        self.last_good = None
        report = ProblemReport(settings["PATH"])
        pelican = Pelican(settings)
        finished = run(pelican, report)
        if not finished:
            # A build that stopped never says it ended: a plugin that collects pages during
            # a build and writes at its end (the sitemap) would keep them, and write no more.
            signals.finalized.send(pelican)
        # Pelican memoizes a post's content and summary on its class, keyed by the post: in
        # this one long process every build's posts would stay in memory.
        Content.get_content.cache.clear()
        Content.get_summary.cache.clear()
        report.write(sys.stderr)
        if finished:
            self.last_good = now
        return finished


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--content", default="content")
    parser.add_argument("--output", default="output")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("pelican_options", nargs="*", help="passed on to Pelican (PELICANOPTS)")
    args = parser.parse_args(argv)
    # Problems are listed after each build; a line per file written (thousands on a big
    # site) would bury them. Pelican prints its own summary; the plugin says how many
    # pages it rendered.
    logging.basicConfig(level=logging.WARNING, handlers=[console_handler(debug=False)])
    logger.setLevel(logging.INFO)
    for name in ("staffblog.preview", "pelican.log"):
        logging.getLogger(name).setLevel(logging.INFO)
    logging.getLogger("staffblog.preview").disable_filter()
    # livereload and tornado print through their own handlers: once is enough.
    for name in ("livereload", "tornado"):
        logging.getLogger(name).propagate = False
    builds = PreviewBuilds(
        [args.content, "-o", args.output, "-s", args.settings, *args.pelican_options]
    )

    def rebuild():
        started = time.perf_counter()
        if builds.build():
            logger.info("Built in %.2f s; the browser reloads.", time.perf_counter() - started)

    try:
        rebuild()
    except KeyboardInterrupt:  # Ctrl-C during the first build; later ones are the server's
        logger.info("Stopped.")
        return 0
    server = Server()
    for root in (args.content, *WATCHED):
        server.watch(os.path.join(root, "**", "*"), rebuild)
    server.watch(args.settings, rebuild)
    logger.info("Preview at http://%s:%s/ (Ctrl-C to stop)", args.bind, args.port)
    server.serve(host=args.bind, port=args.port, root=args.output, open_url_delay=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
