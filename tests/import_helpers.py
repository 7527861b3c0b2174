"""Helpers for the WordPress import tests: run `make import` as a subprocess on a scratch
copy of content/, read what it wrote."""

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT, child_env

FIXTURES = ROOT / "tests" / "fixtures" / "wxr"
CORE = FIXTURES / "core-1.2-http.xml"
WPCOM = FIXTURES / "wpcom-1.2-https.xml"
OLD = FIXTURES / "core-1.0-http.xml"
BROKEN = FIXTURES / "broken.xml"
UPLOADS = FIXTURES / "uploads"
WPCOM_UPLOADS = FIXTURES / "wpcom-uploads"


@dataclass
class Imported:
    root: Path
    returncode: int
    stdout: str
    stderr: str

    @property
    def content(self):
        return self.root / "content"

    @property
    def db(self):
        return self.root / "var" / "comments.db"

    @property
    def redirects_map(self):
        return self.root / "redirects.map"

    def metadata(self, relative):
        """The ``Key: value`` header of a written file, keys lower-cased."""
        fields = {}
        for line in (self.content / relative).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                break
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.strip()
        return fields

    def body(self, relative):
        return (self.content / relative).read_text(encoding="utf-8").split("\n\n", 1)[1]


def run_import(wxr, root, *options, media=None, env=None):
    """`make import WXR=wxr [MEDIA=media]` into ``root/content`` (copied from the repo's
    content/ on first use), with its own Isso database and nginx map under ``root``."""
    root = Path(root)
    if not (root / "content").exists():
        shutil.copytree(ROOT / "content", root / "content")
    command = [sys.executable, "-m", "tools.wordpress", str(wxr)]
    command += ["--content", str(root / "content"), "--db", str(root / "var" / "comments.db")]
    command += ["--redirects-map", str(root / "redirects.map")]
    command += ["--site-url", "https://blog.example.com"]
    if media:
        command += ["--media", str(media)]
    result = subprocess.run(
        [*command, *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=child_env(env),
        check=False,
        timeout=300,
    )
    return Imported(root, result.returncode, result.stdout, result.stderr)


def tree(folder):
    """Every file under ``folder`` with its bytes (to prove nothing changed)."""
    folder = Path(folder)
    if not folder.exists():
        return {}
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def report_lines(text, heading):
    """The ``  - …`` lines under a heading of the report."""
    match = re.search(re.escape(heading) + r"\n((?:  - .*\n)+)", text)
    return [line[4:] for line in match.group(1).splitlines()] if match else []
