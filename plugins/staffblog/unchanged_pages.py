"""Development-server rebuilds render only the pages an edit can have changed.

After the author saves an article, the rebuild reads only that file again (Pelican's
content cache), but it would still render every page of the site: on a 1,000-post
site about 2,100 pages, most of the author's wait. With this module on, the writer
skips a page whose inputs are the same as when its file was written:

- the *site state*: everything in the template context (settings, listings, the
  checklists...) and, for every article, page and draft, everything a page other than
  its own can show: metadata, summary, URLs, neighbours, comments, checklist, reading
  time; plus the theme's files, this plugin's code and the libraries' versions;
- for a page showing one article or page in full (``article=``/``page=``), that
  object's body and what only its own page shows (see ``OWN_PAGE_ONLY``).

So after an edit inside an article's body, the rebuild renders that article's page
(its feeds are always written again: they carry bodies); after any edit another page
can show (a title, a tag, a summary, a comment, a template) it renders every page, as
before. The theme keeps one rule for this: a listing shows an article's metadata and
summary, never its body. tests/test_unchanged_pages.py holds the builds to it: after
each kind of edit, the rebuilt site equals a clean build, byte for byte.

A page is reused only if its file is still there with the size and modification time
recorded when it was written. Writes that may replace another file (``override_output``:
TEMPLATE_PAGES, a post's ``Save_as``) are always rendered; so are feeds.

The record (``PAGES_RECORD`` in CACHE_PATH) is removed when a build starts and written
when it ends, so a build that fails leaves none and the next one renders everything.
Only the development server turns this on (``STAFFBLOG_REUSE_UNCHANGED_PAGES``);
``make html`` and ``make publish`` render every page.
"""

import dataclasses
import datetime
import enum
import hashlib
import json
import logging
import os
import re
import types
from functools import cache

from pelican import signals
from pelican.contents import Content
from pelican.utils import get_relative_path, path_to_url
from pelican.writers import Writer

from . import settings as plugin_settings

logger = logging.getLogger(__name__)

PAGES_RECORD = "staffblog-pages.json"
# Bump when what a digest covers changes: older records are then ignored.
RECORD_VERSION = 1
# Derived from an article's body and shown on its own page only. A body edit changes
# them (one more word, one more heading) without changing any other page.
OWN_PAGE_ONLY = frozenset(
    {"_content", "word_count", "toc_entries", "structured_data", "checklist_task_list"}
)
# Attributes no template reads through an object: the whole settings and context,
# which the site state covers once.
NOT_STATE = frozenset({"settings", "_context"})
# Libraries whose version can change the HTML of a page.
LIBRARIES = ("pelican", "jinja2", "markdown", "markupsafe", "pymdown-extensions", "isso")
# Repr of an object that shows only its identity: it cannot be compared between builds.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_MAX_DEPTH = 24
_MISSING = object()


class StateEncoder:
    """Writes values as text that equals another build's text if the values are equal.

    Objects the build shares between pages (authors, tags, checklists, long lists) are
    encoded once and their text reused; they stay referenced here, so that their ``id``
    stays theirs for the build. A value it cannot compare between builds (an object
    whose repr shows only its address) is written as a token no other build writes, so
    the pages depending on it are rendered, which is always right.
    """

    def __init__(self):
        self.shared = {}  # id -> (object, its text)
        self.unstable = set()  # type names of values written as unique tokens

    def digest(self, *values):
        out = []
        for value in values:
            self.write(value, out, 0)
        data = "".join(out).encode("utf-8", "surrogatepass")
        return hashlib.blake2b(data, digest_size=16).hexdigest()

    def write(self, value, out, depth):
        kind = type(value)
        if kind is str:
            out.append(f"s{len(value)}:")
            out.append(value)
        elif value is None or kind is bool or kind is int or kind is float:
            out.append(f"{value!r};")
        elif isinstance(value, str):  # Markup
            out.append(f"{kind.__name__}{len(value)}:")
            out.append(str(value))
        elif isinstance(value, Content):
            # By reference: each content object's state is part of the site state once.
            out.append(f"<{kind.__name__} s{len(value.source_path)}:{value.source_path}>")
        elif isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
            out.append(f"{value!r};")
        elif isinstance(value, enum.Enum):
            out.append(f"{kind.__qualname__}.{value.name};")
        elif isinstance(value, types.FunctionType):
            # By its code too: pelicanconf.py is read again for each build, so an edited
            # Jinja filter is a new function under the same name.
            out.append(f"<function {value.__module__}.{value.__qualname__} ")
            self.write_code(value.__code__, out)
            self.write(value.__defaults__, out, depth + 1)
            out.append(">")
        elif isinstance(value, (types.BuiltinFunctionType, type)):
            out.append(f"<callable {value.__module__}.{value.__qualname__}>")
        elif isinstance(value, types.ModuleType):
            out.append(f"<module {value.__name__}>")
        elif depth > _MAX_DEPTH:
            self.write_unstable("deeply nested value", out)
        else:
            known = self.shared.get(id(value))
            if known is not None:
                out.append(known[1])
                return
            shared = not isinstance(value, (dict, list, tuple, set, frozenset)) or len(value) > 16
            target = [] if shared else out
            self.write_structure(value, target, depth + 1)
            if shared:
                text = "".join(target)
                self.shared[id(value)] = (value, text)
                out.append(text)

    def write_structure(self, value, out, depth):
        kind = type(value)
        if isinstance(value, dict):
            out.append("{")
            for key, item in value.items():
                self.write(key, out, depth)
                self.write(item, out, depth)
            out.append("}")
        elif isinstance(value, (list, tuple)):
            out.append("[")
            for item in value:
                self.write(item, out, depth)
            out.append("]")
        elif isinstance(value, (set, frozenset)):
            items = []
            for item in value:
                text = []
                self.write(item, text, depth)
                items.append("".join(text))
            out.append("(" + "".join(sorted(items)) + ")")
        elif dataclasses.is_dataclass(value):
            out.append(f"{kind.__qualname__}(")
            for field in dataclasses.fields(value):
                out.append(field.name)
                self.write(getattr(value, field.name), out, depth)
            out.append(")")
        elif hasattr(value, "__dict__") and not callable(value):
            out.append(kind.__qualname__)
            self.write(public_attributes(value), out, depth)
        else:
            text = repr(value)
            if _ADDRESS.search(text):
                self.write_unstable(kind.__qualname__, out)
            else:
                out.append(f"{kind.__qualname__}s{len(text)}:{text}")

    def write_code(self, code, out):
        out.append(f"{code.co_code.hex()} {code.co_names}")
        for constant in code.co_consts:
            if isinstance(constant, types.CodeType):
                self.write_code(constant, out)
            else:
                out.append(f"{constant!r};")

    def write_unstable(self, what, out):
        self.unstable.add(what)
        out.append(f"<unstable {what} {os.urandom(8).hex()}>")


def public_attributes(obj):
    return {key: value for key, value in vars(obj).items() if key not in NOT_STATE}


def content_state(content):
    """What pages other than its own can show of an article, page or draft."""
    metadata = {key: value for key, value in content.metadata.items() if key not in OWN_PAGE_ONLY}
    state = {
        key: value
        for key, value in vars(content).items()
        if key not in NOT_STATE
        and key not in OWN_PAGE_ONLY
        and key != "metadata"
        and metadata.get(key, _MISSING) is not value  # Pelican's copy of a metadata value
    }
    state["metadata"] = metadata
    state["url"], state["save_as"] = content.url, content.save_as
    if "summary" not in content.metadata:  # else the metadata has it
        state["summary"] = content.summary  # made from the body
    return state


def own_page_state(content):
    return {key: getattr(content, key, None) for key in sorted(OWN_PAGE_ONLY)}


def all_contents(context):
    found = {}
    lists = ("articles", "drafts", "hidden_articles", "pages", "hidden_pages", "draft_pages")
    for name in lists:
        for content in context.get(name) or ():
            found[id(content)] = content
            for translation in getattr(content, "translations", ()):
                found[id(translation)] = translation
    for content in (context.get("generated_content") or {}).values():
        if isinstance(content, Content):
            found[id(content)] = content
    return sorted(found.values(), key=lambda content: (content.source_path, type(content).__name__))


@cache
def libraries():
    import importlib.metadata  # only the development server needs it

    versions = []
    for name in LIBRARIES:
        try:
            versions.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            versions.append((name, None))
    return tuple(versions)


def files_state(*folders):
    """Every file under ``folders`` with its size and modification time."""
    state = []
    for folder in folders:
        for parent, subfolders, names in os.walk(folder):
            subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
            for name in sorted(names):
                path = os.path.join(parent, name)
                stat = os.stat(path)
                state.append((path, stat.st_size, stat.st_mtime_ns))
    return tuple(state)


def site_digest(encoder, context, settings):
    return encoder.digest(
        RECORD_VERSION,
        libraries(),
        files_state(
            settings["THEME"],
            *settings.get("THEME_TEMPLATES_OVERRIDES", ()),
            os.path.dirname(__file__),
        ),
        context,
        [content_state(content) for content in all_contents(context)],
    )


# --- The record of written pages ------------------------------------------------


def record_path(settings):
    return os.path.join(settings["CACHE_PATH"], PAGES_RECORD)


def load_record(settings):
    """The last build's record; removed, so that a build that fails leaves none."""
    path = record_path(settings)
    try:
        with open(path, encoding="utf-8") as handle:
            record = json.load(handle)
        os.remove(path)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        logger.warning("%s: unreadable, every page is rendered: %s", path, exc)
        return {}
    if not isinstance(record, dict) or record.get("version") != RECORD_VERSION:
        return {}
    return record.get("pages") or {}


def save_record(settings, pages):
    path = record_path(settings)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump({"version": RECORD_VERSION, "pages": pages}, handle)
    os.replace(partial, path)


def file_stamp(path):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


# --- The writer -----------------------------------------------------------------

# Output folder -> what the build going on there compares pages with.
_builds = {}


@dataclasses.dataclass
class Build:
    previous: dict  # name of a write_file call -> {"key": ..., "files": {path: stamp}}
    site: str = ""  # the site state's digest
    context: dict = None  # the context it was made from
    pages: dict = dataclasses.field(default_factory=dict)  # this build's record
    encoder: StateEncoder = dataclasses.field(default_factory=StateEncoder)
    rendered: int = 0
    reused: int = 0


class ReusingWriter(Writer):
    """Pelican's writer, skipping a ``write_file`` whose inputs are unchanged."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.build = _builds.get(os.path.abspath(output_path))
        self._files_of_call = None

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        options = dict(paginated=paginated, template_name=template_name, url=url, **kwargs)
        if not name or self.build is None or override_output:
            return super().write_file(
                name, template, context, relative_urls, override_output=override_output, **options
            )
        key = self.key(name, template, context, relative_urls, options)
        earlier = self.build.previous.get(name)
        if earlier and earlier["key"] == key and self.reusable(earlier["files"]):
            self.reuse(name, context, relative_urls, options, earlier)
            return None
        self._files_of_call = []
        try:
            super().write_file(name, template, context, relative_urls, **options)
            files = {path: file_stamp(path) for path in self._files_of_call}
        finally:
            self._files_of_call = None
        self.build.pages[name] = {"key": key, "files": files}
        self.build.rendered += len(files)
        return None

    def _open_w(self, filename, encoding, override=False):
        if self._files_of_call is not None and filename not in self._overridden_files:
            self._files_of_call.append(filename)
        return super()._open_w(filename, encoding, override)

    def key(self, name, template, context, relative_urls, options):
        site = self.context_digest(context)
        own_pages = [
            (option, own_page_state(value))
            for option, value in sorted(options.items())
            if isinstance(value, Content)
        ]
        return self.build.encoder.digest(
            site, name, template.name, relative_urls, options, own_pages
        )

    def context_digest(self, context):
        shared = self.build.context
        if context is shared:
            return self.build.site
        # A copy of the shared context with a few keys set (the period archives'): only
        # the values that are not the shared context's own are compared.
        return self.build.encoder.digest(
            self.build.site,
            {key: value for key, value in context.items() if value is not shared.get(key)},
            [key for key in shared if key not in context],
        )

    def reusable(self, files):
        return bool(files) and all(
            path not in self._written_files and file_stamp(path) == stamp
            for path, stamp in files.items()
        )

    def reuse(self, name, context, relative_urls, options, earlier):
        """What writing would have done, but the rendering and the file."""
        localcontext = context.copy()
        localcontext["localsiteurl"] = localcontext.get("localsiteurl", None)
        if relative_urls:
            relative = path_to_url(get_relative_path(name))
            localcontext["SITEURL"] = localcontext["localsiteurl"] = relative
        if localcontext["localsiteurl"]:
            context["localsiteurl"] = localcontext["localsiteurl"]
        localcontext["output_file"] = name
        localcontext.update(options)
        for path in earlier["files"]:
            self._written_files.add(path)
            signals.content_written.send(path, context=localcontext)
        self.build.pages[name] = earlier
        self.build.reused += len(earlier["files"])


# --- Receivers ------------------------------------------------------------------


def enabled(settings):
    return plugin_settings.get(settings, "STAFFBLOG_REUSE_UNCHANGED_PAGES")


def build_started(pelican):
    output = os.path.abspath(pelican.output_path)
    _builds.pop(output, None)  # a failed build's
    if enabled(pelican.settings):
        _builds[output] = Build(previous=load_record(pelican.settings))


def content_ready(generators):
    build = _builds.get(os.path.abspath(generators[0].output_path))
    if build is not None:
        context = generators[0].context
        build.context = context
        build.site = site_digest(build.encoder, context, generators[0].settings)
        if build.encoder.unstable:
            logger.debug(
                "every page is rendered: the build state holds values that cannot be "
                "compared between builds (%s)",
                ", ".join(sorted(build.encoder.unstable)),
            )


def writer_class(pelican):
    return ReusingWriter if os.path.abspath(pelican.output_path) in _builds else None


def build_finished(pelican):
    build = _builds.pop(os.path.abspath(pelican.output_path), None)
    if build is None:
        return
    try:
        save_record(pelican.settings, build.pages)
    except OSError as exc:
        logger.warning(
            "%s: cannot record the pages written (%s); the next build renders every page",
            record_path(pelican.settings),
            exc,
        )
    logger.info(
        "%d of %d pages rendered; the others were unchanged",
        build.rendered,
        build.rendered + build.reused,
    )


def register():
    signals.initialized.connect(build_started)
    signals.all_generators_finalized.connect(content_ready)
    signals.get_writer.connect(writer_class)
    signals.finalized.connect(build_finished)
