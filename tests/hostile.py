"""Helpers for the hostile-content tests: the payload corpus, a plain static server (no
security headers, no CSP, so nothing but the escaping protects the page) and a
Chromium watch that counts dialogs, hooked alert/confirm/prompt calls, the
``window.__xss`` flag, and what the DOM holds that could run script."""

import contextlib
import functools
import http.server
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAYLOADS_FILE = HERE / "hostile_payloads.txt"


def payloads():
    lines = PAYLOADS_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("# ") and line != "#"]


def chunks(items, size):
    return [items[start : start + size] for start in range(0, len(items), size)]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def plain_server(root, port=0):
    """Serve ``root`` on 127.0.0.1 with Python's static server: no headers of ours."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# Runs before any script of every page and frame: records calls instead of hiding them
# (the real dialog still opens, and the page's "dialog" handler counts it too).
HOOKS = """
(() => {
  const hits = [];
  Object.defineProperty(window, "__xssHits", { value: hits });
  for (const name of ["alert", "confirm", "prompt"]) {
    const original = window[name];
    window[name] = function (...args) {
      hits.push(name + "(" + args.join(",") + ")");
      try { (window.top || window).__xssHits.push(name); } catch (e) {}
      return original.apply(this, args);
    };
  }
})();
"""

# What the DOM (after the browser parsed it, scripts ran) holds that could run script.
DOM_AUDIT = """
(root) => {
  const scope = root ? document.querySelector(root) : document;
  const problems = [];
  if (!scope) return ["no " + root];
  const urlAttrs = ["href", "src", "action", "formaction", "data", "background", "poster",
                    "lowsrc", "dynsrc", "xlink:href", "codebase", "cite", "ping"];
  const forbidden = "iframe, frame, frameset, object, embed, applet, portal, base, "
                  + "meta[http-equiv], link[rel=import], [srcdoc]";
  for (const el of scope.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) problems.push(`${el.tagName} ${name}=${attr.value}`);
      if (urlAttrs.includes(name)) {
        let protocol;
        try { protocol = new URL(attr.value, document.baseURI).protocol; }
        catch (e) { continue; }
        if (!["http:", "https:", "mailto:"].includes(protocol))
          problems.push(`${el.tagName} ${name}=${attr.value}`);
      }
    }
    if (el.matches(forbidden)) problems.push(`element ${el.outerHTML.slice(0, 120)}`);
  }
  for (const script of scope.querySelectorAll("script")) {
    const json = script.type === "application/ld+json";
    const ours = script.src && new URL(script.src).origin === location.origin
      && new URL(script.src).pathname.match(/\\/(theme|pagefind)\\//);
    const isso = script.src && script.src.endsWith("/js/embed.min.js");
    if (!json && !ours && !isso) problems.push(`script ${script.outerHTML.slice(0, 120)}`);
  }
  return problems;
}
"""


class Watch:
    """Dialogs, hooked calls and the ``__xss`` flag on one page, across navigations."""

    def __init__(self, page):
        self.page = page
        self.dialogs = []
        self.hits = []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(f"{self.page.url}: {dialog.type} {dialog.message}")
        dialog.dismiss()

    def collect(self):
        """Record what ran on the current page; return the DOM's problems."""
        state = self.page.evaluate("[window.__xssHits ? [...window.__xssHits] : [], window.__xss]")
        calls, flag = state
        if calls or flag is not None:
            self.hits.append(f"{self.page.url}: {calls} __xss={flag!r}")
        return self.page.evaluate(DOM_AUDIT, None)


def new_watched_page(browser, chromium_context_options=None):
    """A context that never reaches another host (requests aborted, not failed)."""
    context = browser.new_context(**(chromium_context_options or {}))
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
            else route.abort()
        ),
    )
    context.add_init_script(HOOKS)
    page = context.new_page()
    return context, page, Watch(page)
