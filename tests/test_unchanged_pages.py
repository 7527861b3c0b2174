"""The development server's rebuild keeps the pages an edit cannot have changed.

Each step edits the site as an author, the moderator or a theme change would, rebuilds
the way `make devserver` does (in this process, with the content cache), and compares
the result with a clean `make html` of the same sources: every HTML page and feed must
be byte-identical. A page the rebuild kept is recognised by its unchanged file
modification time.
"""

import datetime
import json
import re
import shutil
import threading
from pathlib import Path

import jinja2
import pytest

from bench import corpus
from conftest import ROOT, run_pelican
from tools.devserver import cached_build

ARTICLES = 24
HOME = "index.html"


class Preview:
    """A generated site under ``folder`` and the development server's output of it."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.content = self.folder / "content"
        description = corpus.generate(self.content, ARTICLES)
        self.articles = description["articles"]
        self.checklists = description["checklists"]
        self.comments_db = description["comments_db"]
        self.theme = self.folder / "theme"
        shutil.copytree(ROOT / "theme", self.theme)
        self.output = self.folder / "output"
        self.cache = self.folder / "cache"
        self.clean_builds = 0

    def settings(self):
        return {"ISSO_DB_PATH": str(self.comments_db), "THEME": str(self.theme)}

    def rebuild(self):
        """The development server's build; returns the output files it wrote."""
        before = self.stamps()
        threads = set(threading.enumerate())
        overrides = {"PATH": str(self.content), "OUTPUT_PATH": str(self.output)}
        try:
            cached_build(
                str(ROOT / "pelicanconf.py"),
                {**overrides, **self.settings(), "CACHE_PATH": str(self.cache)},
            )
        finally:
            for thread in set(threading.enumerate()) - threads:
                thread.join()  # the search index, written after the build in background
        after = self.stamps()
        return {name for name, stamp in after.items() if before.get(name) != stamp}

    def stamps(self):
        return {name: (self.output / name).stat().st_mtime_ns for name in compared(self.output)}

    def assert_same_as_clean_build(self):
        self.clean_builds += 1
        clean = self.folder / f"clean-{self.clean_builds}"
        settings = {**self.settings(), "CACHE_PATH": str(clean / "cache")}
        overrides = [f"{key}={json.dumps(value)}" for key, value in settings.items()]
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


def test_a_body_edit_renders_only_that_articles_page(preview):
    article = next(a for a in preview.articles if a not in preview.checklists)
    with article.open("a", encoding="utf-8") as handle:
        handle.write("\nOne more sentence, added while previewing.\n")
    written = preview.rebuild()
    assert pages(written) == {page_of(article)}
    assert "feed/index.xml" in written  # feeds carry the bodies
    preview.assert_same_as_clean_build()


def test_a_body_edit_after_a_checklist_keeps_the_checklist_page(preview):
    article = preview.checklists[1]
    with article.open("a", encoding="utf-8") as handle:
        handle.write("\nA closing paragraph after the checklist.\n")
    assert pages(preview.rebuild()) == {page_of(article)}
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


def test_a_page_removed_or_changed_in_the_output_is_written_again(preview):
    removed = preview.output / page_of(preview.articles[7])
    removed.unlink()
    tampered = preview.output / HOME
    tampered.write_text("stale")
    written = pages(preview.rebuild())
    # The home page is written again with the listing's other pages (one template call).
    listing = {HOME} | {name for name in written if name.startswith("page/")}
    assert written == {page_of(preview.articles[7])} | listing
    preview.assert_same_as_clean_build()


def test_after_a_failed_build_the_next_one_trusts_no_page_it_wrote(preview):
    tag_template = preview.theme / "templates" / "tag.html"
    working_template = tag_template.read_text(encoding="utf-8")
    article = preview.articles[9]
    working_article = article.read_text(encoding="utf-8")
    # The article pages are written with the new tag, then the tag pages fail.
    edit(article, "Tags: ", "Tags: a new tag, ")
    tag_template.write_text(working_template + "{% if %}", encoding="utf-8")
    with pytest.raises(jinja2.TemplateSyntaxError):
        preview.rebuild()
    assert "a new tag" in (preview.output / page_of(article)).read_text()
    # Back to the sources of the last good build, whose pages the failed one overwrote.
    article.write_text(working_article, encoding="utf-8")
    tag_template.write_text(working_template, encoding="utf-8")
    assert len(pages(preview.rebuild())) > ARTICLES
    preview.assert_same_as_clean_build()


def test_state_digests_match_equal_values_and_never_unknown_ones(staffblog):
    StateEncoder = staffblog.unchanged_pages.StateEncoder

    def state(tags):
        return {"title": "Ways to follow up", "tags": tags, "when": datetime.date(2013, 1, 31)}

    assert StateEncoder().digest(state({"a", "b"})) == StateEncoder().digest(state({"b", "a"}))
    assert StateEncoder().digest(state({"a"})) != StateEncoder().digest(state({"a", "b"}))
    # Text is length-prefixed: moving a character between two strings is a change.
    assert StateEncoder().digest(["ab", "c"]) != StateEncoder().digest(["a", "bc"])

    # A Jinja filter edited in pelicanconf.py: the same name, other code.
    def filter_function(body):
        namespace = {}
        exec(f"def shout(text):\n    return {body}", namespace)
        return namespace["shout"]

    upper = StateEncoder().digest(filter_function("text.upper()"))
    assert upper == StateEncoder().digest(filter_function("text.upper()"))
    assert upper != StateEncoder().digest(filter_function("text.lower()"))
    # An object known only by its address differs from itself in the next build.
    opaque = threading.Lock()
    encoder = StateEncoder()
    assert encoder.digest(opaque) != StateEncoder().digest(opaque)
    assert encoder.unstable == {"lock"}


def test_an_unreadable_record_is_reported_and_every_page_rendered(preview, caplog):
    record = preview.cache / "staffblog-pages.json"
    assert record.exists()
    record.write_text('{"version": 1, "pages": ')  # cut short, as by a full disk
    with caplog.at_level("WARNING"):
        written = preview.rebuild()
    assert pages(written) == pages(compared(preview.output))
    assert f"{record}: unreadable, every page is rendered" in caplog.text
    preview.assert_same_as_clean_build()
