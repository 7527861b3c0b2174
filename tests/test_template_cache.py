"""Compiled templates are kept between builds, and never outlive an edit."""

import json

from bs4 import BeautifulSoup

from conftest import run_pelican

FOOTER = "theme/templates/partials/site_footer.html"


def footer_text(build):
    soup = BeautifulSoup((build.output / "index.html").read_text(), "html.parser")
    return soup.select_one("footer").get_text(" ", strip=True)


def test_templates_are_compiled_once_and_an_edited_one_again(content_copy, tmp_path):
    overrides = tmp_path / "overrides"
    (overrides / "partials").mkdir(parents=True)
    footer = overrides / "partials" / "site_footer.html"
    footer.write_text('<footer class="site-footer"><p>First footer</p></footer>\n')
    cache = tmp_path / "cache"
    settings = [
        "-e",
        f"CACHE_PATH={json.dumps(str(cache))}",
        f"THEME_TEMPLATES_OVERRIDES={json.dumps([str(overrides)])}",
    ]

    first = run_pelican(content_copy, tmp_path / "first", "pelicanconf.py", *settings)
    assert first.returncode == 0, first.log
    compiled = sorted((cache / "templates").glob("*/*"))
    assert len(compiled) >= 10  # the theme's pages and partials
    assert footer_text(first) == "First footer"

    footer.write_text('<footer class="site-footer"><p>Second footer</p></footer>\n')
    second = run_pelican(content_copy, tmp_path / "second", "pelicanconf.py", *settings)
    assert second.returncode == 0, second.log
    assert footer_text(second) == "Second footer"
    # Everything else on the page is as the cached templates made it the first time.
    first_page = (first.output / "index.html").read_text()
    second_page = (second.output / "index.html").read_text()
    assert second_page == first_page.replace("First footer", "Second footer")


def test_templates_compiled_with_other_options_are_not_reused(content_copy, tmp_path):
    """Autoescape (or any environment option) changes the compiled code: an edit to
    JINJA_ENVIRONMENT never reuses templates compiled under the old options."""
    seed = next((content_copy / "articles").rglob("*.md"))
    seed.write_text(seed.read_text().replace("Title: ", "Title: Fish & <Chips> ", 1))
    cache = tmp_path / "cache"

    def build(name, autoescape):
        environment = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": autoescape}
        options = ["-e", f"JINJA_ENVIRONMENT={json.dumps(environment)}"]
        result = run_pelican(content_copy, tmp_path / name, "pelicanconf.py", *options)
        assert result.returncode == 0, result.log
        return (result.output / "index.html").read_text()

    assert "Fish & <Chips>" in build("raw", False)
    escaped = build("escaped", True)
    assert "Fish &amp; &lt;Chips&gt;" in escaped and "<Chips>" not in escaped
    assert len(list((cache / "templates").iterdir())) == 2
