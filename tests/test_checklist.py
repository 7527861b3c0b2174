"""Checklists built from an article's task list: the box, page, PDF, Markdown and index.

Everything is read back from the built site the way a reader's tools would:
BeautifulSoup for HTML, pypdf for the PDF, Python-Markdown for the download.
"""

import multiprocessing
import os
import shutil
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import markdown
import pytest
from bs4 import BeautifulSoup, Comment
from pelican.settings import read_settings
from pypdf import PdfReader

from conftest import ROOT, SEED_URL, run_pelican

SEED_CHECKLIST = "checklists/the-value-of-post-interview-follow-up/"
EXTRA_CHECKLIST = "checklists/round-two/"  # from its Checklist-Slug: line
SEED_SOURCE = Path("articles/2013/the-value-of-post-interview-follow-up.md")

EXTRA_CHECKLIST_ARTICLE = """\
Title: Second Round Prep
Date: 2015-03-02 10:00
Author: Barbara Feldman
Category: Interview Tips
Checklist: Second-round "prep" list & notes
Checklist-Slug: Round Two
Summary: Get ready for the second interview.

Before the second round:

- [ ] **Re-read** the job ad–twice. Note the ‘must haves’ and “nice to haves”.
  {: #reread remind="36 hours after" }
- [ ] Ask *what* changed since round one; see [our advice][follow-up].
  {: remind="within 1 week" }
- [ ] Bring `three` copies of your résumé & references < 2 pages.
- [ ] Check in with the recruiter.
  {: remind="Every two weeks" }

[follow-up]: {filename}../2013/the-value-of-post-interview-follow-up.md
"""

PLAIN_ARTICLE = """\
Title: Plain Post
Date: 2015-04-01
Author: Barbara Feldman
Category: Interview Tips

A post without a checklist line:

- [ ] a to-do the author keeps as a plain task list
- an ordinary item
"""


def words(text):
    return " ".join(text.split())


def squeeze(text):
    """Text without any whitespace: PDF extraction breaks lines where it likes."""
    return "".join(text.split())


def linked_file(build, page_url, href):
    """The output file a relative or absolute link on `page_url` points to."""
    path = urlsplit(urljoin(f"http://site/{page_url}", href)).path.lstrip("/")
    return build.path(path)


def box_links(build, article_url):
    box = build.html(article_url).select_one(".checklist-box")
    return {a.get_text(" ", strip=True): a["href"] for a in box.find_all("a")}


def page_items(build, checklist_url):
    return build.html(checklist_url).select(".checklist__item")


def pdf_of(build, article_url):
    href = box_links(build, article_url)["PDF"]
    return PdfReader(linked_file(build, article_url, href))


def markdown_of(build, article_url):
    href = box_links(build, article_url)["Markdown / plain text"]
    return linked_file(build, article_url, href).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def extra(tmp_path_factory):
    """The real content plus a second checklist article and a post without a checklist."""
    root = tmp_path_factory.mktemp("checklists")
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "articles" / "2015").mkdir()
    (content / "articles" / "2015" / "second-round-prep.md").write_text(EXTRA_CHECKLIST_ARTICLE)
    (content / "articles" / "2015" / "plain-post.md").write_text(PLAIN_ARTICLE)
    build = run_pelican(content, root / "output")
    assert build.returncode == 0, build.log
    assert "ERROR" not in build.log and "WARNING" not in build.log, build.log
    return build


# --- The article ----------------------------------------------------------------------


def test_article_offers_every_format_next_to_its_list(site):
    page = site.html(SEED_URL)
    box = page.select_one(".checklist-box")
    assert box.find("h2").get_text(strip=True) == "Download the checklist"
    links = box_links(site, SEED_URL)
    assert set(links) == {
        "Printable checklist",
        "PDF",
        "Markdown / plain text",
        "Calendar reminders (.ics)",
    }
    for label, href in links.items():
        assert linked_file(site, SEED_URL, href).is_file(), label
    assert links["Calendar reminders (.ics)"].endswith(f"{SEED_CHECKLIST}#calendar")
    # The box follows the list itself, inside the article text.
    assert "checklist-source" in box.find_previous_sibling()["class"]


def test_article_list_reads_as_before(site):
    source = site.html(SEED_URL).select_one(".post__content ul.checklist-source")
    assert not source.find("input"), "the article keeps its plain list; boxes are on the page"
    for item in source.find_all("li"):
        assert not item.has_attr("remind")
    assert len(source.find_all("li")) == 5


# --- The printable page --------------------------------------------------------------


def test_checklist_page_has_every_item_with_a_labelled_box(site):
    page = site.html(SEED_CHECKLIST)
    article_items = site.html(SEED_URL).select(".checklist-source > li")
    items = page_items(site, SEED_CHECKLIST)
    assert [words(i.select_one("label").get_text()) for i in items] == [
        words(li.get_text()) for li in article_items
    ]
    ids = [item["data-checklist-item"] for item in items]
    assert len(set(ids)) == len(ids) == 5
    for item in items:
        box = item.find("input", type="checkbox")
        label = page.find("label", attrs={"for": box["id"]})
        assert label is not None and label.get_text(strip=True)
    assert page.find("h1").get_text(strip=True) == "Post-interview follow-up checklist"
    back = page.select_one(".checklist__source a")
    assert linked_file(site, SEED_CHECKLIST, back["href"]) == site.path(SEED_URL)
    assert page.select_one("[data-checklist]").has_attr("data-pagefind-body")


def test_checklist_page_keeps_bold_lead_phrases(site):
    labels = [i.select_one("label") for i in page_items(site, SEED_CHECKLIST)]
    assert labels[0].strong.get_text() == "The sooner, the better"
    assert words(labels[0].get_text()).startswith("The sooner, the better—send")


def test_checklist_page_has_no_inline_script_style_or_handler(site):
    page = site.html(SEED_CHECKLIST)
    for script in page.find_all("script"):
        assert script.get("src") or script.get("type") == "application/ld+json"
        if script.get("src"):
            assert script["type"] == "module"
            assert linked_file(site, SEED_CHECKLIST, script["src"]).is_file()
    assert not page.find("style")
    for tag in page.find_all(True):
        assert "style" not in tag.attrs, tag.name
        assert not [name for name in tag.attrs if name.startswith("on")], tag.name


def test_timed_items_publish_their_reminder_data(site):
    items = page_items(site, SEED_CHECKLIST)
    timed = {i["data-checklist-item"]: i for i in items if i.has_attr("data-checklist-offset-days")}
    assert len(timed) == 2
    first, last = items[0], items[4]
    assert first["data-checklist-offset-days"] == "0"
    assert first["data-checklist-rrule"] == ""
    assert "within 24 hours" in first.select_one(".checklist__when").get_text()
    assert last["data-checklist-offset-days"] == "21"
    assert last["data-checklist-rrule"] == "FREQ=WEEKLY;INTERVAL=3;COUNT=4"


# --- PDF ---------------------------------------------------------------------------------


def test_pdf_has_title_source_and_every_item_in_order(site):
    reader = pdf_of(site, SEED_URL)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    flat = squeeze(text)
    article = site.html(SEED_URL)
    article_title = article.find("h1").get_text(strip=True)
    assert squeeze("Post-interview follow-up checklist") in flat
    assert "Career Advice Blog" in text
    assert squeeze(f"From the article “{article_title}”") in flat
    assert squeeze(f"http://127.0.0.1:8000/{SEED_URL}") in flat
    position = 0
    for li in article.select(".checklist-source > li"):
        expected = squeeze(li.get_text())
        found = flat.find(expected, position)
        assert found >= 0, f"{expected!r} missing or out of order"
        position = found + len(expected)
    assert "better—send" in text
    assert reader.metadata.title == "Post-interview follow-up checklist"


def test_pdf_embeds_truetype_fonts_and_keeps_lead_phrases_bold(site):
    page = pdf_of(site, SEED_URL).pages[0]
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        if "/DescendantFonts" in font:
            font = font["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]
    bold, regular = [], []

    def visit(text, _cm, _tm, font, _size):
        if font and text.strip():
            (bold if "Bold" in str(font["/BaseFont"]) else regular).append(text)

    page.extract_text(visitor_text=visit)
    leads = [s.get_text() for s in site.html(SEED_URL).select(".checklist-source > li > strong")]
    assert len(leads) == 5
    assert [squeeze(text) for text in bold[1:]] == [squeeze(lead) for lead in leads]
    assert squeeze("".join(regular)).find(squeeze("—send the follow-up note")) >= 0


def test_pdf_prints_curly_quotes_and_dashes(extra):
    reader = pdf_of(extra, "blog/2015/03/02/second-round-prep/")
    text = reader.pages[0].extract_text()
    flat = squeeze(text)
    assert squeeze("Re-read the job ad–twice. Note the ‘must haves’ and “nice to haves”.") in flat
    assert squeeze('Second-round "prep" list & notes') in flat
    assert squeeze("Bring three copies of your résumé & references < 2 pages.") in flat


# --- Markdown ------------------------------------------------------------------------------


def test_markdown_download_round_trips_to_the_same_items(site):
    text = markdown_of(site, SEED_URL)
    assert text.startswith("# Post-interview follow-up checklist\n")
    lines = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert len(lines) == 5
    html = markdown.markdown(text, extensions=["pymdownx.tasklist"])
    rendered = BeautifulSoup(html, "html.parser").select("li.task-list-item")
    labels = [i.select_one("label") for i in page_items(site, SEED_CHECKLIST)]
    assert [words(li.get_text()) for li in rendered] == [words(lb.get_text()) for lb in labels]
    assert [li.strong.get_text() for li in rendered] == [lb.strong.get_text() for lb in labels]


def test_markdown_escapes_and_absolute_links_round_trip(extra):
    url = "blog/2015/03/02/second-round-prep/"
    text = markdown_of(extra, url)
    rendered = BeautifulSoup(
        markdown.markdown(text, extensions=["pymdownx.tasklist"]), "html.parser"
    ).select("li.task-list-item")
    labels = [i.select_one("label") for i in page_items(extra, EXTRA_CHECKLIST)]
    assert [words(li.get_text()) for li in rendered] == [words(lb.get_text()) for lb in labels]
    link = rendered[1].find("a")
    assert link["href"] == f"http://127.0.0.1:8000/{SEED_URL}"
    assert labels[1].find("a")["href"] == link["href"]
    assert rendered[2].code.get_text() == "three"


# --- More checklists, and articles without one --------------------------------------------


def test_author_item_id_and_timing_forms(extra):
    items = page_items(extra, EXTRA_CHECKLIST)
    assert items[0]["data-checklist-item"] == "reread"
    assert items[0]["data-checklist-offset-days"] == "2"
    assert items[1]["data-checklist-offset-days"] == "6"
    assert not items[2].has_attr("data-checklist-offset-days")
    assert items[3]["data-checklist-offset-days"] == "14"
    assert items[3]["data-checklist-rrule"] == "FREQ=WEEKLY;INTERVAL=2"
    whens = [i.select_one(".checklist__when") for i in items]
    assert [w.get_text() if w else None for w in whens] == [
        "Reminder: 36 hours after the interview",
        "Reminder: within 1 week of the interview",
        None,
        "Reminder: every 2 weeks after the interview",
    ]
    page = extra.html(EXTRA_CHECKLIST)
    assert page.find("h1").get_text() == 'Second-round "prep" list & notes'


def test_articles_without_a_checklist_get_nothing_extra(extra):
    page = extra.html("blog/2015/04/01/plain-post/")
    assert page.select_one(".checklist-box") is None
    assert not (extra.output / "checklists" / "plain-post").exists()
    assert page.select_one(".post__content li input[type=checkbox]") is not None
    assert sorted(p.name for p in (extra.output / "checklists").iterdir()) == [
        "index.html",
        "round-two",
        "the-value-of-post-interview-follow-up",
    ]
    for url in ("about/", "comment-policy/"):
        assert extra.html(url).select_one(".checklist-box") is None


def test_index_lists_every_checklist_with_its_article(extra):
    index = extra.html("checklists/")
    entries = index.select(".checklist-index__item")
    titles = [e.select_one(".checklist-index__title").get_text(strip=True) for e in entries]
    assert titles == ["Post-interview follow-up checklist", 'Second-round "prep" list & notes']
    for entry in entries:
        for link in entry.find_all("a"):
            assert linked_file(extra, "checklists/", link["href"]).is_file(), link["href"]
    assert not index.select("[data-pagefind-body]")  # a listing: search finds the pages
    article_links = [e.select_one(".checklist-index__source a")["href"] for e in entries]
    assert linked_file(extra, "checklists/", article_links[0]) == extra.path(SEED_URL)


def test_checklist_pages_are_in_the_sitemap(site):
    tree = ET.parse(site.output / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in tree.findall("s:url/s:loc", namespace)]
    assert f"http://127.0.0.1:8000/{SEED_CHECKLIST}" in locs
    assert "http://127.0.0.1:8000/checklists/" in locs
    assert locs.count(f"http://127.0.0.1:8000/{SEED_URL}") == 1


# --- Cached rebuilds ---------------------------------------------------------------------------


def test_unchanged_checklist_is_not_regenerated(content_copy, tmp_path):
    output = tmp_path / "output"
    first = run_pelican(content_copy, output)
    assert first.returncode == 0, first.log
    slug = "the-value-of-post-interview-follow-up"
    pdf = output / "checklists" / slug / f"{slug}-checklist.pdf"
    md = output / "checklists" / slug / f"{slug}-checklist.md"
    long_ago = 1_000_000_000
    for path in (pdf, md):
        os.utime(path, (long_ago, long_ago))

    second = run_pelican(content_copy, output)
    assert second.returncode == 0, second.log
    assert pdf.stat().st_mtime == long_ago
    assert md.stat().st_mtime == long_ago

    source = content_copy / SEED_SOURCE
    source.write_text(source.read_text().replace("about three paragraphs", "about two paragraphs"))
    third = run_pelican(content_copy, output)
    assert third.returncode == 0, third.log
    assert pdf.stat().st_mtime != long_ago
    assert md.stat().st_mtime != long_ago
    assert "about two paragraphs" in PdfReader(pdf).pages[0].extract_text()
    assert "about two paragraphs" in md.read_text()


def test_download_box_stands_right_after_the_list(site):
    page = site.html(SEED_URL)
    box = page.select_one(".post__content > .checklist-box")
    assert box.find_previous_sibling().name == "ul"
    assert "task-list" in box.find_previous_sibling()["class"]
    assert box.h2.get_text() == "Download the checklist"
    assert box.has_attr("data-pagefind-ignore")  # search indexes the list, not the box
    assert len(page.select(".checklist-box")) == 1
    assert "checklist-box-->" not in page.select_one(".post__content").decode()


# --- Where the work is done ----------------------------------------------------------------


def test_list_is_read_while_its_markdown_is_converted(staffblog, site):
    """The list is read in the Markdown conversion (so in the reading worker too)."""
    from staffblog import checklist_source

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    checklist_source.add_to_markdown_settings(settings)
    configs = settings["MARKDOWN"]["extension_configs"]
    converter = markdown.Markdown(
        extensions=list(configs), extension_configs=configs, output_format="html5"
    )
    html = converter.convert((ROOT / "content" / SEED_SOURCE).read_text(encoding="utf-8"))

    task_list = converter.Meta[checklist_source.TASK_LIST_METADATA][0]
    assert not task_list.problem
    published = page_items(site, SEED_CHECKLIST)
    assert [item.id for item in task_list.items] == [i["data-checklist-item"] for i in published]
    assert html.count('type="checkbox"') == 5  # the converted HTML itself is left as it is
    source = BeautifulSoup(task_list.applied_to(html), "html.parser")
    checklist = source.select_one("ul.checklist-source")
    assert len(checklist.find_all("li")) == 5 and not checklist.find("input")
    marker = checklist.next_sibling
    assert isinstance(marker, Comment) and marker == checklist_source.BOX_MARKER


# Shapes of checklist articles: (name, body, read from the Markdown tree?). The others
# hold something only the output HTML shows (raw HTML, highlighted code, an "&" the
# output leaves looking like an entity), so the list is read from the HTML instead.
LIST_SHAPES = [
    ("seed post", None, True),
    ("extra article", EXTRA_CHECKLIST_ARTICLE, True),
    ("loose items", "- [ ] **Lead** one\n\n- [ ] two `a<b & c` [x](http://x.com/?a=1&b=2)\n", True),
    ("entities", "- [ ] caf&eacute; &amp; tea &#8212; done\n- [x] *em* __strong__\n", True),
    ("escapes", "- [ ] \\*not em\\* and 5 < 6 > 4\n- [ ] line one  \n  line two\n", True),
    ("footnote and abbr", "- [ ] see[^1] the HTML\n\n[^1]: note\n\n*[HTML]: Hyper Text\n", True),
    ("ordered", '1. [ ] first\n2. [ ] second\n  {: #second remind="after 2 days" }\n', True),
    ("in markdown html", '<div markdown="1">\n\n- [ ] inside\n\n</div>\n', True),
    ("nested list", "- [ ] one\n    - [ ] inner\n", True),
    ("two lists", "- [ ] one\n\nText.\n\n- [ ] other\n", True),
    ("item without box", "- [ ] boxed\n- not boxed\n", True),
    ("timing inline", '- [ ] Send it { remind="within 24 hours" }\n', True),
    ("timing after blank", '- [ ] Send it\n\n{: remind="within 24 hours" }\n', True),
    ("timing elsewhere", 'Para\n{: remind="within 2 days" }\n\n- [ ] step\n', True),
    ("bad timing", '- [ ] Call\n  {: remind="every few weeks" }\n', True),
    ("bad id", "- [ ] Call\n  {: #1bad }\n", True),
    ("only in a nested list", "- plain\n    - [ ] inner\n", True),
    ("image", "- [ ] pic ![a](b.png)\n", True),
    ("empty item", "- [ ] \n- [ ] ok\n", True),
    ("raw html", "- [ ] has <span>raw</span> html <!-- c -->\n", False),
    ("email autolink", "- [ ] mail <me@example.com>\n", False),
    ("code block", "- [ ] step\n\n        code\n", False),
    ("entity-like text", "- [ ] R&D and AT&T; ok\n", False),
    (
        "list written in HTML",
        '<ul class="task-list">\n<li class="task-list-item">by hand</li>\n</ul>\n',
        False,
    ),
]


@pytest.mark.parametrize("name, body, from_tree", LIST_SHAPES, ids=[s[0] for s in LIST_SHAPES])
def test_list_read_from_the_markdown_tree_is_the_list_the_html_shows(
    staffblog, monkeypatch, name, body, from_tree
):
    """Reading the list from Python-Markdown's tree gives what parsing the output gives."""
    from staffblog import checklist_source

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    checklist_source.add_to_markdown_settings(settings)
    configs = settings["MARKDOWN"]["extension_configs"]
    converter = markdown.Markdown(
        extensions=list(configs), extension_configs=configs, output_format="html5"
    )
    if body is None:
        text = (ROOT / "content" / SEED_SOURCE).read_text(encoding="utf-8")
    elif body.startswith("Title:"):
        text = body
    else:
        text = f"Title: {name}\nChecklist: Steps\n\n{body}"

    # With no HTML parser to fall back on, only a list read from the tree can be read.
    monkeypatch.setitem(sys.modules, "bs4", None)
    if not from_tree:
        with pytest.raises(ImportError):
            converter.convert(text)
        monkeypatch.delitem(sys.modules, "bs4")
    html = converter.reset().convert(text)
    monkeypatch.undo()

    read = converter.Meta[checklist_source.TASK_LIST_METADATA][0]
    title = checklist_source.document_checklist_title(converter)
    substitutions = [tuple(pair) for pair in settings["SLUG_REGEX_SUBSTITUTIONS"]]
    parsed = checklist_source.read_task_list(html, title, substitutions)
    assert (read.problem, read.items) == (parsed.problem, parsed.items)
    assert (read.start, read.written) == (parsed.start, parsed.written)
    as_shown = [
        BeautifulSoup(source, "html.parser").decode() for source in (read.source, parsed.source)
    ]
    assert as_shown[0] == as_shown[1]
    assert read.applied_to(html).count("<!--checklist-box-->") == (0 if read.problem else 1)


# A plugin for the next test: it holds the build, once the articles are read, until the
# reading worker has rendered the PDFs queued ahead; with RETITLE set, it then changes
# the checklist articles' titles, as a plugin may, so those PDFs no longer match.
AHEAD_PROBE = """
import os
from pelican import signals


def hold(generator):
    from staffblog import checklist

    for _marker, future, _index in list(checklist._ahead.entries.values()):
        future.result(timeout=60)
    if os.environ.get("RETITLE"):
        for article in generator.articles:
            if "checklist" in article.metadata:
                article.title = "Retitled " + article.title


def register():
    signals.article_generator_pretaxonomy.connect(hold)
"""


def test_pdfs_rendered_ahead_by_the_reading_worker_are_the_pdfs_of_the_build(tmp_path):
    """The reading worker renders checklist PDFs while the articles are still read; the
    build keeps one only when it is the PDF of the same job: byte for byte the PDF it
    would have rendered, and a title changed afterwards gets a new PDF."""
    import json

    from bench import corpus

    description = corpus.generate(tmp_path / "content", 21)
    (tmp_path / "ahead_probe.py").write_text(AHEAD_PROBE, encoding="utf-8")
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    probe = [
        f"PLUGIN_PATHS={json.dumps([*settings['PLUGIN_PATHS'], str(tmp_path)])}",
        f"PLUGINS={json.dumps([*settings['PLUGINS'], 'ahead_probe'])}",
    ]

    def build(name, minimum, env=None):
        result = run_pelican(
            tmp_path / "content",
            tmp_path / name,
            "pelicanconf.py",
            "-D",
            "-e",
            f"ISSO_DB_PATH={json.dumps(str(description['comments_db']))}",
            f"STAFFBLOG_PARALLEL_READ_MIN_FILES={minimum}",
            *probe,
            env=env,
        )
        assert result.returncode == 0, result.log[-3000:]
        return result

    builds = {
        "ahead": build("ahead", 2),
        "here": build("here", 100_000),
        "retitled": build("retitled", 2, {"RETITLE": "1"}),
    }
    pdfs = sorted(
        p.relative_to(builds["here"].output) for p in builds["here"].output.rglob("*.pdf")
    )
    assert len(pdfs) == 7
    assert "7 of 7 checklist PDFs rendered ahead by the reading worker" in builds["ahead"].log
    assert "rendered ahead" not in builds["here"].log
    for pdf in pdfs:
        assert (builds["ahead"].output / pdf).read_bytes() == (
            builds["here"].output / pdf
        ).read_bytes()

    assert "rendered ahead" not in builds["retitled"].log
    for pdf in pdfs:
        text = squeeze(PdfReader(builds["retitled"].output / pdf).pages[0].extract_text())
        assert "Fromthearticle“Retitled" in text, text

    # Built again over its own output: the PDFs on disk are current, none is rendered.
    written = {pdf: (builds["ahead"].output / pdf).stat().st_mtime_ns for pdf in pdfs}
    again = build("ahead", 2)
    assert "rendered ahead" not in again.log
    assert {pdf: (again.output / pdf).stat().st_mtime_ns for pdf in pdfs} == written


# A plugin for the next test: it kills the reading worker as the third article is read.
# Plugins for the next test: each kills the reading worker. The first from the build,
# as the third post is read, whatever the worker is doing then; the second from inside
# the worker, halfway through sending the result of its first chunk of posts (it writes
# the start of a message to the pool's result pipe, then dies): the worst moment, when
# concurrent.futures alone would wait forever for the rest of the message.
WORKER_KILLERS = {
    "as the third post is read": """
import multiprocessing, os, signal
from pelican import signals

read = []


def kill_the_reading_worker(content):
    read.append(content)
    if len(read) == 3:
        for child in multiprocessing.active_children():
            os.kill(child.pid, signal.SIGKILL)
            child.join()


def register():
    signals.content_object_init.connect(kill_the_reading_worker)
""",
    "halfway through sending a result": """
import os, signal, struct, sys
from staffblog import markdown_reader

convert_files = markdown_reader.convert_files


def convert_and_die(paths, markdown_settings):
    frame = sys._getframe()
    while "result_queue" not in frame.f_locals:  # up to concurrent.futures' worker loop
        frame = frame.f_back
    writer = frame.f_locals["result_queue"]._writer
    os.write(writer.fileno(), struct.pack("!i", 1 << 20) + b"the start of a result")
    os.kill(os.getpid(), signal.SIGKILL)


# Sent to the worker by name: the pool finds this function where convert_files was.
convert_and_die.__module__ = markdown_reader.__name__
convert_and_die.__qualname__ = convert_and_die.__name__ = "convert_files"


def register():
    markdown_reader.convert_files = convert_and_die
""",
}


@pytest.mark.parametrize("when", sorted(WORKER_KILLERS))
def test_a_reading_worker_that_dies_leaves_the_build_whole(tmp_path, when):
    """Files it was converting, comments it was reading, PDFs queued ahead: the build does
    them itself, and makes the same site as without a worker."""
    import json

    from bench import corpus

    description = corpus.generate(tmp_path / "content", 21)
    (tmp_path / "worker_killer.py").write_text(WORKER_KILLERS[when], encoding="utf-8")
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    builds = {}
    for name, minimum in (("killed", 2), ("here", 100_000)):
        builds[name] = run_pelican(
            tmp_path / "content",
            tmp_path / name,
            "pelicanconf.py",
            "-e",
            f"ISSO_DB_PATH={json.dumps(str(description['comments_db']))}",
            f"STAFFBLOG_PARALLEL_READ_MIN_FILES={minimum}",
            f"PLUGIN_PATHS={json.dumps([*settings['PLUGIN_PATHS'], str(tmp_path)])}",
            f"PLUGINS={json.dumps([*settings['PLUGINS'], 'worker_killer'])}",
            timeout=120,
        )
        assert builds[name].returncode == 0, builds[name].log[-3000:]
        assert "ERROR" not in builds[name].log, builds[name].log[-3000:]
    killed, here = builds["killed"].output, builds["here"].output
    files = sorted(
        p.relative_to(here)
        for p in here.rglob("*")
        if p.suffix in (".html", ".pdf", ".md") and "pagefind" not in p.parts
    )
    assert len([f for f in files if f.suffix == ".pdf"]) == 7
    for name in files:
        assert (killed / name).read_bytes() == (here / name).read_bytes(), name


HTML_CHECKLIST_ARTICLE = """\
<html>
<head>
<title>Interview Day Kit</title>
<meta name="date" content="2015-04-10">
<meta name="author" content="Barbara Feldman">
<meta name="category" content="Interview Tips">
<meta name="checklist" content="Interview day kit">
</head>
<body>
<p>Pack these the night before:</p>
<ul class="task-list">
<li class="task-list-item"><input type="checkbox" disabled> <strong>Printed résumé</strong>
in a folder</li>
<li class="task-list-item" remind="within 24 hours"><input type="checkbox" disabled> Send a
thank-you note</li>
</ul>
</body>
</html>
"""


def test_article_from_another_reader_gets_its_checklist(content_copy, tmp_path):
    """No Markdown conversion read the list: it is read when checklists are collected."""
    (content_copy / "articles" / "interview-day-kit.html").write_text(HTML_CHECKLIST_ARTICLE)
    build = run_pelican(content_copy, tmp_path / "out")
    assert build.returncode == 0, build.log
    assert "ERROR" not in build.log, build.log
    items = page_items(build, "checklists/interview-day-kit/")
    labels = [words(item.select_one("label").get_text()) for item in items]
    assert labels == ["Printed résumé in a folder", "Send a thank-you note"]
    assert (
        items[1]
        .select_one(".checklist__when")
        .get_text(strip=True)
        .startswith("Reminder: within 24")
    )
    assert items[1].has_attr("data-checklist-offset-days")
    article = build.html("blog/2015/04/10/interview-day-kit/")
    assert article.select_one(".checklist-source + .checklist-box") is not None
    assert not article.select(".checklist-source input")
    assert article.select_one(".post-meta .reading-time").get_text(strip=True) == "1 min read"
    pdf = pdf_of(build, "blog/2015/04/10/interview-day-kit/")
    assert "Sendathank-younote" in squeeze(pdf.pages[0].extract_text())


def test_build_renders_the_pdfs_its_worker_has_not_started(staffblog, tmp_path):
    """At the end the build takes back queued PDF batches, so both cores finish them."""
    from staffblog import checklist

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    fonts = checklist.plugin_settings.get(settings, "CHECKLIST_PDF_FONTS")
    page_size = checklist.plugin_settings.get(settings, "CHECKLIST_PDF_PAGE_SIZE")
    renderer = checklist.PdfRenderer(settings)
    children_before = set(multiprocessing.active_children())
    batches = 5
    for number in range(batches * renderer.BATCH):
        fields = {
            "title": f"Checklist {number}",
            "site_name": "Career Advice Blog",
            "article_title": f"Article {number}",
            "article_url": f"http://127.0.0.1:8000/article-{number}/",
            "page_url": f"http://127.0.0.1:8000/checklists/{number}/",
            "items": [[f"Step {number}.{step}", ""] for step in range(4)],
            "interview_date_line": False,
        }
        path = str(tmp_path / f"{number}.pdf")
        job = checklist.PdfJob(path, fields, fonts, page_size, f"marker-{number}", False)
        renderer.add(str(number), job)
    renderer.start()
    first = renderer.batches[0].future
    deadline = time.monotonic() + 30
    while not (first.running() or first.done()) and time.monotonic() < deadline:
        time.sleep(0.01)

    # It yields the cores to the pages and Pagefind, whose work cannot be taken back.
    workers = set(multiprocessing.active_children()) - children_before
    assert workers
    for worker in workers:
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) > os.getpriority(os.PRIO_PROCESS, 0)

    renderer.take_back_unstarted()

    assert renderer.batches[-1].rendered_here is not None
    assert renderer.batches[0].rendered_here is None
    assert len(renderer.jobs) == batches * renderer.BATCH
    for name, (job, result) in renderer.jobs.items():
        render_ms, failure = result.wait()
        assert failure is None and render_ms > 0
        text = squeeze(PdfReader(job.path).pages[0].extract_text())
        assert f"Checklist{name}" in text and f"Step{name}.3" in text
