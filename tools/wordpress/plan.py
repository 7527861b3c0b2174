"""From an export to the new site's files, redirects and comment threads (in memory).

Nothing is written here: ``cli`` writes the plan only once the whole export was read
and converted, so a broken export leaves nothing half-written.
"""

import datetime
import html
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from tools.wordpress import addresses, body, comments, existing, posts, taxonomy
from tools.wordpress.media import Media, OldSite
from tools.wordpress.report import Report

DRAFT_STATES = {"draft": "draft", "pending": "pending review", "future": "scheduled"}
SKIPPED_STATES = {"trash": "in the trash", "auto-draft": "an unsaved auto-draft"}
HELD_DIR = "wordpress-private"


def wp_date(local, gmt):
    """The WordPress date in the blog's time zone, with its UTC offset when known."""
    if not local or local.startswith("0000"):
        return None
    date = datetime.datetime.strptime(local[:19], "%Y-%m-%d %H:%M:%S")
    if gmt and not gmt.startswith("0000"):
        offset = date - datetime.datetime.strptime(gmt[:19], "%Y-%m-%d %H:%M:%S")
        minutes = round(offset.total_seconds() / 60)
        return date.replace(tzinfo=datetime.timezone(datetime.timedelta(minutes=minutes)))
    return date


def query_id(url, *names):
    query = parse_qs(urlsplit(url or "").query)
    for name in names:
        if query.get(name):
            return name, query[name][0]
    return None


@dataclass
class Placed:
    item: object
    kind: str  # post, page
    state: str  # published, draft, held (private or password-protected)
    why: str
    slug: str
    date: object
    url: str  # new address, no leading slash; "" when never built
    thread: str  # the address it has (or will have) once published
    old: str  # decoded old path
    path: Path | None = None  # file to write; None when an existing file serves it


@dataclass
class Plan:
    files: dict = field(default_factory=dict)
    stubs: dict = field(default_factory=dict)
    threads: list = field(default_factory=list)
    redirects: object = None
    media: object = None
    report: Report = field(default_factory=Report)


class Planner:
    def __init__(self, export, settings, content, media_dir, site_url):
        self.export, self.settings, self.content = export, settings, Path(content)
        self.site_url = site_url
        self.base = urlsplit(site_url).path.rstrip("/")
        self.plan = Plan(
            media=Media(Path(media_dir) if media_dir else None, self.content / "images")
        )
        self.report = self.plan.report
        self.old_site = OldSite.from_export(export)
        self.attachments = {i.id: i for i in export.items if i.type == "attachment"}
        self.terms_by_id = {t.id: t for t in export.terms if t.id}
        self.existing_urls, self.existing_bios = existing.scan(self.content, settings)
        self.placed, self.taken_urls, self.taken_files = [], set(), set()

    # --- where each post and page goes ------------------------------------------------

    def place(self, item):
        kind = "post" if item.type == "post" else "page"
        count_as = "posts" if kind == "post" else "pages"
        if item.status in SKIPPED_STATES:
            self.report.add("drafts", exported=1)
            self.report.skip(
                "drafts", f"{kind} {item.id} {item.title!r}: {SKIPPED_STATES[item.status]}"
            )
            return None
        if item.password or item.status == "private":
            state, why = "held", "password-protected" if item.password else "private"
        elif item.status == "publish":
            state, why = "published", ""
        else:
            state, why = "draft", DRAFT_STATES.get(item.status, item.status)
        self.report.add(count_as if state == "published" else "drafts", exported=1)
        date = wp_date(item.date, item.date_gmt) or wp_date(item.modified, item.modified_gmt)
        date = date or datetime.datetime.now().replace(microsecond=0)
        old = addresses.old_path(item.link) if state == "published" else ""
        slug = addresses.served_slug(old, date) if kind == "post" else None
        slug = (
            slug
            or unquote(item.name)
            or addresses.slugify(html.unescape(item.title), self.settings)
        )
        slug = slug or f"{kind}-{item.id}"
        if kind == "post":
            public = addresses.post_url(self.settings, date, slug)
        else:
            public = addresses.page_path(old, slug)
        while public in self.taken_urls and not self.existing_urls.get(public):
            slug = f"{slug}-{item.id}"
            public = addresses.post_url(self.settings, date, slug) if kind == "post" else f"{slug}/"
        self.taken_urls.add(public)
        if state == "draft":
            url = (self.settings["DRAFT_URL" if kind == "post" else "DRAFT_PAGE_URL"]).format(
                date=date, slug=slug
            )
        else:
            url = public if state == "published" else ""
        placed = Placed(item, kind, state, why, slug, date, url, f"{self.base}/{public}", old)
        if state == "published" and public in self.existing_urls:
            self.report.note(
                f"{kind} {item.title!r}: {self.existing_urls[public]} already serves /{public}; "
                "kept that file (comments go to its thread)"
            )
        else:
            placed.path = self.file_for(placed)
        if state == "published":
            self.report.add(count_as, carried=1)
        else:
            self.report.add("drafts", carried=1)
            where = placed.path.relative_to(self.content)
            self.report.note(f"{why} {kind} {item.title!r} kept as `Status: draft` in {where}")
        self.placed.append(placed)
        return placed

    def file_for(self, placed):
        if placed.state == "held":
            folder, name = self.content / HELD_DIR, f"{placed.slug}-{placed.item.id}"
        elif placed.kind == "post":
            folder, name = self.content / "articles" / f"{placed.date:%Y}", placed.slug
        else:
            folder, name = self.content / "pages", placed.url.strip("/").replace("/", "--")
            name = name if placed.state == "published" else placed.slug
        path = folder / f"{name}.md"
        mine = not path.exists() or "wordpress_id" in existing.header(path)
        if path in self.taken_files or not mine:
            path = folder / f"{name}-wp{placed.item.id}.md"
        self.taken_files.add(path)
        return path

    # --- old addresses -------------------------------------------------------------------

    def redirect_items(self, redirects):
        for placed in self.placed:
            if placed.state != "published":
                continue
            new, item = "/" + placed.thread[len(self.base) + 1 :], placed.item
            self.report.add("old URLs", exported=1, carried=1)
            redirects.add_path(placed.old, new, feed=new)
            redirects.add_path(new, new, feed=new)  # no feed per post any more
            redirects.add_query("p", item.id, new)
            if placed.kind == "page":
                redirects.add_query("page_id", item.id, new)
        for attachment in self.attachments.values():
            self.report.add("old URLs", exported=1, carried=1)
            rel = self.old_site.media_path(attachment.attachment_url)
            parent = next((p for p in self.placed if p.item.id == attachment.parent), None)
            if rel and self.plan.media.source and (self.plan.media.source / rel).is_file():
                self.plan.media.copied.add(rel)
                target = "/" + self.settings["STATIC_URL"].format(path=f"images/{rel}")
            elif parent is not None and parent.state == "published":
                target = "/" + parent.thread[len(self.base) + 1 :]
            else:
                target = "/"
            redirects.add_path(addresses.old_path(attachment.link), target)
            redirects.add_query("attachment_id", attachment.id, target)

    def resolve(self, url):
        """New address of a link to the old site's pages, or None."""
        path = addresses.old_path(url)
        found = query_id(url, "p", "page_id", "attachment_id", "cat", "tag", "author")
        if found:
            target = self.plan.redirects.queries.get(addresses.query_key(*found))
            if target is None:
                self.report.note(f"link to {url}: no public page of the export; left as it was")
            return target
        for placed in self.placed:
            if placed.state == "published" and path in (placed.old, "/" + placed.url):
                return "/" + placed.url
        if path in self.plan.redirects.paths:
            return self.plan.redirects.paths[path]
        if path and path != "/":
            self.report.note(f"link to {url}: not a page of the export; now /{path.lstrip('/')}")
        return addresses.encoded(path or "/")

    # --- the whole export ----------------------------------------------------------------

    def modified(self, item):
        return wp_date(item.modified, item.modified_gmt)

    def run(self):
        export, report = self.export, self.report
        contents = [i for i in export.items if i.type in ("post", "page")]
        for item in export.items:
            if item.type not in ("post", "page", "attachment"):
                report.add("other items", exported=1)
                report.skip(
                    "other items", f"{item.type} {item.id} {item.title!r}: not a post or page"
                )
        for item in contents:
            self.place(item)
        used = {}
        for placed in self.placed:
            used[placed.item.creator] = used.get(placed.item.creator) or placed.state == "published"
        self.plan.redirects = addresses.Redirects(
            served={"/" + p.url for p in self.placed if p.state == "published"}
        )
        self.author_names, bios = taxonomy.authors(
            export,
            self.settings,
            self.existing_bios,
            used,
            self.content,
            self.plan.redirects,
            report,
        )
        self.plan.files.update(bios)
        self.redirect_items(self.plan.redirects)
        md = body.converter(self.settings)
        categories, tags, demoted = set(), set(), set()
        for placed in self.placed:
            text, notes, lost, (primary, item_tags) = posts.render(self, placed, md)
            where = f"{placed.kind} {placed.item.title!r}"
            if placed.state == "published" and placed.kind == "post":
                categories.add(primary) if primary else None
                tags.update(item_tags)
                _, others, _, _ = taxonomy.split_terms(placed.item, self.terms_by_id)
                demoted.update(others)
            for note in notes:
                report.note(f"{where}: {note}")
            if lost:
                report.lose(f"{where}: the converted text differs from what WordPress showed")
            if placed.path is not None:
                self.plan.files[placed.path] = text
            self.plan.threads.append(
                (placed.thread, posts.plain_title(placed.item.title), where, placed.item.comments)
            )
        for item in export.items:
            if item.type not in ("post", "page") and item.comments:
                for comment in item.comments:
                    kind = comments.report_kind(comments.status(comment))
                    report.add(kind, exported=1)
                    report.skip(kind, f"comment {comment.id} on a {item.type}: not carried over")
        taxonomy.archives(
            export,
            self.settings,
            categories,
            tags,
            demoted - categories,
            self.plan.redirects,
            report,
        )
        self.count_media()
        self.plan.stubs = self.plan.redirects.stub_pages(self.site_url)
        for path in self.plan.redirects.refused:
            report.lose(f"old address {path!r} cannot be written into an nginx map")
        return self.plan

    def count_media(self):
        media, report = self.plan.media, self.report
        used_attachments = set()
        for attachment in self.attachments.values():
            rel = self.old_site.media_path(attachment.attachment_url)
            used_attachments.add(rel)
        everything = set(media.used) | {r for r in used_attachments if r}
        for rel in sorted(everything):
            report.add("media", exported=1)
            if rel in media.copied:
                report.add("media", carried=1)
            elif rel in media.missing:
                report.skip("media", f"{rel} (used in {media.missing[rel]!r}): not under MEDIA")
            elif rel in media.remote:
                url, where = media.remote[rel]
                report.skip("media", f"{url} (used in {where!r}): remote, no MEDIA= given")
            else:
                report.skip("media", f"{rel}: not used by any post or page; not copied")
