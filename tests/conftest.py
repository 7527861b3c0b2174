"""Shared fixtures: build the real site through the real Pelican pipeline.

Every build runs ``python -m pelican`` in a subprocess, as ``make html`` does,
so no state leaks between builds and the plugin is loaded exactly as in use.
"""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
SEED_URL = "blog/2013/01/31/the-value-of-post-interview-follow-up/"


@dataclass
class Build:
    output: Path
    returncode: int
    log: str

    def path(self, url):
        target = self.output / url
        return target / "index.html" if url.endswith("/") or url == "" else target

    def html(self, url):
        return BeautifulSoup(self.path(url).read_text(encoding="utf-8"), "html.parser")

    def json_ld(self, url):
        tag = self.html(url).find("script", type="application/ld+json")
        return json.loads(tag.string)


def run_pelican(content, output, settings="pelicanconf.py", *options, env=None):
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "-o",
        str(output),
        "-s",
        str(ROOT / settings),
        *options,
    ]
    result = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=child_env(env),
        check=False,
    )
    return Build(Path(output), result.returncode, result.stdout + result.stderr)


def run_publish(content, output, env=None):
    command = [sys.executable, "-m", "tools.publish", "--content", str(content)]
    command += ["--output", str(output), "--settings", str(ROOT / "publishconf.py")]
    result = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=child_env(env),
        check=False,
    )
    return Build(Path(output), result.returncode, result.stdout + result.stderr)


def child_env(extra=None):
    """This environment without a stray SITEURL, with room for long log lines."""
    env = {key: value for key, value in os.environ.items() if key != "SITEURL"}
    env["COLUMNS"] = "400"
    env.update(extra or {})
    return env


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The real content, built once with the development settings."""
    build = run_pelican(ROOT / "content", tmp_path_factory.mktemp("site") / "output")
    assert build.returncode == 0, build.log
    return build


@pytest.fixture
def content_copy(tmp_path):
    """A scratch copy of content/ that a test may break on purpose."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target
