"""Downloadable checklists built from an article's task list.

An article opts in with a ``Checklist: <title>`` metadata line; its one task list
(``- [ ] …`` items, rendered by pymdownx.tasklist) becomes the checklist. An item
may carry a reminder timing on the line below it, as a Python-Markdown attribute
list: ``{: remind="within 24 hours" }`` (grammar in ``checklist_timing``).

Collected at ``article_generator_finalized`` (the article's list loses its
disabled boxes and gets ``data-checklist-source``); ``ChecklistGenerator`` then
writes, per checklist, a printable page, a PDF and a Markdown file, plus an
index of every checklist. A bad checklist is logged as an error naming the file
and the item, and nothing is written for it.

Templates read ``article.downloadable_checklist`` (a ``Checklist`` or absent) and,
on the pages written here, ``checklist`` / ``checklists``.
"""

import contextlib
import dataclasses
import hashlib
import json
import logging
import multiprocessing
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from urllib.parse import urljoin

import reportlab
from bs4 import BeautifulSoup, Comment, NavigableString
from bs4.dammit import EntitySubstitution
from bs4.formatter import HTMLFormatter
from markupsafe import Markup, escape
from pelican import signals
from pelican.generators import Generator
from pelican.utils import sanitised_join, slugify

from . import settings as plugin_settings
from .checklist_timing import Timing, TimingError, parse_timing

logger = logging.getLogger(__name__)

# Bump when the PDF layout changes, so cached PDFs are rebuilt.
PDF_LAYOUT_VERSION = "2"
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


def pdf_escape(text):
    """Text for ReportLab's paragraph markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ChecklistError(ValueError):
    """A checklist that cannot be built; the message names the file and the item."""


@dataclasses.dataclass(frozen=True)
class ChecklistItem:
    id: str  # stable: localStorage key, calendar UID, HTML ids
    html: Markup  # inline HTML (bold, italic, code, links made absolute)
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


@dataclasses.dataclass(frozen=True)
class Checklist:
    title: str
    slug: str
    source_path: str
    article: object  # the pelican Article the list comes from
    items: tuple
    url: str
    save_as: str
    pdf_url: str
    md_url: str
    site_name: str
    site_url: str  # SITEURL as configured (absolute in production)

    @property
    def timed_items(self):
        return tuple(item for item in self.items if item.timing)

    @property
    def absolute_url(self):
        return f"{self.site_url}/{self.url}"

    @property
    def article_absolute_url(self):
        return f"{self.site_url}/{self.article.url}"

    @property
    def description(self):
        return (
            f"A printable checklist of {len(self.items)} steps from the article "
            f"“{self.article.title}”, with PDF, Markdown and calendar reminders."
        )


# --- Reading the article's task list -------------------------------------------


class InlineText:
    """Turns an item's inline HTML into HTML, plain text, Markdown and PDF markup."""

    def __init__(self, base_url, resolve_link):
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
        href = urljoin(self.base_url, self.resolve_link(node["href"]))
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


def read_item(li, source, base_url, resolve_link):
    """One ``<li>`` of the task list as a ChecklistItem; also cleans the ``<li>``."""
    if "task-list-item" not in (li.get("class") or ()):
        raise ChecklistError(
            f"{source}: checklist item {short(li.get_text(' '))!r} has no box: start every "
            "item of the checklist with '- [ ] '"
        )
    boxes = []
    for tag in li.find_all(True):  # one pass: the builds stay fast
        if tag.name == "input" and tag.get("type") == "checkbox":
            boxes.append(tag)
        elif tag.name in FORBIDDEN_TAGS:
            what = "a nested list" if tag.name in ("ul", "ol") else f"a <{tag.name}>"
            raise ChecklistError(
                f"{source}: checklist item {short(li.get_text(' '))!r} holds {what}; "
                "a checklist item is one paragraph of text"
            )
    for box in boxes:
        box.decompose()
    blocks = [tag for tag in li.children if getattr(tag, "name", None) in BLOCK_TAGS]
    first = next(iter(li.contents), None)
    if isinstance(first, NavigableString):
        first.replace_with(str(first).lstrip())

    inline = InlineText(base_url, resolve_link)
    if blocks:
        for block in blocks:
            inline.walk(block)
            inline.add_text(" ")
    else:
        inline.walk(li)
    html, text, markdown, pdf = inline.result()
    if MISPLACED_TIMING.search(text):
        raise ChecklistError(f"{source}: checklist item {short(text)!r}: {MISPLACED_HINT}")
    if not text:
        raise ChecklistError(f"{source}: a checklist item has no text")

    timing = None
    remind = li.get(REMIND_ATTRIBUTE)
    if remind is not None:
        del li[REMIND_ATTRIBUTE]
        try:
            timing = parse_timing(remind)
        except TimingError as exc:
            raise ChecklistError(f"{source}: checklist item {short(text)!r}: {exc}") from None

    lead = lead_phrase(li)
    item_id = li.get("id") or ""
    if item_id and not ITEM_ID.match(item_id):
        raise ChecklistError(
            f"{source}: checklist item {short(text)!r}: id {item_id!r} must start with a "
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


def item_ids(items, settings):
    """Give every item a stable id: the author's ``#id``, else the slug of its first words."""
    seen = set()
    result = []
    for number, item in enumerate(items, start=1):
        item_id = item.id
        if not item_id:
            words = " ".join((item.lead or item.text).split()[:ID_WORDS])
            item_id = slugify(words, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])
            if not item_id or not item_id[0].isalpha():
                item_id = f"item-{item_id or number}"
        base, suffix = item_id, 2
        while item_id in seen:
            item_id = f"{base}-{suffix}"
            suffix += 1
        seen.add(item_id)
        result.append(dataclasses.replace(item, id=item_id))
    return tuple(result)


def checklist_slug(article, settings):
    chosen = str(article.metadata.get("checklist-slug", "")).strip()
    if not chosen:
        return article.slug
    return slugify(chosen, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])


def output_names(settings, slug):
    def value(name):
        return plugin_settings.get(settings, name).format(slug=slug)

    return {
        "url": value("CHECKLIST_URL"),
        "save_as": value("CHECKLIST_SAVE_AS"),
        "pdf_url": value("CHECKLIST_PDF_SAVE_AS"),
        "md_url": value("CHECKLIST_MD_SAVE_AS"),
    }


TASK_LIST_START = re.compile(r'<(ul|ol) class="task-list"')
LIST_TAG = re.compile(r"<(/?)(?:ul|ol)\b[^>]*>")


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


def build_checklist(article, settings):
    """Read the article's checklist; return it and the article's cleaned HTML."""
    source = article.source_path
    title = " ".join(str(article.metadata.get("checklist", "")).split())
    if not title:
        raise ChecklistError(
            f"{source}: 'Checklist:' needs a title, e.g. 'Checklist: Follow-up checklist'"
        )
    region = task_list_region(article._content)
    before, fragment, after = region if region else ("", article._content, "")
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
            f"{source}: 'Checklist: {title}' but the article has no checklist items; "
            "start each item of the list with '- [ ] '"
        )
    if len(lists) > 1:
        second = short(lists[1].get_text(" "))
        raise ChecklistError(
            f"{source}: {len(lists)} task lists (the second starts {second!r}); "
            "a checklist article has exactly one list of '- [ ] ' items"
        )
    task_list = lists[0]
    for text in soup.find_all(string=MISPLACED_TIMING):
        if not any(parent is task_list for parent in text.parents):  # items report theirs
            raise ChecklistError(
                f"{source}: {short(text)!r} is a timing outside any checklist item: "
                f"{MISPLACED_HINT}"
            )
    for stray in timed:
        if stray.parent is not task_list:
            raise ChecklistError(
                f"{source}: {short(stray.get_text(' '))!r} has a remind= timing but is not "
                "an item of the checklist"
            )
    site_url = settings.get("SITEURL", "")
    base_url = f"{site_url}/{article.url}"

    def resolve_link(href):
        # Intra-site links ({filename}…, {static}…) resolved as Pelican does in the article.
        if "{" not in href:
            return href
        resolved = article._update_content(f'<a href="{escape(href)}">', site_url)
        return BeautifulSoup(resolved, "html.parser").a["href"]

    items = [
        read_item(li, source, base_url, resolve_link)
        for li in task_list.find_all("li", recursive=False)
    ]
    if not items:
        raise ChecklistError(f"{source}: 'Checklist: {title}' but its list has no items")
    slug = checklist_slug(article, settings)
    task_list["class"] = [*task_list.get("class", []), "checklist-source"]
    task_list["data-checklist-source"] = slug
    # Where the theme puts the "Download the checklist" box: right after the list.
    task_list.insert_after(Comment(BOX_MARKER))
    checklist = Checklist(
        title=title,
        slug=slug,
        source_path=source,
        article=article,
        items=item_ids(items, settings),
        site_name=settings["SITENAME"],
        site_url=site_url,
        **output_names(settings, slug),
    )
    return checklist, before + soup.decode(formatter=HTML_OUT) + after


# The development server rebuilds in one process: checklists of unchanged articles
# are reused from its previous build instead of being parsed again.
_previous_builds = {}


def memo_key(article, settings):
    names = ("SITEURL", "SITENAME", "CHECKLIST_URL", "CHECKLIST_SAVE_AS")
    names += ("CHECKLIST_PDF_SAVE_AS", "CHECKLIST_MD_SAVE_AS")
    return (
        article.source_path,
        article._content,
        repr(sorted(article.metadata.items())),
        article.url,
        tuple(repr(settings.get(name)) for name in names),
    )


def build_checklist_once(article, settings, memo):
    """build_checklist, or its result for the same article in the previous build."""
    key = memo_key(article, settings)
    found = _previous_builds.get(key)
    if found is None:
        found = build_checklist(article, settings)
    checklist, html = found
    checklist = dataclasses.replace(checklist, article=article)
    memo[key] = (checklist, html)
    return checklist, html


def forget_rendered_content(articles):
    """Drop Pelican's memoized renderings of articles whose HTML just changed."""
    if not articles:
        return
    changed = {id(article) for article in articles}
    sample = articles[0]
    for method in (sample.get_content, sample.get_summary):  # one cache per method
        for key in [key for key in method.cache if key and id(key[0]) in changed]:
            del method.cache[key]


def collect(generator):
    """Build every published article's checklist; report the bad ones."""
    checklists = []
    by_save_as = {}
    memo = {}
    pdfs = PdfRenderer(generator.settings)
    for article in sorted(generator.articles, key=lambda a: (a.date, a.source_path)):
        if "checklist" not in article.metadata:
            if f" {REMIND_ATTRIBUTE}=" in article._content:
                logger.warning(
                    "%s: an item has a remind= timing but the article has no 'Checklist:' "
                    "line; add one to publish its list as a checklist",
                    article.source_path,
                )
            continue
        try:
            checklist, html = build_checklist_once(article, generator.settings, memo)
        except ChecklistError as exc:
            logger.error("%s", exc)
            continue
        first = by_save_as.get(checklist.save_as)
        if first is not None:
            logger.error(
                "%s: checklist URL '/%s' is already the checklist of %s; give one of them "
                "another 'Checklist-Slug:'",
                article.source_path,
                checklist.url,
                first.source_path,
            )
            continue
        job = plan_pdf(checklist, generator.settings, generator.output_path)
        if pdf_problems(checklist, job, generator.settings):
            continue
        pdfs.add(checklist.save_as, job)
        by_save_as[checklist.save_as] = checklist
        article._content = html
        article.downloadable_checklist = checklist
        checklists.append(checklist)
    _previous_builds.clear()
    _previous_builds.update(memo)
    forget_rendered_content([checklist.article for checklist in checklists])
    generator.context["CHECKLISTS"] = sorted(checklists, key=lambda c: c.title.lower())
    generator.context["CHECKLIST_PDFS"] = pdfs.started()
    generator.context["CHECKLIST_BOX_MARKER"] = f"<!--{BOX_MARKER}-->"
    generator.context["CHECKLIST_INDEX_URL"] = plugin_settings.get(
        generator.settings, "CHECKLIST_INDEX_URL"
    )


# --- Writing the downloads -------------------------------------------------------


def markdown_document(checklist):
    lines = [
        f"# {checklist.title}",
        "",
        f"From “{checklist.article.title}” on {checklist.site_name}:",
        f"<{checklist.article_absolute_url}>",
        "",
    ]
    lines += [f"- [ ] {item.markdown}" for item in checklist.items]
    lines += ["", f"Tick it off online or get calendar reminders: <{checklist.absolute_url}>", ""]
    return "\n".join(lines)


def pdf_fields(checklist):
    """What the PDF shows, as plain data (checklist_pdf.PdfChecklist's fields)."""
    return {
        "title": checklist.title,
        "site_name": checklist.site_name,
        "article_title": checklist.article.title,
        "article_url": checklist.article_absolute_url,
        "page_url": checklist.absolute_url,
        "items": [
            [item.pdf_markup, f"Reminder: {item.timing.description}" if item.timing else ""]
            for item in checklist.items
        ],
        "interview_date_line": bool(checklist.timed_items),
    }


def pdf_input_hash(fields, fonts, page_size):
    """A digest of everything the PDF's bytes depend on."""
    payload = {
        "layout": PDF_LAYOUT_VERSION,
        "reportlab": reportlab.Version,
        "fonts": fonts,
        "page_size": page_size,
        "document": fields,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def write_atomically(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def remove(path):
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def file_holds(path, needle):
    try:
        with open(path, "rb") as handle:
            return needle in handle.read()
    except FileNotFoundError:
        return False


def file_equals(path, data):
    try:
        with open(path, "rb") as handle:
            return handle.read() == data
    except FileNotFoundError:
        return False


@dataclasses.dataclass(frozen=True, eq=False)
class PdfJob:
    path: str
    fields: dict  # pdf_fields()
    fonts: dict
    page_size: str
    marker: str  # "staffblog-checklist-sha256-<hash of the inputs>", kept in the PDF
    up_to_date: bool  # the PDF on disk already holds this marker


def plan_pdf(checklist, settings, output_path):
    fonts = plugin_settings.get(settings, "CHECKLIST_PDF_FONTS")
    page_size = plugin_settings.get(settings, "CHECKLIST_PDF_PAGE_SIZE")
    fields = pdf_fields(checklist)
    marker = f"staffblog-checklist-sha256-{pdf_input_hash(fields, fonts, page_size)}"
    path = sanitised_join(output_path, checklist.pdf_url)
    # The hash sits in the PDF's Keywords: finding it means the inputs are unchanged.
    return PdfJob(path, fields, fonts, page_size, marker, file_holds(path, marker.encode()))


def pdf_renderer(settings):
    """checklist_pdf with the configured fonts registered, or None after logging why not.

    Imported here, not at the top: a build whose PDFs are all up to date never loads
    ReportLab.
    """
    from . import checklist_pdf

    try:
        checklist_pdf.font_family(plugin_settings.get(settings, "CHECKLIST_PDF_FONTS"))
        checklist_pdf.page_size(plugin_settings.get(settings, "CHECKLIST_PDF_PAGE_SIZE"))
    except checklist_pdf.PdfSettingsError as exc:
        logger.error("pelicanconf.py: %s; no checklist PDF can be made", exc)
        return None
    return checklist_pdf


def pdf_problems(checklist, job, settings):
    """Why this checklist's PDF cannot be made (each logged), or an empty list.

    Checked before any page is written, so a checklist that cannot print is left
    out entirely. Skipped when the PDF on disk (``job``) is up to date: it was
    checked then.
    """
    if job.up_to_date:
        return []
    renderer = pdf_renderer(settings)
    if renderer is None:
        return ["PDF settings"]
    family = renderer.font_family(plugin_settings.get(settings, "CHECKLIST_PDF_FONTS"))
    texts = [("title", checklist.title), ("article title", checklist.article.title)]
    texts += [(f"item {short(item.text)!r}", item.text) for item in checklist.items]
    problems = []
    for where, text in texts:
        missing = sorted({ch for ch in text if ord(ch) not in family.glyphs and ch.strip()})
        if missing:
            problems.append(where)
            logger.error(
                "%s: checklist %s: the PDF font has no %s (change the text or "
                "CHECKLIST_PDF_FONTS); the checklist was not made",
                checklist.source_path,
                where,
                ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing),
            )
    return problems


def render_pdf(job):
    """Render and write one PDF (in a worker process); return the milliseconds it took."""
    from . import checklist_pdf

    started = time.perf_counter()
    fields = job.fields
    document = checklist_pdf.PdfChecklist(
        **{**fields, "items": tuple(checklist_pdf.PdfItem(*item) for item in fields["items"])},
        keywords=f"checklist, {job.marker}",
    )
    write_atomically(job.path, checklist_pdf.render(document, job.fonts, job.page_size))
    return (time.perf_counter() - started) * 1000


def render_pdfs(jobs):
    """render_pdf() for each job, in a worker; [(ms, None) or (0.0, why it failed)]."""
    results = []
    for job in jobs:
        try:
            results.append((render_pdf(job), None))
        except Exception as exc:
            results.append((0.0, f"{type(exc).__name__}: {exc}"))
    return results


@dataclasses.dataclass(frozen=True)
class PdfResult:
    """One PDF of a batch sent to the worker."""

    batch: object  # the Future of render_pdfs() for the batch
    index: int

    def wait(self):
        """(milliseconds the PDF took, None) or (0.0, why it failed)."""
        try:
            return self.batch.result()[self.index]
        except Exception as exc:  # the worker itself died
            return 0.0, f"{type(exc).__name__}: {exc}"


class PdfRenderer:
    """Renders out-of-date PDFs in a worker process as checklists are found.

    PDFs take most of a checklist's cost, and the work Pelican does meanwhile
    (reading the remaining checklists, then rendering pages) leaves the machine's
    other cores idle. The pool is forked at the first PDF to render, after the fonts
    were registered (by pdf_problems), so its workers start ready. PDFs go to it in
    batches: the pool's feeder thread needs the interpreter lock for every task,
    which the busy build holds most of the time, so one task per PDF left the
    worker waiting for work.
    """

    BATCH = 16

    def __init__(self, settings):
        self.settings = settings
        self.pool = None
        self.renderable = None  # unknown until a PDF needs rendering
        self.batch = []  # [(save_as, job)] not sent yet
        self.jobs = {}  # save_as -> (job, PdfResult); None: not rendered (reported)

    def add(self, save_as, job):
        if job.up_to_date:
            return
        if self.renderable is None:
            self.renderable = pdf_renderer(self.settings) is not None
        if not self.renderable:
            self.jobs[save_as] = (job, None)
            return
        self.batch.append((save_as, job))
        if len(self.batch) >= self.BATCH:
            self.send()

    def send(self):
        if not self.batch:
            return
        if self.pool is None:
            workers = max(1, (os.cpu_count() or 2) - 1)
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        future = self.pool.submit(render_pdfs, [job for _save_as, job in self.batch])
        for index, (save_as, job) in enumerate(self.batch):
            self.jobs[save_as] = (job, PdfResult(future, index))
        self.batch = []

    def started(self):
        """{save_as: (job, PdfResult)}; the workers exit once their queue is done."""
        self.send()
        if self.pool is not None:
            self.pool.shutdown(wait=False)
        return self.jobs


class ChecklistGenerator(Generator):
    """Writes each checklist's page, PDF and Markdown file, and the checklist index."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        _unfinished_pdfs.pop(os.path.abspath(self.output_path), None)  # from a failed build
        checklists = self.context.get("CHECKLISTS") or []
        if not checklists:
            return
        page_ms = {}
        for checklist in checklists:
            started = time.perf_counter()
            self.write_markdown(checklist)
            self.write_page(writer, checklist)
            page_ms[checklist.save_as] = (time.perf_counter() - started) * 1000
        writer.write_file(
            plugin_settings.get(self.settings, "CHECKLIST_INDEX_SAVE_AS"),
            self.get_template("checklists"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            checklists=checklists,
            page_name="checklists",
        )
        # The PDFs are waited for at `finalized`: the search index starts meanwhile.
        _unfinished_pdfs[os.path.abspath(self.output_path)] = (
            checklists,
            self.context.get("CHECKLIST_PDFS") or {},
            page_ms,
        )

    def output(self, name):
        return sanitised_join(self.output_path, name)

    def write_markdown(self, checklist):
        path = self.output(checklist.md_url)
        data = markdown_document(checklist).encode("utf-8")
        if file_equals(path, data):
            logger.debug("%s: unchanged, kept", path)
            return
        write_atomically(path, data)
        logger.info('Writing "%s"', path)

    def write_page(self, writer, checklist):
        # Not passed as "article": the sitemap plugin would list the article's URL instead.
        writer.write_file(
            checklist.save_as,
            self.get_template("checklist"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            checklist=checklist,
            page_name="checklist",
        )


# Output folder -> (checklists, their PDF jobs, ms each page took), until `finalized`.
_unfinished_pdfs = {}


def finish_pdfs(pelican):
    """Wait for the PDFs rendering in the worker; remove those that failed."""
    checklists, pdfs, page_ms = _unfinished_pdfs.pop(
        os.path.abspath(pelican.output_path), ((), {}, {})
    )
    for checklist in checklists:
        started = time.perf_counter()
        render_ms = finish_pdf(checklist, *pdfs.get(checklist.save_as, (None, None)))
        logger.debug(
            "%s: checklist %r written in %.1f ms (its PDF took %.1f ms in parallel)",
            checklist.source_path,
            checklist.url,
            page_ms.get(checklist.save_as, 0.0) + (time.perf_counter() - started) * 1000,
            render_ms,
        )


def finish_pdf(checklist, job, result):
    """Wait for the checklist's PDF; return its render time in ms (0 if it was kept)."""
    if job is None:
        return 0.0
    if result is None:  # the PDF settings are unusable (already reported)
        remove(job.path)  # a stale PDF would not match its page
        return 0.0
    render_ms, failure = result.wait()
    if failure:
        logger.error("%s: cannot make the checklist PDF: %s", checklist.source_path, failure)
        remove(job.path)
        return 0.0
    logger.info('Writing "%s"', job.path)
    return render_ms


def get_generators(pelican):
    return ChecklistGenerator


def register():
    signals.article_generator_finalized.connect(collect)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(finish_pdfs)
