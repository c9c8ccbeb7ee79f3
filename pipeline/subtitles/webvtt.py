"""Cue model -> WebVTT text (W3C WebVTT), for the web player and for HLS subtitle segments.

What every file carries:
- the `WEBVTT` header, `HH:MM:SS.mmm --> HH:MM:SS.mmm` timings, UTF-8 and NFC text;
- only <i> <b> <u> as markup, every other `&`, `<` and `>` escaped as a character reference;
- Romanian comma-below letters (ș ț), whatever the source used (text.clean);
- for right-to-left languages, U+200F RIGHT-TO-LEFT MARK at the start of every line that
  does not begin with a right-to-left letter (a line starting with digits, punctuation or a
  Latin name). WebVTT has no direction setting: the browser takes a line's direction from
  its first strong character, so without the mark "yourcounty.police.uk پر جائیں" would be
  laid out left-to-right. Lines starting with digits get the mark too: it costs nothing and
  keeps them right-to-left whatever follows the number.
- optionally `X-TIMESTAMP-MAP` (HLS): which media timestamp the cue times refer to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.subtitles import text as cuetext
from pipeline.subtitles.model import Cue, clock

RLM = "\u200f"
HEADER = "WEBVTT"
MPEGTS_CLOCK = 90_000  # HLS: X-TIMESTAMP-MAP's MPEGTS is always in a 90 kHz clock

_ALLOWED_TAG = re.compile(r"</?(?:i|b|u)>")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


timestamp = clock  # `HH:MM:SS.mmm`, hours always written


def escape(text: str) -> str:
    """Escape & < > as character references, keeping the bare tags <i> <b> <u> and their ends."""
    out: list[str] = []
    pos = 0
    for m in _ALLOWED_TAG.finditer(text):
        out.append("".join(_ESCAPES.get(ch, ch) for ch in text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append("".join(_ESCAPES.get(ch, ch) for ch in text[pos:]))
    return "".join(out)


def first_strong_direction(line: str) -> str | None:
    """'rtl', 'ltr' or None (no strong character) for the first strong character, markup ignored."""
    for ch in cuetext.plain(line):
        bidi = unicodedata.bidirectional(ch)
        if bidi == "L":
            return "ltr"
        if bidi in ("R", "AL"):
            return "rtl"
    return None


def starts_rtl(line: str) -> bool:
    """Whether the first visible character (markup and spaces skipped) is a right-to-left letter."""
    visible = cuetext.plain(line).lstrip()
    return bool(visible) and unicodedata.bidirectional(visible[0]) in ("R", "AL")


def mark_rtl(line: str) -> str:
    """Prefix U+200F unless the line begins with a right-to-left letter (or already with the mark)."""
    if line.startswith(RLM) or starts_rtl(line):
        return line
    return RLM + line


def cue_lines(cue: Cue, language: str, rtl: bool) -> list[str]:
    """The cue's lines as written into WebVTT: cleaned, escaped, direction-marked, no blank line.

    A blank line would end the cue early in a WebVTT parser, so empty lines are dropped.
    """
    kept = [raw.strip() for raw in cue.lines if cuetext.plain(cuetext.drop_controls(raw)).strip()]
    lines = []
    # Balanced over the whole cue (a tag may open on one line and close on the next), after the
    # blank lines are gone, so no dropped line takes half a pair with it.
    for raw in cuetext.clean("\n".join(kept), language).split("\n"):
        line = raw.strip()
        if not cuetext.plain(line).strip():
            continue
        line = escape(line)
        lines.append(mark_rtl(line) if rtl else line)
    return lines


@dataclass(frozen=True)
class TimestampMap:
    """`X-TIMESTAMP-MAP=MPEGTS:<mpegts>,LOCAL:<local>`: cue time `local` is media time `mpegts`/90 kHz."""

    mpegts: int
    local: float = 0.0

    def header(self) -> str:
        return f"X-TIMESTAMP-MAP=MPEGTS:{self.mpegts},LOCAL:{timestamp(self.local)}"


def numbered(cues: Iterable[Cue], language: str, rtl: bool = False) -> list[tuple[int, Cue, list[str]]]:
    """(identifier, cue, lines) of every cue with visible text, numbered 1… over the whole film.

    HLS subtitle segments reuse these identifiers: a cue repeated in two segments keeps its
    identifier, which is how players (hls.js) recognise the repeat and show it once, and two
    different cues never share one.
    """
    out: list[tuple[int, Cue, list[str]]] = []
    for cue in cues:
        lines = cue_lines(cue, language, rtl)
        if lines and cue.end > cue.start:
            out.append((len(out) + 1, cue, lines))
    return out


def _render(blocks: list[tuple[int, Cue, list[str]]], timestamp_map: TimestampMap | None) -> str:
    parts = [HEADER + ("\n" + timestamp_map.header() if timestamp_map else "")]
    for number, cue, lines in blocks:
        parts.append(f"{number}\n{timestamp(cue.start)} --> {timestamp(cue.end)}\n" + "\n".join(lines))
    return "\n\n".join(parts) + "\n"


def write(
    cues: Iterable[Cue],
    language: str,
    *,
    rtl: bool = False,
    timestamp_map: TimestampMap | None = None,
) -> str:
    """A whole WebVTT file for these cues. Cues without visible text are left out."""
    return _render(numbered(cues, language, rtl), timestamp_map)


def count_cues(cues: Iterable[Cue], language: str) -> int:
    """How many cues `write` keeps (the manifest's `cues`)."""
    return len(numbered(cues, language))


def segment(
    cues: Iterable[Cue],
    language: str,
    start: float,
    end: float,
    *,
    rtl: bool = False,
    timestamp_map: TimestampMap,
) -> str:
    """One HLS subtitle segment: the cues that overlap [start, end), with their full times.

    RFC 8216 (3.5): each WebVTT segment holds every cue displayed during its period, with the
    cue's whole time range, so a cue spanning a boundary is in both segments, under the same
    identifier as in the whole file.
    """
    blocks = [b for b in numbered(cues, language, rtl) if b[1].start < end and b[1].end > start]
    return _render(blocks, timestamp_map)
