"""Bad checklists: `make html` shows an error naming the file and item; `make publish` fails."""

import pytest

from conftest import SEED_URL, run_pelican, run_publish, snapshot

HEAD = "Title: {title}\nDate: {date}\nAuthor: Barbara Feldman\nCategory: Tips\n"


def article(title, body, date="2015-05-05", extra=""):
    return HEAD.format(title=title, date=date) + extra + "\n" + body


# name -> ({file name: text}, [what the log must say])
BROKEN = {
    "checklist without items": (
        {
            "broken.md": article(
                "No Items",
                "A plain list:\n\n- one\n- two\n",
                extra="Checklist: Empty list\n",
            )
        },
        ["'Checklist: Empty list' but the article has no checklist items"],
    ),
    "unreadable timing": (
        {
            "broken.md": article(
                "Bad Timing",
                '- [ ] Call the recruiter back\n  {: remind="every few weeks" }\n',
                extra="Checklist: Calls\n",
            )
        },
        ["checklist item 'Call the recruiter back'", "cannot read timing 'every few weeks'"],
    ),
    "two checklists with the same URL": (
        {
            "a.md": article("First", "- [ ] first step\n", extra="Slug: same\nChecklist: A\n"),
            "broken.md": article(
                "Second",
                "- [ ] second step\n",
                date="2016-06-06",
                extra="Slug: same\nChecklist: B\n",
            ),
        },
        ["checklist URL '/checklists/same/' is already the checklist of", "a.md"],
    ),
}

# Only shown by `make html` (publish fails the same way for every error above).
BROKEN_HTML_ONLY = {
    "timing on the item's own line": (
        {
            "broken.md": article(
                "Inline Timing",
                '- [ ] Send the note { remind="within 24 hours" }\n',
                extra="Checklist: Notes\n",
            )
        },
        ["checklist item 'Send the note", "on the line right below the item's text"],
    ),
    "timing after a blank line": (
        {
            "broken.md": article(
                "Loose Timing",
                '- [ ] Send the note\n\n{: remind="within 24 hours" }\n',
                extra="Checklist: Notes\n",
            )
        },
        ["is a timing outside any checklist item", "on the line right below the item's text"],
    ),
    "two task lists": (
        {
            "broken.md": article(
                "Two Lists",
                "- [ ] one\n\nText.\n\n- [ ] other\n",
                extra="Checklist: Two\n",
            )
        },
        ["2 task lists (the second starts 'other')"],
    ),
    "an item without a box": (
        {"broken.md": article("Mixed", "- [ ] boxed\n- not boxed\n", extra="Checklist: Mixed\n")},
        ["checklist item 'not boxed' has no box"],
    ),
    "a character the PDF font lacks": (
        {
            "broken.md": article(
                "Greetings", "- [ ] Say 面接 to the panel\n", extra="Checklist: Greetings\n"
            )
        },
        ["item 'Say 面接 to the panel': the PDF font has no '接' (U+63A5), '面' (U+9762)"],
    ),
    "timing without a checklist line": (
        {"broken.md": article("Stray Timing", '- [ ] step\n  {: remind="within 2 days" }\n')},
        ["has a remind= timing but the article has no 'Checklist:' line"],
    ),
}


def add_articles(content, files):
    for name, text in files.items():
        (content / "articles" / name).write_text(text)


@pytest.mark.parametrize("case", sorted(BROKEN | BROKEN_HTML_ONLY))
def test_make_html_reports_file_and_item(content_copy, tmp_path, case):
    files, messages = (BROKEN | BROKEN_HTML_ONLY)[case]
    add_articles(content_copy, files)
    build = run_pelican(content_copy, tmp_path / "out")
    assert build.returncode == 1, build.log
    assert str(content_copy / "articles" / "broken.md") in build.log
    for message in messages:
        assert message in build.log
    # The broken checklist is not written; the rest of the site is.
    assert build.path(SEED_URL).is_file()
    assert build.path("checklists/the-value-of-post-interview-follow-up/").is_file()
    written = {p.name for p in (build.output / "checklists").iterdir()}
    assert written <= {"index.html", "the-value-of-post-interview-follow-up", "same"}
    if "same" in written:  # the first article keeps its checklist
        page = build.html("checklists/same/")
        assert page.select_one(".checklist__label").get_text(strip=True) == "first step"


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_publish_fails_and_keeps_previous_site(content_copy, tmp_path, case):
    output = tmp_path / "output"
    first = run_publish(content_copy, output)
    assert first.returncode == 0, first.log
    before = snapshot(output)

    files, messages = BROKEN[case]
    add_articles(content_copy, files)
    second = run_publish(content_copy, output)

    assert second.returncode != 0
    assert str(content_copy / "articles" / "broken.md") in second.log
    for message in messages:
        assert message in second.log
    after = snapshot(output)
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".output-")]
