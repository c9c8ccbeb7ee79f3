"""Subtitle rules as a table: each a small named check with its limit from the language profile.

A cue rule looks at one cue (with its neighbours at hand, through the Context) and returns an
Issue or None; the file rules (file_rules.py) look at a whole file. The tables give each
rule its finding code and severity; `check_subtitles` runs them all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import regex

from pipeline import fonts
from pipeline.accessibility import without_sound_cues
from pipeline.findings import Finding
from pipeline.subtitles.model import Cue, clock
from pipeline.subtitles.text import foreign_tags, has_romanian_cedilla
from pipeline.validate import craft
from pipeline.validate.context import EPSILON, Context, Issue, graphemes, short, words
from pipeline.validate.file_rules import FILE_RULES

__all__ = ["CUE_RULES", "FILE_RULES", "Context", "Issue", "check_subtitles", "clock"]

# SUB_UNTRANSLATED: identical cues with fewer words than this are names, numbers or "OK".
UNTRANSLATED_MIN_WORDS = 2

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
        return Issue(
            f"cue {cue.index} has {count} lines, over the limit of {limit}", "split it into two cues, or join lines"
        )
    return None


# Single-byte code pages decide ş/ș themselves: Windows-1250 has only the cedilla letters, and
# ISO-8859-16 (comma below) puts ș ț on the same bytes, so its files read as Windows-1250.
# There the fix is saving as UTF-8, not the translator's letters.
_UNICODE_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32")


def romanian_cedilla(cue: Cue, ctx: Context) -> Issue | None:
    if ctx.base == "ro" and has_romanian_cedilla(cue.text):
        letters = "".join(dict.fromkeys(ch for ch in cue.text if ch in "\u015f\u015e\u0163\u0162"))
        if ctx.doc.encoding not in _UNICODE_ENCODINGS:
            return Issue(
                f"cue {cue.index} reads as {letters} with a cedilla, the only ones its code page has; "
                "outputs use the comma-below letters ș ț",
                "nothing to do (filmpipe converts them); save the file as UTF-8 to keep ș and ț as written",
            )
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


# Invisible characters that change how a line is shown without showing themselves: the bidi
# embeddings, overrides and isolates (U+202E turns "tnemyap" into "payment" on screen). filmpipe
# sets each right-to-left line's direction itself (U+200F), so none is needed; the marks
# LRM/RLM/ALM and the joiners ZWJ/ZWNJ stay allowed, as scripts need them.
INVISIBLE_CONTROLS: dict[str, str] = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
    # Unicode's own line and paragraph breaks: neither SRT, WebVTT nor the caption renderer
    # (raqm fails on U+2029) treats them as the line break they look like in a word processor.
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
}
# The same characters plus the C0 and C1 controls (category Cc) other than tab and line ends.
_CONTROLS = regex.compile("[" + "".join(INVISIBLE_CONTROLS) + r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def invisible_controls(cue: Cue, ctx: Context) -> Issue | None:
    if not _CONTROLS.search(cue.text):
        return None
    found = list(dict.fromkeys(_CONTROLS.findall(cue.text)))
    names = ", ".join(
        f"U+{ord(ch):04X} {INVISIBLE_CONTROLS.get(ch) or unicodedata.name(ch, 'CONTROL')}" for ch in found[:4]
    )
    return Issue(
        f"cue {cue.index} holds invisible control characters that change or hide what is shown: {names}",
        "delete them (retype the line if need be; break lines with an ordinary line break); "
        "filmpipe sets the direction of right-to-left lines itself",
    )


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


def untranslated(cue: Cue, ctx: Context) -> Issue | None:
    """Same words as the source cue shown at the same time.

    Cues with fewer than UNTRANSLATED_MIN_WORDS words (after web addresses, e-mail addresses and
    numbers are removed), and cues whose every word starts with a capital (names such as
    'Neighbourhood Beat Bus'), are never reported: they are the same in every language.
    """
    if ctx.source is None or not ctx.source_complete or not ctx.has_text(cue):
        return None
    mine = words(without_sound_cues(ctx.shown[cue.index]))  # [music] in captions is not a sentence to translate
    if len(mine) < UNTRANSLATED_MIN_WORDS or all(w[0].isupper() for w in mine):
        return None
    key = tuple(w.casefold() for w in mine)
    for src in ctx.source_near(cue):
        if (src.start < cue.end and cue.start < src.end) or src.start == cue.start:
            if ctx.source_words[src.index] == key:
                return Issue(
                    f"cue {cue.index} is the same as {ctx.source_code} cue {src.index}: '{short(ctx.shown[cue.index])}'",
                    f"translate it into {ctx.lang.profile.name}",
                )
    return None


CueCheck = Callable[[Cue, Context], "Issue | None"]


@dataclass(frozen=True)
class CueRule:
    code: str
    severity: str
    check: CueCheck
    needs_text: bool = False  # skipped for cues without text (SUB_EMPTY says it once)
    reads_letters: bool = False  # skipped for garbled cues (SUB_MOJIBAKE says it once)


CUE_RULES: tuple[CueRule, ...] = (
    CueRule("SUB_EMPTY", "warning", empty),
    CueRule("SUB_TIMING", "error", timing),
    CueRule("SUB_OVERLAP", "error", overlap),
    CueRule("SUB_OUT_OF_RANGE", "error", out_of_range),
    CueRule("SUB_MIN_DURATION", "warning", min_duration),
    CueRule("SUB_MAX_DURATION", "warning", max_duration),
    CueRule("SUB_GAP", "warning", gap),
    CueRule("SUB_READING_SPEED", "warning", reading_speed, needs_text=True, reads_letters=True),
    CueRule("SUB_LINE_LENGTH", "warning", line_length, needs_text=True, reads_letters=True),
    CueRule("SUB_LINE_COUNT", "warning", line_count, needs_text=True),
    CueRule("SUB_RO_DIACRITICS", "warning", romanian_cedilla, needs_text=True, reads_letters=True),
    CueRule("SUB_MARKUP", "warning", markup),
    # reads_letters: in a garbled cue, C1 controls are mojibake's bytes (SUB_MOJIBAKE says it)
    CueRule("SUB_CONTROL_CHARS", "error", invisible_controls, reads_letters=True),
    CueRule("SUB_GLYPHS", "error", glyphs, needs_text=True, reads_letters=True),
    CueRule("SUB_UNTRANSLATED", "warning", untranslated, needs_text=True, reads_letters=True),
    # The translator's craft (craft.py; per-language word lists in pipeline/data/languages.toml).
    CueRule("SUB_LINE_BREAK", "warning", craft.line_breaks, needs_text=True, reads_letters=True),
    CueRule("SUB_LINE_FITS", "warning", craft.one_line, needs_text=True, reads_letters=True),
    CueRule("SUB_LINE_BALANCE", "warning", craft.balance, needs_text=True, reads_letters=True),
    CueRule("SUB_LINE_ORDER", "warning", craft.line_order, needs_text=True, reads_letters=True),
    CueRule("SUB_LETTERS", "warning", craft.letters, needs_text=True, reads_letters=True),
)


def _finding(code: str, severity: str, issue: Issue, ctx: Context) -> Finding:
    cue = issue.cue
    return Finding(
        code,
        severity,
        issue.message,
        issue.hint,
        language=ctx.lang.code,
        file=ctx.file,
        line=cue.line if cue else None,
        cue=cue.index if cue else None,
        time=cue.start if cue else None,
    )


def check_subtitles(ctx: Context) -> list[Finding]:
    """The file rules, then every rule on every cue (the caller orders the findings by line)."""
    findings: list[Finding] = []
    if not ctx.cues:
        return findings
    if (
        ctx.lang.profile.font_family
        and fonts.fontconfig_available()
        and fonts.find_font(ctx.lang.profile.font_family) is None
    ):
        findings.append(
            Finding(
                "SUB_GLYPHS",
                "error",
                f"the font '{ctx.lang.profile.font_family}' that burns {ctx.lang.profile.name} captions is not installed",
                "install it (apt-get install fonts-noto-core) and run 'filmpipe doctor'",
                language=ctx.lang.code,
                file=ctx.file,
            )
        )
    for frule in FILE_RULES:
        for issue in frule.check(ctx):
            findings.append(_finding(frule.code, frule.severity, issue, ctx))
    for cue in ctx.cues:
        text = ctx.has_text(cue)
        for rule in CUE_RULES:
            if (rule.needs_text and not text) or (rule.reads_letters and cue.index in ctx.garbled_cues):
                continue
            found = rule.check(cue, ctx)
            if found is not None:
                findings.append(_finding(rule.code, rule.severity, Issue(found.message, found.hint, cue), ctx))
    return findings
