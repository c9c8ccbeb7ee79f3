"""The social pack's caption file: SubRip (.srt) as Facebook, YouTube, X and LinkedIn take it.

Written with pysrt: UTF-8 without a byte-order mark, cues numbered from 1 in film order,
`HH:MM:SS,mmm --> HH:MM:SS,mmm`, a blank line after every cue. The text is what viewers read:
cleaned as every output is (NFC, Romanian comma-below letters), with markup removed (the
platforms' SRT readers differ on <i>; several show it as text), no empty lines inside a cue
(they would end it early) and no cue without text. Right-to-left lines that would start
left-to-right (a number, a web address) begin with U+200F, as in the WebVTT files, so a
player lays them out right-to-left.

Named `<film-id>.<ll_CC>.srt` (e.g. `neighbourhood-policing.ur_PK.srt`): Facebook reads the
language of a caption file from that name.
"""

from __future__ import annotations

from collections.abc import Iterable

import pysrt

from pipeline.subtitles import text as cuetext
from pipeline.subtitles.model import Cue
from pipeline.subtitles.webvtt import mark_rtl

MIME = "application/x-subrip"


def file_name(film_id: str, locale: str) -> str:
    return f"{film_id}.{locale}.srt"


def _time(seconds: float) -> pysrt.SubRipTime:
    return pysrt.SubRipTime(milliseconds=max(0, round(seconds * 1000)))


def cue_text(cue: Cue, language: str, rtl: bool) -> str:
    lines = []
    for raw in cuetext.plain(cuetext.clean(cue.text, language)).split("\n"):
        line = " ".join(raw.split())
        if line:
            lines.append(mark_rtl(line) if rtl else line)
    return "\n".join(lines)


def subrip(cues: Iterable[Cue], language: str, *, rtl: bool = False) -> pysrt.SubRipFile:
    """The cues with visible text as a pysrt file, numbered 1… in time order."""
    items = pysrt.SubRipFile()
    for cue in sorted(cues, key=lambda c: (c.start, c.index)):
        text = cue_text(cue, language, rtl)
        if text and cue.end > cue.start:
            items.append(pysrt.SubRipItem(index=len(items) + 1, start=_time(cue.start), end=_time(cue.end), text=text))
    return items


def write(cues: Iterable[Cue], language: str, path, *, rtl: bool = False) -> int:
    """Write the SRT file; returns how many cues it holds."""
    items = subrip(cues, language, rtl=rtl)
    items.save(str(path), encoding="utf-8", eol="\n")
    return len(items)
