"""Files in dist/: hashing, sizes for people, and the tree of files an HLS master playlist reaches.

Shared by the manifest writer (which records sizes and hashes) and `filmpipe verify` (which
checks them again), so both sides walk and hash in exactly the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from pipeline.hashing import sha256_file

CHECKSUMS_NAME = "SHA256SUMS"


sha256_of = sha256_file


@dataclass(frozen=True)
class FileFacts:
    bytes: int
    sha256: str


def file_facts(path: Path) -> FileFacts:
    return FileFacts(bytes=path.stat().st_size, sha256=sha256_of(path))


def human_size(size: int) -> str:
    """1234567 -> '1.2 MB' (SI units, as browsers and operating systems show downloads)."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


class UnsafeUrl(ValueError):
    """A URL that is absolute, has a scheme, or climbs out of dist/."""


def resolve_relative(base: str, reference: str) -> str:
    """A playlist reference resolved against the dist-relative path of the playlist holding it."""
    try:
        parts = urlsplit(reference)
    except ValueError:  # e.g. an unbalanced '[' read as an IPv6 host
        raise UnsafeUrl(reference) from None
    if parts.scheme or parts.netloc or reference.startswith("/") or "\x00" in reference:
        raise UnsafeUrl(reference)
    path = unquote(parts.path)
    if "\x00" in path:
        raise UnsafeUrl(reference)
    joined = PurePosixPath(base).parent / path
    clean: list[str] = []
    for piece in joined.parts:
        if piece in ("", "."):
            continue
        if piece == "..":
            if not clean:
                raise UnsafeUrl(reference)
            clean.pop()
        else:
            clean.append(piece)
    if not clean:
        raise UnsafeUrl(reference)
    return "/".join(clean)


_URI_ATTR = re.compile(r'URI="([^"]*)"')


def playlist_references(text: str) -> list[str]:
    """Every URI a playlist names: plain lines and URI="…" attributes (media, I-frame, map, key)."""
    refs: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            refs.extend(_URI_ATTR.findall(line))
        else:
            refs.append(line)
    return refs


@dataclass(frozen=True)
class HlsTree:
    """The files the master playlist reaches (itself included), and what is wrong with the walk."""

    files: tuple[str, ...]  # dist-relative, sorted
    missing: tuple[tuple[str, str], ...]  # (referenced file, the playlist that names it)
    unsafe: tuple[tuple[str, str], ...]  # (reference, the playlist that names it)


def walk_hls(root: Path, master: str) -> HlsTree:
    """Follow every reference from `master` (dist-relative) through nested playlists."""
    seen: set[str] = set()
    missing: list[tuple[str, str]] = []
    unsafe: list[tuple[str, str]] = []
    queue = [master]
    while queue:
        rel = queue.pop()
        if rel in seen:
            continue
        seen.add(rel)
        path = root / rel
        if not path.is_file():
            continue  # reported by whoever listed it (the manifest or a parent playlist)
        if not rel.endswith(".m3u8"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for ref in playlist_references(text):
            try:
                target = resolve_relative(rel, ref)
            except UnsafeUrl:
                unsafe.append((ref, rel))
                continue
            if not (root / target).is_file():
                missing.append((target, rel))
            queue.append(target)
    existing = sorted(f for f in seen if (root / f).is_file())
    return HlsTree(files=tuple(existing), missing=tuple(sorted(set(missing))), unsafe=tuple(sorted(set(unsafe))))


def checksums_text(root: Path, files: list[str] | tuple[str, ...], relative_to: str) -> str:
    """`sha256sum -c` compatible lines for `files`, paths relative to the folder `relative_to`."""
    lines = []
    prefix = relative_to.rstrip("/") + "/" if relative_to else ""
    for rel in sorted(files):
        name = rel[len(prefix) :] if prefix and rel.startswith(prefix) else rel
        lines.append(f"{sha256_of(root / rel)}  {name}\n")
    return "".join(lines)


def parse_checksums(text: str, relative_to: str) -> dict[str, str]:
    """SHA256SUMS lines -> {dist-relative path: sha256}; malformed lines are skipped by the caller's count."""
    entries: dict[str, str] = {}
    prefix = relative_to.rstrip("/") + "/" if relative_to else ""
    for line in text.splitlines():
        match = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line.strip())
        if match:
            entries[prefix + match.group(2)] = match.group(1)
    return entries
