"""`filmpipe init`: a new film project with film.toml, its folders and a README of what goes where."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.languages import UnknownLanguage, profile_for
from pipeline.project import PROJECT_FILE

FILM_TOML = """\
# A filmpipe project. Paths are relative to this file. See README.md beside it.

[film]
id = "{film_id}"                        # lowercase letters, digits, hyphens: used in file names
title = "{title}"
description = "One sentence on what the film is about."
source_language = "{source}"            # the master's language; must have a [languages.{source}] table
master = "assets/master.mp4"

{languages}
[output]                                # these are the defaults
ladder = [1080, 720, 480, 360, 240]     # video heights for adaptive streaming
progressive = [720, 360]                # per-language MP4 downloads (heights from the ladder; 360: mobile data)
open_captions = [720]                   # per-language videos with subtitles burned in, for social media
loudness_lufs = -16.0
true_peak_dbtp = -1.0
"""

README = """\
# {title}

A filmpipe project. Put the files here, then run `filmpipe validate` and `filmpipe build`.

| put | where |
|---|---|
| the master film (MP4/MOV, ideally 1920x1080) | `assets/master.mp4` |
| each language's subtitles (SRT or WebVTT, UTF-8) | `subtitles/<code>.srt`, e.g. `subtitles/pl.srt` |
| a dubbed full mix for a language (optional) | `assets/audio/<code>.m4a`, and `audio = "assets/audio/<code>.m4a"` under `[languages.<code>]` |
| translations of the title, description and page labels | `locales/<code>/LC_MESSAGES/film.po` |

To add a language, add a table to film.toml:

```toml
[languages.pl]
subtitles = "subtitles/pl.srt"
audio = "assets/audio/pl.m4a"     # optional: without it the master's audio is used
```

Then `filmpipe validate --lang pl` checks it and `filmpipe build` publishes it into `dist/`.
"""


def _language_table(code: str, is_source: bool) -> str:
    lines = [f"[languages.{code}]", f'subtitles = "subtitles/{code}.srt"']
    if not is_source:
        lines.append(f'# audio = "assets/audio/{code}.m4a"   # optional dubbed full mix')
    return "\n".join(lines) + "\n"


def scaffold(directory: Path, source: str = "en", others: tuple[str, ...] = (), title: str | None = None) -> list[Path]:
    """Write a new project into `directory`; return the files written. Refuses to overwrite."""
    target = directory / PROJECT_FILE
    if target.exists():
        raise ConfigError(f"{target} already exists", "choose an empty folder, or edit the film.toml that is there")
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"{directory} is a file, not a folder", "name a folder for the new project")
    codes = list(dict.fromkeys([source, *others]))
    for code in codes:
        try:
            profile_for(code)
        except UnknownLanguage:
            raise ConfigError(
                f"'{code}' is not a BCP 47 language tag that Babel knows", "use e.g. en, pl, ur"
            ) from None
    name = directory.resolve().name
    film_id = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "my-film"
    title = title or name.replace("-", " ").replace("_", " ").strip().capitalize() or "My film"
    title = title.replace("\\", "\\\\").replace('"', '\\"')
    languages = "\n".join(_language_table(code, code == source) for code in codes)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for folder in ("assets/audio", "subtitles", "locales"):
        (directory / folder).mkdir(parents=True, exist_ok=True)
    target.write_text(
        FILM_TOML.format(film_id=film_id, title=title, source=source, languages=languages), encoding="utf-8"
    )
    written.append(target)
    readme = directory / "README.md"
    if not readme.exists():
        readme.write_text(README.format(title=title), encoding="utf-8")
        written.append(readme)
    return written
