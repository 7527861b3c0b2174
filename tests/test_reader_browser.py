"""Reader features in real headless Chromium against the built site on 127.0.0.1."""

from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import READER_CHECKLIST_URL, SEED_URL

SEED_TITLE = "The Value of Post Interview Follow Up"
PANEL_URL = "blog/2014/02/10/preparing-for-a-panel-interview/"
# The policy the site will be served with later, plus what Pagefind's WebAssembly needs.
CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; base-uri 'self'"


def result_paths(page):
    """Site paths of the listed search results, once the list has appeared."""
    page.locator(".search-result").first.wait_for()
    hrefs = page.locator(".search-result__title a").evaluate_all("links => links.map(a => a.href)")
    return [urlsplit(href).path for href in hrefs]


def on_search_page(query):
    """A wait_for_url predicate: the search page showing ``query``."""

    def matches(url):
        parts = urlsplit(url)
        return parts.path.endswith("/search/") and parse_qs(parts.query).get("q") == [query]

    return matches


def checklist_paths(output):
    return sorted(
        "/" + str(path.parent.relative_to(output)) + "/"
        for path in output.glob("checklists/*/index.html")
    )


def test_typing_in_the_header_box_lists_the_seed_post_and_its_checklist(page, site, site_url):
    page.goto(f"{site_url}/{SEED_URL}")
    page.get_by_role("searchbox", name="Search the blog").fill("follow-up")
    page.keyboard.press("Enter")
    page.wait_for_url(on_search_page("follow-up"))
    paths = result_paths(page)
    assert f"/{SEED_URL}" in paths
    checklists = checklist_paths(site.output)
    assert checklists == ["/checklists/the-value-of-post-interview-follow-up/"]
    for checklist in checklists:
        assert checklist in paths
    assert "follow-up" in page.locator("#search-status").inner_text()
    page.locator(".search-result__title a", has_text=SEED_TITLE).click()
    page.wait_for_url(f"**/{SEED_URL}")
    assert page.locator("h1").inner_text() == SEED_TITLE


def test_search_finds_checklist_pages_as_you_type(page, reader_site_url):
    page.goto(f"{reader_site_url}/search/")
    page.get_by_label("Search posts, pages and checklists").press_sequentially("follow-up")
    page.wait_for_url(on_search_page("follow-up"))
    paths = result_paths(page)
    assert f"/{SEED_URL}" in paths
    assert f"/{READER_CHECKLIST_URL}" in paths
    highlighted = page.locator(".search-result mark").all_inner_texts()
    assert highlighted and all("follow" in text.lower() for text in highlighted)
    # Results are built from what the page shows on screen: not the print-only header
    # (site name and the article's address) of a checklist page.
    excerpts = " ".join(page.locator(".search-result").all_inner_texts())
    assert "127.0.0.1" not in excerpts and "http" not in excerpts


def test_a_checklist_is_found_by_the_words_of_its_steps(page, site, site_url):
    # "selects" is only in the second step's text: not in the checklist's title, its
    # reminders or its header. Pagefind leaves out what is in a <form> or <label>.
    checklist = site.html("checklists/the-value-of-post-interview-follow-up/")
    steps = " ".join(label.get_text() for label in checklist.select(".checklist__label"))
    assert "selects" in steps
    assert "selects" not in checklist.select_one(".checklist-calendar").get_text()
    page.goto(f"{site_url}/search/?q=selects")
    paths = result_paths(page)
    assert "/checklists/the-value-of-post-interview-follow-up/" in paths
    excerpt = page.locator(".search-result", has_text="Post-interview follow-up checklist")
    assert any("selects" in mark for mark in excerpt.locator("mark").all_inner_texts())


@pytest.mark.parametrize("word", ["Zebraunicorn", "Subscribe", "RSS"])
def test_drafts_and_listings_are_not_found(page, reader_site_url, word):
    # The draft's only word; a word only listings have ("Subscribe to <topic>"); one only
    # the footer on every page has.
    page.goto(f"{reader_site_url}/search/?q={word}")
    status = page.locator("#search-status")
    status.filter(has_text="No results").wait_for()
    assert page.locator(".search-result").count() == 0


def test_search_scripts_load_only_when_search_is_used(page, site_url):
    loaded = []
    page.on("request", lambda request: loaded.append(urlsplit(request.url).path))
    page.goto(f"{site_url}/{SEED_URL}")
    page.wait_for_load_state("networkidle")
    search_files = [p for p in loaded if "pagefind" in p or p.endswith(("search.js", ".wasm"))]
    assert not search_files
    # The only script an article loads up front is the comment section's small module.
    scripts = [path for path in loaded if path.endswith(".js")]
    assert scripts == ["/theme/js/comments.js"]

    loaded.clear()
    page.goto(f"{site_url}/search/")
    page.wait_for_load_state("networkidle")
    assert any(path.endswith("/search.js") for path in loaded)
    assert not [path for path in loaded if "/pagefind/" in path]

    page.get_by_label("Search posts, pages and checklists").fill("interview")
    result_paths(page)
    assert "/pagefind/pagefind.js" in loaded


def test_search_works_under_the_planned_content_security_policy(page, site_url):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    foreign = []

    def with_csp(route):
        if not route.request.url.startswith(site_url):
            foreign.append(route.request.url)
            route.abort()
            return
        response = route.fetch()
        route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": CSP}
        )

    page.context.route("**/*", with_csp)
    try:
        page.goto(f"{site_url}/search/?q=follow-up")
        assert f"/{SEED_URL}" in result_paths(page)
    finally:
        page.context.unroute_all(behavior="wait")
    assert violations == []
    assert foreign == []


def test_without_wasm_unsafe_eval_search_says_it_is_unavailable(page, site_url):
    def strict(route):
        response = route.fetch()
        policy = "default-src 'self'"
        route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": policy}
        )

    page.context.route(f"{site_url}/**", strict)
    try:
        page.goto(f"{site_url}/search/?q=follow-up")
        page.locator("#search-status").filter(has_text="Search is unavailable").wait_for()
        assert page.locator(".search-result").count() == 0
    finally:
        page.context.unroute_all(behavior="wait")


def test_without_javascript_the_header_box_opens_the_search_page_with_links(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/{SEED_URL}")
        page.get_by_role("searchbox", name="Search the blog").fill("résumé")
        page.keyboard.press("Enter")
        page.wait_for_url(on_search_page("résumé"))
        message = page.locator("main noscript p")  # Playwright's text engine skips <noscript>
        assert message.is_visible()
        assert message.inner_text().startswith("Search needs JavaScript.")
        message.locator("a", has_text="archives").click()
        page.wait_for_url("**/archives/")
        assert SEED_TITLE in page.locator("main").inner_text()
    finally:
        context.close()


def test_previous_next_and_related_links_lead_to_existing_pages(page, reader_site_url):
    # Walk from the newest post back to the oldest with "Previous post", then forward.
    page.goto(f"{reader_site_url}/")
    page.locator(".card__title a").first.click()
    visited = [page.locator("h1").inner_text()]
    related = set()
    for direction in ("Previous post", "Next post"):
        while True:
            for link in page.locator(".related__list a").all():
                related.add((link.inner_text(), link.evaluate("a => a.href")))
            target = page.locator(".post-nav a", has_text=direction)
            if not target.count():
                break
            title = target.locator(".post-nav__title").inner_text()
            response_url = target.evaluate("a => a.href")
            target.click()
            page.wait_for_url(response_url)
            assert page.locator("h1").inner_text() == title
            visited.append(title)
    archive_titles = page.locator(".site-nav").get_by_role("link", name="Archives")
    archive_titles.click()
    titles = page.locator(".archive-list a:not(.comment-count)").all_inner_texts()
    assert sorted(set(visited)) == sorted(titles)
    assert len(visited) == 2 * len(titles) - 1
    assert related
    for title, href in related:
        response = page.goto(href)
        assert response.status == 200
        assert page.locator("h1").inner_text() == title


def test_share_links_carry_the_article_url_and_title(page, reader_site_url):
    page.goto(f"{reader_site_url}/{PANEL_URL}")
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert canonical.endswith(f"/{PANEL_URL}")
    title = page.locator("h1").inner_text()
    hrefs = {
        link.inner_text().split("\n")[0].replace(" (opens in a new tab)", ""): link.get_attribute(
            "href"
        )
        for link in page.locator(".share-links a").all()
    }
    assert sorted(hrefs) == ["E-mail", "Facebook", "LinkedIn", "X"]
    queries = {name: parse_qs(urlsplit(href).query) for name, href in hrefs.items()}
    assert queries["E-mail"]["body"] == [f"{title}\n\n{canonical}"]
    assert queries["E-mail"]["subject"] == [title]
    assert queries["LinkedIn"]["url"] == [canonical]
    assert queries["X"] == {"url": [canonical], "text": [title]}
    assert queries["Facebook"]["u"] == [canonical]


def test_table_of_contents_links_jump_to_their_headings(page, reader_site_url):
    page.set_viewport_size({"width": 800, "height": 600})
    page.goto(f"{reader_site_url}/{PANEL_URL}")
    link = page.locator("nav.toc a", has_text="Step 3: Plan the day")
    link.click()
    heading = page.locator(".post__content h2", has_text="Step 3: Plan the day")
    heading_id = heading.get_attribute("id")
    assert page.evaluate("location.hash") == f"#{heading_id}"
    top = heading.evaluate("h => h.getBoundingClientRect().top")
    assert 0 <= top < 100
