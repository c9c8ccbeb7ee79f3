"""`validate_project`: every check of DESIGN.md's findings table, in one report.

Order: the project and master first, then each language in film.toml's order (source
first), each language's findings by line. Media files are measured in parallel threads (each
measurement is one ffmpeg process) and cached by content hash.
"""

from __future__ import annotations

import os
import threading
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.filekind import not_regular
from pipeline.findings import Finding, Report
from pipeline.locales import catalog_path, missing_film_texts
from pipeline.project import LanguageConfig, Project
from pipeline.subtitles.model import SubtitleDoc
from pipeline.subtitles.reader import read_subtitles
from pipeline.validate.cache import MeasureCache
from pipeline.validate.descriptions import check_described_audio, check_descriptions
from pipeline.validate.media import (
    FALLBACK_FPS,
    MasterFacts,
    Measure,
    check_audio_levels,
    check_dub,
    check_master,
    measure,
)
from pipeline.validate.rules import Context, check_subtitles
from pipeline.validate.social import cue_fit_findings, social_findings, title_fit_findings

MAX_WORKERS = max(1, min(4, os.cpu_count() or 1))


def _missing(project: Project, path: Path, key: str, language: str | None) -> Finding | None:
    """INPUT_MISSING for a file film.toml names that is not there (or not a readable file).
    A FIFO or a device is named as such and never opened: reading one would wait or run forever."""
    shown = project.relative(path)
    special = not_regular(path)
    if special is not None and special != "a folder":
        return Finding(
            "INPUT_MISSING",
            "error",
            f"{shown} ({key} in film.toml) is {special}, not a regular file",
            f"save the file itself at {shown} (not a pipe or a device), or fix {key} in film.toml",
            language=language,
            file=shown,
        )
    if path.is_file() and os.access(path, os.R_OK):
        return None
    what = "is a folder, not a file" if path.is_dir() else ("cannot be read" if path.exists() else "does not exist")
    hint = f"put the file at {shown}, or fix {key} in film.toml"
    near = None if path.exists() else _look_alike(path)
    if near is not None and unicodedata.normalize("NFC", near) == unicodedata.normalize("NFC", path.name):
        what += ", though a file of that name is there with its accents stored another way (decomposed, as macOS writes them)"
        hint = f"rename the file by typing its name again, so it matches {key} in film.toml"
    elif near is not None:
        what += f", though '{near}' is there (the letter case differs)"
        hint = f"rename '{near}' to '{path.name}', or write '{near}' in {key} in film.toml"
    return Finding(
        "INPUT_MISSING",
        "error",
        f"{shown} ({key} in film.toml) {what}",
        hint,
        language=language,
        file=shown,
    )


def _look_alike(path: Path) -> str | None:
    """A file beside `path` whose name differs only in letter case or Unicode normalisation
    (macOS stores 'ó' as 'o' plus an accent; Windows ignores case): the user sees the same name."""

    def key(name: str) -> str:
        return unicodedata.normalize("NFC", name).casefold()

    try:
        for entry in path.parent.iterdir():
            if entry.name != path.name and key(entry.name) == key(path.name):
                return entry.name
    except OSError:
        pass
    return None


def _by_line(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.line is not None, f.line or 0))


def _locale_findings(project: Project, lang: LanguageConfig) -> list[Finding]:
    shown = project.relative(catalog_path(project, lang.code))
    try:
        missing = missing_film_texts(project, lang.code)
    except ConfigError as exc:
        return [Finding("LOCALE_UNREADABLE", "error", exc.message, exc.hint, language=lang.code, file=shown)]
    return [
        Finding(
            "LOCALE_MISSING",
            "warning",
            f"no {lang.profile.name} translation of the film's {what} in {shown}; the {project.source.profile.name} text is used",
            f"add the {what} exactly as in film.toml as a msgid with its translation as msgstr (and no fuzzy flag)",
            language=lang.code,
            file=shown,
        )
        for what in missing
    ]


class _MediaProgress:
    """Adds up the decoding progress of files measured in parallel into one fraction,
    each file weighted by its size (known before any is probed)."""

    def __init__(self, callback: Callable[[float], None], paths: list[Path]) -> None:
        self.callback = callback
        self.lock = threading.Lock()
        self.weight = {p: max(1, p.stat().st_size) for p in paths}
        self.fraction = {p: 0.0 for p in paths}

    def set(self, path: Path, fraction: float) -> None:
        with self.lock:
            self.fraction[path] = max(self.fraction[path], min(1.0, fraction))
            whole = sum(self.weight.values())
            overall = sum(self.weight[p] * f for p, f in self.fraction.items()) / whole
        self.callback(overall)

    def for_file(self, path: Path) -> Callable[[float, float], None]:
        return lambda done, total: self.set(path, done / total if total > 0 else 0.0)

    def measured(self, path: Path, cache: MeasureCache) -> Measure:
        result = measure(path, cache, self.for_file(path))
        self.set(path, 1.0)
        return result


def validate_project(
    project: Project,
    langs: tuple[str, ...] | None = None,
    cache: MeasureCache | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> Report:
    """Run every check on the project (limited to `langs`, source always kept).

    `on_progress` receives the fraction (0..1) of the media decoded so far; media already
    in the cache are not decoded and report nothing.
    """
    project = project.only(langs)
    cache = cache if cache is not None else MeasureCache.for_project(project.root)
    top: list[Finding] = []
    per_lang: dict[str, list[Finding]] = {lang.code: [] for lang in project.languages}

    # Media first (in parallel): the subtitle rules need the master's frame rate and duration.
    media: dict[Path, Path] = {}
    master_missing = _missing(project, project.film.master, "master in [film]", None)
    if master_missing:
        top.append(master_missing)
    else:
        media[project.film.master] = project.film.master
    for lang in project.languages:
        for path, key in ((lang.audio, "audio"), (lang.described_audio, "described_audio")):
            if path is not None:
                gone = _missing(project, path, f"{key} in [languages.{lang.code}]", lang.code)
                if gone:
                    per_lang[lang.code].append(gone)
                else:
                    media[path] = path
    with ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool:
        progress = _MediaProgress(on_progress, list(media)) if on_progress else None
        futures = {path: pool.submit(progress.measured if progress else measure, path, cache) for path in media}
        measures: dict[Path, Measure] = {path: f.result() for path, f in futures.items()}
    cache.flush()

    master = MasterFacts(FALLBACK_FPS, None, False)
    master_facts = None
    if project.film.master in measures:
        m = measures[project.film.master]
        found, master = check_master(project, m)
        top += found
        facts = m.facts(project.film.master)
        master_facts = facts
        source = project.source
        if master.readable and facts is not None:
            shown = project.relative(project.film.master)
            if facts.audio is None:
                per_lang[source.code].append(
                    Finding(
                        "AUDIO_UNREADABLE",
                        "error",
                        f"the master {shown} has no audio stream, and {source.profile.name} takes its audio from the master",
                        "export the master with its sound mix",
                        language=source.code,
                        file=shown,
                    )
                )
            else:
                top += check_audio_levels(m, language=None, shown=shown, whose=f"the master's audio ({shown})")
    for lang in project.languages:
        if lang.audio is not None and lang.audio in measures:
            per_lang[lang.code] += check_dub(lang, measures[lang.audio], master, project.relative(lang.audio))
        if lang.described_audio is not None and lang.described_audio in measures:
            per_lang[lang.code] += check_described_audio(project, lang, measures[lang.described_audio], master)

    # Subtitles: the source first, so the others can be compared with it.
    source_doc: SubtitleDoc | None = None
    source_complete = True
    for lang in project.languages:
        findings = per_lang[lang.code]
        gone = _missing(project, lang.subtitles, f"subtitles in [languages.{lang.code}]", lang.code)
        if gone:
            findings.append(gone)
        else:
            shown = project.relative(lang.subtitles)
            doc, read_findings = read_subtitles(lang.subtitles, lang.code, shown)
            findings += read_findings
            is_source = lang.code == project.film.source_language
            if doc is not None:
                if is_source:
                    source_doc = doc
                    source_complete = not any(f.code == "SUB_PARSE" for f in read_findings)
                ctx = Context(
                    lang=lang,
                    doc=doc,
                    file=shown,
                    fps=master.fps,
                    master_duration=master.duration,
                    source=None if is_source else source_doc,
                    source_code=project.film.source_language,
                    source_complete=source_complete,
                    garbled_cues=frozenset(f.cue for f in read_findings if f.code == "SUB_MOJIBAKE" and f.cue),
                )
                found = check_subtitles(ctx)
                findings += found
                if master_facts is not None and master.readable:
                    findings += cue_fit_findings(project, lang, doc, shown, master_facts, cache)
                if is_source and any(f.code in ("SUB_SCRIPT", "SUB_LANGUAGE") and f.cue is None for f in found):
                    source_complete = False  # another language's file: comparing with it says nothing
        if lang.descriptions is not None:
            gone = _missing(project, lang.descriptions, f"descriptions in [languages.{lang.code}]", lang.code)
            if gone:
                findings.append(gone)
            else:
                own_audio = measures.get(lang.audio if lang.audio is not None else project.film.master)
                findings += check_descriptions(project, lang, master, own_audio)
        findings += _locale_findings(project, lang)
        if not any(f.code == "LOCALE_UNREADABLE" for f in findings):
            findings += social_findings(project, lang, master.duration if master.readable else None)
            if (
                master_facts is not None
                and master.readable
                and not any(f.code == "SOCIAL_TITLE_GLYPHS" for f in findings)
            ):
                findings += title_fit_findings(project, lang, master_facts, cache)

    ordered = _by_line(top)
    for lang in project.languages:
        ordered += _by_line(per_lang[lang.code])
    return Report(tuple(ordered))
