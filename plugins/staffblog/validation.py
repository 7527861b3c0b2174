"""Addresses a reader would see broken, reported naming the file before anything is written.

A ``Slug:``, ``URL:`` or ``Save_as:`` that is not a plain path (a scheme, quotes, ``..``),
and a post or page at an address another post, page or listing has (Pelican would fail
half-way, naming neither): left out. Two category or tag names sharing one address.
"""

import logging
import os
import re

from . import settings as plugin_settings
from .checklist_items import short
from .files import field_location

logger = logging.getLogger(__name__)

PLAIN_SLUG = re.compile(r"[\w][\w.-]{0,99}")
PLAIN_PATH = re.compile(r"(?!/)(?!.*(?:^|/)\.\.(?:/|$))[\w./-]*")


def plain_address(content):
    """Whether the content's slug and URL overrides are plain paths; reports it if not."""
    fields = {"Slug": getattr(content, "slug", "") or ""}
    fields |= {name: content.metadata.get(name.lower()) for name in ("URL", "Save_as")}
    for name, value in fields.items():
        pattern = PLAIN_SLUG if name == "Slug" else PLAIN_PATH
        if value is not None and not pattern.fullmatch(str(value)):
            logger.error(
                f"{field_location(content.source_path, name)}: {name} {value!r} is not a plain "
                "address; use at most 100 letters, digits and hyphens (e.g. 'Slug: my-post'); "
                "the file was left out"
            )
            return False
    return True


def drop_clashing_urls(generator):
    """Keep the first article per output file and report every other one."""
    articles = [article for article in generator.articles if plain_address(article)]
    first = {}
    for article in sorted(articles, key=lambda article: article.source_path):
        owner = first.setdefault(article.save_as, article)
        if owner is not article:
            report_clash(article, owner.source_path)
    # Taxonomies are built right after this signal, from the filtered list.
    generator.articles = [article for article in articles if first[article.save_as] is article]


def report_clash(content, owner):
    owner = f"used by {owner}" if os.path.isabs(owner) else owner
    # Point the writer at the line where the file sets its address.
    named = [name for name in ("save_as", "url", "slug", "title") if name in content.metadata]
    where = field_location(content.source_path, named[0]) if named else content.source_path
    logger.error(
        f"{where}: its address /{content.url} is already {owner}; give the file another "
        "'Slug:'; it was left out"
    )


def listing_pages(context, settings):
    """(file, what) for each listing page of the build."""
    for name in settings["DIRECT_TEMPLATES"]:
        yield settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html"), f"the {name} page"
    yield plugin_settings.get(settings, "CHECKLIST_INDEX_SAVE_AS"), "the list of checklists"
    for kind in ("categories", "tags", "authors"):
        for wrapper, _articles in context.get(kind, []):
            yield wrapper.save_as, f"the {type(wrapper).__name__.lower()} page of {wrapper.name!r}"


CONTENT_LISTS = ("articles", "hidden_articles", "drafts", "pages", "hidden_pages", "draft_pages")


def drop_clashing_outputs(context, settings):
    """Report and leave out each post or page whose file another one or a listing has."""
    owners = {os.path.normpath(path): what for path, what in listing_pages(context, settings)}
    for name in CONTENT_LISTS:
        for content in list(context.get(name, [])):
            if content.save_as:
                owner = owners.setdefault(os.path.normpath(content.save_as), content.source_path)
                if owner != content.source_path:
                    report_clash(content, owner)
                    context[name].remove(content)


FIELDS = {"Category": "category", "Tag": "tags"}


def report_shared_slugs(articles):
    """Two category or tag names that Pelican would merge into one page, unasked."""
    first = {}
    for article in articles:
        wrappers = [article.category] if getattr(article, "category", None) else []
        for wrapper in wrappers + list(getattr(article, "tags", [])):
            key = (type(wrapper).__name__, wrapper.slug)
            name, source = first.setdefault(key, (wrapper.name, article.source_path))
            if wrapper.slug and name.casefold() == wrapper.name.casefold():
                continue
            where = field_location(article.source_path, FIELDS[key[0]])
            said = f"{where}: {key[0]} {short(wrapper.name)!r}"
            if not wrapper.slug:
                logger.error(f"{said} has no letter or digit to make its address from; use words")
            else:
                logger.error(
                    f"{said} has the same address /{wrapper.url} as {short(name)!r} in {source}; "
                    "use one spelling"
                )
