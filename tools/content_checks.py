"""Mistakes in the content folder that Pelican passes over, or names without the file.

tools/build.py adds these lines to a build's report, ``file[:line]: what; how to fix it``:
a post saved in a format no reader takes, a link with no address a reader can follow (a
relative path, a web address without https://), and the places of a {filename}/{static}
link that leads to no file.
"""

import functools
import os
import re

from pelican.readers import Readers

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
CODE_SPAN = re.compile(r"(`+).*?\1")
FENCE = re.compile(r" {0,3}(```|~~~)")
OWN_ADDRESS = re.compile(r"(?:url|save_as)\s*:", re.IGNORECASE)
EXAMPLE_LINKS = "{filename}/articles/2024/my-post.md, {static}/images/photo.jpg"


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


def problems(settings):
    """A line for each file no reader takes and each link no reader can follow."""
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
        elif own_folders and extension in (".md", ".markdown", ".mkd", ".mdown"):
            yield from links_to_nowhere(path, os.stat(path).st_mtime_ns)


# The devserver builds again and again in one process: only an edited file is read again.
@functools.lru_cache(maxsize=4096)
def links_to_nowhere(path, modified):
    """Links of a Markdown file that lead nowhere from the page's own folder."""
    return tuple(each_link_to_nowhere(path))


def each_link_to_nowhere(path):
    lines, in_code = text_lines(path), False
    metadata = lines[: next((n for n, line in enumerate(lines) if not line.strip()), 0)]
    if any(OWN_ADDRESS.match(line) for line in metadata):
        return  # a URL: or Save_as: of its own: its folder is not known here
    for number, line in enumerate(lines, 1):
        if FENCE.match(line):
            in_code = not in_code
        may_link = "](" in line or "]:" in line or "=" in line
        if in_code or line.startswith(("    ", "\t")) or not may_link:  # code, or no link
            continue
        for found in LINK.finditer(CODE_SPAN.sub("", line)):
            target = next(value for value in found.groups() if value is not None)
            if FOLLOWABLE.match(target):
                continue
            where = f"{path}:{number}: the link {target!r}"
            if target.lower().startswith("www."):
                yield f"{where} has no https:// in front, so it leads nowhere; write https://{target}"
            else:
                yield (
                    f"{where} leads nowhere: it is read from the page's own address; link a "
                    f"file under the content folder with {{static}} or {{filename}} (e.g. "
                    f"{EXAMPLE_LINKS}), or write the whole address (https://…)"
                )


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
