"""staffblog: the career-advice blog's Pelican plugin.

One module per concern; each exposes a ``register()`` that connects its
module-level receivers to the Pelican signal that fits.
"""

from . import authors, comments, pygments_css, seo, validation

CONCERNS = (validation, authors, seo, comments, pygments_css)


def register():
    for concern in CONCERNS:
        concern.register()
