"""Downloadable checklists built from an article's task list.

An article opts in with a ``Checklist: <title>`` metadata line; its one task list
(``- [ ] …`` items, rendered by pymdownx.tasklist) becomes the checklist. An item
may carry a reminder timing on the line below it, as a Python-Markdown attribute
list: ``{: remind="within 24 hours" }`` (grammar in ``checklist_timing``).

The list is read while the article's Markdown is converted (checklist_source.py:
it loses its disabled boxes and becomes a ``checklist-source``). Checklists are
collected at ``article_generator_finalized``; ``ChecklistGenerator`` then
writes, per checklist, a printable page, a PDF and a Markdown file, plus an
index of every checklist. PDFs render in worker processes: ahead, in the reading
worker, while the articles are read (``PdfsAhead``), and from ``collect`` on in a
PDF worker (``PdfRenderer``); the build waits for them at ``finalized``. A bad
checklist is logged as an error naming the file and the item, and nothing is
written for it.

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
import time
from concurrent.futures import ProcessPoolExecutor

import reportlab
from markupsafe import escape
from pelican import signals
from pelican.contents import Article
from pelican.generators import Generator
from pelican.utils import sanitised_join, slugify

from . import markdown_reader
from . import settings as plugin_settings
from .checklist_source import (
    BOX_MARKER,
    REMIND_ATTRIBUTE,
    TASK_LIST_METADATA,
    ChecklistError,
    TaskList,
    add_to_markdown_settings,
    checklist_title,
    read_task_list,
    short,
)

logger = logging.getLogger(__name__)

# Bump when the PDF layout changes, so cached PDFs are rebuilt.
PDF_LAYOUT_VERSION = "2"


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


# --- The article's checklist -----------------------------------------------------


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


def build_checklist(article, task_list, settings):
    """The article's Checklist from its TaskList (checklist_source.py)."""
    title = checklist_title(article.metadata.get("checklist", ""))
    if not title:
        raise ChecklistError("'Checklist:' needs a title, e.g. 'Checklist: Follow-up checklist'")
    if task_list.problem:
        raise ChecklistError(task_list.problem)
    site_url = settings.get("SITEURL", "")
    base_url = f"{site_url}/{article.url}"

    def resolve_link(href):
        # Intra-site links ({filename}…, {static}…) resolved as Pelican does in the article.
        if "{" not in href:
            return href
        from bs4 import BeautifulSoup  # not at start-up: see toc.headings

        resolved = article._update_content(f'<a href="{escape(href)}">', site_url)
        return BeautifulSoup(resolved, "html.parser").a["href"]

    slug = checklist_slug(article, settings)
    return Checklist(
        title=title,
        slug=slug,
        source_path=article.source_path,
        article=article,
        items=tuple(item.with_links(base_url, resolve_link) for item in task_list.items),
        site_name=settings["SITENAME"],
        site_url=site_url,
        **output_names(settings, slug),
    )


def task_list_of(article, settings):
    """The TaskList read while the article's Markdown was converted, else read now.

    Read now: articles from other readers (reStructuredText, HTML), those in a
    content cache written by another version of checklist_source, and any whose
    HTML another plugin changed since.
    """
    task_list = article.metadata.get(TASK_LIST_METADATA)
    if (
        isinstance(task_list, TaskList)
        and task_list.current
        and task_list.read_from(article._content)
    ):
        return task_list
    return read_task_list(
        article._content,
        checklist_title(article.metadata.get("checklist", "")),
        settings["SLUG_REGEX_SUBSTITUTIONS"],
    )


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
    pdfs = PdfRenderer(generator.settings)
    ahead = 0
    for article in sorted(generator.articles, key=lambda a: (a.date, a.source_path)):
        if "checklist" not in article.metadata:
            if f" {REMIND_ATTRIBUTE}=" in article._content:
                logger.warning(
                    "%s: an item has a remind= timing but the article has no 'Checklist:' "
                    "line; add one to publish its list as a checklist",
                    article.source_path,
                )
            continue
        task_list = task_list_of(article, generator.settings)
        try:
            checklist = build_checklist(article, task_list, generator.settings)
        except ChecklistError as exc:
            logger.error("%s: %s", article.source_path, exc)
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
        job = plan_pdf(checklist, generator.settings, generator.output_path, _ahead.holds)
        if pdf_problems(checklist, job, generator.settings):
            continue
        rendered_ahead = _ahead.claim(checklist.save_as, job)
        if rendered_ahead is None:
            pdfs.add(checklist.save_as, job)
        else:
            pdfs.add_rendered_ahead(checklist.save_as, rendered_ahead)
            ahead += 1
        by_save_as[checklist.save_as] = checklist
        article._content = task_list.applied_to(article._content)
        article.downloadable_checklist = checklist
        checklists.append(checklist)
    _ahead.discard()
    if ahead:
        logger.debug(
            "%d of %d checklist PDFs rendered ahead by the reading worker", ahead, len(checklists)
        )
    forget_rendered_content([checklist.article for checklist in checklists])
    generator.context["CHECKLISTS"] = sorted(checklists, key=lambda c: c.title.lower())
    # Not in the context: templates have no use for the worker, and the context is
    # what a development-server rebuild compares to reuse pages (unchanged_pages.py).
    _started_pdfs[os.path.abspath(generator.output_path)] = pdfs.start()
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


def plan_pdf(checklist, settings, output_path, holds=file_holds):
    fonts = plugin_settings.get(settings, "CHECKLIST_PDF_FONTS")
    page_size = plugin_settings.get(settings, "CHECKLIST_PDF_PAGE_SIZE")
    fields = pdf_fields(checklist)
    marker = f"staffblog-checklist-sha256-{pdf_input_hash(fields, fonts, page_size)}"
    path = sanitised_join(output_path, checklist.pdf_url)
    # The hash sits in the PDF's Keywords: finding it means the inputs are unchanged.
    return PdfJob(path, fields, fonts, page_size, marker, holds(path, marker.encode()))


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


def pdf_bytes(job):
    from . import checklist_pdf

    fields = job.fields
    document = checklist_pdf.PdfChecklist(
        **{**fields, "items": tuple(checklist_pdf.PdfItem(*item) for item in fields["items"])},
        keywords=f"checklist, {job.marker}",
    )
    return checklist_pdf.render(document, job.fonts, job.page_size)


def render_pdf(job):
    """Render and write one PDF (in a worker process); return the milliseconds it took."""
    started = time.perf_counter()
    write_atomically(job.path, pdf_bytes(job))
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


class PdfBatch:
    """PDF jobs sent to the worker together; the build takes them back if not started."""

    def __init__(self, future, jobs):
        self.future = future  # of render_pdfs(jobs) in the worker
        self.jobs = jobs
        self.rendered_here = None

    def take_back(self):
        """Render the batch here if the worker has not started it; True if done so."""
        if not self.future.cancel():
            return False
        self.rendered_here = render_pdfs(self.jobs)
        return True

    def results(self):
        if self.rendered_here is not None:
            return self.rendered_here
        return self.future.result()


@dataclasses.dataclass(frozen=True)
class PdfResult:
    """One PDF of a batch."""

    batch: PdfBatch
    index: int

    def wait(self):
        """(milliseconds the PDF took, None) or (0.0, why it failed)."""
        try:
            return self.batch.results()[self.index]
        except Exception as exc:  # the worker itself died
            return 0.0, f"{type(exc).__name__}: {exc}"


def render_pdfs_ahead(jobs):
    """[(PDF bytes, ms, None) or (None, 0.0, why it failed)] for each job (in the
    reading worker; the build writes the ones it uses)."""
    results = []
    for job in jobs:
        started = time.perf_counter()
        try:
            data = pdf_bytes(job)
        except Exception as exc:
            results.append((None, 0.0, f"{type(exc).__name__}: {exc}"))
        else:
            results.append((data, (time.perf_counter() - started) * 1000, None))
    return results


@dataclasses.dataclass(frozen=True)
class PdfRenderedAhead:
    """A PDF the reading worker rendered (or is rendering) for this very job."""

    future: object  # of render_pdfs_ahead([..., job, ...])
    index: int
    job: PdfJob

    def wait(self):
        """Write the PDF; (milliseconds it took, None) or (0.0, why it failed)."""
        try:
            data, render_ms, failure = self.future.result()[self.index]
        except Exception:  # the worker itself died: render it here
            return render_pdfs([self.job])[0]
        if failure:
            return 0.0, failure
        write_atomically(self.job.path, data)
        return render_ms, None


class PdfsAhead:
    """Checklist PDFs the reading worker renders while the build still reads articles.

    Once the reading worker (markdown_reader.py) has converted its files, the build
    is still finishing the articles it converted, then runs the receivers of
    ``article_generator_finalized``; a core would wait. So as each article is read,
    its checklist's PDF job is worked out as ``collect`` will work it out, and queued
    in the reading worker, after its files. ``collect`` takes a PDF rendered ahead
    only for the same job, marker included (the hash of everything the PDF shows);
    anything that differs by then (a plugin changed the title, the article is left
    out) gets its PDF rendered as usual. Items with links are not rendered ahead:
    their links are resolved once every article is read.
    """

    BATCH = 4

    def __init__(self):
        self.unsent = []  # [(save_as, job)]
        self.entries = {}  # save_as -> (marker, future of its batch, index in it)
        self.found_on_disk = {}  # (PDF path, marker) -> whether that PDF holds it

    def holds(self, path, marker):
        """file_holds(), once per PDF and marker a build: `collect` plans them again."""
        key = (path, marker)
        if key not in self.found_on_disk:
            self.found_on_disk[key] = file_holds(path, marker)
        return self.found_on_disk[key]

    def add(self, article):
        if not markdown_reader.reading_worker_open():
            return
        settings = article.settings
        task_list = article.metadata.get(TASK_LIST_METADATA)
        if (
            "checklist" not in article.metadata
            or not isinstance(task_list, TaskList)
            or not task_list.current
            or task_list.problem
            or any("<a " in item.html for item in task_list.items)
            or not task_list.read_from(article._content)
        ):
            return
        try:
            checklist = build_checklist(article, task_list, settings)
        except ChecklistError:
            return  # reported by collect
        job = plan_pdf(checklist, settings, settings["OUTPUT_PATH"], self.holds)
        if job.up_to_date:
            return
        self.unsent.append((checklist.save_as, job))
        if len(self.unsent) >= self.BATCH:
            self.send()

    def send(self):
        if not self.unsent:
            return
        future = markdown_reader.submit_to_reading_worker(
            render_pdfs_ahead, [job for _save_as, job in self.unsent]
        )
        if future is not None:
            for index, (save_as, job) in enumerate(self.unsent):
                self.entries[save_as] = (job.marker, future, index)
        self.unsent = []

    def claim(self, save_as, job):
        """A PdfRenderedAhead for ``job``, or None: render it as usual.

        A batch the worker has not started is cancelled (its PDFs go the usual way).
        """
        marker, future, index = self.entries.pop(save_as, (None, None, 0))
        if marker != job.marker or future.cancel():
            return None
        return PdfRenderedAhead(future, index, job)

    def discard(self):
        for _marker, future, _index in self.entries.values():
            future.cancel()
        self.entries.clear()
        self.unsent = []


# The build's PdfsAhead, from the start of reading to `collect`.
_ahead = PdfsAhead()


def plan_pdfs_ahead(generator):
    global _ahead
    _ahead.discard()  # a failed build's
    _ahead = PdfsAhead()


def plan_pdf_ahead(content):
    if isinstance(content, Article) and content.status == "published":
        _ahead.add(content)


def send_pdfs_ahead(generator):
    _ahead.send()


class PdfRenderer:
    """Renders out-of-date PDFs in a worker process as checklists are found.

    PDFs take most of a checklist's cost, and the work Pelican does meanwhile
    (rendering pages) leaves a core to them. The pool is forked at the first PDF
    to render, after the fonts were registered (by pdf_problems), so its worker
    starts ready. PDFs go to it in batches: the pool's feeder thread needs the
    interpreter lock for every task, which the busy build holds most of the time,
    so one task per PDF left the worker waiting for work. At ``finalized``, once
    its pages are written and Pagefind is done, the build takes back the batches
    the worker has not started (last first) and renders them itself, so the last
    PDFs use both cores.

    The worker runs at a lower priority (``WORKER_NICENESS``). While pages are
    written, three programs share the cores: the build, Pagefind and this worker.
    The build's pages and Pagefind's index are each one sequence that only they can
    finish, so they go first. The PDFs can be taken back at the end, and then both
    cores render them. At equal priority, Pagefind finished last and alone, with one
    core idle for about half a second (bench/run.py measures the build).
    """

    BATCH = 16
    WORKER_NICENESS = 10

    def __init__(self, settings):
        self.settings = settings
        self.pool = None
        self.renderable = None  # unknown until a PDF needs rendering
        self.unsent = []  # [(save_as, job)]
        self.batches = []  # PdfBatch, in the order sent
        self.jobs = {}  # save_as -> (job, PdfResult); None: not rendered (reported)

    def add(self, save_as, job):
        if job.up_to_date:
            return
        if self.renderable is None:
            self.renderable = pdf_renderer(self.settings) is not None
        if not self.renderable:
            self.jobs[save_as] = (job, None)
            return
        self.unsent.append((save_as, job))
        if len(self.unsent) >= self.BATCH:
            self.send()

    def send(self):
        if not self.unsent:
            return
        if self.pool is None:
            workers = max(1, (os.cpu_count() or 2) - 1)
            self.pool = ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=os.nice,
                initargs=(self.WORKER_NICENESS,),
            )
        jobs = [job for _save_as, job in self.unsent]
        batch = PdfBatch(self.pool.submit(render_pdfs, jobs), jobs)
        self.batches.append(batch)
        for index, (save_as, job) in enumerate(self.unsent):
            self.jobs[save_as] = (job, PdfResult(batch, index))
        self.unsent = []

    def start(self):
        """Send the last batch; the worker exits once its queue is done."""
        self.send()
        if self.pool is not None:
            self.pool.shutdown(wait=False)
        return self

    def add_rendered_ahead(self, save_as, result):
        self.jobs[save_as] = (result.job, result)

    def job_of(self, save_as):
        """(PdfJob, PdfResult or None), or (None, None) when the PDF on disk is kept."""
        return self.jobs.get(save_as, (None, None))

    def take_back_unstarted(self):
        for batch in reversed(self.batches):
            if not batch.take_back():
                break  # the worker has reached this one, and so all before it


class ChecklistGenerator(Generator):
    """Writes each checklist's page, PDF and Markdown file, and the checklist index."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        output = os.path.abspath(self.output_path)
        _unfinished_pdfs.pop(output, None)  # from a failed build
        pdfs = _started_pdfs.pop(output, None)
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
        _unfinished_pdfs[output] = (checklists, pdfs, page_ms)

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


# Output folder -> the PDF renderer `collect` started, until the checklist pages are written.
_started_pdfs = {}
# Output folder -> (checklists, their PDF jobs, ms each page took), until `finalized`.
_unfinished_pdfs = {}


def finish_pdfs_last(generator):
    # After the search index's wait (which search.py moves last at `initialized`):
    # while Pagefind finishes, the PDF worker has the core Pagefind leaves; then the
    # build takes back the PDFs still queued, and both cores end the build on them.
    # Taken back first, they left Pagefind to finish last, alone on one core.
    signals.finalized.disconnect(finish_pdfs)
    signals.finalized.connect(finish_pdfs)


def finish_pdfs(pelican):
    """Render the PDFs the worker has not started, wait for the rest; remove failed ones."""
    checklists, pdfs, page_ms = _unfinished_pdfs.pop(
        os.path.abspath(pelican.output_path), ((), None, {})
    )
    if pdfs is None:
        return
    pdfs.take_back_unstarted()
    for checklist in checklists:
        started = time.perf_counter()
        render_ms = finish_pdf(checklist, *pdfs.job_of(checklist.save_as))
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


def read_checklists_in_markdown(pelican):
    add_to_markdown_settings(pelican.settings)


def register():
    signals.initialized.connect(read_checklists_in_markdown)
    signals.article_generator_init.connect(plan_pdfs_ahead)
    signals.content_object_init.connect(plan_pdf_ahead)
    signals.article_generator_pretaxonomy.connect(send_pdfs_ahead)
    signals.article_generator_finalized.connect(collect)
    signals.get_generators.connect(get_generators)
    signals.article_generator_init.connect(finish_pdfs_last)
