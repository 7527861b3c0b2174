"""Each quality gate fails, naming the page and the problem, on a deliberately broken page."""

import pytest

from conftest import ROOT, background_process, free_port
from quality_gates import (
    axe_violations,
    broken_links,
    csp_violations,
    missing_same_page_anchors,
    vnu_errors,
)

BROKEN_PAGE = """<!doctype html>
<html>
<head><meta charset="utf-8"><title>Broken</title><link rel="stylesheet" href="pale.css"></head>
<body>
  <h1>Broken on purpose</h1>
  <p class="pale">Pale text nobody can read.</p>
  <p style="color: red">An inline style.</p>
  <img src="missing.png">
  <a href="does-not-exist/">A dead link</a>
  <a href="#no-such-anchor">A dead anchor</a>
  <a href="index.html#nowhere">A dead anchor on another page</a>
  <script>document.title = "inline script ran";</script>
  <div id="twice"></div><div id="twice"></div>
  <p><span></p>
</body>
</html>
"""


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("broken")
    (root / "index.html").write_text(
        "<!doctype html><title>Home</title><a href='broken.html'>x</a>"
    )
    (root / "broken.html").write_text(BROKEN_PAGE)
    (root / "pale.css").write_text(".pale { color: #eee; background: #fff; }")
    port = free_port()
    command = ["python", "-m", "tools.serve", "--root", str(root), "--port", str(port)]
    command += ["--header", "LinkChecker: local-crawl"]
    with background_process(command, port):
        yield root, f"http://127.0.0.1:{port}"


def test_html_gate_names_file_and_error(broken_site):
    root, _origin = broken_site
    problems = vnu_errors(root)
    assert any(p.startswith("broken.html:") and "Duplicate ID" in p for p in problems), problems
    assert any(p.startswith("broken.html:") and "lang" not in p for p in problems)


def test_accessibility_gate_names_page_and_rule(page, broken_site):
    _root, origin = broken_site
    problems = axe_violations(page, f"{origin}/broken.html")
    rules = {p.split(": ")[1] for p in problems}
    assert {"image-alt", "color-contrast", "html-has-lang"} <= rules, problems
    assert all(p.startswith(f"{origin}/broken.html (") for p in problems)


def test_link_gate_names_page_and_dead_link(broken_site):
    root, origin = broken_site
    problems = broken_links(f"{origin}/", ROOT / "tests" / "linkchecker.ini")
    text = "\n".join(problems)
    assert f"{origin}/broken.html" in text
    assert "does-not-exist/" in text and "404" in text
    assert "missing.png" in text
    assert "Anchor `nowhere' (decoded: `nowhere') not found" in text
    assert missing_same_page_anchors(root) == [
        "broken.html: link to missing anchor #no-such-anchor"
    ]


def test_csp_gate_reports_inline_script_and_style(page, broken_site):
    _root, origin = broken_site
    problems = csp_violations(page, f"{origin}/broken.html")
    assert any("script" in p for p in problems), problems
    assert any("style" in p for p in problems), problems
    assert page.title() == "Broken"  # the inline script was blocked
    assert all(p.startswith(f"{origin}/broken.html: ") for p in problems)
