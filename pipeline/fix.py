"""`filmpipe fix`: the mechanical repairs a machine can make safely, one subtitle file at a time.

What is mended (each only where validation found it):
- the encoding: the file is written back as UTF-8 (no BOM), whatever it was read as;
- mojibake whose original letters are certain ('Ä…' -> 'ą'); letters lost to '?' are left alone;
- NUL and other control characters removed; stray BOMs removed;
- Romanian ş ţ (cedilla) -> ș ț (comma below);
- letters of another alphabet listed in the language's craft data (Arabic ي ك -> Urdu ی ک,
  Assamese ৰ ৱ -> Bengali র ব, `|` -> `।`), Cyrillic/Greek look-alikes inside Latin words;
- SRT cue numbers (missing, wrong, a word) and times written in full (`HH:MM:SS,mmm`);
- WebVTT: the signature (`webvtt`, a blank line before it, `WEBVTTfoo`), times a browser cannot
  read (`,` before the milliseconds, one-digit fields), `-->` inside cue text (`--&gt;`);
- line breaks by the craft rules (craft.mend): the same words in the same order, re-broken, or
  two lines put back in reading order; only for cues without markup.

Meaning is left alone: no word is added, removed or translated, and no timing changes. A block
that cannot be read stays exactly as it was. The result is validated before it is written: if
the fixed file would bring any finding the original did not have, the line breaks are left as
they were; if it still would, nothing is written and the file is reported as refused.

Stages return data (FileFix); the CLI (pipeline/cli/fix.py) prints diffs and writes files.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.filekind import not_regular
from pipeline.findings import Finding
from pipeline.project import LanguageConfig, Project
from pipeline.subtitles import text as cuetext
from pipeline.subtitles import webvtt_parser
from pipeline.subtitles.model import SubtitleDoc, clock
from pipeline.subtitles.reader import lenient_cues, parse_timing, read_subtitles
from pipeline.text.encoding import Undecodable, decode, display_name
from pipeline.text.mojibake import find_mojibake
from pipeline.validate import craft
from pipeline.validate.rules import Context, check_subtitles

FALLBACK_FPS = 25.0  # finding sets are compared before and after with the same frame rate
MAX_BACKUPS = 100  # pl.srt.orig, pl.srt.orig.1 … pl.srt.orig.99
_NEWLINE = re.compile(r"\r\n|\r|\n")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufeff]")
_C1 = re.compile(r"[\x80-\x9f]")
_STAMP = r"(?:\d+:)?\d{1,2}:\d{1,2}[,.]\d{1,3}"
_TIMING_REST = re.compile(rf"^\s*{_STAMP}\s*-->\s*{_STAMP}(.*)$")
_TAGGED = re.compile(r"<[^>]*>|\{\\")


@dataclass
class FileFix:
    """What `fix` would do to one language's subtitle file."""

    language: str
    path: Path
    display: str  # as film.toml names it
    before: str  # the text as read
    after: str  # the fixed text ('' when refused)
    changes: list[str] = field(default_factory=list)  # what was mended, in words
    refused: str | None = None  # why nothing is written, in one sentence
    findings_before: int = 0
    findings_after: int = 0
    backup: Path | None = None  # set once written

    @property
    def changed(self) -> bool:
        return self.refused is None and bool(self.changes)

    def diff(self) -> str:
        """A unified diff of the text; for a change of encoding alone, its header and a note."""
        text = "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=self.display,
                tofile=f"{self.display} (fixed)",
            )
        )
        if not text and self.changed:
            text = (
                f"--- {self.display}\n+++ {self.display} (fixed)\n# the text is unchanged: {'; '.join(self.changes)}\n"
            )
        return text


class _Mender:
    """The repairs of one file's text, line by line, with a note of each kind made."""

    def __init__(self, lang: LanguageConfig, fmt: str, rebreak: bool) -> None:
        self.lang = lang
        self.code = lang.code
        self.fmt = fmt
        self.rebreak = rebreak
        self.rules = craft.rules_for(lang.profile)
        self.notes: Counter[str] = Counter()

    def note(self, what: str, times: int = 1) -> None:
        self.notes[what] += times

    def characters(self, line: str) -> str:
        """Character repairs of one text line: mojibake, controls, cedilla, listed letters."""
        for garbled in find_mojibake(line, self.code):
            if garbled.meant != "?" and garbled.found in line:
                line = line.replace(garbled.found, garbled.meant)
                self.note("garbled letters restored")
        cleaned = _C1.sub("", _CONTROLS.sub("", line))
        if cleaned != line:
            self.note("control characters removed")
            line = cleaned
        if self.code.split("-")[0].lower() == "ro" and cuetext.has_romanian_cedilla(line):
            line = cuetext.fix_romanian(line)
            self.note("ş ţ (cedilla) -> ș ț (comma below)")
        mended = craft.fix_letters(line, self.rules)
        if mended != line:
            self.note("letters of another alphabet replaced")
            line = mended
        if self.fmt == "vtt" and "-->" in line:
            line = line.replace("-->", "--&gt;")
            self.note("'-->' in cue text written as '--&gt;'")
        return line

    def signature(self, lines: list[str]) -> list[str]:
        """WebVTT: the first line made exactly 'WEBVTT' (plus its title after a space)."""
        start = 0
        while start < len(lines) and not lines[start].strip():
            start += 1
        if start == len(lines):
            return lines
        head = lines[start].lstrip()
        fixed = head
        if head[:6].upper() == "WEBVTT":
            rest = head[6:]
            fixed = "WEBVTT" + (rest if not rest or rest[0] in " \t" else " " + rest.lstrip("\f"))
            fixed = fixed.rstrip() if not rest.strip() else fixed
        if start or fixed != lines[start]:
            self.note("WebVTT signature mended")
            return [fixed, *lines[start + 1 :]]
        return lines

    def timing(self, line: str, start: float, end: float) -> str:
        if self.fmt == "vtt" and webvtt_parser.parse_timing_line(line) is not None:
            return line  # a browser reads it: leave it as written
        rest = _TIMING_REST.match(line)
        tail = rest.group(1).strip() if rest else ""
        sep = "," if self.fmt == "srt" else "."
        canonical = f"{clock(start, sep)} --> {clock(end, sep)}" + (f" {tail}" if tail else "")
        if canonical != line:
            self.note("times written in full")
        return canonical

    def text(self, raw: list[str]) -> list[str]:
        lines = [self.characters(line) for line in raw]
        if not self.rebreak or any(_TAGGED.search(line) for line in lines):
            return lines
        visible = [line for line in lines if line.strip()]
        if len(visible) != len(lines):
            return lines
        better = craft.mend(lines, self.rules)
        if better is None:
            return lines
        self.note("lines re-broken by the craft rules")
        return better

    def run(self, text: str) -> str:
        lines = _NEWLINE.split(text)
        if lines and lines[-1] == "":
            lines.pop()
        cleaned = [_CONTROLS.sub("", line) for line in lines]  # a NUL can break a timing line too
        if cleaned != lines:
            self.note("control characters removed")
            lines = cleaned
        if self.fmt == "vtt":
            lines = self.signature(lines)
        cues, _unreadable = lenient_cues("\n".join(lines), self.fmt, self.code)
        out: list[str] = []
        pos = 0
        for cue in cues:
            t = cue.line - 1  # the timing line's index
            first_text, past = t + 1, t + 1 + len(cue.lines)
            ident_at = None
            if self.fmt == "srt" and t - 1 >= pos and lines[t - 1].strip() and len(lines[t - 1].split()) == 1:
                ident_at = t - 1  # the cue number (or a word in its place); not the cue above's text
            head_end = ident_at if ident_at is not None else t
            between = lines[pos:head_end]
            if out and not between and cue.index > 1:  # cues run together: a blank line between them
                out.append("")
                self.note("blank lines between cues")
            out.extend(between)
            if self.fmt == "srt":
                number = str(cue.index)
                if ident_at is None or lines[ident_at].strip() != number:
                    self.note("cue numbers written 1, 2, 3 …")
                out.append(number)
            elif ident_at is not None:
                out.append(lines[ident_at])
            out.append(self.timing(lines[t], cue.start, cue.end))
            out.extend(self.text(lines[first_text:past]))
            pos = past
        out.extend(lines[pos:])
        return "\n".join(out) + "\n"


def _findings(path: Path, lang: LanguageConfig, source: SubtitleDoc | None, source_code: str) -> list[Finding]:
    doc, found = read_subtitles(path, lang.code)
    if doc is not None:
        ctx = Context(
            lang=lang,
            doc=doc,
            file=str(path),
            fps=FALLBACK_FPS,
            master_duration=None,
            source=source,
            source_code=source_code,
            garbled_cues=frozenset(f.cue for f in found if f.code == "SUB_MOJIBAKE" and f.cue),
        )
        found = found + check_subtitles(ctx)
    return found


def _identity(findings: list[Finding]) -> Counter[tuple[str, int | None]]:
    """Findings as (code, cue): line numbers move when cue numbers are inserted."""
    return Counter((f.code, f.cue) for f in findings)


def plan_file(lang: LanguageConfig, project: Project, source: SubtitleDoc | None) -> FileFix:
    """What fixing this language's file would do (nothing is written)."""
    path = lang.subtitles
    shown = project.relative(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileFix(lang.code, path, shown, "", "", refused=f"{shown} cannot be read: {exc.strerror}")
    try:
        decoded = decode(data, lang.code)
    except Undecodable as exc:
        return FileFix(lang.code, path, shown, "", "", refused=f"{shown} {exc}; nothing to fix safely")
    doc_before, read_before = read_subtitles(path, lang.code)
    if doc_before is None:
        return FileFix(lang.code, path, shown, "", "", refused=f"{read_before[0].message}: nothing to fix safely")
    before_text = decoded.text
    fmt = doc_before.format
    source_code = project.film.source_language
    base = _findings(path, lang, source if lang.code != source_code else None, source_code)
    with tempfile.TemporaryDirectory(prefix="filmpipe-fix-") as tmp:
        for rebreak in (True, False):
            mender = _Mender(lang, fmt, rebreak)
            after = mender.run(before_text)
            notes = list(mender.notes)
            if decoded.encoding not in ("utf-8",):
                notes.insert(0, f"re-encoded from {display_name(decoded.encoding)} to UTF-8")
            if not notes or (after == before_text and decoded.encoding == "utf-8"):
                return FileFix(lang.code, path, shown, before_text, before_text, findings_before=len(base))
            trial = Path(tmp) / path.name
            trial.write_bytes(after.encode("utf-8"))
            now = _findings(trial, lang, source if lang.code != source_code else None, source_code)
            new = _identity(now) - _identity(base)
            if not new:
                return FileFix(
                    lang.code,
                    path,
                    shown,
                    before_text,
                    after,
                    changes=notes,
                    findings_before=len(base),
                    findings_after=len(now),
                )
    first_new = ", ".join(f"{code}" + (f" in cue {cue}" if cue else "") for code, cue in list(new)[:3])
    return FileFix(
        lang.code,
        path,
        shown,
        before_text,
        "",
        refused=f"{shown}: the mechanical fixes would bring new findings ({first_new}); nothing written",
    )


def plan(project: Project, langs: tuple[str, ...] | None = None) -> list[FileFix]:
    """The fix of every language's subtitle file (only `langs` when given), source first."""
    source_lang = project.source
    source_doc, _ = (
        read_subtitles(source_lang.subtitles, source_lang.code)
        if source_lang.subtitles.is_file() and not not_regular(source_lang.subtitles)
        else (None, [])
    )
    wanted = {c.lower() for c in langs} if langs else None
    fixes = []
    for lang in project.languages:
        if wanted is not None and lang.code.lower() not in wanted:
            continue
        if not lang.subtitles.is_file() or not_regular(lang.subtitles):
            shown = project.relative(lang.subtitles)
            special = not_regular(lang.subtitles)
            why = f"is {special}, not a regular file" if special else "does not exist"
            fixes.append(FileFix(lang.code, lang.subtitles, shown, "", "", refused=f"{shown} {why}"))
            continue
        fixes.append(plan_file(lang, project, source_doc))
    return fixes


class BackupRefused(Exception):
    pass


def backup_path(path: Path) -> Path:
    """pl.srt.orig, or the first of pl.srt.orig.1, .2 … not taken: an older backup is never overwritten."""
    first = path.with_name(path.name + ".orig")
    if not first.exists():
        return first
    for n in range(1, MAX_BACKUPS):
        candidate = path.with_name(f"{path.name}.orig.{n}")
        if not candidate.exists():
            return candidate
    raise BackupRefused(
        f"{path.name} already has {MAX_BACKUPS} backups ({path.name}.orig …): move the old ones away, then run fix again"
    )


def write(fix: FileFix) -> Path:
    """Write the fixed file beside a backup of the original; returns the backup's path.

    The backup is created exclusively (never over an existing file), then the fixed text goes
    to a temporary file in the same folder and replaces the original in one step."""
    original = fix.path.read_bytes()
    while True:
        target = backup_path(fix.path)
        try:
            with open(target, "xb") as handle:
                handle.write(original)
            break
        except FileExistsError:  # another process took the name meanwhile: take the next
            continue
    fd, tmp = tempfile.mkstemp(prefix=f".{fix.path.name}.", suffix=".fixing", dir=fix.path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(fix.after.encode("utf-8"))
        os.replace(tmp, fix.path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fix.backup = target
    return target


__all__ = ["FileFix", "plan", "plan_file", "write", "backup_path", "BackupRefused", "parse_timing"]
