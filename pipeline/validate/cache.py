"""Results of expensive media checks, kept by content hash so unchanged inputs are not re-measured.

Stored as small JSON files under `<project>/.filmpipe-cache/validate/`. A file's hash is
itself remembered by path, size and modification time (cheap checks first, doit-style), so a
warm run reads no media at all. The cache is only ever an optimisation: a folder that cannot
be written, or a damaged entry, means measuring again, never a failure.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pipeline.hashing import sha256_file

CACHE_DIR = Path(".filmpipe-cache") / "validate"
HASHES_FILE = "hashes.json"
sha256_of = sha256_file


def _write_json(path: Path, data: Any) -> None:
    """Write atomically: a temporary file in the same folder, then os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None


class MeasureCache:
    """Measurements keyed by (kind, content hash); `root` None disables storing."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._hashes: dict[str, list] = {}
        self._hashes_dirty = False
        if root is not None:
            loaded = _read_json(root / HASHES_FILE)
            if isinstance(loaded, dict):
                self._hashes = loaded
        self.hits = 0
        self.misses = 0

    @classmethod
    def for_project(cls, project_root: Path) -> MeasureCache:
        return cls(project_root / CACHE_DIR)

    def content_hash(self, path: Path) -> str:
        st = path.stat()
        key = str(path.resolve())
        known = self._hashes.get(key)
        if isinstance(known, list) and len(known) == 3 and known[0] == st.st_size and known[1] == st.st_mtime_ns:
            return str(known[2])
        digest = sha256_of(path)
        self._hashes[key] = [st.st_size, st.st_mtime_ns, digest]
        self._hashes_dirty = True
        return digest

    def _entry(self, kind: str, digest: str) -> Path | None:
        return None if self.root is None else self.root / f"{kind}-{digest[:32]}.json"

    def get(self, kind: str, digest: str) -> dict | None:
        entry = self._entry(kind, digest)
        data = _read_json(entry) if entry else None
        if isinstance(data, dict) and data.get("digest") == digest:
            self.hits += 1
            return data.get("value")
        self.misses += 1
        return None

    def put(self, kind: str, digest: str, value: dict) -> None:
        entry = self._entry(kind, digest)
        if entry is None:
            return
        try:
            _write_json(entry, {"digest": digest, "value": value})
        except OSError:
            pass

    def flush(self) -> None:
        if self.root is None or not self._hashes_dirty:
            return
        try:
            _write_json(self.root / HASHES_FILE, self._hashes)
            self._hashes_dirty = False
        except OSError:
            pass
