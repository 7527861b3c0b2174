"""staffblog: the career-advice blog's Pelican plugin.

One module per concern; each exposes a ``register()`` that connects its
module-level receivers to the Pelican signal that fits.
"""

from . import (
    authors,
    checklist,
    collector,
    comments,
    markdown_reader,
    pygments_css,
    reading_time,
    search,
    seo,
    template_cache,
    toc,
    unchanged_pages,
    url_memo,
    validation,
)

# checklist before seo: it rewrites the article HTML that summaries are built from.
CONCERNS = (
    collector,
    url_memo,
    markdown_reader,
    validation,
    authors,
    checklist,
    seo,
    comments,
    pygments_css,
    reading_time,
    toc,
    search,
    template_cache,
    unchanged_pages,
)


def register():
    for concern in CONCERNS:
        concern.register()
