"""Table of contents for long articles: ``article.toc_entries``.

The ``<h2>``/``<h3>`` headings (ids from Markdown's ``toc`` extension) are read with
the article (reader.py) and nested with the extension's ``nest_toc_tokens``. A long
article (``STAFFBLOG_TOC_MIN_HEADINGS`` ``<h2>`` and ``STAFFBLOG_TOC_MIN_WORDS`` words)
gets one; ``TOC: yes`` / ``TOC: no`` decides for one post. Each entry has ``id``,
``name``, ``level`` and ``children``.
"""

import logging

from markdown.extensions.toc import nest_toc_tokens

from . import settings as plugin_settings
from .files import field_location
from .reading_time import counted_words

logger = logging.getLogger(__name__)

HEADINGS_METADATA = "toc_headings"
LEVELS = ("h2", "h3")
YES = {"yes", "true", "on", "1"}
NO = {"no", "false", "off", "0"}


def headings(html):
    """Every <h2>/<h3> in ``html`` in document order; ``id`` is None where it has none."""
    if "<h2" not in (html or "") and "<h3" not in html:
        return []  # most posts: nothing to parse
    from bs4 import BeautifulSoup

    return [
        {
            "level": int(element.name[1]),
            "id": element.get("id"),
            "name": " ".join(element.get_text(" ").split()),
        }
        for element in BeautifulSoup(html, "html.parser").find_all(LEVELS)
    ]


def wanted(article, tokens, settings):
    """Whether ``article`` gets a table of contents."""
    override = str(article.metadata.get("toc", "")).strip().lower()
    if override in YES:
        return bool(tokens)
    if override in NO:
        return False
    if override:
        where, value = field_location(article.source_path, "toc"), article.metadata["toc"]
        logger.warning(
            f"{where}: TOC must be yes or no, not {value!r}; write 'TOC: yes' or 'TOC: no'"
        )
    sections = sum(1 for token in tokens if token["level"] == 2)
    enough_sections = sections >= plugin_settings.get(settings, "STAFFBLOG_TOC_MIN_HEADINGS")
    return enough_sections and counted_words(article) >= plugin_settings.get(
        settings, "STAFFBLOG_TOC_MIN_WORDS"
    )


def entries(article, settings):
    tokens = article.metadata.get(HEADINGS_METADATA)
    if not isinstance(tokens, list):  # not read by reader.py: another format
        tokens = headings(article._content)
    if not tokens or not wanted(article, tokens, settings):
        return []
    for token in tokens:
        if not token["id"]:
            logger.warning(
                f"{article.source_path}: heading {token['name']!r} has no id, so the table of "
                "contents leaves it out (is the Markdown 'toc' extension enabled?)"
            )
    return nest_toc_tokens([dict(token) for token in tokens if token["id"]])
