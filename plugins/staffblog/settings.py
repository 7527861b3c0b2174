"""Every setting the staffblog plugin reads, with its default.

Override any of them in ``pelicanconf.py`` (or ``publishconf.py``).
"""

DEFAULTS = {
    # Folder, relative to PATH, holding one Markdown bio per author.
    "STAFFBLOG_AUTHORS_DIR": "authors",
    # Pygments styles compiled into theme/css/pygments.css: light, then dark scheme.
    "PYGMENTS_LIGHT_STYLE": "default",
    "PYGMENTS_DARK_STYLE": "github-dark",
    # Where the generated Pygments stylesheet lands, relative to the output folder.
    "PYGMENTS_CSS_SAVE_AS": "theme/css/pygments.css",
    # Organisation named as publisher in each article's JSON-LD (defaults to SITENAME).
    "STAFFBLOG_PUBLISHER": None,
    # --- Checklists (checklist.py): an article's "- [ ]" list as page, PDF and Markdown.
    # Printable checklist page: its URL and file; {slug} is the article's slug, or its
    # "Checklist-Slug:" metadata when set.
    "CHECKLIST_URL": "checklists/{slug}/",
    "CHECKLIST_SAVE_AS": "checklists/{slug}/index.html",
    # The PDF and Markdown downloads, relative to the output folder (also their URLs).
    "CHECKLIST_PDF_SAVE_AS": "checklists/{slug}/{slug}-checklist.pdf",
    "CHECKLIST_MD_SAVE_AS": "checklists/{slug}/{slug}-checklist.md",
    # The index listing every checklist with its article.
    "CHECKLIST_INDEX_URL": "checklists/",
    "CHECKLIST_INDEX_SAVE_AS": "checklists/index.html",
    # PDF paper size: a ReportLab page size name (LETTER, A4, LEGAL...).
    "CHECKLIST_PDF_PAGE_SIZE": "LETTER",
    # TrueType fonts embedded in the PDF, one per style: file names ReportLab finds on
    # its font path or absolute paths. The default, Bitstream Vera, ships with ReportLab
    # and has the curly quotes and dashes; a character the fonts lack stops the PDF with
    # a warning naming the article and item.
    "CHECKLIST_PDF_FONTS": {
        "normal": "Vera.ttf",
        "bold": "VeraBd.ttf",
        "italic": "VeraIt.ttf",
        "boldItalic": "VeraBI.ttf",
    },
}


def get(settings, name):
    """Return ``settings[name]``, falling back to the documented default."""
    if name not in DEFAULTS:
        raise KeyError(f"staffblog: unknown setting {name}")
    value = settings.get(name)
    return DEFAULTS[name] if value is None else value
