"""`make import`: a WordPress export (WXR) moved into the site, run for real.

Each fixture under tests/fixtures/wxr/ is one namespace variant: WordPress core 1.2
(http), WordPress.com-style 1.2 (https) and an old 1.0 export (read as 1.1 too). The
end-to-end test imports into a scratch copy of content/, builds with `make publish`'s
tool, serves it through the shipped nginx configuration with a real Isso behind it, and
looks at it in headless Chromium.
"""

import contextlib
import json
import sqlite3
import subprocess
import time
import urllib.parse

import pytest
from bs4 import BeautifulSoup
from import_helpers import (
    BROKEN,
    CORE,
    OLD,
    UPLOADS,
    WPCOM,
    WPCOM_UPLOADS,
    report_lines,
    run_import,
    tree,
)
from test_nginx import NGINX, local_config, main_config

from conftest import ROOT, IssoSite, background_process, free_port, run_publish, wait_for_port
from tools.wordpress import autop, body, wxr
from tools.wordpress.shortcodes import Shortcodes

TEN_TIPS = "articles/2014/ten-tips-resume.md"
GUTENBERG = "articles/2015/gutenberg-era.md"
CAFE = "articles/2016/café-résumé.md"
CAFE_URL = "blog/2016/01/20/café-résumé/"
TEN_TIPS_URL = "blog/2014/03/05/ten-tips-resume/"


def rows(db, sql, args=()):
    with contextlib.closing(sqlite3.connect(db)) as connection:
        return connection.execute(sql, args).fetchall()


@pytest.fixture(scope="module")
def core(tmp_path_factory):
    imported = run_import(CORE, tmp_path_factory.mktemp("core"), media=UPLOADS)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    return imported


# --- Reading the export ----------------------------------------------------------------


@pytest.mark.parametrize("variant", ["core-1.2-http", "wpcom-1.2-https", "core-1.0", "core-1.1"])
def test_every_namespace_variant_is_read(variant, tmp_path):
    source = {"core-1.2-http": CORE, "wpcom-1.2-https": WPCOM}.get(variant, OLD)
    if variant == "core-1.1":
        source = tmp_path / "core-1.1.xml"
        source.write_text(OLD.read_text().replace("/export/1.0/", "/export/1.1/"))
    export = wxr.parse(source)
    posts = [item for item in export.items if item.type == "post"]
    assert posts and all(item.id and item.title and item.date for item in posts)
    assert any(item.content.strip() for item in posts)
    assert any(item.comments for item in posts)
    assert any(comment.content for item in posts for comment in item.comments)
    assert any(item.type == "page" for item in export.items)
    assert any(term.kind == "category" and term.name for term in export.terms)


def test_broken_export_names_file_and_line_and_writes_nothing(tmp_path):
    imported = run_import(BROKEN, tmp_path)
    before = tree(imported.content)
    again = run_import(BROKEN, tmp_path)
    assert again.returncode == 2
    lines = again.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{BROKEN}:18:" in lines[0], again.stderr
    assert tree(again.content) == before
    assert not again.db.exists() and not again.redirects_map.exists()


# --- Items, statuses and metadata --------------------------------------------------------


def test_report_lists_everything_not_carried_over(core):
    lost = report_lines(core.stdout, "Not carried over:")
    decide = report_lines(core.stdout, "For a person to decide:")
    assert any("nav_menu_item 120" in line for line in lost)
    assert any("revision 111" in line for line in lost)
    assert any("comment 15" in line and "spam" in line for line in lost)
    assert any("comment 16" in line and "trash" in line for line in lost)
    assert any("comment 17" in line and "pingback" in line for line in lost)
    assert any("'Gus Ghost'" in line and "no bio" in line for line in lost)
    assert any("password-protected post" in line for line in decide)
    assert any("scheduled post 'Interviewing in 2030'" in line for line in decide)
    assert any("draft post 'Half-written thoughts'" in line for line in decide)
    assert any("/author/ghostwriter/" in line and "no published post" in line for line in lost)
    assert any("/category/old-news/" in line for line in lost)
    assert any("1 pending comments wait" in line for line in decide)
    assert "Everything in the export is accounted for." in core.stdout


def test_posts_keep_their_metadata(core):
    meta = core.metadata(TEN_TIPS)
    assert meta["title"] == "Ten Tips for Your Résumé & Cover Letter"
    assert meta["date"] == "2014-03-05 09:30:00-05:00"
    assert meta["modified"] == "2014-04-01 10:00:00-04:00"
    assert meta["author"] == "Barbara Feldman"
    assert meta["category"] == "Resumes"  # Yoast's primary category
    assert meta["tags"] == "Interview Tips, cover letters"
    assert meta["slug"] == "ten-tips-resume"
    assert meta["summary"].startswith("Your résumé is the first thing")
    assert meta["image"] == "images/2014/03/interview-desk.jpg"
    assert meta["image-alt"] == "A desk with a notebook"
    assert "status" not in meta and "comments" not in meta
    gutenberg = core.metadata(GUTENBERG)
    assert gutenberg["comments"] == "closed"
    assert gutenberg["summary"] == "Why the block editor changed how we write."
    assert gutenberg["author"] == "Dana O'Neil"
    assert core.metadata(CAFE)["slug"] == "café-résumé"


def test_drafts_and_protected_posts_are_drafts_and_never_built(core):
    assert core.metadata("articles/2030/interviewing-2030.md")["status"] == "draft"
    assert core.metadata("articles/2017/half-written-thoughts.md")["status"] == "draft"
    protected = core.metadata("wordpress-private/salary-bands-104.md")
    assert protected["status"] == "draft"
    assert protected["wordpress_status"] == "password-protected"
    assert not list((core.content / "articles").rglob("salary-bands*"))


def test_child_page_keeps_its_path(core):
    meta = core.metadata("pages/our-firm--team.md")
    assert (meta["url"], meta["save_as"]) == ("our-firm/team/", "our-firm/team/index.html")
    assert "url" not in core.metadata("pages/our-firm.md")


def test_authors_get_bios_only_with_text(core):
    dana = (core.content / "authors" / "dana-oneil.md").read_text()
    assert "Name: Dana O'Neil" in dana and "Email: dana@firm-example.com" in dana
    assert dana.rstrip().endswith("Dana places software engineers across New England.")
    assert not (core.content / "authors" / "gus-ghost.md").exists()
    # The hand-written bio of an existing author is kept as it was.
    assert "Wordpress_login" not in (core.content / "authors" / "barbara-feldman.md").read_text()


def test_shortcodes_embeds_and_blocks_become_plain_html(core):
    tips, gutenberg, cafe = (core.body(p) for p in (TEN_TIPS, GUTENBERG, CAFE))
    assert "<figure" in tips and "Prepare your desk the night before</figcaption>" in tips
    assert "[caption" not in tips
    assert "wp:" not in gutenberg and "<!--" not in gutenberg
    assert '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">' in gutenberg
    assert '<audio controls="" preload="none" src="{static}/images/2016/01/interview.mp3"' in cafe
    assert cafe.count('class="gallery-item"') == 2
    assert '<a href="https://videos.example.net/clip.mp4">' in cafe  # third-party video
    assert '<a href="https://vimeo.com/123456">' in cafe
    assert '<a href="https://twitter.com/firm/status/1">' in cafe
    assert "[gallery] stays literal" in cafe  # [[gallery]] is WordPress's escape
    for text in (tips, gutenberg, cafe):
        assert "<iframe" not in text and "<script" not in text and "style=" not in text
        assert "javascript:" not in text and "onclick" not in text


def test_simple_bodies_become_markdown(core):
    firm = core.body("pages/our-firm.md")
    assert "<" not in firm and "> Hiring is a \\*human\\* business." in firm
    assert "[the team](/our-firm/team/)" in firm and "1. Listen" in firm
    team = core.body("pages/our-firm--team.md")
    assert team == "Our recruiters, one by one. Teamword.\n"
    draft = core.body("articles/2030/interviewing-2030.md")
    assert draft == "Futureword: a post scheduled for later.\n"


def test_media_copied_and_every_link_rewritten(core):
    for rel in (
        "2014/03/interview-desk.jpg",
        "2014/03/interview-desk-300x200.jpg",
        "2016/01/handshake.jpg",
        "2016/01/handshake-150x150.jpg",
        "2016/01/interview.mp3",
    ):
        assert (core.content / "images" / rel).read_bytes() == (UPLOADS / rel).read_bytes()
    for path in core.content.rglob("*.md"):
        text = path.read_text()
        assert "wp-content/uploads" not in text, path
        assert "?w=" not in text, path
    tips = core.body(TEN_TIPS)
    assert 'src="{static}/images/2014/03/interview-desk-300x200.jpg"' in tips
    assert '<a href="/blog/2015/06/10/gutenberg-era/">' in tips  # old link, new address
    assert '<a href="/blog/2016/01/20/café-résumé/">' in tips  # ?p=103


def test_without_media_each_remote_image_is_reported(tmp_path):
    imported = run_import(WPCOM, tmp_path)
    assert imported.returncode == 0, imported.stdout
    lost = report_lines(imported.stdout, "Not carried over:")
    assert any(
        "https://firmcareers.files.wordpress.com/2012/05/photo.jpg" in line and "remote" in line
        for line in lost
    )
    assert not (imported.content / "images" / "2012").exists()


def test_wordpress_com_export_with_media(tmp_path):
    imported = run_import(WPCOM, tmp_path, media=WPCOM_UPLOADS)
    assert imported.returncode == 0, imported.stdout
    post = imported.body("articles/2012/hello-candidates.md")
    assert 'src="{static}/images/2012/05/photo.jpg"' in post
    assert "Our office on a sunny day</figcaption>" in post  # caption="" attribute form
    assert '<a href="/careers/openings/">' in post
    assert imported.metadata("articles/2012/hello-candidates.md")["title"] == (
        "Hello, Candidates – Welcome"
    )
    assert imported.metadata("pages/careers--openings.md")["url"] == "careers/openings/"


def test_post_the_site_already_has_is_kept_and_gets_its_comments(tmp_path):
    """The export's copy of a post the site already has (the seed post) is not written
    a second time; its comments go to the existing post's thread."""
    seed = "the-value-of-post-interview-follow-up"
    text = CORE.read_text()
    text = text.replace("blog/2016/01/20/caf%c3%a9-r%c3%a9sum%c3%a9/", f"blog/2013/01/31/{seed}/")
    text = text.replace("caf%c3%a9-r%c3%a9sum%c3%a9]]>", f"{seed}]]>")
    text = text.replace("2016-01-20 08:00:00", "2013-01-31 09:00:00")
    text = text.replace("2016-01-20 13:00:00", "2013-01-31 14:00:00")
    export = tmp_path / "with-seed.xml"
    export.write_text(text)
    imported = run_import(export, tmp_path / "site", media=UPLOADS)
    assert imported.returncode == 0, imported.stdout
    assert sorted(p.name for p in (imported.content / "articles" / "2013").iterdir()) == [
        f"{seed}.md"
    ]
    assert (imported.content / "articles/2013" / f"{seed}.md").read_bytes() == (
        ROOT / "content/articles/2013" / f"{seed}.md"
    ).read_bytes()
    assert "already serves" in imported.stdout
    thread = rows(
        imported.db,
        "SELECT uri FROM threads JOIN comments ON tid = threads.id WHERE author = 'Chloé'",
    )
    assert thread == [(f"/blog/2013/01/31/{seed}/",)]


# --- Addresses -----------------------------------------------------------------------------


def test_redirect_map_covers_old_addresses(core):
    text = core.redirects_map.read_text()
    assert '"/2015/06/10/gutenberg-era/" "/blog/2015/06/10/gutenberg-era/";' in text
    assert '"/category/resumes-cvs/" "/category/resumes/";' in text
    assert '"/author/barbara/" "/author/barbara-feldman/";' in text
    cafe = "/blog/2016/01/20/caf%C3%A9-r%C3%A9sum%C3%A9/"
    assert f'"103:::::" "{cafe}";' in text  # ?p=103
    assert '":110::::" "/our-firm/team/";' in text  # ?page_id=110
    assert f'"/blog/2016/01/20/café-résumé/feed/" "{cafe}";' in text
    stub = core.content / "redirects" / "2015/06/10/gutenberg-era/index.html"
    page = BeautifulSoup(stub.read_text(), "html.parser")
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == (
        "0; url=/blog/2015/06/10/gutenberg-era/"
    )
    assert page.find("link", rel="canonical")["href"] == (
        "https://blog.example.com/blog/2015/06/10/gutenberg-era/"
    )
    assert page.find("a")["href"] == "/blog/2015/06/10/gutenberg-era/"
    assert page.find("script") is None


def test_unexplained_loss_exits_non_zero(tmp_path):
    broken = tmp_path / "odd.xml"
    odd = "https://www.firm-example.com/media/&quot;odd&quot;/"
    broken.write_text(
        CORE.read_text().replace("https://www.firm-example.com/?attachment_id=203", odd)
    )
    imported = run_import(broken, tmp_path / "site", media=UPLOADS)
    assert imported.returncode == 1
    assert "LOST WITHOUT EXPLANATION" in imported.stdout
    assert '/media/"odd"/' in imported.stdout


# --- Running it again, or only to look --------------------------------------------------


def test_dry_run_writes_nothing(tmp_path):
    saved = tmp_path / "report.txt"
    first = run_import(CORE, tmp_path, "--dry-run", "--report", str(saved), media=UPLOADS)
    assert first.returncode == 0, first.stdout
    assert saved.read_text() == first.stdout
    assert "dry run: nothing written" in first.stdout
    assert "posts                            3         3" in first.stdout
    assert tree(first.content) == tree(ROOT / "content")
    assert not first.db.exists() and not first.redirects_map.exists()
    assert not (first.content / "articles" / "2014").exists()


def test_second_import_changes_nothing(tmp_path):
    first = run_import(CORE, tmp_path, media=UPLOADS)
    assert first.returncode == 0
    files = tree(tmp_path / "content")
    comments = rows(first.db, "SELECT * FROM comments ORDER BY id")
    second = run_import(CORE, tmp_path, media=UPLOADS)
    assert second.returncode == 0, second.stdout
    assert "0 written" in second.stdout and "0 media files copied" in second.stdout
    assert tree(tmp_path / "content") == files
    assert rows(second.db, "SELECT * FROM comments ORDER BY id") == comments


# --- Comments in Isso's database -----------------------------------------------------------


def test_comments_are_stored_through_isso(core):
    found = rows(
        core.db,
        "SELECT threads.uri, comments.id, comments.parent, comments.mode, comments.author,"
        " comments.email, comments.website, comments.text, comments.created, comments.modified"
        " FROM comments JOIN threads ON comments.tid = threads.id ORDER BY comments.id",
    )
    by_author = {}
    for row in found:
        by_author.setdefault(row[4], []).append(row)
    alice, reply = by_author["Alice Applicant"][0], by_author["Barbara Feldman"][0]
    assert alice[0] == "/" + TEN_TIPS_URL and alice[3] == 1
    assert alice[5] == "alice@example.org" and alice[6] == "https://alice.example.org"
    assert alice[7] == "Great tips, **thank you**!  \nSecond line of my comment."
    assert reply[2] == alice[1]
    # Isso nests one level: a reply to a reply hangs under the top-level comment.
    assert by_author["Alice Applicant"][1][2] == alice[1]
    (pending,) = by_author["Pat Pending"]
    assert pending[3] == 2 and pending[8] > time.time() - 3600  # survives purge-after
    assert pending[9] == 1394200800.0  # the WordPress date, kept
    assert not {"Cheap Pills", "Trashed", "Other Blog"} & set(by_author)
    assert by_author["Chloé"][0][0] == "/" + CAFE_URL
    assert by_author["Visitor"][0][0] == "/our-firm/team/"


# --- End to end: build, serve through nginx with Isso, look in Chromium -------------------


class ImportedSite(IssoSite):
    """IssoSite building the imported content with `make publish`'s tool."""

    def __init__(self, tmp_path, origin, **kwargs):
        super().__init__(tmp_path, **kwargs)
        self.origin = origin

    def rebuild(self):
        env = {"SITEURL": self.origin, "ISSO_URL": self.origin + "/isso"}
        env["ISSO_DB_PATH"] = str(self.db_path)
        build = run_publish(self.tmp / "content", self.output, env=env)
        assert build.returncode == 0, build.log
        self.build_result = build
        return build


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e")
    imported = run_import(CORE, workdir, media=UPLOADS)
    assert imported.returncode == 0, imported.stdout
    pending = rows(imported.db, "SELECT COUNT(*) FROM comments WHERE mode = 2")[0][0]
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    site = ImportedSite(
        workdir,
        origin,
        origins=[origin],
        settings=[f"server.public-endpoint={origin}/isso"],
    )
    with site.running():  # Isso's first start: it purges stale pending comments
        site.request("GET", "/?uri=" + urllib.parse.quote("/" + TEN_TIPS_URL))
    blog = local_config(port, site.output, site.isso_port, imported.redirects_map)
    config = main_config(workdir, blog)
    check = subprocess.run([NGINX, "-t", "-c", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    with site.running():  # second start
        site.request("GET", "/?uri=" + urllib.parse.quote("/" + TEN_TIPS_URL))
        time.sleep(1)  # Isso purges in a thread of its own
        with background_process([NGINX, "-c", str(config), "-g", "daemon off;"], port) as nginx:
            wait_for_port(port, nginx)
            site.pending_before = pending
            yield site


def test_pending_comments_survive_two_isso_starts(served):
    assert served.pending_before == 1
    still = served.rows("SELECT author, text FROM comments WHERE mode = 2")
    assert [(author, text[:29]) for author, text in still] == [
        ("Pat Pending", "Still waiting for a moderator")
    ]


def ours(url):
    """The old site's uploads are ours; anything else is a third party's."""
    return url if "firm-example.com/wp-content/uploads/" in url else None


def test_built_text_is_the_text_wordpress_showed(served):
    export = wxr.parse(CORE)
    attachments = {i.id: i for i in export.items if i.type == "attachment"}
    checked = 0
    for item in export.items:
        if item.type not in ("post", "page") or item.status != "publish" or item.password:
            continue
        _, text = autop.split_more(item.content)
        shown = Shortcodes(attachments, ours, []).render(text, item.id, autop.has_blocks(text))
        url = urllib.parse.unquote(urllib.parse.urlsplit(item.link).path).strip("/") + "/"
        url = {"2015/06/10/gutenberg-era/": "blog/2015/06/10/gutenberg-era/"}.get(url, url)
        built = served.build_result.html(url).select_one(".post__content")
        assert body.visible_text(str(built)) == body.visible_text(shown), url
        checked += 1
    assert checked == 5


def test_protected_private_and_draft_text_is_not_published(served):
    for path in served.output.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt"):
            text = path.read_text(errors="replace")
            assert "secretword" not in text and "hunter2" not in text, path
    assert not (served.output / "blog/2016/02/01/salary-bands").exists()


def test_imported_post_at_its_old_address_with_comments(page, served):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    response = page.goto(f"{served.origin}/{TEN_TIPS_URL}")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Ten Tips for Your Résumé & Cover Letter"
    figure = page.locator(".post__content figure img")
    assert figure.get_attribute("src").endswith("images/2014/03/interview-desk-300x200.jpg")
    assert page.evaluate("document.querySelector('.post__content figure img').naturalWidth") > 0
    static = page.locator("[data-comments-static]")
    alice = static.locator(".isso-comment", has_text="Great tips").first
    assert alice.locator(".comment-list--replies").inner_text().count("Glad it helped") == 1
    assert static.get_by_text("<b onmouseover=", exact=False).count() == 1
    html = page.content()
    assert "Still waiting for a moderator" not in html and "spamword" not in html.lower()
    assert page.evaluate("window.__pwned") is None and dialogs == []
    cafe = page.goto(f"{served.origin}/blog/2016/01/20/caf%C3%A9-r%C3%A9sum%C3%A9/")
    assert cafe.status == 200
    assert page.locator(".post__content audio[controls]").count() == 1
    assert "Un café, s'il vous plaît." in page.locator("[data-comments-static]").inner_text()


def test_old_addresses_redirect_through_nginx(page, served):
    for old, new in (
        ("/2015/06/10/gutenberg-era/", "/blog/2015/06/10/gutenberg-era/"),
        ("/?p=103", "/blog/2016/01/20/caf%C3%A9-r%C3%A9sum%C3%A9/"),
        ("/?page_id=110", "/our-firm/team/"),
        ("/category/resumes-cvs/", "/category/resumes/"),
    ):
        response = page.goto(served.origin + old)
        assert response.status == 200, old
        assert response.url == served.origin + new
        assert response.request.redirected_from.response().status == 301


def test_static_redirect_page_works_without_nginx(page, served):
    page.goto(f"{served.site_url}/2015/06/10/gutenberg-era/")
    page.wait_for_url(f"{served.site_url}/blog/2015/06/10/gutenberg-era/")
    assert page.locator("h1").inner_text() == "Writing in the Block Editor Era"


def test_stored_like_isso_api_stores_them(served):
    """Post the export's hostile author and website through Isso's own API: the
    columns must equal what the import stored for the same values."""
    author = "<b onmouseover=\"window.__pwned='author'\">Mallory</b>"
    website = "http://mallory.example.com/\"><script>window.__pwned='site'</script>"
    status, reply = served.post(
        "/" + TEN_TIPS_URL, "Posted through the API", author=author, website=website
    )
    assert status == 202, reply
    via_api = served.rows("SELECT author, website FROM comments WHERE id = ?", (reply["id"],))
    imported = served.rows(
        "SELECT author, website FROM comments WHERE email = 'mallory@example.com'"
    )
    assert imported == via_api


def test_imported_pages_get_the_comment_section_unless_closed(core, tmp_path):
    from conftest import run_pelican

    options = [f"ISSO_DB_PATH={json.dumps(str(core.db))}"]
    build = run_pelican(core.content, tmp_path / "output", "pelicanconf.py", "-e", *options)
    assert build.returncode == 0, build.log
    team = build.html("our-firm/team/").select_one("#comments")
    assert team.select_one("#comments-title").get_text() == "Leave a Reply"
    assert team.select_one("#isso-thread")["data-isso-id"] == "/our-firm/team/"
    closed = build.html("our-firm/").select_one("#comments")
    assert "Comments are closed" in closed.get_text()
