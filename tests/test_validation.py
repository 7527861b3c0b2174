"""Bad article metadata: `make html` warns, `make publish` fails and keeps the old site."""

import pytest

from conftest import SEED_URL, run_pelican, run_publish, snapshot

GOOD_HEAD = "Title: A Good Post\nDate: 2015-05-05\nAuthor: Barbara Feldman\nCategory: Tips\n"

BROKEN_ARTICLES = {
    "missing title": (
        "Date: 2015-05-05\nAuthor: Barbara Feldman\n\nBody.\n",
        "could not find information about 'title'",
    ),
    "missing date": (
        "Title: No Date\nAuthor: Barbara Feldman\n\nBody.\n",
        "could not find information about 'date'",
    ),
    "invalid date": (
        "Title: Bad Date\nDate: 2015-13-45\nAuthor: Barbara Feldman\n\nBody.\n",
        "cannot read metadata 'date'",
    ),
    "unknown author": (
        "Title: Stranger\nDate: 2015-05-05\nAuthor: Jane Unknown\n\nBody.\n",
        "author 'Jane Unknown' has no bio",
    ),
    "unparseable metadata": (
        "Title: Bad Modified\nDate: 2015-05-05\nModified: last tuesday-ish\n"
        "Author: Barbara Feldman\n\nBody.\n",
        "cannot read metadata 'modified'",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_ARTICLES))
def test_make_html_warns_naming_file_and_problem(content_copy, tmp_path, case):
    text, problem = BROKEN_ARTICLES[case]
    broken = content_copy / "articles" / "broken.md"
    broken.write_text(text)
    build = run_pelican(content_copy, tmp_path / "out")
    assert build.returncode == 0, build.log
    assert problem in build.log
    assert str(broken) in build.log
    assert build.path(SEED_URL).is_file()


@pytest.mark.parametrize("case", sorted(BROKEN_ARTICLES))
def test_publish_fails_and_keeps_previous_site(content_copy, tmp_path, case):
    output = tmp_path / "output"
    first = run_publish(content_copy, output)
    assert first.returncode == 0, first.log
    before = snapshot(output)

    text, problem = BROKEN_ARTICLES[case]
    broken = content_copy / "articles" / "broken.md"
    broken.write_text(text)
    second = run_publish(content_copy, output)

    assert second.returncode != 0
    assert problem in second.log
    assert str(broken) in second.log
    after = snapshot(output)
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".output-")]


def test_two_articles_with_the_same_url(content_copy, tmp_path):
    (content_copy / "articles" / "a.md").write_text(GOOD_HEAD + "Slug: same\n\nFirst.\n")
    (content_copy / "articles" / "b.md").write_text(GOOD_HEAD + "Slug: same\n\nSecond.\n")
    build = run_pelican(content_copy, tmp_path / "out")
    assert build.returncode == 0, build.log
    assert "same URL '/blog/2015/05/05/same/'" in build.log
    assert str(content_copy / "articles" / "b.md") in build.log
    assert str(content_copy / "articles" / "a.md") in build.log

    published = run_publish(content_copy, tmp_path / "output")
    assert published.returncode != 0
    assert "same URL '/blog/2015/05/05/same/'" in published.log


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
        assert build.returncode == 0, build.log
        assert f"{broken}: cannot read metadata 'date'" in build.log
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
    assert f"{broken}: {field.split(':')[0]} " in build.log
    assert "is not a plain address" in build.log
    assert build.path(SEED_URL).is_file()
    written = "\n".join(p.read_text() for p in build.output.rglob("*.html"))
    assert "Unsafe Address" not in written
    published = run_publish(content_copy, tmp_path / "public")
    assert published.returncode != 0
