"""The plugin's settings and their defaults; set any in pelicanconf.py or publishconf.py."""

import os

DEFAULTS = {
    # Folder, relative to PATH, holding one Markdown bio per author.
    "STAFFBLOG_AUTHORS_DIR": "authors",
    # The firm's look (brand.py). BRAND_LOGO: an image Pillow reads (PNG best), relative
    # to PATH; the header logo, favicons and checklist PDFs are made from it ("": none).
    "BRAND_LOGO": "images/brand/logo.png",
    # Accent colour "#rrggbb" of buttons, links and rules, made darker or lighter where
    # needed for contrast (WCAG AA) in the light and the dark colour scheme.
    "BRAND_ACCENT": "#0b5cad",
    # Reading speed for "N min read" (words per minute); the time is rounded, at least 1.
    "STAFFBLOG_READING_WPM": 230,
    # An article gets a table of contents when it has at least this many <h2> headings…
    "STAFFBLOG_TOC_MIN_HEADINGS": 3,
    # …and at least this many words (about three minutes' reading).
    # "TOC: yes" or "TOC: no" in a post's metadata overrides both.
    "STAFFBLOG_TOC_MIN_WORDS": 600,
    # Seconds Pagefind may take to index the built site before the build reports an error.
    "STAFFBLOG_SEARCH_TIMEOUT": 300,
    # Processes that make the PDFs, post images and social cards the cache lacks
    # (cached_files.py) while the build reads and writes; 0 makes them in the build
    # process. Either way the site is the same. One fewer than the processors (the build
    # itself keeps one busy), at most 3: a cold build has no more work than that to share.
    "STAFFBLOG_WORKERS": min(3, max(1, (os.cpu_count() or 2) - 1)),
    # Set by the development server only (tools/devserver.py, see preview.py): a preview
    # build, and the files changed since its last good build (None: not known).
    "STAFFBLOG_PREVIEW": False,
    "STAFFBLOG_PREVIEW_CHANGED": None,
    # --- Comments (comments.py), served by a self-hosted Isso -------------------------
    # Public URL of the Isso server, no trailing slash (publishconf.py: SITEURL + "/isso",
    # which nginx proxies). An empty string turns the live comment form off everywhere;
    # approved comments are still rendered into the pages.
    "ISSO_URL": "http://127.0.0.1:8080",
    # Isso's SQLite database, read-only, relative to the folder the build runs in (the
    # repository root for every make target). A missing file means "no comments yet".
    "ISSO_DB_PATH": "var/comments.db",
    # Isso configuration whose [markup] sections render comments as the live server does.
    "ISSO_CONFIG": "isso.cfg",
    # Article metadata key that closes comments: `Comments: closed` (default `open`).
    "COMMENTS_METADATA_KEY": "comments",
    # Format of the date shown on each rendered comment (strftime, in TIMEZONE).
    "COMMENTS_DATE_FORMAT": "%B %-d, %Y at %-I:%M %p",
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
    # an error naming the article and item.
    "CHECKLIST_PDF_FONTS": {
        "normal": "Vera.ttf",
        "bold": "VeraBd.ttf",
        "italic": "VeraIt.ttf",
        "boldItalic": "VeraBI.ttf",
    },
    # --- Post images and social cards (images.py) ------------------------------------
    # Font of the drawn social cards: the first file that exists (a bare name: in ReportLab's
    # fonts). DejaVu (Debian fonts-dejavu-core) is Vera's design plus Greek, Cyrillic, Arabic…
    "SOCIAL_CARD_FONTS": ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "VeraBd.ttf"),
}


def get(settings, name):
    """Return ``settings[name]``, falling back to the documented default."""
    if name not in DEFAULTS:
        raise KeyError(f"staffblog: unknown setting {name}")
    value = settings.get(name)
    return DEFAULTS[name] if value is None else value


def cache_folder(settings, name):
    """A folder of the plugin's own under CACHE_PATH (shared by every kind of build)."""
    return f"{settings['CACHE_PATH']}/staffblog/{name}"
