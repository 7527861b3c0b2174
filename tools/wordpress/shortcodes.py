"""WordPress's media shortcodes and embeds as plain HTML the site's CSP allows.

``[caption]`` becomes a figure, ``[gallery]`` a group of figures, ``[audio]`` and
``[video]`` native ``<audio controls>``/``<video controls>`` when the file is ours (an
upload of the old site), and ``[embed]`` or a bare URL on its own line a plain link:
no third-party script or iframe is ever written.
"""

import html
import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from tools.wordpress import autop

AUDIO = ("mp3", "ogg", "oga", "wav", "m4a", "flac")
VIDEO = ("mp4", "m4v", "webm", "ogv", "mov", "wmv", "flv")
URL_LINE = re.compile(r"^(\s*)(https?://[^\s<>\"]+)(\s*)$", re.M)
P_URL = re.compile(r"<p>\s*(https?://[^\s<>\"]+)\s*</p>")
EMBED = re.compile(r"\[embed(?:\s[^\]]*)?\](.*?)\[/embed\]", re.S)
CAPTIONED = re.compile(r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", re.S | re.I)
NAMES = ("caption", "wp_caption", "gallery", "audio", "video", "playlist", "embed")


def attr(value):
    return html.escape(value, quote=True)


def link(url):
    return f'<a href="{attr(url)}">{html.escape(url)}</a>'


class Shortcodes:
    """Handlers for one post; ``local(url)`` gives our link for a file, or None."""

    def __init__(self, attachments, local, notes):
        self.attachments = attachments  # id -> Item
        self.local = local
        self.notes = notes  # list of strings for the report

    def media(self, kind, url):
        extension = PurePosixPath(urlsplit(url).path).suffix.lower().lstrip(".")
        if kind is None:
            kind = "audio" if extension in AUDIO else "video" if extension in VIDEO else None
        ours = self.local(url) if kind else None
        if not ours:
            if kind:
                self.notes.append(f"{kind} {url} is not ours: a plain link")
            return link(url)
        name = html.escape(PurePosixPath(urlsplit(url).path).name or url)
        fallback = f'<a href="{attr(ours)}">{name}</a>'
        return f'<{kind} controls preload="none" src="{attr(ours)}">{fallback}</{kind}>'

    def embed_url(self, url):
        url = html.unescape(url.strip())
        return self.media(None, url)

    def embeds(self, text):
        """``[embed]URL[/embed]`` and URLs alone on a line (WordPress's autoembed)."""
        text = EMBED.sub(lambda m: self.embed_url(m.group(1)), text)
        text = URL_LINE.sub(lambda m: m.group(1) + self.embed_url(m.group(2)) + m.group(3), text)
        return P_URL.sub(lambda m: "<p>" + self.embed_url(m.group(1)) + "</p>", text)

    def caption(self, attrs, content, _positional):
        content = content or ""
        caption = attrs.get("caption")
        if caption is None:
            match = CAPTIONED.match(content)
            if match:
                content, caption = match.group(1), match.group(2).strip()
        ident = f' id="{attr(attrs["id"])}"' if attrs.get("id") else ""
        align = attrs.get("align", "alignnone")
        inner = autop.do_shortcodes(content, self.handlers())
        figcaption = f'<figcaption class="wp-caption-text">{caption}</figcaption>'
        figcaption = figcaption if caption else ""
        return f'<figure{ident} class="wp-caption {attr(align)}">{inner}{figcaption}</figure>'

    def gallery(self, attrs, _content, _positional):
        ids = [int(i) for i in re.findall(r"\d+", attrs.get("ids", "") or attrs.get("include", ""))]
        images = [self.attachments[i] for i in ids if i in self.attachments]
        missing = [i for i in ids if i not in self.attachments]
        if missing:
            self.notes.append(f"gallery: attachments {missing} are not in the export")
        if not ids:
            self.notes.append("gallery without ids: the post's attached images")
            images = [a for a in self.attachments.values() if a.parent == self.post_id]
        figures = []
        for image in images:
            url = self.local(image.attachment_url) or image.attachment_url
            alt = image.meta.get("_wp_attachment_image_alt", "")
            caption = image.excerpt.strip()
            figures.append(
                f'<figure class="gallery-item"><a href="{attr(url)}">'
                f'<img src="{attr(url)}" alt="{attr(alt)}"></a>'
                + (f'<figcaption class="gallery-caption">{caption}</figcaption>' if caption else "")
                + "</figure>"
            )
        return '<div class="gallery">' + "".join(figures) + "</div>"

    def audio_video(self, kind):
        def handler(attrs, content, _positional):
            keys = ("src", *(AUDIO if kind == "audio" else VIDEO))
            url = next((attrs[k] for k in keys if attrs.get(k)), "")
            if not url and content:
                url = content.strip()
            if not url:
                self.notes.append(f"[{kind}] without a source: dropped (WordPress showed none)")
                return ""
            return self.media(kind, html.unescape(url))

        return handler

    def playlist(self, attrs, _content, _positional):
        ids = [int(i) for i in re.findall(r"\d+", attrs.get("ids", ""))]
        kind = attrs.get("type", "audio")
        found = [self.attachments[i] for i in ids if i in self.attachments]
        parts = [self.media(kind, item.attachment_url) for item in found]
        return '<div class="wp-playlist">' + "".join(f"<p>{p}</p>" for p in parts) + "</div>"

    def embed(self, _attrs, content, _positional):
        return self.embed_url(content or "")

    def handlers(self):
        return {
            "caption": self.caption,
            "wp_caption": self.caption,
            "gallery": self.gallery,
            "audio": self.audio_video("audio"),
            "video": self.audio_video("video"),
            "playlist": self.playlist,
            "embed": self.embed,
        }

    def render(self, text, post_id, blocks):
        """The post body as WordPress displayed it (minus its themes and plugins)."""
        self.post_id = post_id
        if blocks:
            text = autop.remove_block_comments(text)
            text = self.embeds(text)
        else:
            text = self.embeds(text)
            text = autop.wpautop(text)
            text = autop.shortcode_unautop(text, NAMES)
        return autop.do_shortcodes(text, self.handlers())
