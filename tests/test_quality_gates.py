"""Quality gates over a build of the real site with every page type.

Accessibility (axe-core, WCAG 2.1 A/AA, light and dark), valid HTML (Nu HTML
Checker), no broken links (LinkChecker), and a strict Content-Security-Policy
that the browser never has to enforce.
"""

import pytest

from conftest import ROOT, SEED_URL, IssoSite
from quality_gates import (
    axe_violations,
    broken_links,
    csp_violations,
    missing_same_page_anchors,
    vnu_errors,
)

PAGE_TYPES = {
    "home": "",
    "article": SEED_URL,
    "page": "about/",
    "author": "author/barbara-feldman/",
    "authors": "authors/",
    "category": "category/interview-tips/",
    "tag": "tag/follow-up/",
    "archives": "archives/",
    "search": "search/",
    "checklists": "checklists/",
    "checklist": "checklists/the-value-of-post-interview-follow-up/",
    "404": "404.html",
}


@pytest.fixture(scope="module")
def gate_site(tmp_path_factory):
    """The real site with approved comments, served with production headers beside a real Isso.

    Yields (build, site origin, IssoSite).
    """
    # Both comments come from 127.0.0.1, so the guard must allow replying to oneself.
    isso = IssoSite(
        tmp_path_factory.mktemp("gates"),
        settings=["guard.reply-to-self=true"],
        headers=["LinkChecker: local-crawl"],
    )
    isso.site_settings["SITEURL"] = isso.site_url
    with isso.running():
        thread = "/" + SEED_URL
        status, first = isso.post(thread, "Sending mine *tonight*. Thanks!", author="Jordan")
        assert status == 202, first
        status, reply = isso.post(thread, "Good luck!", author="Barbara", parent=first["id"])
        assert status == 202, reply
        for comment in (first, reply):
            assert isso.moderate(comment["id"], "activate")[0] == 200
        build = isso.rebuild()
        yield build, isso.site_url, isso


def test_every_page_type_was_built(gate_site):
    build, _origin, _isso = gate_site
    missing = [name for name, url in PAGE_TYPES.items() if not build.path(url).is_file()]
    assert not missing


def test_html_is_valid(gate_site):
    build, _origin, _isso = gate_site
    assert vnu_errors(build.output) == []


@pytest.mark.parametrize("page_type", sorted(PAGE_TYPES))
def test_accessibility_in_light_and_dark(page, gate_site, page_type):
    _build, origin, _isso = gate_site
    assert axe_violations(page, f"{origin}/{PAGE_TYPES[page_type]}") == []


def test_no_broken_links(gate_site):
    build, origin, _isso = gate_site
    assert broken_links(f"{origin}/", ROOT / "tests" / "linkchecker.ini") == []
    assert missing_same_page_anchors(build.output) == []


def load_live_comments(page):
    page.locator("#comments").scroll_into_view_if_needed()
    page.locator(".isso-postbox").wait_for()  # Isso's own form: its client ran
    page.locator("#isso-root").get_by_text("Sending mine").wait_for()
    assert page.locator("#isso-thread").get_by_text("Sending mine").count() == 1


def search_for_follow_up(page):
    page.locator("#search-query").fill("follow-up")
    page.locator(".search-result").first.wait_for()


def tick_and_download_reminders(page):
    first_box = page.locator(".checklist__box").first
    first_box.check()
    page.reload()
    assert page.locator(".checklist__box").first.is_checked()
    page.locator("#interview-date").fill("2026-12-01")
    with page.expect_download() as download:
        page.locator("[data-checklist-calendar] button[type=submit]").click()
    assert download.value.suggested_filename.endswith(".ics")


def switch_to_dark(page):
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light


# What each page type is used for, done under the policy: it must still work.
EXERCISES = {
    "article": load_live_comments,
    "search": search_for_follow_up,
    "checklist": tick_and_download_reminders,
}


@pytest.mark.parametrize("page_type", sorted(PAGE_TYPES))
def test_content_security_policy_is_never_violated(page, gate_site, page_type):
    _build, origin, _isso = gate_site
    response = page.request.get(f"{origin}/{PAGE_TYPES[page_type]}")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy

    def exercise(page):
        EXERCISES.get(page_type, lambda page: None)(page)
        switch_to_dark(page)

    assert csp_violations(page, f"{origin}/{PAGE_TYPES[page_type]}", exercise) == []
