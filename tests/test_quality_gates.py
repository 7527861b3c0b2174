"""Quality gates over a build of the real site with every page type.

Accessibility (axe-core, WCAG 2.1 A/AA, light and dark), valid HTML (Nu HTML
Checker), no broken links (LinkChecker), and a strict Content-Security-Policy
that the browser never has to enforce.
"""

import pytest

from conftest import ROOT, SEED_URL, background_process, free_port, run_pelican
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
    "404": "404.html",
}


@pytest.fixture(scope="module")
def gate_site(tmp_path_factory):
    """The real site built for, and served with production headers at, one local origin."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    output = tmp_path_factory.mktemp("gates") / "output"
    build = run_pelican(ROOT / "content", output, "pelicanconf.py", "-e", f'SITEURL="{origin}"')
    assert build.returncode == 0, build.log
    command = [
        "python",
        "-m",
        "tools.serve",
        "--root",
        str(output),
        "--port",
        str(port),
        "--header",
        "LinkChecker: local-crawl",
    ]
    with background_process(command, port):
        yield build, origin


def test_every_page_type_was_built(gate_site):
    build, _origin = gate_site
    missing = [name for name, url in PAGE_TYPES.items() if not build.path(url).is_file()]
    assert not missing


def test_html_is_valid(gate_site):
    build, _origin = gate_site
    assert vnu_errors(build.output) == []


@pytest.mark.parametrize("page_type", sorted(PAGE_TYPES))
def test_accessibility_in_light_and_dark(page, gate_site, page_type):
    _build, origin = gate_site
    assert axe_violations(page, f"{origin}/{PAGE_TYPES[page_type]}") == []


def test_no_broken_links(gate_site):
    build, origin = gate_site
    assert broken_links(f"{origin}/", ROOT / "tests" / "linkchecker.ini") == []
    assert missing_same_page_anchors(build.output) == []


@pytest.mark.parametrize("page_type", sorted(PAGE_TYPES))
def test_content_security_policy_is_never_violated(page, gate_site, page_type):
    _build, origin = gate_site
    response = page.request.get(f"{origin}/{PAGE_TYPES[page_type]}")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert csp_violations(page, f"{origin}/{PAGE_TYPES[page_type]}") == []
