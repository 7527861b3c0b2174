"""Production build that cannot half-fail.

Builds with ``publishconf.py`` (through tools/build.py, which lists every problem of
the build) into a fresh folder beside the output folder (the search index is part of
the build) and swaps it in only when the build found no problem. Otherwise the fresh
folder is removed and the previous site stays untouched. What a killed publish left
beside the site (its fresh folder, or the previous site mid-swap) goes at the next one.
"""

import argparse
import glob
import logging
import os
import shutil
import subprocess
import sys
import tempfile

logger = logging.getLogger("publish")


def build(content, staging, settings, pelican_options):
    command = [
        sys.executable,
        "-m",
        "tools.build",
        content,
        "--output",
        staging,
        "--settings",
        settings,
        *pelican_options,
    ]
    with subprocess.Popen(command) as process:
        try:
            return process.wait()
        except KeyboardInterrupt:  # Ctrl-C reached the build too: it stops and says why
            return process.wait()


def scratch_folder(kind, parent):
    """A new folder ``.output-<kind>-<this process>-<random>`` in ``parent``."""
    return tempfile.mkdtemp(prefix=f".output-{kind}-{os.getpid()}-", dir=parent)


def remove_left_by_killed_publishes(parent):
    for path in glob.glob(os.path.join(parent, ".output-*-*-*")):
        pid = os.path.basename(path).split("-")[2]
        try:
            os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (ValueError, PermissionError):  # not ours, or another user's live process
            pass


def swap_in(staging, output):
    previous = None
    if os.path.exists(output):
        previous = scratch_folder("previous", os.path.dirname(output))
        os.rmdir(previous)
        os.rename(output, previous)
    os.rename(staging, output)
    if previous:
        shutil.rmtree(previous)


def publish(content, output, settings, pelican_options=()):
    output = os.path.abspath(output)
    parent = os.path.dirname(output)
    os.makedirs(parent, exist_ok=True)
    remove_left_by_killed_publishes(parent)
    staging = scratch_folder("staging", parent)
    # mkdtemp makes a private (0700) folder; the web server's user must read the site.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)
    try:
        status = build(content, staging, settings, list(pelican_options))
        if status != 0:
            logger.error("nothing was published: %s is left as it was", output)
            return status or 1
        swap_in(staging, output)
        logger.info("published to %s", output)
        return 0
    finally:
        if os.path.exists(staging):
            shutil.rmtree(staging)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default="content")
    parser.add_argument("--output", default="output")
    parser.add_argument("--settings", default="publishconf.py")
    parser.add_argument("pelican_options", nargs="*")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    return publish(args.content, args.output, args.settings, args.pelican_options)


if __name__ == "__main__":
    sys.exit(main())
