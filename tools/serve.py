"""Serve the built site on 127.0.0.1 the way the production nginx does.

Directory URLs resolve to ``index.html`` or, for feeds, ``index.xml``; unknown
paths get ``404.html`` with status 404.
"""

import argparse
import functools
import gzip
import http.server
import io
import logging
import os
import re
import sys
from pathlib import Path

logger = logging.getLogger("serve")

INDEX_FILES = ("index.html", "index.xml")
SECURITY_HEADERS = Path(__file__).resolve().parent.parent / "deploy/nginx/security-headers.conf"
ADD_HEADER = re.compile(r'^\s*add_header\s+(\S+)\s+"([^"]*)"')
# Directives that must also allow a comment server on another origin (in production
# it is proxied under the site's own origin, so the policy file names only 'self').
COMMENT_SERVER_DIRECTIVES = ("script-src", "connect-src")


def security_headers(path=SECURITY_HEADERS, comment_origin=None):
    """The production headers from the nginx include, as (name, value) pairs."""
    headers = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = ADD_HEADER.match(line)
        if not match:
            continue
        name, value = match.groups()
        if name == "Content-Security-Policy" and comment_origin:
            value = allow_origin(value, comment_origin)
        headers.append((name, value))
    return headers


def allow_origin(policy, origin):
    directives = []
    for directive in policy.split(";"):
        words = directive.split()
        if words and words[0] in COMMENT_SERVER_DIRECTIVES:
            words.append(origin)
        directives.append(" ".join(words))
    return "; ".join(directives)


class SiteRequestHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - overrides the stdlib class attribute
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".xml": "application/xml",
        ".ics": "text/calendar",
        ".md": "text/markdown; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
        ".svg": "image/svg+xml",
        ".pdf": "application/pdf",
        ".wasm": "application/wasm",
    }

    # (name, value) pairs sent with every response, e.g. security headers.
    extra_headers = ()

    def end_headers(self):
        for name, value in self.extra_headers:
            self.send_header(name, value)
        super().end_headers()

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            for index in INDEX_FILES:
                candidate = os.path.join(path, index)
                if os.path.isfile(candidate):
                    return self._send_file(candidate)
        if not os.path.exists(path):
            return self._send_not_found()
        return super().send_head()

    def _send_file(self, filename, status=200):
        with open(filename, "rb") as handle:
            body = handle.read()
        # Pages gzipped as nginx's `gzip on` sends them: they weigh on the wire (and in
        # Lighthouse) what they weigh in production.
        compressed = "gzip" in self.headers.get("Accept-Encoding", "")
        if compressed:
            body = gzip.compress(body, mtime=0)
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(filename))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        if compressed:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        return io.BytesIO(body)

    def _send_not_found(self):
        page = os.path.join(self.directory, "404.html")
        if os.path.isfile(page):
            return self._send_file(page, status=404)
        self.send_error(404)
        return None

    def log_message(self, format, *args):
        logger.debug("%s %s", self.address_string(), format % args)


def make_server(root, bind="127.0.0.1", port=8000, headers=()):
    handler_class = type("Handler", (SiteRequestHandler,), {"extra_headers": tuple(headers)})
    handler = functools.partial(handler_class, directory=os.path.abspath(root))
    return http.server.ThreadingHTTPServer((bind, port), handler)


def parse_header(text):
    name, separator, value = text.partition(":")
    if not separator or not name.strip():
        raise argparse.ArgumentTypeError(f"expected 'Name: value', got {text!r}")
    return name.strip(), value.strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="output")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--header",
        type=parse_header,
        action="append",
        default=[],
        help="'Name: value' to send with every response (repeatable)",
    )
    parser.add_argument(
        "--comment-origin",
        help="origin of a comment server on another port, allowed by the CSP",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not os.path.isdir(args.root):
        logger.error("%s does not exist: run `make html` first", args.root)
        return 1
    headers = security_headers(comment_origin=args.comment_origin) + args.header
    server = make_server(args.root, args.bind, args.port, headers)
    logger.info(
        "Serving %s at http://%s:%s/ (Ctrl-C to stop)", args.root, *server.server_address[:2]
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        logger.info("Stopped.")
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
