"""``make import WXR=export.xml [MEDIA=uploads/]``: the whole move, then the report.

Exit status: 0 when everything in the export is carried over or explained in the
report, 1 when something was lost without explanation, 2 when the export cannot be
read (one line naming the file and line; nothing is written).
"""

import argparse
import os
import sys
from pathlib import Path

from tools.wordpress import comments, writer, wxr
from tools.wordpress.addresses import REDIRECTS_DIR
from tools.wordpress.plan import Planner

ROOT = Path(__file__).resolve().parent.parent.parent


def arguments(argv):
    parser = argparse.ArgumentParser(prog="make import", description=__doc__.split("\n")[0])
    parser.add_argument("wxr", help="the WordPress export (Tools → Export → All content)")
    parser.add_argument("--media", help="a copy of the old site's wp-content/uploads folder")
    parser.add_argument("--content", default=str(ROOT / "content"), help="content folder")
    parser.add_argument(
        "--db",
        default=os.environ.get("ISSO_DB_PATH", str(ROOT / "var" / "comments.db")),
        help="Isso's database (ISSO_DB_PATH; default var/comments.db)",
    )
    parser.add_argument(
        "--redirects-map",
        default=str(ROOT / "deploy" / "nginx" / "redirects.map"),
        help="the nginx map file to write",
    )
    parser.add_argument(
        "--site-url",
        default=os.environ.get("SITEURL", "https://blog.example.com"),
        help="the new site's address (SITEURL), for canonical links and comment threads",
    )
    parser.add_argument("--settings", default=str(ROOT / "pelicanconf.py"))
    parser.add_argument("--report", help="also write the report to this file")
    parser.add_argument("--dry-run", action="store_true", help="print the report, write nothing")
    return parser.parse_args(argv)


def settings_from(path):
    from pelican.settings import read_settings

    return read_settings(str(path))


def add_comments(report, result):
    for status, count in result.counts.items():
        kind = comments.report_kind(status)
        report.add(kind, exported=count, carried=result.stored.get(status, 0))
    for status, text in result.skipped:
        report.skip(comments.report_kind(status), text)
    for text in result.notes:
        report.note(text)
    waiting = result.stored.get("pending", 0)
    if waiting:
        report.note(
            f"{waiting} pending comments wait in Isso's moderation queue (/isso/admin/): "
            "decide within purge-after (isso.cfg), counted from this import"
        )


def main(argv=None):
    args = arguments(sys.argv[1:] if argv is None else argv)
    try:
        export = wxr.parse(args.wxr)
    except wxr.WXRError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.media and not Path(args.media).is_dir():
        print(f"error: {args.media}: MEDIA is not a folder", file=sys.stderr)
        return 2
    content = Path(args.content)
    plan = Planner(export, settings_from(args.settings), content, args.media, args.site_url).run()
    report = plan.report
    stub_dir = content / REDIRECTS_DIR
    files = dict(plan.files)
    files.update({stub_dir / rel: text for rel, text in plan.stubs.items()})
    files[Path(args.redirects_map)] = plan.redirects.map_text(export.path.name)
    report.files = writer.write_all(files, args.dry_run)
    removed = writer.remove_stale(stub_dir, [stub_dir / rel for rel in plan.stubs], args.dry_run)
    if removed:
        report.files["stale redirect pages removed"] = removed
    report.files["media files copied"] = plan.media.copy(args.dry_run)
    key = export.base_site_url or export.link or export.path.name
    add_comments(report, comments.store(plan.threads, args.db, key, args.dry_run))
    redirects = plan.redirects
    report.note(
        f"{len(redirects.paths)} old paths and {len(redirects.queries)} ?p=-style links "
        f"redirect in {args.redirects_map}; {len(plan.stubs)} static redirect pages in "
        f"{stub_dir} (copy the map to /etc/nginx/snippets/blog-redirects.map)"
    )
    text = report.text(f"{export.path} (WXR {export.version})", args.dry_run)
    sys.stdout.write(text)
    if args.report:
        Path(args.report).write_text(text, encoding="utf-8")
    return 1 if report.unexplained() else 0
