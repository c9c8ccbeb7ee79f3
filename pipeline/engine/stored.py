"""JSON files that filmpipe writes and reads back (cache records, build state), read defensively.

Anything read back may have been damaged (a full disk, a crash, a hand edit, another tool):
`read_json` returns None for a file that is missing, unreadable or not JSON, and the shape
checks below tell whether what was read is what filmpipe wrote. A file that fails them is
treated as missing, so the work it records is redone: never a traceback.
Writes are atomic: a temporary file in the same folder, then os.replace.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.engine.model import Artifact

_SHA256 = re.compile(r"[0-9a-f]{64}")


def read_json(path: Path) -> Any:
    """The parsed JSON of `path`, or None when it is missing, unreadable or not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def is_sha256(value: Any) -> bool:
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def is_str_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def is_relative_name(name: Any) -> bool:
    """A relative path with forward slashes that stays inside its folder."""
    if not isinstance(name, str) or not name or "\\" in name or "\0" in name:
        return False
    path = PurePosixPath(name)
    return not path.is_absolute() and all(part not in ("", ".", "..") for part in path.parts)


def is_state(data: Any) -> bool:
    """A task's state file (cache.TaskKey plus its id)."""
    return (
        isinstance(data, dict)
        and is_sha256(data.get("key"))
        and is_str_map(data.get("inputs"))
        and isinstance(data.get("settings"), str)
        and isinstance(data.get("tool"), str)
        and is_str_map(data.get("deps"))
    )


_ARTIFACT_TYPES: dict[str, tuple[type, ...]] = {
    "kind": (str,),
    "path": (str,),
    "mime_type": (str,),
    "language": (str, type(None)),
    "width": (int, type(None)),
    "height": (int, type(None)),
    "codecs": (str, type(None)),
    "bitrate_kbps": (int, type(None)),
    "duration_seconds": (int, float, type(None)),
    "extra": (dict,),
}


def artifact(data: Any) -> Artifact:
    """An Artifact from its JSON; ValueError unless every field has the type Artifact declares."""
    if not isinstance(data, dict) or set(data) - set(_ARTIFACT_TYPES):
        raise ValueError("an artifact of the wrong shape")
    for name in ("kind", "path", "mime_type"):
        if name not in data:
            raise ValueError(f"an artifact without {name}")
    for name, value in data.items():
        if not isinstance(value, _ARTIFACT_TYPES[name]) or isinstance(value, bool):
            raise ValueError(f"an artifact whose {name} is of the wrong type")
    if not is_relative_name(data["path"]):
        raise ValueError("an artifact path that leaves the output folder")
    return Artifact(**data)
