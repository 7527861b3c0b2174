"""Reject content a reader would see broken: two articles at the same URL.

Pelican itself reports a missing title or date ("Skipping <file>: could not find
information about 'title'"); reader.py names the field of an unreadable
metadata value. This module adds the clash Pelican would only report half-way
through writing, without naming the sources.
"""

import logging
from collections import defaultdict

logger = logging.getLogger(__name__)


def drop_clashing_urls(generator):
    """Keep the first article per output file and report every other one.

    Left alone, Pelican would stop half-way through writing with an error that
    names only the output file, not the two sources that clash.
    """
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
