"""Helpers shared by the build tests (not a test module)."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.project import load_project


def set_output(root: Path, **values: object) -> None:
    """Rewrite keys of film.toml's [output] table, e.g. set_output(root, ladder=[180, 120])."""
    toml = root / "film.toml"
    text = toml.read_text(encoding="utf-8")
    for key, value in values.items():
        rendered = repr(list(value)) if isinstance(value, (list, tuple)) else repr(value)
        text, n = re.subn(rf"^{key} = .*$", f"{key} = {rendered}", text, flags=re.M)
        if n == 0:
            text = text.replace("[output]\n", f"[output]\n{key} = {rendered}\n")
    toml.write_text(text, encoding="utf-8")


def project_at(root: Path, langs: tuple[str, ...] | None = None):
    return load_project(root).only(langs)


def no_site(monkeypatch) -> None:
    """Publish without manifest/preview (tests of the build mechanics only)."""
    import pipeline.publish.site as site

    monkeypatch.setattr(site, "write_site", lambda *args, **kwargs: None)


def published_names(dist: Path) -> dict[str, str]:
    """{name without content hashes: published name} of every file in a built dist, read from its
    manifest (the files it lists, and the HLS tree its master playlist reaches)."""
    import json

    from pipeline.content_names import logical_name
    from pipeline.publish.files import walk_hls
    from pipeline.publish.manifest import listed_files

    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    names = [entry["url"] for entry in listed_files(manifest)]
    if isinstance(manifest.get("hls"), dict):
        names += walk_hls(dist, manifest["hls"]["url"]).files
    return {logical_name(name): name for name in names}


def published(dist: Path, name: str) -> Path:
    """The published file (or folder) that `name` became: `video/en/en-180.mp4` ->
    dist/video/en/en-180.<hash>.mp4, `hls/video/180` -> dist/hls/video/180.<hash>."""
    names = published_names(dist)
    if name in names:
        return dist / names[name]
    inside = sorted(real for logical, real in names.items() if logical.startswith(name.rstrip("/") + "/"))
    assert inside, f"{name} is not in {dist} (it holds {', '.join(sorted(names))})"
    depth = name.rstrip("/").count("/") + 1
    return dist / "/".join(inside[0].split("/")[:depth])
