"""Serve the built site on 127.0.0.1 the way the production nginx does.

Directory URLs resolve to ``index.html`` or, for feeds, ``index.xml``; unknown
paths get ``404.html`` with status 404.
"""

import argparse
import functools
import http.server
import logging
import os
import sys

logger = logging.getLogger("serve")

INDEX_FILES = ("index.html", "index.xml")


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
        handle = open(filename, "rb")  # noqa: SIM115 - the base class closes it after sending
        size = os.fstat(handle.fileno()).st_size
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(filename))
        self.send_header("Content-Length", str(size))
        self.end_headers()
        return handle

    def _send_not_found(self):
        page = os.path.join(self.directory, "404.html")
        if os.path.isfile(page):
            return self._send_file(page, status=404)
        self.send_error(404)
        return None

    def log_message(self, format, *args):
        logger.debug("%s %s", self.address_string(), format % args)


def make_server(root, bind="127.0.0.1", port=8000):
    handler = functools.partial(SiteRequestHandler, directory=os.path.abspath(root))
    return http.server.ThreadingHTTPServer((bind, port), handler)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="output")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not os.path.isdir(args.root):
        logger.error("%s does not exist: run `make html` first", args.root)
        return 1
    server = make_server(args.root, args.bind, args.port)
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
