"""Comments end to end: a real Isso on 127.0.0.1, the built site served over HTTP, and
real headless Chromium posting through the article page's own form."""

import functools
import http.server
import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest
from bs4 import BeautifulSoup

from conftest import (
    ROOT,
    SEED_URL,
    IssoSite,
    background_process,
    child_env,
    free_port,
    run_pelican,
)
from tools import comments as comments_tool
from tools import serve as serve_tool

SEED_THREAD = "/" + SEED_URL

HOSTILE_TEXTS = [
    "<script>window.__pwned = 'script'; alert(1)</script>",
    "<img src=x onerror=\"window.__pwned = 'onerror'; alert(2)\">",
    "[click me](javascript:window.__pwned='link';alert(3))",
    "<a href=\"javascript:window.__pwned='anchor';alert(4)\">html link</a>",
    "<svg onload=\"window.__pwned='svg'\"></svg> and <iframe src=javascript:alert(5)></iframe>",
]
HOSTILE_AUTHOR = "<b onmouseover=\"window.__pwned='author'\">Mallory</b><script>alert(6)</script>"
HOSTILE_WEBSITE = "http://example.com/\"><script>window.__pwned='website'</script>"


def live_comments(page, site):
    """Open the seed post, scroll to the comments and wait for Isso to render them."""
    page.goto(f"{site.site_url}/{SEED_URL}")
    page.locator("#comments").scroll_into_view_if_needed()
    page.wait_for_selector("#isso-root", state="attached")
    # A locator, not wait_for_function: under the site's CSP the page may not eval.
    page.locator(".isso-thread-heading", has_text=re.compile(r"\S")).wait_for()


def static_thread(build):
    return build.html(SEED_URL).select_one("#isso-thread [data-comments-static]")


# --- A thread filled through Isso's API (guard off: many posts from one IP) ---------


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """Isso with the shipped config except the rate-limit guard, which would refuse a
    third post within a minute from 127.0.0.1 (tested with the guard on below)."""
    site = IssoSite(tmp_path_factory.mktemp("filled"), settings=["guard.enabled=false"])
    with site.running():
        ids = {}

        def post(name, text, **fields):
            status, comment = site.post(SEED_THREAD, text, **fields)
            assert status == 202, comment  # moderated: accepted, pending
            ids[name] = comment["id"]
            return comment

        post("first", "First *comment*\nsecond line", author="Alice", email="alice@example.org")
        post(
            "reply",
            "A reply to Alice",
            author="Bob",
            email="bob@example.net",
            website="bob.example.net",
            parent=ids["first"],
        )
        post("doomed", "Text that will be deleted", author="Carol", email="carol@example.com")
        post("orphan", "Reply to a deleted comment", author="Dave", parent=ids["doomed"])
        post("pending", "Still waiting for moderation", author="Eve", email="eve@example.org")
        for number, text in enumerate(HOSTILE_TEXTS):
            post(f"hostile{number}", text, author=HOSTILE_AUTHOR, website=HOSTILE_WEBSITE)
        site.website_status, site.website_reply = site.post(
            SEED_THREAD, "javascript website", author="Js", website="javascript:alert(7)"
        )
        if site.website_status == 202:
            ids["js_website"] = site.website_reply["id"]

        for name, cid in ids.items():
            if name != "pending":
                assert site.moderate(cid, "activate") == (200, "Comment has been activated")
        assert site.moderate(ids["doomed"], "delete") == (200, "Comment has been deleted")
        site.ids = ids
        site.build_result = site.rebuild()
        yield site


def test_static_thread_nests_replies_with_author_date_and_permalink(filled):
    thread = static_thread(filled.build_result)
    first = thread.find(id=f"isso-{filled.ids['first']}")
    assert first.select_one(".isso-author").get_text(strip=True) == "Alice"
    assert first.select_one(".isso-permalink")["href"] == f"#isso-{filled.ids['first']}"
    assert first.select_one("time")["datetime"][:4].isdigit()
    reply = first.select_one(".comment-list--replies").find(id=f"isso-{filled.ids['reply']}")
    author = reply.select_one("a.isso-author")
    assert author.get_text(strip=True) == "Bob"
    assert author["href"] == "http://bob.example.net"  # Isso adds the scheme
    assert "nofollow" in author["rel"]


def test_static_text_is_exactly_what_the_live_server_renders(filled):
    status, payload = filled.request("GET", f"/?uri={SEED_THREAD}")
    assert status == 200
    live = {}
    stack = json.loads(payload)["replies"]
    while stack:
        comment = stack.pop()
        live[comment["id"]] = comment["text"]
        stack.extend(comment.get("replies", []))
    thread = static_thread(filled.build_result)
    for name in ("first", "reply", "hostile0", "hostile2"):
        cid = filled.ids[name]
        static = thread.find(id=f"isso-{cid}").select_one(".isso-text")
        assert BeautifulSoup(live[cid], "html.parser") == BeautifulSoup(
            static.decode_contents().strip(), "html.parser"
        )
    first = thread.find(id=f"isso-{filled.ids['first']}").select_one(".isso-text")
    assert first.find("em").get_text() == "comment"
    assert first.find("br") is not None  # hard_wrap, as configured in isso.cfg


def test_pending_comments_are_not_rendered(filled):
    html = filled.build_result.path(SEED_URL).read_text()
    assert "Still waiting for moderation" not in html
    assert f'id="isso-{filled.ids["pending"]}"' not in html


def test_deleted_comment_with_reply_is_a_placeholder(filled):
    thread = static_thread(filled.build_result)
    doomed = thread.find(id=f"isso-{filled.ids['doomed']}")
    assert "comment--deleted" in doomed["class"]
    assert "Text that will be deleted" not in str(thread)
    assert "Carol" not in str(thread)
    assert doomed.find(id=f"isso-{filled.ids['orphan']}").get_text().count("Reply to a deleted")
    # Isso keeps the e-mail of a soft-deleted comment: it must still never show.
    ((email,),) = filled.rows("SELECT email FROM comments WHERE id=?", (filled.ids["doomed"],))
    assert email == "carol@example.com"


def test_no_email_or_ip_address_from_the_database_reaches_the_site(filled):
    secrets = set()
    for email, address in filled.rows("SELECT email, remote_addr FROM comments"):
        secrets.update(value for value in (email, address) if value)
    assert any("@" in value for value in secrets) and any("." in v for v in secrets)
    for path in filled.output.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt", ".js"):
            text = path.read_text(encoding="utf-8", errors="replace")
            leaked = [value for value in secrets if value in text]
            assert not leaked, f"{path}: {leaked}"


def test_counts_on_listings_and_in_json_ld(filled):
    (count,) = filled.rows(
        "SELECT COUNT(*) FROM comments JOIN threads ON tid = threads.id WHERE uri = ? AND mode = 1",
        (SEED_THREAD,),
    )[0]
    build = filled.build_result
    assert build.json_ld(SEED_URL)["commentCount"] == count
    for listing in (
        "",
        "category/interview-tips/",
        "tag/follow-up/",
        "archives/",
        "author/barbara-feldman/",
        "blog/2013/",
    ):
        link = build.html(listing).select_one("a.comment-count")
        assert link.get_text(strip=True) == f"{count} comments", listing
        assert link["href"].endswith(f"{SEED_URL}#comments")


def test_hostile_input_is_only_text_in_the_static_html(filled):
    thread = static_thread(filled.build_result)
    assert thread.find(["script", "img", "svg", "iframe", "b"]) is None
    for tag in thread.find_all(True):
        assert not [name for name in tag.attrs if name.lower().startswith("on")], tag
        assert not tag.get("href", "").strip().lower().startswith("javascript:"), tag
    text = thread.get_text()
    assert "<script>window.__pwned = 'script'; alert(1)</script>" in text
    assert '<img src=x onerror="window.__pwned' in text
    assert "<b onmouseover=" in text  # the author, shown as typed
    for number in range(len(HOSTILE_TEXTS)):
        comment = thread.find(id=f"isso-{filled.ids[f'hostile{number}']}")
        website = comment.select_one(".isso-author").get("href")
        assert website is None or website.startswith("http://example.com/")


def test_hostile_input_never_executes_in_the_browser(page, filled):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_viewport_size({"width": 1000, "height": 500})
    page.goto(f"{filled.site_url}/{SEED_URL}")
    assert page.locator("[data-comments-static] .isso-comment").count() > 0
    assert page.evaluate("window.__pwned") is None
    # Now let Isso's client take over and render the same comments itself.
    page.locator("#comments").scroll_into_view_if_needed()
    page.wait_for_selector(f"#isso-root #isso-{filled.ids['hostile4']}")
    page.hover(f"#isso-{filled.ids['hostile0']} .isso-author")
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    # Nothing twice: the static copy is gone, every comment exists once.
    assert page.locator("[data-comments-static]").count() == 0
    assert page.locator(f"[id='isso-{filled.ids['first']}']").count() == 1


def test_javascript_website_is_never_a_link(filled):
    if filled.website_status != 202:  # Isso refused it outright: nothing to render
        assert filled.website_status == 400
        return
    comment = static_thread(filled.build_result).find(id=f"isso-{filled.ids['js_website']}")
    assert comment.select_one("a.isso-author") is None
    assert comment.select_one(".isso-author").get_text(strip=True) == "Js"


def test_missing_isso_config_is_reported_by_name(filled, tmp_path):
    missing = tmp_path / "nowhere" / "isso.cfg"
    options = [f"ISSO_DB_PATH={json.dumps(str(filled.db_path))}"]
    options.append(f"ISSO_CONFIG={json.dumps(str(missing))}")
    build = run_pelican(ROOT / "content", tmp_path / "output", "pelicanconf.py", "-e", *options)
    assert build.returncode == 1
    assert f"{missing} (ISSO_CONFIG)" in build.log and "not found" in build.log


# --- Posting through the page's form, with the shipped config (guard on) -----------


@pytest.fixture
def fresh(tmp_path):
    site = IssoSite(tmp_path)
    with site.running():
        yield site


def test_comment_posted_in_the_browser_is_moderated_then_built_into_the_page(browser, page, fresh):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_viewport_size({"width": 1000, "height": 500})
    page.goto(f"{fresh.site_url}/{SEED_URL}")
    page.wait_for_load_state("load")
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert not [url for url in requests if url.startswith(fresh.isso_url)]  # lazy

    page.locator("#comments").scroll_into_view_if_needed()
    page.wait_for_selector(".isso-postbox .isso-textarea")
    assert f"{fresh.isso_url}/js/embed.min.js" in requests
    page.fill(".isso-postbox .isso-textarea", "Follow-up notes *work*: I got the job.")
    page.fill("#isso-postbox-author", "Grace Reader")
    page.fill("#isso-postbox-email", "grace@example.org")
    with page.expect_response(lambda response: "/new?" in response.url) as posted:
        page.click(".isso-postbox input[type=submit]")
    assert posted.value.status == 202  # accepted, waiting for moderation
    comment_id = posted.value.json()["id"]
    assert fresh.rows("SELECT mode FROM comments WHERE id=?", (comment_id,)) == [(2,)]

    # Another reader sees nothing yet, neither live nor in the rebuilt page.
    other = browser.new_context()
    try:
        reader = other.new_page()
        live_comments(reader, fresh)
        assert "I got the job" not in reader.content()
    finally:
        other.close()
    build = fresh.rebuild()
    assert "I got the job" not in build.path(SEED_URL).read_text()

    assert fresh.moderate(comment_id, "activate") == (200, "Comment has been activated")
    build = fresh.rebuild()
    thread = static_thread(build)
    comment = thread.find(id=f"isso-{comment_id}")
    assert comment.select_one(".isso-author").get_text(strip=True) == "Grace Reader"
    assert comment.select_one(".isso-text em").get_text() == "work"
    assert "grace@example.org" not in build.path(SEED_URL).read_text()
    index_count = build.html("").select_one("a.comment-count")
    assert index_count.get_text(strip=True) == "1 comment"
    assert build.json_ld(SEED_URL)["commentCount"] == 1


def test_without_javascript_the_comments_show_and_say_how_to_post(browser, fresh):
    status, comment = fresh.post(SEED_THREAD, "Static for everyone", author="Ivan")
    assert status == 202
    fresh.moderate(comment["id"], "activate")
    fresh.rebuild()
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(f"{fresh.site_url}/{SEED_URL}")
        assert tab.locator(f"#isso-{comment['id']} .isso-text").inner_text() == (
            "Static for everyone"
        )
        assert "turn on JavaScript" in tab.locator("#comments").inner_text()
    finally:
        context.close()


def test_live_thread_is_clean_under_a_strict_content_security_policy(page, tmp_path):
    """The policy the production nginx will send: scripts and requests only to the site
    itself and the comment server, no inline script or style."""
    csp_port = free_port()
    site = IssoSite(tmp_path, origins=[f"http://127.0.0.1:{csp_port}"])
    policy = (
        "default-src 'self'; "
        f"script-src 'self' {site.isso_url}; connect-src 'self' {site.isso_url}; "
        "style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'"
    )

    class PolicyHandler(serve_tool.SiteRequestHandler):
        def end_headers(self):
            self.send_header("Content-Security-Policy", policy)
            super().end_headers()

    violations = []
    page.on("console", lambda message: violations.append(message.text))
    with site.running():
        status, comment = site.post(SEED_THREAD, "Shown under *CSP*", author="Judy")
        assert status == 202
        site.moderate(comment["id"], "activate")
        handler = functools.partial(PolicyHandler, directory=str(site.output))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", csp_port), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            page.goto(f"http://127.0.0.1:{csp_port}/{SEED_URL}")
            page.locator("#comments").scroll_into_view_if_needed()
            page.wait_for_selector(f"#isso-root #isso-{comment['id']} .isso-text em")
            page.wait_for_selector(".isso-postbox .isso-textarea")
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
    assert [text for text in violations if "Content Security Policy" in text] == []


def test_guard_of_the_shipped_config_limits_posts_per_minute(fresh):
    statuses = [fresh.post(SEED_THREAD, f"Post number {n}")[0] for n in range(3)]
    assert statuses[:2] == [202, 202]
    assert statuses[2] == 403


# --- Durability -------------------------------------------------------------------


def test_comment_survives_sigkill_right_after_it_was_accepted(tmp_path):
    site = IssoSite(tmp_path)
    config = comments_tool.runtime_config(
        comments_tool.ROOT / "isso.cfg",
        tmp_path / "isso.cfg",
        db=site.db_path,
        port=site.isso_port,
        origins=[site.site_url],
    )
    site.db_path.parent.mkdir(parents=True)
    command = comments_tool.isso_command(config)
    env = child_env({"ISSO_ADMIN_PASSWORD": site.password, "ISSO_HASH_SALT": "test-salt"})
    with open(tmp_path / "isso.log", "w") as log:
        with background_process(command, site.isso_port, stdout=log, stderr=log, env=env) as isso:
            status, comment = site.post(SEED_THREAD, "Written before the crash", author="Kim")
            assert status == 202
            os.kill(isso.pid, signal.SIGKILL)
            isso.wait()
        assert isso.returncode == -signal.SIGKILL
        with background_process(command, site.isso_port, stdout=log, stderr=log, env=env):
            assert site.moderate(comment["id"], "activate")[0] == 200
            status, payload = site.request("GET", f"/?uri={SEED_THREAD}")
    assert status == 200
    assert [c["text"] for c in json.loads(payload)["replies"]] == [
        "<p>Written before the crash</p>"
    ]


# --- make serve: both servers, stopped cleanly ------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def status_of(url, data=None):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=data), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(
    ("mode", "stop_signal"),
    [("serve", signal.SIGINT), ("serve", signal.SIGTERM), ("alone", signal.SIGINT)],
)
def test_serve_and_comments_print_urls_and_stop_everything(tmp_path, site, mode, stop_signal):
    """`make serve` (site + Isso) and `make comments` (Isso alone), stopped by Ctrl-C
    (SIGINT) or SIGTERM: exit 0 and nothing left running."""
    site_port, isso_port = free_port(), free_port()
    command = [sys.executable, "-m", "tools.comments"]
    if mode == "serve":
        command += ["--serve", str(site.output)]
    command += ["--site-port", str(site_port), "--port", str(isso_port)]
    command += ["--db", str(tmp_path / "var" / "comments.db")]
    env = child_env({"ISSO_ADMIN_PASSWORD": "serve-test-password"})
    process = subprocess.Popen(
        command,
        cwd=comments_tool.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "Press Ctrl-C" in line:
                break
        output = "".join(lines)
        assert f"Comments: http://127.0.0.1:{isso_port}/" in output
        isso_pid = int(output.split("(Isso, pid ")[1].split(";")[0])
        if mode == "serve":
            assert f"Site:     http://127.0.0.1:{site_port}/" in output
            assert status_of(f"http://127.0.0.1:{site_port}/{SEED_URL}") == 200
        login = f"http://127.0.0.1:{isso_port}/login/"
        # The admin password comes from the environment: right one 302, wrong one 200.
        assert status_of(login, b"password=serve-test-password") == 302
        assert status_of(login, b"password=${ISSO_ADMIN_PASSWORD}") == 200
        os.kill(process.pid, stop_signal)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
    with pytest.raises(ProcessLookupError):
        os.kill(isso_pid, 0)
    for port in (site_port, isso_port):
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)


def test_live_form_speaks_like_the_site_and_stacks_on_a_phone(page, fresh):
    page.set_viewport_size({"width": 390, "height": 844})
    live_comments(page, fresh)
    assert page.locator(".isso-thread-heading").inner_text() == "No comments yet"
    textarea = page.locator(".isso-postbox .isso-textarea")
    assert textarea.get_attribute("placeholder") == "Your comment (at least 3 characters)"
    assert page.locator("label[for=isso-postbox-email]").inner_text().startswith("E-mail")
    fields = [
        page.locator(f"#isso-postbox-{name}").bounding_box()
        for name in ("author", "email", "website")
    ]
    assert len({round(box["x"]) for box in fields}) == 1  # one column
    assert fields[0]["y"] < fields[1]["y"] < fields[2]["y"]
    submit = page.locator(".isso-postbox input[type=submit]").bounding_box()
    preview = page.locator(".isso-postbox input[name=preview]").bounding_box()
    assert submit["y"] > fields[2]["y"]
    assert abs(submit["y"] - preview["y"]) < 1  # the buttons share the last row
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
