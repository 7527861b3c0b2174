"""Reading time: ``article.word_count`` and ``article.reading_time`` (whole minutes).

Words are counted in the article's text with the markup stripped, so links,
highlighted code and other tags do not inflate the count. The time is
rounded to the nearest minute and is at least one; the theme shows it as
"N min read" in the byline on the article and in listings.

(pelican-readtime was not used: it counts whitespace-separated pieces of the raw
HTML, tags and attributes included, floors the result so a short post reads
"0 minutes", and keeps its settings in a process-wide object that the
development server never re-reads.)
"""

import logging

from markupsafe import Markup
from pelican import signals

from . import settings as plugin_settings

logger = logging.getLogger(__name__)


def word_count(html):
    """Number of words a reader sees in ``html``."""
    return len(Markup(html or "").striptags().split())


def minutes(words, words_per_minute):
    return max(1, int(words / words_per_minute + 0.5))


def add_reading_time(generator):
    wpm = plugin_settings.get(generator.settings, "STAFFBLOG_READING_WPM")
    if not isinstance(wpm, int) or isinstance(wpm, bool) or wpm <= 0:
        logger.error(
            "pelicanconf.py: STAFFBLOG_READING_WPM must be a positive whole number, not %r", wpm
        )
        return
    for article in generator.articles + generator.hidden_articles + generator.drafts:
        article.word_count = word_count(article._content)
        article.reading_time = minutes(article.word_count, wpm)


def register():
    signals.article_generator_finalized.connect(add_reading_time)
