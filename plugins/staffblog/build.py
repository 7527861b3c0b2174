"""One build of the site: what the plugin adds, in the order it must happen.

Pelican creates a ``SiteBuild`` for every build (a generator, from ``get_generators``)
before it reads: ``__init__`` prepares the brand and starts drawing each post's card as
soon as the post is read. Listed after the articles and pages generators, its
``generate_context`` runs once all content is read and before anything is written, and its
``generate_output`` after their pages. A build's state lives on this object; only the
files in CACHE_PATH outlive it.
"""

import hashlib
import json
import logging
import os

from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.generators import Generator

from . import article_text, authors, checklist, comments, images, preview, search, validation
from . import settings as plugin_settings
from .brand import brand_context, write_brand_files
from .cached_files import CachedFiles
from .checklist_source import BOX_MARKER
from .listings import ArticleCards

logger = logging.getLogger(__name__)


class SiteBuild(Generator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.brand = brand_context(self.settings)
        labels = {"images": "images and cards", "pdfs": "checklist PDFs"}
        self.files = CachedFiles(self.settings, labels)
        self.images = images.Images(self.settings, self.output_path, self.brand, self.files)
        # Not in a devserver rebuild: it reads every post again (from its cache) for one edit.
        rebuild = plugin_settings.get(self.settings, "STAFFBLOG_PREVIEW_CHANGED")
        if self.files.workers and not rebuild:
            signals.content_object_init.connect(self.images.draw_early)

    def generate_context(self):
        signals.content_object_init.disconnect(self.images.draw_early)
        settings, context = self.settings, self.context
        validation.drop_clashing_outputs(context, settings)
        articles = context.get("articles", [])
        hidden = context.get("hidden_articles", [])
        pages = context.get("pages", []) + context.get("hidden_pages", [])
        drafts = context.get("drafts", [])
        every = articles + hidden + pages + drafts + context.get("draft_pages", [])
        posts = articles + hidden + drafts
        authors.attach_bios(posts, [author for author, _ in context.get("authors", [])], settings)
        # Drafts get no thread: their URL is not the one the published post will have.
        comments.attach_threads(articles + hidden + pages, settings)
        article_text.attach(posts, settings)
        validation.report_shared_slugs(articles + hidden)
        context["BRAND"] = self.brand
        self.images.attach(every, context)
        self.checklists = checklist.collect(
            articles, settings, self.output_path, self.files, self.brand["pdf"]
        )
        context["CHECKLIST_BOX_MARKER"] = f"<!--{BOX_MARKER}-->"
        context["CHECKLIST_INDEX_URL"] = plugin_settings.get(settings, "CHECKLIST_INDEX_URL")
        # SITEURL as configured, for canonical links and OpenGraph: with RELATIVE_URLS
        # Pelican rewrites SITEURL per page.
        context["SITE_ABSOLUTE_URL"] = settings.get("SITEURL", "")
        context["article_card"] = ArticleCards(self.env, context).render
        preview.choose_pages(every, settings)

    def generate_output(self, writer):
        checklist.write(self, writer, self.checklists)
        write_brand_files(self.brand, self.settings, self.output_path)
        if isinstance(writer, preview.PreviewWriter):
            writer.report()
        try:  # Pagefind reads only the pages: it indexes them while the workers finish
            if isinstance(writer, preview.PreviewWriter) and writer.write_only is not None:
                logger.info("search index: kept (only the edited pages were rendered again)")
            else:
                search.index_site(self.output_path, self.settings)
        finally:
            self.files.finish()


def get_generators(pelican):
    return SiteBuild


def keep_compiled_templates(generator):  # generator_init
    """Each build makes new Jinja environments, which would compile the theme's templates
    again: Jinja's bytecode cache keeps them in CACHE_PATH. The environment's options
    (autoescape…) change the code too: a folder per set of options."""
    options = json.dumps(generator.settings["JINJA_ENVIRONMENT"], sort_keys=True, default=str)
    digest = hashlib.sha256(options.encode()).hexdigest()[:16]
    folder = os.path.join(generator.settings["CACHE_PATH"], "templates", digest)
    os.makedirs(folder, exist_ok=True)
    generator.env.bytecode_cache = FileSystemBytecodeCache(folder)


def keep_addresses(contents):
    """Pelican formats a post's URL and file name (strftime for /blog/Y/M/D/) at every read of
    them: once its status is settled, they are kept as its documented ``URL:`` and ``Save_as:``."""
    for content in contents:
        content.override_url, content.override_save_as = content.url, content.save_as


def articles_read(generator):  # article_generator_pretaxonomy: drafts set apart, no listing yet
    keep_addresses(generator.articles + generator.translations + generator.hidden_articles)
    keep_addresses(generator.hidden_translations + generator.drafts + generator.drafts_translations)
    validation.drop_clashing_urls(generator)


def pages_read(generator):  # page_generator_finalized
    keep_addresses(generator.pages + generator.translations + generator.hidden_pages)
    keep_addresses(
        generator.hidden_translations + generator.draft_pages + generator.draft_translations
    )
    generator.pages[:] = [page for page in generator.pages if validation.plain_address(page)]
