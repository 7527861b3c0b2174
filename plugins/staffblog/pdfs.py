"""Checklist PDFs, kept in CACHE_PATH under a hash of everything they show.

``make html``, the development server and ``make publish`` (into a fresh folder) take
an unchanged checklist's PDF from ``CACHE_PATH/staffblog/pdfs``. New ones are rendered
by ``STAFFBLOG_WORKERS`` processes while Pelican writes the pages (0: by the build, at
the end). A worker writes the PDF into the cache and returns nothing, so one that dies
leaves no half-sent result; its PDFs are rendered by the build.
"""

import contextlib
import dataclasses
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor

import reportlab

from . import settings as plugin_settings
from .files import remove_unused, write_atomically

logger = logging.getLogger(__name__)

LAYOUT_VERSION = "4"  # bump when the layout changes: cached PDFs are then made again
UNUSED_DAYS = 30  # a cached PDF no build used for this long is removed


@dataclasses.dataclass(frozen=True)
class PdfJob:
    fields: dict  # what the PDF shows: checklist_pdf.PdfChecklist's fields
    fonts: dict
    page_size: str
    cache_path: str  # CACHE_PATH/staffblog/pdfs/<sha256 of all the above>.pdf


def plan(fields, settings):
    fonts = plugin_settings.get(settings, "CHECKLIST_PDF_FONTS")
    page_size = plugin_settings.get(settings, "CHECKLIST_PDF_PAGE_SIZE")
    inputs = {
        "layout": LAYOUT_VERSION,
        "reportlab": reportlab.Version,
        "fonts": fonts,
        "page_size": page_size,
        "document": fields,
    }
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    folder = plugin_settings.cache_folder(settings, "pdfs")
    return PdfJob(fields, fonts, page_size, os.path.join(folder, f"{digest}.pdf"))


def font_family(settings):
    """The PDF's fonts, registered (ReportLab is loaded only now), or None if unusable."""
    from . import checklist_pdf

    try:
        checklist_pdf.page_size(plugin_settings.get(settings, "CHECKLIST_PDF_PAGE_SIZE"))
        return checklist_pdf.font_family(plugin_settings.get(settings, "CHECKLIST_PDF_FONTS"))
    except checklist_pdf.PdfSettingsError as exc:
        logger.error("pelicanconf.py: %s; no checklist PDF can be made", exc)
        return None


def render_to_cache(job):
    """Render the job's PDF into the cache (in a worker or in the build)."""
    from . import checklist_pdf

    fields = job.fields
    document = checklist_pdf.PdfChecklist(
        **{**fields, "items": tuple(checklist_pdf.PdfItem(*item) for item in fields["items"])}
    )
    write_atomically(job.cache_path, checklist_pdf.render(document, job.fonts, job.page_size))


class PdfRenderer:
    """The PDFs of one build: queued as checklists are found, copied out at the end."""

    def __init__(self, settings, brand):
        self.brand = brand  # what each PDF shows of the brand (brand.py)
        self.workers = plugin_settings.get(settings, "STAFFBLOG_WORKERS")
        self.folder = plugin_settings.cache_folder(settings, "pdfs")
        self.pool = None
        self.queued = []  # (target path, source path for messages, PdfJob, future or None)

    def add(self, target, source_path, job):
        future = None
        if self.workers and not os.path.exists(job.cache_path):
            if self.pool is None:
                # One core fewer than the workers: the build writes pages meanwhile. fork:
                # the plugin is imported from PLUGIN_PATHS, which is not on sys.path.
                context = multiprocessing.get_context("fork")
                self.pool = ProcessPoolExecutor(max(1, self.workers - 1), mp_context=context)
            future = self.pool.submit(render_to_cache, job)
        self.queued.append((target, source_path, job, future))

    def finish(self):
        """Wait for the PDFs, render what a worker did not, copy each into place."""
        rendered = 0
        for target, source_path, job, future in self.queued:
            rendered += future is not None or not os.path.exists(job.cache_path)
            if future is not None:
                with contextlib.suppress(Exception):  # rendered again below, and reported
                    future.result()
            if not os.path.exists(job.cache_path):
                try:
                    render_to_cache(job)
                except Exception as exc:
                    logger.error("%s: cannot make the checklist PDF: %s", source_path, exc)
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(target)  # a stale PDF would not match its page
                    continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(job.cache_path, target)
            os.utime(job.cache_path)  # used: see remove_unused()
            logger.info('Writing "%s"', target)
        if self.pool is not None:
            self.pool.shutdown()
        if self.queued:
            logger.info(
                "checklist PDFs: %d rendered, %d from the cache",
                rendered,
                len(self.queued) - rendered,
            )
        remove_unused(self.folder, UNUSED_DAYS)
