"""Mistakes in the content folder that Pelican passes over, or names without the file.

tools/build.py adds these lines to a build's report, ``file[:line]: what; how to fix it``:
a post saved in a format no reader takes, a link with no address a reader can follow (a
relative path, a web address without https://, the preview's http://127.0.0.1…), a link
from the site's root or out of the page's folder to no file of the written site, a
{filename} link to a post that goes out later (a draft, a post scheduled after it), a
``Related_posts:`` slug no post has, and the places of a {filename}/{static} link that
leads to no file.
"""

import functools
import os
import re
from urllib.parse import unquote, urljoin, urlsplit

from pelican.readers import Readers

from tools.template_filters import publish_time, scheduled

MARKER = r"[{|](?:filename|static|attach)[}|]"
# [text](target "title"), ![alt](target), [id]: target, href="target", src='target'; not
# an escaped \[…\](…) or a footnote's [^1]: text
LINK = re.compile(
    r"(?<!\\)\]\(\s*<?(?P<inline>[^\s)>]+)"
    r"|^ {0,3}\[(?!\^)[^\]]+\]:\s*<?(?P<reference>[^\s>]+)"
    r"|\b(?:href|src)\s*=\s*[\"'](?P<attribute>[^\"']*)[\"']"
)
# A target that can lead somewhere: a scheme (https:, mailto:), a path from the site's root,
# a fragment or query, one of Pelican's {markers}, or out of the page's own folder (../).
FOLLOWABLE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|[/#?{|]|(?:\./)?\.\./|$")
# Of those, a path from the site's root (not //host/…) or out of the page's folder: checked
# against the written site once the build ends.
SITE_LINK = re.compile(r"/(?!/)|(?:\./)?\.\./")
CODE_SPAN = re.compile(r"(`+).*?\1")
FENCE = re.compile(r" {0,3}(```|~~~)")
OWN_ADDRESS = re.compile(r"(?:url|save_as)\s*:", re.IGNORECASE)
RELATED_POSTS = re.compile(r"related_posts\s*:(.*)", re.IGNORECASE)
FILENAME_LINK = re.compile(r"[{|]filename[}|](?P<path>[^#?]*)")
# An address on the writer's own computer, as the preview's address bar shows it.
LOCAL_ADDRESS = re.compile(
    r"(?:https?:)?//(?:localhost|127(?:\.\d+){3}|0\.0\.0\.0|\[::1\])(?::\d+)?(?P<path>/\S*)?",
    re.IGNORECASE,
)
EXAMPLE_LINKS = "{filename}/articles/2024/my-post.md, {static}/images/photo.jpg"


class Addresses(dict):
    """{source file: URL} of each post and page a build writes, from Pelican's generators;
    ``previews``: a line for each of them that a publish leaves out (a draft, a post dated
    later), to tell the writer where the preview shows it; ``pages``: each file the build
    wrote or kept (a page left in output/ by an earlier build of a renamed post is not);
    ``slugs``: of every post, published or not yet; ``every``: {source file: post or page},
    written or not; ``by_url``: {URL: post or page} of those written."""

    KINDS = ("articles", "hidden_articles", "drafts", "pages", "hidden_pages", "draft_pages")

    def __init__(self):
        super().__init__()
        self.previews, self.pages, self.slugs, self.every, self.by_url = [], set(), set(), {}, {}

    def written(self, path, context):  # content_written: a page rendered, or kept unchanged
        self.pages.add(os.path.abspath(path))

    def collect(self, generators):  # all_generators_finalized: what is written is settled
        for generator in generators:
            for static in getattr(generator, "staticfiles", ()):  # copied as they are
                self.pages.add(os.path.abspath(os.path.join(generator.output_path, static.save_as)))
            for kind in (*self.KINDS, "translations", "hidden_translations"):
                for content in getattr(generator, kind, ()):
                    self.every[content.source_path] = content
                    if kind in ("articles", "drafts"):  # what Related_posts: can name
                        self.slugs.add(content.slug)
                    if content.save_as:  # not a draft in a publish
                        self[content.source_path] = content.url
                        self.by_url[content.url.removesuffix("index.html")] = content
                        self.preview(content, generator.settings["SITEURL"])

    def preview(self, content, site_url):
        if content.status == "draft":
            what = "draft"
        elif scheduled(content):
            what = f"scheduled for {publish_time(content.date)}"
        else:
            return
        self.previews.append(f"{content.title} ({what}): {site_url}/{content.url}")


def files_under(folder):
    for parent, _folders, names in os.walk(folder) if folder else ():
        yield from (os.path.join(parent, name) for name in names)


def text_lines(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return list(handle)
    except (OSError, UnicodeDecodeError):  # a picture, or a file the reader reported
        return []


def source_files(settings):
    """(path, whether a reader takes it) of each file in the post and page folders, except
    hidden files and editors' backups (name~)."""
    readable = set(Readers(settings).extensions)
    content = settings["PATH"]
    read = {*settings["ARTICLE_PATHS"], *settings["PAGE_PATHS"]}
    # Pelican adds each kind's folders to the other's excludes: those are read.
    apart = {*settings["STATIC_PATHS"], *settings["ARTICLE_EXCLUDES"], *settings["PAGE_EXCLUDES"]}
    elsewhere = tuple(os.path.join(content, folder) + os.sep for folder in apart - read)
    for folder in sorted(read):
        for path in sorted(files_under(os.path.join(content, folder))):
            name = os.path.basename(path)
            if not (name.startswith(".") or name.endswith("~") or path.startswith(elsewhere)):
                yield path, os.path.splitext(name)[1][1:] in readable


def problems(settings, addresses):
    """A line for each file no reader takes and each link no reader can follow.
    ``addresses``: {source file: URL} of each post and page the build wrote."""
    images = os.path.join(settings["PATH"], "images")
    # Every post and page is an index.html in a folder of its own (blog/…/slug/, about/):
    # a relative link that does not climb out of it (images/x.jpg, jobs/) finds nothing.
    own_folders = all(settings[name].endswith("/") for name in ("ARTICLE_URL", "PAGE_URL"))
    for path, readable in source_files(settings):
        stem, extension = os.path.splitext(os.path.basename(path))
        if not readable:
            kind = f"a {extension} file" if extension else "a file without an extension"
            yield (
                f"{path}: no post or page is read from {kind}, so it was left out; save it "
                f"as text named {stem}.md (pictures go under {images}{os.sep})"
            )
        elif extension in (".md", ".markdown", ".mkd", ".mdown"):
            found, site_links, post_links = links_of(path, os.stat(path).st_mtime_ns, own_folders)
            yield from found
            for number, target in sorted(post_links + site_links) if path in addresses else ():
                problem = link_problem(settings, addresses, path, number, target)
                if problem:
                    yield problem
    yield from unknown_related_posts(addresses)


def link_problem(settings, addresses, path, number, target):
    """What is wrong with a {filename} link, or a link from the site's root or out of the
    page's folder, of the page written from ``path``; None if nothing."""
    post = addresses.every[path]
    if FILENAME_LINK.match(target):
        linked = addresses.every.get(linked_source(settings, path, target))
        return published_later(path, number, target, post, linked)
    site, address = site_address(settings, addresses[path], target)
    linked = addresses.by_url.get(unquote(address[len(site) + 1 :]).removesuffix("index.html"))
    later = published_later(path, number, target, post, linked)
    if later or written_address(settings, site, address, addresses.pages) is None:
        return later
    return (
        f"{path}:{number}: the link {target!r} leads to no page or file of the site (it would "
        f"be {address}); correct it, link the post or picture with {{filename}} or {{static}} "
        f"(e.g. {EXAMPLE_LINKS}), or write the whole address (https://…) of a page the blog "
        "does not build"
    )


def linked_source(settings, path, target):
    """The file a {filename} link of the file at ``path`` names."""
    value = unquote(FILENAME_LINK.match(target).group("path"))
    folder = settings["PATH"] if value.startswith("/") else os.path.dirname(path)
    return os.path.normpath(os.path.join(folder, value.lstrip("/")))


def is_draft(content):
    return str(content.metadata.get("status", "")).lower() == "draft"


def published_later(path, number, target, post, linked):
    """The line when a link of ``post`` leads to ``linked``, a post that goes out after it (a
    draft, or a post scheduled later): readers would follow it to no page; else None."""
    if linked is None or is_draft(post):
        return None
    where = f"{path}:{number}: the link {target!r} leads to {linked.title!r}"
    if is_draft(linked):
        return (
            f"{where}, a draft: make publish leaves it out, and readers would find no page; "
            "take the link out until the post is published"
        )
    if scheduled(linked) and (not scheduled(post) or linked.date > post.date):
        return (
            f"{where}, scheduled for {publish_time(linked.date)}, after this post: readers "
            "would find no page until then; take the link out until the post is published, or "
            "give this post a later 'Date:'"
        )
    return None


def unknown_related_posts(addresses):
    """A line for each slug a ``Related_posts:`` line names that no post has (pelican-related-
    posts would leave it out without a word)."""
    for path in sorted(p for p in addresses if "related_posts" in addresses.every[p].metadata):
        for number, line in enumerate(metadata_lines(path), 1):
            named = RELATED_POSTS.match(line)
            for slug in named.group(1).split(",") if named else ():
                if slug.strip() and slug.strip() not in addresses.slugs:
                    yield (
                        f"{path}:{number}: Related_posts names {slug.strip()!r}, the slug of no "
                        "post, so it was left out; write the last part of the post's address "
                        "(for /blog/2013/01/31/the-value-of-post-interview-follow-up/: "
                        "the-value-of-post-interview-follow-up), a comma between two posts"
                    )


def site_address(settings, url, target):
    """(the site's path on its server, the path ``target`` has from the page at ``url``)."""
    site = urlsplit(settings.get("SITEURL", "")).path.rstrip("/")
    return site, urlsplit(urljoin(f"{site}/{url}", target)).path


def written_address(settings, site, address, pages):
    """``address`` when no file of the written site is there (a folder: its index.html; a
    page: one of ``pages``, which this build wrote); None when one is, or it is not the site's
    to judge."""
    if not address.startswith(f"{site}/"):
        return None  # beside the site on its server
    output = os.path.abspath(settings["OUTPUT_PATH"])
    path = os.path.normpath(os.path.join(output, unquote(address[len(site) + 1 :])))
    inside = path == output or path.startswith(output + os.sep)
    files = (path, os.path.join(path, "index.html"))
    found = inside and any(f in pages if f.endswith(".html") else os.path.isfile(f) for f in files)
    return None if found else address


# The devserver builds again and again in one process: only an edited file is read again.
@functools.lru_cache(maxsize=4096)
def links_of(path, modified, own_folders):
    """(a line for each link of a Markdown file that leads nowhere wherever the page is,
    (line number, target) of each link from the site's root or out of the page's folder,
    and of each {filename} link)."""
    found, site_links, post_links = [], [], []
    for number, target, own_address in each_link(path):
        where = f"{path}:{number}: the link {target!r}"
        local = LOCAL_ADDRESS.match(target)
        if local:
            found.append(
                f"{where} leads to your own computer (the preview), which readers cannot open; "
                "link a post with {filename} (e.g. {filename}/articles/2024/my-post.md), or "
                f"write the address from the site's root ({local.group('path') or '/'})"
            )
        elif SITE_LINK.match(target):
            site_links.append((number, target))
        elif FILENAME_LINK.match(target):
            post_links.append((number, target))
        elif target.lower().startswith("www."):
            found.append(
                f"{where} has no https:// in front, so it leads nowhere; write https://{target}"
            )
        elif own_folders and not own_address and not FOLLOWABLE.match(target):
            found.append(
                f"{where} leads nowhere: it is read from the page's own address; link a "
                f"file under the content folder with {{static}} or {{filename}} (e.g. "
                f"{EXAMPLE_LINKS}), or write the whole address (https://…)"
            )
    return tuple(found), tuple(site_links), tuple(post_links)


def metadata_lines(path, lines=None):
    """The lines of the metadata at the top of a Markdown file, up to the first empty one."""
    lines = text_lines(path) if lines is None else lines
    return lines[: next((n for n, line in enumerate(lines) if not line.strip()), 0)]


def each_link(path):
    """(line number, target, whether the file sets its own URL:/Save_as:) of each link of a
    Markdown file, outside code."""
    lines, in_code = text_lines(path), False
    own_address = any(OWN_ADDRESS.match(line) for line in metadata_lines(path, lines))
    for number, line in enumerate(lines, 1):
        if FENCE.match(line):
            in_code = not in_code
        may_link = "](" in line or "]:" in line or "=" in line
        if in_code or line.startswith(("    ", "\t")) or not may_link:  # code, or no link
            continue
        for found in LINK.finditer(CODE_SPAN.sub("", line)):
            yield number, next(v for v in found.groups() if v is not None), own_address


def places_of_link(content_folder, target):
    """Pelican names a {filename}/{static} link to no file, not the file that has it: a
    line for each place in the content folder with the link."""
    link = re.compile(MARKER + re.escape(target))
    fix = (
        f"leads to no file in {content_folder or 'content'}; correct it to the path of one, "
        f"from there (e.g. {EXAMPLE_LINKS})"
    )
    places = []
    for path in sorted(files_under(content_folder)):
        for number, text in enumerate(text_lines(path), 1):
            places += [f"{path}:{number}: the link {m.group()} {fix}" for m in link.finditer(text)]
    return places or [f"a link to {target!r} {fix}"]
