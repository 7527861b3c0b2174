"""Run the Isso comment server locally, alone or beside the built site.

``make comments`` starts Isso alone; ``make serve`` serves output/ (like tools.serve)
and starts Isso beside it, so comments work while browsing the built site. Both print
their URLs and stop everything they started, by PID, on Ctrl-C or SIGTERM.

Isso runs from a copy of the shipped ``isso.cfg`` in a temporary folder, with its
database path, allowed site origins, listen address and public endpoint set from the
options here (``--set SECTION.OPTION=VALUE`` overrides anything else). The admin
password comes from ISSO_ADMIN_PASSWORD and the hash salt from ISSO_HASH_SALT; when
one is unset a random one is made for this session (the password is printed), since
the shipped config must never hold a secret.

Isso runs through ``tools.isso_app`` (its WSGI application behind a middleware that
serialises each client's posts, scopes the admin cookie and slows down failed logins),
sending the site's security headers from deploy/nginx/security-headers.conf.
"""

import argparse
import configparser
import importlib.util
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from tools import serve as site_server

logger = logging.getLogger("comments")

ROOT = Path(__file__).resolve().parent.parent
PASSWORD_VARIABLE = "ISSO_ADMIN_PASSWORD"
SALT_VARIABLE = "ISSO_HASH_SALT"
SECURITY_HEADERS = ROOT / "deploy" / "nginx" / "security-headers.conf"


class StartError(RuntimeError):
    """Isso could not be started; the message says why."""


def site_origins(port, extra=()):
    """The dev site's origins, exact scheme and port, as Isso's CORS check needs them."""
    return [f"http://127.0.0.1:{port}", f"http://localhost:{port}", *extra]


def runtime_config(source, target, *, db, port, origins, bind="127.0.0.1", overrides=()):
    """Write ``source`` to ``target`` with the run-time values filled in; return target.

    ``overrides`` are ``("section.option", value)`` pairs applied last.
    """
    parser = configparser.RawConfigParser(interpolation=None)
    with open(source, encoding="utf-8") as handle:
        parser.read_file(handle)
    values = [
        ("general.dbpath", str(Path(db).resolve())),
        ("general.host", "\n" + "\n".join(origins)),
        ("server.listen", f"http://{bind}:{port}"),
        ("server.public-endpoint", f"http://{bind}:{port}"),
        *overrides,
    ]
    for key, value in values:
        section, _, option = key.partition(".")
        if not option:
            raise ValueError(f"--set {key}: expected SECTION.OPTION=VALUE")
        if not parser.has_section(section):
            parser.add_section(section)
        parser.set(section, option, value)
    with open(target, "w", encoding="utf-8") as handle:
        parser.write(handle)
    return target


def isso_command(config_path, headers=SECURITY_HEADERS):
    """Isso through the wrapper (tools/isso_app.py), with this virtualenv's Python."""
    if importlib.util.find_spec("isso") is None:
        raise StartError("Isso is not installed: run `make venv`")
    command = [sys.executable, "-m", "tools.isso_app", "-c", str(config_path)]
    return command + (["--headers", str(headers)] if headers else [])


def wait_for_port(host, port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartError(f"Isso exited with status {process.returncode} (see its log above)")
        with socket.socket() as sock:
            if sock.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise StartError(f"Isso did not listen on {host}:{port} within {timeout} s")


def stop(process, name):
    """Stop a child by its PID: SIGTERM, then SIGKILL if it does not go."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
    logger.info("Stopped %s (pid %s).", name, process.pid)


@contextmanager
def running_isso(args):
    """Start Isso for ``args``; yield the process; always stop it and clean up."""
    password = os.environ.get(PASSWORD_VARIABLE)
    env = dict(os.environ)
    if not password:
        password = secrets.token_urlsafe(12)
        env[PASSWORD_VARIABLE] = password
        logger.info(
            "%s is not set; admin password for this session: %s", PASSWORD_VARIABLE, password
        )
    if not env.get(SALT_VARIABLE):
        env[SALT_VARIABLE] = secrets.token_urlsafe(18)
    Path(args.db).resolve().parent.mkdir(parents=True, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="isso-")
    try:
        config_path = runtime_config(
            args.config,
            os.path.join(workdir, "isso.cfg"),
            db=args.db,
            port=args.port,
            bind=args.bind,
            origins=site_origins(args.site_port, args.origin),
            overrides=[tuple(item.split("=", 1)) for item in args.set],
        )
        process = subprocess.Popen(isso_command(config_path), cwd=ROOT, env=env)
        try:
            wait_for_port(args.bind, args.port, process)
            yield process
        finally:
            stop(process, "Isso")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def running_site(root, bind, port, comment_origin, extra_headers=()):
    headers = site_server.security_headers(comment_origin=comment_origin) + list(extra_headers)
    server = site_server.make_server(root, bind, port, headers)
    thread = threading.Thread(target=server.serve_forever, name="site", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        logger.info("Stopped the site server.")


def raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--config", default=str(ROOT / "isso.cfg"), help="Isso config to start from"
    )
    parser.add_argument("--db", default=str(ROOT / "var" / "comments.db"), help="SQLite database")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="Isso's port")
    parser.add_argument("--site-port", type=int, default=8000, help="the site's port (CORS)")
    parser.add_argument("--origin", action="append", default=[], help="another allowed origin")
    parser.add_argument("--serve", metavar="ROOT", help="also serve this built site")
    parser.add_argument(
        "--header",
        type=site_server.parse_header,
        action="append",
        default=[],
        help="with --serve: 'Name: value' to send with every page (repeatable)",
    )
    parser.add_argument(
        "--set", action="append", default=[], metavar="SECTION.OPTION=VALUE", help="config override"
    )
    args = parser.parse_args(argv)
    for item in args.set:
        if "=" not in item or "." not in item.split("=", 1)[0]:
            parser.error(f"--set {item!r}: expected SECTION.OPTION=VALUE")
    return args


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.serve and not os.path.isdir(args.serve):
        logger.error("%s does not exist: run `make html` first", args.serve)
        return 1
    signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        with ExitStack() as stack:
            if args.serve:
                comment_origin = f"http://{args.bind}:{args.port}"
                stack.enter_context(
                    running_site(args.serve, args.bind, args.site_port, comment_origin, args.header)
                )
            isso = stack.enter_context(running_isso(args))
            if args.serve:
                logger.info("Site:     http://%s:%s/", args.bind, args.site_port)
            endpoint = f"http://{args.bind}:{args.port}"
            logger.info("Comments: %s/ (Isso, pid %s; database %s)", endpoint, isso.pid, args.db)
            logger.info("Moderate: %s/admin/", endpoint)
            logger.info("Press Ctrl-C to stop.")
            status = isso.wait()
            logger.error("Isso exited unexpectedly with status %s", status)
            return 1
    except KeyboardInterrupt:
        return 0
    except (StartError, OSError) as exc:
        logger.error("cannot start the comment server: %s", exc)
        return 1


if __name__ == "__main__":
    sys.exit(main())
