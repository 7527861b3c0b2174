"""Downloadable checklists built from an article's task list (README, "Checklists").

``collect`` makes each published article's ``Checklist`` and queues its PDF; ``write``
writes each printable page and Markdown file, and the index. A bad checklist is reported
naming the file and item, and nothing is written for it. Templates read
``article.downloadable_checklist`` and, on the pages written here, ``checklist`` /
``checklists``.
"""

import dataclasses
import logging
import os

import reportlab
from markupsafe import escape
from pelican.utils import sanitised_join, slugify

from . import settings as plugin_settings
from .checklist_items import REMIND_ATTRIBUTE, ChecklistError, short
from .checklist_source import TASK_LIST_METADATA, checklist_title, read_task_list
from .files import write_atomically

logger = logging.getLogger(__name__)

PDF_LAYOUT_VERSION = "4"  # bump when the layout changes: cached PDFs are then made again


@dataclasses.dataclass(frozen=True)
class Checklist:
    title: str
    slug: str
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


OUTPUTS = {"url": "URL", "save_as": "SAVE_AS", "pdf_url": "PDF_SAVE_AS", "md_url": "MD_SAVE_AS"}


def build_checklist(article, settings):
    """The article's Checklist from its task list (checklist_source.py)."""
    title = checklist_title(article.metadata.get("checklist", ""))
    if not title:
        raise ChecklistError("'Checklist:' needs a title, e.g. 'Checklist: Follow-up checklist'")
    task_list = article.metadata.get(TASK_LIST_METADATA)
    if task_list is None:  # not read by reader.py: another format (HTML, reST)
        task_list, article._content = read_task_list(article._content, article.metadata, settings)
    if task_list.problem:
        raise ChecklistError(task_list.problem)
    site_url = settings.get("SITEURL", "")
    base_url = f"{site_url}/{article.url}"

    def resolve_link(href):
        # Intra-site links ({filename}…, {static}…) resolved as Pelican does in the article.
        if "{" not in href:
            return href
        from bs4 import BeautifulSoup

        resolved = article._update_content(f'<a href="{escape(href)}">', site_url)
        return BeautifulSoup(resolved, "html.parser").a["href"]

    chosen = str(article.metadata.get("checklist-slug", "")).strip()
    substitutions = settings["SLUG_REGEX_SUBSTITUTIONS"]
    slug = slugify(chosen, regex_subs=substitutions) if chosen else article.slug
    return Checklist(
        title=title,
        slug=slug,
        article=article,
        items=tuple(item.with_links(base_url, resolve_link) for item in task_list.items),
        site_name=settings["SITENAME"],
        site_url=site_url,
        **{
            field: plugin_settings.get(settings, f"CHECKLIST_{name}").format(slug=slug)
            for field, name in OUTPUTS.items()
        },
    )


def pdf_fields(checklist):
    """What the PDF shows, as JSON data (a worker may get it); ``items``: (ReportLab paragraph
    markup, a plain line printed small under it: its reminder, or ""). brand.py adds ``logo``
    ([image file, width, height, hash] or []) and ``accent`` (of links and the rule)."""
    return {
        "title": checklist.title,
        "site_name": checklist.site_name,
        "site_url": checklist.site_url,
        "article_title": checklist.article.title,
        "article_url": checklist.article_absolute_url,
        "page_url": checklist.absolute_url,
        "items": [
            [item.pdf_markup, f"Reminder: {item.timing.description}" if item.timing else ""]
            for item in checklist.items
        ],
        "interview_date_line": bool(checklist.timed_items),  # for the date reminders count from
    }


def render_pdf(fields, fonts, page_size):
    from .checklist_pdf import render  # ReportLab's layout is loaded only to make a PDF

    return render(fields, fonts, page_size)


def missing_glyphs(checklist, settings):
    """Report each text of the checklist the PDF's font cannot print; True if any."""
    from . import checklist_pdf

    try:
        checklist_pdf.page_size(plugin_settings.get(settings, "CHECKLIST_PDF_PAGE_SIZE"))
        family = checklist_pdf.font_family(plugin_settings.get(settings, "CHECKLIST_PDF_FONTS"))
    except checklist_pdf.PdfSettingsError as exc:
        logger.error("pelicanconf.py: %s; no checklist PDF can be made", exc)
        return True
    texts = [("title", checklist.title), ("article title", checklist.article.title)]
    texts += [(f"item {short(item.text)!r}", item.text) for item in checklist.items]
    found = False
    for where, text in texts:
        missing = sorted({ch for ch in text if ord(ch) not in family.glyphs and ch.strip()})
        if missing:
            found, names = True, ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing)
            logger.error(
                f"{checklist.article.source_path}: checklist {where}: the PDF font has no {names} "
                "(change the text or CHECKLIST_PDF_FONTS); the checklist was not made"
            )
    return found


def collect(articles, settings, output_path, files, pdf_brand):
    """Every published article's Checklist, its PDF queued in ``files``; the bad ones
    reported. ``pdf_brand``: what the PDF shows of the brand (brand.py)."""
    fonts = plugin_settings.get(settings, "CHECKLIST_PDF_FONTS")
    page_size = plugin_settings.get(settings, "CHECKLIST_PDF_PAGE_SIZE")
    checklists = {}
    for article in sorted(articles, key=lambda a: (a.date, a.source_path)):
        if "checklist" not in article.metadata:
            if f" {REMIND_ATTRIBUTE}=" in article._content:
                logger.warning(
                    f"{article.source_path}: an item has a remind= timing but the article has "
                    "no 'Checklist:' line; add one to publish its list as a checklist"
                )
            continue
        try:
            checklist = build_checklist(article, settings)
        except ChecklistError as exc:
            logger.error("%s: %s", article.source_path, exc)
            continue
        first = checklists.get(checklist.save_as)
        if first is not None:
            logger.error(
                f"{article.source_path}: checklist URL '/{checklist.url}' is already the checklist "
                f"of {first.article.source_path}; give one of them another 'Checklist-Slug:'"
            )
            continue
        fields = {**pdf_fields(checklist), **pdf_brand}
        inputs = [PDF_LAYOUT_VERSION, reportlab.Version, fonts, page_size, fields]
        cached = files.cache_path("pdfs", inputs, "pdf")
        # A cached PDF was checked when it was made.
        if not os.path.exists(cached) and missing_glyphs(checklist, settings):
            continue
        target = sanitised_join(output_path, checklist.pdf_url)
        files.add("pdfs", target, cached, article.source_path, render_pdf, fields, fonts, page_size)
        checklists[checklist.save_as] = checklist
        article.downloadable_checklist = checklist
    return sorted(checklists.values(), key=lambda c: c.title.lower())


def markdown_document(checklist):
    source = f"From “{checklist.article.title}” on {checklist.site_name}:"
    lines = [f"# {checklist.title}", "", source, f"<{checklist.article_absolute_url}>", ""]
    lines += [f"- [ ] {item.markdown}" for item in checklist.items]
    lines += ["", f"Tick it off online or get calendar reminders: <{checklist.absolute_url}>", ""]
    return "\n".join(lines)


def write(generator, writer, checklists):
    """Each checklist's page and Markdown file, and the index of them all."""

    def write_page(save_as, name, **variables):
        template, relative = generator.get_template(name), generator.settings["RELATIVE_URLS"]
        writer.write_file(
            save_as, template, generator.context, relative, page_name=name, **variables
        )

    for checklist in checklists:
        path = sanitised_join(generator.output_path, checklist.md_url)
        write_atomically(path, markdown_document(checklist).encode())
        # Not passed as "article": the sitemap would list the article's URL instead.
        write_page(checklist.save_as, "checklist", checklist=checklist)
    if checklists:
        index = plugin_settings.get(generator.settings, "CHECKLIST_INDEX_SAVE_AS")
        write_page(index, "checklists", checklists=checklists)
