"""Translations of the film's own texts: locales/<lang>/LC_MESSAGES/film.po, read with Babel.

The source-language text is the msgid (the title and description exactly as in film.toml,
and the preview page's labels); the translation is its msgstr. A missing or fuzzy entry
falls back to the source text (and validation reports LOCALE_MISSING for the title and
description).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from pipeline.errors import ConfigError
from pipeline.filekind import not_regular
from pipeline.project import Project, inside_project

PAGE_LABELS = (
    "Language",
    "Watch",
    "Subtitles",
    "Captions burned in",
    "Downloads",
    "Play",
    "Poster",
    "For web teams",
    "Embed code",
    "Copy",
    "Copied",
    "Size",
    "Duration",
    "Pause",
    "Transcript",
    "audio description",
    "Audio description",  # the preview page's switch to the described version
)


def catalog_path(project: Project, language: str) -> Path:
    return project.root / "locales" / language / "LC_MESSAGES" / "film.po"


@lru_cache(maxsize=64)
def _read(path: Path, mtime_ns: int) -> Catalog:
    try:
        with path.open("rb") as fh:
            return read_po(fh, abort_invalid=True)
    except Exception as exc:  # Babel raises several kinds for a broken PO file
        raise ConfigError(
            f"{path} cannot be read as a gettext catalog: {exc}",
            "fix the line it names, or check it with msgfmt --check",
        ) from None


def load_catalog(project: Project, language: str) -> Catalog | None:
    path = catalog_path(project, language)
    special = not_regular(path)
    if special is not None and special != "a folder":  # a FIFO would block the read
        raise ConfigError(
            f"{project.relative(path)} is {special}, not a regular file",
            "save the catalog as a file of its own (e.g. with msgcat), or remove it",
        )
    if not path.is_file():
        return None
    if not project.allow_outside and not inside_project(path, project.root):
        raise ConfigError(
            f"{project.relative(path)} is a link to a file outside the project folder",
            "copy the catalog into the project instead of linking it, or pass --allow-outside if you trust it",
        )
    return _read(path, path.stat().st_mtime_ns)


@dataclass(frozen=True)
class Translator:
    language: str
    catalog: Catalog | None

    def lookup(self, msgid: str) -> str | None:
        """The translation, or None when missing, empty or fuzzy."""
        if self.catalog is None:
            return None
        message = self.catalog.get(msgid)
        if message is None or message.fuzzy or not message.string:
            return None
        return message.string if isinstance(message.string, str) else message.string[0]

    def __call__(self, msgid: str) -> str:
        return self.lookup(msgid) or msgid


def translator(project: Project, language: str) -> Translator:
    return Translator(language, load_catalog(project, language))


def missing_film_texts(project: Project, language: str) -> list[str]:
    """Which of the film's title, description and call to action lack a translation (never for the source language)."""
    if language == project.film.source_language:
        return []
    t = translator(project, language)
    texts = [("title", project.film.title)]
    if project.film.description:
        texts.append(("description", project.film.description))
    if project.film.call_to_action:
        texts.append(("call to action", project.film.call_to_action))
    return [name for name, msgid in texts if t.lookup(msgid) is None]
