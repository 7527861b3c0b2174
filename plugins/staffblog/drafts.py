"""What a publish keeps private of drafts and scheduled posts besides their pages, which
publishconf.py's empty DRAFT_SAVE_AS leaves unwritten: the tags and pictures only they have."""

import logging
import os
import re
from mimetypes import guess_type
from pathlib import Path

from pelican.generators import ArticlesGenerator

logger = logging.getLogger(__name__)

TEXT = re.compile(r"text/|.*(xml|json|javascript)")  # file types that can name a picture


def drop_empty_tags(generators):  # all_generators_finalized
    """pelican-related-posts looks up drafts' tags in Pelican's (a defaultdict), which adds
    them empty: Pelican would write their pages, naming a scheduled post's tags."""
    for tags in (each.tags for each in generators if isinstance(each, ArticlesGenerator)):
        for tag in [tag for tag, articles in tags.items() if not articles]:
            del tags[tag]


def withhold_pictures(generator):  # static_generator_finalized: before a file is copied
    """Leave out each static file (images/x.jpg) that unwritten posts name and no other file
    of the site (content, theme, settings) does: its name could give a scheduled post away."""
    drafts = (draft for key in ("drafts", "draft_pages") for draft in generator.context[key])
    unwritten = {draft.source_path for draft in drafts if not draft.save_as}
    private = b"\0".join(Path(path).read_bytes() for path in unwritten)
    named = [f for f in generator.staticfiles if f.relative_source_path.encode() in private]
    folders = [os.walk(folder) for folder in (generator.path, generator.theme) if named]
    files = {os.path.join(r, n) for walk in folders for r, _, names in walk for n in names}
    readable = {p for p in files - unwritten if TEXT.match(guess_type(p)[0] or "text/")}
    public = [repr(generator.settings).encode(), *(Path(p).read_bytes() for p in readable)]
    for static in named:  # the rest of the site is read only when a draft names a file
        if not any(static.relative_source_path.encode() in text for text in public):
            generator.staticfiles.remove(static)  # the context's list too
            logger.info("%s: not published: only unpublished posts use it", static.source_path)
