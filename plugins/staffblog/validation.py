"""Addresses a reader would see broken, reported naming the file before anything is written.

A ``Slug:``, ``URL:`` or ``Save_as:`` that is not a plain path (a scheme, quotes, ``..``),
and two articles at the same URL (Pelican would fail half-way, naming neither): left out.
"""

import logging
import re
from collections import defaultdict

logger = logging.getLogger(__name__)

PLAIN_SLUG = re.compile(r"[\w][\w.-]*")
PLAIN_PATH = re.compile(r"(?!/)(?!.*(?:^|/)\.\.(?:/|$))[\w./-]*")


def plain_address(content):
    """Whether the content's slug and URL overrides are plain paths; reports it if not."""
    fields = {"Slug": getattr(content, "slug", "") or ""}
    fields |= {name: content.metadata.get(name.lower()) for name in ("URL", "Save_as")}
    for name, value in fields.items():
        pattern = PLAIN_SLUG if name == "Slug" else PLAIN_PATH
        if value is not None and not pattern.fullmatch(str(value)):
            logger.error(
                "%s: %s %r is not a plain address; use letters, digits and hyphens "
                "(e.g. 'Slug: my-post'); the file was left out",
                content.source_path,
                name,
                value,
            )
            return False
    return True


def drop_unsafe_pages(generator):
    """Leave out pages whose address is not a plain path (``page_generator_finalized``)."""
    generator.pages[:] = [page for page in generator.pages if plain_address(page)]


def drop_clashing_urls(generator):
    """Keep the first article per output file and report every other one."""
    generator.articles = [article for article in generator.articles if plain_address(article)]
    by_save_as = defaultdict(list)
    for article in generator.articles:
        by_save_as[article.save_as].append(article)
    clashing = set()
    for group in by_save_as.values():
        if len(group) > 1:
            clashing.update(id(a) for a in group[1:])
            logger.warning(
                "%s: same URL %r as %s; skipped",
                ", ".join(a.source_path for a in group[1:]),
                "/" + group[0].url,
                group[0].source_path,
            )
    if clashing:
        # Taxonomies are built right after this signal, from the filtered list.
        generator.articles = [a for a in generator.articles if id(a) not in clashing]
