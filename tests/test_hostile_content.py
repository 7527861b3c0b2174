"""Hostile content through every metadata field, checklist and bio, built by the real
Pelican and loaded page by page in real Chromium without any Content-Security-Policy.

The corpus (tests/hostile_payloads.txt, 200+ strings) goes into posts five at a time:
title, summary, category, tags, author, checklist title, checklist items (written as
entities, so only a decoding step could make them markup), and each post's author
gets a bio with hostile name, role, e-mail, website, LinkedIn and text. Nothing may
run (no dialog, no hooked call, no ``window.__xss``), the DOM may hold no event
handler, no script of another origin and no non-http(s)/mailto URL, and every title,
name and tag must read exactly as written.
"""

import html
import re
import shutil

import markdown
import pytest
from bs4 import BeautifulSoup
from hostile import chunks, new_watched_page, payloads, plain_server

from conftest import ROOT, run_pelican

PAYLOADS = payloads()
PER_POST = 5
SITENAME = "Career Advice Blog"
# A C0 control character in a title or summary once Pelican decoded it for its feeds
# (an entity such as &#14;, or Python-Markdown's own \x02 \x03 placeholders, left in
# its output for `[a](&#106;avascript:...)`): the feed writer stops the build ("Control
# characters are not supported in XML 1.0"). Left out of titles and summaries only: a
# crash, not an injection (see README).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def breaks_feeds(text):
    return bool(CONTROL.search(html.unescape(markdown.markdown(text, extensions=["extra"]))))


def pelican_list(text):
    """A ``Tags:`` line as Pelican reads it: split on semicolons if it has any, else on
    commas; repeats dropped."""
    parts = text.split(";") if ";" in text else text.split(",")
    return list(dict.fromkeys(part.strip() for part in parts if part.strip()))


def entities(text):
    """``text`` with every character but letters, digits and spaces as an entity."""
    return "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in text)


def hostile_posts():
    posts = []
    for number, group in enumerate(chunks(PAYLOADS, PER_POST)):
        group = (group * PER_POST)[:PER_POST]
        feed_safe = []
        for payload in group:
            if not breaks_feeds(" ".join([*feed_safe, payload])):
                feed_safe.append(payload)
        posts.append(
            {
                "number": number,
                "title": f"P{number} " + " ".join(feed_safe),
                "summary": " ".join(feed_safe),
                "category": f"C{number} {group[0]}",
                "tags": [f"T{number}a {group[1]}", f"T{number}b {group[2]}"],
                "author": f"A{number} {group[3]}",
                "checklist": f"CL{number} {group[4]}",
                "items": group,
                "role": f"R{number} {group[0]}",
                "email": f"e{number}{group[1]}@example.com",
                "website": f"https://example.com/{group[2]}",
                "linkedin": f"https://www.linkedin.com/in/{group[4]}",
                "bio": "\n\n".join(group),
            }
        )
    return posts


POSTS = hostile_posts()


def write_content(target):
    shutil.copytree(ROOT / "content", target)
    for post in POSTS:
        n = post["number"]
        items = "\n".join(f"- [ ] Step {n}.{i} {entities(p)}" for i, p in enumerate(post["items"]))
        (target / "articles" / f"hostile-{n}.md").write_text(
            f"Title: {post['title']}\nDate: 2015-01-01 {n // 60:02d}:{n % 60:02d}\n"
            f"Author: {post['author']}\nCategory: {post['category']}\n"
            f"Tags: {', '.join(post['tags'])}\nSummary: {post['summary']}\n"
            f"Checklist: {post['checklist']}\n\nA post full of hostile metadata.\n\n{items}\n",
            encoding="utf-8",
        )
        (target / "authors" / f"hostile-{n}.md").write_text(
            f"Name: {post['author']}\nRole: {post['role']}\nEmail: {post['email']}\n"
            f"Website: {post['website']}\nLinkedIn: {post['linkedin']}\n\n{post['bio']}\n",
            encoding="utf-8",
        )


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    write_content(root / "content")
    build = run_pelican(root / "content", root / "output")
    # Hostile tags are problems to report (two sharing an address, one with no letters),
    # not a reason to stop: every page is written.
    assert "the build stopped" not in build.log and "Traceback" not in build.log, build.log
    assert (root / "output" / "index.html").is_file()
    return build


def html_pages(output):
    return sorted(
        path
        for path in output.rglob("*.html")
        if "pagefind" not in path.parts and path.name != "404.html"
    )


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_corpus_is_large_enough():
    assert len(PAYLOADS) >= 200
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_nothing_runs_in_any_page_without_a_csp(browser, hostile_site):
    pages = html_pages(hostile_site.output)
    assert len(pages) > 3 * len(POSTS)  # posts, checklists, authors, categories, tags...
    problems = {}
    context, page, watch = new_watched_page(browser)
    try:
        with plain_server(hostile_site.output) as origin:
            for path in pages:
                url = f"{origin}/{path.relative_to(hostile_site.output).as_posix()}"
                page.goto(url, wait_until="load")
                page.wait_for_timeout(20)  # autofocus, ontoggle and friends fire late
                found = watch.collect()
                if found:
                    problems[url] = found[:5]
    finally:
        context.close()
    print(f"{len(PAYLOADS)} payloads in {len(POSTS)} posts, {len(pages)} pages loaded")
    assert watch.dialogs == []
    assert watch.hits == []
    assert problems == {}


def test_titles_names_and_tags_read_exactly_as_written(hostile_site):
    output = hostile_site.output
    seen = 0
    for path in output.glob("blog/2015/01/01/*/index.html"):
        page = soup(path)
        title = page.select_one("h1.post__title").get_text()
        post = next(p for p in POSTS if p["title"] == title)
        seen += 1
        assert page.title.get_text() == f"{post['title']} | {SITENAME}"
        meta = {
            (tag.get("property") or tag.get("name")): tag.get("content")
            for tag in page.find_all("meta")
            if tag.get("property") or tag.get("name")
        }
        assert meta["og:title"] == meta["twitter:title"] == post["title"]
        assert meta["article:author"] == post["author"]
        assert meta["article:section"] == post["category"]
        tags = pelican_list(", ".join(post["tags"]))
        assert [t["content"] for t in page.find_all("meta", property="article:tag")] == tags
        assert page.select_one(".post__kicker a").get_text() == post["category"]
        assert [a.get_text() for a in page.select(".tag-list a.tag")] == tags
        assert page.select_one(".author-box .p-name").get_text() == post["author"]
    assert seen == len(POSTS)


def test_known_cases_from_the_issue(hostile_site):
    output = hostile_site.output
    pages = {
        soup(p).select_one("h1.post__title").get_text(): soup(p)
        for p in output.glob("blog/2015/01/01/*/index.html")
    }
    thank_you = next(page for title, page in pages.items() if "Thank You" in title)
    og_title = thank_you.find("meta", property="og:title")["content"]
    assert 'Why "Thank You" Notes Matter' in og_title
    closing = next(page for title, page in pages.items() if "&lt;/title&gt;" in title)
    assert (
        closing.head.find_all("script", src=False, type=lambda t: t != "application/ld+json") == []
    )
    assert "&lt;/title&gt;&lt;script&gt;" in closing.title.get_text()


def test_checklist_pages_show_titles_as_written(hostile_site):
    output = hostile_site.output
    found = 0
    for post in POSTS:
        pages = [
            p
            for p in output.glob("checklists/*/index.html")
            if f"CL{post['number']} " in p.read_text(encoding="utf-8")
        ]
        for path in pages:
            page = soup(path)
            heading = page.select_one("h1.checklist__title").get_text()
            if heading == post["checklist"]:
                found += 1
                assert page.title.get_text() == f"{post['checklist']} | {SITENAME}"
    # A checklist the PDF font cannot print is left out by the build (README).
    assert found >= len(POSTS) - 3


def test_bios_show_as_written_and_link_only_http_or_mailto(hostile_site):
    output = hostile_site.output
    checked = 0
    for path in output.glob("author/*/index.html"):
        page = soup(path)
        name = page.select_one("h1.p-name").get_text()
        post = next((p for p in POSTS if p["author"] == name), None)
        if post is None:
            continue
        checked += 1
        assert page.select_one(".author-profile__role").get_text() == post["role"]
        for link in page.select(".author-links a"):
            assert link["href"].split(":", 1)[0] in ("http", "https", "mailto"), link
    assert checked == len(POSTS)


# --- Cases the plugin may refuse at build time (slugs, bio link schemes) -------------
# The staffblog plugin is to report these as errors and leave the post or the link out;
# whichever way the build treats them, nothing may run and no unsafe href be written.

UNSAFE_SLUGS = [
    "javascript:alert(1)",
    '"><script>alert(1)</script>',
    "../../../../escaped",
    "//127.0.0.1:9/x",
    "data:text/html,<script>alert(1)</script>",
]
UNSAFE_BIO_LINKS = {
    "Website": "javascript:alert(1)",
    "LinkedIn": " JaVaScRiPt:alert(1)",
}
UNSAFE_BIO_LINKS_2 = {
    "Website": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "LinkedIn": "vbscript:msgbox(1)",
}


@pytest.fixture(scope="module")
def plugin_cases(tmp_path_factory):
    root = tmp_path_factory.mktemp("plugin-cases")
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    for number, slug in enumerate(UNSAFE_SLUGS):
        (content / "articles" / f"slug-{number}.md").write_text(
            f"Title: Slug case {number}\nDate: 2016-01-0{number + 1}\nAuthor: Link Case\n"
            f"Slug: {slug}\nCategory: Cases\n\nA post with a slug that is not a plain path.\n",
            encoding="utf-8",
        )
    for number, links in enumerate((UNSAFE_BIO_LINKS, UNSAFE_BIO_LINKS_2)):
        name = "Link Case" if number == 0 else "Link Case Two"
        lines = "".join(f"{key}: {value}\n" for key, value in links.items())
        (content / "authors" / f"link-case-{number}.md").write_text(
            f"Name: {name}\nEmail: javascript:alert(1)\n{lines}\nA bio with unsafe links.\n",
            encoding="utf-8",
        )
    (content / "articles" / "link-case-two.md").write_text(
        "Title: Second link case\nDate: 2016-02-01\nAuthor: Link Case Two\n\nText.\n",
        encoding="utf-8",
    )
    build = run_pelican(content, root / "output")  # may fail: the plugin's choice
    return root, build


def test_unsafe_slugs_and_bio_links_never_run_or_link(browser, plugin_cases):
    root, build = plugin_cases
    output = build.output
    # Nothing written outside the output folder.
    assert sorted(p.name for p in root.iterdir()) == ["cache", "content", "output"]
    if not output.is_dir():
        return  # the build refused everything: nothing to serve
    problems = {}
    context, page, watch = new_watched_page(browser)
    try:
        with plain_server(output) as origin:
            for path in html_pages(output):
                page.goto(f"{origin}/{path.relative_to(output).as_posix()}", wait_until="load")
                page.wait_for_timeout(20)
                found = watch.collect()
                if found:
                    problems[path.relative_to(output).as_posix()] = found[:5]
    finally:
        context.close()
    assert watch.dialogs == []
    assert watch.hits == []
    assert problems == {}
    for path in output.glob("author/link-case*/index.html"):
        for link in soup(path).select(".author-links a"):
            assert link["href"].split(":", 1)[0] in ("http", "https", "mailto"), link
