"""Compile the Pygments stylesheet for both colour schemes at build time.

Code blocks are highlighted by Markdown's ``codehilite`` with CSS classes; the
colours come from one light and one dark Pygments style, the dark one applied
under ``prefers-color-scheme: dark``.
"""

import logging
import os

from pygments.formatters import HtmlFormatter
from pygments.util import ClassNotFound

from . import settings as plugin_settings

logger = logging.getLogger(__name__)


def stylesheet(light_style, dark_style, selector=".highlight"):
    light = HtmlFormatter(style=light_style).get_style_defs(selector)
    dark = HtmlFormatter(style=dark_style).get_style_defs(selector)
    dark = "\n".join("  " + line for line in dark.splitlines())
    return (
        f"/* Generated from Pygments styles {light_style!r} and {dark_style!r}. */\n"
        f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    )


def write_stylesheet(settings, output_path):
    """Write ``PYGMENTS_CSS_SAVE_AS`` (once per build)."""
    light = plugin_settings.get(settings, "PYGMENTS_LIGHT_STYLE")
    dark = plugin_settings.get(settings, "PYGMENTS_DARK_STYLE")
    try:
        css = stylesheet(light, dark)
    except ClassNotFound as exc:
        logger.error("pelicanconf.py: PYGMENTS_*_STYLE names no Pygments style: %s", exc)
        return
    target = os.path.join(output_path, plugin_settings.get(settings, "PYGMENTS_CSS_SAVE_AS"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(css)
