"""Reading time: ``article.word_count`` and ``article.reading_time`` (whole minutes).

Words are counted in the text with the markup stripped, when the article is read
(reader.py); the time is rounded and at least one minute. (pelican-readtime counts tags
as words, floors short posts to "0 minutes" and keeps its settings process-wide.)
"""

import logging

from markupsafe import Markup

from . import settings as plugin_settings

logger = logging.getLogger(__name__)

WORD_COUNT_METADATA = "word_count"


def word_count(html):
    """Number of words a reader sees in ``html``."""
    return len(Markup(html or "").striptags().split())


def minutes(words, words_per_minute):
    return max(1, int(words / words_per_minute + 0.5))


def counted_words(article):
    """The article's word count from its reading, else counted now."""
    count = article.metadata.get(WORD_COUNT_METADATA)
    if isinstance(count, int) and not isinstance(count, bool):
        return count
    return word_count(article._content)


def words_per_minute(settings):
    """STAFFBLOG_READING_WPM, or None after reporting why it cannot be used."""
    wpm = plugin_settings.get(settings, "STAFFBLOG_READING_WPM")
    if isinstance(wpm, int) and not isinstance(wpm, bool) and wpm > 0:
        return wpm
    logger.error("pelicanconf.py: STAFFBLOG_READING_WPM must be a whole number above 0: %r", wpm)
    return None


def add_reading_time(article, wpm):
    article.word_count = counted_words(article)
    article.reading_time = minutes(article.word_count, wpm)
