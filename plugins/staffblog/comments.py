"""Comments: a self-hosted Isso thread under every article, pre-rendered at build time.

Isso (the comment server, ``isso.cfg``) stores comments in SQLite. At build time this
module opens that database read-only and gives every article a ``comment_thread``:

- ``thread.id`` — the Isso thread id, the article's URL path (``data-isso-id``);
- ``thread.comments`` — the approved comments as a tree (replies nested), each
  rendered from its stored Markdown with Isso's own ``isso.html.Markup`` configured
  from ``ISSO_CONFIG``, so the static HTML is exactly what the live server returns;
- ``thread.count`` — the number of approved comments (what Isso's ``/count`` says);
- ``thread.open`` — False when the article's metadata says ``Comments: closed``.

Only the columns a reader may see are ever selected: e-mail addresses and IP
addresses are never read. Pending comments are skipped; a deleted comment that still
has visible replies becomes a placeholder without author or text.

Listings use ``thread.count``; the article's JSON-LD gets ``commentCount`` just before
the page is written (after the seo module has built it, whatever the receiver order).

On a large build the database is read and the comments rendered in the Markdown
reading worker once it has converted its files (``markdown_reader.after_reading``),
while the build finishes reading: that core would idle then.
"""

import datetime
import html
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from markupsafe import Markup
from pelican import signals

from . import markdown_reader
from . import settings as plugin_settings

logger = logging.getLogger(__name__)

MODE_APPROVED = 1
MODE_DELETED = 4
OPEN, CLOSED = "open", "closed"
CONFIG_NOT_FOUND = "Isso configuration file not found"

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
    author: str = ""
    website: str = ""
    text: str = ""  # sanitized HTML (a markupsafe.Markup) from Isso's renderer
    modified: datetime.datetime | None = None
    date_label: str = ""
    replies: list = field(default_factory=list)

    @property
    def anchor(self):
        """Same id as the element Isso's client renders, so permalinks keep working."""
        return f"isso-{self.id}"


@dataclass
class CommentThread:
    id: str
    title: str
    server: str
    open: bool = True
    comments: list = field(default_factory=list)
    count: int = 0


def thread_id(article, settings):
    """The article's URL path as the browser sees it (Isso's ``data-isso-id``)."""
    base = urlsplit(settings.get("SITEURL", "")).path.rstrip("/")
    return f"{base}/{article.url}"


def read_rows(path):
    """Approved and deleted comments per thread URI; {} when the file does not exist."""
    if not os.path.exists(path):
        return {}
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=10)
        try:
            rows = connection.execute(QUERY, (MODE_APPROVED, MODE_DELETED)).fetchall()
        finally:
            connection.close()
    except (sqlite3.Error, OSError) as exc:
        raise CommentSourceError(str(exc)) from exc
    by_thread = {}
    for row in rows:
        by_thread.setdefault(row[0], []).append(row[1:])
    return by_thread


class _CapturingHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


# Rendered comment texts, kept across the development server's rebuilds (one
# process): Isso's renderer and sanitizer cost about a millisecond per comment.
_rendered = {}


def config_version(config_path):
    return (config_path, os.path.getmtime(config_path))


def remember(version, rendered):
    """Keep texts rendered elsewhere (the reading worker) for the next builds here."""
    _rendered.update(((version, text), html) for text, html in rendered.items())


def remembered(markup, config_path):
    """``markup.render``, remembering each text's HTML for this configuration file."""
    version = config_version(config_path)

    def render(text):
        key = (version, text)
        if key not in _rendered:
            if len(_rendered) > 50_000:
                _rendered.clear()
            _rendered[key] = markup.render(text)
        return _rendered[key]

    return render


def load_markup(config_path):
    """Isso's own Markdown renderer and sanitizer, configured like the live server,
    and the configuration problems Isso reported (to be logged with the file name)."""
    if not os.path.isfile(config_path):
        raise CommentSourceError(CONFIG_NOT_FOUND)
    # Imported here: Isso pulls in its web stack, needed only when there are comments.
    from isso import config as isso_config
    from isso.html import Markup as IssoMarkup

    # Isso logs configuration problems without naming the file; report them with it.
    isso_logger = logging.getLogger("isso")
    capture = _CapturingHandler()
    propagate = isso_logger.propagate
    isso_logger.addHandler(capture)
    isso_logger.propagate = False
    try:
        conf = isso_config.load(isso_config.default_file(), config_path)
        markup = IssoMarkup(conf)
    except Exception as exc:
        raise CommentSourceError(f"cannot load the Isso configuration: {exc}") from exc
    finally:
        isso_logger.removeHandler(capture)
        isso_logger.propagate = propagate
    return markup, capture.messages


@dataclass
class StoredComments:
    """The database's comments, their texts rendered, and what went wrong on the way."""

    rows: dict = field(default_factory=dict)  # thread URI -> rows (see QUERY)
    rendered: dict = field(default_factory=dict)  # stored Markdown -> sanitized HTML
    config_version: tuple = ()  # of the configuration the texts were rendered with
    database_problem: str = ""
    config_problem: str = ""
    config_warnings: list = field(default_factory=list)


def load_comments(db_path, config_path):
    """Read and render every stored comment; logs nothing (it may run in a worker).

    Isso's renderer is loaded only for texts not rendered before with this
    configuration: a development-server rebuild usually has them all.
    """
    try:
        rows = read_rows(db_path)
    except CommentSourceError as exc:
        return StoredComments(database_problem=str(exc))
    if not rows:
        return StoredComments()
    if not os.path.isfile(config_path):
        return StoredComments(config_problem=CONFIG_NOT_FOUND)
    version = config_version(config_path)
    texts = {row[5] for thread in rows.values() for row in thread if row[4] != MODE_DELETED}
    warnings = []
    if all((version, text) in _rendered for text in texts):
        rendered = {text: _rendered[version, text] for text in texts}
    else:
        try:
            markup, warnings = load_markup(config_path)
        except CommentSourceError as exc:
            return StoredComments(config_problem=str(exc))
        render = remembered(markup, config_path)
        rendered = {text: render(text) for text in texts}
    return StoredComments(rows, rendered, config_version=version, config_warnings=warnings)


def safe_website(value):
    """The commenter's website if it is a plain http(s) URL, else ''."""
    url = html.unescape(value or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return ""


def build_tree(rows, render, timezone, date_format="%Y-%m-%d %H:%M"):
    """Nest comments under their parent the way Isso's API does; count approved ones.

    Top-level comments have no parent; replies hang under a visible parent. A
    deleted comment is kept only as the placeholder of visible replies.
    """
    comments = {}
    for cid, parent, created, modified, mode, text, author, website in rows:
        deleted = mode == MODE_DELETED
        when = datetime.datetime.fromtimestamp(created, tz=timezone)
        comments[cid] = (
            parent,
            Comment(
                id=cid,
                created=when,
                date_label=when.strftime(date_format),
                modified=(
                    datetime.datetime.fromtimestamp(modified, tz=timezone) if modified else None
                ),
                deleted=deleted,
                author="" if deleted else html.unescape(author or ""),
                website="" if deleted else safe_website(website),
                text=Markup("") if deleted else Markup(render(text)),
            ),
        )
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


def comments_state(article, settings):
    key = plugin_settings.get(settings, "COMMENTS_METADATA_KEY")
    value = str(article.metadata.get(key, OPEN)).strip().lower()
    if value not in (OPEN, CLOSED):
        logger.warning(
            "%s: metadata %r must be %r or %r, not %r; comments stay open",
            article.source_path,
            key.capitalize(),
            OPEN,
            CLOSED,
            value,
        )
        return True
    return value == OPEN


def start_loading(pelican):
    settings = pelican.settings
    markdown_reader.after_reading(
        __name__,
        load_comments,
        plugin_settings.get(settings, "ISSO_DB_PATH"),
        plugin_settings.get(settings, "ISSO_CONFIG"),
    )


def stored_comments(settings):
    db_path = plugin_settings.get(settings, "ISSO_DB_PATH")
    config_path = plugin_settings.get(settings, "ISSO_CONFIG")
    stored = markdown_reader.result_after_reading(__name__, load_comments, db_path, config_path)
    remember(stored.config_version, stored.rendered)
    if stored.database_problem:
        logger.warning(
            "%s (ISSO_DB_PATH): cannot read the comment database: %s; "
            "pages are built without comments",
            db_path,
            stored.database_problem,
        )
    elif stored.config_problem:
        logger.warning(
            "%s (ISSO_CONFIG): %s; pages are built without comments",
            config_path,
            stored.config_problem,
        )
    for message in stored.config_warnings:
        logger.warning("%s: %s", config_path, message)
    if not os.path.exists(db_path):
        logger.debug("%s: no comment database yet; threads are empty", db_path)
    return stored


def attach_threads(generator):
    settings = generator.settings
    server = (plugin_settings.get(settings, "ISSO_URL") or "").rstrip("/")
    timezone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    date_format = plugin_settings.get(settings, "COMMENTS_DATE_FORMAT")
    stored = stored_comments(settings)
    # Drafts get no thread: their URL is not the one the published post will have.
    for article in generator.articles + generator.hidden_articles:
        tid = thread_id(article, settings)
        thread = CommentThread(
            id=tid,
            title=Markup(article.title).striptags(),  # plain text; templates escape it
            server=server,
            open=comments_state(article, settings),
        )
        if tid in stored.rows:
            thread.comments, thread.count = build_tree(
                stored.rows[tid], stored.rendered.__getitem__, timezone, date_format
            )
        article.comment_thread = thread


def add_comment_count(generator, content):
    """Add ``commentCount`` to the JSON-LD the seo module built for this article."""
    data = getattr(content, "structured_data", None)
    thread = getattr(content, "comment_thread", None)
    if isinstance(data, dict) and thread is not None:
        data["commentCount"] = thread.count


def register():
    signals.initialized.connect(start_loading)
    signals.article_generator_finalized.connect(attach_threads)
    signals.article_generator_write_article.connect(add_comment_count)
