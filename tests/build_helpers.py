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
