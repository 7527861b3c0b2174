"""Read a WordPress export (WXR 1.0–1.2, http or https namespaces) into plain objects.

Namespaces are recognised by their shape, not their exact URI: WordPress core writes
``http://wordpress.org/export/1.2/``, WordPress.com sometimes ``https://…``, and older
exports ``…/export/1.0/`` or ``1.1``. Nothing here writes anything.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

NAMESPACES = (
    (re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/?$"), "excerpt"),
    (re.compile(r"^https?://wordpress\.org/export/1\.\d+/?$"), "wp"),
    (re.compile(r"^https?://purl\.org/rss/1\.0/modules/content/?$"), "content"),
    (re.compile(r"^https?://purl\.org/dc/elements/1\.1/?$"), "dc"),
    (re.compile(r"^https?://wellformedweb\.org/CommentAPI/?$"), "wfw"),
)


class WXRError(Exception):
    """The export cannot be read; the message names the file (and line)."""


@dataclass
class Author:
    login: str
    display_name: str
    email: str = ""
    description: str = ""
    id: str = ""


@dataclass
class Term:
    kind: str  # category, post_tag
    slug: str
    name: str
    id: str = ""
    parent: str = ""


@dataclass
class Comment:
    id: int
    author: str
    email: str
    url: str
    ip: str
    date: str
    date_gmt: str
    content: str
    approved: str  # "1", "0", "spam", "trash"
    type: str  # "", "comment", "pingback", "trackback"
    parent: int


@dataclass
class Item:
    id: int
    type: str
    title: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    date: str
    date_gmt: str
    modified: str
    modified_gmt: str
    status: str
    name: str
    parent: int
    password: str
    comment_status: str
    attachment_url: str
    terms: list = field(default_factory=list)  # (domain, nicename, name)
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)


@dataclass
class Export:
    path: Path
    version: str
    title: str
    link: str
    base_site_url: str
    base_blog_url: str
    authors: list
    terms: list
    items: list


def key(element):
    """``prefix:local`` for an element, with the prefix recognised from its namespace."""
    qname = etree.QName(element)
    if not qname.namespace:
        return qname.localname
    for pattern, prefix in NAMESPACES:
        if pattern.match(qname.namespace):
            return f"{prefix}:{qname.localname}"
    return f"{{{qname.namespace}}}{qname.localname}"


def children(element):
    found = {}
    for child in element:
        if isinstance(child.tag, str):
            found.setdefault(key(child), []).append(child)
    return found


def text(found, name, default=""):
    elements = found.get(name)
    if not elements or elements[0].text is None:
        return default
    return elements[0].text.strip() if name not in RAW else elements[0].text


RAW = {"content:encoded", "excerpt:encoded", "wp:comment_content", "wp:meta_value"}


def number(value):
    try:
        return int(value or 0)
    except ValueError:
        return 0


def read_author(element):
    found = children(element)
    return Author(
        login=text(found, "wp:author_login"),
        display_name=text(found, "wp:author_display_name") or text(found, "wp:author_login"),
        email=text(found, "wp:author_email"),
        description=text(found, "wp:author_description"),
        id=text(found, "wp:author_id"),
    )


def read_term(element, kind):
    found = children(element)
    if kind == "category":
        return Term(
            "category",
            text(found, "wp:category_nicename"),
            text(found, "wp:cat_name"),
            text(found, "wp:term_id"),
            text(found, "wp:category_parent"),
        )
    if kind == "post_tag":
        return Term("post_tag", text(found, "wp:tag_slug"), text(found, "wp:tag_name"))
    return Term(
        text(found, "wp:term_taxonomy"), text(found, "wp:term_slug"), text(found, "wp:term_name")
    )


def read_comment(element):
    found = children(element)
    return Comment(
        id=number(text(found, "wp:comment_id")),
        author=text(found, "wp:comment_author"),
        email=text(found, "wp:comment_author_email"),
        url=text(found, "wp:comment_author_url"),
        ip=text(found, "wp:comment_author_IP"),
        date=text(found, "wp:comment_date"),
        date_gmt=text(found, "wp:comment_date_gmt"),
        content=text(found, "wp:comment_content"),
        approved=text(found, "wp:comment_approved", "0"),
        type=text(found, "wp:comment_type"),
        parent=number(text(found, "wp:comment_parent")),
    )


def read_item(element):
    found = children(element)
    item = Item(
        id=number(text(found, "wp:post_id")),
        type=text(found, "wp:post_type", "post"),
        title=text(found, "title"),
        link=text(found, "link"),
        guid=text(found, "guid"),
        creator=text(found, "dc:creator"),
        content=text(found, "content:encoded"),
        excerpt=text(found, "excerpt:encoded"),
        date=text(found, "wp:post_date"),
        date_gmt=text(found, "wp:post_date_gmt"),
        modified=text(found, "wp:post_modified"),
        modified_gmt=text(found, "wp:post_modified_gmt"),
        status=text(found, "wp:status", "publish"),
        name=text(found, "wp:post_name"),
        parent=number(text(found, "wp:post_parent")),
        password=text(found, "wp:post_password"),
        comment_status=text(found, "wp:comment_status", "open"),
        attachment_url=text(found, "wp:attachment_url"),
    )
    for term in found.get("category", []):
        name = (term.text or "").strip()
        item.terms.append((term.get("domain", "category"), term.get("nicename", ""), name))
    for meta in found.get("wp:postmeta", []):
        parts = children(meta)
        item.meta[text(parts, "wp:meta_key")] = text(parts, "wp:meta_value")
    item.comments = [read_comment(c) for c in found.get("wp:comment", [])]
    return item


def parse(path):
    """Read the whole export; raise WXRError naming the file and line when it is broken."""
    path = Path(path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        tree = etree.parse(str(path), parser)
    except OSError as exc:
        raise WXRError(f"{path}: cannot read the export: {exc}") from exc
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else exc.lineno
        raise WXRError(f"{path}:{line}: not well-formed XML: {exc.msg}") from exc
    channel = tree.getroot().find("channel")
    if tree.getroot().tag != "rss" or channel is None:
        raise WXRError(f"{path}:1: not a WordPress export (no <rss><channel>)")
    found = children(channel)
    version = text(found, "wp:wxr_version")
    if "wp:base_site_url" not in found and not version:
        raise WXRError(f"{path}:1: not a WordPress export (no wp:wxr_version or base_site_url)")
    terms = [read_term(e, "category") for e in found.get("wp:category", [])]
    terms += [read_term(e, "post_tag") for e in found.get("wp:tag", [])]
    terms += [read_term(e, "term") for e in found.get("wp:term", [])]
    return Export(
        path=path,
        version=version or "1.0",
        title=text(found, "title"),
        link=text(found, "link"),
        base_site_url=text(found, "wp:base_site_url") or text(found, "link"),
        base_blog_url=text(found, "wp:base_blog_url") or text(found, "link"),
        authors=[read_author(e) for e in found.get("wp:author", [])],
        terms=terms,
        items=[read_item(e) for e in found.get("item", [])],
    )
