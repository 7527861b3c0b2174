"""Checklists built from an article's task list: the box, page, PDF, Markdown and index.

Everything is read back from the built site the way a reader's tools would:
BeautifulSoup for HTML, pypdf for the PDF, Python-Markdown for the download.
"""

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import markdown
import pytest
from bs4 import BeautifulSoup
from pelican.settings import read_settings
from pypdf import PdfReader

from conftest import ROOT, SEED_URL, cache_beside, run_pelican

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


def test_an_unchanged_checklist_pdf_comes_from_the_cache_even_in_a_fresh_folder(
    content_copy, tmp_path
):
    """Cached files are linked into each site: a rebuild replaces a site's file and never
    writes into it (that would change the cache and every other site), and a site stands
    whole without the cache."""
    slug = "the-value-of-post-interview-follow-up"
    pdf = Path("checklists", slug, f"{slug}-checklist.pdf")
    first = run_pelican(content_copy, tmp_path / "first", "pelicanconf.py", "-v")
    assert first.returncode == 0, first.log
    assert "checklist PDFs: 1 made, 0 from the cache" in first.log

    second = run_pelican(content_copy, tmp_path / "second", "pelicanconf.py", "-v")  # same cache
    assert second.returncode == 0, second.log
    assert "checklist PDFs: 0 made, 1 from the cache" in second.log
    original = (first.output / pdf).read_bytes()
    assert (second.output / pdf).read_bytes() == original

    source = content_copy / SEED_SOURCE
    source.write_text(source.read_text().replace("about three paragraphs", "about two paragraphs"))
    third = run_pelican(content_copy, tmp_path / "second", "pelicanconf.py", "-v")
    assert third.returncode == 0, third.log
    assert "checklist PDFs: 1 made, 0 from the cache" in third.log
    assert "about two paragraphs" in PdfReader(third.output / pdf).pages[0].extract_text()
    md = third.output / pdf.with_name(f"{slug}-checklist.md")
    assert "about two paragraphs" in md.read_text()
    assert (first.output / pdf).read_bytes() == original

    shutil.rmtree(cache_beside(first.output))
    assert (first.output / pdf).read_bytes() == original
    assert "about three paragraphs" in PdfReader(first.output / pdf).pages[0].extract_text()


def test_download_box_stands_right_after_the_list(site):
    page = site.html(SEED_URL)
    box = page.select_one(".post__content > .checklist-box")
    assert box.find_previous_sibling().name == "ul"
    assert "task-list" in box.find_previous_sibling()["class"]
    assert box.h2.get_text() == "Download the checklist"
    assert box.has_attr("data-pagefind-ignore")  # search indexes the list, not the box
    assert len(page.select(".checklist-box")) == 1
    assert "checklist-box-->" not in page.select_one(".post__content").decode()


# --- Shapes of lists, and the PDF workers ----------------------------------------------------

# Shapes of checklist articles: (name, body, what the build makes of it: a checklist of
# that many items, or an error containing that text).
LIST_SHAPES = [
    ("loose items", "- [ ] **Lead** one\n\n- [ ] two `a<b & c` [x](http://x.com/?a=1&b=2)\n", 2),
    ("entities", "- [ ] caf&eacute; &amp; tea &#8212; done\n- [x] *em* __strong__\n", 2),
    ("escapes", "- [ ] \\*not em\\* and 5 < 6 > 4\n- [ ] line one  \n  line two\n", 2),
    ("footnote and abbr", "- [ ] see[^1] the HTML\n\n[^1]: note\n\n*[HTML]: Hyper Text\n", 1),
    ("ordered", '1. [ ] first\n2. [ ] second\n  {: #second remind="after 2 days" }\n', 2),
    ("in markdown html", '<div markdown="1">\n\n- [ ] inside\n\n</div>\n', 1),
    ("raw html", "- [ ] has <span>raw</span> html <!-- c -->\n", 1),
    ("email autolink", "- [ ] mail <me@example.com>\n", 1),
    ("entity-like text", "- [ ] R&D and AT&T; ok\n", 1),
    ("nested list", "- [ ] one\n    - [ ] inner\n", "holds a nested list"),
    ("two lists", "- [ ] one\n\nText.\n\n- [ ] other\n", "2 task lists"),
    ("item without box", "- [ ] boxed\n- not boxed\n", "has no box"),
    ("timing inline", '- [ ] Send it { remind="within 24 hours" }\n', "on the line right below"),
    ("timing after blank", '- [ ] Send it\n\n{: remind="within 24 hours" }\n', "outside any"),
    ("bad timing", '- [ ] Call\n  {: remind="every few weeks" }\n', "checklist item 'Call'"),
    ("bad id", "- [ ] Call\n  {: #1bad }\n", "id '1bad' must start with a letter"),
    ("only in a nested list", "- plain\n    - [ ] inner\n", "has no checklist items"),
    ("image", "- [ ] pic ![a](b.png)\n", "holds a <img>"),
    ("empty item", "- [ ] \n- [ ] ok\n", "has no text"),
    ("code block", "- [ ] step\n\n        code\n", "holds a <div>"),
]


def test_every_shape_of_list_builds_or_is_reported_naming_its_file(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for number, (name, body, _expected) in enumerate(LIST_SHAPES):
        head = f"Title: Shape {name}\nDate: 2016-01-{number + 1:02d}\nAuthor: Barbara Feldman\n"
        head += f"Checklist: Steps for {name}\nSlug: shape-{number}\n\n"
        (content / "articles" / f"shape-{number}.md").write_text(head + body)
    build = run_pelican(content, tmp_path / "output")
    assert "Traceback" not in build.log
    for number, (name, _body, expected) in enumerate(LIST_SHAPES):
        page = build.path(f"checklists/shape-{number}/")
        if isinstance(expected, int):
            assert len(page_items(build, f"checklists/shape-{number}/")) == expected, name
            continue
        assert not page.exists(), name
        # Messages as one text: the log handler wraps a long line beside its source column.
        text = " ".join(word for word in build.log.split() if not re.match(r"\w+\.py:\d+$", word))
        messages = re.split(r"\s(?:ERROR|WARNING)\s", text)
        errors = [message for message in messages if f"shape-{number}.md: " in message]
        assert errors and expected in " ".join(errors), (name, errors)


COMPARED = (".html", ".pdf", ".md", ".xml", ".jpg", ".webp")  # pages, PDFs, cards, images


def site_files(output):
    return {
        p.relative_to(output): p.read_bytes()
        for p in output.rglob("*")
        if p.suffix in COMPARED and "pagefind" not in p.parts
    }


# A plugin for the next test: it kills every worker process of the build right after
# the content is read, when the PDF pool has just been given its work.
WORKER_KILLER = """
import multiprocessing
import os
import signal
import sys

from pelican import signals


def kill_workers(generators):
    children = multiprocessing.active_children()
    for child in children:
        os.kill(child.pid, signal.SIGKILL)
    print(f"worker-killer: killed {len(children)}", file=sys.stderr)


def register():
    signals.all_generators_finalized.connect(kill_workers)
"""


def test_pdf_workers_on_off_or_killed_write_the_same_site(tmp_path):
    """With or without PDF workers, or with the workers killed mid-build, the build
    makes the same pages and PDFs, and never hangs."""
    import json

    from bench import corpus

    corpus.generate(tmp_path / "content", 21)
    (tmp_path / "worker_killer.py").write_text(WORKER_KILLER, encoding="utf-8")
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    killer = [
        f"PLUGIN_PATHS={json.dumps([*settings['PLUGIN_PATHS'], str(tmp_path)])}",
        f"PLUGINS={json.dumps([*settings['PLUGINS'], 'worker_killer'])}",
    ]
    builds = {}
    for name, workers, extra in (("none", 0, []), ("one", 1, []), ("killed", 1, killer)):
        builds[name] = run_pelican(
            tmp_path / "content",
            tmp_path / name / "output",
            "pelicanconf.py",
            "-e",
            f"STAFFBLOG_WORKERS={workers}",
            *extra,
            timeout=120,
        )
        assert builds[name].returncode == 0, builds[name].log[-3000:]
        assert "ERROR" not in builds[name].log, builds[name].log[-3000:]
    assert "worker-killer: killed 1" in builds["killed"].log
    expected = site_files(builds["none"].output)
    assert len([name for name in expected if name.suffix == ".pdf"]) == 7
    assert len([name for name in expected if name.suffix == ".jpg"]) > 21  # a card a post
    for name in ("one", "killed"):
        files = site_files(builds[name].output)
        assert files.keys() == expected.keys()
        for path, data in expected.items():
            if path.name != "sitemap.xml":  # it dates listings by the build's clock
                assert files[path] == data, (name, path)


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
