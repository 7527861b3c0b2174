"""Development settings for the career-advice blog.

`make html` builds with these; `publishconf.py` layers production values on top.
Every URL mirrors the firm's old WordPress blog so existing links keep working.
"""

import os
import sys

# tools/ (template filters) is imported from the project folder, whatever the cwd.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tools.template_filters import JINJA_FILTERS, JINJA_TESTS  # noqa: F401

AUTHOR = "Staffing Insights Team"
SITENAME = "Career Advice Blog"
SITESUBTITLE = "Interview, résumé and career advice from our recruiters"
# The organisation named as publisher in each post's JSON-LD (partials/json_ld.html).
STAFFBLOG_PUBLISHER = SITENAME
SITEDESCRIPTION = (
    "Practical advice on interviews, résumés and follow-up from the recruiters "
    "who place candidates every week."
)
# The preview's address: feeds, sitemap and JSON-LD need absolute URLs, while pages
# link relatively so output/ also works opened from disk. `make html`, `make serve`,
# `make devserver` and `make comments` pass their PORT and ISSO_PORT here, so the built
# site points at the ports actually in use.
PREVIEW_PORT = int(os.environ.get("PREVIEW_PORT") or 8000)
PREVIEW_ISSO_PORT = int(os.environ.get("PREVIEW_ISSO_PORT") or 8080)
SITEURL = f"http://127.0.0.1:{PREVIEW_PORT}"
RELATIVE_URLS = True

PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "redirects"]
# Old WordPress addresses that moved (`make import`, tools/wordpress): the static page
# content/redirects/<old path>/index.html is saved at <old path>/index.html.
PATH_METADATA = r"redirects/(?P<path>.+)"
# Bios are read by the staffblog plugin, never published as articles or pages.
ARTICLE_EXCLUDES = ["authors"]
PAGE_EXCLUDES = ["authors"]

TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"
DEFAULT_DATE = None  # an article without a date is an error, not "now"
DEFAULT_PAGINATION = 10
# A bilingual blog is not planned; two posts sharing a slug are a mistake to report.
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None

THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "staffblog",
    "pelican.plugins.sitemap",
    # article.prev_article (older) and article.next_article (newer)
    "pelican.plugins.neighbors",
    # article.related_posts: the posts sharing the most tags
    "pelican.plugins.related_posts",
]
RELATED_POSTS_MAX = 3

# Slugs (an address's last part) made from titles, categories, tags and authors: Pelican's
# rules, then at most 80 characters, so a name of any length builds on every file system.
# The build reports two names that end up with the same address.
SLUG_REGEX_SUBSTITUTIONS = [
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
    (r"^(.{80}).+$", r"\1"),
    (r"-+$", ""),
]

# --- URLs: the WordPress scheme, every page a directory ending in "/" -------------
# One date field, not three: each is a strftime call at every reading of a post's address.
ARTICLE_URL = "blog/{date:%Y/%m/%d}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = DRAFT_URL + "index.html"
DRAFT_PAGE_URL = "drafts/pages/{slug}/"
DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_URL + "index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = AUTHOR_URL + "index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
AUTHORS_URL = "authors/"
AUTHORS_SAVE_AS = AUTHORS_URL + "index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = CATEGORIES_URL + "index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = TAGS_URL + "index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = ARCHIVES_URL + "index.html"
YEAR_ARCHIVE_URL = "blog/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
MONTH_ARCHIVE_URL = "blog/{date:%Y/%m}/"
MONTH_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_URL + "index.html"
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

DIRECT_TEMPLATES = [
    "index",
    "authors",
    "categories",
    "tags",
    "archives",
    "search",
    "404",
    "robots",
]
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
NOTFOUND_SAVE_AS = "404.html"
ROBOTS_SAVE_AS = "robots.txt"
# Full-text search page; the staffblog plugin indexes the site with Pagefind.
SEARCH_URL = "search/"
SEARCH_SAVE_AS = SEARCH_URL + "index.html"

# --- Feeds: WordPress served RSS at /feed/ and Atom at /feed/atom/ ---------------
FEED_DOMAIN = SITEURL
FEED_ALL_RSS = "feed/index.xml"
FEED_ALL_RSS_URL = "feed/"
FEED_ALL_ATOM = "feed/atom/index.xml"
FEED_ALL_ATOM_URL = "feed/atom/"
CATEGORY_FEED_RSS = "category/{slug}/feed/index.xml"
CATEGORY_FEED_RSS_URL = "category/{slug}/feed/"
CATEGORY_FEED_ATOM = "category/{slug}/feed/atom/index.xml"
CATEGORY_FEED_ATOM_URL = "category/{slug}/feed/atom/"
AUTHOR_FEED_RSS = "author/{slug}/feed/index.xml"
AUTHOR_FEED_RSS_URL = "author/{slug}/feed/"
AUTHOR_FEED_ATOM = "author/{slug}/feed/atom/index.xml"
AUTHOR_FEED_ATOM_URL = "author/{slug}/feed/atom/"
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = False

SITEMAP = {
    "format": "xml",
    "exclude": [r"^404\.html$", r"^robots\.txt$", r"^drafts/", r"^search/"],
    "priorities": {"articles": 0.8, "indexes": 0.5, "pages": 0.6},
    "changefreqs": {"articles": "monthly", "indexes": "daily", "pages": "monthly"},
}

# --- Caches: every build (make html, make devserver, make publish) shares cache/ -----
# Pelican's content cache keeps each file as read (Markdown converted, checklist and
# headings read) until the file's bytes change; the plugin keeps its PDFs and rendered
# comments beside it (cache/staffblog/). An uncompressed cache loads faster.
CACHE_PATH = "cache"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CHECK_MODIFIED_METHOD = "md5"
GZIP_CACHE = False

# --- Markdown ---------------------------------------------------------------------
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight"},
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        # Gives every heading an id; long articles list them in a table of contents.
        "markdown.extensions.toc": {},
        # "- [ ] step" items: the list an article's "Checklist:" line turns into a checklist.
        "pymdownx.tasklist": {"custom_checkbox": False, "clickable_checkbox": False},
    },
    "output_format": "html5",
}
TYPOGRIFY = False

# Templates do not change during a build; skipping the per-include freshness check
# is a large share of the build time on a big site.
# autoescape: every value is HTML-escaped where a template writes it, so a title or a
# name shows exactly as written. Values that are HTML (post bodies) are marked |safe in
# the templates, summaries and bios go through |safe_html, URLs from content through
# |safe_url (JINJA_FILTERS, tools/template_filters.py).
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
    "auto_reload": False,
    "autoescape": True,
}

# --- Theme ------------------------------------------------------------------------
# The firm's look. BRAND_LOGO: a PNG (or another image Pillow reads) under content/, square
# works best: the header shows it 40 px tall, the favicons and checklist PDFs are made
# from it. BRAND_ACCENT: buttons, links and rules; made darker or lighter where needed
# so text in it stays readable in the light and dark colour schemes.
BRAND_LOGO = "images/brand/logo.png"
BRAND_ACCENT = "#0b5cad"
# The box under every post, pointing readers to the firm: text, button label, and a full
# https:// (or mailto:) address. A category can have its own (None: no box there).
# CALL_TO_ACTION = None removes the box.
CALL_TO_ACTION = {
    "text": "Looking for your next role? Our recruiters place candidates every week.",
    "label": "See open jobs",
    "link": "https://www.example.com/jobs/",
}
CALL_TO_ACTION_BY_CATEGORY = {
    "Interview Tips": {
        "text": "Interview coming up? Our recruiters prepare every candidate they put forward.",
        "label": "Talk to a recruiter",
        "link": "https://www.example.com/contact/",
    },
}
MENUITEMS = ()
DISPLAY_PAGES_ON_MENU = True
DISPLAY_CATEGORIES_ON_MENU = False
SOCIAL = ()
LINKS = ()

# Checklist reminders (.ics) alarm at this local time on each reminder's day.
CHECKLIST_REMINDER_TIME = "09:00"

# --- staffblog plugin (defaults documented in plugins/staffblog/settings.py) ------
STAFFBLOG_AUTHORS_DIR = "authors"
# Comments (plugins/staffblog/comments.py): the Isso server `make serve` starts, its
# database (under the git-ignored var/) and configuration.
ISSO_URL = f"http://127.0.0.1:{PREVIEW_ISSO_PORT}"
ISSO_DB_PATH = "var/comments.db"
ISSO_CONFIG = "isso.cfg"
