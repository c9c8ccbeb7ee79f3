"""Content-addressed names: media files and HLS rendition folders carry a hash of their content.

A name that carries a hash never holds other bytes, so a CDN or browser may cache it forever
(`Cache-Control: immutable`); a new build that changes a file gives it a new name. The entry
points (manifest.json, index.html, hls/master.m3u8) and the pages and lists beside them keep
fixed names and are served short-lived (docs/serving.md).

- A media file gets the first HASH_CHARS hex digits of the SHA-256 of its bytes after its stem:
  `en-720.mp4` -> `en-720.3f2a1b4c5d6e.mp4`; `film.pl_PL.srt` -> `film.3f2a1b4c5d6e.pl_PL.srt`
  (the hash goes after the stem, before every other dot, so a platform that reads a locale or an
  extension from the end of the name still finds it).
- An HLS rendition folder (a media playlist and its init section and segments, or a subtitle
  playlist and its WebVTT segments) gets a hash over its files: `video/720` -> `video/720.<hash>`.
  The hash is over the folder's `sha256sum` lines ("<sha256>  <name>\\n", names sorted by their
  UTF-8 bytes), so `sha256sum $(LC_ALL=C ls) | sha256sum` in the folder reproduces it, and the
  references inside the rendition's playlists stay relative and unchanged.

Which files are media (hashed) is a table of file name suffixes, HASHED_SUFFIXES.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

from pipeline.hashing import sha256_file

HASH_CHARS = 12  # 48 bits: no two versions of one file name will meet by chance
# Media and timed text: what players, <track> and <img> fetch. Everything else (pages, lists,
# playlists, post texts) keeps its name.
HASHED_SUFFIXES = (".mp4", ".m4a", ".m4v", ".mov", ".vtt", ".srt", ".jpg", ".jpeg", ".webp", ".png", ".avif")
_HASH = f"[0-9a-f]{{{HASH_CHARS}}}"
_FILE = re.compile(rf"^(?P<stem>[^./]+)\.(?P<hash>{_HASH})(?P<rest>(\.[^./]+)+)$")
_FOLDER = re.compile(rf"^(?P<stem>[^/]+)\.(?P<hash>{_HASH})$")
# What a web server matches to send `immutable`: a hash followed by a dot (a file) or a slash (a folder).
IMMUTABLE_PATTERN = rf"\.{_HASH}[./]"


def short_hash(sha256_hex: str) -> str:
    return sha256_hex[:HASH_CHARS]


def is_media_name(name: str) -> bool:
    """True for a file that gets a content-hashed name (by its suffix, HASHED_SUFFIXES)."""
    return name.lower().endswith(HASHED_SUFFIXES)


def hashed_file_name(name: str, sha256_hex: str) -> str:
    """`en-720.mp4` + digest -> `en-720.<hash>.mp4`: the hash right after the stem."""
    stem, dot, rest = name.partition(".")
    return f"{stem}.{short_hash(sha256_hex)}{dot}{rest}"


def folder_digest(files: Mapping[str, str]) -> str:
    """SHA-256 (hex) of a folder's `sha256sum` lines: {name: sha256} sorted by name's UTF-8 bytes."""
    lines = "".join(f"{files[name]}  {name}\n" for name in sorted(files, key=lambda n: n.encode("utf-8")))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def hashed_folder_name(name: str, files: Mapping[str, str]) -> str:
    """`720` + the folder's files -> `720.<hash>`."""
    return f"{name}.{short_hash(folder_digest(files))}"


def file_hash_claim(name: str) -> tuple[str, str] | None:
    """(name without its hash, claimed hash) for a file name that carries one, else None."""
    match = _FILE.match(name)
    return (match["stem"] + match["rest"], match["hash"]) if match else None


def folder_hash_claim(name: str) -> tuple[str, str] | None:
    """(name without its hash, claimed hash) for a folder name that carries one, else None."""
    match = _FOLDER.match(name)
    return (match["stem"], match["hash"]) if match else None


def is_immutable(rel: str) -> bool:
    """True for a dist-relative path whose file or some folder carries a content hash: cache it forever."""
    parts = rel.split("/")
    return file_hash_claim(parts[-1]) is not None or any(folder_hash_claim(p) for p in parts[:-1])


def logical_name(rel: str) -> str:
    """A dist-relative path with every content hash taken out: `video/en/en-720.<h>.mp4` -> `video/en/en-720.mp4`."""
    parts = rel.split("/")
    out = [(c[0] if (c := folder_hash_claim(p)) else p) for p in parts[:-1]]
    claim = file_hash_claim(parts[-1])
    out.append(claim[0] if claim else parts[-1])
    return "/".join(out)


def folder_files(folder: Path) -> dict[str, str]:
    """{name: sha256} of the files directly in `folder` (a rendition folder holds no sub-folders)."""
    return {p.name: sha256_file(p) for p in sorted(folder.iterdir()) if p.is_file()}


def content_address_folder(folder: Path) -> Path:
    """Rename `folder` to its content-addressed name beside it; returns the new path."""
    target = folder.with_name(hashed_folder_name(folder.name, folder_files(folder)))
    folder.rename(target)
    return target
