"""Reading an article's task list as a checklist, while its Markdown is converted.

``ChecklistSourceExtension`` (a Python-Markdown extension the plugin adds to
``MARKDOWN``) looks at every document whose metadata has a ``Checklist:`` line.
It reads the one task list (``- [ ] …`` items, rendered by pymdownx.tasklist) into
a ``TaskList``: the items, and the article's HTML with the list made a checklist
source (disabled boxes and ``remind`` attributes removed, a marker after it for the
theme's download box).

It reads the list from Python-Markdown's element tree, once the tree is final (a
treeprocessor), and finds the list's HTML in the output (the postprocessor). Parsing
the output HTML again with BeautifulSoup cost three times as much, in every process
that converts Markdown. A list the tree cannot say everything about (raw HTML or a
code block in an item, a task list or timing written in raw HTML, text the output
would show as an entity) is read from the output HTML instead, with the same result:
the tree is only the faster way.

The ``TaskList`` travels in the document's metadata (key ``TASK_LIST_METADATA``), so
it is made where the Markdown is converted (in the reading worker for half of a large
build) and kept in Pelican's content cache; checklist.py turns it into the article's
``Checklist``.

What needs the whole site is left to checklist.py: links in items are kept as
written ({filename}… links are resolved once every article is read), and the
checklist's title, slug and URLs come from the article.
"""

import copy
import dataclasses
import html as html_entities
import re
from urllib.parse import urljoin

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, HTML_PLACEHOLDER_RE, STX
from markupsafe import Markup, escape
from pelican.utils import slugify
from pymdownx.tasklist import get_checkbox

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
ITEM_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
TASK_LIST_START = re.compile(r'<(ul|ol) class="task-list"')
LIST_TAG = re.compile(r"<(/?)(?:ul|ol)\b[^>]*>")
# The boxes pymdownx.tasklist stashes at the start of an item (its own markup).
BOXES = frozenset(
    get_checkbox(state, False, clickable) for state in " x" for clickable in (False, True)
)
# Text the output would show differently from the tree: the serialiser leaves an "&"
# that looks like an entity as it is, and an HTML reader then reads the entity.
ENTITY_LIKE = re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);", re.IGNORECASE)
ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+|[A-Za-z][A-Za-z0-9]*);")


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
        from bs4 import BeautifulSoup

        inline = InlineText(base_url, resolve_link)
        inline.walk(soup_parts(BeautifulSoup(self.html, "html.parser")))
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

    def walk(self, parts, in_code=False):
        """Add inline content: ``parts`` from soup_parts() or tree_parts()."""
        for part in parts:
            if isinstance(part, str):
                self.add_text(part, in_code)
                continue
            name, href, children = part
            if name in INLINE_MARKS:
                self.mark(children, name, *INLINE_MARKS[name], in_code)
            elif name == "code":
                self.code(children)
            elif name == "a" and href:
                self.link(children, href, in_code)
            elif name == "br":
                self.add_text(" ")
            else:  # any other inline element keeps its text only
                self.walk(children, in_code)

    def mark(self, children, tag, delimiter, pdf_tag, in_code):
        self.html.append(f"<{tag}>")
        self.markdown.append(delimiter)
        self.pdf.append(f"<{pdf_tag}>")
        self.walk(children, in_code)
        self.html.append(f"</{tag}>")
        self.markdown.append(delimiter)
        self.pdf.append(f"</{pdf_tag}>")

    def code(self, children):
        self.html.append("<code>")
        self.markdown.append("`")
        self.walk(children, in_code=True)
        self.html.append("</code>")
        self.markdown.append("`")

    def link(self, children, href, in_code):
        if self.resolve_link is not None:
            href = urljoin(self.base_url, self.resolve_link(href))
        self.html.append(f'<a href="{escape(href)}">')
        self.markdown.append("[")
        self.pdf.append(f'<a href="{pdf_escape(href)}" color="#0b5cad">')
        self.walk(children, in_code)
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


NO_BOX = "has no box: start every item of the checklist with '- [ ] '"
ONE_PARAGRAPH = "a checklist item is one paragraph of text"


def holds(tag):
    """What an item holding a ``tag`` element is said to hold."""
    return "a nested list" if tag in ("ul", "ol") else f"a <{tag}>"


# The errors of a list, whichever way it is read (from the HTML or from the tree).
def no_task_list(title):
    return ChecklistError(
        f"'Checklist: {title}' but the article has no checklist items; "
        "start each item of the list with '- [ ] '"
    )


def several_task_lists(count, second_text):
    return ChecklistError(
        f"{count} task lists (the second starts {short(second_text)!r}); "
        "a checklist article has exactly one list of '- [ ] ' items"
    )


def timing_outside_items(text):
    return ChecklistError(
        f"{short(text)!r} is a timing outside any checklist item: {MISPLACED_HINT}"
    )


def timing_on_no_item(text):
    return ChecklistError(
        f"{short(text)!r} has a remind= timing but is not an item of the checklist"
    )


def no_items(title):
    return ChecklistError(f"'Checklist: {title}' but its list has no items")


def item_from(paragraphs, remind, item_id, lead):
    """The ChecklistItem of an item's inline content, read one paragraph at a time.

    ``paragraphs`` holds, per paragraph, its parts (soup_parts() or tree_parts());
    ``remind`` and ``item_id`` are the item's attributes (None when absent).
    """
    inline = InlineText()
    for parts in paragraphs:
        inline.walk(parts)
        inline.add_text(" ")
    html, text, markdown, pdf = inline.result()
    if MISPLACED_TIMING.search(text):
        raise ChecklistError(f"checklist item {short(text)!r}: {MISPLACED_HINT}")
    if not text:
        raise ChecklistError("a checklist item has no text")

    timing = None
    if remind is not None:
        try:
            timing = parse_timing(remind)
        except TimingError as exc:
            raise ChecklistError(f"checklist item {short(text)!r}: {exc}") from None

    item_id = item_id or ""
    if item_id and not ITEM_ID.match(item_id):
        raise ChecklistError(
            f"checklist item {short(text)!r}: id {item_id!r} must start with a "
            "letter and hold only letters, digits, '-' and '_'"
        )
    return ChecklistItem(
        id=item_id,
        html=html,
        text=text,
        lead=lead,
        markdown=markdown,
        pdf_markup=pdf,
        timing=timing,
    )


# --- Reading the list from the output HTML (BeautifulSoup) ---------------------------------


def soup_parts(node):
    """The inline content of a BeautifulSoup node, as InlineText.walk() takes it."""
    from bs4 import Comment, NavigableString

    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            yield str(child)
        else:
            yield child.name, child.get("href"), soup_parts(child)


def lead_phrase(li):
    """The text of a bold phrase that opens the item, if any."""
    from bs4 import NavigableString

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
    from bs4 import NavigableString

    if "task-list-item" not in (li.get("class") or ()):
        raise ChecklistError(f"checklist item {short(li.get_text(' '))!r} {NO_BOX}")
    boxes = []
    for tag in li.find_all(True):  # one pass: the builds stay fast
        if tag.name == "input" and tag.get("type") == "checkbox":
            boxes.append(tag)
        elif tag.name in FORBIDDEN_TAGS:
            raise ChecklistError(
                f"checklist item {short(li.get_text(' '))!r} holds {holds(tag.name)}; "
                f"{ONE_PARAGRAPH}"
            )
    for box in boxes:
        box.decompose()
    blocks = [tag for tag in li.children if getattr(tag, "name", None) in BLOCK_TAGS]
    first = next(iter(li.contents), None)
    if isinstance(first, NavigableString):
        first.replace_with(str(first).lstrip())
    remind = li.get(REMIND_ATTRIBUTE)
    if remind is not None:
        del li[REMIND_ATTRIBUTE]
    return item_from(
        [soup_parts(block) for block in blocks] if blocks else [soup_parts(li)],
        remind,
        li.get("id"),
        lead_phrase(li),
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
    from bs4 import BeautifulSoup, Comment

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
        raise no_task_list(title)
    if len(lists) > 1:
        raise several_task_lists(len(lists), lists[1].get_text(" "))
    task_list = lists[0]
    for text in soup.find_all(string=MISPLACED_TIMING):
        if not any(parent is task_list for parent in text.parents):  # items report theirs
            raise timing_outside_items(text)
    for stray in timed:
        if stray.parent is not task_list:
            raise timing_on_no_item(stray.get_text(" "))
    items = [read_item(li) for li in task_list.find_all("li", recursive=False)]
    if not items:
        raise no_items(title)
    task_list["class"] = [*task_list.get("class", []), "checklist-source"]
    # Where the theme puts the "Download the checklist" box: right after the list.
    task_list.insert_after(Comment(BOX_MARKER))
    return items, len(before), fragment, soup.decode(formatter=html_out())


def html_out():
    """BeautifulSoup's output changing the HTML as little as possible: only &, < and > as
    entities (typographic characters stay as typed), void elements as in HTML5."""
    from bs4.dammit import EntitySubstitution
    from bs4.formatter import HTMLFormatter

    return HTMLFormatter(
        entity_substitution=EntitySubstitution.substitute_xml,
        void_element_close_prefix=None,
        empty_attributes_are_booleans=True,
    )


def checklist_title(value):
    """The title a ``Checklist:`` metadata value gives, whitespace collapsed."""
    return " ".join(str(value).split())


def document_checklist_title(md):
    """The ``Checklist:`` title of the document ``md`` converts, or None."""
    meta = getattr(md, "Meta", None)
    if not meta or "checklist" not in meta:
        return None
    values = meta["checklist"]
    return checklist_title(values[0] if len(values) == 1 else values)


# --- Reading the list from Python-Markdown's element tree ----------------------------------


class NotInTree(Exception):
    """The output shows something the tree does not: read the output HTML instead."""


class TreeText:
    """Strings of the final element tree, as a reader of the output HTML gets them."""

    def __init__(self, stash):
        self.stash = stash  # md.htmlStash.rawHtmlBlocks: what placeholders stand for

    def __call__(self, text, in_code=False):
        if not text:
            return ""
        if in_code:  # a code span holds its text escaped
            return html_entities.unescape(text)
        if ENTITY_LIKE.search(text):
            raise NotInTree
        if STX in text or ETX in text:
            text = HTML_PLACEHOLDER_RE.sub(self.stashed, text)
            if STX in text or ETX in text:
                raise NotInTree
        return text

    def stashed(self, match):
        raw = self.stash[int(match.group(1))]
        if raw in BOXES:
            return ""  # the item's box: not part of its text
        if isinstance(raw, str) and ENTITY.fullmatch(raw):
            character = html_entities.unescape(raw)
            if character != raw:
                return character
        raise NotInTree  # raw HTML: only a parser knows what it shows

    def without_boxes(self, text):
        """``text`` with the boxes' placeholders replaced by what follows their tag."""

        def unboxed(match):
            raw = self.stash[int(match.group(1))]
            return raw.rpartition(">")[2] if raw in BOXES else match.group(0)

        return HTML_PLACEHOLDER_RE.sub(unboxed, text)


def tree_parts(element, text):
    """The inline content of a tree element, as InlineText.walk() takes it."""
    if element.text:
        yield text(element.text, element.tag == "code")
    for child in element:
        if isinstance(child.tag, str):  # not a comment
            yield child.tag, text(child.get("href")), tree_parts(child, text)
        if child.tail:
            yield text(child.tail)


def strings(parts):
    """Every string of tree_parts(), in document order."""
    for part in parts:
        if isinstance(part, str):
            yield part
        else:
            yield from strings(part[2])


def tree_get_text(element, text, separator=" "):
    """What BeautifulSoup's ``get_text(separator)`` gives for the element's HTML."""
    return separator.join(strings(tree_parts(element, text)))


def tree_lead_phrase(element, text):
    """lead_phrase() of the element's HTML."""
    if text(element.text).strip():
        return ""
    for child in element:
        if child.tag in BLOCK_TAGS:
            return tree_lead_phrase(child, text)
        if child.tag in ("strong", "b"):
            return " ".join(tree_get_text(child, text, "").split())
        return ""
    return ""


def read_tree_item(li, text):
    """read_item() of the ``<li>``'s HTML (the ``<li>`` is left as it is)."""
    if "task-list-item" not in li.get("class", "").split():
        raise ChecklistError(f"checklist item {short(tree_get_text(li, text))!r} {NO_BOX}")
    for element in li.iter():
        if element.tag in FORBIDDEN_TAGS:
            raise ChecklistError(
                f"checklist item {short(tree_get_text(li, text))!r} holds "
                f"{holds(element.tag)}; {ONE_PARAGRAPH}"
            )
    blocks = [child for child in li if child.tag in BLOCK_TAGS]
    remind, item_id = li.get(REMIND_ATTRIBUTE), li.get("id")
    return item_from(
        [tree_parts(block, text) for block in blocks] if blocks else [tree_parts(li, text)],
        None if remind is None else text(remind),
        None if item_id is None else text(item_id),
        tree_lead_phrase(li, text),
    )


def made_checklist_source(task_list, text):
    """A copy of the list made a checklist source, as parse_task_list() makes its HTML."""
    source = copy.deepcopy(task_list)
    source.set("class", " ".join([*source.get("class", "").split(), "checklist-source"]))
    for li in source:
        if li.tag != "li":
            continue
        li.attrib.pop(REMIND_ATTRIBUTE, None)
        for element in li.iter():
            element.text = element.text and text.without_boxes(element.text)
            if element is not li:
                element.tail = element.tail and text.without_boxes(element.tail)
        if li.text:
            li.text = li.text.lstrip()
    return source


@dataclasses.dataclass(frozen=True)
class TreeReading:
    """The list as read from the tree; its HTML is found in the output by task_list()."""

    items: tuple = ()
    written: str = ""  # the list's HTML in the output, as the tree gives it
    source: str = ""
    problem: str = ""

    def task_list(self, html, slug_substitutions):
        """The TaskList of ``html``, or None where the list there is not ``written``."""
        if self.problem:
            return TaskList(problem=self.problem)
        region = task_list_region(html)
        if region is None or region[1] != self.written:
            return None
        return TaskList(
            items=item_ids(self.items, slug_substitutions),
            start=len(region[0]),
            written=self.written,
            source=self.source,
        )


def output_html(element, md):
    """The element's HTML in the output: serialised, raw HTML and entities restored."""
    tail, element.tail = element.tail, None
    try:
        html = md.serializer(element)
    finally:
        element.tail = tail
    for name in ("raw_html", "amp_substitute"):  # Python-Markdown's own postprocessors
        if name in md.postprocessors:
            html = md.postprocessors[name].run(html)
    if STX in html or ETX in html:
        raise NotInTree
    return html


def read_tree(root, md, title):
    """parse_task_list() of the document's output HTML, read from its final tree."""
    stash = md.htmlStash.rawHtmlBlocks
    for raw in stash:
        if raw in BOXES:
            continue
        if (
            not isinstance(raw, str)
            or "task-list" in raw
            or f" {REMIND_ATTRIBUTE}=" in raw
            or MISPLACED_TIMING.search(raw)
        ):
            raise NotInTree  # HTML in the output that may hold a list or a timing
    text = TreeText(stash)
    lists, timed, timings = [], [], []  # timings: (string, the element it is in)

    def visit(parent, in_item):
        for element in parent:
            if not isinstance(element.tag, str):
                continue
            if REMIND_ATTRIBUTE in element.attrib:
                timed.append((element, parent))
            classes = element.get("class", "").split()
            if element.tag in ("ul", "ol") and "task-list" in classes and not in_item:
                lists.append(element)
            if element.text and MISPLACED_TIMING.search(element.text):
                timings.append((element.text, element))
            visit(element, in_item or element.tag == "li")
            if element.tail and MISPLACED_TIMING.search(element.tail):
                timings.append((element.tail, parent))

    if root.text and MISPLACED_TIMING.search(root.text):
        timings.append((root.text, root))
    visit(root, False)
    if not lists:
        raise no_task_list(title)
    if len(lists) > 1:
        raise several_task_lists(len(lists), tree_get_text(lists[1], text))
    task_list = lists[0]
    inside = set(task_list.iter())
    for string, element in timings:
        if element not in inside:  # items report theirs
            raise timing_outside_items(text(string))
    for element, parent in timed:
        if parent is not task_list:
            raise timing_on_no_item(tree_get_text(element, text))
    items = [read_tree_item(li, text) for li in task_list if li.tag == "li"]
    if not items:
        raise no_items(title)
    source = output_html(made_checklist_source(task_list, text), md) + f"<!--{BOX_MARKER}-->"
    return TreeReading(items=tuple(items), written=output_html(task_list, md), source=source)


class TaskListTreeprocessor(Treeprocessor):
    """Reads a checklist document's task list from its final tree, for the postprocessor."""

    def __init__(self, md, postprocessor):
        super().__init__(md)
        self.postprocessor = postprocessor

    def run(self, root):
        reading = None
        title = document_checklist_title(self.md)
        if title is not None:
            try:
                reading = read_tree(root, self.md, title)
            except ChecklistError as exc:
                reading = TreeReading(problem=str(exc))
            except NotInTree:
                pass
        self.postprocessor.from_tree = reading


class TaskListPostprocessor(Postprocessor):
    def __init__(self, md, slug_substitutions):
        super().__init__(md)
        self.slug_substitutions = slug_substitutions
        self.from_tree = None  # the TreeReading of the document being converted, or None

    def run(self, text):
        # The toc extension also runs the postprocessors over the table of contents it
        # made: no list there. A post without any list is reported by `collect`.
        title = document_checklist_title(self.md)
        if title is not None and "task-list" in text:
            reading, self.from_tree = self.from_tree, None
            task_list = reading and reading.task_list(text, self.slug_substitutions)
            if task_list is None:
                task_list = read_task_list(text, title, self.slug_substitutions)
            # One value: Pelican passes it on as is.
            self.md.Meta[TASK_LIST_METADATA] = [task_list]
        return text


class ChecklistSourceExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "slug_substitutions": [[], "SLUG_REGEX_SUBSTITUTIONS, for the items' ids"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        substitutions = [tuple(pair) for pair in self.getConfig("slug_substitutions")]
        postprocessor = TaskListPostprocessor(md, substitutions)
        # Last of all: the output HTML, raw HTML and entities restored.
        md.postprocessors.register(postprocessor, "checklist", 1)
        # After every other treeprocessor (unescape is the last of Markdown's, at 0).
        md.treeprocessors.register(TaskListTreeprocessor(md, postprocessor), "checklist", -10)


def makeExtension(**kwargs):
    return ChecklistSourceExtension(**kwargs)


def add_to_markdown_settings(settings):
    """Have every Markdown conversion of the build read checklists (see the module notes)."""
    add_extension(settings, __name__, {"slug_substitutions": settings["SLUG_REGEX_SUBSTITUTIONS"]})
