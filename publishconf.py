"""Production settings: `make publish` builds with these on top of pelicanconf.py.

The site's address comes from SITEURL in the environment when set, so a staging
copy can be built without editing this file.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "https://blog.example.com").rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL

DELETE_OUTPUT_DIRECTORY = True

# Scheduled posts and drafts stay private: a post dated in the future is a draft until
# the first publish after its date, and no draft is written anywhere in the site.
WITH_FUTURE_DATES = False
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""

# --- Comments: the production Isso (deploy/isso/production.cfg) ---------------------
# nginx proxies SITEURL/isso/ to it (deploy/nginx/blog.conf), so the comment server
# shares the site's origin. Each can be set in the environment of the build.
ISSO_URL = os.environ.get("ISSO_URL", SITEURL + "/isso").rstrip("/")
ISSO_DB_PATH = os.environ.get("ISSO_DB_PATH", "/var/lib/isso/comments.db")
ISSO_CONFIG = os.environ.get("ISSO_CONFIG", "deploy/isso/production.cfg")
