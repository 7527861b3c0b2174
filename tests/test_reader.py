"""Reader features read back from the built site: search index, reading time, table of
contents, previous/next and related posts, share links."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import (
    READER_ARTICLES,
    READER_CHECKLIST_URL,
    ROOT,
    SEED_URL,
    run_pelican,
    run_publish,
    snapshot,
)

PANEL_URL = "blog/2014/02/10/preparing-for-a-panel-interview/"
RESUME_URL = "blog/2015/03/03/resume-basics-pitfalls/"
SALARY_URL = "blog/2016/09/12/talking-about-salary/"


def site_url(href):
    """The output path of a relative link (RELATIVE_URLS: "../../blog/…" → "blog/…")."""
    return re.sub(r"^(\.\./)+", "", href)


def archive(build):
    """(url, title) of every published post, oldest first, from the archives page."""
    links = build.html("archives/").select(".archive-list a:not(.comment-count)")
    posts = [(site_url(link["href"]), link.get_text(strip=True)) for link in links]
    dates = {
        url: build.html(url).find("time", class_="dt-published")["datetime"] for url, _ in posts
    }
    return sorted(posts, key=lambda post: dates[post[0]])


def words(element):
    return len(element.get_text(" ").split())


def expected_minutes(element):
    return max(1, int(words(element) / 230 + 0.5))


# --- Search index --------------------------------------------------------------------


def pagefind_pages(build):
    entry = json.loads((build.output / "pagefind/pagefind-entry.json").read_text())
    return sum(language["page_count"] for language in entry["languages"].values())


def test_search_index_holds_articles_pages_and_checklists_only(reader_site):
    published = archive(reader_site)
    pages = list((ROOT / "content" / "pages").glob("*.md"))
    assert (reader_site.output / "pagefind/pagefind.js").is_file()
    # published articles + pages + checklist pages (the seed's and the hand-made one);
    # no draft, no listing
    checklists = [d for d in (reader_site.output / "checklists").iterdir() if d.is_dir()]
    assert len(checklists) == 2
    assert pagefind_pages(reader_site) == len(published) + len(pages) + len(checklists)
    for url, _title in published:
        assert reader_site.html(url).select("[data-pagefind-body]"), url
    listings = ("", "archives/", "tags/", "tag/interviews/", "author/barbara-feldman/")
    for listing in (*listings, "checklists/"):
        assert not reader_site.html(listing).select("[data-pagefind-body]"), listing
    assert not reader_site.html("search/").select("[data-pagefind-body]")
    draft = reader_site.html("drafts/secret-draft/")
    assert not draft.select("[data-pagefind-body]")
    assert (reader_site.output / READER_CHECKLIST_URL / "index.html").is_file()


def test_search_index_excludes_navigation_and_footer(site):
    page = site.html(SEED_URL)
    for region in page.select(".site-header, .site-footer, .post__footer, .post-meta"):
        assert not region.select("[data-pagefind-body]")
        assert not region.find_parent(attrs={"data-pagefind-body": True})
    indexed = [element.name for element in page.select("[data-pagefind-body]")]
    assert indexed == ["h1", "div"]


def test_search_page_and_header_box(site):
    page = site.html("search/")
    form = page.select_one("main form[role=search]")
    assert form["method"] == "get" and form["action"].endswith("search/")
    assert form.select_one("input[name=q]")
    assert page.find("meta", attrs={"name": "robots"}) is None  # the form page is indexable
    assert page.find("link", rel="canonical")["href"].endswith("/search/")
    fallback = page.find("noscript")
    assert "Search needs JavaScript" in fallback.get_text()
    hrefs = [a["href"] for a in fallback.find_all("a")]
    assert any(h.endswith("archives/") for h in hrefs) and any(h.endswith("tags/") for h in hrefs)
    scripts = [s["src"] for s in page.find_all("script", src=True)]
    assert [s.rsplit("/", 1)[-1] for s in scripts] == ["search.js"]
    assert not page.select(".site-header form")  # the page's own box replaces the header's

    article = site.html(SEED_URL)
    box = article.select_one(".site-header form.search-box")
    assert box["method"] == "get" and box["action"].endswith("search/")
    assert box.select_one("input[name=q]")
    article_scripts = [s["src"] for s in article.find_all("script", src=True)]
    assert not [src for src in article_scripts if "search" in src or "pagefind" in src]
    sitemap = (site.output / "sitemap.xml").read_text()
    assert "/search/" not in sitemap


def test_make_html_reports_a_failed_index_and_keeps_building(content_copy, tmp_path):
    build = run_pelican(content_copy, tmp_path / "out", env={"PAGEFIND_BINARY_PATH": "/bin/false"})
    assert build.returncode == 1, build.log
    assert "Pagefind failed (exit 1)" in build.log
    assert str(tmp_path / "out") in build.log
    assert build.path(SEED_URL).is_file()
    assert not (tmp_path / "out" / "pagefind").exists()


def test_publish_indexes_and_a_failed_index_keeps_the_previous_site(content_copy, tmp_path):
    output = tmp_path / "output"
    first = run_publish(content_copy, output)
    assert first.returncode == 0, first.log
    assert pagefind_pages(first) == 4  # the seed post, two pages, the seed's checklist
    before = snapshot(output)

    (content_copy / "articles" / "new.md").write_text(READER_ARTICLES["thank-you-notes.md"])
    missing = tmp_path / "no-such-pagefind"
    second = run_publish(content_copy, output, env={"PAGEFIND_BINARY_PATH": str(missing)})
    assert second.returncode != 0
    assert f"Pagefind binary not found ({missing})" in second.log
    after = snapshot(output)
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".output-")]


# --- Reading time ----------------------------------------------------------------------


def test_reading_time_on_articles_and_listings(reader_site):
    for url, title in archive(reader_site):
        page = reader_site.html(url)
        minutes = expected_minutes(page.select_one(".post__content"))
        label = f"{minutes} min read"
        assert page.select_one(".post-meta .reading-time").get_text(strip=True) == label, url
        for listing in ("", "archives/", "author/barbara-feldman/"):
            for card in reader_site.html(listing).select(".card"):
                if card.select_one(".card__title").get_text(strip=True) == title:
                    assert card.select_one(".reading-time").get_text(strip=True) == label
    assert archive(reader_site)  # the loop above ran
    panel = reader_site.html(PANEL_URL).select_one(".reading-time").get_text(strip=True)
    assert int(panel.split()[0]) > 10


# --- Table of contents -----------------------------------------------------------------


def test_long_article_gets_a_table_of_contents_with_working_anchors(reader_site):
    page = reader_site.html(PANEL_URL)
    toc = page.select_one("nav.toc")
    top = toc.select(".toc__list > li")
    assert len(top) == 4
    headings = page.select_one(".post__content").find_all(["h2", "h3"])
    links = toc.select("a[href^='#']")
    assert len(links) == len(headings) == 8
    for link, heading in zip(links, headings, strict=True):
        assert link["href"] == "#" + heading["id"]
        assert link.get_text(strip=True) == heading.get_text(strip=True)
        assert len(page.find_all(id=heading["id"])) == 1
    assert top[0].select_one(":scope > ol a").get_text() == "Notes on research the company"


@pytest.mark.parametrize(
    ("url", "has_toc"),
    [(SEED_URL, False), (RESUME_URL, False), (SALARY_URL, True), (PANEL_URL, True)],
)
def test_short_articles_get_no_table_of_contents(reader_site, url, has_toc):
    # The seed has no headings; the résumé post has three but is short; the salary post
    # is short but asks for one with "TOC: yes".
    assert bool(reader_site.html(url).select("nav.toc")) is has_toc


def test_bad_toc_metadata_is_reported_with_the_file(content_copy, tmp_path):
    post = content_copy / "articles" / "toc.md"
    post.write_text(READER_ARTICLES["resume-basics.md"].replace("Summary:", "TOC: maybe\nSummary:"))
    build = run_pelican(content_copy, tmp_path / "out")
    assert build.returncode == 1, build.log
    line = post.read_text().splitlines().index("TOC: maybe") + 1
    problem = "TOC must be yes or no, not 'maybe'; write 'TOC: yes' or 'TOC: no'"
    assert f"{post}:{line}: {problem}" in build.log


# --- Previous/next and related posts ---------------------------------------------------


def test_previous_and_next_follow_the_dates(reader_site):
    posts = archive(reader_site)
    assert len(posts) == 5
    for index, (url, _title) in enumerate(posts):
        nav = reader_site.html(url).select_one("nav.post-nav")
        previous = nav.select_one("a[rel=prev]")
        following = nav.select_one("a[rel=next]")
        if index == 0:
            assert previous is None
        else:
            assert previous.select_one(".post-nav__title").get_text() == posts[index - 1][1]
            assert site_url(previous["href"]) == posts[index - 1][0]
        if index == len(posts) - 1:
            assert following is None
        else:
            assert following.select_one(".post-nav__title").get_text() == posts[index + 1][1]
            assert site_url(following["href"]) == posts[index + 1][0]


def test_related_posts_share_a_tag(reader_site):
    titles = dict(archive(reader_site))
    tags = {
        url: {a.get_text() for a in reader_site.html(url).select(".tag-list a")} for url in titles
    }
    by_title = {title: url for url, title in titles.items()}
    seen = 0
    for url in titles:
        if url == SALARY_URL:
            continue  # picks its related post by hand, below
        for link in reader_site.html(url).select(".related__list a"):
            other = by_title[link.get_text()]
            assert other != url
            assert site_url(link["href"]) == other
            assert tags[url] & tags[other], (url, other)
            seen += 1
    assert seen
    seed_related = [a.get_text() for a in reader_site.html(SEED_URL).select(".related__list a")]
    assert "Thank-You Notes That Work" in seed_related
    assert "Secret Draft" not in seed_related
    chosen = [a.get_text() for a in reader_site.html(SALARY_URL).select(".related__list a")]
    assert chosen == ["Résumé Basics & Pitfalls"]  # "Related_posts: resume-basics-pitfalls"


# --- Share links -----------------------------------------------------------------------


def share_links(page):
    return {a["data-share"]: a for a in page.select(".share-links a")}


@pytest.mark.parametrize("published", [False, True], ids=["make-html", "make-publish"])
def test_share_links_carry_the_absolute_url_and_title(content_copy, tmp_path, published):
    if published:
        build = run_publish(content_copy, tmp_path / "out", env={"SITEURL": "https://blog.test"})
    else:
        build = run_pelican(content_copy, tmp_path / "out")
    assert build.returncode == 0, build.log
    page = build.html(SEED_URL)
    canonical = page.find("link", rel="canonical")["href"]
    assert canonical.startswith(("http://", "https://"))
    title = page.find("h1").get_text(strip=True)
    links = share_links(page)
    assert sorted(links) == ["email", "facebook", "linkedin", "x"]

    def query(name):
        return parse_qs(urlsplit(links[name]["href"]).query)

    assert links["email"]["href"].startswith("mailto:?")
    assert query("email")["subject"] == [title]
    assert query("email")["body"] == [f"{title}\n\n{canonical}"]
    assert links["linkedin"]["href"].startswith("https://www.linkedin.com/sharing/share-offsite/?")
    assert query("linkedin")["url"] == [canonical]
    assert links["x"]["href"].startswith("https://x.com/intent/post?")
    assert query("x") == {"url": [canonical], "text": [title]}
    assert links["facebook"]["href"].startswith("https://www.facebook.com/sharer/sharer.php?")
    assert query("facebook")["u"] == [canonical]
    for name in ("linkedin", "x", "facebook"):
        assert set(links[name]["rel"]) >= {"noopener", "noreferrer"}
    section = page.select_one(".share-links")
    assert not section.find_all(["script", "img", "iframe"])
