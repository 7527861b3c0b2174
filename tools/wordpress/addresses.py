"""Every old address keeps working: served where it was, or a 301 to its new place.

Posts whose old path already is ``/blog/Y/M/D/slug/`` get that slug and date, so
Pelican writes them exactly there; pages keep their (parent) path. Every other old
address goes into ``deploy/nginx/redirects.map`` (two nginx ``map`` blocks, paths and
WordPress's ``?p=`` style queries) and, for hosts without nginx, into a static page
under ``content/redirects/<old path>/index.html`` that the build saves at the old
path (``PATH_METADATA`` in pelicanconf.py).
"""

import html
import re
from urllib.parse import quote, unquote, urlsplit

from pelican.utils import slugify as pelican_slugify

QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "author")
UNSAFE_KEY = re.compile(r"[\x00-\x20\x7f$\"\\;{}]")
REDIRECTS_DIR = "redirects"


def slugify(value, settings, kind="SLUG"):
    return pelican_slugify(
        value,
        regex_subs=settings.get(
            f"{kind}_REGEX_SUBSTITUTIONS", settings["SLUG_REGEX_SUBSTITUTIONS"]
        ),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )


def old_path(url):
    """The decoded path of an old permalink, or '' for a ``?p=``-style link."""
    parts = urlsplit(url or "")
    if parts.query and parts.path in ("", "/", "/index.php"):
        return ""
    path = unquote(parts.path or "")
    return path if path.startswith("/") else ""


def encoded(path):
    return quote(path, safe="/-._~!*'(),:@&=+")


def query_key(name, value):
    """The nginx map key for ``?name=value`` (see ``$blog_redirect_query`` in blog.conf)."""
    return ":".join(str(value) if key == name else "" for key in QUERY_KEYS)


class Redirects:
    """Old path or query -> new path (both without host)."""

    def __init__(self, served=()):
        self.paths = {}
        self.queries = {}
        self.served = set(served)  # paths the new site itself serves
        self.refused = []

    def add_path(self, old, new, feed=None):
        """Redirect ``old`` (and its form without the last slash) to ``new``; with
        ``feed``, also its WordPress feed addresses (``…/feed/``, ``…/feed/atom/``)."""
        if not old or old == "/":
            return
        variants = {old: new}
        if old.endswith("/"):
            variants[old.rstrip("/")] = new
            if feed:
                variants.update({old + end: feed for end in ("feed/", "feed/atom/", "feed/rss2/")})
        for path, target in variants.items():
            if not path or path == target or path in self.served:
                continue
            if UNSAFE_KEY.search(path):
                self.refused.append(path)
                continue
            self.paths.setdefault(path, target)

    def add_query(self, name, value, new):
        if value:
            self.queries.setdefault(query_key(name, value), new)

    def map_text(self, source):
        longest = max((len(key.encode()) for key in self.paths), default=0)
        bucket = 64
        while bucket < longest + 32:
            bucket *= 2
        lines = [
            f"# Written by `make import` (tools/wordpress) from {source}. Regenerate, do not edit.",
            "# Old WordPress paths ($uri, decoded) and ?p=/?page_id=/… links: 301 targets.",
            "# (http level: nginx.conf must not set map_hash_* itself.)",
            f"map_hash_bucket_size {bucket};",
            f"map_hash_max_size {max(2048, 4 * len(self.paths))};",
            "map $uri $blog_redirect {",
            '    default "";',
        ]
        lines += [f'    "{old}" "{encoded(new)}";' for old, new in sorted(self.paths.items())]
        lines += [
            "}",
            'map "$arg_p:$arg_page_id:$arg_attachment_id:$arg_cat:$arg_tag:$arg_author"'
            " $blog_redirect_query {",
            '    default "";',
        ]
        lines += [f'    "{key}" "{encoded(new)}";' for key, new in sorted(self.queries.items())]
        return "\n".join([*lines, "}", ""])

    def stub_pages(self, site_url):
        """{relative file under content/redirects/: HTML} for every path redirect."""
        pages = {}
        for old, new in sorted(self.paths.items()):
            if not old.endswith("/") or re.search(r"/feed/(?:atom/|rss2/)?$", old):
                continue  # nginx covers feeds and paths without a trailing slash
            target = encoded(new)
            canonical = site_url.rstrip("/") + target
            pages[old.strip("/") + "/index.html"] = STUB.format(
                href=html.escape(target, quote=True), canonical=html.escape(canonical, quote=True)
            )
        return pages


STUB = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>This page has moved</title>
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={href}">
<link rel="canonical" href="{canonical}">
</head>
<body>
<p>This page has moved to <a href="{href}">{canonical}</a>.</p>
</body>
</html>
"""


def post_url(settings, date, slug, draft=False):
    pattern = settings["DRAFT_URL"] if draft else settings["ARTICLE_URL"]
    return pattern.format(date=date, slug=slug)


BLOG_PATH = re.compile(r"^/blog/(\d{4})/(\d{2})/(\d{2})/([^/]+)/?$")


def served_slug(path, date):
    """The slug when the old path already is this post's new address, else None."""
    match = BLOG_PATH.match(path or "")
    if match and (int(match[1]), int(match[2]), int(match[3])) == (
        date.year,
        date.month,
        date.day,
    ):
        return match[4]
    return None


def page_path(path, slug):
    """New URL of a page: its old path (parents kept) when it has one."""
    path = (path or "").strip("/")
    if not path or "?" in path or path.endswith((".php", ".html")):
        return f"{slug}/"
    return path + "/"
