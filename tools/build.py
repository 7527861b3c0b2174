"""Build the site once with Pelican, then list every problem found, one plain line each.

`make html`, `make publish` (tools/publish.py) and `make devserver` (tools/devserver.py)
build through this. Pelican logs a problem where it meets it, between other lines and
wrapped to the terminal; here each warning or error is kept and printed after the build
as ``file[:line]: what is wrong; how to fix it``, never wrapped, with a count. A build
that found any problem exits 1: the site holds what could be built, a publish is refused.
"""

import contextlib
import fcntl
import logging
import os
import re
import sys

from pelican import get_instance, parse_arguments, signals
from pelican.log import DEFAULT_LOG_HANDLER, LimitFilter

from tools import content_checks

logger = logging.getLogger("build")
logger.setLevel(logging.INFO)  # its one message, that a build waits, shows at any verbosity
LOCK_FILE = "build.lock"  # in CACHE_PATH

# Pelican's own messages about content, in words a writer can act on. Keys are the
# templates Pelican logs (record.msg); values take the record's arguments.
MISSING_FIELD_HINTS = {
    "title": "add a 'Title:' line at the top, e.g. 'Title: How to follow up'",
    "date": "add a 'Date:' line at the top, e.g. 'Date: 2024-05-01'",
}


def missing_field(source, field):
    hint = MISSING_FIELD_HINTS.get(field, f"add a '{field.title()}:' line at the top")
    return f"{source}: has no '{field.title()}:' line, so it was left out; {hint}"


SLUGLESS = 'Unable to generate valid slug for %s "%s".'


def slugless(kind, name):
    """None for a tag or category: the plugin names the file and line (validation.py)."""
    return None if kind in ("Tag", "Category") else SLUGLESS % (kind, name)


PELICAN_MESSAGES = {
    "Skipping %s: could not find information about '%s'": missing_field,
    SLUGLESS: slugless,
}
# Pelican's note that it left out a file it could not read (a path relative to the
# content folder): the reader has usually said why already (plugins/staffblog/reader.py).
NOT_PROCESSED = "Could not process %s"
# Pelican's note of a {filename}, {static} or {attach} link to no file: it names the link
# as written after the marker, not the post that has it.
LINK_TO_NOTHING = "Unable to find '%s', skipping url replacement."


class ProblemReport(logging.Handler):
    """Every warning and error of one build, as the lines a writer reads."""

    def __init__(self, content_folder=""):
        super().__init__(logging.WARNING)
        self.prefix = os.getcwd() + os.sep
        self.content_folder = content_folder
        self.lines = []
        self.stopped = None  # why the build did not finish: not a problem in a file
        self.links_to_nothing = set()  # Pelican warns of one at each rendering of its post
        self.previews = []  # posts only the preview shows: content_checks.Addresses

    def stop(self, why):
        self.stopped = f"the build stopped: {why}"

    def emit(self, record):
        if record.msg == NOT_PROCESSED:
            path = str(record.args[0])
            if not any(path in line for line in self.lines):
                self.add(
                    f"{os.path.join(self.content_folder, path)}: cannot be read, so it was "
                    "left out; build with DEBUG=1 to see why"
                )
            return
        if record.msg == LINK_TO_NOTHING:
            target = str(record.args[0])
            if target not in self.links_to_nothing:  # the content folder is searched once
                self.links_to_nothing.add(target)
                for line in content_checks.places_of_link(self.content_folder, target):
                    self.add(line)
            return
        describe = PELICAN_MESSAGES.get(record.msg)
        text = describe(*record.args) if describe else record.getMessage()
        if text is not None:
            self.add(text)

    def add(self, text):
        line = " ".join(str(text).replace(self.prefix, "").split())
        if line not in self.lines:
            self.lines.append(line)

    def files(self):
        return {re.split(r"[:\s]", line, maxsplit=1)[0] for line in self.lines}

    def write(self, stream):
        """Print the report: nothing when the build was clean and wrote no draft."""
        if self.previews:
            stream.write("\nOnly in this preview (make publish leaves them out):\n")
            stream.writelines(f"  {line}\n" for line in self.previews)
        if self.lines:
            stream.write("\nProblems found in this build:\n")
            stream.writelines(f"{line}\n" for line in self.lines)
            count, files = len(self.lines), len(self.files())
            stream.write(
                f"{count} problem{'s' * (count != 1)} in {files} file{'s' * (files != 1)}; "
                "fix them and build again (README: 'When the build complains').\n"
            )
        if self.stopped:
            stream.write(f"{self.stopped}\n")
        stream.flush()

    def failed(self):
        return bool(self.lines or self.stopped)


@contextlib.contextmanager
def one_build_at_a_time(cache_path):
    """Builds sharing a cache (a cron publish and one started by hand, `make html` beside the
    devserver) would write its files at once: each waits for the one running."""
    os.makedirs(cache_path, exist_ok=True)
    with open(os.path.join(cache_path, LOCK_FILE), "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            running = lock.read().strip() or "another"
            logger.info("waiting for the build already running (process %s) to finish", running)
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.truncate(0)
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        yield


def drop_empty_cache_files(cache_path):
    """Pelican's content cache left empty (a build stopped, or the disk filled, as Pelican wrote
    it) would stop every build; Pelican reads a missing one as "not cached yet"."""
    for entry in os.scandir(cache_path):
        if entry.name != LOCK_FILE and entry.is_file() and entry.stat().st_size == 0:
            os.remove(entry.path)


def run(pelican, report, debug=False):
    """Run one Pelican build; True if it ran to the end, else what stopped it is reported."""
    root = logging.getLogger()
    root.addHandler(report)
    addresses = content_checks.Addresses()
    signals.all_generators_finalized.connect(addresses.collect)
    signals.content_written.connect(addresses.written)
    try:
        with one_build_at_a_time(pelican.settings["CACHE_PATH"]):
            drop_empty_cache_files(pelican.settings["CACHE_PATH"])
            pelican.run()
        report.previews = addresses.previews
        for line in content_checks.problems(pelican.settings, addresses):
            report.add(line)
        return True
    except Exception as exc:  # a problem Pelican or the plugin did not expect
        report.stop(f"{type(exc).__name__}: {exc}")
        if debug:
            logger.exception("the build stopped")
        return False
    finally:
        signals.all_generators_finalized.disconnect(addresses.collect)
        signals.content_written.disconnect(addresses.written)
        root.removeHandler(report)


def console_handler(debug):
    """Progress lines while building; problems wait for the report."""
    if sys.stderr.isatty():
        handler = DEFAULT_LOG_HANDLER
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
    if not debug:
        handler.addFilter(lambda record: record.levelno < logging.WARNING)
    return handler


def main(argv=None):
    args = parse_arguments(argv)
    debug = args.verbosity == logging.DEBUG
    logging.basicConfig(level=args.verbosity or logging.WARNING, handlers=[console_handler(debug)])
    # Pelican drops repeated warnings after a few; the report lists each once.
    LimitFilter.LOGS_DEDUP_MIN_LEVEL = logging.INFO
    try:
        pelican, settings = get_instance(args)
    except Exception as exc:
        report = ProblemReport()
        report.stop(f"the settings cannot be used: {type(exc).__name__}: {exc}")
    else:
        report = ProblemReport(settings["PATH"])
        try:
            run(pelican, report, debug)
        except KeyboardInterrupt:
            report.stop("Ctrl-C; build again to finish the site")
    report.write(sys.stderr)
    return 1 if report.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
