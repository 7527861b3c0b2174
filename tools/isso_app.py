"""Isso, wrapped: the comment server as ``make serve`` and production run it.

``python -m tools.isso_app -c CONFIG`` builds Isso's own WSGI application
(``isso.make_app``, threaded) and serves it with werkzeug's threaded server on the
config's ``[server] listen`` address, behind ``IssoGuard``, a WSGI middleware that:

* serialises the posts of one client (``POST /new``, keyed by the address Isso's
  rate-limit guard sees): Isso 0.14 checks its guard *outside* the lock that guards
  the insert, so parallel posts all pass the check before any is stored (8 of 20
  accepted with a limit of 2 a minute and 3 top-level per thread). One at a time,
  each post's check sees the posts before it;
* makes Isso's in-memory cache thread-safe: its ``SimpleCache`` prunes by iterating
  over a dict other threads write to, and the ``RuntimeError`` that follows turned a
  post that was already stored into a 500 (about 1 in 2,000 posts once the cache holds
  1,024 keys). ``LockedSimpleCache`` takes a lock around every cache operation;
* scopes the admin session: ``admin-session`` gets ``Path=<prefix>/admin/``,
  ``HttpOnly``, ``SameSite=Strict`` and ``Secure`` when the public endpoint is https
  (Isso sets ``Path=/`` readable by every page of the origin); the duplicate
  ``X-Set-Cookie`` header is dropped;
* slows down failed logins: logins are checked one at a time, each failure holds the
  next for ``login_delay`` seconds, and a client with ``max_login_failures`` failures in
  ``login_window`` seconds gets 429 without its password being tried;
* does not serve Isso's ``/demo/`` page;
* with ``--headers FILE`` (``make serve``), sends the site's security headers from the
  nginx include with every response, the admin pages getting their own policy (Isso's
  admin needs inline script). In production nginx sends them (deploy/nginx/blog.conf).

Run one process only: the locks are per process (werkzeug's threaded server; gevent
and gunicorn are not installed).
"""

import argparse
import logging
import sys
import threading
import time
from collections import defaultdict, deque
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger("isso_app")

ROOT = Path(__file__).resolve().parent.parent
# Isso's built-in salt, the same in every installation: never accepted.
DEFAULT_SALT = "Eech7co8Ohloopo9Ol6baimi"
SECRETS = (("admin", "password", "ISSO_ADMIN_PASSWORD"), ("hash", "salt", "ISSO_HASH_SALT"))
ADMIN_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)


class LockedSimpleCache:
    """Isso's SimpleCache with one lock around each operation (see the module doc)."""

    def __init__(self, *args, **kwargs):
        from isso.utils.cache import SimpleCache

        self._cache = SimpleCache(*args, **kwargs)
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            return self._cache.get(key)

    def set(self, key, value, timeout=None):
        with self._lock:
            return self._cache.set(key, value, timeout)

    def delete(self, key):
        with self._lock:
            return self._cache.delete(key)


def load_config(path):
    from isso import config

    return config.load(config.default_file(), str(path))


def unresolved_secrets(conf):
    """Secrets still written as ``${VARIABLE}``: their variable is not set."""
    missing = []
    for section, option, variable in SECRETS:
        value = conf.get(section, option) if conf.has_option(section, option) else ""
        unset = (f"${{{variable}}}", f"${variable}")
        if not value or any(text in value for text in unset) or value == DEFAULT_SALT:
            missing.append(variable)
    return missing


def build_isso(conf):
    """Isso's WSGI application for ``conf``, with the thread-safe cache."""
    import isso
    import isso.core

    if not hasattr(isso.core, "SimpleCache"):
        raise RuntimeError("isso.core.SimpleCache is gone: check LockedSimpleCache")
    isso.core.SimpleCache = LockedSimpleCache
    return isso.make_app(conf, threading=True)


class KeyedLocks:
    """One lock per key, forgotten when nobody holds or waits for it."""

    def __init__(self):
        self._guard = threading.Lock()
        self._locks = {}

    @contextmanager
    def hold(self, key):
        with self._guard:
            lock, users = self._locks.get(key, (None, 0))
            lock = lock or threading.Lock()
            self._locks[key] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, users = self._locks[key]
                if users == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)


def anonymized(address):
    from isso.utils import anonymize

    return anonymize(str(address))


class IssoGuard:
    """The WSGI middleware described in the module doc, around Isso's application."""

    def __init__(
        self,
        app,
        conf,
        *,
        headers=(),
        login_delay=1.0,
        max_login_failures=5,
        login_window=900.0,
    ):
        self.app = app
        self.trusted_proxies = set(conf.getiter("server", "trusted-proxies"))
        endpoint = conf.get("server", "public-endpoint") or ""
        self.secure = endpoint.startswith("https://")
        self.headers = list(headers)
        self.login_delay = login_delay
        self.max_login_failures = max_login_failures
        self.login_window = login_window
        self.post_locks = KeyedLocks()
        self.login_lock = threading.Lock()
        self.failures = defaultdict(deque)

    # --- request helpers ------------------------------------------------------------

    @staticmethod
    def isso_path(environ):
        """The path Isso routes on (after the X-Script-Name prefix), and the prefix."""
        path = environ.get("PATH_INFO", "") or "/"
        prefix = environ.get("HTTP_X_SCRIPT_NAME", "") or ""
        if prefix and path.startswith(prefix):
            path = path[len(prefix) :] or "/"
        return path, prefix.rstrip("/")

    def client(self, environ):
        """The client's address as Isso's guard keys it (anonymised, proxies trusted)."""
        remote = environ.get("REMOTE_ADDR", "")
        if self.trusted_proxies:
            forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
            route = [part.strip() for part in forwarded.split(",") if part.strip()] + [remote]
            remote = next((a for a in reversed(route) if a not in self.trusted_proxies), remote)
        return anonymized(remote)

    # --- WSGI -----------------------------------------------------------------------

    def __call__(self, environ, start_response):
        path, prefix = self.isso_path(environ)
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/demo" or path.startswith("/demo/"):
            return self.respond(start_response, "404 Not Found", b"Not Found", path)
        if method == "POST" and path == "/new":
            with self.post_locks.hold(self.client(environ)):
                return self.call(environ, start_response, path, prefix)
        if method == "POST" and path == "/login/":
            return self.login(environ, start_response, path, prefix)
        return self.call(environ, start_response, path, prefix)

    def call(self, environ, start_response, path, prefix, on_status=None):
        """Run Isso to the end (the body included, so a lock covers all of its work)."""
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, list(headers)
            return lambda data: captured.setdefault("written", []).append(data)

        iterable = self.app(environ, capture)
        try:
            body = b"".join([*captured.get("written", []), *iterable])
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        status, headers = captured["status"], captured["headers"]
        if on_status:
            on_status(status)
        headers = self.rewrite_headers(headers, path, prefix)
        start_response(status, headers)
        return [body]

    def login(self, environ, start_response, path, prefix):
        client = self.client(environ)
        with self.login_lock:
            recent = self.failures[client]
            now = time.monotonic()
            while recent and now - recent[0] > self.login_window:
                recent.popleft()
            if len(recent) >= self.max_login_failures:
                logger.warning("admin login refused for %s: %d failures", client, len(recent))
                return self.respond(
                    start_response, "429 Too Many Requests", b"Too many failed logins", path
                )

            def record(status):
                if not status.startswith("302"):
                    recent.append(time.monotonic())
                    logger.warning("failed admin login from %s", client)
                    time.sleep(self.login_delay)
                else:
                    recent.clear()

            return self.call(environ, start_response, path, prefix, on_status=record)

    def respond(self, start_response, status, body, path):
        headers = [("Content-Type", "text/plain; charset=utf-8")]
        headers.append(("Content-Length", str(len(body))))
        start_response(status, self.rewrite_headers(headers, path, ""))
        return [body]

    # --- response headers -----------------------------------------------------------

    def rewrite_headers(self, headers, path, prefix):
        admin_path = f"{prefix}/admin/"
        out = []
        for name, value in headers:
            lower = name.lower()
            if lower == "x-set-cookie" and "admin-session" in value:
                continue  # Isso's copy for its client script: the admin never needs it
            if lower == "set-cookie" and value.split("=", 1)[0].strip() == "admin-session":
                value = self.admin_cookie(value, admin_path)
            out.append((name, value))
        is_admin = path.startswith(("/admin", "/login"))
        if is_admin:
            out.append(("Cache-Control", "no-store"))
        present = {name.lower() for name, _ in out}
        for name, value in self.headers:
            if name.lower() in present:
                continue
            if name.lower() == "content-security-policy" and is_admin:
                value = ADMIN_CSP
            out.append((name, value))
        return out

    def admin_cookie(self, value, admin_path):
        parts = [part.strip() for part in value.split(";")]
        kept = [parts[0]]
        for part in parts[1:]:
            key = part.split("=", 1)[0].strip().lower()
            if key in ("expires", "max-age"):
                kept.append(part)
        kept += [f"Path={admin_path}", "HttpOnly", "SameSite=Strict"]
        if self.secure:
            kept.append("Secure")
        return "; ".join(kept)


def make_app(config_path, headers=(), **options):
    """The wrapped application for the config file ``config_path``."""
    conf = load_config(config_path)
    return IssoGuard(build_isso(conf), conf, headers=headers, **options), conf


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Isso configuration file")
    parser.add_argument(
        "--headers",
        metavar="NGINX_INCLUDE",
        help="send the add_header lines of this nginx include with every response",
    )
    parser.add_argument("--login-delay", type=float, default=1.0, help="seconds per failure")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    from isso.wsgi import urlsplit
    from werkzeug.serving import run_simple

    conf = load_config(args.config)
    missing = unresolved_secrets(conf)
    if missing:
        logger.error("set %s in the environment (never in the config file)", ", ".join(missing))
        return 2
    headers = []
    if args.headers:
        from tools.serve import security_headers

        headers = security_headers(args.headers)
    listen = conf.get("server", "listen")
    if not listen.startswith("http://"):
        logger.error("[server] listen must be http://HOST:PORT, not %r", listen)
        return 2
    host, port, _ = urlsplit(listen)
    app = IssoGuard(build_isso(conf), conf, headers=headers, login_delay=args.login_delay)
    logger.info("Isso (wrapped by tools.isso_app) on http://%s:%s", host, port)
    run_simple(host, port, app, threaded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
