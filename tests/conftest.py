"""Shared fixtures: build the real site through the real Pelican pipeline.

Every build runs ``python -m tools.build`` in a subprocess, as ``make html`` does,
so no state leaks between builds and the plugin is loaded exactly as in use.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tools.comments import stop

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


def run_pelican(content, output, settings="pelicanconf.py", *options, env=None, timeout=600):
    """`make html` (tools/build.py), into ``output``; a build still running after
    ``timeout`` s fails.

    Builds into the same folder share a cache beside it, as `make html` shares cache/.
    """
    command = ["-m", "tools.build", str(content), "-o", str(output), "-s", str(ROOT / settings)]
    command += ["--cache-path", str(cache_beside(output))]
    return build_with(command + list(options), output, env, timeout)


def run_publish(content, output, env=None, options=()):
    """`make publish`, into ``output``; ``options`` go to Pelican (PELICANOPTS)."""
    command = ["-m", "tools.publish", "--content", str(content), "--output", str(output)]
    command += ["--settings", str(ROOT / "publishconf.py"), "--"]
    command += ["--cache-path", str(cache_beside(output)), *options]
    return build_with(command, output, env)


def interrupted_once_building(arguments, cache, env=None, signal_number=signal.SIGINT):
    """Run ``python arguments`` as a terminal runs a job (a process group of its own), press
    Ctrl-C (or send ``signal_number``) once its build makes social cards (a worker draws
    them into the cache), and return (exit status, output) when every process of the group
    has ended."""
    job = subprocess.Popen(
        [sys.executable, *arguments],
        cwd=ROOT,
        env=child_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as in a terminal
    )
    try:
        cards, deadline = Path(cache) / "staffblog" / "images", time.monotonic() + 120
        while not any(cards.glob("*.jpg")) and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(job.pid, signal_number)
        output = job.communicate(timeout=120)[0]
        for _ in range(100):  # its workers and Pagefind end with it
            try:
                os.killpg(job.pid, 0)
            except ProcessLookupError:
                return job.returncode, output
            time.sleep(0.1)
        raise AssertionError(f"processes of the stopped job are still running:\n{output}")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(job.pid, signal.SIGKILL)
        job.wait()


def cache_beside(output):
    return Path(output).parent / "cache"


def build_with(arguments, output, env, timeout=600):
    result = subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=child_env(env),
        check=False,
        timeout=timeout,
    )
    return Build(Path(output), result.returncode, result.stdout + result.stderr)


def snapshot(folder):
    """Every file under ``folder`` with its bytes: to prove a failed publish changed nothing."""
    return {p.relative_to(folder): p.read_bytes() for p in Path(folder).rglob("*") if p.is_file()}


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
def staffblog(monkeypatch):
    """The plugin package, imported under the name Pelican gives it."""
    monkeypatch.syspath_prepend(str(ROOT / "plugins"))
    import staffblog

    return staffblog


@pytest.fixture
def content_copy(tmp_path):
    """A scratch copy of content/ that a test may break on purpose."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


# --- Served site and real headless Chromium ------------------------------------------

CHROMIUM = "/usr/bin/chromium"
# Chromium's background services would try to reach Google's hosts; this machine
# has no network beyond 127.0.0.1, and tests must not try.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port}")


@contextlib.contextmanager
def background_process(command, port, **kwargs):
    """Start a server, wait for its port, and stop it by its PID afterwards."""
    process = subprocess.Popen(command, cwd=ROOT, **kwargs)
    try:
        wait_for_port(port, process)
        yield process
    finally:
        stop(process, command[-1])


@contextlib.contextmanager
def serve(root):
    """Serve a built site with tools.serve on a free 127.0.0.1 port; yield its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "tools.serve", "--root", str(root), "--port", str(port)]
    with background_process(command, port, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def site_url(site):
    with serve(site.output) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page; fails the test on any request to another host."""
    context = browser.new_context()
    foreign = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    yield tab
    context.close()
    assert not foreign, f"requests to other hosts: {foreign}"


# --- Reader features: a site with several posts sharing tags ------------------------

READER_ARTICLES = {
    "thank-you-notes.md": (
        "Title: Thank-You Notes That Work\nDate: 2013-06-01\nAuthor: Barbara Feldman\n"
        "Category: Interview Tips\nTags: thank-you notes, follow-up\n"
        "Summary: What to put in the note you send after an interview.\n\n"
        "Write a short thank-you note after every interview and name one thing you discussed.\n"
    ),
    "panel-interview.md": (
        "Title: Preparing for a Panel Interview\nDate: 2014-02-10\nAuthor: Barbara Feldman\n"
        "Category: Interview Tips\nTags: interviews, preparation\n"
        "Summary: Four steps before you face several interviewers at once.\n\n"
        + "\n\n".join(
            f"## Step {number}: {step}\n\n"
            + "Candidates who prepare answers to common questions walk in calmer. " * 40
            + f"\n\n### Notes on {step.lower()}\n\n"
            + "Write down two examples for each skill the posting asks for. " * 30
            for number, step in enumerate(
                ("Research the company", "Rehearse your stories", "Plan the day", "Debrief"), 1
            )
        )
        + "\n"
    ),
    "resume-basics.md": (
        "Title: Résumé Basics & Pitfalls\nDate: 2015-03-03\nAuthor: Barbara Feldman\n"
        "Category: Resumes\nTags: resumes, job search\n"
        "Summary: Two pages, plain layout, results first.\n\n"
        "## Length\n\nKeep your résumé to two pages.\n\n## Layout\n\nUse a plain layout.\n\n"
        "## Results\n\nLead with results, not duties.\n\n"
    ),
    "salary-talk.md": (
        "Title: Talking About Salary\nDate: 2016-09-12\nAuthor: Barbara Feldman\n"
        "Category: Offers\nTags: interviews, offers\nTOC: yes\n"
        "Related_posts: resume-basics-pitfalls\n"
        "Summary: When the question comes, have a range ready.\n\n"
        "## Have a range\n\nResearch the market rate before the first interview.\n"
    ),
    "unicorn-draft.md": (
        "Title: Secret Draft\nDate: 2017-01-01\nAuthor: Barbara Feldman\nStatus: draft\n"
        "Category: Interview Tips\nTags: interviews, follow-up\n\n"
        "Zebraunicorn appears only in this draft.\n"
    ),
}
# What another generator (the checklist pages) writes into the output: Pagefind
# must index any page under checklists/ that marks its content data-pagefind-body.
READER_CHECKLIST_URL = "checklists/reader-fixture-follow-up/"
READER_CHECKLIST_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Follow-up checklist</title></head>
<body><main>
<h1 data-pagefind-body>Interview follow-up checklist</h1>
<ul data-pagefind-body><li>Send a follow-up note within 24 hours.</li>
<li>Thank every interviewer by name.</li></ul>
</main></body></html>
"""


@pytest.fixture(scope="session")
def reader_site(tmp_path_factory):
    """The real content plus the posts above, and a hand-made checklist page."""
    root = tmp_path_factory.mktemp("reader")
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    for name, text in READER_ARTICLES.items():
        (content / "articles" / name).write_text(text, encoding="utf-8")
    output = root / "output"
    checklist = output / READER_CHECKLIST_URL / "index.html"
    checklist.parent.mkdir(parents=True)
    checklist.write_text(READER_CHECKLIST_HTML, encoding="utf-8")
    build = run_pelican(content, output)
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="session")
def reader_site_url(reader_site):
    with serve(reader_site.output) as url:
        yield url


# --- Comments: a real Isso server beside the served site ---------------------------


class IssoSite:
    """The site built into a temp folder and served by ``tools.comments --serve``
    (exactly what ``make serve`` runs), with a real Isso on its own port and database.

    ``rebuild()`` re-runs Pelican into the same folder, reading the same database.
    """

    def __init__(self, tmp_path, settings=(), origins=(), headers=(), site_settings=None):
        self.tmp = Path(tmp_path)
        self.db_path = self.tmp / "var" / "comments.db"
        self.output = self.tmp / "output"
        self.site_port = free_port()
        self.isso_port = free_port()
        self.site_url = f"http://127.0.0.1:{self.site_port}"
        self.isso_url = f"http://127.0.0.1:{self.isso_port}"
        self.settings = list(settings)
        self.origins = list(origins)
        self.headers = list(headers)
        self.site_settings = dict(site_settings or {})
        self.password = "test-admin-password"
        self.log = self.tmp / "isso.log"

    def build(self, content=ROOT / "content", settings="pelicanconf.py"):
        overrides = [f"ISSO_URL={json.dumps(self.isso_url)}"]
        overrides.append(f"ISSO_DB_PATH={json.dumps(str(self.db_path))}")
        overrides += [f"{key}={json.dumps(value)}" for key, value in self.site_settings.items()]
        return run_pelican(content, self.output, settings, "-e", *overrides)

    def rebuild(self):
        build = self.build()
        assert build.returncode == 0, build.log
        return build

    @contextlib.contextmanager
    def running(self):
        self.rebuild()
        command = [sys.executable, "-m", "tools.comments", "--serve", str(self.output)]
        command += ["--site-port", str(self.site_port), "--port", str(self.isso_port)]
        command += ["--db", str(self.db_path)]
        for item in self.settings:
            command += ["--set", item]
        for origin in self.origins:
            command += ["--origin", origin]
        for header in self.headers:
            command += ["--header", header]
        env = child_env({"ISSO_ADMIN_PASSWORD": self.password})
        with (
            open(self.log, "w") as log,
            background_process(command, self.isso_port, stdout=log, stderr=log, env=env) as proc,
        ):
            wait_for_port(self.site_port, proc)
            self.process = proc
            yield self

    # --- Isso's HTTP API, as a browser or the moderator would call it ---------------

    def request(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.isso_url}{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        request.add_header("Origin", self.site_url)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, uri, text, **fields):
        """Post a comment through the API; return (status, parsed JSON or raw body)."""
        body = {"text": text, "title": "Test thread", **fields}
        status, payload = self.request("POST", f"/new?{urllib.parse.urlencode({'uri': uri})}", body)
        try:
            return status, json.loads(payload)
        except ValueError:
            return status, payload

    def moderation_key(self, comment_id):
        """Isso's signed moderation key: ``itsdangerous`` over the DB's session key."""
        from itsdangerous import URLSafeTimedSerializer

        with contextlib.closing(sqlite3.connect(self.db_path)) as db:
            (key,) = db.execute("SELECT value FROM preferences WHERE key='session-key'").fetchone()
        return URLSafeTimedSerializer(key).dumps(comment_id)

    def moderate(self, comment_id, action):
        """Activate or delete through Isso's moderation endpoint (what its admin calls)."""
        key = self.moderation_key(comment_id)
        return self.request("POST", f"/id/{comment_id}/{action}/{key}")

    def rows(self, sql, args=()):
        with contextlib.closing(sqlite3.connect(self.db_path)) as db:
            return db.execute(sql, args).fetchall()
