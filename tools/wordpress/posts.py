"""One post or page as a Pelican Markdown file: metadata, summary and body."""

import html

from tools.wordpress import autop, body, taxonomy
from tools.wordpress.shortcodes import NAMES, Shortcodes
from tools.wordpress.writer import metadata_block


def displayed_html(planner, item, notes):
    """The body as WordPress showed it, our links in place of the old site's."""
    teaser, text = autop.split_more(item.content)
    if "<!--nextpage-->" in text:
        notes.append("<!--nextpage--> pages joined into one")
        text = autop.NEXTPAGE.sub("", text)
    rewriter = body.Rewriter(planner.old_site, planner.plan.media, planner.resolve, notes)
    where = item.title or f"#{item.id}"
    codes = Shortcodes(planner.attachments, lambda url: rewriter.local(url, where), notes)
    blocks = autop.has_blocks(text)
    shown = codes.render(text, item.id, blocks)
    unknown = autop.unknown_shortcodes(text, NAMES)
    if unknown:
        notes.append(f"shortcodes {unknown} had plugins on the old site: shown as text")
    teaser_html = codes.render(teaser, item.id, blocks) if teaser.strip() else ""
    return rewriter.rewrite(shown, where), teaser_html, rewriter


def plain_title(title):
    return " ".join(html.unescape(title or "").split())


def title_text(title):
    text = html.unescape(title or "").strip()
    return text.replace("<", "&lt;").replace(">", "&gt;")


def featured_image(planner, item, rewriter, notes):
    """The post's `Image:` and `Image-Alt:` (the build needs both and a file under content/)."""
    attachment = planner.attachments.get(int(item.meta.get("_thumbnail_id") or 0))
    if attachment is None:
        return "", ""
    url = rewriter.url(attachment.attachment_url, item.title)
    if not url.startswith("{static}/"):
        notes.append(f"featured image {url} is remote: left out (import with MEDIA= to keep it)")
        return "", ""
    alt = attachment.meta.get("_wp_attachment_image_alt", "")
    if not alt.strip():
        notes.append("featured image has no alt text: add a line 'Image-Alt: what it shows'")
    return url[len("{static}/") :], alt


def render(planner, placed, md):
    """(file text, notes, lost?) for one placed item."""
    item, settings, notes = placed.item, planner.settings, []
    shown, teaser, rewriter = displayed_html(planner, item, notes)
    text, kind, complete = body.convert(shown, md)
    if kind == "html":
        notes.append("kept as HTML (Markdown would lose part of it)")
    excerpt = body.summary_text(autop.wpautop(item.excerpt)) if item.excerpt.strip() else ""
    summary = excerpt or (body.summary_text(teaser) if teaser else "")
    if not summary:  # WordPress's automatic excerpt: the first 55 words
        words = body.summary_text(shown).split()
        summary = " ".join(words[:55]) + (" …" if len(words) > 55 else "")
    primary, others, tags, other_terms = taxonomy.split_terms(item, planner.terms_by_id)
    if others:
        notes.append(f"categories {others} are tags now (one category per post)")
    if other_terms:
        notes.append(f"terms {other_terms} not carried over")
    image, image_alt = featured_image(planner, item, rewriter, notes)
    fields = [("Title", title_text(item.title) or f"Untitled {item.id}")]
    fields.append(("Date", placed.date.isoformat(sep=" ")))
    modified = planner.modified(item)
    if modified and modified != placed.date:
        fields.append(("Modified", modified.isoformat(sep=" ")))
    fields.append(("Author", planner.author_names.get(item.creator, item.creator)))
    if placed.kind == "post":
        fields += [("Category", primary), ("Tags", ", ".join(dict.fromkeys(others + tags)))]
    fields += [("Slug", placed.slug), ("Summary", summary)]
    default_url = settings["PAGE_URL"].format(slug=placed.slug)
    if placed.kind == "page" and placed.state == "published" and placed.url != default_url:
        fields += [("URL", placed.url), ("Save_as", placed.url + "index.html")]
    if placed.state != "published":
        fields.append(("Status", "draft"))
    if item.comment_status == "closed":
        fields.append(("Comments", "closed"))
    fields += [("Image", image), ("Image-Alt", image_alt if image else "")]
    fields += [("Wordpress_id", item.id), ("Wordpress_link", item.link)]
    if placed.state != "published":
        fields.append(("Wordpress_status", placed.why))
    lost = not complete
    return metadata_block(fields) + text, notes, lost, (primary, others + tags)
