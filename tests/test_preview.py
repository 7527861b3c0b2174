"""The development server's rebuild keeps the pages an edit cannot have changed.

Each step edits the site as an author, the moderator or a theme change would, rebuilds
the way `make devserver` does (tools.devserver.PreviewBuilds, in this process), and
compares the result with a clean `make html` of the same sources: every HTML page and
feed must be byte-identical, and so must the sitemap's list of pages. A page the
rebuild kept is recognised by its unchanged file modification time.
"""

import datetime
import json
import re
import shutil
from pathlib import Path

import pytest

from bench import corpus
from conftest import ROOT, run_pelican
from tools.devserver import PreviewBuilds

ARTICLES = 24
HOME = "index.html"


class Preview:
    """A generated site under ``folder`` and the development server's output of it."""

    def __init__(self, folder, articles=ARTICLES):
        self.folder = Path(folder)
        self.content = self.folder / "content"
        description = corpus.generate(self.content, articles)
        self.articles = description["articles"]
        self.checklists = description["checklists"]
        self.comments_db = description["comments_db"]
        self.theme = self.folder / "theme"
        shutil.copytree(ROOT / "theme", self.theme)
        self.output = self.folder / "output"
        self.cache = self.folder / "cache"
        self.clean_builds = 0
        overrides = [f"{key}={json.dumps(value)}" for key, value in self.settings().items()]
        arguments = [str(self.content), "-o", str(self.output), "-s", str(ROOT / "pelicanconf.py")]
        self.builds = PreviewBuilds([*arguments, "--cache-path", str(self.cache), "-e", *overrides])

    def settings(self):
        return {"ISSO_DB_PATH": str(self.comments_db), "THEME": str(self.theme)}

    def rebuild(self):
        """The development server's build; returns the output files it wrote."""
        before = self.stamps()
        self.builds.build()
        after = self.stamps()
        return {name for name, stamp in after.items() if before.get(name) != stamp}

    def stamps(self):
        return {name: (self.output / name).stat().st_mtime_ns for name in compared(self.output)}

    def assert_same_as_clean_build(self):
        self.clean_builds += 1
        clean = self.folder / f"clean-{self.clean_builds}"
        overrides = [f"{key}={json.dumps(value)}" for key, value in self.settings().items()]
        build = run_pelican(self.content, clean / "output", "pelicanconf.py", "-e", *overrides)
        assert build.returncode == 0, build.log
        expected, got = compared(clean / "output"), compared(self.output)
        assert got == expected, sorted(got ^ expected)
        different = [
            name
            for name in sorted(expected)
            if (self.output / name).read_bytes() != (clean / "output" / name).read_bytes()
        ]
        assert not different, different
        # The sitemap lists the pages the rebuild kept too.
        assert sitemap_urls(self.output) == sitemap_urls(clean / "output")


def compared(output):
    """Pages and feeds, by path in ``output``: what a rebuild may keep or must redo.

    Not the sitemap (Pelican's plugin dates the listings with the build's time), nor
    the search bundle and downloads, which are not rendered from templates.
    """
    names = set()
    for path in Path(output).rglob("*"):
        name = path.relative_to(output).as_posix()
        if name.startswith("pagefind/") or name == "sitemap.xml":
            continue
        if path.suffix in {".html", ".xml"}:
            names.add(name)
    return names


def sitemap_urls(output):
    return re.findall(r"<loc>(.*?)</loc>", (output / "sitemap.xml").read_text())


def page_of(article):
    slug = re.search(r"^Slug: (.+)$", article.read_text(), re.MULTILINE).group(1)
    dates = re.search(r"^Date: (\d+)-(\d+)-(\d+)", article.read_text(), re.MULTILINE)
    return "blog/{}/{}/{}/{}/index.html".format(*dates.groups(), slug)


def pages(names):
    return {name for name in names if name.endswith(".html")}


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    site = Preview(tmp_path_factory.mktemp("preview"))
    assert pages(site.rebuild()), "the first build writes every page"
    return site


def test_a_body_edit_renders_only_that_articles_page(preview, capsys):
    article = next(a for a in preview.articles if a not in preview.checklists)
    other = "/" + page_of(preview.articles[-1]).removesuffix("index.html")
    with article.open("a", encoding="utf-8") as handle:
        handle.write(f"\nOne more sentence, [see]({other}) [all](/archives/), added.\n")
    capsys.readouterr()
    written = preview.rebuild()
    assert pages(written) == {page_of(article)}
    # The pages the rebuild kept are pages of the site to the link check too.
    assert "leads to no page" not in capsys.readouterr().err
    # A feed carries the text of its newest 20 posts: the whole site's leaves this, the
    # oldest, out (the smaller feeds that show it are written again).
    assert "feed/index.xml" not in written and "feed/atom/index.xml" not in written
    preview.assert_same_as_clean_build()


def test_a_body_edit_in_a_recent_post_writes_the_feeds_that_show_it(preview):
    article = next(a for a in reversed(preview.articles) if a not in preview.checklists)
    with article.open("a", encoding="utf-8") as handle:
        handle.write("\nOne more sentence, added while previewing.\n")
    written = preview.rebuild()
    assert pages(written) == {page_of(article)}
    assert "feed/index.xml" in written and "feed/atom/index.xml" in written
    preview.assert_same_as_clean_build()


def test_a_body_edit_in_a_checklist_post_renders_its_own_pages_only(preview):
    article = preview.checklists[1]
    with article.open("a", encoding="utf-8") as handle:
        handle.write("\nA closing paragraph after the checklist.\n")
    written = pages(preview.rebuild())
    assert page_of(article) in written
    assert len(written) == 2 and any(name.startswith("checklists/") for name in written)
    preview.assert_same_as_clean_build()


def test_a_checklist_edit_renders_its_checklist_page(preview):
    article = preview.checklists[2]
    text = article.read_text(encoding="utf-8")
    item = re.search(r"^- \[ \] \*\*(.+?)\*\*", text, re.MULTILINE).group(1)
    edit(article, f"**{item}**", f"**{item}, revised**")
    written = pages(preview.rebuild())
    assert page_of(article) in written
    assert any(name.startswith("checklists/") for name in written)
    preview.assert_same_as_clean_build()


def test_an_edit_other_pages_show_renders_them(preview):
    article = preview.articles[5]
    title = re.search(r"^Title: (.+)$", article.read_text(), re.MULTILINE).group(1)
    edit(article, f"Title: {title}", f"Title: {title}, revised")
    written = pages(preview.rebuild())
    assert {page_of(article), HOME} <= written
    preview.assert_same_as_clean_build()


def test_a_body_edit_that_changes_a_made_summary_renders_the_listings(preview):
    article = preview.articles[-1]  # the newest: on the home page
    summary = re.search(r"^Summary: .*\n", article.read_text(), re.MULTILINE).group(0)
    edit(article, summary, "")  # its summary is now made from its body
    preview.rebuild()
    paragraph = article.read_text(encoding="utf-8").split("\n\n")[1]
    edit(article, paragraph, "A new first paragraph, so a new summary. " + paragraph)
    assert {page_of(article), HOME} <= pages(preview.rebuild())
    preview.assert_same_as_clean_build()


def test_an_approved_comment_renders_its_article_and_the_listings(preview):
    from isso import config
    from isso.db import SQLite3

    article = preview.articles[3]
    uri = "/" + page_of(article).removesuffix("index.html")
    database = SQLite3(str(preview.comments_db), config.load(config.default_file()))
    database.threads.new(uri, "A thread")
    comment = {
        "text": "Sent my note the same evening. Got the offer.",
        "author": "Robin",
        "email": None,
        "website": None,
        "mode": 1,  # approved
        "remote_addr": "192.0.2.0",
        "parent": None,
        "notification": 0,
        "created": datetime.datetime(2024, 5, 1, 12, 0).timestamp(),
    }
    database.comments.add(uri, comment)
    written = pages(preview.rebuild())
    assert page_of(article) in written
    assert "Got the offer." in (preview.output / page_of(article)).read_text()
    preview.assert_same_as_clean_build()


def test_an_author_bio_edit_renders_the_pages_that_show_it(preview):
    bio = sorted((preview.content / "authors").glob("*.md"))[0]
    edit(bio, "has placed candidates for years.", "has placed candidates for decades.")
    assert len(pages(preview.rebuild())) > ARTICLES / 2
    preview.assert_same_as_clean_build()


def test_a_template_edit_renders_every_page(preview):
    footer = preview.theme / "templates" / "partials" / "site_footer.html"
    edit(footer, "</footer>", "<p>Printed from the preview.</p></footer>")
    written = preview.rebuild()
    assert pages(written) == pages(compared(preview.output))
    preview.assert_same_as_clean_build()


def test_a_page_removed_from_the_output_is_written_again(preview):
    removed = preview.output / page_of(preview.articles[7])
    removed.unlink()
    article = preview.articles[8]
    with article.open("a", encoding="utf-8") as handle:
        handle.write("\nAnother sentence.\n")
    written = pages(preview.rebuild())
    assert written == {page_of(preview.articles[7]), page_of(article)}
    preview.assert_same_as_clean_build()


def test_after_a_failed_build_the_next_one_trusts_no_page_it_wrote(preview):
    tag_template = preview.theme / "templates" / "tag.html"
    working_template = tag_template.read_text(encoding="utf-8")
    article = preview.articles[9]
    working_article = article.read_text(encoding="utf-8")
    # The article pages are written with the new tag, then the tag pages fail.
    edit(article, "Tags: ", "Tags: a new tag, ")
    tag_template.write_text(working_template + "{% if %}", encoding="utf-8")
    assert preview.builds.build() is False  # stopped by the broken template
    assert "a new tag" in (preview.output / page_of(article)).read_text()
    sitemap = (preview.output / "sitemap.xml").stat().st_mtime_ns
    # Back to the sources of the last good build, whose pages the failed one overwrote.
    article.write_text(working_article, encoding="utf-8")
    tag_template.write_text(working_template, encoding="utf-8")
    assert len(pages(preview.rebuild())) > ARTICLES
    preview.assert_same_as_clean_build()
    # The sitemap is still written by the builds that follow a stopped one.
    assert (preview.output / "sitemap.xml").stat().st_mtime_ns != sitemap


def test_the_devserver_does_not_grow_with_each_rebuild(tmp_path):
    site = Preview(tmp_path, articles=150)
    site.rebuild()

    def resident_mib():
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024

    sizes = []
    for number in range(10):  # a title edit: every page is rendered again
        edit(site.articles[-1], "Title: ", f"Title: {number} ")
        site.rebuild()
        sizes.append(resident_mib())
    # Keeping every build's posts grew this process by about 4 MiB a rebuild.
    assert sizes[-1] - sizes[2] < 8, sizes


def test_an_unreadable_record_renders_every_page(preview):
    record = preview.cache / "staffblog" / "preview" / "faces.json"
    assert record.exists()
    record.write_text('{"articles/a.md": ')  # cut short, as by a full disk
    article = preview.articles[10]
    with article.open("a", encoding="utf-8") as handle:
        handle.write("\nYet another sentence.\n")
    assert pages(preview.rebuild()) == pages(compared(preview.output))
    preview.assert_same_as_clean_build()
