"""Render a checklist as a one-page PDF with ReportLab.

The fonts are TrueType files embedded (subset) in every PDF, so curly quotes and
dashes print as typed. They are parsed and registered once per process: parsing
a TTF costs far more than laying out a page.
"""

import io
from collections import namedtuple
from types import SimpleNamespace
from xml.sax.saxutils import escape as pdf_escape  # &, < and > for ReportLab's markup

from reportlab import platypus, rl_config
from reportlab.lib import colors, pagesizes
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

FONT_STYLES = ("normal", "bold", "italic", "boldItalic")
BOX_SIZE = 11  # points (1/72 inch), ReportLab's unit, as every size here
BOX_GAP = 9
LOGO_HEIGHT = 30
RULE_GAP = 22  # points between the lines of the notes area
GREY = colors.HexColor("#444444")  # small print

_registered = {}  # ReportLab's font registry is process-wide: each family is added once

# Binary (Flate only) streams: smaller and faster than ReportLab's default of also
# wrapping them in ASCII85. Process-wide, and only this module uses ReportLab.
rl_config.useA85 = 0


class PdfSettingsError(ValueError):
    """A CHECKLIST_PDF_* setting that cannot be used."""


# The family's regular font name, and the code points every style of it can draw.
FontFamily = namedtuple("FontFamily", "name glyphs")


def font_family(fonts):
    """Register the four TTF styles once per process; return the family."""
    key = tuple(fonts[style] for style in FONT_STYLES)
    if key in _registered:
        return _registered[key]
    name, glyphs, faces = f"ChecklistFont{len(_registered)}", None, {}
    for style, path in zip(FONT_STYLES, key, strict=True):
        try:
            # Only the glyphs a PDF uses are embedded (not all of ASCII too).
            font = TTFont(f"{name}-{style}", path, asciiReadable=0)
        except Exception as exc:
            raise PdfSettingsError(
                f"CHECKLIST_PDF_FONTS[{style!r}]: cannot load TrueType font {path!r}: {exc}"
            ) from exc
        pdfmetrics.registerFont(font)
        faces[style] = font.fontName
        mapped = set(font.face.charToGlyph)
        glyphs = mapped if glyphs is None else glyphs & mapped
    pdfmetrics.registerFontFamily(name, **faces)
    _registered[key] = FontFamily(faces["normal"], frozenset(glyphs))
    return _registered[key]


def page_size(name):
    size = getattr(pagesizes, str(name).upper(), None)
    if not (isinstance(size, tuple) and len(size) == 2):
        raise PdfSettingsError(f"CHECKLIST_PDF_PAGE_SIZE: unknown page size {name!r}")
    return size


class CheckItem(Flowable):
    """An empty square to tick, with the item's paragraph beside it."""

    def __init__(self, paragraph):
        super().__init__()
        self.paragraph = paragraph

    def wrap(self, width, height):  # the room there is; returns the room it takes
        _, self._height = self.paragraph.wrap(width - BOX_SIZE - BOX_GAP, height)
        return width, self._height

    def draw(self):
        canvas = self.canv
        canvas.setLineWidth(1)
        canvas.setStrokeColor(colors.black)
        first_line = self.paragraph.style.leading
        canvas.rect(0, self._height - first_line + 1.5, BOX_SIZE, BOX_SIZE, stroke=1, fill=0)
        self.paragraph.drawOn(canvas, BOX_SIZE + BOX_GAP, 0)


class NotesArea(Flowable):
    """ "Notes" over ruled lines down to the page's end, less ``reserve`` for what follows."""

    def __init__(self, font, reserve):
        super().__init__()
        self.font, self.reserve = font, reserve

    def wrap(self, available_width, available_height):
        self.width, self.height = available_width, max(0, available_height - self.reserve)
        return self.width, self.height

    def draw(self):
        rules = [(0, y, self.width, y) for y in range(int(self.height) - RULE_GAP, 0, -RULE_GAP)]
        if rules:  # none when the checklist takes the whole page
            self.canv.setFont(self.font, 10)
            self.canv.drawString(0, rules[0][1] + 8, "Notes")
            self.canv.setStrokeColor(colors.HexColor("#9aa3ad"))
            self.canv.setLineWidth(0.5)
            self.canv.lines(rules)


def styles(family):
    base = family.name
    return {
        "title": ParagraphStyle("title", fontName=base, fontSize=20, leading=25, spaceAfter=4),
        "site": ParagraphStyle("site", fontName=base, fontSize=12, leading=16, autoLeading="max"),
        "meta": ParagraphStyle("meta", fontName=base, fontSize=9.5, leading=13, textColor=GREY),
        "item": ParagraphStyle("item", fontName=base, fontSize=11.5, leading=15.5),
        "note": ParagraphStyle("note", fontName=base, fontSize=9, leading=12, textColor=GREY),
    }


def render(fields, fonts, size_name):
    """The PDF's bytes of ``fields`` (checklist.pdf_fields). The same input gives the same
    bytes (ReportLab's invariant mode)."""
    checklist = SimpleNamespace(**fields)
    family = font_family(fonts)
    style = styles(family)
    buffer = io.BytesIO()
    margin = 54
    document = SimpleDocTemplate(
        buffer,
        pagesize=page_size(size_name),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=checklist.title,
        author=checklist.site_name,
        subject=f"Checklist from “{checklist.article_title}”",
        creator=checklist.site_name,
        invariant=1,
        # Else every page starts in Helvetica, a font the PDF would name but not embed.
        initialFontName=family.name,
        initialFontSize=style["item"].fontSize,
        initialLeading=style["item"].leading,
    )

    def link(url):
        url = pdf_escape(url)
        return f'<a href="{url}" color="{checklist.accent}">{url}</a>'

    logo = ""
    if checklist.logo:
        path, width, height, _digest = checklist.logo
        logo = f'<img src="{pdf_escape(path)}" width="{LOGO_HEIGHT * width / height}" '
        logo += f'height="{LOGO_HEIGHT}" valign="middle"/>  '
    story = [
        Paragraph(
            f"{logo}{pdf_escape(checklist.site_name)} · {link(checklist.site_url)}", style["site"]
        ),
        platypus.HRFlowable("100%", 2, color=checklist.accent, spaceBefore=2, spaceAfter=14),
        Paragraph(f"<b>{pdf_escape(checklist.title)}</b>", style["title"]),
        Paragraph(
            f"From the article “{pdf_escape(checklist.article_title)}”: "
            f"{link(checklist.article_url)}",
            style["meta"],
        ),
    ]
    if checklist.interview_date_line:
        story.append(Spacer(1, 10))
        story.append(Paragraph("Interview date: ______________________", style["item"]))
    story.append(Spacer(1, 16))
    for text, note in checklist.items:
        if note:
            text += f'<br/><font size="9" color="#444444">{pdf_escape(note)}</font>'
        story += [CheckItem(Paragraph(text, style["item"])), Spacer(1, 10)]
    tail = Paragraph(
        f"Tick it off online or get calendar reminders: {link(checklist.page_url)}", style["note"]
    )
    reserve = tail.wrap(document.width, document.height)[1] + 8
    story += [NotesArea(family.name, reserve), Spacer(1, 6), tail]
    document.build(story)
    return buffer.getvalue()
