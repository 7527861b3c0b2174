"""Every problem of a build, listed at its end in one plain line each (tools/build.py).

One set of broken files, one mistake each, built together: `make publish` names every
one in a single run and keeps the previous site; `make html` names the same ones,
writes the good posts and exits non-zero.
"""

import shutil
import subprocess

import pytest

from conftest import ROOT, SEED_URL, child_env, run_pelican, run_publish, snapshot

GOOD = "Author: Barbara Feldman\nCategory: Tips\n"
LONG_TAG = "Negotiating " * 30
SEED_PAGE = f"{SEED_URL}index.html"

# file under content/ -> (its text, the line the report must hold, after the file name)
BROKEN = {
    "articles/2024/impossible.md": (
        f"Title: Impossible\nDate: 2024-02-30 10:00\n{GOOD}\nBody.\n",
        ":2: Date '2024-02-30 10:00' is not a real date; write YYYY-MM-DD or YYYY-MM-DD HH:MM, "
        "e.g. 2024-05-01 09:00",
    ),
    "articles/2024/ambiguous.md": (
        f"Title: Ambiguous\nDate: 02/04/2024\n{GOOD}\nBody.\n",
        ":2: Date '02/04/2024' is not written YYYY-MM-DD (02/04/2024 could be 4 February "
        "or 2 April); write YYYY-MM-DD or YYYY-MM-DD HH:MM, e.g. 2024-05-01 09:00",
    ),
    "articles/2024/unpadded.md": (
        f"Title: Unpadded\nDate: 2024-5-1\n{GOOD}\nBody.\n",
        ":2: Date '2024-5-1' is not written YYYY-MM-DD; write YYYY-MM-DD or YYYY-MM-DD HH:MM, "
        "e.g. 2024-05-01 09:00",
    ),
    "articles/2024/modified.md": (
        f"Title: Modified\nDate: 2024-03-01\nModified: last tuesday-ish\n{GOOD}\nBody.\n",
        ":3: Modified 'last tuesday-ish' is not written YYYY-MM-DD",
    ),
    "articles/2024/no-title.md": (
        f"Date: 2024-03-01\n{GOOD}\nBody.\n",
        ": has no 'Title:' line, so it was left out; add a 'Title:' line at the top",
    ),
    "articles/2024/no-date.md": (
        f"Title: No Date\n{GOOD}\nBody.\n",
        ": has no 'Date:' line, so it was left out; add a 'Date:' line at the top",
    ),
    "articles/2024/typo.md": (
        "Title: Typo\nDate: 2024-03-02\nAuthor: Dana ONeil\nCategory: Tips\n\nBody.\n",
        ":3: Author 'Dana ONeil' is spelled \"Dana O'Neil\" in the bio {content}/authors/dana.md; "
        "write 'Author: Dana O'Neil'",
    ),
    "articles/2024/stranger.md": (
        "Title: Stranger\nDate: 2024-03-02\nAuthor: Jane Unknown\n\nBody.\n",
        ":3: Author 'Jane Unknown' has no bio; correct the name, or add "
        "{content}/authors/jane-unknown.md with 'Name: Jane Unknown'",
    ),
    "articles/2024/two-author-lines.md": (
        "Title: Two lines\nDate: 2024-03-16\nAuthor: Barbara Feldman\n"
        "Authors: Barbara Feldman, Jane Doe\nCategory: Tips\n\nBody.\n",
        ":4: Author 'Jane Doe' has no bio; correct the name, or add "
        "{content}/authors/jane-doe.md with 'Name: Jane Doe'",
    ),
    "articles/2024/no-author.md": (
        "Title: No author\nDate: 2024-03-14\nCategory: Tips\n\nBody.\n",
        ": has no 'Author:' name, so it was credited to 'Staffing Insights Team' (AUTHOR in "
        "pelicanconf.py), who has no bio; write 'Author:' and your name as in your bio",
    ),
    "articles/2024/control.md": (
        f"Title: Bell \x07 ringer\nDate: 2024-03-04\n{GOOD}\nBody.\n",
        ":1: Title holds an invisible control character (U+0007); type that line again",
    ),
    "articles/2024/latin1.md": (
        "Title: Résumé\nDate: 2024-03-04\n\nBody.\n".encode("latin-1"),
        ": is not UTF-8 text; save it as UTF-8",
    ),
    "articles/2024/unsafe.md": (
        f"Title: Unsafe\nDate: 2024-03-05\n{GOOD}Slug: javascript:alert(1)\n\nBody.\n",
        ":5: Slug 'javascript:alert(1)' is not a plain address",
    ),
    "articles/2024/same-url.md": (
        f"Title: Copy\nDate: 2013-01-31\n{GOOD}Slug: the-value-of-post-interview-follow-up\n\nA.\n",
        f":5: its address /{SEED_URL} is already used by "
        "{content}/articles/2013/the-value-of-post-interview-follow-up.md; "
        "give the file another 'Slug:'; it was left out",
    ),
    "articles/2024/resume.md": (
        f"Title: Tags\nDate: 2024-03-06\n{GOOD}Tags: Résumé, Resume\n\nBody.\n",
        ":5: Tag 'Resume' has the same address /tag/resume/ as 'Résumé' in "
        "{content}/articles/2024/resume.md; use one spelling",
    ),
    "articles/2024/emoji-tag.md": (
        f"Title: Emoji\nDate: 2024-03-09\n{GOOD}Tags: 🚀, interviews\n\nBody.\n",
        ":5: Tag '🚀' has no letter or digit to make its address from; use words",
    ),
    "articles/2024/broken-link.md": (
        f"Title: Broken link\nDate: 2024-03-10\n{GOOD}\nFirst paragraph.\n\n"
        "See [the other post]({filename}/articles/2024/no-such-post.md).\n",
        ":8: the link {filename}/articles/2024/no-such-post.md leads to no file in {content}; "
        "correct it to the path of one, from there (e.g. {filename}/articles/2024/my-post.md, "
        "{static}/images/photo.jpg)",
    ),
    "articles/2024/interview-tips.docx": (
        b"PK\x03\x04 a word-processor document",
        ": no post or page is read from a .docx file, so it was left out; save it as text "
        "named interview-tips.md (pictures go under {content}/images/)",
    ),
    "articles/2024/relative-link.md": (
        f"Title: Relative link\nDate: 2024-03-11\n{GOOD}\nSee ![the chart](images/chart.png).\n",
        ":6: the link 'images/chart.png' leads nowhere: it is read from the page's own address; "
        "link a file under the content folder with {static} or {filename} (e.g. "
        "{filename}/articles/2024/my-post.md, {static}/images/photo.jpg), or write the whole "
        "address (https://…)",
    ),
    "articles/2024/wrong-depth.md": (
        f"Title: Wrong depth\nDate: 2024-03-14\n{GOOD}\nSee ![the chart](../images/chart.png).\n",
        ":6: the link '../images/chart.png' leads to no page or file of the site (it would be "
        "/blog/2024/03/14/images/chart.png); correct it, link the post or picture with "
        "{filename} or {static} (e.g. {filename}/articles/2024/my-post.md, "
        "{static}/images/photo.jpg), or write the whole address (https://…) of a page the "
        "blog does not build",
    ),
    "articles/2024/old-address.md": (
        f"Title: Old address\nDate: 2024-03-15\n{GOOD}\n"
        f"Read [our first post](/{SEED_URL.replace('/31/', '/13/')}#tips).\n",
        f":6: the link '/{SEED_URL.replace('/31/', '/13/')}#tips' leads to no page or file of "
        f"the site (it would be /{SEED_URL.replace('/31/', '/13/')})",
    ),
    "articles/2024/related-typo.md": (
        f"Title: Related typo\nDate: 2024-03-16\n{GOOD}"
        "Related_posts: the-value-of-post-interview-follow-up, the-vaule-of-follow-up\n\nBody.\n",
        ":5: Related_posts names 'the-vaule-of-follow-up', the slug of no post, so it was left "
        "out; write the last part of the post's address (for "
        "/blog/2013/01/31/the-value-of-post-interview-follow-up/: "
        "the-value-of-post-interview-follow-up), a comma between two posts",
    ),
    "articles/2024/links-later.md": (
        f"Title: Links later\nDate: 2024-03-18\n{GOOD}\n"
        "Coming soon: [our next post]({filename}/articles/2099/coming-later.md#tips).\n",
        ":6: the link '{filename}/articles/2099/coming-later.md#tips' leads to 'Coming later', "
        "scheduled for Thursday 1 January 2099, 00:00, after this post: readers would find no "
        "page until then; take the link out until the post is published, or give this post a "
        "later 'Date:'",
    ),
    "articles/2024/links-draft.md": (
        f"Title: Links draft\nDate: 2024-03-19\n{GOOD}\nSee [the draft]({{filename}}draft.md).\n",
        ":6: the link '{filename}draft.md' leads to 'Half written', a draft: make publish leaves "
        "it out, and readers would find no page; take the link out until the post is published",
    ),
    "articles/2024/preview-address.md": (
        f"Title: Preview address\nDate: 2024-03-21\n{GOOD}\n"
        f"As [I wrote](http://127.0.0.1:8000/{SEED_URL}#tips) before.\n",
        f":6: the link 'http://127.0.0.1:8000/{SEED_URL}#tips' leads to your own computer (the "
        "preview), which readers cannot open; link a post with {filename} (e.g. "
        f"{{filename}}/articles/2024/my-post.md), or write the address from the site's root "
        f"(/{SEED_URL}#tips)",
    ),
    "articles/2024/no-scheme.md": (
        f"Title: No scheme\nDate: 2024-03-12\n{GOOD}\nSee [our jobs](www.example.com/jobs).\n",
        ":6: the link 'www.example.com/jobs' has no https:// in front, so it leads nowhere; "
        "write https://www.example.com/jobs",
    ),
    "articles/2024/timing.md": (
        f"Title: Timing\nDate: 2024-03-07\n{GOOD}Checklist: Calls\n\n"
        '- [ ] Call back\n  {: remind="every few weeks" }\n',
        ": checklist item 'Call back': cannot read timing 'every few weeks'",
    ),
    "pages/team.md": (
        "Title: Our Team\nSlug: about\n\nA second about page.\n",
        ":2: its address /about/ is already used by {content}/pages/about.md; "
        "give the file another 'Slug:'; it was left out",
    ),
    "pages/authors-list.md": (
        "Title: Our Authors\nSlug: authors\n\nClashes with the list of authors.\n",
        ":2: its address /authors/ is already the authors page; "
        "give the file another 'Slug:'; it was left out",
    ),
    "pages/over-a-post.md": (
        f"Title: Over a post\nSave_as: {SEED_PAGE}\nURL: {SEED_URL}\n\nText.\n",
        f":2: its address /{SEED_URL} is already used by "
        "{content}/articles/2013/the-value-of-post-interview-follow-up.md",
    ),
    "authors/nameless.md": ("Role: Recruiter\n\nNo name.\n", ": has no 'Name:' line"),
    "authors/dana2.md": (
        "Name: Dana O’Neil\n\nThe same address as Dana O'Neil.\n",
        ":1: Name 'Dana O’Neil' has the address /author/dana-oneil/ of \"Dana O'Neil\" in "
        "{content}/authors/dana.md; one bio per author, and names that differ in more "
        "than punctuation",
    ),
}
# Good files beside them: written whatever else is broken.
GOOD_FILES = {
    "authors/dana.md": "Name: Dana O'Neil\nRole: Recruiter\n\nDana places accountants.\n",
    "articles/2024/long-tag.md": (
        f"Title: Long Tag\nDate: 2024-03-08\n{GOOD}Tags: {LONG_TAG}\n\nBody.\n"
    ),
    "pages/greek.md": "Title: Greek\nSlug: εργασία\n\nΚαλημέρα.\n",
    "articles/2024/good-links.md": (
        f"Title: Good links\nDate: 2024-03-13\n{GOOD}\n[a](https://example.com) [b](#top) "
        "[c](/about/) [d](../../../../../authors/) [e]({filename}/pages/about.md) "
        f"[g](/images/2013/follow-up-note.jpg) [h](/about/?from=post#team) [i](/{SEED_URL}) "
        '<img src="../../../../../feed/atom/index.xml" alt="j"> [k](//example.com/x) '
        "[l](../../../../../../../about/) [m](/search/?q=follow%20up) [n](/%61bout/) "
        "<a href='mailto:jobs@example.com'>f</a> `[code](not/a/link)` \\[text\\](not-a-link)\n\n"
        "```\n[fenced](not/a/link)\n```\n\n    [indented](not/a/link)\n\n"
        "A note.[^1]\n\n[^1]: Footnote text, not a link.\n"
    ),
    "articles/2024/long-tag.md~": "An editor's backup: not a post, and no problem.\n",
    # A scheduled post named before its date: no problem, even where it is not published yet.
    "articles/2024/related-later.md": (
        f"Title: Related later\nDate: 2024-03-17\n{GOOD}"
        "Related_posts: the-value-of-post-interview-follow-up , coming-later\n\nBody.\n"
    ),
    "articles/2099/coming-later.md": f"Title: Coming later\nDate: 2099-01-01\n{GOOD}\nBody.\n",
    # Links that go out no earlier than what they lead to: a later post, and a draft.
    "articles/2099/even-later.md": (
        f"Title: Even later\nDate: 2099-06-01\n{GOOD}\nAfter [that]({{filename}}coming-later.md).\n"
    ),
    "articles/2024/draft.md": (
        f"Title: Half written\nDate: 2024-03-20\nStatus: draft\n{GOOD}\n"
        "See [the later post]({filename}/articles/2099/coming-later.md) and "
        "[the draft]({filename}draft.md).\n"
    ),
}


def write_files(content, files):
    for name, text in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())


def expected_lines(content):
    """The report's line for each broken file, the path as the build shows it."""
    shown = content.relative_to(ROOT) if content.is_relative_to(ROOT) else content
    return {
        name: f"{shown}/{name}{line.replace('{content}', str(shown))}"
        for name, (_text, line) in BROKEN.items()
    }


@pytest.fixture
def broken_content(tmp_path):
    """The real content plus every broken file, under the project folder (so the
    report shows paths relative to it, as for content/)."""
    content = ROOT / "tmp-test-content" / tmp_path.name
    shutil.copytree(ROOT / "content", content)
    write_files(content, GOOD_FILES)
    write_files(content, {name: text for name, (text, _line) in BROKEN.items()})
    yield content
    shutil.rmtree(content)
    if not any(content.parent.iterdir()):
        content.parent.rmdir()


def assert_reports_every_file(log, content):
    for name, line in expected_lines(content).items():
        assert line in log, f"{name}: expected\n{line}\nin\n{log}"
    assert "Traceback" not in log
    count = f"{len(BROKEN)} problems in {len(BROKEN)} files"
    assert count in log, log


def test_make_publish_names_every_problem_in_one_run_and_keeps_the_site(broken_content, tmp_path):
    output = tmp_path / "public"
    clean = ROOT / "content"
    first = run_publish(clean, output)
    assert first.returncode == 0, first.log
    before = snapshot(output)

    published = run_publish(broken_content, output)
    assert published.returncode != 0
    assert_reports_every_file(published.log, broken_content)
    assert snapshot(output) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".output-")]


def test_make_html_writes_the_good_posts_and_exits_non_zero(broken_content, tmp_path):
    build = run_pelican(broken_content, tmp_path / "output")
    assert build.returncode != 0
    assert_reports_every_file(build.log, broken_content)
    assert build.path(SEED_URL).is_file()
    assert build.path("blog/2024/03/08/long-tag/").is_file()
    tag_pages = [p.parent.name for p in (build.output / "tag").glob("negotiating*/index.html")]
    assert tag_pages and all(len(name) <= 80 for name in tag_pages)
    assert build.path("εργασία/").is_file()
    about = build.html("about/").find("h1").get_text()
    assert about == "About"


def test_the_report_is_not_wrapped_when_piped(broken_content, tmp_path):
    """`make html` in cron or an editor: output piped, a narrow COLUMNS; no line split."""
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "html",
            f"INPUTDIR={broken_content}",
            f"OUTPUTDIR={tmp_path / 'output'}",
            f"PELICANOPTS=--cache-path {tmp_path / 'cache'}",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=child_env({"COLUMNS": "40"}),
        check=False,
        timeout=600,
    )
    assert result.returncode != 0
    lines = result.stdout.splitlines()
    for name, line in expected_lines(broken_content).items():
        assert any(line in whole for whole in lines), f"{name}: {line!r} split in\n{result.stdout}"


def test_a_build_that_stops_says_why_on_its_last_line_and_counts_no_problem(tmp_path):
    """A build stopped by the site's code (here a broken template), not by a writer's file:
    one line says so, after no list or count of problems in files, and the exit status is 1."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    with (theme / "templates" / "tag.html").open("a", encoding="utf-8") as template:
        template.write("{% if %}")
    build = run_pelican(
        ROOT / "content", tmp_path / "output", "pelicanconf.py", "-e", f'THEME="{theme}"'
    )
    assert build.returncode == 1, build.log
    last = build.log.strip().splitlines()[-1]
    assert last.startswith("the build stopped: TemplateSyntaxError: "), build.log
    assert "problem" not in build.log and "Traceback" not in build.log, build.log


def test_a_link_to_a_page_an_earlier_build_left_in_output_is_reported(content_copy, tmp_path):
    """A post's address changed: its old page stays in output/ from the build before, and a
    post linking the old address gets the line `make publish` (a fresh folder) would give."""
    post = content_copy / "articles" / "2024" / "renamed.md"
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text(f"Title: Renamed\nSlug: first-name\nDate: 2024-03-01\n{GOOD}\nBody.\n")
    first = run_pelican(content_copy, tmp_path / "output")
    assert first.returncode == 0, first.log
    old_page = first.path("blog/2024/03/01/first-name/")
    assert old_page.is_file()

    post.write_text(post.read_text().replace("first-name", "second-name"))
    (post.parent / "links.md").write_text(
        f"Title: Links\nDate: 2024-03-02\n{GOOD}\n"
        "[old](/blog/2024/03/01/first-name/) [new](/blog/2024/03/01/second-name/)\n"
    )
    second = run_pelican(content_copy, tmp_path / "output")
    assert second.returncode != 0
    assert old_page.is_file()  # still there: make html does not empty output/
    assert (
        "links.md:6: the link '/blog/2024/03/01/first-name/' leads to no page or file of the "
        "site (it would be /blog/2024/03/01/first-name/)"
    ) in second.log
    assert "second-name/' leads" not in second.log
    assert "1 problem in 1 file" in second.log, second.log


def test_a_link_by_address_to_a_scheduled_post_is_reported_by_preview_and_publish(
    content_copy, tmp_path
):
    """The preview writes a scheduled post's page, so its address leads somewhere there: the
    preview says when the post goes out; a publish, which has no such page, says that."""
    later = content_copy / "articles" / "2099" / "coming-later.md"
    later.parent.mkdir(parents=True)
    later.write_text(f"Title: Coming later\nDate: 2099-01-01\n{GOOD}\nBody.\n")
    (content_copy / "articles" / "links.md").write_text(
        f"Title: Links\nDate: 2024-03-02\n{GOOD}\nSoon: [more](/blog/2099/01/01/coming-later/).\n"
    )
    link = "links.md:6: the link '/blog/2099/01/01/coming-later/' leads to"
    preview = run_pelican(content_copy, tmp_path / "output")
    assert preview.returncode != 0
    assert f"{link} 'Coming later', scheduled for Thursday 1 January 2099, 00:00" in preview.log
    published = run_publish(content_copy, tmp_path / "public")
    assert published.returncode != 0
    assert f"{link} no page or file of the site" in published.log
