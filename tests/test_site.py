"""The seed post, author bios and theme, read back as a reader's tools would."""

import re
import xml.etree.ElementTree as ET

import feedparser

from conftest import SEED_URL, run_pelican

SEED_TITLE = "The Value of Post Interview Follow Up"


def test_seed_post_keeps_its_wordpress_url(site):
    assert site.path(SEED_URL).is_file()
    assert site.html(SEED_URL).find("h1").get_text(strip=True) == SEED_TITLE


def test_seed_post_is_faithful_to_the_original(site):
    body = site.html(SEED_URL).select_one(".post__content")
    paragraphs = [p.get_text() for p in body.find_all("p", recursive=False)]
    assert paragraphs[0].startswith("2013 is trending to be another year with job growth")
    assert paragraphs[-1].startswith("Do you think writing a follow-up note helps")
    assert any("the ‘best’ candidate" in p for p in paragraphs)
    quote = body.find("blockquote").get_text(" ", strip=True)
    assert quote.startswith("One manager told me, “If a candidate does not take the time")
    # The hints are the checklist's items; their bold lead phrases run into the text.
    hints = [" ".join(li.get_text().split()) for li in body.find("ul").find_all("li")]
    assert len(hints) == 5
    assert hints[0].startswith("The sooner, the better—send the follow-up note within 24 hours")
    assert hints[4].endswith("follow up every few weeks, if you have not heard anything")
    text = body.get_text()
    assert "About Barbara Feldman" not in text
    assert "Leave a Reply" not in text


def test_article_ends_with_author_box(site):
    box = site.html(SEED_URL).select_one(".post__footer .author-box")
    assert box.find("h2").get_text(" ", strip=True) == "About Barbara Feldman"
    # The bio's first sentence, not the whole bio (that is on the author page).
    bio = box.select_one(".author-box__bio").get_text(" ", strip=True)
    assert bio.startswith("Barbara primarily works with New England based companies")
    assert "Information Technology. More about" in bio and "hiring managers" not in bio
    more = box.select_one(".author-box__more")
    assert more.get_text(strip=True) == "More about Barbara Feldman"
    assert more["href"].endswith("author/barbara-feldman/")
    assert box.select_one(".avatar--initials").get_text(strip=True) == "BF"
    assert box.find("a")["href"].endswith("author/barbara-feldman/")


def test_author_page_shows_bio_and_posts(site):
    page = site.html("author/barbara-feldman/")
    assert page.find("h1").get_text(strip=True) == "Barbara Feldman"
    assert "Staffing Consultant" in page.select_one(".p-job-title").get_text()
    assert "Fidelity Investments" in page.select_one(".author-profile__bio").get_text()
    titles = [a.get_text(strip=True) for a in page.select(".card__title a")]
    assert titles == [SEED_TITLE]


def test_authors_page_lists_the_team(site):
    names = [a.get_text(strip=True) for a in site.html("authors/").select(".team-list__name a")]
    assert names == ["Barbara Feldman"]


def test_taxonomy_pages_use_wordpress_urls(site):
    assert SEED_TITLE in site.html("category/interview-tips/").get_text()
    assert SEED_TITLE in site.html("tag/follow-up/").get_text()
    assert SEED_TITLE in site.html("archives/").get_text()
    assert SEED_TITLE in site.html("blog/2013/01/").get_text()
    assert site.html("about/").find("h1").get_text(strip=True) == "About"
    assert "moderated" in site.html("comment-policy/").get_text()


def test_every_internal_link_ends_in_a_slash_or_a_file(site):
    for html_file in site.output.rglob("*.html"):
        for link in site.html(str(html_file.relative_to(site.output))).find_all("a", href=True):
            href = link["href"]
            if href.startswith(("http", "mailto:", "#")):
                continue
            path = href.split("#")[0]
            assert path.endswith("/") or re.search(r"\.\w+$", path), (html_file, href)


def test_feeds_list_the_post(site):
    feeds = {
        "feed/index.xml": "rss20",
        "feed/atom/index.xml": "atom10",
        "category/interview-tips/feed/index.xml": "rss20",
        "category/interview-tips/feed/atom/index.xml": "atom10",
        "author/barbara-feldman/feed/index.xml": "rss20",
        "author/barbara-feldman/feed/atom/index.xml": "atom10",
    }
    for path, version in feeds.items():
        parsed = feedparser.parse((site.output / path).read_text(encoding="utf-8"))
        assert not parsed.bozo, (path, parsed.bozo_exception)
        assert parsed.version == version, path
        entry = parsed.entries[0]
        assert entry.title == SEED_TITLE
        assert entry.link.endswith("/" + SEED_URL)


def test_sitemap_lists_every_article_and_page(site):
    root = ET.parse(site.output / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {loc.text for loc in root.findall("s:url/s:loc", ns)}
    for path in (SEED_URL, "about/", "comment-policy/", "author/barbara-feldman/", ""):
        assert f"http://127.0.0.1:8000/{path}" in locs
    assert not any(loc.endswith(("404.html", "robots.txt")) for loc in locs)


def test_robots_points_at_the_sitemap(site):
    robots = (site.output / "robots.txt").read_text()
    assert "User-agent: *" in robots
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots


def test_json_ld_names_the_author(site):
    data = site.json_ld(SEED_URL)
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == SEED_TITLE
    assert data["datePublished"].startswith("2013-01-31")
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Barbara Feldman",
            "jobTitle": "Staffing Consultant, New England",
            "url": "http://127.0.0.1:8000/author/barbara-feldman/",
        }
    ]


def test_search_and_social_metadata(site):
    page = site.html(SEED_URL)
    canonical = "http://127.0.0.1:8000/" + SEED_URL
    assert page.find("link", rel="canonical")["href"] == canonical
    assert page.find("meta", property="og:url")["content"] == canonical
    assert page.find("meta", property="og:type")["content"] == "article"
    assert page.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    description = page.find("meta", attrs={"name": "description"})["content"]
    assert description.startswith("Preparing for the interview is only half the job.")


def test_pages_make_no_request_to_other_hosts_and_have_no_inline_script(site):
    for html_file in site.output.rglob("*.html"):
        page = site.html(str(html_file.relative_to(site.output)))
        for tag in page.find_all(["script", "link", "img", "iframe", "source"]):
            if (
                tag.name == "link"
                and tag.get("rel")
                and tag["rel"][0] in ("canonical", "alternate")
            ):
                continue
            url = tag.get("src") or tag.get("href") or ""
            assert not url.startswith(("http:", "https:", "//")), (html_file, url)
            if tag.name == "script":
                assert tag.get("src") or tag.get("type") == "application/ld+json", html_file
        assert not page.find(attrs={"style": True}), html_file


def test_pygments_css_covers_both_colour_schemes(site):
    css = (site.output / "theme/css/pygments.css").read_text()
    assert ".highlight" in css
    assert "@media (prefers-color-scheme: dark)" in css


def test_code_colours_load_only_where_code_is_shown(site, content_copy, tmp_path):
    """pygments.css blocks rendering: only a post or page with highlighted code links it."""
    (content_copy / "articles" / "code.md").write_text(
        "Title: A formula for follow-up dates\nDate: 2013-03-01 09:00\n"
        "Author: Barbara Feldman\nCategory: Interview Tips\nSummary: A date, computed.\n\n"
        "Count the days:\n\n```python\nfollow_up = interview + timedelta(days=1)\n```\n",
        encoding="utf-8",
    )
    build = run_pelican(content_copy, tmp_path / "output")
    assert build.returncode == 0, build.log

    def stylesheets(page):
        return [link["href"] for link in page.find_all("link", rel="stylesheet")]

    with_code = build.html("blog/2013/03/01/a-formula-for-follow-up-dates/")
    assert with_code.select_one(".highlight")
    assert any(href.endswith("theme/css/pygments.css") for href in stylesheets(with_code))
    for url in (SEED_URL, "", "about/", "archives/"):
        assert not any("pygments" in href for href in stylesheets(site.html(url))), url


def test_stylesheet_has_dark_scheme_and_print_rules(site):
    css = (site.output / "theme/css/site.css").read_text()
    assert "@media (prefers-color-scheme: dark)" in css
    print_rules = css.split("@media print", 1)[1]
    assert ".site-header" in print_rules and "display: none" in print_rules


def test_main_navigation_marks_the_current_section(site):
    for url, label in (
        ("", "Blog"),
        ("categories/", "Topics"),
        ("authors/", "Team"),
        ("archives/", "Archives"),
        ("about/", "About"),
    ):
        current = site.html(url).select(".site-nav a[aria-current=page]")
        assert [a.get_text(strip=True) for a in current] == [label], url
    assert not site.html(SEED_URL).select(".site-nav a[aria-current=page]")
