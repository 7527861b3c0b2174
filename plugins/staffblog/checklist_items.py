"""A checklist's items: what one ``<li>`` of an article's task list says, read with
BeautifulSoup into a ``ChecklistItem`` that carries its text in every form a download
needs: inline HTML, plain text, Markdown and ReportLab's paragraph markup.
"""

import dataclasses
import re
from urllib.parse import urljoin
from xml.sax.saxutils import escape as pdf_escape  # &, < and > for ReportLab's markup

from markupsafe import Markup, escape
from pelican.utils import slugify

from .checklist_timing import Timing, TimingError, parse_timing

REMIND_ATTRIBUTE = "remind"
ID_WORDS = 6

BLOCK_TAGS = {"p"}  # block elements inside an item that read as one paragraph
# What an item cannot hold: it prints as one paragraph beside its box.
FORBIDDEN_TAGS = {"ul", "ol", "blockquote", "pre", "table", "div", "hr", "img"}
FORBIDDEN_TAGS |= {"h1", "h2", "h3", "h4", "h5", "h6"}
# (Markdown delimiter, ReportLab tag) of each inline tag; the PDF prints code as plain text.
BOLD, ITALIC, CODE = ("**", "b"), ("*", "i"), ("`", "")
INLINE_MARKS = {"strong": BOLD, "b": BOLD, "em": ITALIC, "i": ITALIC, "code": CODE}
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")
MARKDOWN_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")  # would open an HTML tag or autolink
# A "{: remind=… }" left as text: Markdown did not read it as an attribute list.
MISPLACED_TIMING = re.compile(r"\{:?[^{}]*\bremind\s*=[^{}]*\}")
MISPLACED_HINT = "put the '{: remind=\"…\" }' on the line right below the item's text "
MISPLACED_HINT += "(no blank line between), indented like the text"
ITEM_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


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
        inline.walk(BeautifulSoup(self.html, "html.parser"))
        html, _text, markdown, pdf = inline.result()
        return dataclasses.replace(self, html=html, markdown=markdown, pdf_markup=pdf)


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
        """Add the inline content of a BeautifulSoup node."""
        from bs4 import Comment, NavigableString

        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.add_text(str(child), in_code)
            elif child.name in INLINE_MARKS:
                self.mark(child, *INLINE_MARKS[child.name], in_code or child.name == "code")
            elif child.name == "a" and child.get("href"):
                self.link(child, child["href"], in_code)
            elif child.name == "br":
                self.add_text(" ")
            else:  # any other inline element keeps its text only
                self.walk(child, in_code)

    def mark(self, element, delimiter, pdf_tag, in_code):
        tag = element.name
        self.html.append(f"<{tag}>")
        self.markdown.append(delimiter)
        self.pdf.append(f"<{pdf_tag}>" if pdf_tag else "")
        self.walk(element, in_code)
        self.html.append(f"</{tag}>")
        self.markdown.append(delimiter)
        self.pdf.append(f"</{pdf_tag}>" if pdf_tag else "")

    def link(self, element, href, in_code):
        if self.resolve_link is not None:
            href = urljoin(self.base_url, self.resolve_link(href))
        self.html.append(f'<a href="{escape(href)}">')
        self.markdown.append("[")
        self.pdf.append(f'<a href="{pdf_escape(href)}" color="#0b5cad">')
        self.walk(element, in_code)
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
    from bs4 import NavigableString

    for child in li.children:
        if isinstance(child, NavigableString) and not child.strip():
            continue  # the space before it
        if child.name in BLOCK_TAGS:
            return lead_phrase(child)
        if child.name in ("strong", "b"):
            return " ".join(child.get_text().split())
        return ""
    return ""


def read_item(li):
    """One ``<li>`` of the task list as a ChecklistItem; also cleans the ``<li>``."""
    from bs4 import NavigableString

    item = f"checklist item {short(li.get_text(' '))!r}"
    if "task-list-item" not in (li.get("class") or ()):
        raise ChecklistError(f"{item} has no box: start every item with '- [ ] '")
    for tag in li.find_all(True):  # one pass: the builds stay fast
        if tag.name == "input" and tag.get("type") == "checkbox":
            tag.decompose()
        elif tag.name in FORBIDDEN_TAGS:
            held = "a nested list" if tag.name in ("ul", "ol") else f"a <{tag.name}>"
            raise ChecklistError(f"{item} holds {held}; a checklist item is one paragraph of text")
    blocks = [tag for tag in li.children if getattr(tag, "name", None) in BLOCK_TAGS]
    first = next(iter(li.contents), None)
    if isinstance(first, NavigableString):
        first.replace_with(str(first).lstrip())
    inline = InlineText()
    for node in blocks or [li]:
        inline.walk(node)
        inline.add_text(" ")
    html, text, markdown, pdf = inline.result()
    if MISPLACED_TIMING.search(text):
        raise ChecklistError(f"checklist item {short(text)!r}: {MISPLACED_HINT}")
    if not text:
        raise ChecklistError("a checklist item has no text")
    timing, remind = None, li.attrs.pop(REMIND_ATTRIBUTE, None)
    if remind is not None:
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
    return ChecklistItem(item_id, html, text, lead_phrase(li), markdown, pdf, timing)


def item_ids(items, slug_substitutions):
    """Give every item a stable id: the author's ``#id``, else the slug of its first words."""
    seen, result = set(), []
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
