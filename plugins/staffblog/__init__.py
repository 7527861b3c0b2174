"""staffblog: the career-advice blog's Pelican plugin.

One module per concern; each exposes a ``register()`` that connects its
module-level receivers to the Pelican signal that fits.
"""

from . import authors, comments, pygments_css, reading_time, search, seo, toc, validation

CONCERNS = (validation, authors, seo, comments, pygments_css, reading_time, toc, search)


def register():
    for concern in CONCERNS:
        concern.register()
