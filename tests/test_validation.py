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


def test_parallel_reading_gives_the_same_site_and_the_same_errors(content_copy, tmp_path):
    for number in range(12):
        (content_copy / "articles" / f"extra-{number}.md").write_text(
            # Distinct dates: Pelican orders same-date posts by an unordered file set.
            GOOD_HEAD.replace("A Good Post", f"Extra Post {number}").replace(
                "2015-05-05", f"2015-05-{number + 1:02d}"
            )
            + f"Slug: extra-{number}\n\nSome *Markdown* text, number {number}.\n\n"
            "> A quote.\n\n- one\n- two\n"
        )
    broken = content_copy / "articles" / "extra-7.md"
    broken.write_text(broken.read_text().replace("Date: 2015-05-08", "Date: 2015-13-45"))
    serial = run_pelican(
        content_copy,
        tmp_path / "serial",
        "pelicanconf.py",
        "-e",
        "STAFFBLOG_PARALLEL_READ_MIN_FILES=100000",
    )
    parallel = run_pelican(
        content_copy,
        tmp_path / "parallel",
        "pelicanconf.py",
        "-e",
        "STAFFBLOG_PARALLEL_READ_MIN_FILES=2",
    )
    for build in (serial, parallel):
        assert build.returncode == 0, build.log
        assert f"{broken}: cannot read metadata 'date'" in build.log
    pages = sorted(p.relative_to(serial.output) for p in serial.output.glob("blog/**/*.html"))
    assert len(pages) > 12
    for page in pages:
        assert (parallel.output / page).read_text() == (serial.output / page).read_text(), page


# Converts the seed post with the build's Markdown settings, through the plugin's
# converter and through Markdown's own name lookup; prints whether the installed
# packages' entry points had been read after each, and whether the HTML is the same.
CONVERTER_SCRIPT = """
import json, sys
sys.path.insert(0, "plugins")
from markdown import Markdown, util
from pelican import Pelican, signals
from pelican.readers import Readers
from pelican.settings import read_settings

settings = read_settings("pelicanconf.py")
signals.initialized.send(Pelican(settings))  # the plugin adds its extensions
Readers(settings)  # Pelican's reader completes the extension list
from staffblog import markdown_reader

text = open(sys.argv[1], encoding="utf-8").read()
ours = markdown_reader.new_converter(settings["MARKDOWN"]).convert(text)
read_then = util.get_installed_extensions.cache_info().currsize
theirs = Markdown(**settings["MARKDOWN"]).convert(text)
print(json.dumps([read_then, ours == theirs, util.get_installed_extensions.cache_info().currsize]))
"""


def test_converters_import_their_extensions_without_reading_every_entry_point():
    """Markdown's lookup reads every installed package's entry points (60 ms, in the
    build and in the reading worker) before importing a module path: the plugin
    imports it directly, and converts the same."""
    import json
    import subprocess
    import sys

    from conftest import ROOT, child_env

    seed = ROOT / "content" / "articles" / "2013" / "the-value-of-post-interview-follow-up.md"
    result = subprocess.run(
        [sys.executable, "-c", CONVERTER_SCRIPT, str(seed)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=child_env(),
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    read_after_ours, same_html, read_after_markdowns = json.loads(result.stdout.splitlines()[-1])
    assert read_after_ours == 0
    assert same_html
    assert read_after_markdowns == 1
