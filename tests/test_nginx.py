"""The shipped nginx configuration, run for real in front of the built site and Isso.

deploy/nginx/blog.conf is rewritten only where a test machine differs from the
server (plain HTTP on a free 127.0.0.1 port, the temporary output folder, the test
Isso's port); everything else, security headers and CSP included, is as shipped.
"""

import re
import shutil
import subprocess
from urllib.parse import quote

import pytest

from conftest import ROOT, SEED_URL, IssoSite, background_process, free_port, wait_for_port
from quality_gates import csp_violations

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SHIPPED = ROOT / "deploy" / "nginx" / "blog.conf"
SECURITY_HEADERS = ROOT / "deploy" / "nginx" / "security-headers.conf"
REDIRECTS_MAP = ROOT / "deploy" / "nginx" / "redirects.map"


def local_config(port, root, isso_port, redirects=REDIRECTS_MAP):
    """blog.conf for this machine: its HTTPS server block, served over HTTP on ``port``
    (with the redirect maps that follow it, read from ``redirects``)."""
    text = SHIPPED.read_text()
    servers = text.split("\nserver {")
    https = "server {" + servers[2]
    https = re.sub(r"listen \[::\]:443[^;]*;\n", "", https)
    https = re.sub(r"listen 443[^;]*;", f"listen 127.0.0.1:{port};", https)
    https = re.sub(r"\s*ssl_certificate(_key)? [^;]*;", "", https)
    https = re.sub(r"root [^;]*;", f"root {root};", https)
    https = https.replace(
        "include snippets/blog-security-headers.conf;", f"include {SECURITY_HEADERS};"
    )
    https = https.replace("include snippets/blog-redirects.map;", f"include {redirects};")
    # The http-level directives the server block needs (rate-limit zones).
    zones = "\n".join(re.findall(r"^limit_req_zone [^;]*;", text, re.MULTILINE))
    https = zones + "\n" + https
    return https.replace("http://127.0.0.1:8080", f"http://127.0.0.1:{isso_port}")


def main_config(workdir, server_block):
    (workdir / "blog.conf").write_text(server_block)
    (workdir / "nginx.conf").write_text(
        f"""
user root;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    include {workdir}/blog.conf;
}}
"""
    )
    return workdir / "nginx.conf"


@pytest.fixture(scope="module")
def production_like(tmp_path_factory):
    """Site built as `make publish` would for this origin; nginx serves it and proxies Isso."""
    workdir = tmp_path_factory.mktemp("nginx")
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    isso = IssoSite(
        workdir,
        origins=[origin],
        settings=[f"server.public-endpoint={origin}/isso"],
        site_settings={"SITEURL": origin, "ISSO_URL": f"{origin}/isso"},
    )
    config = main_config(workdir, local_config(port, isso.output, isso.isso_port))
    test = subprocess.run([NGINX, "-t", "-c", str(config)], capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    with isso.running():
        status, comment = isso.post("/" + SEED_URL, "Posted before nginx started.", author="Ana")
        assert status == 202
        assert isso.moderate(comment["id"], "activate")[0] == 200
        isso.rebuild()
        # A page whose slug is not ASCII, as Pelican writes it (see test_build_report).
        greek = isso.output / "εργασία" / "index.html"
        greek.parent.mkdir()
        greek.write_text("<!doctype html><title>Εργασία</title><h1>Εργασία</h1>")
        command = [NGINX, "-c", str(config), "-g", "daemon off;"]
        with background_process(command, port) as nginx:
            wait_for_port(port, nginx)
            yield origin


def test_pages_feeds_and_404(page, production_like):
    origin = production_like
    article = page.request.get(f"{origin}/{SEED_URL}")
    assert article.status == 200
    shipped_policy = re.search(
        r'Content-Security-Policy "([^"]+)"', SECURITY_HEADERS.read_text()
    ).group(1)
    assert article.headers["content-security-policy"] == shipped_policy
    assert article.headers["x-content-type-options"] == "nosniff"
    assert article.headers["content-encoding"] == "gzip"  # the browser asked for it
    stylesheet = page.request.get(f"{origin}/theme/css/site.css")
    assert stylesheet.headers["content-encoding"] == "gzip"
    feed = page.request.get(f"{origin}/feed/")
    assert feed.status == 200 and feed.headers["content-type"].startswith("application/xml")
    missing = page.request.get(f"{origin}/blog/2099/01/01/nothing-here/")
    assert missing.status == 404 and "Page not found" in missing.text()


def test_a_page_whose_address_is_not_ascii_is_served(page, production_like):
    greek = page.request.get(f"{production_like}/{quote('εργασία')}/")
    assert greek.status == 200 and "Εργασία" in greek.text()


def test_comments_work_same_origin_under_the_shipped_policy(page, production_like):
    origin = production_like

    def read_and_post(page):
        page.locator("#comments").scroll_into_view_if_needed()
        page.locator("#isso-root").get_by_text("Posted before nginx started.").wait_for()
        page.locator(".isso-postbox textarea").fill("Posting through nginx works.")
        with page.expect_response(lambda r: "/isso/new" in r.url) as response:
            page.locator(".isso-postbox input[type=submit]").click()
        assert response.value.status == 202  # accepted into moderation

    assert csp_violations(page, f"{origin}/{SEED_URL}", read_and_post) == []
    scripts = page.evaluate("[...document.scripts].map(s => s.src)")
    assert f"{origin}/isso/js/embed.min.js" in scripts
