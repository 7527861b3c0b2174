"""A post's ``Image:`` in WebP widths, and a 1200×630 social card for every post and page
(its image cropped, or drawn from its title, authors and the brand), made with Pillow. A file
is named by a hash of what it shows; any build copies an unchanged one from the cache.
"""

import functools
import hashlib
import importlib.resources
import io
import json
import logging
import os
import shutil
import textwrap

from pelican.utils import sanitised_join
from PIL import Image, ImageDraw, ImageFont, ImageOps

from . import settings as plugin_settings
from .files import field_location, remove_unused, write_atomically

logger = logging.getLogger(__name__)

LAYOUT_VERSION = "1"  # bump when the drawing changes: every file is then made again
CARD = (1200, 630)
WIDTHS = (480, 800, 1200)  # of a post image's copies (none wider than the file): its srcset
NO_ALT = "has no alt text, so it was left out; add a line 'Image-Alt: what the picture shows'"
NOT_FOUND = "is not a file under content/, so it was left out; correct the path (images/…/x.jpg)"


def saved(image, kind):
    out = io.BytesIO()
    image.save(out, kind, quality=85)
    return out.getvalue()


def opened(data, size=None, mode="RGBA"):
    """The picture in ``data`` upright, resized to ``size`` (cropped if its shape differs)."""
    with Image.open(io.BytesIO(data)) as image:
        image = ImageOps.exif_transpose(image).convert(mode)
    return ImageOps.fit(image, size, Image.Resampling.LANCZOS) if size else image


def fitted(text, font, max_lines, width=1040):
    """``text`` in at most ``max_lines`` lines of ``width`` px, cut short with "…"."""
    for chars in range(2 * width // int(font.size), 0, -1):  # from 0.5 em a character
        lines = textwrap.wrap(text[:300], chars, max_lines=max_lines, placeholder="…")
        if all(font.getlength(line) <= width for line in lines):
            return lines or [""]
    return [""]


class Images:
    """One build's post images and cards, made or copied from the cache as planned."""

    def __init__(self, settings, output_path, brand):
        self.settings, self.output_path, self.made, self.reused = settings, output_path, 0, 0
        self.cache = plugin_settings.cache_folder(settings, "images")
        folder = importlib.resources.files("reportlab") / "fonts"  # has Bitstream Vera
        fonts = [*plugin_settings.get(settings, "SOCIAL_CARD_FONTS"), "VeraBd.ttf"]
        self.font = next(str(folder / f) for f in fonts if os.path.isfile(folder / f))
        # brand.py's accent (readable on white), logo (fitted in 480×120) and the logo's hash
        self.accent, self.logo = brand["light"], brand["images"].get("logo.png")
        self.brand = [settings["SITENAME"], self.accent, brand["pdf"]["logo"][3:]]

    def read(self, name):
        try:  # RuntimeError: a path outside content/
            with open(sanitised_join(self.settings["PATH"], name), "rb") as handle:
                return handle.read()
        except (OSError, RuntimeError):
            return None

    def file(self, folder, inputs, extension, make):
        """The output path of ``make()``'s file for ``inputs``, made if not cached."""
        key = json.dumps([LAYOUT_VERSION, inputs], default=lambda d: d.hexdigest()).encode()
        name = f"{folder}/{hashlib.sha256(key).hexdigest()[:24]}.{extension}"
        cached = os.path.join(self.cache, os.path.basename(name))
        target = os.path.join(self.output_path, "images", name)
        if os.path.exists(cached):
            self.reused += 1
            os.utime(cached)  # used: see remove_unused()
        else:
            write_atomically(cached, make())
            self.made += 1
        if not os.path.exists(target):  # named by what it shows: an existing one is it
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(cached, target)
        return f"images/{name}"

    def attach(self, contents, context):
        """Give each content its ``post_image`` and ``social_card``; the site its card."""
        for content in (c for c in contents if c.save_as):  # what is written: no draft in a publish
            content.post_image = self.post_image(content)
            if not content.post_image:
                names = ", ".join(author.name for author in getattr(content, "authors", ()))
                content.social_card = self.text_card(content.title, names)
        context["SITE_CARD"] = self.text_card(self.brand[0], self.settings.get("SITESUBTITLE"))
        logger.info("images and cards: %d made, %d from the cache", self.made, self.reused)
        remove_unused(self.cache, days=30)

    def post_image(self, content):
        name = str(content.metadata.get("image", "")).strip()
        alt = " ".join(str(content.metadata.get("image-alt", "")).split())
        data = name and self.read(name)
        problem = (not alt and NO_ALT) or (data is None and NOT_FOUND)
        if name and not problem:
            try:
                return self.sized(content, data, alt)
            except Exception as exc:  # whatever Pillow cannot read
                problem = f"cannot be read ({exc}), so it was left out; save it as JPEG or PNG"
        if name:
            logger.error(
                "%s: Image %r %s", field_location(content.source_path, "image"), name, problem
            )
        return None

    def sized(self, content, data, alt):
        """The picture in every width (never wider than it is), and its card."""
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            turned = image.getexif().get(0x0112, 1) > 4  # EXIF orientation 5 to 8
            width, height = image.size[::-1] if turned else image.size
        digest, files = hashlib.sha256(data), []
        card = self.file("cards", [digest], "jpg", lambda: saved(opened(data, CARD, "RGB"), "JPEG"))
        for size in sorted({min(w, width) for w in WIDTHS}):
            size = (size, max(1, round(height * size / width)))
            make = functools.partial(lambda size: saved(opened(data, size), "WEBP"), size)
            files.append((self.file("sized", [digest, size], "webp", make), size[0]))
        content.social_card = {"url": card, "alt": alt}
        return {"alt": alt, "files": files, "width": size[0], "height": size[1]}

    def text_card(self, title, byline):
        make = functools.partial(self.draw_card, title, byline or "")
        inputs = [title, byline, self.brand, self.font]
        return {"url": self.file("cards", inputs, "jpg", make), "alt": title}

    def draw_card(self, title, byline):
        card = Image.new("RGB", CARD, "white")
        draw = ImageDraw.Draw(card)
        font = functools.partial(ImageFont.truetype, self.font)
        draw.rectangle((0, 0, 23, CARD[1]), fill=self.accent)
        left = 80  # the logo, then the site's name, as in the header
        if self.logo:
            logo = ImageOps.contain(self.logo, (400, 100))
            card.paste(logo, (80, 60), logo)
            left += logo.width + 24
        name = fitted(self.brand[0], font(size=40), 1, 1120 - left)[0]
        draw.text((left, 110), name, self.accent, font(size=40), anchor="lm")
        for size in (72, 60, 48):  # the largest that fits the title in 3 lines (48: 4)
            lines = fitted(title, font(size=size), 4)
            if len(lines) <= 3:
                break
        draw.multiline_text((80, 190), "\n".join(lines), "#1a1a1a", font(size=size))
        draw.text((80, 540), fitted(byline, font(size=34), 1)[0], "#4a4a4a", font(size=34))
        return saved(card, "JPEG")
