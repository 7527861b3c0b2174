"""The authors' preview loop: `make devserver` rebuilds on save and serves the result."""

import logging
import re
import subprocess
import sys
import time
import urllib.request

from bs4 import BeautifulSoup

from bench import corpus
from conftest import (
    SEED_URL,
    background_process,
    child_env,
    free_port,
    interrupted_once_building,
)

SEED_FILE = "articles/2013/the-value-of-post-interview-follow-up.md"


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def wait_until(condition, tmp_path, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, (tmp_path / "devserver.log").read_text()
        time.sleep(0.5)


def title(html):
    return BeautifulSoup(html, "html.parser").find("h1").get_text(strip=True)


def test_devserver_rebuilds_after_an_edit_and_injects_reload_only_when_served(
    content_copy, tmp_path
):
    output = tmp_path / "output"
    port = free_port()
    command = [sys.executable, "-m", "tools.devserver", "--content", str(content_copy)]
    command += ["--output", str(output), "--port", str(port)]
    log = (tmp_path / "devserver.log").open("w")
    with background_process(command, port, stdout=log, stderr=subprocess.STDOUT, env=child_env()):
        url = f"http://127.0.0.1:{port}/{SEED_URL}"
        served = fetch(url)
        assert title(served) == "The Value of Post Interview Follow Up"
        assert "livereload.js" in served
        assert "livereload.js" not in (output / SEED_URL / "index.html").read_text()

        article = content_copy / SEED_FILE
        article.write_text(
            article.read_text().replace(
                "Title: The Value of Post Interview Follow Up",
                "Title: The Value of Post-Interview Follow-Up",
            )
        )
        wait_until(lambda: title(fetch(url)) == "The Value of Post-Interview Follow-Up", tmp_path)

        # The checklist of an edited article is rebuilt, not reused from the last build.
        checklist = f"http://127.0.0.1:{port}/checklists/the-value-of-post-interview-follow-up/"
        assert "The sooner, the better" in fetch(checklist)
        article.write_text(
            article.read_text().replace("The sooner, the better", "Sooner is better")
        )
        wait_until(lambda: "Sooner is better" in fetch(checklist), tmp_path)

        # An edit inside the text: only the post's own pages (the post, its checklist)
        # are rendered again.
        with article.open("a", encoding="utf-8") as handle:
            handle.write("\nA closing line written while previewing.\n")
        wait_until(lambda: "written while previewing" in fetch(url), tmp_path)
        wait_until(
            lambda: any(
                re.match(r"2 of \d+ pages rendered", line)
                for line in (tmp_path / "devserver.log").read_text().splitlines()
            ),
            tmp_path,
        )

        # The log says what matters: each build (the line follows its last file), not
        # each of the files it wrote.
        def builds_logged():
            lines = (tmp_path / "devserver.log").read_text().splitlines()
            return sum(line.startswith("Built in ") for line in lines)

        wait_until(lambda: builds_logged() >= 4, tmp_path)

        # A mistake is listed after the rebuild, with its file and line.
        article.write_text(article.read_text().replace("2013-01-31 09:00", "31/01/2013"))
        problem = f"{article}:2: Date '31/01/2013' is not written YYYY-MM-DD"
        wait_until(lambda: problem in (tmp_path / "devserver.log").read_text(), tmp_path)
    lines = (tmp_path / "devserver.log").read_text().splitlines()
    assert not [line for line in lines if line.startswith("Writing")], lines[:20]
    # Each build says how many pages it rendered (the others were unchanged).
    rendered = [line for line in lines if re.match(r"\d+ of \d+ pages rendered", line)]
    assert len(rendered) >= 4, lines


def test_devserver_logs_every_build_even_when_two_lines_read_the_same(caplog):
    """Pelican's loggers drop a repeated message; two builds often take the same 0.06 s."""
    from tools import devserver

    with caplog.at_level(logging.INFO, logger="devserver"):
        for _build in range(2):
            devserver.logger.info("Built in %.2f s; the browser reloads.", 0.06)
    assert caplog.text.count("Built in 0.06 s; the browser reloads.") == 2


def test_the_404_page_is_styled_at_any_missing_address(site):
    """Its assets and links resolve from the site's root, not from the missing folder."""
    import urllib.error
    from urllib.parse import urljoin

    from conftest import serve

    with serve(site.output) as base:
        missing = f"{base}/no/such/page/"
        try:
            urllib.request.urlopen(missing, timeout=10)
        except urllib.error.HTTPError as error:
            assert error.code == 404
            page = BeautifulSoup(error.read().decode(), "html.parser")
        stylesheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
        assert stylesheets
        for href in stylesheets:
            with urllib.request.urlopen(urljoin(missing, href), timeout=10) as response:
                assert response.status == 200
                assert response.headers["Content-Type"].startswith("text/css")
        home = urljoin(missing, page.find("a", string="Read the latest posts")["href"])
        assert home == f"{base}/"


def test_ctrl_c_during_the_devservers_first_build_stops_it_quietly(tmp_path):
    """Ctrl-C before the first preview is served: "Stopped.", no traceback, no process left."""
    content, cache = tmp_path / "content", tmp_path / "cache"
    settings = corpus.site_settings(tmp_path, corpus.generate(content, 200))
    command = ["-m", "tools.devserver", "--content", str(content), "--port", str(free_port())]
    command += ["--output", str(tmp_path / "output"), "--", "--cache-path", str(cache)]
    status, log = interrupted_once_building(command, cache, settings)
    assert status == 0, log
    assert log.splitlines()[-1] == "Stopped."
    assert "Traceback" not in log
