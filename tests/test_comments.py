"""Comment-ready pages, read back from the built site (no comment server needed here;
tests/test_comments_isso.py runs the real Isso)."""

import configparser
import json
import os
import stat
import subprocess
import sys

import pytest

from conftest import ROOT, SEED_URL, run_pelican, run_publish

SEED_TITLE = "The Value of Post Interview Follow Up"
LISTINGS = (
    "",
    "category/interview-tips/",
    "tag/follow-up/",
    "author/barbara-feldman/",
    "archives/",
    "blog/2013/",
)


def build_with(content, output, db_path, *extra):
    options = ["-e", f"ISSO_DB_PATH={json.dumps(str(db_path))}", *extra]
    return run_pelican(content, output, "pelicanconf.py", *options)


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    """The real content with no comment database yet."""
    tmp = tmp_path_factory.mktemp("no-db")
    build = build_with(ROOT / "content", tmp / "output", tmp / "var" / "comments.db")
    assert build.returncode == 0, build.log
    return build


def test_article_ends_with_a_comment_section_for_its_isso_thread(empty):
    page = empty.html(SEED_URL)
    section = page.select_one("article.post > section#comments")
    assert section is page.select_one("article.post").find_all(recursive=False)[-1]
    assert section.find("h2").get_text(strip=True) == "Leave a Reply"
    thread = section.select_one("#isso-thread")
    assert thread["data-isso-id"] == "/" + SEED_URL
    assert thread["data-title"] == SEED_TITLE
    assert thread["data-comment-server"] == "http://127.0.0.1:8080"
    assert section.select_one(".comments__count").get_text(strip=True) == "No comments yet"
    assert "comment-policy/" in section.select_one(".comments__intro a")["href"]
    assert "JavaScript" in section.find("noscript").get_text()


def test_empty_thread_without_database_builds_without_warning(empty):
    assert "WARNING" not in empty.log and "ERROR" not in empty.log
    assert empty.json_ld(SEED_URL)["commentCount"] == 0


def test_isso_client_is_only_loaded_by_a_self_hosted_module(empty):
    page = empty.html(SEED_URL)
    scripts = page.find_all("script")
    assert all(s.get("src") or s.get("type") == "application/ld+json" for s in scripts)
    module = [s for s in scripts if s.get("src", "").endswith("js/comments.js")]
    assert len(module) == 1 and module[0]["type"] == "module"
    assert not [s for s in scripts if "embed" in s.get("src", "")]  # loaded lazily
    assert (empty.output / "theme/js/comments.js").is_file()
    assert not page.select("[style]") and not page.find_all("style")


def test_listings_show_a_comment_count_linking_to_the_comments(empty):
    for listing in LISTINGS:
        link = empty.html(listing).select_one("a.comment-count")
        assert link is not None, listing
        assert link.get_text(strip=True) == "No comments yet"
        assert link["href"].endswith(SEED_URL + "#comments"), listing


def test_closed_comments_show_past_ones_without_the_form(content_copy, tmp_path):
    post = content_copy / "articles/2013/the-value-of-post-interview-follow-up.md"
    post.write_text(post.read_text().replace("Slug:", "Comments: closed\nSlug:", 1))
    build = build_with(content_copy, tmp_path / "output", tmp_path / "none.db")
    assert build.returncode == 0, build.log
    section = build.html(SEED_URL).select_one("#comments")
    assert section.select_one(".comments__closed").get_text(strip=True) == (
        "Comments are closed for this post."
    )
    assert not section.select_one("#isso-thread").has_attr("data-comment-server")
    assert section.find("noscript") is None
    assert not build.html(SEED_URL).select('script[src$="comments.js"]')
    assert build.html("").select_one("a.comment-count") is None  # closed and none


def test_unknown_comments_metadata_warns_naming_the_file(content_copy, tmp_path):
    post = content_copy / "articles/2013/the-value-of-post-interview-follow-up.md"
    post.write_text(post.read_text().replace("Slug:", "Comments: maybe\nSlug:", 1))
    build = build_with(content_copy, tmp_path / "output", tmp_path / "none.db")
    assert build.returncode == 1
    line = post.read_text().splitlines().index("Comments: maybe") + 1
    assert f"{post}:{line}: Comments must be 'open' or 'closed', not 'maybe'" in build.log
    assert build.path(SEED_URL).is_file()


NOT_A_DATABASE = b"this is not an SQLite database at all" * 40
TRUNCATED_HEADER = b"SQLite format 3\x00" + b"\x00" * 80


@pytest.mark.parametrize("payload", [NOT_A_DATABASE, TRUNCATED_HEADER])
def test_corrupt_database_warns_in_html_and_stops_publish(content_copy, tmp_path, payload):
    db = tmp_path / "var" / "comments.db"
    db.parent.mkdir()
    db.write_bytes(payload)
    html = build_with(content_copy, tmp_path / "html", db)
    assert html.returncode == 1
    assert str(db) in html.log
    assert "cannot read the comment database" in html.log
    assert html.path(SEED_URL).is_file()

    output = tmp_path / "published"
    first = run_publish(content_copy, output, env={"ISSO_DB_PATH": str(tmp_path / "no.db")})
    assert first.returncode == 0, first.log
    before = first.path(SEED_URL).read_text()
    failed = run_publish(content_copy, output, env={"ISSO_DB_PATH": str(db)})
    assert failed.returncode != 0
    assert str(db) in failed.log and "cannot read the comment database" in failed.log
    assert failed.path(SEED_URL).read_text() == before  # the live copy is untouched


def test_publish_points_at_the_proxied_comment_server(content_copy, tmp_path):
    env = {"SITEURL": "https://blog.test", "ISSO_DB_PATH": str(tmp_path / "none.db")}
    default = run_publish(content_copy, tmp_path / "a", env=env)
    assert default.returncode == 0, default.log
    thread = default.html(SEED_URL).select_one("#isso-thread")
    assert thread["data-comment-server"] == "https://blog.test/isso"
    custom = run_publish(
        content_copy, tmp_path / "b", env={**env, "ISSO_URL": "https://comments.blog.test/"}
    )
    assert custom.returncode == 0, custom.log
    thread = custom.html(SEED_URL).select_one("#isso-thread")
    assert thread["data-comment-server"] == "https://comments.blog.test"


def test_published_site_is_readable_by_the_web_server(content_copy, tmp_path):
    """nginx's worker runs as another user: the swapped-in folder must be world-readable."""
    build = run_publish(content_copy, tmp_path / "output", env={"ISSO_DB_PATH": "none.db"})
    assert build.returncode == 0, build.log
    mode = stat.S_IMODE(os.stat(build.output).st_mode)
    assert mode & 0o005 == 0o005, oct(mode)


# --- The shipped configuration --------------------------------------------------


def isso_config(path, env=None):
    """Load a config the way the Isso server does (defaults, then the file)."""
    from isso import config

    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        conf = config.load(config.default_file(), str(path))
        return {
            "dbpath": conf.get("general", "dbpath"),
            "host": list(conf.getiter("general", "host")),
            "moderation": conf.getboolean("moderation", "enabled"),
            "guard": conf.getboolean("guard", "enabled"),
            "ratelimit": conf.getint("guard", "ratelimit"),
            "admin": conf.getboolean("admin", "enabled"),
            "password": conf.get("admin", "password"),
            "listen": conf.get("server", "listen"),
        }
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_shipped_dev_config_is_moderated_guarded_and_local():
    conf = isso_config(ROOT / "isso.cfg", {"ISSO_ADMIN_PASSWORD": "from-the-env"})
    assert conf["moderation"] and conf["guard"] and conf["admin"]
    assert conf["ratelimit"] >= 1
    assert conf["password"] == "from-the-env"
    assert conf["listen"].startswith("http://127.0.0.1:")
    assert "http://127.0.0.1:8000" in conf["host"] and "http://localhost:8000" in conf["host"]
    assert conf["dbpath"].startswith("var/")
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", conf["dbpath"]], cwd=ROOT, check=False
    ).returncode
    assert ignored == 0


@pytest.mark.parametrize("name", ["isso.cfg", "deploy/isso/production.cfg"])
def test_no_secret_in_a_shipped_config(name):
    raw = configparser.RawConfigParser(interpolation=None)
    raw.read(ROOT / name)
    assert raw.get("admin", "password") == "${ISSO_ADMIN_PASSWORD}"
    assert raw.getboolean("moderation", "enabled") and raw.getboolean("guard", "enabled")


def test_production_config_renders_comments_like_the_dev_one():
    configs = []
    for name in ("isso.cfg", "deploy/isso/production.cfg"):
        raw = configparser.RawConfigParser(interpolation=None)
        raw.read(ROOT / name)
        configs.append({s: dict(raw[s]) for s in raw.sections() if s.startswith("markup")})
    assert configs[0] == configs[1]
    assert configs[0]["markup"]["renderer"] == "mistune"


@pytest.mark.parametrize("config", ["isso.cfg", "missing-isso.cfg"])
def test_comments_rendered_from_the_cache_match_those_rendered_anew(tmp_path, config):
    """A second build takes each comment's HTML from the cache: same pages, same
    warnings (naming the file) as the build that rendered them."""
    from bench import corpus

    description = corpus.generate(tmp_path / "content", 21)  # comments on posts 1, 11, 21
    builds = [
        build_with(
            tmp_path / "content",
            tmp_path / name,
            description["comments_db"],
            f"ISSO_CONFIG={json.dumps(config)}",
        )
        for name in ("first", "second")  # one cache beside both
    ]
    for build in builds:  # a missing configuration is a problem: listed, pages still written
        assert build.returncode == (config != "isso.cfg"), build.log[-3000:]
    first, second = builds
    commented = corpus.article_path(0).strip("/") + "/"
    pages = sorted(p.relative_to(first.output) for p in first.output.glob("blog/**/index.html"))
    for page in pages:
        assert (second.output / page).read_bytes() == (first.output / page).read_bytes(), page
    comments = first.html(commented).select(".comment-list .h-entry, .isso-comment")
    if config == "isso.cfg":
        assert comments, "the commented post shows its comments"
        assert list((tmp_path / "cache" / "staffblog" / "comments").glob("rendered.json"))
    else:
        assert not comments
        for build in builds:
            warnings = [line for line in build.log.splitlines() if "(ISSO_CONFIG)" in line]
            assert len(warnings) == 1, warnings
            assert "missing-isso.cfg" in warnings[0]


# A writer killed in the middle of a transaction, as Isso killed mid-write: SQLite leaves
# a hot journal that only a writer may roll back, and the build reads read-only.
KILLED_WRITER = """
import os, signal, sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA cache_size=1")
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE comments SET text = text || printf('%.4000c', 'x')")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_database_left_mid_write_keeps_the_comments_last_read(tmp_path):
    """The build says it cannot read the comments, and why; the pages keep the comments
    it read before, and a publish stops with the live site as it was."""
    from bench import corpus

    description = corpus.generate(tmp_path / "content", 11)
    database = description["comments_db"]
    good = build_with(tmp_path / "content", tmp_path / "good", database)
    assert good.returncode == 0, good.log
    commented = corpus.article_path(0).strip("/") + "/"
    before = good.html(commented).select(".comment-list .h-entry")
    assert before
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(database)], check=False)
    assert database.with_name(database.name + "-journal").exists()
    broken = build_with(tmp_path / "content", tmp_path / "broken", database)
    assert broken.returncode == 1, broken.log
    assert "cannot read the comment database" in broken.log and str(database) in broken.log
    assert "start it again" in " ".join(broken.log.split())
    after = broken.html(commented).select(".comment-list .h-entry")
    assert [c.get_text() for c in after] == [c.get_text() for c in before]
