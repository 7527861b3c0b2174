"""`make audit`: Lighthouse scores of each page type of the benchmark site.

Serves bench-results/site/ (the full build kept by `make bench`) on 127.0.0.1 the
way `make serve` does: the production security headers, and Isso beside the site on
the address the pages name, with the corpus's comments (bench-results/comments.db,
copied), so a comment section near the top of a page loads its live thread as it
would for a reader. Runs Lighthouse with Debian's chromium (CHROME_PATH) on each page
type, and adds the four category scores to bench-results/report.json and report.md.
"""

import argparse
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from contextlib import ExitStack, nullcontext
from pathlib import Path
from urllib.parse import urlparse

from bs4 import BeautifulSoup

from bench.run import RESULTS, markdown_report, page_file, write_report
from tools import comments
from tools.serve import make_server, security_headers

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)

logger = logging.getLogger("audit")


def lighthouse_scores(url, chrome_path):
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
        ]
        env = {**os.environ, "CHROME_PATH": chrome_path}
        subprocess.run(command, check=True, env=env, capture_output=True)
        data = json.loads(report.read_text())
    scores = {name: round(100 * data["categories"][name]["score"]) for name in CATEGORIES}
    failing = [
        audit["title"]
        for audit in data["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric")
    ]
    return scores, failing


def comment_server(site, paths):
    """The comment server's origin the audited pages name (data-comment-server), or None."""
    for path in paths:
        soup = BeautifulSoup(page_file(site, path).read_text(encoding="utf-8"), "html.parser")
        thread = soup.select_one("[data-comment-server]")
        if thread:
            return thread["data-comment-server"].rstrip("/")
    return None


def running_isso(origin, site_port, database, scratch):
    """Isso on ``origin`` (as `make serve` starts it) with a copy of ``database``."""
    address = urlparse(origin)
    with socket.socket() as probe:
        if probe.connect_ex((address.hostname, address.port)) == 0:
            raise comments.StartError(f"{address.netloc} is in use; stop what listens there")
    copy = Path(scratch) / "comments.db"
    if database.is_file():
        shutil.copyfile(database, copy)
    arguments = argparse.Namespace(
        config=str(ROOT / "isso.cfg"),
        db=str(copy),
        bind=address.hostname,
        port=address.port,
        site_port=site_port,
        origin=[],
        set=[],
    )
    return comments.running_isso(arguments)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chrome", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="audit: %(message)s")
    report_file = RESULTS / "report.json"
    site = RESULTS / "site"
    if not report_file.is_file() or not site.is_dir():
        logger.error("no benchmark site in %s: run `make bench` first", RESULTS)
        return 1
    results = json.loads(report_file.read_text())
    origin = comment_server(site, results["page_urls"].values())
    server = make_server(site, "127.0.0.1", 0, security_headers(comment_origin=origin))
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with ExitStack() as stack:
            scratch = stack.enter_context(tempfile.TemporaryDirectory())
            stack.enter_context(
                running_isso(origin, port, RESULTS / "comments.db", scratch)
                if origin
                else nullcontext()
            )
            results["lighthouse"] = {}
            results["lighthouse_findings"] = {}
            for name, path in results["page_urls"].items():
                url = f"http://127.0.0.1:{port}/{path}"
                scores, failing = lighthouse_scores(url, args.chrome)
                logger.info("%s %s %s", name, scores, "; ".join(failing))
                results["lighthouse"][name] = scores
                results["lighthouse_findings"][name] = failing
    except comments.StartError as error:
        logger.error("cannot start the comment server: %s", error)
        return 1
    finally:
        server.shutdown()
        server.server_close()
    write_report(results)
    sys.stdout.write(markdown_report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
