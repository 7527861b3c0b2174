"""Write files only when their text changed, each one atomically (temp file + rename)."""

import os
import tempfile
from pathlib import Path


def write_text(path, text):
    """Write ``text`` to ``path`` unless it already holds it; True when written."""
    path = Path(path)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def write_all(files, dry_run=False):
    """{path: text} -> {"written": n, "unchanged": m} (what would be, on a dry run)."""
    counts = {"written": 0, "unchanged": 0}
    for path, text in sorted(files.items()):
        changed = not (Path(path).is_file() and Path(path).read_text(encoding="utf-8") == text)
        if changed and not dry_run:
            write_text(path, text)
        counts["written" if changed else "unchanged"] += 1
    return counts


def remove_stale(folder, keep, dry_run=False):
    """Delete files under ``folder`` (ours alone) that are not in ``keep``; return count."""
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    keep = {Path(p).resolve() for p in keep}
    removed = 0
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and path.resolve() not in keep:
            removed += 1
            if not dry_run:
                path.unlink()
        elif path.is_dir() and not dry_run and not any(path.iterdir()):
            path.rmdir()
    return removed


def metadata_block(fields):
    """Pelican Markdown metadata: ``Key: value`` lines, one line each, empty ones left out."""
    lines = []
    for key, value in fields:
        value = " ".join(str(value).split())
        if value:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n\n"
