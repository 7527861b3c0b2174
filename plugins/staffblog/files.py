"""Files the plugin writes (its caches, checklists' Markdown): whole or not at all."""

import contextlib
import json
import os
import shutil


def write_atomically(path, data):
    """Write ``data`` (bytes) through a temporary file: no one ever reads half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def place(cached, target):
    """Hard-link a cached file at ``target`` (copy it across file systems), replacing what is
    there: never written into in place, a site's file cannot change the cache."""
    with contextlib.suppress(FileNotFoundError):
        os.remove(target)
    try:
        os.link(cached, target)
    except OSError:
        shutil.copyfile(cached, target)


def read_json(path):
    """The JSON object in ``path``; {} if it is missing or unreadable."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def write_json(path, value):
    write_atomically(path, json.dumps(value, sort_keys=True).encode())


def field_location(path, field):
    """``path:line`` of the ``Field:`` line in the metadata at the top of a file, else ``path``."""
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                name, colon, _value = line.partition(":")
                if not line.strip() or not colon:
                    break
                if name.strip().lower() == field.lower():
                    return f"{path}:{number}"
    except (OSError, UnicodeDecodeError):
        pass
    return path
