"""`make publish`: drafts and scheduled posts stay private; caches serve a fresh folder."""

import datetime
import gzip
import os
import signal
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from PIL import Image

from bench import corpus
from conftest import (
    ROOT,
    SEED_URL,
    cache_beside,
    interrupted_once_building,
    run_pelican,
    run_publish,
)

SCHEDULED = """\
Title: Scheduled Secret Post
Date: {date}
Author: Barbara Feldman
Category: Scheduledsecretcategory
Tags: scheduledsecrettag, interviews
Checklist: Scheduled secret checklist
Summary: Scheduledsecretsummary words.
Image: images/scheduled-secret-photo.png
Image-Alt: A secret

Scheduledsecretbody text. ![A secret too]({{static}}../images/scheduled-secret-chart.png)

- [ ] Scheduledsecretitem one
"""

DRAFT = """\
Title: Draft Secret Post
Date: 2014-05-05
Author: Barbara Feldman
Category: Draftsecretcategory
Tags: draftsecrettag, interviews
Status: draft

Draftsecretbody text, with a published post's picture:
![A note]({static}/images/2013/follow-up-note.jpg)
"""

DRAFT_PAGE = """\
Title: Draft Secret Page
Status: draft

Draftsecretpage text.
"""


def every_file_mentioning(folder, *needles):
    """Files whose name or bytes hold a needle; the search index's files are gzipped."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if data.startswith(b"\x1f\x8b"):
                data = gzip.decompress(data)
            found += [(path, n) for n in needles if n.encode() in data or n in str(path)]
    return found


def add_scheduled_post(content, date):
    """The post, its picture and a chart in its text, under names that give it away."""
    (content / "articles" / "scheduled.md").write_text(SCHEDULED.format(date=date))
    for name in ("scheduled-secret-photo.png", "scheduled-secret-chart.png"):
        Image.new("RGB", (600, 400), "teal").save(content / "images" / name)


def test_publish_writes_no_draft_or_scheduled_post_anywhere(content_copy, tmp_path):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    add_scheduled_post(content_copy, tomorrow)
    (content_copy / "articles" / "draft.md").write_text(DRAFT)
    (content_copy / "pages" / "draft-page.md").write_text(DRAFT_PAGE)
    # A page is published whatever its date: no "scheduled" note, in the preview or the site.
    fair = f"Title: Career Fair\nDate: {tomorrow}\n\nCome.\n"
    (content_copy / "pages" / "fair.md").write_text(fair)
    needles = ("Scheduledsecret", "scheduled-secret", "Draftsecret", "draft-secret", "Draft Secret")
    needles += ("scheduledsecrettag", "draftsecrettag")

    published = run_publish(content_copy, tmp_path / "public")
    assert published.returncode == 0, published.log
    assert published.path(SEED_URL).is_file()
    assert every_file_mentioning(published.output, *needles) == []
    assert [p for p in published.output.rglob("*.html") if b"preview-note" in p.read_bytes()] == []
    assert "Only in this preview" not in published.log
    assert published.path("career-fair/").is_file()
    # A picture a draft shares with a published post is published.
    assert published.path("images/2013/follow-up-note.jpg").is_file()
    # The search index is read too: the published post's words are found in it.
    in_index = every_file_mentioning(published.output / "pagefind", "trending to be another year")
    assert any(path.suffix == ".pf_fragment" for path, _ in in_index)

    # The preview shows them, where only the author looks.
    preview = run_pelican(content_copy, tmp_path / "preview")
    assert preview.returncode == 0, preview.log
    assert preview.path(f"blog/{tomorrow:%Y/%m/%d}/scheduled-secret-post/").is_file()
    assert preview.path("drafts/draft-secret-post/").is_file()
    assert preview.path("images/scheduled-secret-chart.png").is_file()
    # The build's last lines say where the preview shows them...
    shown = preview.log.split("Only in this preview (make publish leaves them out):\n")[1]
    site = "http://127.0.0.1:8000"
    assert f"  Draft Secret Post (draft): {site}/drafts/draft-secret-post/\n" in shown
    assert f"  Draft Secret Page (draft): {site}/drafts/pages/draft-secret-page/\n" in shown
    when = f"{tomorrow:%A} {tomorrow.day} {tomorrow:%B %Y}, 00:00"
    url = f"{site}/blog/{tomorrow:%Y/%m/%d}/scheduled-secret-post/"
    assert f"  Scheduled Secret Post (scheduled for {when}): {url}\n" in shown
    assert "Value of Post Interview" not in shown
    # ...and each page says what it is, for the writer: only the preview shows it.
    scheduled = preview.html(f"blog/{tomorrow:%Y/%m/%d}/scheduled-secret-post/")
    note = scheduled.select_one(".post__header .preview-note").get_text(" ", strip=True)
    assert note.startswith(f"Scheduled for {tomorrow:%A} {tomorrow.day} {tomorrow:%B %Y}")
    assert "make publish" in note
    for draft in ("drafts/draft-secret-post/", "drafts/pages/draft-secret-page/"):
        assert "Draft." in preview.html(draft).select_one(".preview-note").get_text()
    assert preview.html(SEED_URL).select(".preview-note") == []
    assert preview.html("career-fair/").select(".preview-note") == []
    assert "Career Fair" not in shown
    cards = {
        card.select_one(".card__title").get_text(strip=True): card.select(".preview-note")
        for card in preview.html("").select(".card")
    }
    assert cards["Scheduled Secret Post"] and cards["The Value of Post Interview Follow Up"] == []
    # The draft's own tag and category have no page: named on it, but not linked.
    draft = preview.html("drafts/draft-secret-post/")
    assert "draftsecrettag" in draft.get_text() and "Draftsecretcategory" in draft.get_text()
    page = preview.path("drafts/draft-secret-post/").parent
    hrefs = [urlsplit(a["href"]) for a in draft.find_all("a", href=True)]
    links = [(page / href.path).resolve() for href in hrefs if href.path.startswith("../")]
    assert (preview.output / "tag" / "interviews").resolve() in links
    assert [link for link in links if not link.exists()] == []


def test_a_scheduled_post_is_published_by_the_first_publish_after_its_date(content_copy, tmp_path):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    add_scheduled_post(content_copy, yesterday)
    published = run_publish(content_copy, tmp_path / "public")
    assert published.returncode == 0, published.log
    url = f"blog/{yesterday:%Y/%m/%d}/scheduled-secret-post/"
    assert "Scheduledsecretbody" in published.path(url).read_text()
    assert published.path("checklists/scheduled-secret-post/").is_file()
    assert "Scheduled Secret Post" in published.path("feed/index.xml").read_text()
    for name in ("scheduled-secret-photo.png", "scheduled-secret-chart.png"):
        assert published.path(f"images/{name}").is_file()


def test_a_publish_into_a_fresh_folder_reuses_the_cache(content_copy, tmp_path):
    first = run_publish(content_copy, tmp_path / "public", options=["-v"])
    assert first.returncode == 0, first.log
    assert "checklist PDFs: 1 made, 0 from the cache" in first.log
    before = first.path(SEED_URL).read_bytes()
    second = run_publish(content_copy, tmp_path / "public", options=["-v"])
    assert second.returncode == 0, second.log
    assert "checklist PDFs: 0 made, 1 from the cache" in second.log
    assert second.path(SEED_URL).read_bytes() == before


def test_the_preview_and_the_publish_each_keep_their_search_index(content_copy, tmp_path):
    """They index different pages (their addresses differ); alternating builds reuse both."""
    builds = [
        run_publish(content_copy, tmp_path / "public", options=["-v"]),
        run_pelican(content_copy, tmp_path / "preview", "pelicanconf.py", "-v"),
        run_publish(content_copy, tmp_path / "public", options=["-v"]),
        run_pelican(content_copy, tmp_path / "preview", "pelicanconf.py", "-v"),
    ]
    sources = []
    for build in builds:
        assert build.returncode == 0, build.log
        log = " ".join(build.log.split())
        sources.append("cache" if "pages, from the cache" in log else "Pagefind")
        assert "pages, from" in log
    assert sources == ["Pagefind", "Pagefind", "cache", "cache"]
    index = (tmp_path / "public" / "pagefind" / "pagefind-entry.json").read_text()
    assert '"page_count"' in index


def test_a_search_index_left_half_copied_into_the_cache_is_made_again(content_copy, tmp_path):
    """A build stopped while it copied a new index into the cache (Ctrl-C) left a partial
    folder there; the next build indexes again instead of failing."""
    first = run_pelican(content_copy, tmp_path / "preview", "pelicanconf.py", "-v")
    assert first.returncode == 0, first.log
    [bundle] = (cache_beside(tmp_path / "preview") / "staffblog" / "search").iterdir()
    os.rename(bundle, f"{bundle}.tmp")
    for source in ("Pagefind", "the cache"):
        build = run_pelican(content_copy, tmp_path / "preview", "pelicanconf.py", "-v")
        assert build.returncode == 0, build.log
        assert f"pages, from {source}" in " ".join(build.log.split())


def test_publishes_started_together_each_wait_for_the_one_running(content_copy, tmp_path):
    """A cron publish and one started by hand share the cache: each waits its turn instead
    of failing half-way or leaving the cache spoiled for the next."""
    with ThreadPoolExecutor(3) as pool:
        builds = list(pool.map(lambda _: run_publish(content_copy, tmp_path / "public"), range(3)))
    for build in builds:
        assert build.returncode == 0, build.log
    waited = [build for build in builds if "waiting for the build already running" in build.log]
    assert len(waited) >= 1
    assert builds[0].path(SEED_URL).is_file()
    later = run_publish(content_copy, tmp_path / "public", options=["-v"])
    assert later.returncode == 0, later.log
    assert "pages, from the cache" in " ".join(later.log.split())
    assert "checklist PDFs: 0 made, 1 from the cache" in later.log


def test_a_content_cache_left_empty_is_made_again(content_copy, tmp_path):
    """A build stopped (or a full disk) while Pelican wrote its content cache leaves an empty
    file; the next builds read the posts again instead of stopping."""
    first = run_pelican(content_copy, tmp_path / "output")
    assert first.returncode == 0, first.log
    cache_files = [path for path in cache_beside(tmp_path / "output").iterdir() if path.is_file()]
    assert any(path.stat().st_size for path in cache_files)
    for path in cache_files:
        path.write_bytes(b"")
    for _ in range(2):
        again = run_pelican(content_copy, tmp_path / "output")
        assert again.returncode == 0, again.log
        assert again.path(SEED_URL).read_bytes() == first.path(SEED_URL).read_bytes()


def publish_stopped_while_building(tmp_path, signal_number):
    """Publish a 200-post site into ``tmp_path/public``, stopped by ``signal_number`` while it
    builds; (exit status, output, the next publish)."""
    content, public, cache = tmp_path / "content", tmp_path / "public", tmp_path / "cache"
    settings = corpus.site_settings(tmp_path, corpus.generate(content, 200))
    env = {"ISSO_DB_PATH": settings["ISSO_DB_PATH"]}
    command = ["-m", "tools.publish", "--content", str(content), "--output", str(public)]
    command += ["--settings", str(ROOT / "publishconf.py"), "--", "--cache-path", str(cache)]
    status, log = interrupted_once_building(command, cache, env, signal_number)
    return status, log, lambda: run_publish(content, public, env=env)


def test_ctrl_c_stops_a_publish_in_one_line_and_publishes_nothing(tmp_path):
    """Ctrl-C in a publish (the build, its workers and Pagefind get it too): one line says
    the build stopped, nothing is published or left behind, and the next publish works."""
    status, log, publish_again = publish_stopped_while_building(tmp_path, signal.SIGINT)
    assert status == 1, log
    assert "the build stopped: Ctrl-C; build again to finish the site" in log
    assert "nothing was published" in log
    assert "problem" not in log and "Traceback" not in log  # Ctrl-C is no problem in a file
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache", "comments.db", "content"]
    again = publish_again()
    assert again.returncode == 0, again.log


def test_what_a_killed_publish_left_goes_at_the_next_publish(tmp_path):
    """A publish killed outright (the machine shut down, the out-of-memory killer) leaves its
    half-built folder beside the site; the next publish removes it."""
    status, log, publish_again = publish_stopped_while_building(tmp_path, signal.SIGKILL)
    assert status == -signal.SIGKILL, log
    assert any(path.name.startswith(".output-") for path in tmp_path.iterdir())
    again = publish_again()
    assert again.returncode == 0, again.log
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        *("cache", "comments.db", "content", "public")
    ]
