"""staffblog: the career-advice blog's Pelican plugin.

One module per concern; each exposes a ``register()`` that connects its
module-level receivers to the Pelican signal that fits.
"""

from . import authors, checklist, pygments_css, seo, validation

# checklist before seo: it rewrites the article HTML that summaries are built from.
CONCERNS = (validation, authors, checklist, seo, pygments_css)


def register():
    for concern in CONCERNS:
        concern.register()
