"""Subtitle rules as a table: each a small named check with its limit from the language profile.

A cue rule looks at one cue (with its neighbours at hand) and returns an Issue or None; a file
rule looks at the whole file (and the source language's cues) and yields Issues. The tables
at the bottom give each rule its finding code and severity; `check_subtitles` runs them all.
"""

from __future__ import annotations

import bisect
import statistics
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import regex

from pipeline import fonts
from pipeline.languages import profile_for
from pipeline.project import LanguageConfig
from pipeline.subtitles.model import Cue, SubtitleDoc
from pipeline.subtitles.text import clean, foreign_tags, has_romanian_cedilla, plain
from pipeline.validate.findings import Finding
from pipeline.validate.scripts import (
    MIN_LETTERS_TO_JUDGE, letter_scripts, script_name, urdu_lookalike,
)

EPSILON = 0.001  # SRT has millisecond precision: a limit met to the millisecond is met
# SUB_SCRIPT: a file is wrong when fewer than this share of its letters are in the expected script.
SCRIPT_MIN_SHARE = 0.5
# A single cue is judged only with this many letters (shorter cues are names, acronyms, "OK").
CUE_SCRIPT_MIN_LETTERS = 4
# SUB_ALIGNMENT thresholds against the source language's cues.
ALIGN_MAX_START_DIFF = 1.0  # seconds between a cue's start and the matching source cue's start
ALIGN_COUNT_MIN_DIFF = 2  # cue counts may differ by this many cues …
ALIGN_COUNT_MAX_SHARE = 0.2  # … or by this share of the source's cues, whichever is larger
ALIGN_FILE_LEVEL_SHARE = 0.5  # when more than half the cues are off, say it once for the file
# SUB_UNTRANSLATED: identical cues with fewer words than this are names, numbers or "OK".
UNTRANSLATED_MIN_WORDS = 2


def clock(seconds: float) -> str:
    """12.48 -> '00:00:12.480'."""
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


_GRAPHEME = regex.compile(r"\X")


def graphemes(text: str) -> int:
    """Length in extended grapheme clusters (as pipeline.subtitles.text.graphemes, compiled once)."""
    return len(text) if text.isascii() else len(_GRAPHEME.findall(text))


def _visible(text: str) -> str:
    """What a viewer sees of a line: no tags, no direction marks or other invisible format characters."""
    return "".join(ch for ch in plain(text) if unicodedata.category(ch) != "Cf")


@dataclass(frozen=True)
class Issue:
    message: str
    hint: str
    cue: Cue | None = None  # None: the whole file


@dataclass
class Context:
    """What every rule may look at: the language, its file, the master's facts, the source's cues."""

    lang: LanguageConfig
    doc: SubtitleDoc
    file: str  # as the user wrote it
    fps: float
    master_duration: float | None
    source: SubtitleDoc | None = None  # the source language's cues; None for the source itself
    source_code: str = "en"
    # False when the source's blocks could not all be read, or it is in another language:
    # then neither SUB_ALIGNMENT nor SUB_UNTRANSLATED compares with it.
    source_complete: bool = True
    script_wrong: bool = False  # set by the file's SUB_SCRIPT: missing glyphs then go without saying
    script_wrong_cues: set[int] = field(default_factory=set)  # likewise for single cues

    @property
    def cues(self) -> tuple[Cue, ...]:
        return self.doc.cues

    @property
    def base(self) -> str:
        return self.lang.code.split("-")[0].lower()

    @cached_property
    def shown(self) -> dict[int, str]:
        """Each cue's cleaned, visible text (NFC, Romanian letters fixed, no tags), lines joined by newlines."""
        return {c.index: "\n".join(_visible(clean(line, self.lang.code)) for line in c.lines) for c in self.cues}

    def prev(self, cue: Cue) -> Cue | None:
        return self.cues[cue.index - 2] if cue.index > 1 else None

    def next(self, cue: Cue) -> Cue | None:
        return self.cues[cue.index] if cue.index < len(self.cues) else None

    def has_text(self, cue: Cue) -> bool:
        return bool(self.shown[cue.index].strip())

    def timed(self, cue: Cue) -> bool:
        return cue.end > cue.start

    @cached_property
    def _source_index(self) -> tuple[list[float], list[Cue], float]:
        cues = sorted(self.source.cues if self.source else (), key=lambda c: c.start)
        longest = max((c.end - c.start for c in cues), default=0.0)
        return [c.start for c in cues], cues, max(0.0, longest)

    def source_near(self, cue: Cue) -> list[Cue]:
        """Source cues that can overlap `cue` in time (found by bisection, not a scan)."""
        starts, cues, longest = self._source_index
        lo = bisect.bisect_left(starts, cue.start - longest)
        hi = bisect.bisect_right(starts, max(cue.end, cue.start))
        return cues[lo:hi]

    @cached_property
    def source_words(self) -> dict[int, tuple[str, ...]]:
        if self.source is None:
            return {}
        return {
            c.index: tuple(w.casefold() for w in _words(_visible(clean(c.text, self.source_code))))
            for c in self.source.cues
        }

    @cached_property
    def missing_glyphs(self) -> set[str]:
        chain = fonts.font_chain(self.lang.profile.font_family)
        if not chain:
            return set()
        return set(fonts.missing_in_chain(chain, "".join(self.shown.values())))


# --------------------------------------------------------------------------- cue rules


def empty(cue: Cue, ctx: Context) -> Issue | None:
    if not ctx.has_text(cue):
        return Issue(f"cue {cue.index} has no text", "write its text, or delete the cue with its timing line")
    return None


def timing(cue: Cue, ctx: Context) -> Issue | None:
    if cue.end <= cue.start:
        return Issue(
            f"cue {cue.index} ends ({clock(cue.end)}) {'before' if cue.end < cue.start else 'as'} it starts ({clock(cue.start)})",
            "fix the timing line: the time after --> must be later than the one before it",
        )
    return None


def overlap(cue: Cue, ctx: Context) -> Issue | None:
    prev = ctx.prev(cue)
    if prev is None or not ctx.timed(prev) or cue.start >= prev.end - EPSILON:
        return None
    if cue.start < prev.start:
        return Issue(
            f"cue {cue.index} starts at {clock(cue.start)}, before cue {prev.index} ({clock(prev.start)}): cues are out of order",
            f"put the cues in time order, or fix the start of cue {cue.index}",
        )
    return Issue(
        f"cue {cue.index} starts {prev.end - cue.start:.2f} s before cue {prev.index} ends",
        f"shorten cue {prev.index} or start cue {cue.index} later",
    )


def out_of_range(cue: Cue, ctx: Context) -> Issue | None:
    if ctx.master_duration is None:
        return None
    if cue.end > ctx.master_duration + 0.5 / ctx.fps:
        return Issue(
            f"cue {cue.index} ends at {clock(cue.end)}, after the film ends ({clock(ctx.master_duration)})",
            "is this file timed for another cut of the film? End the cue before the film ends",
        )
    return None


def min_duration(cue: Cue, ctx: Context) -> Issue | None:
    limit = ctx.lang.limits.min_duration
    if ctx.timed(cue) and cue.duration < limit - EPSILON:
        return Issue(
            f"cue {cue.index} is shown for {cue.duration:.2f} s, under the minimum of {limit:.2f} s",
            "show it longer, or merge it with a neighbouring cue",
        )
    return None


def max_duration(cue: Cue, ctx: Context) -> Issue | None:
    limit = ctx.lang.limits.max_duration
    if cue.duration > limit + EPSILON:
        return Issue(
            f"cue {cue.index} is shown for {cue.duration:.2f} s, over the maximum of {limit:g} s",
            "split it into two cues",
        )
    return None


def gap(cue: Cue, ctx: Context) -> Issue | None:
    nxt = ctx.next(cue)
    if nxt is None or not ctx.timed(cue):
        return None
    frames = ctx.lang.limits.min_gap_frames
    space = nxt.start - cue.end
    if EPSILON < space < frames / ctx.fps - EPSILON:
        return Issue(
            f"the gap after cue {cue.index} is {space * 1000:.0f} ms, under {frames} frames ({frames / ctx.fps * 1000:.0f} ms at {ctx.fps:g} fps)",
            f"end cue {cue.index} earlier so the gap is at least {frames} frames, or close the gap entirely",
        )
    return None


def reading_speed(cue: Cue, ctx: Context) -> Issue | None:
    if not ctx.timed(cue) or not ctx.has_text(cue):
        return None
    chars = graphemes(ctx.shown[cue.index].replace("\n", ""))
    cps = chars / cue.duration
    limit = ctx.lang.limits.max_cps
    if cps > limit + 0.05:
        return Issue(
            f"cue {cue.index} needs {cps:.1f} characters per second ({chars} in {cue.duration:.2f} s), over the limit of {limit:g}",
            "shorten the text, or show the cue longer",
        )
    return None


def line_length(cue: Cue, ctx: Context) -> Issue | None:
    limit = ctx.lang.limits.max_line_length
    lengths = [(graphemes(line), n) for n, line in enumerate(ctx.shown[cue.index].split("\n"), 1)]
    longest, which = max(lengths)
    if longest > limit:
        return Issue(
            f"line {which} of cue {cue.index} is {longest} characters long, over the limit of {limit}",
            "break the line in two at a natural pause, or shorten it",
        )
    return None


def line_count(cue: Cue, ctx: Context) -> Issue | None:
    limit = ctx.lang.limits.max_lines
    count = sum(1 for line in ctx.shown[cue.index].split("\n") if line.strip())
    if count > limit:
        return Issue(f"cue {cue.index} has {count} lines, over the limit of {limit}", "split it into two cues, or join lines")
    return None


def romanian_cedilla(cue: Cue, ctx: Context) -> Issue | None:
    if ctx.base == "ro" and has_romanian_cedilla(cue.text):
        letters = "".join(dict.fromkeys(ch for ch in cue.text if ch in "\u015f\u015e\u0163\u0162"))
        return Issue(
            f"cue {cue.index} writes {letters} with a cedilla; outputs use the comma-below letters ș ț",
            "nothing to do (filmpipe converts them), but ask the translator to use ș and ț (U+0219, U+021B)",
        )
    return None


_ENTITY = regex.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,6});")


def markup(cue: Cue, ctx: Context) -> Issue | None:
    tags = foreign_tags(cue.text)
    entities = _ENTITY.findall(cue.text) if ctx.doc.format == "srt" else []
    if entities and not tags:
        shown = ", ".join(dict.fromkeys(entities))
        return Issue(
            f"cue {cue.index} has HTML entities, which SRT shows as written: {shown}",
            "write the character itself (& for &amp;, a space for &nbsp;)",
        )
    if tags:
        shown = ", ".join(dict.fromkeys(tags))
        return Issue(
            f"cue {cue.index} has markup that is stripped: {shown}",
            "only <i>, <b> and <u> are kept; remove the other tags to see what viewers will see",
        )
    return None


def glyphs(cue: Cue, ctx: Context) -> Issue | None:
    if ctx.script_wrong or cue.index in ctx.script_wrong_cues or not ctx.missing_glyphs:
        return None
    lacking = [ch for ch in dict.fromkeys(ctx.shown[cue.index]) if ch in ctx.missing_glyphs]
    if lacking:
        names = ", ".join(f"'{ch}' (U+{ord(ch):04X} {unicodedata.name(ch, '?')})" for ch in lacking[:4])
        return Issue(
            f"cue {cue.index} uses {names}, which the font '{ctx.lang.profile.font_family}' cannot draw",
            "replace the character (a look-alike from the language's own alphabet?), or it burns in as an empty box",
        )
    return None


# Web and e-mail addresses: the same in every language.
_URL = regex.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\S+|\b[\w-]+(?:\.[\w-]+)+(?:/\S*)?", regex.I)


def cue_script(cue: Cue, ctx: Context) -> Issue | None:
    """A cue in another script than its file (text pasted from another language's file)."""
    expected = ctx.lang.profile.script
    counts = letter_scripts(_URL.sub(" ", ctx.shown[cue.index]))
    total = sum(counts.values())
    if total < CUE_SCRIPT_MIN_LETTERS or counts[expected] / total >= SCRIPT_MIN_SHARE:
        return None
    dominant, _ = counts.most_common(1)[0]
    if dominant == "Latn" and expected != "Latn":
        return None  # web addresses, names and acronyms are Latin in every language
    return Issue(
        f"cue {cue.index} is written in {script_name(dominant)} letters, not {script_name(expected)} as {ctx.lang.profile.name} is",
        f"replace it with the {ctx.lang.profile.name} text",
    )


_WORD = regex.compile(r"\p{L}[\p{L}\p{M}'’-]*")


def _words(text: str) -> list[str]:
    return _WORD.findall(_URL.sub(" ", text))


def untranslated(cue: Cue, ctx: Context) -> Issue | None:
    """Same words as the source cue shown at the same time.

    Cues with fewer than UNTRANSLATED_MIN_WORDS words (after web addresses, e-mail addresses and
    numbers are removed), and cues whose every word starts with a capital (names such as
    'Neighbourhood Beat Bus'), are never reported: they are the same in every language.
    """
    if ctx.source is None or not ctx.source_complete or not ctx.has_text(cue):
        return None
    words = _words(ctx.shown[cue.index])
    if len(words) < UNTRANSLATED_MIN_WORDS or all(w[0].isupper() for w in words):
        return None
    key = tuple(w.casefold() for w in words)
    for src in ctx.source_near(cue):
        if (src.start < cue.end and cue.start < src.end) or src.start == cue.start:
            if ctx.source_words[src.index] == key:
                return Issue(
                    f"cue {cue.index} is the same as {ctx.source_code} cue {src.index}: '{_short(ctx.shown[cue.index])}'",
                    f"translate it into {ctx.lang.profile.name}",
                )
    return None


def _short(text: str, size: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


CueCheck = Callable[[Cue, Context], "Issue | None"]


@dataclass(frozen=True)
class CueRule:
    code: str
    severity: str
    check: CueCheck
    needs_text: bool = False  # skipped for cues without text (SUB_EMPTY says it once)


CUE_RULES: tuple[CueRule, ...] = (
    CueRule("SUB_EMPTY", "warning", empty),
    CueRule("SUB_TIMING", "error", timing),
    CueRule("SUB_OVERLAP", "error", overlap),
    CueRule("SUB_OUT_OF_RANGE", "error", out_of_range),
    CueRule("SUB_MIN_DURATION", "warning", min_duration),
    CueRule("SUB_MAX_DURATION", "warning", max_duration),
    CueRule("SUB_GAP", "warning", gap),
    CueRule("SUB_READING_SPEED", "warning", reading_speed, needs_text=True),
    CueRule("SUB_LINE_LENGTH", "warning", line_length, needs_text=True),
    CueRule("SUB_LINE_COUNT", "warning", line_count, needs_text=True),
    CueRule("SUB_RO_DIACRITICS", "warning", romanian_cedilla, needs_text=True),
    CueRule("SUB_MARKUP", "warning", markup),
    CueRule("SUB_GLYPHS", "error", glyphs, needs_text=True),
    CueRule("SUB_UNTRANSLATED", "warning", untranslated, needs_text=True),
)

# --------------------------------------------------------------------------- file rules


def file_script(ctx: Context) -> Iterator[Issue]:
    expected = ctx.lang.profile.script
    text = _URL.sub(" ", "\n".join(ctx.shown.values()))  # web addresses are Latin in every language
    counts = letter_scripts(text)
    total = sum(counts.values())
    if total < MIN_LETTERS_TO_JUDGE:
        return
    name = ctx.lang.profile.name
    if counts[expected] / total < SCRIPT_MIN_SHARE:
        dominant, count = counts.most_common(1)[0]
        ctx.script_wrong = True
        yield Issue(
            f"{ctx.file} is mostly {script_name(dominant)} letters ({count * 100 // total}%), "
            f"not {script_name(expected)} as {name} is written",
            f"is this another language's file? Put the {name} subtitles at {ctx.file}, or fix the path in film.toml",
        )
        return
    if ctx.base == "ur":
        looks = urdu_lookalike(text)
        if looks:
            ctx.script_wrong = True
            yield Issue(
                f"{ctx.file} looks like {looks}, not Urdu: none of Urdu's own letters (ٹ ڈ ڑ ں ھ ہ ے) appear",
                "check that the translator wrote Urdu, and that the file was not converted through an Arabic code page",
            )
            return
    for cue in ctx.cues:
        issue = cue_script(cue, ctx)
        if issue:
            ctx.script_wrong_cues.add(cue.index)
            yield Issue(issue.message, issue.hint, cue)


# SUB_LANGUAGE: letters that only one of these Latin-script languages uses (checked lower-cased).
DISTINCTIVE_LETTERS: dict[str, str] = {
    "pl": "ąćęłńśźż", "ro": "ășțşţ", "cs": "čďěňřšťů", "hu": "őű", "de": "äöüß", "tr": "ğış",
    "lt": "ėįųū", "lv": "āēģīķļņū", "es": "ñ¿¡", "pt": "ãõ", "fr": "œ", "is": "ðþ",
}
LANGUAGE_MIN_LETTERS = 24  # below this a file says too little to name its language
LANGUAGE_MIN_FOREIGN = 3  # at least this many of another language's own letters …
LANGUAGE_MIN_FOREIGN_SHARE = 0.015  # … making up this share of all letters (names stay under it)


def file_language(ctx: Context) -> Iterator[Issue]:
    """Another Latin-script language's file in this slot (Polish subtitles filed as Romanian)."""
    if ctx.lang.profile.script != "Latn" or ctx.script_wrong:
        return
    text = _URL.sub(" ", "\n".join(ctx.shown.values())).lower()
    letters = sum(1 for ch in text if ch.isalpha())
    if letters < LANGUAGE_MIN_LETTERS:
        return
    def count(chars: str) -> int:
        return sum(text.count(ch) for ch in chars)
    own = count(DISTINCTIVE_LETTERS.get(ctx.base, ""))
    others = {code: count(chars) for code, chars in DISTINCTIVE_LETTERS.items() if code != ctx.base}
    best = max(others, key=others.__getitem__)
    found = others[best]
    if found >= LANGUAGE_MIN_FOREIGN and found >= LANGUAGE_MIN_FOREIGN_SHARE * letters and found > 3 * own:
        other_name = profile_for(best).name
        seen = ", ".join(ch for ch in DISTINCTIVE_LETTERS[best] if ch in text)
        ctx.script_wrong = True
        yield Issue(
            f"{ctx.file} looks like {other_name}, not {ctx.lang.profile.name}: {found} letters only {other_name} uses ({seen})",
            f"is this the {other_name} file? Put the {ctx.lang.profile.name} subtitles at {ctx.file}, or fix the path in film.toml",
        )


def alignment(ctx: Context) -> Iterator[Issue]:
    if ctx.source is None or not ctx.source_complete or not ctx.source.cues or not ctx.cues:
        return
    src, mine = ctx.source.cues, ctx.cues
    code = ctx.source_code
    allowed = max(ALIGN_COUNT_MIN_DIFF, ALIGN_COUNT_MAX_SHARE * len(src))
    if abs(len(mine) - len(src)) > allowed:
        yield Issue(
            f"{ctx.file} has {len(mine)} cues; the {code} subtitles have {len(src)}",
            f"check that no cues are missing or merged: compare it with the {code} file side by side",
        )
    if len(mine) == len(src):
        pairs = list(zip(mine, src))
    else:
        starts = [s.start for s in src]
        pairs = [(c, src[min(range(len(starts)), key=lambda k: abs(starts[k] - c.start))]) for c in mine]
    pairs = [(c, s) for c, s in pairs if c.end > c.start and s.end > s.start]  # SUB_TIMING speaks for the rest
    off = [(c, s, c.start - s.start) for c, s in pairs if abs(c.start - s.start) > ALIGN_MAX_START_DIFF]
    if not off:
        return
    if len(off) > ALIGN_FILE_LEVEL_SHARE * len(mine) and len(off) >= 3:
        diffs = [c.start - s.start for c, s in pairs]
        median = statistics.median(diffs)
        way = "later" if median > 0 else "earlier"
        yield Issue(
            f"cue timings differ from the {code} subtitles by more than {ALIGN_MAX_START_DIFF:g} s in {len(off)} of "
            f"{len(mine)} cues (typically {abs(median):.2f} s {way}; first cue {diffs[0]:+.2f} s, last {diffs[-1]:+.2f} s)",
            "the file may be timed for another cut or frame rate: shift or re-time it against the master",
        )
        return
    for c, s, d in off:
        yield Issue(
            f"cue {c.index} starts at {clock(c.start)}, {abs(d):.2f} s {'after' if d > 0 else 'before'} "
            f"{code} cue {s.index} ({clock(s.start)})",
            f"check the timing of cue {c.index} against the {code} subtitles",
            cue=c,
        )


FileCheck = Callable[[Context], Iterable[Issue]]


@dataclass(frozen=True)
class FileRule:
    code: str
    severity: str
    check: FileCheck


FILE_RULES: tuple[FileRule, ...] = (
    FileRule("SUB_SCRIPT", "error", file_script),
    FileRule("SUB_LANGUAGE", "error", file_language),
    FileRule("SUB_ALIGNMENT", "warning", alignment),
)


def _finding(code: str, severity: str, issue: Issue, ctx: Context) -> Finding:
    cue = issue.cue
    return Finding(
        code, severity, issue.message, issue.hint, language=ctx.lang.code, file=ctx.file,
        line=cue.line if cue else None, cue=cue.index if cue else None, time=cue.start if cue else None,
    )


def check_subtitles(ctx: Context) -> list[Finding]:
    """The file rules, then every rule on every cue (the caller orders the findings by line)."""
    findings: list[Finding] = []
    if not ctx.cues:
        return findings
    if ctx.lang.profile.font_family and fonts.fontconfig_available() and fonts.find_font(ctx.lang.profile.font_family) is None:
        findings.append(Finding(
            "SUB_GLYPHS", "error",
            f"the font '{ctx.lang.profile.font_family}' that burns {ctx.lang.profile.name} captions is not installed",
            "install it (apt-get install fonts-noto-core) and run 'filmpipe doctor'",
            language=ctx.lang.code, file=ctx.file,
        ))
    for frule in FILE_RULES:
        for issue in frule.check(ctx):
            findings.append(_finding(frule.code, frule.severity, issue, ctx))
    for cue in ctx.cues:
        text = ctx.has_text(cue)
        for rule in CUE_RULES:
            if rule.needs_text and not text:
                continue
            issue = rule.check(cue, ctx)
            if issue is not None:
                findings.append(_finding(rule.code, rule.severity, Issue(issue.message, issue.hint, cue), ctx))
    return findings
