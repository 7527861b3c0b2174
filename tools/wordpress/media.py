"""Uploads: recognise links to the old site's media, copy the files, give new links.

A media link is any URL on the old site (http or https, with or without ``www.``,
WordPress.com's ``*.files.wordpress.com`` and its ``i0.wp.com`` proxy) under
``wp-content/uploads/``; a ``?w=300`` style query is dropped. With ``--media`` the
file is copied to ``content/images/<year>/<month>/<name>`` (resized variants such as
``name-300x200.jpg`` are files of their own) and linked as ``{static}/images/…``.
"""

import filecmp
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

UPLOADS = re.compile(r"^(?:/[^?#]*?)?/wp-content/uploads/(?P<rel>[^?#]+)$")
WPCOM_FILES = re.compile(r"^[\w-]+\.files\.wordpress\.com$")
PHOTON = re.compile(r"^i[0-3]\.wp\.com$")


def bare_host(host):
    host = (host or "").lower()
    return host[4:] if host.startswith("www.") else host


@dataclass
class OldSite:
    """The hosts and path prefix of the WordPress site being moved."""

    hosts: set

    @classmethod
    def from_export(cls, export):
        hosts = {bare_host(urlsplit(u).hostname) for u in (export.base_site_url, export.link)}
        hosts.add(bare_host(urlsplit(export.base_blog_url).hostname))
        return cls({h for h in hosts if h})

    def is_old(self, url):
        parts = urlsplit(url)
        host = bare_host(parts.hostname)
        if parts.scheme not in ("http", "https", "") or not host:
            return False
        return host in self.hosts or bool(WPCOM_FILES.match(host) or PHOTON.match(host))

    def media_path(self, url):
        """``2013/01/name.jpg`` for a link to an upload of the old site, else None."""
        if not self.is_old(url):
            return None
        parts = urlsplit(url)
        host = bare_host(parts.hostname)
        path = unquote(parts.path)
        if PHOTON.match(host):  # i0.wp.com/<host>/wp-content/uploads/…
            host, _, path = path.lstrip("/").partition("/")
            path = "/" + path
            if bare_host(host) not in self.hosts and not WPCOM_FILES.match(host):
                return None
        if WPCOM_FILES.match(host):
            rel = path.lstrip("/")
            return rel if re.match(r"^\d{4}/\d{2}/[^/]+$", rel) else None
        match = UPLOADS.match(path)
        return match.group("rel") if match else None


@dataclass
class Media:
    """Uploads the posts use: found, copied, missing or left remote."""

    source: Path | None
    target: Path  # content/images
    used: dict = field(default_factory=dict)  # rel -> first post that uses it
    copied: set = field(default_factory=set)
    missing: dict = field(default_factory=dict)
    remote: dict = field(default_factory=dict)

    def link(self, rel, url, where):
        """The new link for upload ``rel`` (first seen in ``where``)."""
        self.used.setdefault(rel, where)
        if self.source is not None and (self.source / rel).is_file():
            self.copied.add(rel)
            return "{static}/images/" + rel
        if self.source is not None:
            self.missing.setdefault(rel, where)
        else:
            self.remote.setdefault(rel, (url, where))
        return url

    def copy(self, dry_run=False):
        """Copy every used upload; return the number of files written (0 when unchanged)."""
        written = 0
        for rel in sorted(self.copied):
            source, target = self.source / rel, self.target / rel
            if target.is_file() and filecmp.cmp(source, target, shallow=False):
                continue
            written += 1
            if not dry_run:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        return written
