"""What the plugin reads from an article's text: its length and its headings.

Both are read with the article (reader.py), so Pelican's content cache keeps them; an
article from another reader (HTML, reST) is read here.

- ``article.word_count`` and ``article.reading_time``: the words of the text without its
  markup, the minutes rounded and at least one (pelican-readtime counts tags as words,
  floors short posts to "0 minutes" and keeps its settings process-wide).
- ``article.toc_entries``: the ``<h2>``/``<h3>`` headings of a long article (settings.py;
  ``TOC: yes`` or ``TOC: no`` decides for one post), nested as Markdown's ``toc``
  extension nests them: ``id``, ``name``, ``level`` and ``children``.
"""

import logging

from markdown.extensions.toc import nest_toc_tokens
from markupsafe import Markup

from . import settings as plugin_settings
from .files import field_location

logger = logging.getLogger(__name__)

WORD_COUNT_METADATA = "word_count"


def word_count(html):
    """Number of words a reader sees in ``html``."""
    return len(Markup(html or "").striptags().split())


def counted_words(article):
    """The article's word count from its reading, else counted now."""
    count = article.metadata.get(WORD_COUNT_METADATA)
    return count if type(count) is int else word_count(article._content)


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
    if sections < plugin_settings.get(settings, "STAFFBLOG_TOC_MIN_HEADINGS"):
        return False
    return counted_words(article) >= plugin_settings.get(settings, "STAFFBLOG_TOC_MIN_WORDS")


def toc_entries(article, settings):
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


def attach(articles, settings):
    """Give each article its ``word_count``, ``reading_time`` and ``toc_entries``."""
    wpm = plugin_settings.get(settings, "STAFFBLOG_READING_WPM")
    if type(wpm) is not int or wpm <= 0:  # True is an int
        logger.error(
            "pelicanconf.py: STAFFBLOG_READING_WPM must be a whole number above 0: %r", wpm
        )
        wpm = None
    for article in articles:
        if wpm:
            article.word_count = counted_words(article)
            article.reading_time = max(1, int(article.word_count / wpm + 0.5))  # rounded
        article.toc_entries = toc_entries(article, settings)
