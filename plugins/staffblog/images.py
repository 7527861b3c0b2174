"""A post's ``Image:`` in WebP widths, and a 1200×630 social card for every post and page
(its image cropped, or drawn from its title, authors and the brand), made with Pillow. A file
is named by a hash of what it shows; any build copies an unchanged one from the cache."""

import functools
import hashlib
import importlib.resources
import io
import logging
import os
import textwrap

from pelican.utils import sanitised_join
from PIL import Image, ImageDraw, ImageFont, ImageOps

from . import settings as plugin_settings
from .files import field_location

logger = logging.getLogger(__name__)

LAYOUT_VERSION = "3"  # bump when the drawing changes: every file is then made again
CARD = (1200, 630)
WIDTHS = (480, 800, 1200)  # of a post image's copies (none wider than the file): its srcset
NO_ALT = "has no alt text, so it was left out; add a line 'Image-Alt: what the picture shows'"
NOT_FOUND = "is not a file under content/, so it was left out; correct the path (images/…/x.jpg)"


def saved(image, kind):
    out = io.BytesIO()
    image.save(out, kind, quality=85)
    return out.getvalue()


def resized(data, size, kind):
    """The picture upright, resized to ``size`` (cropped if its shape differs), as ``kind``."""
    with Image.open(io.BytesIO(data)) as image:
        image = ImageOps.exif_transpose(image).convert("RGBA")
    if kind == "JPEG":  # no transparency: on white, not black
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image).convert("RGB")
    return saved(ImageOps.fit(image, size, Image.Resampling.LANCZOS), kind)


@functools.lru_cache(maxsize=8)  # per process: a font file is parsed once, not per card
def font(path, size):
    return ImageFont.truetype(path, size)


@functools.lru_cache(maxsize=2)  # per process: a font's character map is read once
def character_map(path):
    from reportlab.pdfbase.ttfonts import TTFontFile  # the checklist PDFs' font reader

    return frozenset(ch for ch in map(chr, TTFontFile(path).charToGlyph) if ch.isprintable())


def drawable(text, path):
    """``text`` without controls and what the font at ``path`` lacks (emoji…): empty boxes."""
    characters = character_map(path)
    return " ".join("".join(c for c in text if c.isspace() or c in characters).split())


def fitted(text, font, max_lines, width=1040):
    """``text`` in at most ``max_lines`` lines of ``width`` px, cut short with "…"."""
    for chars in range(2 * width // int(font.size), 0, -1):  # from 0.5 em a character
        lines = textwrap.wrap(text[:300], chars, max_lines=max_lines, placeholder="…")
        if all(font.getlength(line) <= width for line in lines):
            return lines or [""]
    return [""]


@functools.lru_cache(maxsize=16)  # per process: an author's cards differ only in the title
def card_without_title(byline, site_name, accent, logo, font_path):
    card = Image.new("RGB", CARD, "white")
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, 23, CARD[1]), fill=accent)
    left = 80  # the logo, then the site's name, as in the header
    if logo:  # (path, hash): another logo under the same name is a new key
        with Image.open(logo[0]) as image:
            logo = ImageOps.contain(image.convert("RGBA"), (400, 100))
        card.paste(logo, (80, 60), logo)
        left += logo.width + 24
    name = fitted(site_name, font(font_path, 40), 1, 1120 - left)[0]
    draw.text((left, 110), name, accent, font(font_path, 40), anchor="lm")
    draw.text((80, 540), fitted(byline, font(font_path, 34), 1)[0], "#4a4a4a", font(font_path, 34))
    return card


def text_card(title, byline, site_name, accent, logo, font_path):
    """A card drawn from the title and byline: the brand's logo, name and accent."""
    title, byline, site_name = (drawable(text, font_path) for text in (title, byline, site_name))
    card = card_without_title(byline, site_name, accent, logo, font_path).copy()
    draw = ImageDraw.Draw(card)
    for size in (72, 60, 48):  # the largest that fits the title in 3 lines (48: 4)
        lines = fitted(title, font(font_path, size), 4)
        if len(lines) <= 3:
            break
    draw.multiline_text((80, 190), "\n".join(lines), "#1a1a1a", font(font_path, size))
    return saved(card, "JPEG")


def byline(content):
    return ", ".join(author.name for author in getattr(content, "authors", ()))


class Images:
    """One build's post images and cards, queued in ``files`` (cached_files.py)."""

    def __init__(self, settings, output_path, brand, files):
        self.settings, self.output_path, self.files = settings, output_path, files
        folder = importlib.resources.files("reportlab") / "fonts"  # has Bitstream Vera
        fonts = [*plugin_settings.get(settings, "SOCIAL_CARD_FONTS"), "VeraBd.ttf"]
        font_path = next(str(folder / f) for f in fonts if os.path.isfile(folder / f))
        logo = brand["logo"]  # (path, hash) or ()
        # What a drawn card shows besides its title and byline; in its inputs, the logo's hash.
        self.look = (settings["SITENAME"], brand["light"], logo, font_path)
        self.look_inputs = [*self.look[:2], logo[1:], font_path]

    def file(self, folder, inputs, extension, source_path, make, *arguments, early=False):
        """The site path of the file ``make(*arguments)`` makes of ``inputs``; ``early``:
        only start making it into the cache."""
        cached = self.files.cache_path("images", [LAYOUT_VERSION, inputs], extension)
        name = f"images/{folder}/{os.path.basename(cached)}"
        if early:
            self.files.start(cached, make, *arguments)
        else:
            target = os.path.join(self.output_path, name)
            self.files.add("images", target, cached, source_path, make, *arguments)
        return name

    def draw_early(self, sender):  # content_object_init, while Pelican reads
        """Start drawing the card of a post without an image as soon as it is read, so the
        workers draw cards while Pelican reads on one core; attach() then finds it."""
        if sender.settings is not self.settings:
            return  # read by a later build: this one stopped before its posts were read
        if getattr(sender, "title", None) and not sender.metadata.get("image"):
            self.text_card(sender.title, byline(sender), sender.source_path, early=True)

    def attach(self, contents, context):
        """Give each content its ``post_image`` and ``social_card``; the site its card."""
        for content in (c for c in contents if c.save_as):  # what is written: no draft in a publish
            content.post_image = self.post_image(content)
            if not content.post_image:
                card = self.text_card(content.title, byline(content), content.source_path)
                content.social_card = card
        subtitle = self.settings.get("SITESUBTITLE")
        context["SITE_CARD"] = self.text_card(self.look[0], subtitle, "pelicanconf.py")

    def post_image(self, content):
        name = str(content.metadata.get("image", "")).strip()
        if not name:
            return None
        alt = " ".join(str(content.metadata.get("image-alt", "")).split())
        try:  # RuntimeError: a path outside content/
            with open(sanitised_join(self.settings["PATH"], name), "rb") as handle:
                data = handle.read()
        except (OSError, RuntimeError):
            data = None
        problems = [p for p in (not alt and NO_ALT, data is None and NOT_FOUND) if p]
        if not problems:
            try:
                return self.sized(content, data, alt)
            except Exception as exc:  # whatever Pillow cannot read
                problems = [f"cannot be read ({exc}), so it was left out; save it as JPEG or PNG"]
        where = field_location(content.source_path, "image")
        for problem in problems:  # both at once: no alt text, and no such file
            logger.error("%s: Image %r %s", where, name, problem)
        return None

    def sized(self, content, data, alt):
        """The picture in every width (never wider than it is), and its card."""
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # a file Pillow cannot decode is reported now, not by a worker
            turned = image.getexif().get(0x0112, 1) > 4  # EXIF orientation 5 to 8
            width, height = image.size[::-1] if turned else image.size
        digest, source, files = hashlib.sha256(data).hexdigest(), content.source_path, []
        card = self.file("cards", [digest], "jpg", source, resized, data, CARD, "JPEG")
        for size in sorted({min(w, width) for w in WIDTHS}):
            size = (size, max(1, round(height * size / width)))
            name = self.file("sized", [digest, size], "webp", source, resized, data, size, "WEBP")
            files.append((name, size[0]))
        content.social_card = {"url": card, "alt": alt}
        return {"alt": alt, "files": files, "width": size[0], "height": size[1]}

    def text_card(self, title, byline, source_path, early=False):
        inputs, arguments = [title, byline, self.look_inputs], (title, byline or "", *self.look)
        url = self.file("cards", inputs, "jpg", source_path, text_card, *arguments, early=early)
        return {"url": url, "alt": title}
