"""The theme in real headless Chromium: small screens, dark mode, print."""

from conftest import SEED_URL


def test_article_reads_at_320px_without_horizontal_scroll(page, site_url):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{site_url}/{SEED_URL}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert page.locator("h1").inner_text() == "The Value of Post Interview Follow Up"


def test_dark_scheme_switches_colours(page, site_url):
    page.emulate_media(color_scheme="light")
    page.goto(f"{site_url}/{SEED_URL}")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(255, 255, 255)"
    assert dark != light


def test_print_hides_navigation_and_keeps_the_article(page, site_url):
    page.goto(f"{site_url}/{SEED_URL}")
    assert page.locator(".site-nav").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert page.locator(".post__content blockquote").is_visible()
    assert page.locator(".author-box").is_visible()


def test_feed_url_is_served_as_xml(page, site_url):
    response = page.request.get(f"{site_url}/feed/")
    assert response.ok
    assert response.headers["content-type"].startswith("application/xml")
    assert b"<rss" in response.body()


def test_unknown_url_gets_the_404_page(page, site_url):
    response = page.goto(f"{site_url}/no/such/page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"


SHORT_PAGES = ["", "authors/", "tags/", "checklists/", "search/", "no/such/page/"]
EVERY_TYPE = [*SHORT_PAGES, SEED_URL, "about/", "checklists/the-value-of-post-interview-follow-up/"]


def test_no_page_scrolls_sideways_and_the_footer_ends_the_window(page, site_url):
    """At every width readers use, light and dark: nothing wider than the screen, and on a
    page shorter than the window the footer sits at its bottom, not above a gap."""
    for width, height in ((320, 640), (390, 844), (768, 1024), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            for path in EVERY_TYPE:
                page.goto(f"{site_url}/{path}")
                where = (width, scheme, path)
                assert page.evaluate("document.documentElement.scrollWidth") <= width, where
                assert page.locator(".site-title__logo").is_visible(), where
                if path == SEED_URL:  # pelicanconf.py's call to action for its category
                    box = page.locator(".call-to-action").bounding_box()
                    assert box["x"] >= 0 and box["x"] + box["width"] <= width, where
                if path in SHORT_PAGES:
                    footer = page.locator(".site-footer").bounding_box()
                    assert footer["y"] + footer["height"] >= height - 1, where
