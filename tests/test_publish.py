"""`make publish`: drafts and scheduled posts stay private; caches serve a fresh folder."""

import datetime
import gzip
import os

from conftest import SEED_URL, cache_beside, run_pelican, run_publish

SCHEDULED = """\
Title: Scheduled Secret Post
Date: {date}
Author: Barbara Feldman
Category: Scheduledsecretcategory
Tags: scheduledsecrettag, interviews
Checklist: Scheduled secret checklist
Summary: Scheduledsecretsummary words.

Scheduledsecretbody text.

- [ ] Scheduledsecretitem one
"""

DRAFT = """\
Title: Draft Secret Post
Date: 2014-05-05
Author: Barbara Feldman
Category: Interview Tips
Tags: draftsecrettag
Status: draft

Draftsecretbody text.
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


def test_publish_writes_no_draft_or_scheduled_post_anywhere(content_copy, tmp_path):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    (content_copy / "articles" / "scheduled.md").write_text(SCHEDULED.format(date=tomorrow))
    (content_copy / "articles" / "draft.md").write_text(DRAFT)
    (content_copy / "pages" / "draft-page.md").write_text(DRAFT_PAGE)
    needles = ("Scheduledsecret", "scheduled-secret", "Draftsecret", "draft-secret", "Draft Secret")
    needles += ("scheduledsecrettag", "draftsecrettag")

    published = run_publish(content_copy, tmp_path / "public")
    assert published.returncode == 0, published.log
    assert published.path(SEED_URL).is_file()
    assert every_file_mentioning(published.output, *needles) == []
    # The search index is read too: the published post's words are found in it.
    in_index = every_file_mentioning(published.output / "pagefind", "trending to be another year")
    assert any(path.suffix == ".pf_fragment" for path, _ in in_index)

    # The preview shows them, where only the author looks.
    preview = run_pelican(content_copy, tmp_path / "preview")
    assert preview.returncode == 0, preview.log
    assert preview.path(f"blog/{tomorrow:%Y/%m/%d}/scheduled-secret-post/").is_file()
    assert preview.path("drafts/draft-secret-post/").is_file()


def test_a_scheduled_post_is_published_by_the_first_publish_after_its_date(content_copy, tmp_path):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    (content_copy / "articles" / "scheduled.md").write_text(SCHEDULED.format(date=yesterday))
    published = run_publish(content_copy, tmp_path / "public")
    assert published.returncode == 0, published.log
    url = f"blog/{yesterday:%Y/%m/%d}/scheduled-secret-post/"
    assert "Scheduledsecretbody" in published.path(url).read_text()
    assert published.path("checklists/scheduled-secret-post/").is_file()
    assert "Scheduled Secret Post" in published.path("feed/index.xml").read_text()


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
