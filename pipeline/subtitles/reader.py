"""SRT and WebVTT files -> one cue model, with findings for whatever could not be read.

SRT is read leniently. Tolerated without a word: CRLF or CR line ends, a missing final
newline, missing or wrong cue numbers (a word such as `dix` included), extra blank lines, `.`
instead of `,` before the milliseconds, hours left out. Times with one-digit minutes or
seconds or a one- or two-digit fraction are read (`1,5` as 1.500 s) but reported
(SUB_TIMESTAMP): players disagree about them.

WebVTT is read exactly as a browser reads it (webvtt_parser.py, the W3C algorithm); whatever
a browser drops or repairs silently is a finding: a wrong signature or an unreadable timing
line (SUB_PARSE), `-->` in cue text (SUB_PARSE), blocks browsers ignore (SUB_VTT_IGNORED).

Both: NUL characters become U+FFFD as the WebVTT specification says (a browser shows '�'):
SUB_CONTROL_CHARS (other control characters are that rule's, in rules.py). Reported: a file not in UTF-8
(SUB_ENCODING, naming the encoding it was read as), text garbled by an earlier wrong
conversion (SUB_MOJIBAKE), and every block that cannot be read (SUB_PARSE with its line
number): nothing is skipped silently.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import ValidationFailed
from pipeline.filekind import not_regular
from pipeline.findings import Finding
from pipeline.subtitles import webvtt_parser
from pipeline.subtitles.model import Cue, SubtitleDoc, clock
from pipeline.text.encoding import Decoded, Undecodable, decode, display_name
from pipeline.text.mojibake import find_mojibake

if TYPE_CHECKING:
    from pipeline.project import LanguageConfig, Project

_NEWLINE = re.compile(r"\r\n|\r|\n")
_STAMP = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_STAMP}\s*-->\s*{_STAMP}(?:\s+.*)?\s*$")
# The full form: two-digit minutes and seconds, three-digit fraction (hours may be left out).
_FULL_STAMP = r"(?:\d+:)?\d\d:\d\d[,.]\d\d\d"
_FULL_TIMING = re.compile(rf"^\s*{_FULL_STAMP}\s*-->\s*{_FULL_STAMP}(?:\s|$)")
# A line meant as a timing line even when mistyped: "-->", two timestamps with something between,
# or a line that starts with a full timestamp (the arrow and end time left out: "00:00:05,000").
_TIMING_LIKE = re.compile(
    r"-->|^\s*(?:\d+:)?\d{1,2}:\d{1,2}[,.:]\d{1,3}\D{1,8}(?:\d+:)?\d{1,2}:\d{1,2}"
    r"|^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}(?!\d)"
)
# Broadcast timecode with frames where SRT has milliseconds: "00:00:05:12 --> 00:00:07:03".
_FRAMES = re.compile(r"^\s*\d{1,2}:\d{2}:\d{2}[:;]\d{2}\s*-->\s*\d{1,2}:\d{2}:\d{2}[:;]\d{2}\s*$")
MAX_SHOWN = 60  # characters of a bad line quoted in a message


@dataclass
class _Parse:
    path: Path
    display: str  # the file as the user named it
    language: str
    fmt: str
    findings: list[Finding] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    nul_cues: set[int] = field(default_factory=set)  # cues whose U+FFFD came from NUL characters

    def parse_error(self, line: int, message: str, hint: str) -> None:
        self.add("SUB_PARSE", "error", line, message, hint)

    def add(self, code: str, severity: str, line: int, message: str, hint: str, cue: Cue | None = None) -> None:
        self.findings.append(
            Finding(
                code,
                severity,
                message,
                hint,
                language=self.language,
                file=self.display,
                line=line,
                cue=cue.index if cue else None,
                time=cue.start if cue else None,
            )
        )

    def add_cue(self, start: float, end: float, lines: list[str], timing_line: int) -> None:
        """A cue, its NUL characters shown as U+FFFD (as browsers do), control characters reported."""
        cue = Cue(
            index=len(self.cues) + 1,
            start=start,
            end=end,
            lines=tuple(t.replace("\x00", "\ufffd") for t in lines),
            line=timing_line,
        )
        self.cues.append(cue)
        for offset, text in enumerate(lines, 1):
            if "\x00" not in text:
                continue  # other control characters: SUB_CONTROL_CHARS (rules.py) on the cue
            line = timing_line + offset
            self.nul_cues.add(cue.index)
            self.add(
                "SUB_CONTROL_CHARS",
                "error",
                line,
                f"line {line} (cue {cue.index}) holds a NUL character, which players show as '\ufffd'",
                "run 'filmpipe fix' to remove it, or delete it in a text editor",
                cue,
            )


def _seconds(h: str | None, m: str, s: str, frac: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(frac.ljust(3, "0")) / 1000


def parse_timing(text: str) -> tuple[float, float] | None:
    """'00:00:01,500 --> 00:00:03,000' (or WebVTT's '00:01.500 --> …') -> (1.5, 3.0)."""
    match = _TIMING.match(text)
    if not match:
        return None
    g = match.groups()
    if int(g[1]) > 59 or int(g[2]) > 59 or int(g[5]) > 59 or int(g[6]) > 59:
        return None
    return _seconds(*g[0:4]), _seconds(*g[4:8])


def _quote(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _is_number(text: str) -> bool:
    return text.strip().isdigit()


def _is_identifier(text: str) -> bool:
    """A cue number, or a word in its place ('dix', '12a'): one token on the line above a timing line."""
    return len(text.split()) == 1


def _timing_like(text: str) -> bool:
    return _TIMING_LIKE.search(text) is not None


def _starts_cue(lines: list[str], i: int, vtt: bool) -> bool:
    """Line i begins a cue: a timing line, or (SRT) a number right above one."""
    if _timing_like(lines[i]):
        return True
    return not vtt and _is_number(lines[i]) and i + 1 < len(lines) and _timing_like(lines[i + 1])


def _parse(lines: list[str], state: _Parse) -> None:
    """One pass over the lines; a block is a cue, a NOTE/STYLE/REGION (WebVTT) or unreadable."""
    vtt = state.fmt == "vtt"
    i, n = 0, len(lines)
    while vtt and i < n and not lines[i].strip():
        i += 1
    if (
        vtt and i < n and lines[i].lstrip().upper().startswith("WEBVTT")
    ):  # the header block ends at the first blank line
        i += 1
        while i < n and lines[i].strip() and not _timing_like(lines[i]):  # … or where a cue starts without one
            i += 1
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        start = i
        head = lines[i].strip()
        if vtt and (head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head):
            while i < n and lines[i].strip():
                i += 1
            continue
        timing_at = None
        if _timing_like(head):
            timing_at = i
        elif i + 1 < n and _timing_like(lines[i + 1]) and (vtt or _is_identifier(head)):
            timing_at = i + 1
        if timing_at is None:
            end = i + 1
            while end < n and lines[end].strip() and not _starts_cue(lines, end, vtt):
                end += 1
            expected = "a cue identifier or timing line" if vtt else "a cue number or a timing line"
            hint = (
                "is this text from the cue above, after a blank line? Remove the blank line or give the block a timing line"
                if state.cues or state.findings
                else f"a cue starts with {'an optional identifier' if vtt else 'its number'} and a timing line such as "
                "00:00:01,000 --> 00:00:02,500: is this the right file?"
            )
            state.parse_error(
                start + 1,
                f"line {start + 1}: expected {expected} ('00:00:01,000 --> 00:00:02,500'), found '{_quote(head)}'",
                hint,
            )
            i = end
            continue
        times = parse_timing(lines[timing_at])
        i = timing_at + 1
        text_lines: list[str] = []
        while i < n and lines[i].strip():
            # A cue that runs into the next one without a blank line: a number followed by a
            # timing line, or a timing line itself, starts a new cue. Text with an arrow in it
            # ("Click --> Start") starts with no digit: it stays text.
            if _starts_cue(lines, i, vtt) and lines[i].lstrip()[:1].isdigit():
                break
            text_lines.append(lines[i].rstrip())
            i += 1
        if times is None:
            frames = _FRAMES.match(lines[timing_at])
            state.parse_error(
                timing_at + 1,
                f"line {timing_at + 1}: cannot read the timing '{_quote(lines[timing_at])}'"
                + (": it counts frames (HH:MM:SS:FF), not milliseconds" if frames else ""),
                "export the subtitles again as SRT, whose times are HH:MM:SS,mmm (milliseconds)"
                if frames
                else "write it as HH:MM:SS,mmm --> HH:MM:SS,mmm with minutes and seconds under 60",
            )
            continue
        if vtt:
            text_lines = [html.unescape(t) for t in text_lines]
        elif not _FULL_TIMING.match(lines[timing_at]):
            state.add(
                "SUB_TIMESTAMP",
                "warning",
                timing_at + 1,
                f"line {timing_at + 1}: the timing '{_quote(lines[timing_at])}' is not written in full "
                f"(HH:MM:SS,mmm); it is read as {clock(times[0], ',')} --> {clock(times[1], ',')}, "
                "which some players read differently",
                "run 'filmpipe fix' to write the times in full, or write two-digit minutes and seconds and "
                "three-digit milliseconds",
            )
        state.add_cue(times[0], times[1], text_lines, timing_at + 1)


_VTT_TIME_HINT = "write it as 00:01:02.500 --> 00:01:04.000 ('filmpipe fix' does it for you)"


def _vtt_timing_fault(line: str) -> str:
    """Why a browser cannot read this timing line, in words (the first fault found)."""
    if _FRAMES.match(line):
        return "it counts frames (HH:MM:SS:FF), not milliseconds"
    stamps = re.findall(r"\d+(?::\d+)*(?:[.,]\d*)?", line)
    if "-->" not in line or len(stamps) < 2:
        return "a timing line is a start time, '-->' and an end time"
    for stamp in stamps[:2]:
        if "," in stamp:
            return "WebVTT writes '.' before the milliseconds, not ','"
        if "." not in stamp:
            return f"'{stamp}' has no milliseconds"
        head, frac = stamp.split(".")
        if len(frac) != 3:
            return f"'{stamp}' needs three digits of milliseconds"
        parts = head.split(":")
        if any(len(p) != 2 for p in parts[-2:]) or len(parts) < 2:
            return f"'{stamp}' needs two-digit minutes and seconds"
        if any(int(p) > 59 for p in parts[-2:]):
            return f"'{stamp}' has minutes or seconds over 59"
    return "it does not follow the form HH:MM:SS.mmm --> HH:MM:SS.mmm"


def _signature_fault(first: str, text: str) -> tuple[str, str]:
    """(what is wrong with the WebVTT signature, the fix)."""
    if not first.strip() and text.lstrip().upper().startswith("WEBVTT"):
        return "it starts with a blank line", "delete the blank line(s) before WEBVTT"
    if first[:6].upper() == "WEBVTT" and first[:6] != "WEBVTT":
        return f"it starts with '{_quote(first)}'", "write WEBVTT in capital letters"
    if first.startswith("WEBVTT"):
        return f"'{_quote(first)}' has no space after WEBVTT", "put a space or a line break right after WEBVTT"
    if first.lstrip().startswith("WEBVTT"):
        return "WEBVTT does not start the line", "delete what comes before WEBVTT on the first line"
    return (
        f"its first line is '{_quote(first)}', not WEBVTT",
        "make the first line WEBVTT (or name the file .srt if it is SRT)",
    )


def _parse_vtt(text: str, state: _Parse) -> None:
    """The cues a browser reads, and a finding for whatever it drops or repairs silently."""
    parsed = webvtt_parser.parse(text)
    arrows = {p.line for p in parsed.problems if p.kind == "arrow_in_text"}
    for problem in parsed.problems:
        line, shown = problem.line, _quote(problem.text)
        if problem.kind == "signature":
            fault, hint = _signature_fault(problem.text, text)
            state.parse_error(1, f"{state.display} is not read as WebVTT by browsers: {fault}; no cue is shown", hint)
        elif problem.kind == "timing" and line not in arrows:
            fault = _vtt_timing_fault(problem.text)
            state.parse_error(
                line,
                f"line {line}: browsers drop this cue, they cannot read the timing '{shown}': {fault}",
                _VTT_TIME_HINT,
            )
        elif problem.kind == "arrow_in_text":
            state.parse_error(
                line,
                f"line {line}: '-->' in cue text ends the cue in browsers: '{shown}' and the lines after it are not shown",
                "write the arrow as '--&gt;' or '→' ('filmpipe fix' does it for you)",
            )
        elif problem.kind == "no_timing":
            state.parse_error(
                line,
                f"line {line}: a block without a timing line, which browsers drop: '{shown}'",
                "is this text from the cue above, after a blank line? Remove the blank line or give the block a timing line",
            )
        elif problem.kind == "style":
            state.add(
                "SUB_VTT_IGNORED",
                "info",
                line,
                f"line {line}: browsers ignore this block: '{shown}' (styles count only above the first cue, "
                "without blank lines inside)",
                "nothing to do: filmpipe writes its own styling; delete the block to keep the file tidy",
            )
    for cue in parsed.cues:
        state.add_cue(
            cue.start, cue.end, [html.unescape(t) for t in cue.text.split("\n")] if cue.text else [], cue.line
        )
    for c in state.cues:  # U+FFFD in these came from NUL: SUB_CONTROL_CHARS said so
        if "\ufffd" in c.text and any(
            p.kind == "nul" and c.line < p.line <= c.line + len(c.lines) for p in parsed.problems
        ):
            state.nul_cues.add(c.index)
    for problem in parsed.problems:
        if problem.kind == "nul" and not any(
            f.line == problem.line and f.code == "SUB_CONTROL_CHARS" for f in state.findings
        ):
            state.add(
                "SUB_CONTROL_CHARS",
                "error",
                problem.line,
                f"line {problem.line} holds a NUL character, which browsers show as '\ufffd'",
                "run 'filmpipe fix' to remove it, or delete it in a text editor",
            )


def _format_of(path: Path, text: str) -> str:
    """WebVTT when the file says so (its WEBVTT header) or is named .vtt; SRT otherwise."""
    if text.lstrip("\ufeff \t\r\n")[:6].upper() == "WEBVTT" or path.suffix.lower() == ".vtt":
        return "vtt"
    return "srt"


# Files that are not SRT or WebVTT at all, by their first bytes or first line.
_OTHER_FORMATS: tuple[tuple[bytes, str, str], ...] = (
    (b"PK\x03\x04", "a Word document or another zip file", "save the subtitles as SRT (plain text), not .docx"),
    (b"\xd0\xcf\x11\xe0", "a Word 97-2003 document", "save the subtitles as SRT (plain text), not .doc"),
    (b"%PDF", "a PDF", "ask for the SRT file itself; a PDF cannot be timed"),
    (b"{\\rtf", "an RTF document", "save the subtitles as plain text (SRT), not Rich Text"),
)
_OTHER_TEXT_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("[Script Info]", "an ASS/SSA subtitle file", "export it as SRT (e.g. in Aegisub: File, Export Subtitles)"),
    ("<?xml", "an XML (TTML/DFXP) subtitle file", "export it as SRT or WebVTT"),
    ("<tt", "a TTML subtitle file", "export it as SRT or WebVTT"),
)


def _not_subtitles(shown: str, other: tuple[str, str], language: str | None) -> Finding:
    """SUB_PARSE for a file that is something else (a video, a word-processor file…): what it is and the fix."""
    return Finding(
        "SUB_PARSE",
        "error",
        f"{shown} is {other[0]}, not an SRT or WebVTT file",
        other[1],
        language=language,
        file=shown,
        line=1,
    )


def _other_format(data: bytes, text: str | None) -> tuple[str, str] | None:
    for magic, what, hint in _OTHER_FORMATS:
        if data.startswith(magic):
            return what, hint
    if text is not None:
        head = text.lstrip("\ufeff \t\r\n")
        for start, what, hint in _OTHER_TEXT_FORMATS:
            if head.startswith(start):
                return what, hint
    return None


# Control characters no text file holds (tab, line and page breaks aside), NUL included.
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
BINARY_SHARE = 0.02  # random bytes hold about 12 % of them; a text file none, or a stray Ctrl-Z


def _looks_binary(text: str) -> bool:
    """Bytes that no editor would save as subtitles: an image, a video, a zero-filled file.
    Judged only when no cue could be read (junk after readable cues is reported block by block)."""
    controls = len(_BINARY.findall(text))
    return controls > 2 and controls > BINARY_SHARE * len(text)


def read_subtitles(path: Path, language: str, display: str | None = None) -> tuple[SubtitleDoc | None, list[Finding]]:
    """Read an SRT or WebVTT file into cues, with SUB_ENCODING/SUB_MOJIBAKE/SUB_PARSE findings.

    `display` is the path as the user should see it (relative to film.toml); by default the
    path itself. None comes back only when nothing can be read, always with a finding.
    """
    shown = display or str(path)
    special = not_regular(path)
    if special is not None:  # a FIFO would block the read, /dev/zero would never end it
        return None, [
            Finding(
                "INPUT_MISSING",
                "error",
                f"{shown} is {special}, not a regular file",
                "save the subtitles as a file of their own and name that file",
                language=language,
                file=shown,
            )
        ]
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return None, [
            Finding(
                "INPUT_MISSING",
                "error",
                f"{shown} cannot be read: {reason}",
                "check that the file exists and that you may read it",
                language=language,
                file=shown,
            )
        ]
    other = _other_format(data, None)
    if other:
        return None, [_not_subtitles(shown, other, language)]
    try:
        decoded = decode(data, language)
    except Undecodable as exc:
        return None, [
            Finding(
                "SUB_ENCODING",
                "error",
                f"{shown} {exc}",
                "open it in a text editor and save it as UTF-8",
                language=language,
                file=shown,
            )
        ]
    findings: list[Finding] = []
    if decoded.encoding not in ("utf-8", "utf-8-sig"):
        guess = "" if decoded.confident else " (a best guess: check the accented letters)"
        findings.append(
            Finding(
                "SUB_ENCODING",
                "warning",
                f"{shown} is not UTF-8; it was read as {display_name(decoded.encoding)}{guess}",
                "save it as UTF-8 (in Notepad: Save As, Encoding: UTF-8) so every tool reads it alike",
                language=language,
                file=shown,
            )
        )
    # A BOM can also sit mid-file, where two files saved with one were joined together.
    if decoded.mixed_lines:
        lines_shown = ", ".join(map(str, decoded.mixed_lines[:8])) + (" …" if len(decoded.mixed_lines) > 8 else "")
        findings.append(
            Finding(
                "SUB_ENCODING",
                "warning",
                f"{shown} is UTF-8 except line{'s' if len(decoded.mixed_lines) > 1 else ''} {lines_shown}, "
                f"read as {display_name(decoded.mixed_encoding or '?')}",
                "the file was edited in two programs or joined from two files: save it again as UTF-8 and "
                "check the accented letters on those lines",
                language=language,
                file=shown,
                line=decoded.mixed_lines[0],
            )
        )
    text = decoded.text.replace("\ufeff", "")
    other = _other_format(b"", text)
    if other:
        return None, findings + [_not_subtitles(shown, other, language)]
    fmt = _format_of(path, text)
    state = _Parse(path, shown, language, fmt)
    if fmt == "vtt":
        _parse_vtt(text, state)
    else:
        _parse(_NEWLINE.split(text), state)
    if not state.cues and _looks_binary(decoded.text):  # no code page to name, no block to quote
        return None, [
            Finding(
                "SUB_PARSE",
                "error",
                f"{shown} is not a text file: it holds binary data",
                "is this the right file? Point film.toml at the subtitles, saved as SRT (plain text)",
                language=language,
                file=shown,
                line=1,
            )
        ]
    no_fffd = "\ufffd" not in decoded.text
    for cue in state.cues:
        garbled = find_mojibake(
            cue.text.replace("\ufffd", "") if cue.index in state.nul_cues and no_fffd else cue.text, language
        )
        if garbled:
            shown_runs = ", ".join(
                f"'{g.found}'" + (f" (meant '{g.meant}')" if g.meant != "?" else " (characters lost)")
                for g in garbled[:3]
            )
            more = f" and {len(garbled) - 3} more" if len(garbled) > 3 else ""
            findings.append(
                Finding(
                    "SUB_MOJIBAKE",
                    "error",
                    f"cue {cue.index} has garbled text: {shown_runs}{more}",
                    "letters were lost when the file was saved in a code page without them ('?' or '\ufffd' "
                    "in their place): ask for the file saved as UTF-8, or type the letters again"
                    if all(g.meant == "?" for g in garbled)
                    else "the file was once opened with the wrong encoding and saved again: ask for the original "
                    "file, or replace the garbled letters",
                    language=language,
                    file=shown,
                    line=cue.line,
                    cue=cue.index,
                    time=cue.start,
                )
            )
    if not state.cues and not state.findings:
        state.parse_error(1, f"{shown} holds no cues", "is this the right file? A cue is a timing line and its text")
    findings += state.findings
    findings.sort(key=lambda f: f.line or 0)
    doc = SubtitleDoc(path=path, format=fmt, encoding=decoded.encoding, cues=tuple(state.cues))
    return doc, findings


def lenient_cues(text: str, fmt: str, language: str) -> tuple[list[Cue], list[Finding]]:
    """Cues found the lenient (SRT) way in either format, each with its timing line's number, and
    the blocks that could not be read: what `filmpipe fix` mends (a browser's strict reading of
    WebVTT would drop the very cues fix can repair)."""
    state = _Parse(Path("-"), "-", language, fmt)
    _parse(_NEWLINE.split(text), state)
    return state.cues, [f for f in state.findings if f.code == "SUB_PARSE"]


def load_cues(lang: LanguageConfig, project: Project) -> SubtitleDoc:
    """The cues of one language for the build; ValidationFailed when the file cannot be read."""
    shown = project.relative(lang.subtitles)
    doc, findings = read_subtitles(lang.subtitles, lang.code, shown)
    if doc is None:
        first = findings[0]
        raise ValidationFailed(first.message, first.hint or "run 'filmpipe validate' for details")
    return doc


__all__ = ["read_subtitles", "load_cues", "lenient_cues", "parse_timing", "Decoded"]
