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
LOAD_CONTENT_CACHE = False
