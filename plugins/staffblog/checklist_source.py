"""Finding an article's task list, and making it the source of a checklist.

The one ``- [ ] …`` list of an article with a ``Checklist:`` line is read once, with the
article (reader.py), into a ``TaskList``; in the HTML it loses its disabled boxes and
``remind`` attributes, and a marker after it tells the theme where the download box stands.
"""

import dataclasses
import re

from .checklist_items import (
    MISPLACED_HINT,
    MISPLACED_TIMING,
    REMIND_ATTRIBUTE,
    ChecklistError,
    item_ids,
    read_item,
    short,
)

# The metadata key holding an article's TaskList.
TASK_LIST_METADATA = "checklist_task_list"
BOX_MARKER = "checklist-box"  # an HTML comment after the list; see article.html
TASK_LIST_START = re.compile(r'<(ul|ol) class="task-list"')
LIST_TAG = re.compile(r"<(/?)(?:ul|ol)\b[^>]*>")


@dataclasses.dataclass(frozen=True)
class TaskList:
    """An article's task list read as a checklist, or why it cannot be one."""

    items: tuple = ()  # ChecklistItem, with ids; links as written
    problem: str = ""  # names the item at fault


def task_list_region(html):
    """``(before, task list, after)`` when the list can be parsed alone; else None (several
    or nested lists, a timing elsewhere), and the whole article is parsed to say why."""
    starts = [match.start() for match in TASK_LIST_START.finditer(html)]
    if len(starts) != 1:
        return None
    start, depth = starts[0], 0
    for tag in LIST_TAG.finditer(html, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            end = tag.end()
            break
    else:
        return None
    before, after = html[:start], html[end:]
    if before.count("<li") != before.count("</li>"):
        return None  # the task list sits inside another list's item
    for outside in (before, after):
        if f" {REMIND_ATTRIBUTE}=" in outside or MISPLACED_TIMING.search(outside):
            return None
    return before, html[start:end], after


def read_task_list(html, metadata, settings):
    """``(TaskList, html)``: the article's list, and its HTML with the list made a
    checklist source; the HTML unchanged when the list is no checklist (``problem``)."""
    try:
        items, html = parse_task_list(html, checklist_title(metadata["checklist"]))
    except ChecklistError as exc:
        return TaskList(problem=str(exc)), html
    return TaskList(items=item_ids(items, settings["SLUG_REGEX_SUBSTITUTIONS"])), html


def parse_task_list(html, title):
    """(items, the article's HTML with its task list made a checklist source)."""
    from bs4 import BeautifulSoup, Comment
    from bs4.dammit import EntitySubstitution
    from bs4.formatter import HTMLFormatter

    before, fragment, after = task_list_region(html) or ("", html, "")
    soup = BeautifulSoup(fragment, "html.parser")
    task_lists = soup.find_all(["ul", "ol"], class_="task-list")
    lists = [tag for tag in task_lists if tag.find_parent("li") is None]  # not inside an item
    if not lists:
        raise ChecklistError(
            f"'Checklist: {title}' but the article has no checklist items; "
            "start each item of the list with '- [ ] '"
        )
    if len(lists) > 1:
        raise ChecklistError(
            f"{len(lists)} task lists (the second starts {short(lists[1].get_text(' '))!r}); "
            "a checklist article has exactly one list of '- [ ] ' items"
        )
    task_list = lists[0]
    for text in soup.find_all(string=MISPLACED_TIMING):
        if not any(parent is task_list for parent in text.parents):  # items report theirs
            raise ChecklistError(
                f"{short(text)!r} is a timing outside any checklist item: {MISPLACED_HINT}"
            )
    for stray in soup.find_all(attrs={REMIND_ATTRIBUTE: True}):
        if stray.parent is not task_list:
            raise ChecklistError(
                f"{short(stray.get_text(' '))!r} has a remind= timing but is not a checklist item"
            )
    items = [read_item(li) for li in task_list.find_all("li", recursive=False)]
    if not items:
        raise ChecklistError(f"'Checklist: {title}' but its list has no items")
    task_list["class"] = [*task_list.get("class", []), "checklist-source"]
    # Where the theme puts the "Download the checklist" box: right after the list.
    task_list.insert_after(Comment(BOX_MARKER))
    # Changing the HTML as little as possible: only &, < and > as entities (typographic
    # characters stay as typed), void elements as in HTML5.
    formatter = HTMLFormatter(
        entity_substitution=EntitySubstitution.substitute_xml,
        void_element_close_prefix=None,
        empty_attributes_are_booleans=True,
    )
    return items, before + soup.decode(formatter=formatter) + after


def checklist_title(value):
    """The title a ``Checklist:`` metadata value gives, whitespace collapsed."""
    return " ".join(str(value).split())
