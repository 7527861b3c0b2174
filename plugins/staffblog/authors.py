"""Author bios: one Markdown file per author, attached to Pelican's Author objects.

A bio in ``content/<STAFFBLOG_AUTHORS_DIR>/`` has ``Name:`` and optional ``Role:``,
``Short:``, ``Photo:`` (a file under content/), ``Email:``, ``LinkedIn:`` and ``Website:``
lines, then the bio in Markdown. Templates read those as ``author.<name>`` and
``author.initials``.
"""

import logging
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markupsafe import Markup
from pelican.urlwrappers import Author

from . import settings as plugin_settings
from .files import field_location
from .reader import MetadataError, StaffBlogMarkdownReader

logger = logging.getLogger(__name__)

LINK_FIELDS = (("email", "E-mail"), ("linkedin", "LinkedIn"), ("website", "Website"))


class AuthorBioError(Exception):
    """A bio file that cannot be used, named by its path."""


@dataclass(frozen=True)
class AuthorBio:
    name: str
    slug: str
    source_path: str
    bio: Markup
    role: str = ""
    short: str = ""  # the one-line bio under posts ("Short:"), else its first sentence
    photo: str = ""
    links: tuple = field(default_factory=tuple)


def initials(name):
    """The first letters of the first and last words: the avatar of an author without a photo."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    return "".join(w[0] for w in (words[:1] + words[1:][-1:])).upper()


def bios_folder(settings):
    return os.path.join(settings["PATH"], plugin_settings.get(settings, "STAFFBLOG_AUTHORS_DIR"))


def read_bio(path, pelican_settings):
    """Read one bio file; raise AuthorBioError naming the file on any problem (or
    MetadataError, which the reader has reported)."""
    content, metadata = StaffBlogMarkdownReader(pelican_settings).read(path)
    name = str(metadata.get("name") or metadata.get("title") or "").strip()
    if not name:
        raise AuthorBioError(f"{path}: has no 'Name:' line; add one, e.g. 'Name: Dana Smith'")
    if not content.strip():
        raise AuthorBioError(f"{path}: the bio has no text; write it under the metadata lines")
    links = []
    for key, label in LINK_FIELDS:
        value = str(metadata.get(key, "")).strip()
        if value and key != "email" and urlsplit(value).scheme.lower() not in ("http", "https"):
            logger.error(
                "%s: %s %r is not a web address; write it as https://…", path, label, value
            )
        elif value:
            links.append((label, f"mailto:{value}" if key == "email" else value))
    photo = str(metadata.get("photo", "")).strip()
    if photo and not os.path.isfile(os.path.join(pelican_settings["PATH"], photo)):
        raise AuthorBioError(
            f"{field_location(path, 'photo')}: Photo {photo!r} is not a file under content/; "
            "correct the path (images/…/x.jpg) or remove the line"
        )
    return AuthorBio(
        name=name,
        slug=Author(name, pelican_settings).slug,
        source_path=path,
        bio=Markup(content),
        role=str(metadata.get("role", "")).strip(),
        short=str(metadata.get("short", "")).strip(),
        photo=photo,
        links=tuple(links),
    )


def load_bios(pelican_settings):
    """Every usable bio in the authors folder, keyed by author slug; the others reported."""
    folder = bios_folder(pelican_settings)
    bios = {}
    for filename in sorted(os.listdir(folder)) if os.path.isdir(folder) else ():
        if not filename.endswith((".md", ".markdown")):
            continue
        try:
            bio = read_bio(os.path.join(folder, filename), pelican_settings)
        except AuthorBioError as exc:
            logger.error("%s", exc)
            continue
        except MetadataError:
            continue
        first = bios.setdefault(bio.slug, bio)
        if first is not bio:
            url = Author(bio.name, pelican_settings).url
            logger.error(
                f"{field_location(bio.source_path, 'name')}: Name {bio.name!r} has the address "
                f"/{url} of {first.name!r} in {first.source_path}; one bio per author, and "
                "names that differ in more than punctuation"
            )
    return bios


def attach(author, bio):
    author.initials = initials(bio.name)
    for name in ("bio", "role", "short", "photo", "links"):
        setattr(author, name, getattr(bio, name))


def report_unknown(content, author, bio, settings):
    field = "authors" if "authors" in content.metadata else "author"  # Pelican's choice too
    where, name = field_location(content.source_path, field), author.name
    if bio is not None:
        logger.error(
            f"{where}: Author {name!r} is spelled {bio.name!r} in the bio {bio.source_path}; "
            f"write 'Author: {bio.name}'"
        )
    elif not ({"author", "authors"} & content.metadata.keys()):  # credited to AUTHOR
        logger.error(
            f"{where}: has no 'Author:' name, so it was credited to {name!r} (AUTHOR in "
            "pelicanconf.py), who has no bio; write 'Author:' and your name as in your bio"
        )
    else:
        logger.error(
            f"{where}: Author {name!r} has no bio; correct the name, or add "
            f"{bios_folder(settings)}/{author.slug}.md with 'Name: {name}'"
        )


def attach_bios(contents, authors, settings):
    """Give each author of ``contents`` and each of ``authors`` its bio."""
    bios = load_bios(settings)
    for content in contents:
        for author in getattr(content, "authors", ()):
            bio = bios.get(author.slug)
            if bio is None or bio.name != author.name:
                report_unknown(content, author, bio, settings)
                author.initials = initials(author.name)
                continue
            attach(author, bio)
    for author in authors:
        if author.slug in bios:
            attach(author, bios[author.slug])
