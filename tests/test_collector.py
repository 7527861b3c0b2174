"""The garbage-collector tuning lasts exactly as long as a build, even a failed one."""

import json
import subprocess
import sys

from conftest import ROOT, child_env

# Builds three times in one process, as the development server does: a good build,
# one that fails (its theme has a template error), and a good one again. Prints how
# many objects the collector had frozen during each build and after it.
SCRIPT = """
import gc, json, pathlib, sys
from pelican import signals
from tools.devserver import cached_build

content, output, broken_theme = map(pathlib.Path, sys.argv[1:4])
seen = []

def during(generators):
    seen.append(("during", gc.get_freeze_count()))

def at_the_end(pelican):  # like the PDFs and the search index, waited for at `finalized`
    seen.append(("finalized", gc.get_freeze_count()))

def connect_at_the_end(pelican):  # after every plugin connected its own receivers
    signals.finalized.connect(at_the_end)

signals.all_generators_finalized.connect(during)
signals.initialized.connect(connect_at_the_end)
for theme in (None, broken_theme, None):
    overrides = {"PATH": str(content), "OUTPUT_PATH": str(output)}
    if theme:
        overrides["THEME_TEMPLATES_OVERRIDES"] = [str(theme)]
    try:
        cached_build("pelicanconf.py", overrides)
        seen.append(("after", gc.get_freeze_count()))
    except Exception as exc:
        seen.append(("failed", type(exc).__name__))
print(json.dumps(seen))
"""


def run_script(script, *arguments):
    """Run ``script`` in a fresh Python from the project's root; the JSON it printed last."""
    return run_script_lines(script, *arguments)[-1]


def run_script_lines(script, *arguments):
    """Run ``script`` as run_script() does; every line of JSON it printed, in order."""
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, arguments)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=child_env({"PYTHONPATH": str(ROOT)}),
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines() if line[:1] in ("{", "[")]


def test_objects_are_frozen_during_each_build_and_released_after(content_copy, tmp_path):
    broken_theme = tmp_path / "broken-theme"
    broken_theme.mkdir()
    (broken_theme / "article.html").write_text("{% extends 'base.html' %}{% block content %}")
    seen = run_script(SCRIPT, content_copy, tmp_path / "out", broken_theme)
    kinds = [kind for kind, _value in seen]
    assert kinds == [
        *("during", "finalized", "after"),
        *("during", "failed"),
        *("during", "finalized", "after"),
    ], seen
    # Still frozen while `finalized` receivers work: handed back after all of them.
    during = [value for kind, value in seen if kind in ("during", "finalized")]
    assert all(count > 10_000 for count in during), seen  # modules, settings, the content
    after = [value for kind, value in seen if kind == "after"]
    assert after == [0, 0], seen  # handed back, even after the failed build


# Builds once; prints, as the process exits, how many objects the collector has frozen.
# Handlers registered with atexit run last-registered first: this one, registered before
# the build, runs after the plugin's.
EXIT_SCRIPT = """
import atexit, gc, json, sys
from pelican import main

atexit.register(lambda: print(json.dumps({"frozen at exit": gc.get_freeze_count()})))
content, output = sys.argv[1:3]
main([content, "-o", output, "-s", "pelicanconf.py", "-q"])
print(json.dumps({"frozen after the build": gc.get_freeze_count()}))
"""


def test_objects_are_frozen_again_as_the_process_exits(tmp_path):
    """Python's shutdown then skips its full collections over the whole build."""
    after, at_exit = run_script_lines(EXIT_SCRIPT, ROOT / "content", tmp_path / "out")[-2:]
    assert after == {"frozen after the build": 0}  # handed back at `finalized`
    assert at_exit["frozen at exit"] > 10_000, at_exit


# Builds once and prints the `finalized` receivers in the order they run.
ORDER_SCRIPT = """
import json, pathlib, sys
from blinker import ANY
from pelican import main, signals

content, output = sys.argv[1:3]
main([content, "-o", output, "-s", "pelicanconf.py", "-q"])
receivers = signals.finalized.receivers_for(ANY)
print(json.dumps([f"{r.__module__}.{r.__qualname__}" for r in receivers]))
"""


def test_the_build_waits_for_the_search_index_then_the_pdfs_then_hands_objects_back(tmp_path):
    """Pagefind's last stretch runs on one core: the PDF worker has the other meanwhile,
    and the PDFs still queued are taken back only then, so both cores end the build."""
    order = run_script(ORDER_SCRIPT, ROOT / "content", tmp_path / "out")
    assert order[-3:] == [
        "staffblog.search.index_site",
        "staffblog.checklist.finish_pdfs",
        "staffblog.collector.build_finished",
    ], order
    assert any("sitemap" in name for name in order[:-3]), order
