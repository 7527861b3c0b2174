"""Addresses and metadata: clashes and unsafe addresses reported, cached builds alike.

Every kind of mistake, built together, is in test_build_report.py."""

import pytest

from conftest import SEED_URL, run_pelican, run_publish

GOOD_HEAD = "Title: A Good Post\nDate: 2015-05-05\nAuthor: Barbara Feldman\nCategory: Tips\n"


def test_two_articles_with_the_same_url(content_copy, tmp_path):
    (content_copy / "articles" / "a.md").write_text(GOOD_HEAD + "Slug: same\n\nFirst.\n")
    (content_copy / "articles" / "b.md").write_text(GOOD_HEAD + "Slug: same\n\nSecond.\n")
    build = run_pelican(content_copy, tmp_path / "out")
    assert build.returncode == 1, build.log
    line = (
        f"{content_copy / 'articles' / 'b.md'}:5: its address /blog/2015/05/05/same/ is "
        f"already used by {content_copy / 'articles' / 'a.md'}"
    )
    assert line in build.log
    assert "First." in build.path("blog/2015/05/05/same/").read_text()

    published = run_publish(content_copy, tmp_path / "output")
    assert published.returncode != 0
    assert line in published.log


def test_publish_uses_absolute_urls(content_copy, tmp_path):
    build = run_publish(content_copy, tmp_path / "output", env={"SITEURL": "https://blog.test"})
    assert build.returncode == 0, build.log
    page = build.html(SEED_URL)
    assert page.find("link", rel="canonical")["href"] == f"https://blog.test/{SEED_URL}"
    assert page.select_one(".site-title")["href"] == "https://blog.test/"


def test_a_cached_build_gives_the_same_site_and_the_same_errors(content_copy, tmp_path):
    """The content cache keeps good files as read; a broken one is reported every time."""
    for number in range(12):
        (content_copy / "articles" / f"extra-{number}.md").write_text(
            GOOD_HEAD.replace("A Good Post", f"Extra {number}").replace(
                "2015-05-05", f"2015-05-{number + 1:02d}"
            )
            + f"Slug: extra-{number}\n\nSome *Markdown* text, number {number}.\n\n"
            "> A quote.\n\n- one\n- two\n"
        )
    broken = content_copy / "articles" / "extra-7.md"
    broken.write_text(broken.read_text().replace("Date: 2015-05-08", "Date: 2015-13-45"))
    cold = run_pelican(content_copy, tmp_path / "output")
    cold_pages = {p: p.read_bytes() for p in cold.output.glob("blog/**/*.html")}
    cached = run_pelican(content_copy, tmp_path / "output")
    for build in (cold, cached):
        assert build.returncode == 1, build.log
        assert f"{broken}:2: Date '2015-13-45' is not a real date" in build.log
    assert len(cold_pages) > 12
    assert {p: p.read_bytes() for p in cached.output.glob("blog/**/*.html")} == cold_pages


@pytest.mark.parametrize(
    "field", ["Slug: javascript:alert(1)", 'Slug: x"onmouseover="alert(1)"y', "URL: ../../x/"]
)
def test_an_address_that_is_not_a_plain_path_is_an_error_naming_the_file(
    content_copy, tmp_path, field
):
    broken = content_copy / "articles" / "unsafe.md"
    broken.write_text(GOOD_HEAD.replace("A Good Post", "Unsafe Address") + field + "\n\nBody.\n")
    build = run_pelican(content_copy, tmp_path / "out")
    assert build.returncode == 1
    assert f"{broken}:5: {field.split(':')[0]} " in build.log
    assert "is not a plain address" in build.log
    assert build.path(SEED_URL).is_file()
    written = "\n".join(p.read_text() for p in build.output.rglob("*.html"))
    assert "Unsafe Address" not in written
    published = run_publish(content_copy, tmp_path / "public")
    assert published.returncode != 0
