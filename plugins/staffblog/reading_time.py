"""Reading time: ``article.word_count`` and ``article.reading_time`` (whole minutes).

Words are counted in the article's text with the markup stripped, so links,
highlighted code and other tags do not inflate the count. The time is
rounded to the nearest minute and is at least one; the theme shows it as
"N min read" in the byline on the article and in listings.

Markdown articles are counted while they are converted (a Python-Markdown
postprocessor the plugin adds to ``MARKDOWN``; the count travels in the metadata,
key ``word_count``): in the reading worker for half of a large build, and kept in
Pelican's content cache for the development server. Others are counted here.

(pelican-readtime was not used: it counts whitespace-separated pieces of the raw
HTML, tags and attributes included, floors the result so a short post reads
"0 minutes", and keeps its settings in a process-wide object that the
development server never re-reads.)
"""

import logging

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markupsafe import Markup
from pelican import signals

from . import settings as plugin_settings
from .markdown_reader import add_extension

logger = logging.getLogger(__name__)

WORD_COUNT_METADATA = "word_count"


def word_count(html):
    """Number of words a reader sees in ``html``."""
    return len(Markup(html or "").striptags().split())


def minutes(words, words_per_minute):
    return max(1, int(words / words_per_minute + 0.5))


def counted_words(article):
    """The article's word count from its conversion, else counted now."""
    count = article.metadata.get(WORD_COUNT_METADATA)
    if isinstance(count, int) and not isinstance(count, bool):
        return count
    return word_count(article._content)


class WordCountPostprocessor(Postprocessor):
    def run(self, text):
        meta = getattr(self.md, "Meta", None)
        if meta is not None:
            meta[WORD_COUNT_METADATA] = [word_count(text)]  # one value: passed on as is
        return text


class WordCountExtension(Extension):
    def extendMarkdown(self, md):
        md.postprocessors.register(WordCountPostprocessor(md), "word_count", 1)


def makeExtension(**kwargs):
    return WordCountExtension(**kwargs)


def count_words_in_markdown(pelican):
    add_extension(pelican.settings, __name__)


def add_reading_time(generator):
    wpm = plugin_settings.get(generator.settings, "STAFFBLOG_READING_WPM")
    if not isinstance(wpm, int) or isinstance(wpm, bool) or wpm <= 0:
        logger.error(
            "pelicanconf.py: STAFFBLOG_READING_WPM must be a positive whole number, not %r", wpm
        )
        return
    for article in generator.articles + generator.hidden_articles + generator.drafts:
        article.word_count = counted_words(article)
        article.reading_time = minutes(article.word_count, wpm)


def register():
    signals.initialized.connect(count_words_in_markdown)
    signals.article_generator_finalized.connect(add_reading_time)
