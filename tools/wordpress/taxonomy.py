"""Authors, categories and tags: names for the metadata, bios, old archive addresses.

One category per post (Yoast's primary category when set, else the first); the
others become tags. Old archives (``/category/<nicename>/``, ``/tag/…``,
``/author/<login>/`` and their ``?cat=``/``?tag=``/``?author=`` forms) are redirected
to the new ones when the address changed.
"""

import html
import re

from tools.wordpress.addresses import slugify
from tools.wordpress.writer import metadata_block


def clean_name(name):
    return " ".join(html.unescape(name).replace(",", " ").split())


def split_terms(item, terms_by_id):
    """(primary category or '', [other categories], [tags], [other taxonomy terms])."""
    # WXR 1.0 writes tags with domain "tag", and each term once more without a domain.
    categories = [clean_name(name) for domain, _, name in item.terms if domain == "category"]
    tags = [clean_name(name) for domain, _, name in item.terms if domain in ("post_tag", "tag")]
    categories = [c for c in dict.fromkeys(categories) if c not in tags]
    tags = list(dict.fromkeys(tags))
    other = [f"{d}:{n}" for d, _, n in item.terms if d not in ("category", "post_tag", "tag")]
    primary = ""
    chosen = terms_by_id.get(item.meta.get("_yoast_wpseo_primary_category", ""))
    if chosen and clean_name(chosen.name) in categories:
        primary = clean_name(chosen.name)
    elif categories:
        primary = categories[0]
    others = [c for c in categories if c != primary]
    return primary, others, tags, other


def wp_nicename(login):
    return re.sub(r"[^a-z0-9_-]", "", login.lower().replace(" ", "-").replace(".", "-"))


def category_paths(terms):
    """{category name: old archive path}, parents included (``/category/a/b/``)."""
    by_nicename = {t.slug: t for t in terms if t.kind == "category"}
    paths = {}
    for term in by_nicename.values():
        chain, seen, current = [], set(), term
        while current is not None and current.slug not in seen:
            seen.add(current.slug)
            chain.insert(0, current.slug)
            current = by_nicename.get(current.parent)
        paths[clean_name(term.name)] = "/category/" + "/".join(chain) + "/"
    return paths


def archives(export, settings, used_categories, used_tags, demoted, redirects, report):
    """Redirect old category, tag and author archives; count categories and tags."""
    category_terms = category_paths(export.terms)
    names = set(category_terms) | set(used_categories) | set(demoted)
    for name in sorted(names):
        report.add("categories", exported=1)
        old = category_terms.get(name)
        if name in used_categories:
            new = "/" + settings["CATEGORY_URL"].format(slug=slugify(name, settings, "CATEGORY"))
        elif name in demoted:
            new = "/" + settings["TAG_URL"].format(slug=slugify(name, settings, "TAG"))
            report.note(f"category {name!r} is a tag now (it was never a post's first category)")
        else:
            report.skip("categories", f"{name!r}: no imported post uses it (no archive page)")
            if old:
                report.add("old URLs", exported=1)
                report.skip("old URLs", f"{old}: archive of {name!r}, which has no posts")
            continue
        report.add("categories", carried=1)
        if old:
            report.add("old URLs", exported=1, carried=1)
        if old and old != new:
            feed = new + "feed/" if new.startswith("/category/") else new
            redirects.add_path(old, new, feed=feed)
    for term in (t for t in export.terms if t.kind == "category"):
        target = redirects.paths.get(category_terms.get(clean_name(term.name), ""))
        if term.id and target:
            redirects.add_query("cat", term.id, target)
    tag_terms = {clean_name(t.name): t.slug for t in export.terms if t.kind == "post_tag"}
    for name in sorted(set(tag_terms) | (set(used_tags) - set(demoted))):
        report.add("tags", exported=1)
        if name not in used_tags:
            report.skip("tags", f"{name!r}: no imported post uses it (no archive page)")
            if name in tag_terms:
                report.add("old URLs", exported=1)
                report.skip("old URLs", f"/tag/{tag_terms[name]}/: archive of a tag with no posts")
            continue
        report.add("tags", carried=1)
        new = "/" + settings["TAG_URL"].format(slug=slugify(name, settings, "TAG"))
        if name in tag_terms:
            report.add("old URLs", exported=1, carried=1)
            if f"/tag/{tag_terms[name]}/" != new:
                redirects.add_path(f"/tag/{tag_terms[name]}/", new, feed=new)
            redirects.add_query("tag", tag_terms[name], new)


def authors(export, settings, existing_bios, used, content, redirects, report):
    """{login: display name}; bio files {path: text} for authors with a description.

    ``used``: {login: True when they wrote a published post or page}."""
    names, files = {}, {}
    for author in export.authors:
        names[author.login] = clean_name(author.display_name)
    for login in sorted(set(used) - set(names)):
        names[login] = login
        report.note(f"author {login!r} is not in the export's author list: name kept as is")
    for login, name in sorted(names.items()):
        report.add("authors", exported=1)
        slug = slugify(name, settings, "AUTHOR")
        author = next((a for a in export.authors if a.login == login), None)
        new = "/" + settings["AUTHOR_URL"].format(slug=slug)
        old = f"/author/{wp_nicename(login)}/"
        report.add("old URLs", exported=1, carried=1 if used.get(login) else 0)
        if not used.get(login):
            report.skip("old URLs", f"{old}: archive of {name!r}, who has no published post")
        elif old != new:
            redirects.add_path(old, new, feed=new + "feed/")
        if author and author.id and used.get(login):
            redirects.add_query("author", author.id, new)
        if slug in existing_bios:
            report.add("authors", carried=1)
            continue
        description = (author.description if author else "").strip()
        if not description:
            report.skip(
                "authors",
                f"{name!r}: the export has no bio; write content/authors/{slug}.md before "
                "`make publish` (it refuses posts whose author has no bio)",
            )
            continue
        fields = [("Name", name), ("Email", author.email), ("Wordpress_login", login)]
        path = content / "authors" / f"{slug}.md"
        files[path] = metadata_block(fields) + description.replace("\r\n", "\n").strip() + "\n"
        report.add("authors", carried=1)
    return names, files
