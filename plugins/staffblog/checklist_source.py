"""Reading an article's task list as a checklist, while its Markdown is converted.

``ChecklistSourceExtension`` (a Python-Markdown extension the plugin adds to
``MARKDOWN``) looks at every document whose metadata has a ``Checklist:`` line.
Its postprocessor reads the one task list (``- [ ] …`` items, rendered by
pymdownx.tasklist) into a ``TaskList``: the items, and the article's HTML with the
list made a checklist source (disabled boxes and ``remind`` attributes removed, a
marker after it for the theme's download box). The ``TaskList`` travels in the
document's metadata (key ``TASK_LIST_METADATA``), so it is made where the Markdown
is converted (in the reading worker for half of a large build) and kept in
Pelican's content cache; checklist.py turns it into the article's ``Checklist``.

What needs the whole site is left to checklist.py: links in items are kept as
written ({filename}… links are resolved once every article is read), and the
checklist's title, slug and URLs come from the article.
"""

import dataclasses
import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, NavigableString
from bs4.dammit import EntitySubstitution
from bs4.formatter import HTMLFormatter
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markupsafe import Markup, escape
from pelican.utils import slugify

from .checklist_timing import Timing, TimingError, parse_timing
from .markdown_reader import add_extension

# The metadata key holding an article's TaskList.
TASK_LIST_METADATA = "checklist_task_list"
# Bump when TaskList or ChecklistItem change: cached ones are then read again.
TASK_LIST_VERSION = 1
REMIND_ATTRIBUTE = "remind"
BOX_MARKER = "checklist-box"  # an HTML comment after the list; see article.html
ID_WORDS = 6
BLOCK_TAGS = {"p"}  # block elements inside an item that read as one paragraph
# What an item cannot hold: it prints as one paragraph beside its box.
FORBIDDEN_TAGS = {"ul", "ol", "blockquote", "pre", "table", "div", "hr", "img"}
FORBIDDEN_TAGS |= {"h1", "h2", "h3", "h4", "h5", "h6"}
INLINE_MARKS = {
    # tag: (Markdown delimiter, ReportLab tag)
    "strong": ("**", "b"),
    "b": ("**", "b"),
    "em": ("*", "i"),
    "i": ("*", "i"),
}
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")
MARKDOWN_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")  # would open an HTML tag or autolink
# A "{: remind=… }" left as text: Markdown did not read it as an attribute list.
MISPLACED_TIMING = re.compile(r"\{:?[^{}]*\bremind\s*=[^{}]*\}")
MISPLACED_HINT = (
    "put the '{: remind=\"…\" }' on the line right below the item's text "
    "(no blank line between), indented like the text"
)
# Re-serialise article HTML changing as little as possible: only &, < and > as
# entities (typographic characters stay as typed), void elements as in HTML5.
HTML_OUT = HTMLFormatter(
    entity_substitution=EntitySubstitution.substitute_xml,
    void_element_close_prefix=None,
    empty_attributes_are_booleans=True,
)
ITEM_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
TASK_LIST_START = re.compile(r'<(ul|ol) class="task-list"')
LIST_TAG = re.compile(r"<(/?)(?:ul|ol)\b[^>]*>")


def pdf_escape(text):
    """Text for ReportLab's paragraph markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ChecklistError(ValueError):
    """A list that cannot be a checklist; the message names the item (not the file)."""


@dataclasses.dataclass(frozen=True)
class ChecklistItem:
    id: str  # stable: localStorage key, calendar UID, HTML ids
    html: Markup  # inline HTML (bold, italic, code, links)
    text: str  # plain text
    lead: str  # the bold phrase the item starts with, or ""
    markdown: str  # inline Markdown
    pdf_markup: str  # ReportLab paragraph markup
    timing: Timing | None = None

    @property
    def summary(self):
        """A calendar event title: the lead phrase, else the text cut at a word."""
        if self.lead:
            return self.lead.rstrip(" .,:;—–-")
        if len(self.text) <= 70:
            return self.text
        return self.text[:70].rsplit(" ", 1)[0] + "…"

    def with_links(self, base_url, resolve_link):
        """The item with its links resolved (``resolve_link``) and made absolute."""
        if "<a " not in self.html:
            return self
        inline = InlineText(base_url, resolve_link)
        inline.walk(BeautifulSoup(self.html, "html.parser"))
        html, _text, markdown, pdf = inline.result()
        return dataclasses.replace(self, html=html, markdown=markdown, pdf_markup=pdf)


@dataclasses.dataclass(frozen=True)
class TaskList:
    """An article's task list read as a checklist, or why it cannot be one.

    It keeps only the list's part of the article's HTML, as written and as made a
    checklist source: the content cache then holds the article once, not twice.
    """

    items: tuple = ()  # ChecklistItem, with ids; links as written
    start: int = 0  # where the list starts in the article's HTML
    written: str = ""  # the list's HTML as converted
    source: str = ""  # the list's HTML made a checklist source
    problem: str = ""  # names the item at fault
    version: int = TASK_LIST_VERSION

    @property
    def current(self):
        """False for one made by another version of this module (from a cache)."""
        return vars(self).get("version") == TASK_LIST_VERSION

    def read_from(self, html):
        """Whether this was read from ``html``."""
        return (
            bool(self.problem) or html[self.start : self.start + len(self.written)] == self.written
        )

    def applied_to(self, html):
        """``html`` with the list made a checklist source."""
        end = self.start + len(self.written)
        return html[: self.start] + self.source + html[end:]


class InlineText:
    """Turns an item's inline HTML into HTML, plain text, Markdown and PDF markup."""

    def __init__(self, base_url="", resolve_link=None):
        self.base_url = base_url
        self.resolve_link = resolve_link
        self.html, self.text, self.markdown, self.pdf = [], [], [], []

    def add_text(self, raw, in_code=False):
        text = re.sub(r"\s+", " ", raw)
        if not text:
            return
        self.html.append(str(escape(text)))
        self.text.append(text)
        self.pdf.append(pdf_escape(text))
        if not in_code:
            text = MARKDOWN_TAG_START.sub("&lt;", MARKDOWN_SPECIAL.sub(r"\\\1", text))
        self.markdown.append(text)

    def walk(self, node, in_code=False):
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.add_text(str(child), in_code)
            elif child.name in INLINE_MARKS:
                self.mark(child, child.name, *INLINE_MARKS[child.name], in_code)
            elif child.name == "code":
                self.code(child)
            elif child.name == "a" and child.get("href"):
                self.link(child, in_code)
            elif child.name == "br":
                self.add_text(" ")
            else:  # any other inline element keeps its text only
                self.walk(child, in_code)

    def mark(self, node, tag, delimiter, pdf_tag, in_code):
        self.html.append(f"<{tag}>")
        self.markdown.append(delimiter)
        self.pdf.append(f"<{pdf_tag}>")
        self.walk(node, in_code)
        self.html.append(f"</{tag}>")
        self.markdown.append(delimiter)
        self.pdf.append(f"</{pdf_tag}>")

    def code(self, node):
        self.html.append("<code>")
        self.markdown.append("`")
        self.walk(node, in_code=True)
        self.html.append("</code>")
        self.markdown.append("`")

    def link(self, node, in_code):
        href = node["href"]
        if self.resolve_link is not None:
            href = urljoin(self.base_url, self.resolve_link(href))
        self.html.append(f'<a href="{escape(href)}">')
        self.markdown.append("[")
        self.pdf.append(f'<a href="{pdf_escape(href)}" color="#0b5cad">')
        self.walk(node, in_code)
        self.html.append("</a>")
        self.markdown.append(f"]({href})")
        self.pdf.append("</a>")

    def result(self):
        return (
            Markup("".join(self.html).strip()),
            "".join(self.text).strip(),
            "".join(self.markdown).strip(),
            "".join(self.pdf).strip(),
        )


def short(text, limit=60):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lead_phrase(li):
    """The text of a bold phrase that opens the item, if any."""
    for child in li.children:
        if isinstance(child, NavigableString):
            if str(child).strip():
                return ""
            continue
        if child.name in BLOCK_TAGS:
            return lead_phrase(child)
        if child.name in ("strong", "b"):
            return " ".join(child.get_text().split())
        return ""
    return ""


def read_item(li):
    """One ``<li>`` of the task list as a ChecklistItem; also cleans the ``<li>``."""
    if "task-list-item" not in (li.get("class") or ()):
        raise ChecklistError(
            f"checklist item {short(li.get_text(' '))!r} has no box: start every "
            "item of the checklist with '- [ ] '"
        )
    boxes = []
    for tag in li.find_all(True):  # one pass: the builds stay fast
        if tag.name == "input" and tag.get("type") == "checkbox":
            boxes.append(tag)
        elif tag.name in FORBIDDEN_TAGS:
            what = "a nested list" if tag.name in ("ul", "ol") else f"a <{tag.name}>"
            raise ChecklistError(
                f"checklist item {short(li.get_text(' '))!r} holds {what}; "
                "a checklist item is one paragraph of text"
            )
    for box in boxes:
        box.decompose()
    blocks = [tag for tag in li.children if getattr(tag, "name", None) in BLOCK_TAGS]
    first = next(iter(li.contents), None)
    if isinstance(first, NavigableString):
        first.replace_with(str(first).lstrip())

    inline = InlineText()
    if blocks:
        for block in blocks:
            inline.walk(block)
            inline.add_text(" ")
    else:
        inline.walk(li)
    html, text, markdown, pdf = inline.result()
    if MISPLACED_TIMING.search(text):
        raise ChecklistError(f"checklist item {short(text)!r}: {MISPLACED_HINT}")
    if not text:
        raise ChecklistError("a checklist item has no text")

    timing = None
    remind = li.get(REMIND_ATTRIBUTE)
    if remind is not None:
        del li[REMIND_ATTRIBUTE]
        try:
            timing = parse_timing(remind)
        except TimingError as exc:
            raise ChecklistError(f"checklist item {short(text)!r}: {exc}") from None

    item_id = li.get("id") or ""
    if item_id and not ITEM_ID.match(item_id):
        raise ChecklistError(
            f"checklist item {short(text)!r}: id {item_id!r} must start with a "
            "letter and hold only letters, digits, '-' and '_'"
        )
    return ChecklistItem(
        id=item_id,
        html=html,
        text=text,
        lead=lead_phrase(li),
        markdown=markdown,
        pdf_markup=pdf,
        timing=timing,
    )


def item_ids(items, slug_substitutions):
    """Give every item a stable id: the author's ``#id``, else the slug of its first words."""
    seen = set()
    result = []
    for number, item in enumerate(items, start=1):
        item_id = item.id
        if not item_id:
            words = " ".join((item.lead or item.text).split()[:ID_WORDS])
            item_id = slugify(words, regex_subs=slug_substitutions)
            if not item_id or not item_id[0].isalpha():
                item_id = f"item-{item_id or number}"
        base, suffix = item_id, 2
        while item_id in seen:
            item_id = f"{base}-{suffix}"
            suffix += 1
        seen.add(item_id)
        result.append(dataclasses.replace(item, id=item_id))
    return tuple(result)


def task_list_region(html):
    """``(before, task list, after)`` when the article's one task list can be parsed alone.

    Parsing a whole article is most of a checklist's cost; the list is a small part
    of it. Anything unusual (several or nested task lists, a timing elsewhere) gets
    None, and the whole article is parsed so the error can name what is wrong.
    """
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


def read_task_list(html, title, slug_substitutions):
    """The article's task list as a TaskList (with ``problem`` set if it is no checklist)."""
    try:
        items, start, written, source = parse_task_list(html, title)
    except ChecklistError as exc:
        return TaskList(problem=str(exc))
    return TaskList(
        items=item_ids(items, slug_substitutions), start=start, written=written, source=source
    )


def parse_task_list(html, title):
    """(items, where the list starts, its HTML, its HTML made a checklist source)."""
    region = task_list_region(html)
    before, fragment, _after = region if region else ("", html, "")
    soup = BeautifulSoup(fragment, "html.parser")
    lists, timed = [], []
    for tag in soup.find_all(True):  # one pass: the builds stay fast
        if tag.has_attr(REMIND_ATTRIBUTE):
            timed.append(tag)
        if (
            tag.name in ("ul", "ol")
            and "task-list" in tag.get("class", ())
            and tag.find_parent("li") is None
        ):
            lists.append(tag)
    if not lists:
        raise ChecklistError(
            f"'Checklist: {title}' but the article has no checklist items; "
            "start each item of the list with '- [ ] '"
        )
    if len(lists) > 1:
        second = short(lists[1].get_text(" "))
        raise ChecklistError(
            f"{len(lists)} task lists (the second starts {second!r}); "
            "a checklist article has exactly one list of '- [ ] ' items"
        )
    task_list = lists[0]
    for text in soup.find_all(string=MISPLACED_TIMING):
        if not any(parent is task_list for parent in text.parents):  # items report theirs
            raise ChecklistError(
                f"{short(text)!r} is a timing outside any checklist item: {MISPLACED_HINT}"
            )
    for stray in timed:
        if stray.parent is not task_list:
            raise ChecklistError(
                f"{short(stray.get_text(' '))!r} has a remind= timing but is not "
                "an item of the checklist"
            )
    items = [read_item(li) for li in task_list.find_all("li", recursive=False)]
    if not items:
        raise ChecklistError(f"'Checklist: {title}' but its list has no items")
    task_list["class"] = [*task_list.get("class", []), "checklist-source"]
    # Where the theme puts the "Download the checklist" box: right after the list.
    task_list.insert_after(Comment(BOX_MARKER))
    return items, len(before), fragment, soup.decode(formatter=HTML_OUT)


def checklist_title(value):
    """The title a ``Checklist:`` metadata value gives, whitespace collapsed."""
    return " ".join(str(value).split())


class TaskListPostprocessor(Postprocessor):
    def __init__(self, md, slug_substitutions):
        super().__init__(md)
        self.slug_substitutions = slug_substitutions

    def run(self, text):
        meta = getattr(self.md, "Meta", None)
        # The toc extension also runs the postprocessors over the table of contents it
        # made: no list there. A post without any list is reported by `collect`.
        if meta and "checklist" in meta and "task-list" in text:
            values = meta["checklist"]
            title = checklist_title(values[0] if len(values) == 1 else values)
            task_list = read_task_list(text, title, self.slug_substitutions)
            meta[TASK_LIST_METADATA] = [task_list]  # one value: Pelican passes it on as is
        return text


class ChecklistSourceExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "slug_substitutions": [[], "SLUG_REGEX_SUBSTITUTIONS, for the items' ids"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        substitutions = [tuple(pair) for pair in self.getConfig("slug_substitutions")]
        # Last of all: it reads the final HTML, raw HTML and entities restored.
        md.postprocessors.register(TaskListPostprocessor(md, substitutions), "checklist", 1)


def makeExtension(**kwargs):
    return ChecklistSourceExtension(**kwargs)


def add_to_markdown_settings(settings):
    """Have every Markdown conversion of the build read checklists (see the module notes)."""
    add_extension(settings, __name__, {"slug_substitutions": settings["SLUG_REGEX_SUBSTITUTIONS"]})
