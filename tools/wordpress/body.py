"""Post bodies: links rewritten, then Markdown when it keeps everything, else HTML.

``visible_text`` is the comparison used here and by the tests: the text a reader sees,
Unicode-normalised, without whitespace (Markdown is free to reflow lines).
"""

import html as html_module
import re
import unicodedata
from urllib.parse import urlsplit

import markdown
import markdownify
from bs4 import BeautifulSoup, Comment

URL_ATTRIBUTES = ("href", "src", "poster")
SIGNIFICANT = ("href", "src", "alt", "title", "colspan", "rowspan", "start")
RENAMED = {"b": "strong", "i": "em"}
FOREIGN = ("iframe", "embed", "object")


def visible_text(html):
    """What a reader sees of ``html``, comparable across markup: NFC, no whitespace."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style", "template"]):
        element.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", soup.get_text()))


def signature(html):
    """Elements with the attributes that carry meaning, and the visible text."""
    soup = BeautifulSoup(html, "html.parser")
    shape = []
    for element in soup.find_all(True):
        if element.name == "p" and element.parent and element.parent.name == "li":
            continue
        attrs = tuple(
            (name, str(element.get(name)).strip()) for name in SIGNIFICANT if element.get(name)
        )
        classes = tuple(c for c in element.get("class", []) if c.startswith("align"))
        shape.append((RENAMED.get(element.name, element.name), attrs, classes))
    return shape, visible_text(html)


class Rewriter:
    """Rewrites links in a body: uploads via ``media``, old pages via ``pages``."""

    def __init__(self, old_site, media, pages, notes):
        self.old_site, self.media, self.pages, self.notes = old_site, media, pages, notes

    def url(self, url, where):
        rel = self.old_site.media_path(url)
        if rel:
            return self.media.link(rel, url, where)
        if self.old_site.is_old(url):
            new = self.pages(url)
            if new:
                return new
        return url

    def local(self, url, where):
        """Our own link for a file of the old site, or None when it is not ours."""
        new = self.url(url, where)
        return new if new.startswith(("{static}", "/")) else None

    def rewrite(self, html, where):
        soup = BeautifulSoup(html, "html.parser")
        for element in soup.find_all(FOREIGN):
            source = element.get("src") or element.get("data") or ""
            self.notes.append(f"<{element.name}> {source or '(no source)'}: a plain link")
            replacement = soup.new_tag("a", href=self.url(source, where)) if source else ""
            if source:
                replacement.string = source
            element.replace_with(replacement)
        for element in soup.find_all("script"):
            self.notes.append(f"<script> {element.get('src', 'inline')}: removed")
            element.decompose()
        for element in soup.find_all(True):
            for name in list(element.attrs):
                if name.lower().startswith("on") or name.lower() == "style":
                    if name.lower() == "style":
                        self.notes.append("inline style removed (the site's CSP)")
                    del element.attrs[name]
            for name in URL_ATTRIBUTES:
                if element.get(name, "").strip().lower().startswith(("javascript:", "vbscript:")):
                    self.notes.append(f"{name}={element[name]!r} removed (a script)")
                    del element.attrs[name]
                elif element.get(name):
                    element[name] = self.url(element[name], where)
            if element.get("srcset"):
                candidates = []
                for candidate in element["srcset"].split(","):
                    url, _, size = candidate.strip().partition(" ")
                    candidates.append(f"{self.url(url, where)} {size}".strip())
                element["srcset"] = ", ".join(candidates)
        return str(soup)


def converter(settings):
    configs = settings["MARKDOWN"].get("extension_configs", {})
    return markdown.Markdown(
        extensions=list(configs),
        extension_configs=configs,
        output_format=settings["MARKDOWN"].get("output_format", "html5"),
    )


def to_markdown(html):
    text = markdownify.markdownify(
        html,
        heading_style="ATX",
        bullets="-",
        escape_asterisks=True,
        escape_underscores=True,
        escape_misc=True,
        strip_document="strip",
    )
    # Python-Markdown does not unescape "\&"; a bare "&" reads as itself (the check in
    # convert() still falls back to HTML should an entity appear).
    text = text.replace("\\&", "&")
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def as_raw_html(html):
    """The HTML itself, inside a block Markdown leaves untouched."""
    soup = BeautifulSoup(html, "html.parser")
    return f'<div class="wp-content">\n{soup.decode().strip()}\n</div>\n'


def render(md, text):
    """``text`` as the body of a file: after a metadata block, as Pelican reads it."""
    return md.reset().convert("Title: check\n\n" + text)


def convert(html, md):
    """(text for the Markdown file, "markdown" or "html", text equal to the HTML's?)."""
    wanted = signature(html)
    candidate = to_markdown(html)
    if signature(render(md, candidate)) == wanted:
        return candidate, "markdown", True
    raw = as_raw_html(html)
    return raw, "html", visible_text(render(md, raw)) == wanted[1]


def summary_text(html):
    """One line of plain text for ``Summary:`` (metadata Markdown is read again)."""
    soup = BeautifulSoup(html, "html.parser")
    for br in soup.find_all("br"):
        br.replace_with(" ")
    text = soup.get_text()
    text = html_module.escape(re.sub(r"\s+", " ", text).strip(), quote=False)
    return markdownify.markdownify(text, escape_misc=True).strip() if text else ""


def is_same_site(url):
    return not urlsplit(url).netloc
