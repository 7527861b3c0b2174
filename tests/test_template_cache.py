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
    compiled = sorted((cache / "templates").iterdir())
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


def test_the_cache_can_be_turned_off(content_copy, tmp_path):
    cache = tmp_path / "cache"
    build = run_pelican(
        content_copy,
        tmp_path / "out",
        "pelicanconf.py",
        "-e",
        f"CACHE_PATH={json.dumps(str(cache))}",
        'STAFFBLOG_TEMPLATE_CACHE_PATH=""',
    )
    assert build.returncode == 0, build.log
    assert not (cache / "templates").exists()


def test_a_cached_fragment_is_rendered_once_per_key_and_place(staffblog):
    from jinja2 import DictLoader, Environment

    loader = DictLoader(
        {
            "card.html": (
                "{% for item in items %}"
                "{% cache item.name, SITEURL %}<a href='{{ SITEURL }}/{{ item.name }}'>"
                "{{ count(item) }}</a>{% endcache %}"
                "{% cache item.name %}<b>{{ count(item) }}</b>{% endcache %}"
                "{% endfor %}"
            )
        }
    )
    environment = Environment(loader=loader)
    environment.add_extension(staffblog.template_cache.FragmentCache)
    rendered = []

    def count(item):
        rendered.append(item["name"])
        return len(rendered)

    template = environment.get_template("card.html")
    items = [{"name": "a"}, {"name": "b"}, {"name": "a"}]
    first = template.render(items=items, SITEURL="/one", count=count)
    # Each place renders "a" once and repeats it; the two places never share.
    assert first == (
        "<a href='/one/a'>1</a><b>2</b><a href='/one/b'>3</a><b>4</b><a href='/one/a'>1</a><b>2</b>"
    )
    second = template.render(items=items[:1], SITEURL="/two", count=count)
    assert second == "<a href='/two/a'>5</a><b>2</b>"  # SITEURL is part of the first key
