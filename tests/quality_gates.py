"""The four quality gates, each returning a list of problems that name the page.

Used by test_quality_gates.py over the real site, and by
test_quality_gates_fail.py over deliberately broken pages to prove each gate
can fail.
"""

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def vnu_errors(folder):
    """Nu HTML Checker errors in every HTML file under ``folder``."""
    java = shutil.which("java")
    if not java or not VNU_JAR.is_file():
        raise RuntimeError("the HTML gate needs java and node_modules/vnu-jar (run `make test`)")
    command = [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
    command += ["--skip-non-html", str(folder)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    problems = []
    for message in messages:
        page = Path(message.get("url", "").removeprefix("file:")).relative_to(folder)
        where = f"{page}:{message.get('lastLine', '?')}"
        problems.append(f"{where}: {message['type']}: {message['message']}")
    return problems


def axe_violations(page, url, color_schemes=("light", "dark")):
    """WCAG 2.1 A and AA violations that axe-core finds on ``url`` in each colour scheme."""
    page.goto(url, wait_until="networkidle")
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    problems = []
    for scheme in color_schemes:
        page.emulate_media(color_scheme=scheme)
        results = Axe().run(page, options=options)
        for violation in results.response["violations"]:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"])
            problems.append(f"{url} ({scheme}): {violation['id']}: {violation['help']} [{targets}]")
    return problems


def broken_links(start_url, config_file):
    """Every internal link, anchor, image, feed or download under ``start_url`` that fails.

    The crawl stays on ``start_url``'s host; links to other hosts are not fetched.
    """
    command = [
        sys.executable,
        "-m",
        "linkcheck",
        "--config",
        str(config_file),
        "--no-status",
        "--output",
        "csv",
        start_url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    rows = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    problems = []
    for row in csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";"):
        # A missing #anchor is only a warning to LinkChecker; for readers it is a broken link.
        if row["valid"] != "True" or row["warningstring"]:
            problems.append(
                f"{row['parentname'] or start_url}:{row['line']}: {row['urlname']}: "
                f"{row['result']} {row['warningstring']}".strip()
            )
    if result.returncode not in (0, 1):
        problems.append(f"linkchecker failed ({result.returncode}): {result.stderr[-2000:]}")
    return problems


def missing_same_page_anchors(folder):
    """``href="#x"`` links whose target id is not on the same page.

    LinkChecker checks fragments of links to other pages but not same-page ones.
    """
    problems = []
    for html_file in sorted(Path(folder).rglob("*.html")):
        soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
        ids = {tag["id"] for tag in soup.find_all(id=True)}
        ids |= {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
        for link in soup.find_all("a", href=True):
            fragment = link["href"]
            if fragment.startswith("#") and len(fragment) > 1 and fragment[1:] not in ids:
                page = html_file.relative_to(folder)
                problems.append(f"{page}: link to missing anchor {fragment}")
    return problems


def csp_violations(page, url, exercise=None):
    """Content-Security-Policy violations the browser reports while ``url`` loads and is used."""
    reports = []
    page.on(
        "console",
        lambda message: (
            reports.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if exercise:
        exercise(page)
        page.wait_for_load_state("networkidle")
    return [f"{url}: {text}" for text in reports]
