"""WordPress comments into Isso's SQLite database, through Isso's own storage code.

Each comment is stored as Isso's ``POST /new`` would store it (``isso.views.comments``):
author and e-mail HTML-escaped, the website escaped and given a scheme, the address
anonymised, the text Markdown (what Isso renders). Approved comments get mode 1,
pending ones mode 2 (Isso's moderation queue); spam, trash, pingbacks and trackbacks
are not carried over. Isso keeps one level of replies: deeper replies hang under
their top-level ancestor, as in Isso itself.

Pending comments and ``purge-after``: Isso deletes pending comments whose ``created``
time is older than ``purge-after``. An imported pending comment is therefore stamped
with the time of the import (moderators get the whole ``purge-after`` period from
the import on) and its original WordPress date is kept in its ``modified`` column.

A table ``wordpress_import`` in the same database remembers which WordPress comment
became which Isso comment, so a second import adds nothing.
"""

import calendar
import contextlib
import datetime
import html
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from tools.wordpress import autop, body

SKIPPED = {"spam": "spam", "trash": "in the trash", "post-trashed": "in the trash"}
PINGS = ("pingback", "trackback")


@dataclass
class CommentResult:
    counts: dict = field(default_factory=dict)  # "approved"/"pending"/"spam"/… in the export
    stored: dict = field(default_factory=dict)  # "approved"/"pending" stored now or before
    skipped: list = field(default_factory=list)  # (status, why) not carried over
    notes: list = field(default_factory=list)

    def count(self, table, kind):
        table[kind] = table.get(kind, 0) + 1


def status(comment):
    if comment.type in PINGS:
        return comment.type
    if comment.approved == "1":
        return "approved"
    if comment.approved == "0":
        return "pending"
    return comment.approved


def report_kind(kind):
    """The report's line for a comment status."""
    if kind in PINGS:
        return "pingbacks/trackbacks"
    if kind in ("approved", "pending", "spam", "trash"):
        return f"comments {kind}"
    return "comments trash" if kind == "post-trashed" else "comments spam"


def timestamp(date_gmt, date_local):
    for value in (date_gmt, date_local):
        if value and not value.startswith("0000"):
            parsed = datetime.datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")
            return float(calendar.timegm(parsed.timetuple()))
    return time.time()


def as_isso(comment):
    """Author, e-mail, website and text as Isso's API stores them."""
    from isso.utils import anonymize
    from isso.views.comments import normalize

    author = html.escape(html.unescape(comment.author), quote=False) or None
    email = html.escape(comment.email, quote=False) or None
    website = html.escape(html.unescape(comment.url), quote=True) if comment.url else None
    text = body.to_markdown(autop.wpautop(comment.content)).strip()
    return {
        "author": author,
        "email": email,
        "website": normalize(website) if website else None,
        "text": text,
        "remote_addr": anonymize(comment.ip or "0.0.0.0"),
        "notification": 0,
    }


def open_database(path):
    from isso import config
    from isso.db import SQLite3

    Path(path).resolve().parent.mkdir(parents=True, exist_ok=True)
    database = SQLite3(str(path), config.load(config.default_file()))
    database.execute(
        "CREATE TABLE IF NOT EXISTS wordpress_import ("
        " export TEXT NOT NULL, wp_id INTEGER NOT NULL, isso_id INTEGER NOT NULL,"
        " PRIMARY KEY (export, wp_id))"
    )
    return database


def known_ids(path, export):
    """WordPress id -> Isso id of comments imported before (read-only)."""
    if not Path(path).is_file():
        return {}
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
        try:
            rows = connection.execute(
                "SELECT wp_id, isso_id FROM wordpress_import WHERE export = ?", (export,)
            ).fetchall()
        except sqlite3.OperationalError:
            return {}
    return dict(rows)


def ordered(comments):
    """Parents before their replies."""
    by_id = {c.id: c for c in comments}
    done, result = set(), []

    def visit(comment, seen=()):
        if comment.id in done or comment.id in seen:
            return
        parent = by_id.get(comment.parent)
        if parent is not None:
            visit(parent, (*seen, comment.id))
        done.add(comment.id)
        result.append(comment)

    for comment in sorted(comments, key=lambda c: (c.date_gmt, c.id)):
        visit(comment)
    return result


def store(threads, db_path, export, dry_run=False):
    """``threads``: (uri, title, where, comments). Return a CommentResult."""
    result = CommentResult()
    known = known_ids(db_path, export)
    database = None
    for uri, title, where, comments in threads:
        for comment in ordered(comments):
            kind = status(comment)
            result.count(result.counts, kind)
            if kind not in ("approved", "pending"):
                reason = SKIPPED.get(kind, f"a {kind}" if kind in PINGS else f"status {kind!r}")
                result.skipped.append((kind, f"comment {comment.id} on {where}: {reason}"))
                continue
            if comment.id in known:
                result.count(result.stored, kind)
                continue
            if dry_run:
                result.count(result.stored, kind)
                continue
            if database is None:
                database = open_database(db_path)
            if uri not in database.threads:
                database.threads.new(uri, title)
            values = as_isso(comment)
            parent = known.get(comment.parent) if comment.parent else None
            if comment.parent and parent is None:
                result.notes.append(
                    f"comment {comment.id} on {where}: its parent {comment.parent} was not "
                    "carried over; stored as a top-level comment"
                )
            original = timestamp(comment.date_gmt, comment.date)
            created = time.time() if kind == "pending" else original
            values.update(parent=parent, created=created, mode=1 if kind == "approved" else 2)
            added = database.comments.add(uri, values)
            if kind == "pending":
                database.execute(
                    "UPDATE comments SET modified = ? WHERE id = ?", (original, added["id"])
                )
            database.execute(
                "INSERT INTO wordpress_import (export, wp_id, isso_id) VALUES (?, ?, ?)",
                (export, comment.id, added["id"]),
            )
            known[comment.id] = added["id"]
            result.count(result.stored, kind)
    return result
