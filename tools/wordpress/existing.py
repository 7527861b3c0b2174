"""What the site already has: addresses of hand-written posts and pages, and bios.

An imported file carries ``Wordpress_id:``; any other file is the firm's own and is
never overwritten: an imported item that would land on its address is left out
(its comments still go to that address's thread).
"""

import re
from pathlib import Path

from pelican.utils import get_date

from tools.wordpress.addresses import slugify

FIELD = re.compile(r"^([A-Za-z][\w-]*):\s*(.*)$")


def header(path):
    fields = {}
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            break
        match = FIELD.match(line)
        if match:
            fields[match[1].lower()] = match[2].strip()
    return fields


def address(fields, settings, kind):
    if fields.get("url"):
        return fields["url"]
    slug = fields.get("slug") or slugify(fields.get("title", ""), settings)
    draft = fields.get("status", "").lower() == "draft"
    if kind == "page":
        return (settings["DRAFT_PAGE_URL"] if draft else settings["PAGE_URL"]).format(slug=slug)
    try:
        date = get_date(fields["date"])
    except (KeyError, ValueError):
        return None
    return (settings["DRAFT_URL"] if draft else settings["ARTICLE_URL"]).format(
        date=date, slug=slug
    )


def scan(content, settings):
    """({new URL: source file} of files not written by an import, {author slug: bio file})."""
    content = Path(content)
    urls = {}
    for folder, kind in (("articles", "article"), ("pages", "page")):
        for path in sorted((content / folder).rglob("*.md")):
            fields = header(path)
            if "wordpress_id" in fields:
                continue
            url = address(fields, settings, kind)
            if url:
                urls[url] = path
    bios = {}
    for path in sorted((content / "authors").glob("*.md")):
        fields = header(path)
        if fields.get("name") and "wordpress_login" not in fields:
            bios[slugify(fields["name"], settings, "AUTHOR")] = path
    return urls, bios
