"""The comment server as it runs (tools/isso_app.py around a real Isso on 127.0.0.1):
hostile comments through the live client on a page without a CSP, the rate limit
under parallel posts, the admin session cookie, failed logins, the demo page and the
hash salt; then the same through the real nginx with deploy/nginx/blog.conf."""

import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from hostile import chunks, new_watched_page, payloads, plain_server
from test_nginx import NGINX, SECURITY_HEADERS, local_config, main_config

from conftest import (
    ROOT,
    SEED_URL,
    IssoSite,
    background_process,
    child_env,
    free_port,
    wait_for_port,
)
from tools import comments as comments_tool
from tools import isso_app

SEED_THREAD = "/" + SEED_URL
PAYLOADS = payloads()


def http(method, url, body=None, headers=None, form=False):
    """(status, headers, text) without following redirects."""
    if body is not None:
        data = (urllib.parse.urlencode(body) if form else json.dumps(body)).encode()
    else:
        data = None
    request = urllib.request.Request(url, data=data, method=method)
    if not form:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def parallel_posts(url, origin, count=20):
    """``count`` new top-level comments on the seed post at once; their statuses."""
    barrier = threading.Barrier(count)
    statuses = [None] * count

    def post(number):
        barrier.wait()
        body = {"text": f"Parallel post number {number}", "title": "Parallel"}
        statuses[number] = http("POST", url, body, {"Origin": origin})[0]

    threads = [threading.Thread(target=post, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


# --- Hostile comments through Isso's API, read by its live client ------------------


@pytest.fixture(scope="module")
def hostile_thread(tmp_path_factory):
    """The seed post with every payload in comments (text, author, e-mail, website),
    approved, built into the page; served without any CSP beside the live Isso."""
    page_port = free_port()
    page_origin = f"http://127.0.0.1:{page_port}"
    site = IssoSite(
        tmp_path_factory.mktemp("hostile-comments"),
        settings=["guard.enabled=false"],
        origins=[page_origin],
    )
    with site.running():
        ids = []
        for number, group in enumerate(chunks(PAYLOADS, 5)):
            fields = {"author": group[0], "email": group[-1][:254]}
            fields["website"] = "http://example.com/" + group[1 % len(group)]
            if number % 3 == 2 and ids:
                fields["parent"] = ids[-1]
            status, comment = site.post(SEED_THREAD, "\n\n".join(group), **fields)
            if status == 400:  # Isso refused the website: post the rest
                del fields["website"]
                status, comment = site.post(SEED_THREAD, "\n\n".join(group), **fields)
            assert status == 202, comment
            ids.append(comment["id"])
        for cid in ids:
            assert site.moderate(cid, "activate")[0] == 200
        site.rebuild()
        site.comment_ids = ids
        with plain_server(site.output, page_port) as origin:
            site.page_origin = origin
            yield site


def test_hostile_comments_never_run_static_or_live(browser, hostile_thread):
    site = hostile_thread
    context, page, watch = new_watched_page(browser)
    try:
        page.set_viewport_size({"width": 1000, "height": 600})
        page.goto(f"{site.page_origin}/{SEED_URL}", wait_until="load")
        page.wait_for_timeout(50)
        static_problems = watch.collect()
        assert page.locator("[data-comments-static] .isso-comment").count() == len(site.comment_ids)
        # Isso's client (embed.min.js from the comment server) takes over.
        page.locator("#comments").scroll_into_view_if_needed()
        last = site.comment_ids[-1]
        page.wait_for_selector(f"#isso-root #isso-{last}", timeout=20000)
        for author in page.locator("#isso-root .isso-author").all()[:20]:
            author.hover()
        page.wait_for_timeout(200)
        live_problems = watch.collect()
        live = page.locator("#isso-root .isso-comment").count()
    finally:
        context.close()
    print(f"{len(PAYLOADS)} payloads in {len(site.comment_ids)} comments, {live} live")
    assert live == len(site.comment_ids)
    assert watch.dialogs == []
    assert watch.hits == []
    assert static_problems == []
    assert live_problems == []


# --- The wrapper in front of Isso (what `make serve` runs) ---------------------------


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """Isso with the shipped isso.cfg (guard on), through tools.comments."""
    site = IssoSite(tmp_path_factory.mktemp("guarded"))
    with site.running():
        yield site


def test_admin_cookie_is_scoped_http_only_and_strict(guarded):
    status, headers, _ = http(
        "POST", f"{guarded.isso_url}/login/", {"password": guarded.password}, form=True
    )
    assert status == 302
    (cookie,) = headers.get_all("Set-Cookie")
    attributes = [part.strip() for part in cookie.split(";")]
    assert attributes[0].startswith("admin-session=")
    assert "Path=/admin/" in attributes and "HttpOnly" in attributes
    assert "SameSite=Strict" in attributes
    assert "Secure" not in attributes  # plain http here; production's endpoint is https
    assert not [v for v in headers.get_all("X-Set-Cookie") or [] if "admin" in v]
    # The cookie opens the admin.
    token = attributes[0]
    status, _, text = http("GET", f"{guarded.isso_url}/admin/", headers={"Cookie": token})
    assert status == 200 and "log_out" in text


def test_demo_page_is_not_served(guarded):
    for path in ("/demo/", "/demo/index.html", "/demo"):
        assert http("GET", guarded.isso_url + path)[0] == 404


def test_hash_salt_comes_from_the_environment():
    for config in (ROOT / "isso.cfg", ROOT / "deploy" / "isso" / "production.cfg"):
        assert re.search(r"^salt = \$\{ISSO_HASH_SALT\}$", config.read_text(), re.MULTILINE)
    env = child_env({"ISSO_ADMIN_PASSWORD": "x"})
    env.pop("ISSO_HASH_SALT", None)
    result = subprocess.run(
        [sys.executable, "-m", "tools.isso_app", "-c", str(ROOT / "isso.cfg")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "ISSO_HASH_SALT" in result.stderr


def test_commenter_hash_does_not_use_isso_public_salt(guarded):
    from isso.utils import hash as isso_hash

    status, comment = guarded.post(SEED_THREAD, "Salted", author="Sal", email="sal@example.org")
    assert status == 202
    public = isso_hash.new({"algorithm": "pbkdf2", "salt": isso_app.DEFAULT_SALT})
    assert comment["hash"] != public.uhash("sal@example.org")


def test_twenty_parallel_posts_accept_no_more_than_the_limit(guarded):
    url = f"{guarded.isso_url}/new?{urllib.parse.urlencode({'uri': '/parallel/'})}"
    statuses = parallel_posts(url, guarded.site_url)
    accepted = statuses.count(202) + statuses.count(201)
    print(f"20 parallel posts: {accepted} accepted, statuses {sorted(set(statuses))}")
    assert accepted <= 2  # [guard] ratelimit = 2 a minute
    assert not [s for s in statuses if s >= 500]
    stored = guarded.rows(
        "SELECT COUNT(*) FROM comments JOIN threads ON tid = threads.id WHERE uri = ?",
        ("/parallel/",),
    )[0][0]
    assert stored == accepted


def test_failed_logins_are_slowed_then_refused(guarded):
    url = f"{guarded.isso_url}/login/"
    started = time.monotonic()
    statuses = [http("POST", url, {"password": f"guess-{n}"}, form=True)[0] for n in range(5)]
    elapsed = time.monotonic() - started
    assert statuses == [200] * 5  # Isso shows the login form again
    assert elapsed >= 5 * 0.9
    # The sixth try is refused without being checked, the right password included.
    assert http("POST", url, {"password": guarded.password}, form=True)[0] == 429


def test_locked_cache_survives_concurrent_pruning():
    cache = isso_app.LockedSimpleCache(threshold=16, default_timeout=3600)
    errors = []

    def hammer(seed):
        try:
            for number in range(4000):
                key = f"{seed}-{number % 97}".encode()
                cache.set(key, number)
                cache.get(key)
        except Exception as exc:  # any error is the failure
            errors.append(repr(exc))

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_guard_middleware_serialises_one_clients_posts():
    """Without Isso: the middleware lets one post per client in at a time."""
    inside, most = [0], [0]
    lock = threading.Lock()

    def slow_app(environ, start_response):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.05)
        with lock:
            inside[0] -= 1
        start_response("202 ACCEPTED", [("Content-Type", "application/json")])
        return [b"{}"]

    class Conf:
        def getiter(self, section, key):
            return iter(())

        def get(self, section, key):
            return "http://127.0.0.1:1"

    guard = isso_app.IssoGuard(slow_app, Conf())
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/new", "REMOTE_ADDR": "192.0.2.7"}
    threads = [
        threading.Thread(target=guard, args=(dict(environ), lambda *a: None)) for _ in range(10)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1


# --- Through nginx with the shipped blog.conf ----------------------------------------

ADMIN_CSP = re.search(
    r'location \^~ /isso/admin \{.*?Content-Security-Policy "([^"]+)"',
    (ROOT / "deploy" / "nginx" / "blog.conf").read_text(),
    re.DOTALL,
).group(1)


def site_headers():
    pairs = re.findall(r'add_header\s+(\S+)\s+"([^"]*)"', SECURITY_HEADERS.read_text())
    hsts = re.search(
        r'^    add_header Strict-Transport-Security "([^"]+)"',
        (ROOT / "deploy" / "nginx" / "blog.conf").read_text(),
        re.MULTILINE,
    ).group(1)
    return dict(pairs) | {"Strict-Transport-Security": hsts}


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory):
    """Built for its origin like `make publish`; Isso started as production starts it
    (tools.isso_app, no headers of its own); nginx in front with the shipped config."""
    workdir = tmp_path_factory.mktemp("nginx-hardening")
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    site = IssoSite(workdir, site_settings={"SITEURL": origin, "ISSO_URL": f"{origin}/isso"})
    site.rebuild()
    config = comments_tool.runtime_config(
        ROOT / "isso.cfg",
        workdir / "isso.cfg",
        db=site.db_path,
        port=site.isso_port,
        origins=[origin],
        overrides=[
            ("server.public-endpoint", f"{origin}/isso"),
            ("server.trusted-proxies", "127.0.0.1"),
        ],
    )
    site.db_path.parent.mkdir(parents=True, exist_ok=True)
    env = child_env({"ISSO_ADMIN_PASSWORD": site.password, "ISSO_HASH_SALT": "nginx-salt"})
    isso = comments_tool.isso_command(config, headers=None)
    server = local_config(port, site.output, site.isso_port)
    # $host drops the port, which production (443) does not have and this test does:
    # Isso builds its redirect after login from it.
    server = server.replace("proxy_set_header Host $host;", "proxy_set_header Host $http_host;")
    nginx_conf = main_config(workdir, server)
    test = subprocess.run([NGINX, "-t", "-c", str(nginx_conf)], capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    with (
        open(workdir / "isso.log", "w") as log,
        background_process(isso, site.isso_port, stdout=log, stderr=log, env=env),
        background_process([NGINX, "-c", str(nginx_conf), "-g", "daemon off;"], port) as nginx,
    ):
        wait_for_port(port, nginx)
        site.origin = origin
        yield site


def test_every_isso_response_has_the_site_security_headers(behind_nginx):
    origin = behind_nginx.origin
    expected = site_headers()
    checks = {
        "/isso/js/embed.min.js": False,
        "/isso/info": False,
        f"/isso/?uri={SEED_THREAD}": False,
        "/isso/no-such-thing": False,
        "/isso/demo/index.html": False,
        "/isso/new": False,  # GET: 405
        "/isso/admin/": True,
    }
    for path, admin in checks.items():
        status, headers, _ = http("GET", origin + path, headers={"Origin": origin})
        for name, value in expected.items():
            got = headers.get_all(name) or []
            want = ADMIN_CSP if admin and name == "Content-Security-Policy" else value
            assert got == [want], (path, status, name, got)
    assert http("GET", f"{origin}/isso/demo/index.html")[0] == 404


def test_admin_session_is_invisible_to_the_blog_pages(browser, behind_nginx):
    site = behind_nginx
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{site.origin}/isso/admin/")
        page.fill("input[name=password]", site.password)
        with page.expect_navigation():
            page.press("input[name=password]", "Enter")
        assert "/isso/admin/" in page.url
        assert page.locator("input[name=password]").count() == 0  # logged in
        (cookie,) = [c for c in context.cookies() if c["name"] == "admin-session"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert cookie["path"] == "/isso/admin/"
        page.goto(f"{site.origin}/{SEED_URL}")
        assert "admin-session" not in page.evaluate("document.cookie")
        page.goto(f"{site.origin}/isso/info")
        assert "admin-session" not in page.evaluate("document.cookie")
    finally:
        context.close()


def test_twenty_parallel_posts_through_nginx(behind_nginx):
    origin = behind_nginx.origin
    url = f"{origin}/isso/new?{urllib.parse.urlencode({'uri': SEED_THREAD})}"
    statuses = parallel_posts(url, origin)
    accepted = statuses.count(202) + statuses.count(201)
    print(f"20 parallel posts through nginx: {accepted} accepted, {sorted(statuses)}")
    assert 1 <= accepted <= 2
    assert not [s for s in statuses if s >= 500]
    assert set(statuses) <= {201, 202, 403, 429}
