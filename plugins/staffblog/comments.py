"""Comments: a self-hosted Isso thread under every article and page, pre-rendered.

Every article and page gets a ``comment_thread``, its approved comments rendered with Isso's
own renderer configured from ``ISSO_CONFIG``. The database is read read-only, never its
e-mail or IP columns. Each text's HTML is kept in ``CACHE_PATH/staffblog/comments``, and
so are the rows last read: when the database cannot be read (Isso killed mid-write leaves
a journal only Isso can roll back), the build says so and the pages keep the comments it
read last.
"""

import configparser
import contextlib
import datetime
import hashlib
import html
import importlib.metadata
import json
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from markupsafe import Markup

from . import settings as plugin_settings
from .files import field_location, read_json, write_json

logger = logging.getLogger(__name__)

MODE_APPROVED, MODE_DELETED = 1, 4  # Isso's comments.mode
OPEN, CLOSED = "open", "closed"

# Only what a reader may see. Never add `email` or `remote_addr` here.
QUERY = """
    SELECT threads.uri, comments.id, comments.parent, comments.created,
           comments.modified, comments.mode, comments.text, comments.author,
           comments.website
      FROM comments JOIN threads ON comments.tid = threads.id
     WHERE comments.mode IN (?, ?)
  ORDER BY comments.created, comments.id
"""


class CommentSourceError(Exception):
    """The Isso database or configuration exists but cannot be used."""


@dataclass
class Comment:
    id: int
    created: datetime.datetime
    deleted: bool
    date_label: str
    author: str = ""
    website: str = ""
    text: str = ""  # sanitized HTML (a markupsafe.Markup) from Isso's renderer
    replies: list = field(default_factory=list)


@dataclass
class CommentThread:
    id: str
    title: str
    server: str
    open: bool = True
    comments: list = field(default_factory=list)
    count: int = 0


def load_markup(config_path):
    """Isso's own Markdown renderer and sanitizer, configured like the live server."""
    # Imported here: Isso pulls in its web stack, needed only for texts not cached.
    from isso import config as isso_config
    from isso.html import Markup as IssoMarkup

    try:
        return IssoMarkup(isso_config.load(isso_config.default_file(), config_path))
    except Exception as exc:
        raise CommentSourceError(f"cannot load the Isso configuration: {exc}") from exc


class StoredComments:
    """The database's comments for one build, their texts rendered through the cache."""

    def __init__(self, settings):
        self.db_path = plugin_settings.get(settings, "ISSO_DB_PATH")
        self.config_path = plugin_settings.get(settings, "ISSO_CONFIG")
        self.timezone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
        self.date_format = plugin_settings.get(settings, "COMMENTS_DATE_FORMAT")
        folder = plugin_settings.cache_folder(settings, "comments")
        self.cache_file = os.path.join(folder, "rendered.json")
        self.rows_file = os.path.join(folder, "rows.json")
        self.rendered = read_json(self.cache_file)
        self.rendered_now = 0
        self.rows = self.read_rows()
        self.markup = self.config_digest = None
        if self.rows:
            self.prepare_rendering()

    def read_rows(self):
        """Approved and deleted comments per thread URI, as JSON keeps them; {} when the
        database does not exist, the rows last read when it cannot be read."""
        last_read = read_json(self.rows_file)
        key = os.path.abspath(self.db_path)
        found = []
        try:
            if os.path.exists(self.db_path):
                uri = Path(self.db_path).resolve().as_uri() + "?mode=ro"
                with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=10)) as database:
                    found = database.execute(QUERY, (MODE_APPROVED, MODE_DELETED)).fetchall()
        except (sqlite3.Error, OSError) as exc:
            rows = last_read.get(key, {})
            count = sum(len(thread) for thread in rows.values())
            logger.warning(
                f"{self.db_path} (ISSO_DB_PATH): cannot read the comment database: {exc}; the "
                f"pages keep the {count} comments last read from it. If Isso was stopped "
                "mid-write, start it again (make comments) so it repairs the database, then "
                "build again"
            )
            return rows
        rows = {}
        for row in found:
            rows.setdefault(row[0], []).append(list(row[1:]))
        if last_read.get(key) != rows:
            write_json(self.rows_file, {**last_read, key: rows})
        return rows

    def prepare_rendering(self):
        """Check the configuration; load Isso's renderer if a text is not cached."""
        try:
            self.config_digest = markup_digest(self.config_path)
            texts = {row[5] for thread in self.rows.values() for row in thread}
            if any(self.key(text) not in self.rendered for text in texts):
                self.markup = load_markup(self.config_path)
        except (OSError, configparser.Error, CommentSourceError) as exc:
            problem = "file not found" if isinstance(exc, FileNotFoundError) else exc
            logger.warning(
                "%s (ISSO_CONFIG): %s; pages are built without comments", self.config_path, problem
            )
            self.rows = {}

    def key(self, text):
        return hashlib.sha256(f"{self.config_digest}\n{text}".encode()).hexdigest()

    def render(self, text):
        key = self.key(text)
        if key not in self.rendered:
            self.rendered[key] = self.markup.render(text)
            self.rendered_now += 1
        return self.rendered[key]

    def save(self):
        if self.rendered_now:
            write_json(self.cache_file, self.rendered)

    def tree(self, rows):
        """Nest comments as Isso's API does (a deleted one stays only above visible
        replies); return them with the count of approved ones."""
        comments = {}
        for cid, parent, created, _modified, mode, text, author, website in rows:
            when = datetime.datetime.fromtimestamp(created, tz=self.timezone)
            comment = Comment(cid, when, mode == MODE_DELETED, when.strftime(self.date_format))
            if not comment.deleted:  # a deleted one shows neither its author nor its text
                comment.author = html.unescape(author or "")
                comment.website = safe_website(website)
                comment.text = Markup(self.render(text))
            comments[cid] = (parent, comment)
        top = []
        for parent, comment in comments.values():
            if parent is None:
                top.append(comment)
            elif parent in comments:
                comments[parent][1].replies.append(comment)

        def visible(comment):
            comment.replies = [reply for reply in comment.replies if visible(reply)]
            return not comment.deleted or bool(comment.replies)

        count = sum(1 for _parent, comment in comments.values() if not comment.deleted)
        return [comment for comment in top if visible(comment)], count


def markup_digest(config_path):
    """A hash of what renders a text: the [markup] sections and Isso's version (the
    development and production configurations share them, and the cache)."""
    parser = configparser.RawConfigParser(interpolation=None)
    with open(config_path, encoding="utf-8") as handle:
        parser.read_file(handle)
    markup = {name: dict(parser[name]) for name in parser.sections() if name.startswith("markup")}
    version = importlib.metadata.version("isso")
    return hashlib.sha256(json.dumps([version, markup], sort_keys=True).encode()).hexdigest()


def safe_website(value):
    """The commenter's website if it is a plain http(s) URL, else ''."""
    url = html.unescape(value or "").strip()
    parts = urlsplit(url)
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def comments_state(article, settings):
    key = plugin_settings.get(settings, "COMMENTS_METADATA_KEY")
    value = str(article.metadata.get(key, OPEN)).strip().lower()
    if value not in (OPEN, CLOSED):
        where = field_location(article.source_path, key)
        logger.error(
            f"{where}: {key.capitalize()} must be 'open' or 'closed', not {value!r}; "
            "comments stay open until then"
        )
    return value != CLOSED


def attach_threads(contents, settings):
    """Give every article and page its ``comment_thread``; the rendered texts cached."""
    stored = StoredComments(settings)
    server = (plugin_settings.get(settings, "ISSO_URL") or "").rstrip("/")
    # A thread's id is the page's URL path as the browser sees it (Isso's data-isso-id).
    base = urlsplit(settings.get("SITEURL", "")).path.rstrip("/")
    for content in contents:
        tid = f"{base}/{content.url}"
        comments, count = stored.tree(stored.rows.get(tid, []))
        title = Markup(content.title).striptags()  # plain text; templates escape it
        is_open = comments_state(content, settings)
        content.comment_thread = CommentThread(tid, title, server, is_open, comments, count)
    stored.save()
