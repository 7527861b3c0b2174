"""The firm's look from BRAND_LOGO and BRAND_ACCENT (README, "The firm's look").

The header's logo and the favicons are resized from the logo with Pillow at each build
(cheaper than caching them). brand.css holds the accent, darker for the light scheme and
lighter for the dark one where text in it needs contrast.
"""

import colorsys
import hashlib
import io
import logging
import os
import re

from PIL import Image, ImageOps

from . import settings as plugin_settings
from .files import write_atomically

logger = logging.getLogger(__name__)

# Each file: the box the logo is fitted into, and whether it is padded to that square.
IMAGES = {"logo.png": ((480, 120), False), "favicon-32.png": ((32, 32), True)}
IMAGES["apple-touch-icon.png"] = ((180, 180), True)  # on white: iOS shows transparency black
LIGHT = ("ffffff", "f4f6f9")  # backgrounds in site.css: --color-bg, --color-surface
DARK = ("12161b", "1c232b", "0b1520")  # the same, and --color-accent-text
CSS = ":root {{ --color-accent: {light}; }}\n"
CSS += "@media (prefers-color-scheme: dark) {{\n  :root {{ --color-accent: {dark}; }}\n}}\n"


def luminance(rgb):  # WCAG 2's relative luminance of a colour given as bytes
    r, g, b = (c / 3294.6 if c <= 10.31 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(rgb, background):
    lighter, darker = sorted((luminance(rgb), luminance(bytes.fromhex(background))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable(colour, backgrounds, step):
    """``colour`` made darker (step < 0) or lighter, hue and saturation kept, until text in
    it has WCAG AA contrast (4.5:1, and a margin for rounding) on each background."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in bytes.fromhex(colour[1:])))
    for _ in range(101):  # black and white have the contrast
        rgb = bytes(round(c * 255) for c in colorsys.hls_to_rgb(hue, lightness, saturation))
        if all(contrast(rgb, background) >= 4.6 for background in backgrounds):
            return "#" + rgb.hex()
        lightness = min(1, max(0, lightness + step))


def logo_images(logo):
    images = {}
    for name, (box, square) in IMAGES.items():
        images[name] = (ImageOps.pad if square else ImageOps.contain)(logo, box)
    white = Image.new("RGBA", IMAGES["apple-touch-icon.png"][0], "white")
    apple = Image.alpha_composite(white, images["apple-touch-icon.png"])
    return {**images, "apple-touch-icon.png": apple.convert("RGB")}


def printed_logo(logo, digest, settings):
    """[file, width, height, hash] of the logo the PDFs print, no taller than 120 px (288 dpi
    at the 30 pt it is printed): ReportLab embeds a picture whole in every PDF."""
    logo = logo.copy()
    logo.thumbnail((480, 120))  # only ever made smaller
    data = io.BytesIO()
    logo.save(data, "PNG")
    folder = plugin_settings.cache_folder(settings, "pdfs")
    printed = os.path.join(folder, f"logo-{digest[:32]}.png")
    # Written at each build, so the sweep of cached files unused for 30 days never takes it.
    write_atomically(printed, data.getvalue())
    return [printed, *logo.size, digest]


def brand_context(settings):
    """The BRAND context: the accents, the logo's images; ``pdf``: what the PDFs show."""
    accent, logo = (plugin_settings.get(settings, f"BRAND_{name}") for name in ("ACCENT", "LOGO"))
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", str(accent)):
        logger.error('pelicanconf.py: BRAND_ACCENT %r is not a colour: write "#rrggbb"', accent)
        accent = plugin_settings.DEFAULTS["BRAND_ACCENT"]
    brand = {"light": readable(accent, LIGHT, -0.01), "dark": readable(accent, DARK, 0.01)}
    brand.update(images={}, logo=(), pdf={"logo": [], "accent": brand["light"]})
    try:
        if logo:
            path = os.path.join(settings["PATH"], logo)
            with Image.open(path) as opened:
                picture = opened.convert("RGBA")
            brand["images"] = logo_images(picture)
            with open(path, "rb") as handle:  # its hash: a new logo makes new PDFs and cards
                digest = hashlib.sha256(handle.read()).hexdigest()
            brand["logo"] = (path, digest)
            brand["pdf"]["logo"] = printed_logo(picture, digest, settings)
    except (OSError, ValueError) as exc:  # Pillow's "cannot identify image" is an OSError
        logger.error('pelicanconf.py: BRAND_LOGO %r: %s; name a PNG in content/, or ""', logo, exc)
        brand.update(images={}, logo=())
    return brand


def write_brand_files(brand, settings, output_path):
    """brand.css and the logo's images, into THEME_STATIC_DIR/brand/."""
    folder = os.path.join(output_path, settings["THEME_STATIC_DIR"], "brand")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "brand.css"), "w", encoding="utf-8") as handle:
        handle.write(CSS.format(**brand))
    for name, image in brand["images"].items():
        image.save(os.path.join(folder, name))
