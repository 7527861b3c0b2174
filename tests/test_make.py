"""The preview loop through the Makefile: any port, any folder, any Pelican option.

`make html`, `make serve` and `make devserver` take PORT, ISSO_PORT, INPUTDIR, OUTPUTDIR
and PELICANOPTS alike, and the built site points at the ports actually used.
"""

import contextlib
import gzip
import os
import signal
import subprocess
import time
import urllib.request
from urllib.parse import quote

from bs4 import BeautifulSoup

from conftest import ROOT, SEED_URL, child_env, free_port, wait_for_port


def make(*arguments, env=None):
    return subprocess.run(
        ["make", "--no-print-directory", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=child_env(env),
        check=False,
        timeout=600,
    )


@contextlib.contextmanager
def make_in_background(arguments, port, log_path, env=None):
    """Run a long-lived make target in its own process group; stop the group by its PID."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", *arguments],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=child_env(env),
            start_new_session=True,
        )
        try:
            wait_for_port(port, process, timeout=120)
            yield process
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode(), dict(response.headers)


def folders(tmp_path, content_copy):
    output = tmp_path / "preview"
    options = f"--cache-path {tmp_path / 'cache'}"
    return [f"INPUTDIR={content_copy}", f"OUTPUTDIR={output}", f"PELICANOPTS={options}"], output


def test_make_html_builds_for_the_ports_given(content_copy, tmp_path):
    site_port, isso_port = free_port(), free_port()
    places, output = folders(tmp_path, content_copy)
    result = make("html", f"PORT={site_port}", f"ISSO_PORT={isso_port}", *places)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "cache" / "staffblog").is_dir()  # PELICANOPTS reached Pelican
    page = BeautifulSoup((output / SEED_URL / "index.html").read_text(), "html.parser")
    assert page.find("link", rel="canonical")["href"].startswith(f"http://127.0.0.1:{site_port}/")
    assert page.select_one("#isso-thread")["data-comment-server"] == f"http://127.0.0.1:{isso_port}"
    feed = (output / "feed" / "index.xml").read_text()
    assert f"http://127.0.0.1:{site_port}/{SEED_URL}" in feed
    assert "127.0.0.1:8000" not in feed


def test_make_serve_on_other_ports_serves_the_site_and_its_comment_server(content_copy, tmp_path):
    site_port, isso_port = free_port(), free_port()
    places, _output = folders(tmp_path, content_copy)
    (content_copy / "pages" / "greek.md").write_text("Title: Greek\nSlug: εργασία\n\nΚαλημέρα.\n")
    arguments = ["serve", f"PORT={site_port}", f"ISSO_PORT={isso_port}", *places]
    env = {"ISSO_ADMIN_PASSWORD": "test-password-for-make-serve"}
    with make_in_background(arguments, site_port, tmp_path / "serve.log", env):
        deadline = time.monotonic() + 60
        while True:
            try:
                script, _ = fetch(f"http://127.0.0.1:{isso_port}/js/embed.min.js")
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.5)
        assert script
        html, headers = fetch(f"http://127.0.0.1:{site_port}/{SEED_URL}")
        assert f"http://127.0.0.1:{isso_port}" in headers["Content-Security-Policy"]
        assert f"http://127.0.0.1:{isso_port}" in html
        assert "127.0.0.1:8080" not in html
        greek, _headers = fetch(f"http://127.0.0.1:{site_port}/{quote('εργασία')}/")
        assert "Καλημέρα" in greek
        # Gzipped as nginx sends it, to a browser that asks.
        asking = urllib.request.Request(
            f"http://127.0.0.1:{site_port}/{SEED_URL}", headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(asking, timeout=10) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(response.read()).decode() == html


def test_make_devserver_honours_folders_ports_and_options(content_copy, tmp_path):
    site_port = free_port()
    places, output = folders(tmp_path, content_copy)
    arguments = ["devserver", f"PORT={site_port}", *places]
    with make_in_background(arguments, site_port, tmp_path / "devserver.log"):
        html, _headers = fetch(f"http://127.0.0.1:{site_port}/{SEED_URL}")
    assert "The Value of Post Interview Follow Up" in html
    assert (output / SEED_URL / "index.html").is_file()
    assert (tmp_path / "cache" / "staffblog").is_dir()
    canonical = BeautifulSoup(html, "html.parser").find("link", rel="canonical")["href"]
    assert canonical.startswith(f"http://127.0.0.1:{site_port}/")
    lines = (tmp_path / "devserver.log").read_text().splitlines()
    serving = [line for line in lines if "Serving on" in line]
    assert len(serving) == 1, lines  # livereload's lines are printed once
