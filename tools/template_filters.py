"""Jinja filters that turn content values into something safe for the place they land.

The theme renders with autoescape on (``JINJA_ENVIRONMENT`` in pelicanconf.py), so a
plain value such as a title is escaped wherever it is written. These filters cover
the values that are HTML or URLs:

* ``plain_text``: HTML (a summary) to its text, entities decoded, scripts dropped. The
  result is a plain string, so autoescape escapes it again for the attribute or
  element it lands in. (Jinja's ``striptags`` returns the decoded text too: written
  with ``|safe`` or with autoescape off, ``&lt;script&gt;`` would become a tag.)
* ``safe_html``: an allow-list of inline and block tags for summaries and bios written
  in Markdown. Everything else is dropped (script, style and similar with their
  content); links keep only http, https, mailto or relative addresses.
* ``safe_url``: the address itself if its scheme is http, https or mailto (as the
  browser will read it: tabs, newlines and leading control characters ignored),
  else an empty string. Templates leave a link out when it is empty.

The test ``scheduled`` tells a post dated later than now, which only the preview shows.
"""

import datetime
import functools
import re
from html import escape
from html.parser import HTMLParser

from markupsafe import Markup
from pelican.contents import Article

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# The URL parser of browsers drops these anywhere in the address.
_DROPPED = dict.fromkeys(map(ord, "\t\n\r"))

# Tags kept by safe_html, with the attributes each may keep.
ALLOWED_TAGS = {
    "a": ("href", "title"),
    "abbr": ("title",),
    "b": (),
    "blockquote": (),
    "br": (),
    "cite": (),
    "code": (),
    "del": (),
    "em": (),
    "i": (),
    "li": (),
    "ol": (),
    "p": (),
    "q": (),
    "s": (),
    "small": (),
    "strong": (),
    "sub": (),
    "sup": (),
    "ul": (),
}
VOID_TAGS = frozenset({"br"})
# Dropped with everything inside them.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "object",
        "embed",
        "textarea",
        "title",
        "xmp",
        "noembed",
        "noframes",
        "svg",
        "math",
        "select",
    }
)


def _normalized(url):
    text = str(url or "").translate(_DROPPED)
    return text.strip("".join(map(chr, range(0x21))))


def url_scheme(url):
    """The scheme the browser sees in ``url`` (lower case), or None for a relative URL."""
    match = _SCHEME.match(_normalized(url))
    return match.group(1).lower() if match else None


def is_safe_url(url, allow_relative=False):
    text = _normalized(url)
    if not text:
        return False
    scheme = url_scheme(text)
    if scheme is None:
        return allow_relative
    return scheme in SAFE_SCHEMES


def safe_url(url):
    """``url`` if it is an absolute http, https or mailto address, else ""."""
    return str(url).strip() if is_safe_url(url) else ""


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED_WITH_CONTENT:
            self.skipping += 1
        elif tag in ("br", "p", "li", "div"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in DROPPED_WITH_CONTENT and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def plain_text(html):
    """The text of ``html``: tags and scripts gone, entities decoded, spaces collapsed."""
    parser = _TextParser()
    parser.feed(str(html or ""))
    parser.close()
    return " ".join("".join(parser.parts).split())


class _Sanitizer(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.open = []
        self.skipping = []

    def handle_starttag(self, tag, attrs):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.append(tag)
            return
        if tag in DROPPED_WITH_CONTENT:
            self.skipping.append(tag)
            return
        allowed = ALLOWED_TAGS.get(tag)
        if allowed is None:
            return
        kept = []
        for name, value in attrs:
            if name not in allowed or value is None:
                continue
            if name == "href" and not is_safe_url(value, allow_relative=True):
                continue
            kept.append(f' {name}="{escape(value, quote=True)}"')
        if tag == "a":
            kept.append(' rel="nofollow noopener"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.open and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag not in self.open:
            return
        while self.open:
            last = self.open.pop()
            self.out.append(f"</{last}>")
            if last == tag:
                break

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(escape(data, quote=False))

    def result(self):
        self.close()
        return "".join(self.out) + "".join(f"</{tag}>" for tag in reversed(self.open))


# A summary is shown on about seven listings: sanitised once per build and text.
@functools.lru_cache(maxsize=8192)
def safe_html(html):
    """``html`` with only the allowed tags and attributes left, as Markup."""
    sanitizer = _Sanitizer()
    sanitizer.feed(str(html or ""))
    return Markup(sanitizer.result())


SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z“\"‘(])")


def first_sentence(html):
    """The first sentence of ``html``'s text (the author box under a post): plain text."""
    return SENTENCE_END.split(plain_text(html), maxsplit=1)[0]


def publish_time(date):
    """When a scheduled post goes out, as the preview says it: "Friday 5 December 2025, 09:30"."""
    return date.strftime("%A %-d %B %Y, %H:%M")


JINJA_FILTERS = {
    "first_sentence": first_sentence,
    "plain_text": plain_text,
    "publish_time": publish_time,
    "safe_html": safe_html,
    "safe_url": safe_url,
}


def scheduled(content):
    """Whether ``content`` is a post dated later than now (``is scheduled``). Only a preview
    writes such a post: publishconf.py keeps it a draft until a publish after its date. (A
    page is published whatever its date.)"""
    date = getattr(content, "date", None) if isinstance(content, Article) else None
    return date is not None and date > datetime.datetime.now(date.tzinfo)


JINJA_TESTS = {"scheduled": scheduled}
